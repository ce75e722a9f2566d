"""The commands that draw scenes: render (one scene, or all), preview and slides."""

from __future__ import annotations

from pathlib import Path

import click

from nnexplain.app.cli_common import default_run, quality_option, resolution, scene_options, user_errors
from nnexplain.app.options import DECK_QUALITY, FORMATS, NARRATIONS
from nnexplain.errors import NnexplainError

__all__ = ["render", "preview", "slides"]


@click.command()
@click.argument("scene")
@scene_options
@quality_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="mp4", show_default=True)
@click.option("--fps", type=click.IntRange(1, 240), help="Frames per second [the quality's].")
@click.option("--resolution", callback=resolution, help="WIDTHxHEIGHT, e.g. 1280x720 [the quality's].")
@click.option("--transparent", is_flag=True, help="Transparent background (webm: VP9 with alpha; png).")
@click.option("--sections", is_flag=True, help="Also write one clip per teaching beat.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Processes: for one scene, ranges of its animations rendered at once and joined; for `all`, scenes at once [as many as cores where splitting pays, else 1].",
)
@click.option("--no-cache", is_flag=True, help="Draw everything again, ignoring (and not filling) the render cache.")
@click.option(
    "--backend",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where ranges render: this machine's processes, or a Ray cluster (needs nnexplain[ray]).",
)
@click.option(
    "--address",
    help="The Ray cluster to join, e.g. ray://head:10001 or auto [a local cluster started for this render].",
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("renders"), show_default=True)
@click.option(
    "--narration",
    type=click.Choice(NARRATIONS),
    help="captions: drawn on screen; voice: spoken, subtitles beside; presenter: silent, bare picture [captions].",
)
@click.option(
    "--voice", "voiced", is_flag=True, help="Speak the narration (--narration voice; needs nnexplain[voice])."
)
@click.option(
    "--voice-name", default="hibari", show_default=True, help="hibari, hibari:VOICE, tone, or a folder of recordings."
)
@click.option("--burn-subtitles", is_flag=True, help="Also draw the subtitles into the picture.")
@click.option(
    "--input",
    "own_input",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Your own digit: a photo, scan or drawing (PNG, JPEG...), prepared as MNIST was and read by the run "
    "(neurons, softmax, backprop, hidden-features).",
)
@click.option("--label", "own_label", type=click.IntRange(min=0), help="Which digit --input is (backprop needs it).")
@user_errors
def render(
    scene,
    run_dir,
    further,
    quality,
    fmt,
    fps,
    resolution,
    transparent,
    sections,
    jobs,
    no_cache,
    backend,
    address,
    out,
    narration,
    voiced,
    voice_name,
    burn_subtitles,
    own_input=None,
    own_label=None,
) -> None:
    """Render SCENE (or `all`) into --out; the last line printed is the output file."""
    from nnexplain.app.options import RenderOptions
    from nnexplain.app.render import default_jobs
    from nnexplain.app.render_cache import RenderCache

    if voiced and narration not in (None, "voice"):
        raise NnexplainError(f"--voice speaks the narration; it cannot go with --narration {narration}")
    narration = "voice" if voiced else narration or "captions"
    options = RenderOptions(quality, fmt, fps, resolution, transparent, sections, narration, voice_name, burn_subtitles)
    if narration == "voice":  # the engine is there and the voice exists, before anything is drawn
        from nnexplain.speech.voice import voice_named

        voice_named(voice_name)
    if address and backend != "ray":
        raise NnexplainError("--address names a Ray cluster; add --backend ray")
    if backend == "ray":
        from nnexplain.app.ray_backend import require_ray

        require_ray()
    cache = None if no_cache or fmt == "png" else RenderCache()  # a png is one frame: nothing to reuse
    if own_label is not None and own_input is None:
        raise NnexplainError("--label says which digit --input is; give --input IMAGE too")
    if own_input is not None and (scene == "all" or backend == "ray"):
        raise NnexplainError("--input feeds one scene rendered here: drop `all` or --backend ray")
    if scene == "all":
        if run_dir is not None or further:
            raise NnexplainError(
                "render all draws each scene's default runs; drop --run and --with, or render one scene with them"
            )
        from nnexplain.app.render_all import render_all

        for path in render_all(options, out, jobs or default_jobs(options), default_run, cache, backend, address):
            click.echo(str(path))
        return
    from nnexplain.app.render import RenderJob, render_scene

    digit = None
    if own_input is not None:  # read and checked before any run is found, or trained
        from nnexplain.app.own_input import read_own_digit, with_own_digit

        digit = read_own_digit(scene, own_input)
    info, runs = _scene_and_runs(scene, run_dir, further)
    if digit is not None:
        runs = with_own_digit(info, runs, digit, own_label)
    if cache:  # once the command is accepted: a cache that cannot be written is skipped now, said once, before drawing
        cache.check_writable()
    job = RenderJob(info, runs, options, jobs=jobs or default_jobs(options), backend=backend, address=address)
    result = render_scene(job, out, cache, note=lambda text: click.echo(f"nnexplain: {text}", err=True))
    for clip in result.sections:
        click.echo(str(clip))
    click.echo(str(result.path))


def _scene_and_runs(scene: str, run_dir: Path | None, further: dict[str, Path]):
    """The scene and its runs, found, checked and prepared for drawing (its landscape computed if it reads one)."""
    from nnexplain.app.catalog import get_scene
    from nnexplain.app.runs import prepare_runs, resolve_runs

    info = get_scene(scene)
    return info, prepare_runs(info, resolve_runs(info, run_dir, further, default_run=default_run))


@click.command()
@click.argument("scene")
@scene_options
@click.option(
    "--width", type=click.IntRange(160, 1920), default=480, show_default=True, help="Width of each frame on the sheet."
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The contact sheet, FILE.png."
)
@user_errors
def preview(scene, run_dir, further, width, out) -> None:
    """A contact sheet of SCENE: the last frame of every teaching beat."""
    from nnexplain.app.export import write_contact_sheet

    if out.suffix.lower() != ".png":
        raise NnexplainError(f"--out {out} must be a .png file")
    info, runs = _scene_and_runs(scene, run_dir, further)
    click.echo(str(write_contact_sheet(info, runs, width - width % 2, out)))


@click.command()
@click.argument("scenes", nargs=-1, required=True, metavar="SCENE [SCENE ...]")
@click.option(
    "--run",
    "run_values",
    multiple=True,
    metavar="[SCENE=]DIR",
    help="A scene's run, e.g. --run neurons=runs/mnist (plain DIR when the deck has one scene); repeatable [each scene's default].",
)
@click.option(
    "--with",
    "with_values",
    multiple=True,
    metavar="[SCENE:]ROLE=DIR",
    help="A further run, e.g. --with relu-sine:linear=runs/lin (ROLE=DIR: every scene in the deck that reads ROLE).",
)
@quality_option(default=DECK_QUALITY)
@click.option("--fps", type=click.IntRange(1, 240), help="Frames per second [the quality's].")
@click.option("--resolution", callback=resolution, help="WIDTHxHEIGHT, e.g. 1280x720 [the quality's].")
@click.option("--format", "fmt", type=click.Choice(["html", "pptx"]), default="html", show_default=True)
@click.option("--one-file", is_flag=True, help="HTML in one self-contained file: reveal.js and the clips inlined.")
@click.option("--name", help="File name of the deck [the scene's, or `lecture` for several].")
@click.option("--jobs", type=click.IntRange(min=1), help="Scenes rendered at once [as many as cores].")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Directory for the deck.")
@click.option(
    "--narration",
    type=click.Choice(["presenter", "captions", "voice"]),
    default="presenter",
    show_default=True,
    help="presenter: a bare picture, the narration in the speaker notes (you speak); captions: drawn on the slides; voice: each clip speaks its beat (needs nnexplain[voice]).",
)
@click.option(
    "--voice-name",
    default="hibari",
    show_default=True,
    help="With --narration voice: hibari, hibari:VOICE, tone, or a folder of recordings.",
)
@user_errors
def slides(
    scenes, run_values, with_values, quality, fps, resolution, fmt, one_file, name, jobs, out, narration, voice_name
) -> None:
    """One deck of SCENE [SCENE ...], in that order, pausing at every beat, with speaker notes.

    HTML decks (reveal.js, shipped with nnexplain) and PowerPoint decks work with no
    network. Needs nnexplain[slides].
    """
    import os

    from nnexplain.app.catalog import get_scene
    from nnexplain.app.runs import prepare_runs, resolve_runs
    from nnexplain.app.slides import DeckPart, assign_runs, check_deck_format, require_slides, write_deck

    require_slides(fmt)
    check_deck_format(fmt, one_file)
    if narration == "voice":  # the engine is there and the voice exists, before any run is trained or drawn
        from nnexplain.speech.voice import voice_named

        voice_named(voice_name)
    infos = [get_scene(scene) for scene in scenes]
    given = assign_runs(list(scenes), run_values, with_values)
    # Every scene's runs are checked before any is prepared (a landscape takes seconds).
    resolved = [(info, resolve_runs(info, *given[info.name], default_run=default_run)) for info in infos]
    parts = [DeckPart(info, prepare_runs(info, runs)) for info, runs in resolved]
    jobs = jobs or min(os.cpu_count() or 1, len(parts))
    from nnexplain.app.options import RenderOptions

    deck = write_deck(
        parts,
        RenderOptions(quality=quality, fps=fps, resolution=resolution, narration=narration, voice=voice_name),
        out,
        name or (scenes[0] if len(scenes) == 1 else "lecture"),
        fmt,
        one_file,
        jobs,
    )
    click.echo(str(deck))
