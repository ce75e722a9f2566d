"""Typeset text kept on disk between processes: a label's glyph outlines are read back, not parsed again.

manim turns a text into an SVG with Pango (cached on disk by manim already) and then parses that SVG into
glyph paths (svgelements, then one VMobject a glyph): about 80 ms a label, and a scene has 100 to 160 labels.
manim keeps the parsed glyphs only in memory, so every new process (each ``--jobs`` worker, each Ray task,
each ``nnexplain render``) parses them all again: 30 to 65% of a skipped render's time.

Here the glyphs manim parsed are stored, one compressed ``.npz`` a text (read without unpickling), keyed by a
SHA-256 of the SVG's bytes and of the settings manim's own in-memory cache is keyed by. A stored text gives
each glyph every attribute manim's parse gave it, the same values to the bit (``tests/test_typeset_cache``
compares every attribute of every glyph, and the pixels drawn). A file that cannot be read is typeset again
and written again: the cache never costs a result. It is off until :func:`keep_typeset_in` names a folder
(the app floor names ``$NNEXPLAIN_TYPESET``, else ``CACHE/typeset``).
"""

from __future__ import annotations

import enum
import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np
from manim import RIGHT, TAU, ManimColor, Text
from manim.constants import CapStyleType, LineJointType
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

__all__ = ["CachedText", "keep_typeset_in"]

_FORMAT = b"nnexplain typeset 1"
MOST_TEXTS = 20_000  # about 200 MB at most (10 kB a text); every scene's labels at one size are about 1,500
_ENUMS = {kind.__name__: kind for kind in (CapStyleType, LineJointType)}  # the enums a glyph holds


class _Folder:
    path: Path | None = None


def keep_typeset_in(folder: Path | str | None) -> None:
    """Store typeset text in ``folder`` from now on, in this process (None: keep it in memory only)."""
    folder = Path(folder) if folder is not None else None
    if folder is not None and folder != _Folder.path:
        _trim(folder)
    _Folder.path = folder


def _trim(folder: Path) -> None:
    """Drop the oldest half of a folder holding more than MOST_TEXTS texts (one dropped is typeset again)."""
    most = MOST_TEXTS
    try:
        files = list(folder.glob("*.npz"))
        if len(files) <= most:
            return
        files.sort(key=lambda path: path.stat().st_mtime)
        for path in files[: len(files) - most // 2]:
            path.unlink(missing_ok=True)
    except OSError:
        pass  # another process trimming the same folder; this one will trim next time


class CachedText(Text):
    """manim's ``Text``, its glyphs parsed once per machine instead of once per process."""

    def __init__(self, text: str, **kwargs) -> None:
        super().__init__(text, name=kwargs.pop("name", "Text"), **kwargs)  # named as manim names a Text

    def generate_mobject(self):
        folder = _Folder.path
        if folder is None:
            return super().generate_mobject()
        path = folder / f"{self._typeset_key()}.npz"
        glyphs = _read(path)
        if glyphs is None:
            super().generate_mobject()
            _write(path, self.submobjects)
            return self
        self.add(*glyphs)
        self.id_to_vgroup_dict = {}
        # The stored glyphs are already flipped (manim's parse ends with ``flip(RIGHT)``); the flip also turned the
        # text's own sheen direction, which is turned here the same way.
        self.rotate_sheen_direction(TAU / 2, RIGHT, family=False)
        return self

    def _typeset_key(self) -> str:
        digest = hashlib.sha256(_FORMAT)
        digest.update(Path(self.get_file_path()).read_bytes())
        digest.update(repr((self.svg_default, self.path_string_config)).encode())
        return digest.hexdigest()


def _encoded(glyph) -> tuple[dict, dict] | None:
    """A glyph's attributes as JSON-able tags and arrays; None when one is of a kind not stored."""
    tags, arrays = {}, {}
    for name, value in vars(glyph).items():
        if name == "path_obj" or value is None:
            tags[name] = ["none"]  # the SVG source is dropped from every label (style._drop_svg_sources)
        elif isinstance(value, np.ndarray):
            tags[name] = ["array"]
            arrays[name] = value
        elif isinstance(value, ManimColor):
            tags[name] = ["colour"]
            arrays[name] = value._internal_value
        elif isinstance(value, enum.Enum) and _ENUMS.get(type(value).__name__) is type(value):
            tags[name] = ["enum", type(value).__name__, value.name]
        elif isinstance(value, list) and not value:
            tags[name] = ["list"]
        elif type(value) in (bool, int, float, str):
            tags[name] = [type(value).__name__, value]
        else:
            return None
    return tags, arrays


def _decoded(tags: dict, arrays: dict) -> VMobjectFromSVGPath:
    glyph = VMobjectFromSVGPath.__new__(VMobjectFromSVGPath)
    for name, (kind, *rest) in tags.items():
        if kind == "none":
            value = None
        elif kind == "array":
            value = arrays[name]
        elif kind == "colour":
            value = ManimColor(arrays[name])
        elif kind == "enum":
            value = _ENUMS[rest[0]][rest[1]]
        elif kind == "list":
            value = []
        else:
            value = {"bool": bool, "int": int, "float": float, "str": str}[kind](rest[0])
        glyph.__dict__[name] = value
    return glyph


def _read(path: Path) -> list | None:
    """The glyphs stored at ``path``; None when there are none or they cannot be read whole."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            described, data = json.loads(stored["glyphs"].tobytes()), stored["bytes"].tobytes()
        glyphs = []
        for tags, places in described:
            arrays = {
                name: np.frombuffer(data, np.dtype(dtype), int(np.prod(shape)), offset).reshape(shape).copy()
                for name, (dtype, shape, offset) in places.items()
            }
            glyphs.append(_decoded(tags, arrays))
        return glyphs
    except Exception:  # noqa: BLE001 - whatever is wrong with a stored file (cut short, not a zip, another format),
        return None  # the text is typeset again: the cache never costs a result


def _write(path: Path, glyphs: list) -> None:
    """Store ``glyphs``: every glyph's arrays as one run of bytes, their tags and places in it as JSON."""
    if not all(type(glyph) is VMobjectFromSVGPath for glyph in glyphs):
        return  # a shape other than a path (a rectangle, a line): not stored, parsed each time
    encoded = [_encoded(glyph) for glyph in glyphs]
    if any(item is None for item in encoded):
        return
    chunks, described, offset = [], [], 0
    for tags, values in encoded:
        places = {}
        for name, value in values.items():
            value = np.ascontiguousarray(value)
            places[name] = (value.dtype.str, list(value.shape), offset)
            chunks.append(value.tobytes())
            offset += value.nbytes
        described.append((tags, places))
    arrays = {
        "glyphs": np.frombuffer(json.dumps(described).encode(), np.uint8),
        "bytes": np.frombuffer(b"".join(chunks), np.uint8),
    }
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(handle, "wb") as file:
            np.savez_compressed(file, **arrays)
        os.replace(temporary, path)  # whole or not at all: a reader never meets half a file
    except OSError:
        if temporary is not None:  # a full or read-only disk: the text was typeset all the same
            Path(temporary).unlink(missing_ok=True)
