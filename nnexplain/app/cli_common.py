"""What the command line's commands share: one-line errors, progress bars, options, default runs."""

from __future__ import annotations

from pathlib import Path

import click

from nnexplain.app.catalog import SCENES
from nnexplain.app.options import QUALITIES
from nnexplain.errors import NnexplainError

__all__ = [
    "UserError",
    "user_errors",
    "progress_printer",
    "default_run",
    "resolution",
    "scene_options",
    "quality_option",
    "PositiveFiniteFloat",
]


class UserError(click.ClickException):
    exit_code = 2


class PositiveFiniteFloat(click.FloatRange):
    """A float in (0, ``most``]: NaN passes every comparison click's range makes, so it is refused by name."""

    def __init__(self, most: float):
        super().__init__(0, most, min_open=True)

    def convert(self, value, param, ctx):
        import math

        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number; give one in the range 0<x<={self.max:g}", param, ctx)
        return super().convert(number, param, ctx)


def user_errors(function):
    """Turn :class:`NnexplainError` raised inside a command into a one-line exit-2 error."""
    import functools

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except NnexplainError as error:
            raise UserError(str(error)) from None

    return wrapper


def progress_printer(label: str):
    """A rich progress bar fed by training's per-epoch reports; returns (callback, context)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn(f"[bold]{label}[/] epoch"),
        MofNCompleteColumn(),
        BarColumn(),
        TextColumn("{task.fields[metrics]}"),
        TimeElapsedColumn(),
        console=__import__("rich.console").console.Console(stderr=True),
    )
    task = progress.add_task("train", total=None, metrics="")

    def on_epoch(report) -> None:
        m = report.metrics
        parts = [f"loss {m.get('train_loss', float('nan')):.4f}"]
        if "train_acc" in m:
            parts += [f"train {m['train_acc']:.1%}", f"val {m['val_acc']:.1%}"]
        else:
            parts += [f"val loss {m['val_loss']:.4g}"]
        progress.update(task, completed=report.epoch, total=report.epochs, metrics="  ".join(parts))

    return on_epoch, progress


def resolution(ctx, param, value):
    if value is None:
        return None
    try:
        width, height = (int(side) for side in value.lower().split("x"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not WIDTHxHEIGHT, e.g. 1280x720") from None
    return width, height


def further_runs(ctx, param, values) -> dict[str, Path]:
    runs = {}
    for value in values:
        role, _, path = value.partition("=")
        if not role or not path:
            raise click.BadParameter(f"{value!r} is not ROLE=DIR, e.g. linear=runs/sine-linear")
        runs[role] = Path(path)
    return runs


_FURTHER_HELP = "; ".join(
    f"{info.name}: {spec.role} ({spec.description}; default run {spec.recipe})"
    for info in SCENES.values()
    for spec in info.further
)


def scene_options(function):
    """--run and --with, shared by render, preview and slides."""
    function = click.option(
        "--with",
        "further",
        multiple=True,
        metavar="ROLE=DIR",
        callback=further_runs,
        help=f"A further run the scene reads, by role (repeatable) [its default run]. {_FURTHER_HELP}.",
    )(function)
    return click.option(
        "--run", "run_dir", type=click.Path(path_type=Path), help="Run directory [the scene's cached default]."
    )(function)


def quality_option(function=None, *, default: str = "low"):
    """--quality, low (480p15, for drafting) unless ``default`` says otherwise: decks pass theirs."""

    def decorate(function):
        return click.option("--quality", type=click.Choice(QUALITIES), default=default, show_default=True)(function)

    return decorate if function is None else decorate(function)


def default_run(recipe: str) -> Path:
    from nnexplain.app.cache import default_run_dir, ensure_default_run, is_complete

    target = default_run_dir(recipe)
    if not is_complete(target):
        click.echo(f"training the default {recipe} run once, into {target}", err=True)
        on_epoch, progress = progress_printer(recipe)
        with progress:
            ensure_default_run(recipe, on_epoch=on_epoch)
    return target
