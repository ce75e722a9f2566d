"""The ``nnexplain`` command: list, train, info, landscape, render, preview and slides.

Every user error (a wrong name, a missing or corrupt run, a bad data file) is
one line on stderr and exit status 2. torch and manim are imported only by the
commands that need them, so ``list`` and ``info`` answer at once.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from nnexplain.app.catalog import SCENES
from nnexplain.app.options import FORMATS, QUALITIES
from nnexplain.errors import NnexplainError
from nnexplain.train.recipes import ACTIVATION_DEFAULTS, MAX_EPOCHS, MAX_SEED


class UserError(click.ClickException):
    exit_code = 2


def _user_errors(function):
    """Turn :class:`NnexplainError` raised inside a command into a one-line exit-2 error."""
    import functools

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except NnexplainError as error:
            raise UserError(str(error)) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nnexplain")
def cli() -> None:
    """Animated explainers of real, trained neural networks."""


@cli.command("list")
def list_command() -> None:
    """The scenes and the training recipes, one line each."""
    from nnexplain.train.recipes import RECIPES

    width = max(map(len, [*SCENES, *RECIPES]))
    click.echo("Scenes (nnexplain render SCENE):")
    for info in SCENES.values():
        click.echo(f"  {info.name:<{width}}  {info.description} [default run: {info.recipe}]")
    click.echo("Recipes (nnexplain train RECIPE):")
    for recipe in RECIPES.values():
        click.echo(f"  {recipe.name:<{width}}  {recipe.description}")


def _progress_printer(label: str):
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


@cli.command()
@click.argument("recipe")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Run directory to write [runs/RECIPE].")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
@click.option("--epochs", type=click.IntRange(1, MAX_EPOCHS), help="Epochs to train [the recipe's].")
@click.option("--seed", type=click.IntRange(0, MAX_SEED), help="Seed for initialisation and shuffling [the recipe's].")
@click.option("--lr", type=click.FloatRange(0, 1e12, min_open=True), help="Learning rate (the peak, with a one-cycle schedule) [the recipe's].")
@click.option("--batch-size", type=click.IntRange(0, 1_000_000), help="Examples per step; 0: the whole training set [the recipe's].")
@click.option("--activation", type=click.Choice(["sigmoid", "tanh", "relu"]), help=f"Hidden activation, for the recipes that offer a choice ({', '.join(ACTIVATION_DEFAULTS)}).")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Directory with the full MNIST IDX files.")
@click.option("--overwrite", is_flag=True, help="Replace a run already in --out (kept until the new one is complete).")
@click.option("--resume", is_flag=True, help="Go on training the stopped run in --out from its last snapshot, as if it had never stopped.")
@_user_errors
def train(recipe, out, device, epochs, seed, lr, batch_size, activation, data_dir, overwrite, resume) -> None:
    """Train RECIPE and write a run directory."""
    from nnexplain.train.recipes import get_recipe

    config = get_recipe(recipe).config
    if resume:
        if overwrite:
            raise NnexplainError("--resume goes on with the run in --out, --overwrite replaces it: give one of them")
        given = {"epochs": epochs, "seed": seed, "lr": lr, "batch_size": batch_size, "activation": activation, "data_dir": data_dir and str(data_dir)}
        return _resume(recipe, out or Path("runs") / recipe, device, {key: value for key, value in given.items() if value is not None})
    if activation and activation != config.activation:
        if recipe not in ACTIVATION_DEFAULTS:
            raise NnexplainError(f"recipe {recipe!r} has a fixed activation; --activation applies to: {', '.join(ACTIVATION_DEFAULTS)}")
        config = ACTIVATION_DEFAULTS[recipe](activation)
    config = config.with_overrides(
        device=device, epochs=epochs, seed=seed, lr=lr, batch_size=batch_size, data_dir=str(data_dir) if data_dir else None
    )
    import os

    from nnexplain.data import load_dataset
    from nnexplain.run.staging import StagedDirectory, check_place, recover, run_lock
    from nnexplain.train.loop import resolve_device, train as train_run

    shown = out or Path("runs") / recipe
    out = Path(os.path.realpath(shown))  # through a symlink: the run goes where it points, the link stays
    if out == Path.cwd() or out in Path.cwd().parents:
        raise NnexplainError(f"--out {shown} is the directory you are in (or holds it); give a run directory below it")
    occupied = check_place(out, overwrite)  # refuses early what may never be replaced
    resolve_device(device)  # fail before anything slow
    dataset = load_dataset(config.dataset, config.data_dir, **config.dataset_options)
    on_epoch, progress = _progress_printer(recipe)
    with progress:
        if occupied:  # trained beside the old run, which stays until the new one is complete
            with StagedDirectory(out, replace=True) as staging:
                train_run(config, staging.path, on_epoch=on_epoch, dataset=dataset)
        else:  # trained in place, so a killed training leaves a readable, partial run
            with run_lock(out):
                recover(out)
                check_place(out, replace=False)
                train_run(config, out, on_epoch=on_epoch, dataset=dataset)
    _print_summary(out)
    click.echo(str(shown))


def _resume(recipe: str, shown: Path, device: str, given: dict) -> None:
    from nnexplain.app.resume import resume_training

    def with_progress(label: str, work) -> None:
        on_epoch, progress = _progress_printer(label)
        with progress:
            work(on_epoch)

    out, done = resume_training(recipe, shown, device, with_progress, given)
    if done:
        _print_summary(out)
    else:
        click.echo(f"{shown} is complete already; nothing to resume", err=True)
    click.echo(str(shown))


def _print_summary(run_dir: Path) -> None:
    from nnexplain.run import load_run

    run = load_run(run_dir)
    metrics = run.final_metrics
    shown = ", ".join(f"{k} {v:.4g}" for k, v in metrics.items())
    click.echo(f"trained {run.recipe} in {run.manifest.get('wall_seconds', 0):.1f} s: {shown}", err=True)


@cli.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--quick", is_flag=True, help="Read the manifest only; skip checking every file against its checksum.")
@_user_errors
def info(run_dir, quick) -> None:
    """Architecture, data set, epochs recorded and final metrics of RUN_DIR, its files verified."""
    from nnexplain.run import load_run

    run = load_run(run_dir)
    files = "not verified (--quick)" if quick else _verified(run)
    epochs = run.epochs
    lines = [
        ("run", str(run.path)),
        ("format version", str(run.manifest["version"])),
        ("recipe", run.recipe),
        ("architecture", f"{'-'.join(map(str, run.layers))}, {run.activation} hidden, {run.output} output"),
        ("parameters", f"{sum(a * b + b for a, b in zip(run.layers[:-1], run.layers[1:])):,}"),
        ("data set", f"{run.dataset.get('name')} ({run.dataset.get('train', '?')} train / {run.dataset.get('val', '?')} val)"),
        ("device", str(run.manifest.get("device") or "?")),
        ("status", str(run.manifest.get("status", "?")) + (f" ({run.unfinished})" if run.unfinished else "")),
        ("epochs recorded", f"{len(epochs)}: {_ranges(epochs)}" if epochs else "none yet"),
        ("files", files),
    ]
    if run.manifest.get("resumed_from"):
        lines.insert(-2, ("resumed", "after a stop, from epoch " + ", ".join(map(str, run.manifest["resumed_from"]))))
    for key, value in run.final_metrics.items():
        lines.append((key, f"{value:.2%}" if key.endswith("_acc") else f"{value:.4g}"))
    width = max(len(key) for key, _ in lines)
    for key, value in lines:
        click.echo(f"{key:<{width}}  {value}")


def _verified(run) -> str:
    """Every file read and checked (a damaged one is the command's one-line error), said in a few words."""
    verified = run.verify()
    if verified.checksummed == verified.files:
        return f"{verified.files} verified (size and SHA-256)"
    if verified.checksummed == 0:
        return f"{verified.files} read and checked; no checksums to verify (recorded before nnexplain kept them)"
    return f"{verified.files} read and checked, {verified.checksummed} of them against their SHA-256"


@cli.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@_user_errors
def landscape(run_dir) -> None:
    """Compute RUN_DIR's loss landscape once and store it in the run (descent reads it)."""
    from nnexplain.app.landscape import ensure_landscape
    from nnexplain.run import load_run
    from nnexplain.run.landscape import has_landscape

    run = load_run(run_dir)
    stored = has_landscape(run)
    facts = ensure_landscape(run).manifest["landscape"]
    subset, (rows, cols) = facts["subset"], facts["grid"]
    done = "already stored" if stored else f"computed in {facts['seconds']:.1f} s"
    click.echo(
        f"landscape of {run_dir}: {rows}×{cols} grid, training loss on the first {subset['first']:,} of {subset['of']:,} "
        f"training examples; its two directions explain {sum(facts['explained_variance']):.1%} of the path's variance ({done})",
        err=True,
    )
    click.echo(str(Path(run_dir) / facts["file"]))


def _ranges(values: list[int]) -> str:
    return ", ".join(map(str, values)) if len(values) <= 12 else f"{values[0]}, {values[1]}, … {values[-1]}"


def _resolution(ctx, param, value):
    if value is None:
        return None
    try:
        width, height = (int(side) for side in value.lower().split("x"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not WIDTHxHEIGHT, e.g. 1280x720") from None
    return width, height


def _further_runs(ctx, param, values) -> dict[str, Path]:
    runs = {}
    for value in values:
        role, _, path = value.partition("=")
        if not role or not path:
            raise click.BadParameter(f"{value!r} is not ROLE=DIR, e.g. linear=runs/sine-linear")
        runs[role] = Path(path)
    return runs


_FURTHER_HELP = "; ".join(
    f"{info.name}: {spec.role} ({spec.description}; default run {spec.recipe})" for info in SCENES.values() for spec in info.further
)


def _scene_options(function):
    """--run and --with, shared by render, preview and slides."""
    function = click.option(
        "--with", "further", multiple=True, metavar="ROLE=DIR", callback=_further_runs,
        help=f"A further run the scene reads, by role (repeatable) [its default run]. {_FURTHER_HELP}.",
    )(function)
    return click.option("--run", "run_dir", type=click.Path(path_type=Path), help="Run directory [the scene's cached default].")(function)


def _quality(function):
    return click.option("--quality", type=click.Choice(QUALITIES), default="low", show_default=True)(function)


@cli.command()
@click.argument("scene")
@_scene_options
@_quality
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="mp4", show_default=True)
@click.option("--fps", type=click.IntRange(1, 240), help="Frames per second [the quality's].")
@click.option("--resolution", callback=_resolution, help="WIDTHxHEIGHT, e.g. 1280x720 [the quality's].")
@click.option("--transparent", is_flag=True, help="Transparent background (webm: VP9 with alpha; png).")
@click.option("--sections", is_flag=True, help="Also write one clip per teaching beat.")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Parallel renders for SCENE=all.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("renders"), show_default=True)
@_user_errors
def render(scene, run_dir, further, quality, fmt, fps, resolution, transparent, sections, jobs, out) -> None:
    """Render SCENE (or `all`) into --out; the last line printed is the output file."""
    from nnexplain.app.options import RenderOptions

    options = RenderOptions(quality, fmt, fps, resolution, transparent, sections)
    if scene == "all":
        if run_dir is not None or further:
            raise NnexplainError("render all draws each scene's default runs; drop --run and --with, or render one scene with them")
        from nnexplain.app.render_all import render_all

        for path in render_all(options, out, jobs, _default_run):
            click.echo(str(path))
        return
    from nnexplain.app.render import render_scene

    info, runs = _scene_and_runs(scene, run_dir, further)
    result = render_scene(info, runs, options, out)
    for clip in result.sections:
        click.echo(str(clip))
    click.echo(str(result.path))


def _scene_and_runs(scene: str, run_dir: Path | None, further: dict[str, Path]):
    from nnexplain.app.catalog import get_scene
    from nnexplain.app.runs import resolve_runs

    info = get_scene(scene)
    return info, resolve_runs(info, run_dir, further, default_run=_default_run)


@cli.command()
@click.argument("scene")
@_scene_options
@click.option("--width", type=click.IntRange(160, 1920), default=480, show_default=True, help="Width of each frame on the sheet.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The contact sheet, FILE.png.")
@_user_errors
def preview(scene, run_dir, further, width, out) -> None:
    """A contact sheet of SCENE: the last frame of every teaching beat."""
    from nnexplain.app.export import write_contact_sheet

    if out.suffix.lower() != ".png":
        raise NnexplainError(f"--out {out} must be a .png file")
    info, runs = _scene_and_runs(scene, run_dir, further)
    click.echo(str(write_contact_sheet(info, runs, width - width % 2, out)))


@cli.command()
@click.argument("scenes", nargs=-1, required=True, metavar="SCENE [SCENE ...]")
@click.option(
    "--run", "run_values", multiple=True, metavar="[SCENE=]DIR",
    help="A scene's run, e.g. --run neurons=runs/mnist (plain DIR when the deck has one scene); repeatable [each scene's default].",
)
@click.option(
    "--with", "with_values", multiple=True, metavar="[SCENE:]ROLE=DIR",
    help="A further run, e.g. --with relu-sine:linear=runs/lin (ROLE=DIR: every scene in the deck that reads ROLE).",
)
@_quality
@click.option("--format", "fmt", type=click.Choice(["html", "pptx"]), default="html", show_default=True)
@click.option("--one-file", is_flag=True, help="HTML in one self-contained file: reveal.js and the clips inlined.")
@click.option("--name", help="File name of the deck [the scene's, or `lecture` for several].")
@click.option("--jobs", type=click.IntRange(min=1), help="Scenes rendered at once [as many as cores].")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Directory for the deck.")
@_user_errors
def slides(scenes, run_values, with_values, quality, fmt, one_file, name, jobs, out) -> None:
    """One deck of SCENE [SCENE ...], in that order, pausing at every beat, with speaker notes.

    HTML decks (reveal.js, shipped with nnexplain) and PowerPoint decks work with no
    network. Needs nnexplain[slides].
    """
    import os

    from nnexplain.app.catalog import get_scene
    from nnexplain.app.runs import resolve_runs
    from nnexplain.app.slides import DeckPart, assign_runs, check_deck_format, require_slides, write_deck

    require_slides(fmt)
    check_deck_format(fmt, one_file)
    infos = [get_scene(scene) for scene in scenes]
    given = assign_runs(list(scenes), run_values, with_values)
    parts = [DeckPart(info, resolve_runs(info, *given[info.name], default_run=_default_run)) for info in infos]
    jobs = jobs or min(os.cpu_count() or 1, len(parts))
    from nnexplain.app.options import RenderOptions

    deck = write_deck(parts, RenderOptions(quality=quality), out, name or (scenes[0] if len(scenes) == 1 else "lecture"), fmt, one_file, jobs)
    click.echo(str(deck))


def _default_run(recipe: str) -> Path:
    from nnexplain.app.cache import default_run_dir, ensure_default_run, is_complete

    target = default_run_dir(recipe)
    if not is_complete(target):
        click.echo(f"training the default {recipe} run once, into {target}", err=True)
        on_epoch, progress = _progress_printer(recipe)
        with progress:
            ensure_default_run(recipe, on_epoch=on_epoch)
    return target


@cli.command("import")
@click.argument("weights", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--activation",
    type=click.Choice(["sigmoid", "tanh", "relu", "identity"]),
    required=True,
    help="The hidden layers' activation (a weights file does not say); identity: none.",
)
@click.option(
    "--data",
    metavar="NAME|FILE.npz",
    help="A built-in data set by name (a wrong name lists them), or an .npz with x_train, y_train, x_val, y_val "
    "(integer y: class indices; float y: regression targets) [inferred from the input size when only one fits].",
)
@click.option("--name", default="imported", show_default=True, help="Name the run goes by (its recipe).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Run directory to write.")
@_user_errors
def import_command(weights, activation, data, name, out) -> None:
    """Make a run directory from a trained MLP in WEIGHTS.

    WEIGHTS is a state_dict saved with torch.save (read with weights_only=True),
    a .safetensors file or an .npz file: 2-D *.weight tensors with their *.bias,
    in order, whose shapes chain (out × in).
    """
    from nnexplain.train.importer import import_weights
    from nnexplain.run import load_run

    run = load_run(import_weights(weights, activation, out, data=data, name=name))
    shown = ", ".join(f"{k} {v:.2%}" if k.endswith("_acc") else f"{k} {v:.4g}" for k, v in run.final_metrics.items())
    architecture = "-".join(map(str, run.layers))
    click.echo(f"imported {architecture} {run.activation} network on {run.dataset['name']}: {shown}", err=True)
    click.echo(str(out))


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as error:
        # One line, whatever click would have printed around it (usage, hints).
        message = " ".join(error.format_message().split())
        click.echo(f"nnexplain: error: {message}", err=True)
        sys.exit(2 if isinstance(error, (UserError, click.UsageError)) else error.exit_code)
    except OSError as error:
        # Disk full, permission denied and the like: the user's environment, not a bug.
        reason = error.strerror or str(error) or type(error).__name__
        click.echo(f"nnexplain: error: {reason}: {error.filename or ''}".rstrip(": "), err=True)
        sys.exit(2)
    except MemoryError:
        click.echo("nnexplain: error: out of memory; nothing already written was changed", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
