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
from nnexplain.app.cli_common import PositiveFiniteFloat, UserError, progress_printer, user_errors
from nnexplain.app.cli_scenes import preview, render, slides
from nnexplain.errors import NnexplainError
from nnexplain.run.activations import ALL_ACTIVATIONS, HIDDEN_ACTIVATIONS
from nnexplain.train.recipes import ACTIVATION_DEFAULTS, MAX_EPOCHS, MAX_SEED


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nnexplain")
def cli() -> None:
    """Animated explainers of real, trained neural networks."""


@cli.command("list")
def list_command() -> None:
    """The scenes, each with the question it answers, and the training recipes."""
    from nnexplain.train.recipes import RECIPES

    width = max(map(len, [*SCENES, *RECIPES]))
    click.echo("Scenes (nnexplain render SCENE):")
    for info in SCENES.values():
        click.echo(f"  {info.name:<{width}}  {info.question}")
        click.echo(f"  {'':<{width}}  {info.description} [default run: {info.recipe}]")
    click.echo("Recipes (nnexplain train RECIPE):")
    for recipe in RECIPES.values():
        click.echo(f"  {recipe.name:<{width}}  {recipe.description}")


@cli.command()
@click.argument("recipe")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Run directory to write [runs/RECIPE].")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
@click.option("--epochs", type=click.IntRange(1, MAX_EPOCHS), help="Epochs to train [the recipe's].")
@click.option("--seed", type=click.IntRange(0, MAX_SEED), help="Seed for initialisation and shuffling [the recipe's].")
@click.option(
    "--lr",
    type=PositiveFiniteFloat(1e12),
    help="Learning rate (the peak, with a one-cycle schedule) [the recipe's].",
)
@click.option(
    "--batch-size",
    type=click.IntRange(0, 1_000_000),
    help="Examples per step; 0: the whole training set [the recipe's].",
)
@click.option(
    "--activation",
    type=click.Choice(HIDDEN_ACTIVATIONS),
    help=f"Hidden activation, for the recipes that offer a choice ({', '.join(ACTIVATION_DEFAULTS)}).",
)
@click.option("--data-dir", type=click.Path(path_type=Path), help="Directory with the full MNIST IDX files.")
@click.option("--overwrite", is_flag=True, help="Replace a run already in --out (kept until the new one is complete).")
@click.option(
    "--resume",
    is_flag=True,
    help="Go on training the stopped run in --out from its last snapshot, as if it had never stopped.",
)
@click.option(
    "--data",
    "data_file",
    metavar="FILE.csv|FILE.npz",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Train the recipe's network on your own data: a CSV (x,y or x1,x2,label, with a header) or an .npz.",
)
@click.option(
    "--val-split",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Share of a CSV's rows kept for validation [0.2].",
)
@click.option("--split-seed", type=click.IntRange(0, MAX_SEED), help="Seed of a CSV's validation split [0].")
@user_errors
def train(
    recipe,
    out,
    device,
    epochs,
    seed,
    lr,
    batch_size,
    activation,
    data_dir,
    overwrite,
    resume,
    data_file=None,
    val_split=None,
    split_seed=None,
) -> None:
    """Train RECIPE and write a run directory."""
    from nnexplain.train.recipes import get_recipe

    config = get_recipe(recipe).config
    own_data = _own_data(data_file, val_split, split_seed)
    if own_data is not None and (resume or data_dir):
        raise NnexplainError("--data trains afresh on your own file: drop --resume and --data-dir")
    if resume:
        if overwrite:
            raise NnexplainError("--resume goes on with the run in --out, --overwrite replaces it: give one of them")
        given = {
            "epochs": epochs,
            "seed": seed,
            "lr": lr,
            "batch_size": batch_size,
            "activation": activation,
            "data_dir": data_dir and str(data_dir),
        }
        return _resume(
            recipe,
            out or Path("runs") / recipe,
            device,
            {key: value for key, value in given.items() if value is not None},
        )
    if activation and activation != config.activation:
        if recipe not in ACTIVATION_DEFAULTS:
            raise NnexplainError(
                f"recipe {recipe!r} has a fixed activation; --activation applies to: {', '.join(ACTIVATION_DEFAULTS)}"
            )
        config = ACTIVATION_DEFAULTS[recipe](activation)
    config = config.with_overrides(
        device=device,
        epochs=epochs,
        seed=seed,
        lr=lr,
        batch_size=batch_size,
        data_dir=str(data_dir) if data_dir else None,
    )
    import os

    from nnexplain.data import load_dataset
    from nnexplain.run.staging import StagedDirectory, check_place, recover, run_lock
    from nnexplain.train.loop import resolve_device
    from nnexplain.train.loop import train as train_run

    shown = out or Path("runs") / recipe
    out = Path(os.path.realpath(shown))  # through a symlink: the run goes where it points, the link stays
    if out == Path.cwd() or out in Path.cwd().parents:
        raise NnexplainError(f"--out {shown} is the directory you are in (or holds it); give a run directory below it")
    occupied = check_place(out, overwrite)  # refuses early what may never be replaced
    resolve_device(device)  # fail before anything slow
    dataset = own_data or load_dataset(config.dataset, config.data_dir, **config.dataset_options)
    on_epoch, progress = progress_printer(recipe)
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


def _own_data(data_file: Path | None, val_split: float | None, split_seed: int | None):
    """The data set in ``--data FILE`` (None without one); the split options apply only with a CSV."""
    if data_file is None:
        if val_split is not None or split_seed is not None:
            raise NnexplainError("--val-split and --split-seed split your own CSV: give it with --data FILE.csv")
        return None
    from nnexplain.data.csvfile import load_data_file

    return load_data_file(data_file, val_split, split_seed)


def _resume(recipe: str, shown: Path, device: str, given: dict) -> None:
    from nnexplain.app.resume import resume_training

    def with_progress(label: str, work) -> None:
        on_epoch, progress = progress_printer(label)
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
@user_errors
def info(run_dir, quick) -> None:
    """Architecture, data set, epochs recorded and final metrics of RUN_DIR, its files verified."""
    from nnexplain.app.runs import imported_advice
    from nnexplain.run import load_run

    with imported_advice(run_dir):
        run = load_run(run_dir)
        files = "not verified (--quick)" if quick else _verified(run)
    epochs = run.epochs
    lines = [
        ("run", str(run.path)),
        ("format version", str(run.manifest["version"])),
        ("recipe", run.recipe),
        ("architecture", f"{'-'.join(map(str, run.layers))}, {run.activation} hidden, {run.output} output"),
        ("parameters", f"{run.network.parameter_count:,}"),
        (
            "data set",
            f"{run.dataset.get('name')} ({run.dataset.get('train', '?')} train / {run.dataset.get('val', '?')} val)",
        ),
        ("device", str(run.manifest.get("device") or "?")),
        ("status", str(run.manifest.get("status", "?")) + (f" ({run.unfinished})" if run.unfinished else "")),
        ("epochs recorded", f"{len(epochs)}: {_ranges(epochs)}" if epochs else "none yet"),
        ("files", files),
    ]
    if not run.network.is_plain_mlp:  # a CNN: its layers in order, each with its output's shape and parameters
        lines[3] = ("architecture", run.network.describe())
        for index, layer in enumerate(run.network.layers):
            shape = "×".join(map(str, layer.output_shape))
            lines.insert(
                4 + index, (f"layer {index}", f"{layer.summary()} → {shape} ({layer.parameter_count:,} parameters)")
            )
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
@user_errors
def landscape(run_dir) -> None:
    """Compute RUN_DIR's loss landscape once and store it in the run (descent reads it)."""
    from nnexplain.app.landscape import ensure_landscape
    from nnexplain.run import load_run
    from nnexplain.run.landscape import has_landscape, landscape_current

    run = load_run(run_dir)
    stored = has_landscape(run) and landscape_current(run)
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


@cli.command("import")
@click.argument("weights", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--activation",
    type=click.Choice(ALL_ACTIVATIONS),
    help="The hidden layers' activation (a weights file does not say; an ONNX graph does); identity: none.",
)
@click.option(
    "--data",
    metavar="NAME|FILE.csv|FILE.npz",
    help="A built-in data set by name (a wrong name lists them), a CSV (x,y or x1,x2,label, with a header), "
    "or an .npz with x_train, y_train, x_val, y_val "
    "(integer y: class indices; float y: regression targets) [inferred from the input size when only one fits].",
)
@click.option("--name", default="imported", show_default=True, help="Name the run goes by (its recipe).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Run directory to write.")
@click.option(
    "--val-split",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Share of a --data CSV's rows kept for validation [0.2].",
)
@click.option("--split-seed", type=click.IntRange(0, MAX_SEED), help="Seed of a --data CSV's validation split [0].")
@user_errors
def import_command(weights, activation, data, name, out, val_split=None, split_seed=None) -> None:
    """Make a run directory from a trained network in WEIGHTS.

    WEIGHTS is a state_dict saved with torch.save (read with weights_only=True),
    a .safetensors file or an .npz file: an MLP's 2-D *.weight tensors with their
    *.bias, in order, whose shapes chain (out × in); or an ONNX model, whose graph
    names its layers (Conv, MaxPool, Flatten, Gemm/MatMul, Relu...), read and never run.
    """
    from nnexplain.run import load_run
    from nnexplain.train.importer import conversion, import_weights

    own = _own_data(Path(data), val_split, split_seed) if data and data.lower().endswith(".csv") else None
    if own is None and (val_split is not None or split_seed is not None):
        raise NnexplainError("--val-split and --split-seed split your own CSV: give it with --data FILE.csv")
    run = load_run(import_weights(weights, activation, out, data=own or data, name=name))
    for dtype in run.manifest["imported_from"].get("dtypes", []):
        if conversion(dtype):
            click.echo(f"{dtype} weights held as float32: {conversion(dtype)}", err=True)
    shown = ", ".join(f"{k} {v:.2%}" if k.endswith("_acc") else f"{k} {v:.4g}" for k, v in run.final_metrics.items())
    architecture = "-".join(map(str, run.layers)) if run.network.is_plain_mlp else run.network.describe()
    click.echo(f"imported {architecture} {run.activation} network on {run.dataset['name']}: {shown}", err=True)
    click.echo(str(out))


@cli.command()
@click.option("--scenes", multiple=True, help="Only these scenes' render figures (repeatable) [every scene].")
@click.option(
    "--repeats", type=click.IntRange(3, 20), default=3, show_default=True, help="Runs per figure (median, min, max)."
)
@click.option(
    "--jobs", type=click.IntRange(2, 256), help="Processes for the --jobs figure [the number of cores, at least 2]."
)
@user_errors
def bench(scenes, repeats, jobs) -> None:
    """Time training, recording and rendering here; print one JSON object.

    Renders are timed on a slice of each scene (from its middle beat), against an
    empty scene of the same length and quality timed in the same run.
    """
    import json

    from nnexplain.app.bench import run_bench
    from nnexplain.app.catalog import get_scene
    from nnexplain.app.cli_common import default_run

    for name in scenes:
        get_scene(name)
    result = run_bench(
        default_run, list(scenes) or None, repeats, jobs, progress=lambda text: click.echo(f"bench: {text}", err=True)
    )
    click.echo(json.dumps(result, indent=2))


for command in (render, preview, slides):
    cli.add_command(command)


def main() -> None:
    from nnexplain.app import interrupts

    interrupts.install()
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.Abort as abort:  # click turns Ctrl-C (and SIGTERM, raised alike) into Abort
        if isinstance(abort.__cause__, KeyboardInterrupt):
            _interrupted(abort.__cause__)
        click.echo("aborted", err=True)
        sys.exit(1)
    except KeyboardInterrupt as interrupt:
        _interrupted(interrupt)
    except click.ClickException as error:
        # One line, whatever click would have printed around it (usage, hints).
        message = " ".join(error.format_message().split())
        click.echo(f"nnexplain: error: {message}", err=True)
        sys.exit(2 if isinstance(error, (UserError, click.UsageError)) else error.exit_code)
    except OSError as error:
        # Disk full, permission denied and the like: the user's environment, not a bug.
        from nnexplain.app.scratch import failed_path, reason

        if isinstance(error, FileExistsError) and failed_path(error) and _leads_nowhere(failed_path(error)):
            click.echo(
                f"nnexplain: error: {failed_path(error)} is a symbolic link that leads nowhere (to itself, round a loop, "
                "or to nothing); remove it or choose another place",
                err=True,
            )
            sys.exit(2)
        click.echo(f"nnexplain: error: {reason(error)}", err=True)
        sys.exit(2)
    except MemoryError:
        click.echo("nnexplain: error: out of memory; nothing already written was changed", err=True)
        sys.exit(2)


def _interrupted(interrupt: KeyboardInterrupt) -> None:
    """Everything started was ended and cleaned up on the way here (:mod:`nnexplain.app.interrupts`)."""
    import os

    from nnexplain.app.interrupts import exit_status

    click.echo("nnexplain: interrupted; nothing half written was left", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    # At once: what remains is the interpreter's teardown, where Ray's client alone takes seconds.
    os._exit(exit_status(interrupt))


def _leads_nowhere(path) -> bool:
    """A symbolic link that resolves to nothing (mkdir then says only "File exists")."""
    import os

    return os.path.islink(path) and not os.path.exists(path)


if __name__ == "__main__":
    main()
