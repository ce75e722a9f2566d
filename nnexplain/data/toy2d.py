"""Two-dimensional toy data sets, generated in code: spiral, circles, xor, moons and gauss.

Each set is drawn from its own fixed generator seed (:data:`GENERATION_SEEDS`),
so every run of a set sees the same points whatever ``--seed`` says (that seed
only changes the network's initialisation and the shuffling). Classes are
balanced in both the training and the validation points.

The description stored in a run manifest carries the generator seed and the
``warp_grid``: the rectangle (the data's bounding box plus a margin) and the
density of the grid whose image through every layer each snapshot records
(:mod:`nnexplain.run.contents`). A run recorded from a user's own loop gets the
same warps by passing ``dataset={..., "warp_grid": warp_grid_spec(x)}``.

    >>> data = load_toy2d("circles")
    >>> data.x_train.shape, data.classes
    ((600, 2), ('disk', 'ring'))
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from nnexplain.data.dataset import Dataset
from nnexplain.errors import DataError

__all__ = ["GENERATORS", "GENERATION_SEEDS", "flipped_labels", "load_toy2d", "warp_grid_spec"]

Generator = Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]

GRID_LINES = 21  # per direction: 21 vertical and 21 horizontal lines
GRID_POINTS = 200  # samples along each line
GRID_MARGIN = 0.1  # of the larger side of the data's bounding box, added on every side


def _half(n: int) -> tuple[int, int]:
    return n - n // 2, n // 2


def _labels(n: int) -> np.ndarray:
    first, second = _half(n)
    return np.concatenate([np.zeros(first, np.int64), np.ones(second, np.int64)])


def spiral(rng: np.random.Generator, n: int, turns: float = 1.0, noise: float = 0.03) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved arms winding ``turns`` times out from the centre, half a turn apart."""
    y = _labels(n)
    t = np.sqrt(rng.uniform(0.02, 1.0, n))  # sqrt: even density along the arm's length
    angle = 2 * np.pi * turns * t + np.pi * y
    x = np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1)
    return x + rng.normal(0.0, noise, x.shape), y


def circles(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A disk (radius < 1/3, class 0) inside a ring (2/3 < radius < 1, class 1), uniform in area."""
    y = _labels(n)
    inner, outer = np.where(y == 0, 0.0, 2 / 3), np.where(y == 0, 1 / 3, 1.0)
    radius = np.sqrt(rng.uniform(inner**2, outer**2))
    angle = rng.uniform(0.0, 2 * np.pi, n)
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1), y


def xor(rng: np.random.Generator, n: int, gap: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Points in the four quadrants of [-1, 1]², kept ``gap`` away from the axes; class 1 where x·y < 0."""
    magnitude = gap + (1 - gap) * rng.uniform(0.0, 1.0, (n, 2))
    sign = rng.choice([-1.0, 1.0], size=(n, 2))
    y = _labels(n)
    sign[:, 1] = np.where(y == 0, sign[:, 0], -sign[:, 0])  # same signs: class 0
    return magnitude * sign, y


def moons(rng: np.random.Generator, n: int, noise: float = 0.08) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, as scikit-learn's make_moons, centred on the origin."""
    y = _labels(n)
    angle = rng.uniform(0.0, np.pi, n)
    upper = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    lower = np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], axis=1)
    x = np.where(y[:, None] == 0, upper, lower) - [0.5, 0.25]
    return x + rng.normal(0.0, noise, x.shape), y


def gauss(rng: np.random.Generator, n: int, spread: float = 0.35) -> tuple[np.ndarray, np.ndarray]:
    """Two round Gaussian blobs centred at (-0.5, -0.5) and (0.5, 0.5): linearly separable, nearly."""
    y = _labels(n)
    centres = np.where(y[:, None] == 0, -0.5, 0.5)
    return centres + rng.normal(0.0, spread, (n, 2)), y


def spiral3(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The two-arm spiral winding three times: arms a sixth of the radius apart (depth scene's 2-D target)."""
    return spiral(rng, n, turns=3.0, noise=0.02)


GENERATORS: dict[str, Generator] = {
    "spiral": spiral,
    "circles": circles,
    "xor": xor,
    "moons": moons,
    "gauss": gauss,
    "spiral3": spiral3,
}
GENERATION_SEEDS = {"spiral": 7101, "circles": 7102, "xor": 7103, "moons": 7104, "gauss": 7105, "spiral3": 7106}
CLASSES = {
    "spiral": ("arm A", "arm B"),
    "circles": ("disk", "ring"),
    "xor": ("same sign", "opposite sign"),
    "moons": ("upper moon", "lower moon"),
    "gauss": ("blob A", "blob B"),
    "spiral3": ("arm A", "arm B"),
}
SOURCES = {
    "spiral": "two-arm spiral (turns 1, noise 0.03), generated in code",
    "circles": "disk r < 1/3 inside ring 2/3 < r < 1, uniform in area, generated in code",
    "xor": "xor quadrants of [-1, 1]² with a 0.1 gap at the axes, generated in code",
    "moons": "two moons (noise 0.08), generated in code",
    "gauss": "two Gaussian blobs (sd 0.35), generated in code",
    "spiral3": "two-arm spiral (turns 3, noise 0.02), generated in code",
}


def warp_grid_spec(points: np.ndarray, lines: int = GRID_LINES, samples: int = GRID_POINTS) -> dict[str, Any]:
    """The JSON-ready grid description for data ``points``: their bounding box plus a margin."""
    low, high = np.min(points, axis=0), np.max(points, axis=0)
    margin = GRID_MARGIN * float(np.max(high - low))
    bounds = [round(float(low[0]) - margin, 4), round(float(high[0]) + margin, 4)]
    bounds += [round(float(low[1]) - margin, 4), round(float(high[1]) + margin, 4)]
    return {"bounds": bounds, "lines": int(lines), "points": int(samples)}


def flipped_labels(name: str, n_train: int, label_noise: float) -> np.ndarray:
    """Indices of the training labels :func:`load_toy2d` flips for ``label_noise``, from a generator of their own."""
    return np.random.default_rng(GENERATION_SEEDS[name] + 1).permutation(n_train)[: round(label_noise * n_train)]


def load_toy2d(
    name: str,
    n_train: int = 600,
    n_val: int = 400,
    grid_lines: int = GRID_LINES,
    grid_points: int = GRID_POINTS,
    label_noise: float = 0.0,
) -> Dataset:
    """Data set ``name`` with balanced classes, always the same points for the same sizes.

    ``label_noise``: the fraction of *training* labels flipped (validation stays clean,
    so it measures the real pattern), chosen by a generator of its own: the points
    are the same with or without it.
    """
    if name not in GENERATORS:
        raise DataError(f"unknown 2-D data set {name!r}; choose one of: {', '.join(GENERATORS)}")
    if min(n_train, n_val) < 2 or grid_lines < 2 or grid_points < 2:
        raise DataError(f"{name}: n_train, n_val, grid_lines and grid_points must each be at least 2")
    if not 0 <= label_noise < 0.5:
        raise DataError(
            f"{name}: label_noise is the fraction of training labels flipped, from 0 up to (not including) 0.5"
        )
    rng = np.random.default_rng(GENERATION_SEEDS[name])
    parts = []
    for size in (n_train, n_val):  # one generator, two draws: both halves exactly balanced
        x, y = GENERATORS[name](rng, size)
        order = rng.permutation(size)
        parts.append((x[order].astype(np.float32), y[order]))
    (x_train, y_train), (x_val, y_val) = parts
    source, extra = SOURCES[name], {}
    if label_noise:
        flipped = flipped_labels(name, n_train, label_noise)
        y_train = y_train.copy()
        y_train[flipped] = 1 - y_train[flipped]
        source += f"; {len(flipped)} of {n_train} training labels flipped"
        extra["label_noise"] = label_noise
    return Dataset(
        name=name,
        task="classify",
        x_train=x_train,
        y_train=y_train,
        x_val=x_val,
        y_val=y_val,
        input_shape=(2,),
        classes=CLASSES[name],
        source=source,
        extra={
            "generation_seed": GENERATION_SEEDS[name],
            "warp_grid": warp_grid_spec(np.concatenate([x_train, x_val]), grid_lines, grid_points),
            **extra,
        },
    )
