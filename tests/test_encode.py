"""Encoding without copies hands the codec manim's own frames (nnexplain.scenes.base.encode).

The same frames are encoded twice in one process, once through manim's ``VideoSegmentEncoder.write_frame`` and
once through ours, and what reached the codec is compared: every frame's yuv420p planes and timestamps. The
codec is libx264 as a render runs it (same preset, one thread, yuv420p) but lossless (``qp 0``), so decoding the
file gives back exactly the frames it was sent. The files themselves are not compared: x264 is not deterministic
here even on identical input (tried in one process: the same yuv frames, encoded again after other allocations,
give different files at 320x180 and 854x480), so equal bytes would not follow from equal frames.
Frames with content in every channel, repeats (a held frame), and sizes with odd chroma widths are encoded.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from av.video.reformatter import Interpolation
from manim import DOWN, LEFT, RIGHT, Circle, FadeIn, Scene, Square, Text, tempconfig
from manim._config.video_encoder import VideoEncoderSpec
from manim.scene.video_segment_encoder import VideoSegmentEncoder

import nnexplain.scenes.base.run_scene  # noqa: F401  (installs the shortcut)
from nnexplain.app.options import RenderOptions
from nnexplain.scenes.base import encode


def _lossless_options() -> dict[str, str]:
    """A render's x264 options with its quality (crf) swapped for lossless."""
    options = dict(RenderOptions(quality="low").manim_config(Path("/unused"))["video_encoder_options"])
    del options["crf"]
    return {**options, "qp": "0"}


def _spec(width: int, height: int, fps: int = 15) -> VideoEncoderSpec:
    options = tuple(sorted(_lossless_options().items()))
    return VideoEncoderSpec("mp4", "libx264", "yuv420p", width, height, Fraction(fps), options)


def _frames(width: int, height: int) -> list[tuple[np.ndarray, int]]:
    """Frames with gradients, sharp edges, noise, held frames (repeats) and random alpha."""
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:height, 0:width]
    frames = []
    for step, repeat in enumerate((1, 1, 4, 1, 2, 1, 1, 3)):
        rgba = np.empty((height, width, 4), np.uint8)
        rgba[..., 0] = (x * 255 // width + 9 * step) % 256
        rgba[..., 1] = (y * 255 // height) ^ (step * 37)
        rgba[..., 2] = ((x // 7 + y // 5 + step) % 2) * 200
        rgba[..., 3] = rng.integers(0, 256, (height, width))
        top, left = height // 3, width // 4 + step
        rgba[top : top + height // 6, left : left + width // 4, :3] = rng.integers(0, 256, (height // 6, width // 4, 3))
        frames.append((rgba, repeat))
    return frames


def _decoded(path: Path) -> list[tuple[int, bytes]]:
    """Each frame of the video: its timestamp and its yuv420p planes."""
    with av.open(str(path)) as container:
        return [(frame.pts, frame.to_ndarray(format="yuv420p").tobytes()) for frame in container.decode(video=0)]


def _encode(enabled: bool, target: Path, frames, spec: VideoEncoderSpec) -> list[tuple[int, bytes]]:
    encode.encoding_without_copies.enabled = enabled
    try:
        encoder = VideoSegmentEncoder(target=target, spec=spec)
        for pixels, repeat in frames:
            encoder.write_frame(pixels, repeat=repeat)
        encoder.finish()
    finally:
        encode.encoding_without_copies.enabled = True
    return _decoded(target)


@pytest.mark.parametrize("size", [(320, 180), (854, 480), (202, 118)])
def test_the_codec_gets_manims_frames(tmp_path, size):
    frames, spec = _frames(*size), _spec(*size)
    ours = _encode(True, tmp_path / "ours.mp4", frames, spec)
    manims = _encode(False, tmp_path / "manims.mp4", frames, spec)
    assert len(ours) == sum(repeat for _, repeat in frames)
    assert [pts for pts, _ in ours] == [pts for pts, _ in manims]
    assert [i for i, (a, b) in enumerate(zip(ours, manims)) if a[1] != b[1]] == []


def _local_changes(width: int, height: int) -> list[tuple[np.ndarray, int]]:
    """Frames that differ from the one before in a few rows only: a band at the top, the bottom, one row, two bands
    far apart, rows at odd offsets, an unchanged frame sent again, then a change over most of the picture."""
    rng = np.random.default_rng(11)
    frame = rng.integers(0, 256, (height, width, 4), dtype=np.uint8)
    frames = [(frame, 1)]
    changes = [[(0, 3)], [(height - 5, height)], [(height // 2, height // 2 + 1)], [(7, 9), (height - 30, height - 27)]]
    changes += [[(top, top + 1 + top % 13)] for top in rng.integers(0, height - 14, 12)]
    changes += [[], [(2, height - 3)]]
    for bands in changes:
        frame = frame.copy()
        for top, bottom in bands:
            frame[top:bottom, width // 5 :] = rng.integers(
                0, 256, (bottom - top, width - width // 5, 4), dtype=np.uint8
            )
        frames.append((frame, 1 + len(frames) % 2))
    return frames


@pytest.mark.parametrize("size", [(320, 180), (854, 480), (202, 118)])
def test_frames_that_change_in_a_few_rows_reach_the_codec_as_manims(tmp_path, size, monkeypatch):
    """Only the changed rows (and their neighbours) are converted again; the codec must not see a difference."""
    frames, spec = _local_changes(*size), _spec(*size)
    patched = []
    original = encode._patched
    monkeypatch.setattr(encode, "_patched", lambda *args: patched.append(args[3]) or original(*args))
    ours = _encode(True, tmp_path / "ours.mp4", frames, spec)
    manims = _encode(False, tmp_path / "manims.mp4", frames, spec)
    assert len(patched) >= 15  # the band path ran (and not only the whole-frame one)
    assert len(ours) == sum(repeat for _, repeat in frames)
    assert [i for i, (a, b) in enumerate(zip(ours, manims)) if a[1] != b[1]] == []


def test_a_band_without_its_neighbours_is_caught(tmp_path, monkeypatch):
    """The comparison above means something only if converting just the changed rows, with no margin, is caught."""
    frames, spec = _local_changes(320, 180), _spec(320, 180)
    manims = _encode(False, tmp_path / "manims.mp4", frames, spec)
    for name, value in (("BAND_REACH", 0), ("BAND_ALIGN", 2), ("BAND_MARGIN", 0)):
        monkeypatch.setattr(encode, name, value)
    assert _encode(True, tmp_path / "ours.mp4", frames, spec) != manims


def test_the_comparison_sees_a_different_conversion(tmp_path, monkeypatch):
    """The comparison above means something only if a conversion that rounds differently is caught."""
    frames, spec = _frames(320, 180), _spec(320, 180)

    def rounding(encoder, pixels):
        context = encoder._stream.codec_context
        context.open(strict=False)
        source = av.VideoFrame.from_numpy_buffer(pixels, format="rgba")
        accurate = Interpolation.BILINEAR | Interpolation.ACCURATE_RND
        return source.reformat(context.width, context.height, context.format, interpolation=accurate, threads=1)

    manims = _encode(False, tmp_path / "manims.mp4", frames, spec)
    monkeypatch.setattr(encode, "_converted", rounding)
    assert _encode(True, tmp_path / "ours.mp4", frames, spec) != manims


def test_the_shortcut_is_installed():
    assert getattr(VideoSegmentEncoder.write_frame, "encodes_without_copies", False)


class Held(Scene):
    def construct(self) -> None:
        square = Square(1.0, fill_opacity=0.8, color="#4FA3F7").shift(2 * LEFT)
        self.add(square, Text("held", font_size=24).shift(DOWN))
        self.wait(0.5)  # a still frame, written once with a repeat
        self.play(square.animate.shift(4 * RIGHT), FadeIn(Circle(0.5, color="#F26B5B")), run_time=1)
        self.wait(0.4)


def test_a_rendered_scene_is_manims(tmp_path):
    """A whole render (waits, an animation, the joined file) through both encoders."""
    videos = []
    for enabled in (True, False):
        settings = RenderOptions(quality="low", resolution=(320, 180)).manim_config(tmp_path / f"media-{enabled}")
        settings["video_encoder_options"] = _lossless_options()
        encode.encoding_without_copies.enabled = enabled
        try:
            with tempconfig(settings):
                scene = Held()
                scene.render()
                videos.append(_decoded(Path(scene.renderer.file_writer.movie_file_path)))
        finally:
            encode.encoding_without_copies.enabled = True
    assert len(videos[0]) == 28  # 0.5 + 1 + 0.4 seconds at 15 fps
    assert videos[0] == videos[1]
