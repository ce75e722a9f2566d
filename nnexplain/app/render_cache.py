"""Rendered parts of scenes, kept to be reused: a re-render with nothing changed draws nothing.

A part is a contiguous range of a scene's animations as partial movie files
(:mod:`nnexplain.app.split`). Parts are filed under a *scene key*, a SHA-256 of
everything that decides the pixels:

- nnexplain's source code, and the source file of the scene's class when it is your own;
- the scene and its class (subclass attributes such as ``step_seconds`` live in that source);
- every run it draws, main and further, hashed by content (file names and bytes), not path;
- the render options that reach manim (size, rate, format, codec, transparency, sections);
- the settings outside nnexplain's options that change what is drawn (:func:`drawing_environment`):
  ``$NNEXPLAIN_TEX`` with the LaTeX it finds, and the manim.cfg files manim reads (yours
  and the current folder's), which can set colours, fonts or sizes;
- the versions of the libraries that draw: manim, PyAV, ManimPango, pycairo and typst.

Under the key sit the scene's plan (its animations and beats), one folder per
range, whose ``part.json`` (written last) lists each file with its SHA-256, and the
joined result (``final/``, the video and its sections, listed the same way): a
re-render with nothing changed copies that, without even importing manim. A part or
result whose files do not match their checksums is removed and drawn again, never used. Any code change
gives a new key, so every part of every scene is drawn again: the key cannot tell
which beats a change touches. The cache lives in ``CACHE/renders`` and is kept under
``$NNEXPLAIN_RENDER_CACHE_MB`` (default 2048) by removing the least recently used parts.

The cache is an optimisation, never a point of failure: a cache that cannot be written
(a file, a symbolic link loop, a read-only or full disk) is *skipped*: the render goes on
without it, one line on stderr says so and why (:meth:`RenderCache.skip`), and nothing
half written stays in it. A read-only cache is still read.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from nnexplain.app.cache import cache_dir
from nnexplain.app.job import RenderJob
from nnexplain.app.scratch import reason
from nnexplain.app.split import Part, Plan
from nnexplain.run.directory import atomic_write

__all__ = ["RenderCache", "scene_key", "drawing_environment"]

PACKAGE = Path(__file__).resolve().parent.parent
DEFAULT_CAP_MB = 2048
_source_hash: str | None = None
_run_hashes: dict[tuple, str] = {}


def _touch(path: Path) -> None:
    """Mark as recently used, where the cache can be written (a read-only cache is read all the same)."""
    try:
        os.utime(path)
    except OSError:
        pass


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _package_hash() -> str:
    global _source_hash
    if _source_hash is None:
        digest = hashlib.sha256()
        for path in sorted(PACKAGE.rglob("*.py")):
            digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
        _source_hash = digest.hexdigest()
    return _source_hash


def run_hash(path: Path) -> str:
    """The content of a run directory: every file's relative name and bytes."""
    files = sorted(p for p in Path(path).rglob("*") if p.is_file())
    stamp = (str(Path(path).resolve()), tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files))
    if stamp not in _run_hashes:
        digest = hashlib.sha256()
        for file in files:
            digest.update(str(file.relative_to(path)).encode() + b"\0" + _file_hash(file).encode())
        _run_hashes[stamp] = digest.hexdigest()
    return _run_hashes[stamp]


# The libraries whose versions change pixels: the renderer, the encoder, text, vector drawing, formulas.
DRAWING_LIBRARIES = ("manim", "av", "manimpango", "pycairo", "typst")


def _manim_config_files() -> list[Path]:
    """The manim.cfg files manim reads on import besides its own defaults (manim._config.utils.config_file_paths)."""
    if sys.platform.startswith("win32"):
        user_wide = Path.home() / "AppData" / "Roaming" / "Manim" / "manim.cfg"
    else:
        user_wide = Path.home() / ".config" / "manim" / "manim.cfg"
    return [user_wide, Path("manim.cfg").resolve()]


# The environment variables the drawing floors read (tests/test_render_job.py finds every one in their source).
DRAWING_VARIABLES = ("NNEXPLAIN_TEX",)


def drawing_environment() -> dict:
    """What outside a job's options changes the pixels of a render in this process.

    ``$NNEXPLAIN_TEX=1`` sets formulas in LaTeX where a ``latex`` is found, as
    :func:`nnexplain.mobjects.style.formula` decides (not imported here: it imports manim),
    so the key holds the LaTeX found, or None where formulas are Typst.
    """
    latex = shutil.which("latex") if os.environ.get("NNEXPLAIN_TEX") == "1" else None
    config_files = {str(path): _file_hash(path) for path in _manim_config_files() if path.is_file()}
    return {"NNEXPLAIN_TEX": latex, "manim.cfg": config_files}


def _versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in DRAWING_LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def scene_key(job: RenderJob) -> str:
    """The SHA-256 (40 hex digits) of everything that decides the pixels of ``job``'s render, here."""
    info = job.info
    if job.scene_class is None:  # a built-in scene: its code is nnexplain's, hashed below
        module, name, own = info.module, info.class_name, ""
    else:
        module_file = Path(inspect.getfile(job.scene_class)).resolve()
        own = "" if PACKAGE in module_file.parents else _file_hash(module_file)  # your own scene's file
        module, name = job.scene_class.__module__, job.scene_class.__qualname__
    settings = job.options.manim_config(Path("."))
    settings.pop("media_dir")
    runs = job.runs
    facts = {
        "nnexplain": _package_hash(),
        "scene": [info.name, module, name, own],
        "runs": {
            "main": run_hash(runs.main.path),
            **{role: run_hash(run.path) for role, run in sorted(runs.further.items())},
        },
        "options": settings,
        # The narration's mode and voice: the picture keeps time with the speech, and the sound is in
        # the file. The narration's words come from the code and the runs, both above.
        "narration": job.options.narration_facts(),
        "voice": _voice_identity(job),
        **_own_digit_facts(runs),
        "environment": drawing_environment(),
        "versions": _versions(),
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()[:40]


def _voice_identity(job: RenderJob) -> str | None:
    """The voice's own name (engine, version, voice; a recording folder's content hash), when voiced."""
    speaker = job.speaker()
    return None if speaker is None else speaker.voice.name


def say_on_stderr(text: str) -> None:
    """How a skipped cache is told (a module function: a cache travels to worker processes pickled)."""
    print(f"nnexplain: {text}", file=sys.stderr, flush=True)


def _own_digit_facts(runs) -> dict:
    """The user's own digit (``render --input``) and its label, when the job draws one: the run's
    files alone do not decide the pixels then."""
    if runs.own_digit is None:
        return {}
    digit = runs.own_digit
    pixels = hashlib.sha256(digit.pixels.astype("float32").tobytes() + digit.picture.astype("float32").tobytes())
    return {"own digit": [pixels.hexdigest(), digit.name, runs.own_label]}


class RenderCache:
    def __init__(
        self, root: Path | None = None, cap_mb: int | None = None, note: Callable[[str], None] = say_on_stderr
    ):
        self.root = Path(root) if root else cache_dir() / "renders"
        self.cap = (
            cap_mb if cap_mb is not None else int(os.environ.get("NNEXPLAIN_RENDER_CACHE_MB", DEFAULT_CAP_MB))
        ) << 20
        self.note = note
        self.skipped: str | None = None  # why nothing more is written, once something failed

    # --- when it cannot be written -------------------------------------------------------------

    def skip(self, error: OSError) -> None:
        """Write nothing more into the cache (reading it goes on); say so once, with the path that failed."""
        if self.skipped is None:
            self.skipped = reason(error)
            self.note(f"render cache skipped ({self.skipped}); rendering without it")

    def check_writable(self) -> bool:
        """Whether a file can be written in the cache now; if not, it is skipped (said once) before any drawing."""
        if self.skipped is None:
            probe = self.root / f".probe.{os.getpid()}"
            try:
                self.root.mkdir(parents=True, exist_ok=True)
                probe.write_bytes(b"nnexplain")
                probe.unlink()
            except OSError as error:
                self.skip(error)
        return self.skipped is None

    @contextmanager
    def _writing(self, staging: Path | None = None) -> Iterator[None]:
        """A write into the cache: an OSError skips the cache (and removes ``staging``) rather than fail the render.
        The caller checks :attr:`skipped` for what to return instead."""
        try:
            yield
        except OSError as error:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            self.skip(error)
        except BaseException:  # an interrupt: nothing half written stays in the cache
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            raise

    # --- plans ---------------------------------------------------------------------------------

    def plan(self, key: str) -> Plan | None:
        try:
            data = json.loads((self.root / key / "plan.json").read_text())
            return Plan(tuple(data["durations"]), tuple((name, size) for name, size in data["beats"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def store_plan(self, key: str, plan: Plan) -> None:
        if self.skipped:
            return
        with self._writing():
            atomic_write(
                self.root / key / "plan.json", json.dumps({"durations": plan.durations, "beats": plan.beats}).encode()
            )

    # --- parts ---------------------------------------------------------------------------------

    def parts(self, key: str) -> dict[tuple[int, int], Part]:
        """Every intact cached part of scene ``key``, by its range (corrupt ones are removed)."""
        found = {}
        try:
            folders = list((self.root / key / "parts").glob("*-*"))
        except OSError:  # not a folder, a link loop, unreadable: nothing cached to use
            return found
        for folder in folders:
            part = self._load(folder)
            if part is not None:
                found[part.start, part.stop] = part
        return found

    @staticmethod
    def chain(parts: dict[tuple[int, int], Part], count: int) -> list[Part] | None:
        """Parts that cover animations 0 to ``count`` end to end (the longest at each step), if they do."""
        by_start: dict[int, list[Part]] = {}
        for part in parts.values():
            by_start.setdefault(part.start, []).append(part)
        chain, at = [], 0
        while at < count and at in by_start:
            part = max(by_start[at], key=lambda p: p.stop)
            chain.append(part)
            at = part.stop
        return chain if at == count else None

    def _load(self, folder: Path) -> Part | None:
        try:
            data = json.loads((folder / "part.json").read_text())
            files = [folder / name for name in data["files"]]
            if any(_file_hash(file) != digest for file, digest in zip(files, data["sha256"])) or len(files) != len(
                data["sha256"]
            ):
                raise ValueError("a file does not match its checksum")
        except (OSError, ValueError, KeyError, TypeError):
            shutil.rmtree(folder, ignore_errors=True)  # corrupt or half written: drawn again, never joined
            return None
        _touch(folder / "part.json")  # recently used
        return Part(int(data["start"]), int(data["stop"]), tuple(files))

    def store_part(self, key: str, part: Part) -> Part:
        """``part`` copied into the cache; the part itself, unchanged, when the cache is skipped."""
        if self.skipped:
            return part
        folder = self.root / key / "parts" / f"{part.start:05d}-{part.stop:05d}"
        staging = folder.with_name(f".{folder.name}.{os.getpid()}")
        with self._writing(staging):
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            names = []
            for file in part.files:
                shutil.copyfile(file, staging / file.name)
                names.append(file.name)
            manifest = {
                "start": part.start,
                "stop": part.stop,
                "files": names,
                "sha256": [_file_hash(staging / n) for n in names],
            }
            atomic_write(staging / "part.json", json.dumps(manifest).encode())
            shutil.rmtree(folder, ignore_errors=True)
            os.replace(staging, folder)
            self.evict()
            return Part(part.start, part.stop, tuple(folder / name for name in names))
        return part

    # --- joined results ---------------------------------------------------------------------------

    def final(self, key: str) -> tuple[Path, list[Path], list[Path]] | None:
        """The joined video, its sections (in order) and its side files (subtitles) for ``key``, when cached and intact."""
        folder = self.root / key / "final"
        try:
            data = json.loads((folder / "final.json").read_text())
            files = [folder / name for name in data["files"]]
            if len(files) != len(data["sha256"]) or any(_file_hash(f) != d for f, d in zip(files, data["sha256"])):
                raise ValueError("a file does not match its checksum")
        except (OSError, ValueError, KeyError, TypeError):
            shutil.rmtree(folder, ignore_errors=True)
            return None
        _touch(folder / "final.json")
        rest = files[1:]
        return (
            files[0],
            [f for f in rest if f.parent.name == "sections"],
            [f for f in rest if f.parent.name == "beside"],
        )

    def store_final(self, key: str, video: Path, sections: list[Path], beside: list[Path] = ()) -> None:
        if self.skipped:
            return
        folder = self.root / key / "final"
        staging = folder.with_name(f".final.{os.getpid()}")
        with self._writing(staging):
            shutil.rmtree(staging, ignore_errors=True)
            (staging / "sections").mkdir(parents=True)
            (staging / "beside").mkdir(parents=True)
            names = [video.name] + [f"sections/{s.name}" for s in sections] + [f"beside/{b.name}" for b in beside]
            for source, name in zip([video, *sections, *beside], names):
                shutil.copyfile(source, staging / name)
            data = {"files": names, "sha256": [_file_hash(staging / name) for name in names]}
            atomic_write(staging / "final.json", json.dumps(data).encode())
            shutil.rmtree(folder, ignore_errors=True)
            os.replace(staging, folder)
            self.evict()

    def evict(self) -> None:
        """Remove least recently used parts until the cache fits its cap."""
        parts = []
        for manifest in [*self.root.glob("*/parts/*/part.json"), *self.root.glob("*/final/final.json")]:
            folder = manifest.parent
            try:
                size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
                parts.append((manifest.stat().st_mtime, size, folder))
            except OSError:  # removed meanwhile by another render's eviction
                continue
        total = sum(size for _, size, _ in parts)
        for _, size, folder in sorted(parts):
            if total <= self.cap:
                break
            shutil.rmtree(folder, ignore_errors=True)
            total -= size

    def size(self) -> int:
        return sum(f.stat().st_size for f in self.root.rglob("*") if f.is_file()) if self.root.exists() else 0
