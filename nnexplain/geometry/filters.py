"""What a CNN's first-layer kernels respond to, measured, set against an MLP's first-layer weight images.

Three measures, each plain numpy on the stored weights and feature maps:

- **Edge fit** (:func:`edge_fit`). The best tilted plane through a kernel's weights, fitted by
  least squares after taking out their mean. On a square grid centred on 0 the two coordinate
  ramps x and y are orthogonal with equal norms, so the fit is closed-form: the slope is
  (Σ w·x, Σ w·y) / Σ x², and among all ramps x cos θ + y sin θ the one most like the kernel (the
  largest cosine) points along that slope. The plane is a smooth edge: weights rising from one
  side to the other, so the kernel's sum is largest where ink lies on its high side and paper on
  its low side. Its *share*, the fraction of the kernel's variance the plane explains (R², the
  squared cosine), says how much of the kernel is that edge: near 1 a clean edge detector, near
  0 something else (a bar, a blob, or noise left from the random start).
- **Curved fit** (:func:`curved_fit`): the plane plus the three second-order terms (x², y², xy),
  fitted by least squares. A kernel the plane misses but this fit explains is a bar or a blob:
  its curvature's flattest direction is the way a bar runs (``bar_angle``).
- **References** (:func:`noise_share`): on weights that are independent noise, a least-squares fit
  with p shapes explains p / (k² − 1) of the variance on average (the mean is taken out first):
  2/24 ≈ 8% for the plane of a 5 × 5 kernel, 5/24 ≈ 21% for the curved fit. The same kernels at the
  random start are the run's own reference.
- **Strongest places** (:func:`strongest_places`): for each kernel, the probe digit and the
  position where its stored feature map is largest, and the 5×5 patch there.
- **Window share** (:func:`best_window`): the share of a weight image's energy (its squared
  weights) inside its best ``size`` × ``size`` window, from a summed-area table. A kernel of that
  size holds all of its weights there; a diffuse template spread evenly over 28×28 would hold
  size² / 784 of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "EDGE_SHARE",
    "EdgeFit",
    "edge_fit",
    "CurvedFit",
    "curved_fit",
    "noise_share",
    "across_profile",
    "Place",
    "strongest_places",
    "Window",
    "best_window",
    "FiltersStory",
    "filters_story",
    "kinds",
    "moved_little",
]


@dataclass(frozen=True)
class EdgeFit:
    """The tilted plane that best fits a square kernel: its direction, steepness and share of the kernel."""

    angle: float  # degrees, counter-clockwise from "right", toward the kernel's high (most positive) side
    slope: float  # the plane's rise per pixel along ``angle``
    share: float  # the fraction of the kernel's variance (about its mean) that the plane explains, 0…1
    plane: np.ndarray  # (k, k) the fitted plane's values (mean 0)

    @property
    def residual(self) -> float:
        return 1.0 - self.share


def _ramps(size: int) -> tuple[np.ndarray, np.ndarray]:
    """The coordinates of a size × size grid centred on 0: x to the right, y upward (row 0 is the top)."""
    centred = np.arange(size, dtype=np.float64) - (size - 1) / 2
    x = np.broadcast_to(centred[None, :], (size, size))
    y = np.broadcast_to(-centred[:, None], (size, size))
    return x, y


def edge_fit(kernel: np.ndarray) -> EdgeFit:
    """The least-squares tilted plane through a square kernel's weights (their mean taken out)."""
    kernel = np.asarray(kernel, np.float64)
    rows, cols = kernel.shape
    if rows != cols:
        raise ValueError(f"edge_fit takes a square kernel; this one is {rows} × {cols}")
    x, y = _ramps(rows)
    centred = kernel - kernel.mean()
    norm = float((x * x).sum())  # = (y * y).sum()
    gx, gy = float((centred * x).sum()) / norm, float((centred * y).sum()) / norm
    plane = gx * x + gy * y
    energy = float((centred * centred).sum())
    share = float((plane * plane).sum()) / energy if energy > 0 else 0.0
    return EdgeFit(float(np.degrees(np.arctan2(gy, gx))), float(np.hypot(gx, gy)), share, plane)


@dataclass(frozen=True)
class CurvedFit:
    """The least-squares plane-plus-curvature (x, y, x², y², xy) through a square kernel's weights."""

    share: float  # the fraction of the kernel's variance (about its mean) the fit explains, 0…1
    surface: np.ndarray  # (k, k) the fitted values (mean 0)
    bar_angle: float  # degrees in [0, 180): the direction along which the fitted curvature is flattest
    ridge: bool  # the curvature across that direction is negative: a bright bar (a dark one when False)


def _curved_shapes(size: int) -> np.ndarray:
    x, y = _ramps(size)
    shapes = [x, y, x * x, y * y, x * y]
    return np.stack([shape.ravel() - shape.mean() for shape in shapes], axis=1)


def curved_fit(kernel: np.ndarray) -> CurvedFit:
    """The plane plus second-order terms fitted to a square kernel's weights (their mean taken out)."""
    kernel = np.asarray(kernel, np.float64)
    rows, cols = kernel.shape
    if rows != cols:
        raise ValueError(f"curved_fit takes a square kernel; this one is {rows} × {cols}")
    shapes = _curved_shapes(rows)
    centred = (kernel - kernel.mean()).ravel()
    coefficients, *_ = np.linalg.lstsq(shapes, centred, rcond=None)
    fitted = shapes @ coefficients
    energy = float(centred @ centred)
    share = float(fitted @ fitted) / energy if energy > 0 else 0.0
    xx, yy, xy = coefficients[2:]
    curvature = np.array([[2 * xx, xy], [xy, 2 * yy]])  # the quadratic part's second derivatives
    values, vectors = np.linalg.eigh(curvature)
    strongest = int(np.argmax(np.abs(values)))  # across the bar
    along = vectors[:, 1 - strongest]
    angle = float(np.degrees(np.arctan2(along[1], along[0]))) % 180.0
    return CurvedFit(share, fitted.reshape(rows, cols), angle, bool(values[strongest] < 0))


def across_profile(surface: np.ndarray, bar_angle: float) -> tuple[np.ndarray, bool]:
    """A fitted surface's profile across its bar: the mean of each row (top to bottom) when the bar runs nearer
    horizontal than vertical, else of each column (left to right); and whether it is of rows. A bar's profile
    rises and falls (or falls and rises); an edge's runs one way."""
    by_rows = not 45.0 <= bar_angle % 180.0 < 135.0
    return np.asarray(surface, np.float64).mean(axis=1 if by_rows else 0), by_rows


def noise_share(size: int, shapes: int) -> float:
    """The share of independent noise weights' variance that a least-squares fit of ``shapes`` shapes explains, on
    average, for a ``size`` × ``size`` kernel with its mean taken out."""
    return shapes / (size * size - 1)


@dataclass(frozen=True)
class Place:
    """Where one kernel's map is largest over a set of digits: which digit, which output position, how high."""

    kernel: int
    digit: int  # index into the digits (the run's probe)
    row: int  # output position: the patch's top-left pixel, for stride 1 and no padding
    column: int
    value: float


def strongest_places(maps: np.ndarray) -> list[Place]:
    """For each kernel, the digit and position of its largest map value; ``maps`` is (digits, kernels, r, c)."""
    maps = np.asarray(maps)
    digits, kernels, rows, cols = maps.shape
    places = []
    for kernel in range(kernels):
        flat = int(maps[:, kernel].reshape(-1).argmax())
        digit, rest = divmod(flat, rows * cols)
        row, column = divmod(rest, cols)
        places.append(Place(kernel, digit, row, column, float(maps[digit, kernel, row, column])))
    return places


@dataclass(frozen=True)
class Window:
    """The ``size`` × ``size`` window of an image holding the most of its energy, and that share."""

    row: int  # top-left pixel
    column: int
    size: int
    share: float  # energy inside / energy of the whole image


def best_window(image: np.ndarray, size: int) -> Window:
    """The window of ``size`` × ``size`` pixels holding the largest share of ``image``'s squared values."""
    energy = np.asarray(image, np.float64) ** 2
    rows, cols = energy.shape
    if not 1 <= size <= min(rows, cols):
        raise ValueError(f"a {size} × {size} window does not fit a {rows} × {cols} image")
    table = np.zeros((rows + 1, cols + 1))
    table[1:, 1:] = energy.cumsum(0).cumsum(1)  # table[r, c] = energy above row r and left of column c
    sums = table[size:, size:] - table[:-size, size:] - table[size:, :-size] + table[:-size, :-size]
    row, column = np.unravel_index(int(sums.argmax()), sums.shape)
    total = float(energy.sum())
    return Window(int(row), int(column), size, float(sums[row, column]) / total if total > 0 else 0.0)


# --- the scene's story: both runs' numbers, read from what they stored ---------------------------------------------

EDGE_SHARE = 0.5  # a kernel is called an edge when a tilted plane explains at least half of its variance
BORDERLINE = 0.1  # a plane share this close under the cut is called borderline, not "no edge"
BAR_GAIN = 0.3  # a kernel a plane fits little is called a bar when curvature adds this much to the plane's share
SHOWN_CLASSES = ("0", "4", "7")  # a round stroke, crossing strokes, a bar over a slant: the digits whose maps are shown


@dataclass(frozen=True)
class FiltersStory:
    epochs: tuple[int, ...]  # the main run's snapshots
    accuracy: tuple[float | None, ...]  # validation accuracy at each
    kernels: np.ndarray  # (snapshots, kernels, k, k): the first layer's weights at every snapshot
    fits: tuple[EdgeFit, ...]  # each kernel's edge fit at the last snapshot
    start_fits: tuple[EdgeFit, ...] | None  # the same at the random start; None without a history
    curved: tuple[CurvedFit, ...]  # each kernel's plane-plus-curvature fit at the last snapshot
    start_curved: tuple[CurvedFit, ...] | None  # the same at the random start; None without a history
    bias: np.ndarray  # (kernels,) the first layer's biases at the last snapshot
    moved: np.ndarray | None  # (kernels,) |w_last − w_first| / |w_first|; None without a history
    digits: tuple[int, ...]  # probe indices of the digits whose maps are shown
    images: np.ndarray  # (probe items, rows, cols) in [0, 1]
    labels: tuple[str, ...]  # every probe item's class name
    maps: np.ndarray  # (digits shown, kernels, r, c): the stored first-layer maps before the activation
    places: tuple[Place, ...]  # each kernel's strongest place over the whole probe
    mlp_images: np.ndarray  # (units, rows, cols): the MLP's first-layer weight images at its last snapshot
    mlp_windows: tuple[Window, ...]  # each unit's best window of the kernel's size
    mlp_accuracy: float | None  # the MLP's validation accuracy at its last snapshot
    same_data: bool  # both runs trained and validated on the same data set and split

    @property
    def uniform_share(self) -> float:
        """The best window's share for weights spread evenly over the whole image: window pixels / all pixels."""
        return self.size * self.size / self.images[0].size

    def dot(self, shown: int, kernel: int, row: int, column: int) -> tuple[float, float]:
        """The sum of pixel × weight of the ``shown``-th digit's patch at (row, column) under ``kernel``, and that
        sum plus the kernel's bias (the map's value there)."""
        image = self.images[self.digits[shown]]
        patch = image[row : row + self.size, column : column + self.size]
        total = float((patch * self.kernels[-1][kernel]).sum())
        return total, total + float(self.bias[kernel])

    @property
    def edges(self) -> tuple[int, ...]:
        return tuple(i for i, fit in enumerate(self.fits) if fit.share >= EDGE_SHARE)

    @property
    def size(self) -> int:
        return self.kernels.shape[-1]

    @property
    def steps(self) -> np.ndarray:
        """(snapshots − 1,) how far the whole first layer moved between snapshots (Euclidean, all kernels at once)."""
        flat = self.kernels.reshape(len(self.kernels), -1)
        return np.linalg.norm(np.diff(flat, axis=0), axis=1)

    def patch(self, place: Place) -> np.ndarray:
        """The digit's pixels under the kernel at its strongest place."""
        return self.images[place.digit][place.row : place.row + self.size, place.column : place.column + self.size]

    def ink_on_positive(self, place: Place) -> float:
        """The share of the patch's ink that lies on the kernel's positive weights (at the last snapshot)."""
        patch = self.patch(place)
        ink = float(patch.sum())
        return float((patch * (self.kernels[-1][place.kernel] > 0)).sum()) / ink if ink > 0 else 0.0


def _accuracy(run, epoch: int) -> float | None:
    value = run.snapshot(epoch)["metrics"].get("val_acc")
    return None if value is None else float(value)


def _shown_digits(labels: tuple[str, ...], predicted: np.ndarray, truth: np.ndarray) -> tuple[int, ...]:
    """The first probe digit of each of :data:`SHOWN_CLASSES` that the network gets right (others if absent)."""
    wanted = [name for name in SHOWN_CLASSES if name in labels] or list(dict.fromkeys(labels))[:3]
    chosen = []
    for name in wanted:
        candidates = [i for i, label in enumerate(labels) if label == name]
        right = [i for i in candidates if predicted[i] == truth[i]]
        chosen.append((right or candidates)[0])
    return tuple(chosen)


def filters_story(run, mlp) -> FiltersStory:
    """The ``filters`` scene's numbers: ``run`` a CNN whose first layer is conv2d on one channel, ``mlp`` a dense
    network on the same images. Every array is the runs' own, or computed here from their stored weights."""
    epochs = tuple(run.epochs)
    kernels = np.stack([run.tensors(epoch)["weight.0"][:, 0] for epoch in epochs]).astype(np.float64)
    last = run.tensors(epochs[-1])
    moved = None
    if len(epochs) >= 2:
        start, end = kernels[0].reshape(len(kernels[0]), -1), kernels[-1].reshape(len(kernels[-1]), -1)
        moved = np.linalg.norm(end - start, axis=1) / np.linalg.norm(start, axis=1)
    probe = run.probe
    shape = tuple(run.network.input_shape[-2:])
    images = probe["inputs"].reshape(-1, *shape).astype(np.float64)
    classes = tuple(run.dataset.get("classes") or map(str, range(int(probe["labels"].max()) + 1)))
    labels = tuple(classes[int(label)] for label in probe["labels"])
    predicted = last[f"act.{len(run.network.layers) - 1}"].argmax(1)
    digits = _shown_digits(labels, predicted, probe["labels"])
    pre = last["pre.0"].astype(np.float64)
    weights = mlp.tensors(mlp.epochs[-1])["weight.0"].astype(np.float64)
    mlp_images = weights.reshape(len(weights), *shape)
    size = kernels.shape[-1]
    return FiltersStory(
        epochs=epochs,
        accuracy=tuple(_accuracy(run, epoch) for epoch in epochs),
        kernels=kernels,
        fits=tuple(edge_fit(kernel) for kernel in kernels[-1]),
        start_fits=tuple(edge_fit(kernel) for kernel in kernels[0]) if len(epochs) >= 2 else None,
        curved=tuple(curved_fit(kernel) for kernel in kernels[-1]),
        start_curved=tuple(curved_fit(kernel) for kernel in kernels[0]) if len(epochs) >= 2 else None,
        bias=last["bias.0"].astype(np.float64),
        moved=moved,
        digits=digits,
        images=images,
        labels=labels,
        maps=pre[list(digits)],
        places=tuple(strongest_places(pre)),
        mlp_images=mlp_images,
        mlp_windows=tuple(best_window(image, size) for image in mlp_images),
        mlp_accuracy=_accuracy(mlp, mlp.epochs[-1]),
        same_data=dict(run.dataset) == dict(mlp.dataset),
    )


def kinds(story: FiltersStory) -> tuple[str, ...]:
    """Each kernel's kind, from the measures: "edge" (a plane explains at least :data:`EDGE_SHARE`),
    "borderline" (within :data:`BORDERLINE` under it), "bar" (less, but the curvature adds at least :data:`BAR_GAIN`
    of the variance to what the plane explains: the curved fit contains the plane), else "other". How far each moved
    is a separate fact (:func:`moved_little`)."""
    result = []
    for fit, curved in zip(story.fits, story.curved):
        if fit.share >= EDGE_SHARE:
            result.append("edge")
        elif fit.share >= EDGE_SHARE - BORDERLINE:
            result.append("borderline")
        elif curved.share - fit.share >= BAR_GAIN:
            result.append("bar")
        else:
            result.append("other")
    return tuple(result)


def moved_little(story: FiltersStory) -> tuple[int, ...]:
    """The kernels that moved at most their own starting size (as shown, to one decimal); none without a history."""
    if story.moved is None:
        return ()
    return tuple(i for i, value in enumerate(story.moved) if round(float(value), 1) <= 1.0)
