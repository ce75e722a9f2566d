"""A speed-up of manim 0.22's video segment encoder: the same frames reach the codec, without two wasted steps.

manim's ``VideoSegmentEncoder.write_frame`` turns each RGBA frame into a PyAV frame with ``from_ndarray``, which
copies its 8 MB at 1080p, and it does so once per repeat: a still frame held for a 2-second wait is copied and
converted to yuv420p 120 times. The codec context then converts each copy with its own swscale context.

Here the frame wraps the array without copying it (``from_numpy_buffer``) and is converted once per call with a
swscale context of our own, called with the arguments the codec context passes its own (its width, height,
pixel format and thread count, bilinear, the frame's colour tags), so the codec receives the same yuv420p
pixels, frame after frame, as from manim's path; the repeats then send that one converted frame with successive
timestamps (the codec does not write to a frame it is sent, and libx264 copies the pixels in). A frame that
differs from the segment's last one in a few rows (most of a lecture's frames: a caption, a moving dot) is
converted only there: the last frame's planes are copied and the rows around the change converted again, which
gives the whole conversion's bytes (the rows' neighbours are converted with them). The codec and its settings are
untouched. ``tests/test_encode.py`` encodes the same frames both ways, in one process, losslessly,
and compares every frame the codec was sent.

A frame's encoding runs on the segment's encoder thread, beside the drawing: at 1080p60 x264 alone takes about
10 ms a frame, so this thread, not the drawing, often decides a render's wall-clock time. The copy and the
repeated conversions were a part of it the video never needed.
"""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
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
    """``pixels`` (RGBA) as the codec context would convert them: the same swscale call, made once, and made only
    over the rows that changed since the segment's last frame."""
    context = encoder._stream.codec_context
    context.open(strict=False)  # what encode() does first: the thread count is the opened codec's
    reformatter = getattr(encoder, "_nnexplain_reformatter", None)
    if reformatter is None:
        reformatter = encoder._nnexplain_reformatter = VideoReformatter()
        encoder._nnexplain_band_reformatter = VideoReformatter()  # its own: a band's size changes every frame
    last = getattr(encoder, "_nnexplain_last", None)
    # Bands only where the tests show them equal to the whole conversion: yuv420p (mp4, opaque webm).
    banded = last is not None and context.format.name == "yuv420p"
    changed = _changed_rows(last[0], pixels) if banded else None
    if changed is None or changed[1] - changed[0] > pixels.shape[0] // 2:
        source = av.VideoFrame.from_numpy_buffer(pixels, format="rgba")
        frame = reformatter.reformat(
            source, context.width, context.height, context.format, threads=context.thread_count
        )
    elif changed[0] == changed[1]:
        frame = last[1]  # nothing changed: the codec is sent this frame again, as for a repeat
    else:
        frame = _patched(encoder, last[1], pixels, changed, context)
    encoder._nnexplain_last = (pixels, frame)  # manim hands the frame over: it is not written to again
    return frame


# A converted row depends on its neighbours (yuv420p's chroma rows are shared by two rows, and swscale's filter
# reaches one chroma row further), so the rows redone reach REACH rows past the changed ones, in blocks of ALIGN,
# and each band is converted with MARGIN rows more on either side, which are then dropped. Converting bands of a
# 1080p frame this way gives the full conversion's bytes from a margin of 2 rows on (tests/test_encode.py).
BAND_REACH, BAND_ALIGN, BAND_MARGIN = 4, 16, 16


def _changed_rows(before, after) -> tuple[int, int] | None:
    """The rows ``after`` differs from ``before`` in, as [first, last + 1) (equal when none), or None when the two
    cannot be compared."""
    if before.shape != after.shape or before.dtype != after.dtype or before.ndim != 3:
        return None
    if before is after:
        return (0, 0)
    rows = before.shape[0]
    try:  # whole rows as 8-byte words where the row length allows it (it does at every render size)
        a, b = before.reshape(rows, -1).view(np.uint64), after.reshape(rows, -1).view(np.uint64)
    except ValueError:
        a, b = before.reshape(rows, -1), after.reshape(rows, -1)
    differs = np.flatnonzero((a != b).any(axis=1))
    return (0, 0) if len(differs) == 0 else (int(differs[0]), int(differs[-1]) + 1)


def _patched(encoder, last: av.VideoFrame, pixels, changed: tuple[int, int], context) -> av.VideoFrame:
    """A new frame: ``last``'s planes with the rows around ``changed`` converted again from ``pixels``."""
    height = pixels.shape[0]
    first = max(0, (changed[0] - BAND_REACH) // BAND_ALIGN * BAND_ALIGN)
    stop = min(height, -(-(changed[1] + BAND_REACH) // BAND_ALIGN) * BAND_ALIGN)
    top, bottom = max(0, first - BAND_MARGIN), min(height, stop + BAND_MARGIN)
    source = av.VideoFrame.from_numpy_buffer(pixels[top:bottom], format="rgba")
    band = encoder._nnexplain_band_reformatter.reformat(
        source, context.width, bottom - top, context.format, threads=context.thread_count
    )
    frame = av.VideoFrame(context.width, height, context.format.name)
    for plane, before, redone in zip(frame.planes, last.planes, band.planes):
        rows = 1 if plane.height == height else 2  # a chroma row holds two of the picture's rows
        target, old, new = _rows(plane), _rows(before), _rows(redone)
        target[:] = old
        target[first // rows : -(-stop // rows)] = new[(first - top) // rows : -(-(stop - top) // rows)]
    return frame


def _rows(plane) -> np.ndarray:
    """A plane's pixels as rows (without the padding at each row's end)."""
    return np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)[:, : plane.width]
