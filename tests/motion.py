"""Cuts where motion was promised: a one-frame change of most of a plot's pixels.

A smooth motion changes a frame a little at a time, and a fast one changes many
pixels in each of several frames running. A cut changes most of the plot in one
frame while the frames on either side change much less: the picture jumps. So a
frame pair (i, i + 1) is a **cut** when

- most of the plot's pixels change: at least ``SHARE`` of the pixels that are not
  background in either frame differ by more than ``LEVELS`` in some channel, and
- it is a spike: that share is more than ``RATIO`` times the share of the pairs just
  before and just after it.

A motion of two frames or more (a 0.35 s rewind step at 15 fps is five) has a
neighbour as busy as itself and never fires; a still picture replaced by its mirror
image in one frame (the old flip) has still neighbours and always does.

The check reads frames only, from a video file (:func:`video_frames`) or as a scene
renders them (:func:`meter_scene`), and looks only
inside ``region`` (the plot's pixel box), so captions swapped beside the plot do
not count.

    .venv/bin/python tests/motion.py renders/fold-480p15.mp4 --region 0.03,0.48,0.10,0.93
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

SHARE = 0.5  # "most of the plot's pixels"
RATIO = 2.0  # how much busier than both neighbours a pair must be to be a spike
LEVELS = 24  # of 255: a pixel counts as changed (or as not background) beyond this


@dataclass(frozen=True)
class Cut:
    frame: int  # the pair (frame, frame + 1)
    time: float  # seconds at frame + 1, where the new picture first shows
    share: float  # of the plot's pixels that changed
    neighbours: tuple[float, float]


def pixel_box(frame_shape: tuple[int, int], region: tuple[float, float, float, float]) -> tuple[slice, slice]:
    """Rows and columns of ``region`` (left, right, top, bottom as fractions of the width and height)."""
    height, width = frame_shape
    left, right, top, bottom = region
    return slice(int(top * height), int(np.ceil(bottom * height))), slice(
        int(left * width), int(np.ceil(right * width))
    )


class ShareMeter:
    """Fed frames one at a time: for each consecutive pair, the share of the plot's pixels (inside ``region``,
    not background in either frame) that changed. Only the previous frame is kept."""

    def __init__(self, region: tuple[float, float, float, float] | None = None, background=None):
        self.region, self.background = region, background
        self.box: tuple[slice, slice] | None = None
        self.previous: tuple[np.ndarray, np.ndarray] | None = None
        self.shares: list[float] = []

    def add(self, frame: np.ndarray, repeat: int = 1) -> None:
        frame = np.asarray(frame)[..., :3]
        if self.box is None:
            if self.background is None:
                self.background = frame[0, 0]  # the frame's corner, never the plot's own (it may be its border)
            whole = (slice(None), slice(None))
            self.box = pixel_box(frame.shape[:2], self.region) if self.region is not None else whole
        frame = frame[self.box].astype(np.int16)
        plot = np.abs(frame - np.asarray(self.background, np.int16)).max(axis=-1) > LEVELS
        if self.previous is not None:
            previous, previous_plot = self.previous
            occupied = plot | previous_plot
            changed = (np.abs(frame - previous).max(axis=-1) > LEVELS) & occupied
            self.shares.append(float(changed.sum() / max(occupied.sum(), 1)))
        self.shares += [0.0] * (repeat - 1)  # a frame held for several frames changes nothing after the first
        self.previous = frame, plot


def find_cuts(shares: np.ndarray, fps: float) -> list[Cut]:
    """The frame pairs whose change is a one-frame spike over most of the plot (see the module's docstring)."""
    padded = np.concatenate([[0.0], shares, [0.0]])
    cuts = []
    for index, share in enumerate(shares):
        before, after = padded[index], padded[index + 2]
        if share >= SHARE and share > RATIO * max(before, after):
            cuts.append(Cut(index, round((index + 1) / fps, 2), round(float(share), 3), (before, after)))
    return cuts


def cuts_in(frames: Iterable[np.ndarray], fps: float, region=None, background=None) -> list[Cut]:
    """The cuts among ``frames`` (H × W × 3 arrays at ``fps``), looking only inside ``region`` when given."""
    meter = ShareMeter(region, background)
    for frame in frames:
        meter.add(frame)
    return find_cuts(np.array(meter.shares), fps)


def video_frames(path: Path) -> tuple[Iterator[np.ndarray], float]:
    """The frames of a video file (RGB arrays, decoded one at a time) and its frame rate."""
    import av

    container = av.open(str(path))
    stream = container.streams.video[0]
    fps = float(stream.average_rate)

    def frames() -> Iterator[np.ndarray]:
        with container:
            for frame in container.decode(stream):
                yield frame.to_ndarray(format="rgb24")

    return frames(), fps


def meter_scene(scene, region=None) -> ShareMeter:
    """Feed every frame ``scene`` draws (its held frames too) to a new :class:`ShareMeter`; call before
    ``scene.render()``. ``region``: a function of the scene, called at the first frame (after ``setup``)."""
    renderer = scene.renderer
    add_frame = renderer.add_frame
    meter = ShareMeter()

    def metered(frame, num_frames: int = 1):
        if not renderer.skip_animations:
            if meter.box is None and region is not None:
                meter.region = region(scene)
            meter.add(frame, num_frames)
        return add_frame(frame, num_frames)

    renderer.add_frame = metered
    return meter


def panel_region(scene) -> tuple[float, float, float, float]:
    """The pixel box of a :class:`~nnexplain.scenes.base.plane_story.PlaneStory` panel, as fractions of the frame."""
    from manim import config

    x_min, x_max, y_min, y_max = scene.clip
    half_width, half_height = config.frame_width / 2, config.frame_height / 2
    return (
        (x_min + half_width) / config.frame_width,
        (x_max + half_width) / config.frame_width,
        (half_height - y_max) / config.frame_height,
        (half_height - y_min) / config.frame_height,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("video", type=Path)
    parser.add_argument("--region", help="left,right,top,bottom as fractions of the frame [the whole frame]")
    args = parser.parse_args()
    frames, fps = video_frames(args.video)
    region = tuple(float(v) for v in args.region.split(",")) if args.region else None
    for cut in cuts_in(frames, fps, region):
        print(f"cut at {cut.time:.2f} s (frames {cut.frame}->{cut.frame + 1}): {cut.share:.0%} of the plot changed")


if __name__ == "__main__":
    main()
