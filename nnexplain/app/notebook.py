"""Scenes inline in Jupyter and Colab: ``nnexplain.show("fold", run=recorder)``.

    import nnexplain
    recorder = nnexplain.Recorder(model, out="runs/mine", probe=(x_val, y_val), dataset=data)
    ...                                   # your own training loop, recorder.snapshot(epoch=...)
    nnexplain.show("fold", run=recorder)  # renders the run as it is now, and shows the video

It follows manim's notebook conventions (``%%manim``): low quality (480p15) unless asked
for more, a transparent background as webm (VP9 with alpha), and the video embedded in
the notebook in Colab, whose files a browser cannot reach. Elsewhere it is embedded too
while it is small (a 480p clip is about a megabyte), so the notebook carries it when shared,
and linked from ``media/nnexplain/`` when it is large. Each video carries its last frame as
its poster, so a viewer that cannot play it (or a static page) still shows the result.

Renders go through the render cache: showing a run again with nothing changed takes no
time, and showing it after more training (new snapshots: new files in the run) draws the
new run. A render that takes more than a second shows a progress bar while it runs; a quick
one shows nothing but the video. The app floor: it resolves runs and trains missing defaults.
"""

from __future__ import annotations

import base64
import io
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any, Mapping

from nnexplain.errors import NnexplainError

__all__ = ["show", "EMBED_LIMIT_BYTES"]

EMBED_LIMIT_BYTES = 8 << 20  # videos up to this size go into the notebook itself
PROGRESS_AFTER_SECONDS = 1.0  # quicker renders show no progress bar
MEDIA_DIR = Path("media") / "nnexplain"  # as manim's notebook renders go to media/jupyter


def show(
    scene: str,
    run: Any = None,
    *,
    further: Mapping[str, Any] | None = None,
    quality: str = "low",
    transparent: bool = False,
    input: str | Path | None = None,  # noqa: A002  (the command line's --input)
    label: int | None = None,
    embed: bool | None = None,
    width: int | None = None,
    out: str | Path = MEDIA_DIR,
) -> None:
    """Render ``scene`` from ``run`` and display it in the notebook.

    ``run``: a run directory, a loaded :class:`~nnexplain.run.Run`, or a
    :class:`~nnexplain.train.recorder.Recorder` (its run as recorded so far); None draws the
    scene's default run (trained once when missing). ``further``: further runs by role, as
    ``--with``. ``quality``: low (drafting, the default), medium, high or 4k. ``transparent``:
    a webm with alpha. ``input``/``label``: your own digit, as ``render --input``/``--label``.
    ``embed``: put the video in the notebook (None: in Colab, or when it is under
    :data:`EMBED_LIMIT_BYTES`). ``width``: the player's width in pixels [the video's].
    """
    from IPython.display import HTML, display

    path = _render(scene, run, further, quality, transparent, input, label, out)
    if embed is None:
        embed = "google.colab" in sys.modules or path.stat().st_size <= EMBED_LIMIT_BYTES
    display(HTML(_video_html(path, embed, width)))


def _run_dir(run: Any) -> Path | None:
    """Where ``run`` (a path, a Run, a Recorder, or None) lives."""
    if run is None:
        return None
    for attribute in ("out", "path"):  # a Recorder's run directory, a Run's
        if isinstance(getattr(run, attribute, None), Path):
            return getattr(run, attribute)
    if isinstance(run, (str, Path)):
        return Path(run)
    raise NnexplainError(f"run= takes a run directory, a Run or a Recorder, not {type(run).__name__}")


def _render(scene, run, further, quality, transparent, own_input, label, out) -> Path:
    """The video of ``scene``, rendered (or found in the render cache) into ``out`` under a name of its own."""
    from nnexplain.app.cache import ensure_default_run
    from nnexplain.app.catalog import get_scene
    from nnexplain.app.job import RenderJob
    from nnexplain.app.options import QUALITIES, RenderOptions
    from nnexplain.app.own_input import read_own_digit, with_own_digit
    from nnexplain.app.render import render_scene
    from nnexplain.app.render_cache import RenderCache, scene_key
    from nnexplain.app.runs import prepare_runs, resolve_runs

    if quality not in QUALITIES:
        raise NnexplainError(f"quality={quality!r}: choose one of {', '.join(QUALITIES)}")
    digit = read_own_digit(scene, own_input) if own_input is not None else None
    info = get_scene(scene)
    with _Progress(f"rendering {scene}"):
        given = {role: _run_dir(value) for role, value in (further or {}).items()}
        runs = prepare_runs(info, resolve_runs(info, _run_dir(run), given, default_run=ensure_default_run))
        if digit is not None:
            runs = with_own_digit(info, runs, digit, label)
        options = RenderOptions(quality=quality, fmt="webm" if transparent else "mp4", transparent=transparent)
        job = RenderJob(info, runs, options)
        out = Path(out)
        # One name per drawing: an earlier cell's linked video stays what it showed.
        target = out / f"{options.stem(scene)}-{scene_key(job)[:10]}.{options.fmt}"
        if not target.exists():
            rendered = render_scene(job, out / ".rendering", RenderCache()).path
            shutil.move(rendered, target)
    return target


def _video_html(path: Path, embed: bool, width: int | None) -> str:
    """A looping, muted, autoplaying player of ``path`` (embedded as data, or linked), its last frame the poster."""
    mimetype = "video/webm" if path.suffix == ".webm" else "video/mp4"
    source = f"data:{mimetype};base64,{base64.b64encode(path.read_bytes()).decode()}" if embed else path.as_posix()
    poster = _poster(path)
    sizing = f' width="{width}"' if width else ' style="max-width: 100%"'
    poster_attribute = f' poster="data:image/png;base64,{poster}"' if poster else ""
    return (
        f'<video controls loop autoplay muted playsinline{sizing}{poster_attribute} data-nnexplain="{path.name}">'
        f'<source src="{source}" type="{mimetype}"></video>'
    )


def _poster(path: Path) -> str | None:
    """The video's last frame as base64 PNG (None when it cannot be decoded here)."""
    try:
        import av

        last = None
        with av.open(str(path)) as container:
            for frame in container.decode(video=0):
                last = frame
        if last is None:
            return None
        buffer = io.BytesIO()
        last.to_image().save(buffer, format="PNG")
        return base64.b64encode(buffer.getvalue()).decode()
    except Exception:  # a poster is a nicety: the video shows without one
        return None


class _Progress:
    """A progress bar in the cell's output, shown only once the work has taken over a second, removed when done."""

    def __init__(self, text: str):
        self.text = text
        self.done = threading.Event()
        self.handle = None

    def __enter__(self) -> "_Progress":
        self.started = time.monotonic()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _html(self) -> str:
        seconds = time.monotonic() - self.started
        return (
            '<div class="nnexplain-progress"><progress style="width: 24em"></progress> '
            f"<span>{self.text}… {seconds:.0f} s</span></div>"
        )

    def _run(self) -> None:
        from IPython.display import HTML, display

        if self.done.wait(PROGRESS_AFTER_SECONDS):
            return
        self.handle = display(HTML(self._html()), display_id=True)
        while not self.done.wait(1.0):
            self.handle.update(HTML(self._html()))

    def __exit__(self, *exc_info) -> None:
        self.done.set()
        self.thread.join()
        if self.handle is not None:
            from IPython.display import HTML

            self.handle.update(HTML(""))  # the bar goes; the video is displayed below it
