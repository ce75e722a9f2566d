"""The trend of a noisy validation curve: a centred moving average, where it is flat, where it clearly rises.

A validation loss measured every epoch jumps from one epoch to the next (a few hundred
points, each a little more or less right). Its lowest single epoch is the lowest of that
noise, not the moment the network turns; the trend is what a lecturer reads off the curve.

* :func:`moving_average`: the mean of each value and its ``window // 2`` neighbours on each
  side (fewer at the ends, where the window is cut short, never padded).
* :func:`validation_trend`: the smoothed curve's lowest epoch, the stretch around it within
  ``flat`` of that minimum (the plateau), and the first later epoch where the smoothed curve
  has risen ``risen`` above it (the clear rise).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Trend", "moving_average", "validation_trend"]


def moving_average(values: np.ndarray, window: int) -> np.ndarray:
    """The centred moving average of ``values`` over ``window`` samples (odd), shrunk at the two ends."""
    if window < 1 or window % 2 == 0:
        raise ValueError(f"the window must be a positive odd number of samples, not {window}")
    values = np.asarray(values, np.float64)
    half = window // 2
    sums = np.concatenate([[0.0], np.cumsum(values)])
    index = np.arange(len(values))
    low, high = np.maximum(index - half, 0), np.minimum(index + half + 1, len(values))
    return (sums[high] - sums[low]) / (high - low)


@dataclass(frozen=True)
class Trend:
    epochs: np.ndarray
    smoothed: np.ndarray  # the moving average at each epoch
    window: int  # in epochs
    lowest: int  # the epoch where the smoothed curve is lowest
    plateau: tuple[int, int]  # first and last epoch of the stretch around it within ``flat`` of its minimum
    rise: int | None  # the first epoch after it where the smoothed curve is ``risen`` above its minimum


def validation_trend(
    epochs: np.ndarray, values: np.ndarray, window: int = 25, flat: float = 0.05, risen: float = 0.2
) -> Trend | None:
    """The trend of ``values`` (one per epoch, epochs consecutive); None when fewer than ``window`` are finite."""
    epochs, values = np.asarray(epochs), np.asarray(values, np.float64)
    known = np.isfinite(values)
    epochs, values = epochs[known], values[known]
    if len(values) < window or np.any(np.diff(epochs) != 1):
        return None
    smoothed = moving_average(values, window)
    best = int(np.argmin(smoothed))
    within = smoothed <= smoothed[best] * (1 + flat)
    first = best
    while first > 0 and within[first - 1]:
        first -= 1
    last = best
    while last < len(values) - 1 and within[last + 1]:
        last += 1
    above = np.flatnonzero(smoothed[best:] >= smoothed[best] * (1 + risen))
    rise = int(epochs[best + above[0]]) if len(above) else None
    return Trend(epochs, smoothed, window, int(epochs[best]), (int(epochs[first]), int(epochs[last])), rise)
