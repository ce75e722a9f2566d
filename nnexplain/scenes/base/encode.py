"""A speed-up of manim 0.22's video segment encoder: the same frames reach the codec, without two wasted steps.

manim's ``VideoSegmentEncoder.write_frame`` turns each RGBA frame into a PyAV frame with ``from_ndarray``, which
copies its 8 MB at 1080p, and it does so once per repeat: a still frame held for a 2-second wait is copied and
converted to yuv420p 120 times. The codec context then converts each copy with its own swscale context.

Here the frame wraps the array without copying it (``from_numpy_buffer``) and is converted once per call with a
swscale context of our own, called with the arguments the codec context passes its own (its width, height,
pixel format and thread count, bilinear, the frame's colour tags), so the codec receives the same yuv420p
pixels, frame after frame, as from manim's path; the repeats then send that one converted frame with successive
timestamps (the codec does not write to a frame it is sent, and libx264 copies the pixels in). The codec and its
settings are untouched. ``tests/test_encode.py`` encodes the same frames both ways, in one process, losslessly,
and compares every frame the codec was sent.

A frame's encoding runs on the segment's encoder thread, beside the drawing: at 1080p60 x264 alone takes about
10 ms a frame, so this thread, not the drawing, often decides a render's wall-clock time. The copy and the
repeated conversions were a part of it the video never needed.
"""

from __future__ import annotations

from fractions import Fraction

import av
from av.video.reformatter import VideoReformatter
from manim.scene.video_segment_encoder import VideoSegmentEncoder

__all__ = ["encode_without_copies", "encoding_without_copies"]


class _Switch:
    """``encoding_without_copies.enabled = False`` gives manim's own path (the tests compare the two)."""

    enabled = True


encoding_without_copies = _Switch()


def encode_without_copies() -> None:
    """Install the encoder shortcut on manim's video segment encoder (once)."""
    if getattr(VideoSegmentEncoder.write_frame, "encodes_without_copies", False):
        return
    original = VideoSegmentEncoder.write_frame

    def write_frame(self, pixels, *, repeat: int = 1) -> None:
        if not encoding_without_copies.enabled:
            return original(self, pixels, repeat=repeat)
        self._validate_frame(pixels, repeat)
        rate = self.spec.frame_rate
        time_base = Fraction(rate.denominator, rate.numerator)
        try:
            frame = _converted(self, pixels)
            for _ in range(repeat):
                frame.pts = self._next_pts
                frame.time_base = time_base
                self._next_pts += 1
                for packet in self._stream.encode(frame):
                    self._container.mux(packet)
        except BaseException as error:
            raise self._operation_error("encode", error) from error
        return None

    write_frame.encodes_without_copies = True
    write_frame.original = original
    VideoSegmentEncoder.write_frame = write_frame


def _converted(encoder: VideoSegmentEncoder, pixels) -> av.VideoFrame:
    """``pixels`` (RGBA) as the codec context would convert them: the same swscale call, made once."""
    context = encoder._stream.codec_context
    context.open(strict=False)  # what encode() does first: the thread count is the opened codec's
    reformatter = getattr(encoder, "_nnexplain_reformatter", None)
    if reformatter is None:
        reformatter = encoder._nnexplain_reformatter = VideoReformatter()
    source = av.VideoFrame.from_numpy_buffer(pixels, format="rgba")
    return reformatter.reformat(source, context.width, context.height, context.format, threads=context.thread_count)
