"""Subtitles drawn into the picture, for players that ignore side files (``--burn-subtitles``).

The video is decoded frame by frame, the cue on at each frame's time is drawn in a dark box at the
foot of the frame (at most two lines, sized to the frame: 16 px and up at 480p), and the frames are
encoded again with the settings manim used (H.264 yuv420p for mp4, VP9 for webm).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from nnexplain.speech.timing import Chunk, cue_lines

__all__ = ["burn_subtitles"]

ENCODERS = {
    "mp4": ("libx264", "yuv420p", {"crf": "20", "preset": "veryfast", "threads": "1"}),
    "webm": ("libvpx-vp9", "yuv420p", {}),
}


@lru_cache(maxsize=4)
def _font(size: int):
    from PIL import ImageFont

    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _draw_cue(image, text: str) -> None:
    from PIL import ImageDraw

    width, height = image.size
    size = max(16, round(height / 24))  # 20 px at 480p
    font, draw = _font(size), ImageDraw.Draw(image, "RGBA")
    lines = cue_lines(text)
    gap, margin = round(size * 0.3), max(24, round(height * 0.05))
    boxes = [draw.textbbox((0, 0), line, font=font) for line in lines]
    y = height - margin - sum(b[3] - b[1] + gap for b in boxes)
    for line, box in zip(lines, boxes):
        line_width, line_height = box[2] - box[0], box[3] - box[1]
        x = (width - line_width) // 2
        # Opaque: the picture under the words must not show through them.
        draw.rectangle((x - 8, y - 4, x + line_width + 8, y + line_height + gap), fill=(0, 0, 0, 255))
        draw.text((x - box[0], y - box[1]), line, font=font, fill=(255, 255, 255, 255))
        y += line_height + gap


def burn_subtitles(video: Path, cues: list[Chunk]) -> None:
    """Draw ``cues`` into ``video``'s frames, in place (the file is replaced once complete)."""
    import av

    codec, pixel_format, options = ENCODERS[video.suffix.lstrip(".")]
    staged = video.with_name(f".{video.stem}.{os.getpid()}.burn{video.suffix}")
    with av.open(str(video)) as source, av.open(str(staged), "w") as out:
        picture = source.streams.video[0]
        rate = picture.average_rate or picture.guessed_rate
        stream = out.add_stream(codec, rate=rate, options=options)
        stream.width, stream.height, stream.pix_fmt = (
            picture.codec_context.width,
            picture.codec_context.height,
            pixel_format,
        )
        for number, frame in enumerate(source.decode(picture)):
            seconds = number / float(rate)
            cue = next((cue for cue in cues if cue.start <= seconds < cue.end), None)
            if cue is not None:
                image = frame.to_image()
                _draw_cue(image, cue.text)
                frame = av.VideoFrame.from_ndarray(np.asarray(image), format="rgb24")
            else:
                frame = av.VideoFrame.from_ndarray(frame.to_ndarray(format="rgb24"), format="rgb24")
            frame.pts = None
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    os.replace(staged, video)
