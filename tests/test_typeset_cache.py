"""Typeset text read back from disk (nnexplain.mobjects.typeset_cache) is manim's own typesetting.

The oracle is manim's ``Text`` typesetting the same text afresh: a text read back from the folder must equal it in
every attribute of itself and of every glyph (points, colours, widths, sheen, names), and draw the same pixels.
"""

import os
import pickle

import numpy as np
import pytest
from manim import Camera, Text
from manim.mobject.svg import svg_mobject

from nnexplain.mobjects import typeset_cache
from nnexplain.mobjects.typeset_cache import CachedText, keep_typeset_in

TEXTS = [
    ("largest error\nnetwork: 0.079", {}),
    ("f(x) = b + Σ vⱼhⱼ, −1.623 → ← ½ é", {"color": "#FF3D7F", "font_size": 40}),
    ("epoch 3,000 of 800", {"weight": "BOLD", "font_size": 18}),
]


def _equal(one, other, where="text") -> None:
    """Every attribute of ``one`` and ``other`` alike, recursively through mobjects (the SVG source is dropped)."""
    mine, theirs = vars(one), vars(other)
    assert mine.keys() == theirs.keys(), (where, set(mine) ^ set(theirs))
    for name, value in mine.items():
        other_value = theirs[name]
        if name in ("path_obj", "id_to_vgroup_dict"):
            continue  # the parsed SVG path and the SVG's groups: not kept (labels drop the first, no one reads either)
        if name == "submobjects":
            assert len(value) == len(other_value), where
            for index, (part, other_part) in enumerate(zip(value, other_value)):
                _equal(part, other_part, f"{where}[{index}]")
        elif hasattr(value, "submobjects"):
            _equal(value, other_value, f"{where}.{name}")
        elif isinstance(value, np.ndarray):
            assert value.dtype == other_value.dtype and np.array_equal(value, other_value), (where, name)
        else:
            assert type(value) is type(other_value) and value == other_value, (where, name, value, other_value)


def _typeset(text: str, settings: dict, cached: bool = True):
    svg_mobject.SVG_HASH_TO_MOB_MAP.clear()  # manim's in-memory cache: each text comes from the folder or a parse
    return (CachedText if cached else Text)(text, font="DejaVu Sans", **settings)


def _pixels(mobject) -> np.ndarray:
    camera = Camera(pixel_width=427, pixel_height=240)
    camera.capture_mobject(mobject)
    return camera.pixel_array.copy()


@pytest.fixture
def folder(tmp_path):
    keep_typeset_in(tmp_path / "typeset")
    yield tmp_path / "typeset"
    keep_typeset_in(None)


@pytest.mark.parametrize(("text", "settings"), TEXTS)
def test_a_text_read_back_is_manims_own_typesetting(folder, text, settings):
    fresh = _typeset(text, settings, cached=False)
    first = _typeset(text, settings)  # parsed by manim, then stored
    assert len(list(folder.glob("*.npz"))) == 1
    read_back = _typeset(text, settings)
    _equal(fresh, first)
    _equal(fresh, read_back)
    assert np.array_equal(_pixels(fresh), _pixels(read_back))
    assert np.count_nonzero(_pixels(fresh)) > 1000  # the text was drawn


def test_it_is_read_back_rather_than_parsed(folder, monkeypatch):
    fresh = _typeset(*TEXTS[0], cached=False)
    _typeset(*TEXTS[0])
    monkeypatch.setattr(Text, "get_mobjects_from", lambda *args, **kwargs: pytest.fail("parsed again"))
    _equal(fresh, _typeset(*TEXTS[0]))


@pytest.mark.parametrize("damage", ["truncated", "garbage", "pickled"])
def test_a_damaged_file_is_typeset_again_and_replaced(folder, monkeypatch, damage):
    text, settings = TEXTS[1]
    _typeset(text, settings)
    (stored,) = folder.glob("*.npz")
    if damage == "truncated":
        stored.write_bytes(stored.read_bytes()[:300])
    elif damage == "garbage":
        stored.write_bytes(b"not a typeset text")
    else:  # a file that would need unpickling to be read: never unpickled
        np.savez(stored.with_suffix(""), glyphs=np.array([{"points": 1}], dtype=object))
        monkeypatch.setattr(pickle, "loads", lambda *args, **kwargs: pytest.fail("unpickled"))
    _equal(_typeset(text, settings, cached=False), _typeset(text, settings))
    monkeypatch.undo()
    _equal(_typeset(text, settings, cached=False), _typeset(text, settings))  # and the file was written again
    assert typeset_cache._read(stored) is not None


def test_a_folder_that_cannot_be_written_costs_nothing(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder would be")
    keep_typeset_in(blocker / "typeset")
    try:
        _equal(_typeset(*TEXTS[0], cached=False), _typeset(*TEXTS[0]))
    finally:
        keep_typeset_in(None)


def test_off_until_a_folder_is_named(tmp_path, monkeypatch):
    keep_typeset_in(None)
    monkeypatch.chdir(tmp_path)
    _equal(_typeset(*TEXTS[2], cached=False), _typeset(*TEXTS[2]))
    assert list(tmp_path.rglob("*.npz")) == []


def test_a_full_folder_drops_its_oldest_texts(tmp_path, monkeypatch):
    folder = tmp_path / "typeset"
    folder.mkdir()
    for index in range(12):
        (folder / f"{index:02d}.npz").write_bytes(b"x")
        stamp = 1_000_000 + index
        os.utime(folder / f"{index:02d}.npz", (stamp, stamp))
    monkeypatch.setattr(typeset_cache, "MOST_TEXTS", 10)
    keep_typeset_in(folder)
    keep_typeset_in(None)
    assert sorted(path.name for path in folder.glob("*.npz")) == [f"{index:02d}.npz" for index in range(7, 12)]
