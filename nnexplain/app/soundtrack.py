"""The narration's sound, laid under a rendered video: AAC in mp4, Opus in webm, in every section clip.

The scene's narrator logs when each line was said (scene time, which is video time: manim draws
each animation for its run time). :func:`soundtrack` places each line's speech there
(:meth:`~nnexplain.speech.speaker.Speaker.audio`), and :func:`add_sound` muxes it into a video without
re-encoding the picture. The track is cut to the video's length exactly, so the audio stream lasts
as long as the video. A section clip gets the stretch of the track its frames cover.

A split render (``--jobs``, Ray) joins its parts' pictures first; its track is built the same way,
from the log of the joining pass, which is the one-process render's log, so the sound is the same.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import numpy as np

from nnexplain.speech.speaker import Speaker

__all__ = ["RATE", "soundtrack", "add_sound", "video_seconds", "read_sound"]

RATE = 48000  # Opus only takes 48 kHz; AAC is given the same
AUDIO_CODECS = {"mp4": ("aac", "fltp"), "webm": ("libopus", "flt")}


def soundtrack(lines, speaker: Speaker, seconds: float) -> np.ndarray:
    """``seconds`` of mono sound at :data:`RATE`: every narrated line's speech from when it was said."""
    track = np.zeros(round(seconds * RATE), dtype=np.float32)
    for line in lines:
        said = _resample(speaker.audio(line.sentence), speaker.sample_rate)
        start = round(line.shown * RATE)
        if start < track.size:
            piece = said[: track.size - start]
            track[start : start + piece.size] += piece
    return np.clip(track, -1.0, 1.0)


def _resample(samples: np.ndarray, rate: int) -> np.ndarray:
    if rate == RATE or samples.size == 0:
        return samples.astype(np.float32)
    times = np.arange(round(samples.size * RATE / rate)) / RATE
    return np.interp(times, np.arange(samples.size) / rate, samples).astype(np.float32)


def video_seconds(path: Path) -> float:
    """The length of the video stream of ``path``: its frames over its frame rate."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for packet in container.demux(stream) if packet.size)
        return frames / float(stream.average_rate or stream.guessed_rate)


def add_sound(video: Path, track: np.ndarray, offset: float = 0.0) -> None:
    """Mux ``track`` (from ``offset`` seconds on, cut to the video's length) into ``video``, in place."""
    import av

    fmt = video.suffix.lstrip(".")
    codec, layout = AUDIO_CODECS[fmt]
    seconds = video_seconds(video)
    start = round(offset * RATE)
    piece = np.zeros(round(seconds * RATE), dtype=np.float32)
    part = track[start : start + piece.size]
    piece[: part.size] = part
    staged = video.with_name(f".{video.stem}.{os.getpid()}.sound{video.suffix}")
    with av.open(str(video)) as source, av.open(str(staged), "w") as out:
        picture = source.streams.video[0]
        copied = out.add_stream_from_template(picture)
        sound = out.add_stream(codec, rate=RATE, layout="mono")
        sound.time_base = Fraction(1, RATE)
        packets = list(_encode(sound, piece, layout))
        video_packets = [packet for packet in source.demux(picture) if packet.dts is not None]
        for packet in video_packets:
            packet.stream = copied
        timeline = sorted(
            [(float(p.dts * p.time_base), 0, i, p) for i, p in enumerate(video_packets)]
            + [(float((p.dts or 0) * p.time_base), 1, i, p) for i, p in enumerate(packets)],
            key=lambda entry: entry[:3],
        )
        for *_, packet in timeline:
            out.mux(packet)
    os.replace(staged, video)


def _encode(stream, samples: np.ndarray, layout: str):
    import av

    frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="fltp", layout="mono")
    frame.sample_rate, frame.pts, frame.time_base = RATE, 0, Fraction(1, RATE)
    if layout != "fltp":
        frame = av.AudioResampler(format=layout, layout="mono", rate=RATE).resample(frame)
    for each in frame if isinstance(frame, list) else [frame]:
        yield from stream.encode(each)
    yield from stream.encode(None)


def read_sound(path: Path) -> tuple[np.ndarray, float]:
    """The audio of ``path`` decoded to mono float32 at :data:`RATE`, and its stream's length in seconds."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        pieces = []
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                pieces.append(out.to_ndarray().reshape(-1))
        for out in resampler.resample(None):
            pieces.append(out.to_ndarray().reshape(-1))
        samples = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
        return samples, samples.size / RATE
