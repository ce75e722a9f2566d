"""Real gradient steps from a stored network, for the ``descent`` scene's opening: plain numpy, no manim.

Three pictures of chapter 2 of 3Blue1Brown's series, each made of real steps ``w − η·∂C/∂w``
(:func:`~nnexplain.geometry.backprop.backprop` gives every ∂C/∂w, the loss training used):

- **one parameter rolling downhill** (:func:`roll`): every other parameter held at the start,
  one parameter steps by −η times its own slope, recomputed after each step. The steps shrink
  as the slope flattens near the bottom of the curve.
- **learning rates compared** (:func:`compare_rates`): the same start, the same curve, several
  η; a rate counts as *too large* only when its first step really raises the loss (it jumps past
  the bottom and lands higher on the other side), never by a rule of thumb.
- **stochastic steps** (:func:`zigzag`): sequential steps on mini-batches of the data against
  as many steps on all of it, every parameter moving. Both paths live in the full parameter space;
  to draw them they are projected on the plane of the full-batch path's direction and the
  direction in which the mini-batch path strays furthest from it (its first principal direction
  orthogonal to the full one), and the share of the mini-batch path's motion that plane holds is
  kept so a scene can say it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnexplain.geometry.backprop import backprop, flatten, unflatten
from nnexplain.run.network import Network, Params

__all__ = ["gradient_vector", "slope_at", "roll", "compare_rates", "RateTrial", "zigzag", "ZigZag"]


def gradient_vector(
    params: Params, activation: str, output: str, x: np.ndarray, y: np.ndarray
) -> tuple[float, np.ndarray]:
    """The mean loss over (x, y) and its gradient, one flat vector (:func:`~nnexplain.geometry.backprop.flatten`)."""
    result = backprop(params, activation, output, x, y)
    return result.loss, flatten(list(zip(result.weight_grads, result.bias_grads)))


def _with_value(params: Params, index: int, value: float) -> Params:
    flat = flatten(params)
    flat[index] = value
    return unflatten(flat, params)


def _upper(params: Params, index: int, activation: str, output: str, x: np.ndarray) -> tuple[Params, int, np.ndarray]:
    """The layers from parameter ``index``'s layer up, the index among theirs, and their input: the layers below
    it never change while it alone moves, so their output is computed once (the steps cost a fraction)."""
    at, layer = 0, 0
    for weight, bias in params:
        size = np.size(weight) + np.size(bias)
        if index < at + size:
            break
        at += size
        layer += 1
    if layer == 0:
        return params, index, x
    trace = Network.from_params(params, activation, output).trace(params, np.asarray(x, np.float64).reshape(len(x), -1))
    return params[layer:], index - at, trace[layer - 1][1]


def slope_at(
    params: Params, index: int, value: float, activation: str, output: str, x: np.ndarray, y: np.ndarray
) -> tuple[float, float]:
    """The loss and ∂loss/∂θ[index] with parameter ``index`` set to ``value``, the others as in ``params``."""
    result = backprop(_with_value(params, index, value), activation, output, x, y)
    gradient = flatten(list(zip(result.weight_grads, result.bias_grads)))
    return result.loss, float(gradient[index])


def roll(
    params: Params, index: int, lr: float, count: int, activation: str, output: str, x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``count`` steps of parameter ``index`` alone, each ``w ← w − lr·∂C/∂w``: its values, the losses and the
    slopes there, ``count + 1`` of each (the start first)."""
    value = float(flatten(params)[index])
    params, index, x = _upper(params, index, activation, output, x)
    values, losses, slopes = [], [], []
    for _ in range(count + 1):
        loss, slope = slope_at(params, index, value, activation, output, x, y)
        values.append(value)
        losses.append(loss)
        slopes.append(slope)
        value -= lr * slope
    return np.array(values), np.array(losses), np.array(slopes)


@dataclass(frozen=True)
class RateTrial:
    rates: np.ndarray  # (3,) too small (the run's own), about right, too large
    values: np.ndarray  # (3, steps + 1) the parameter after each step
    losses: np.ndarray  # (3, steps + 1) the loss there


def compare_rates(
    params: Params,
    index: int,
    own_rate: float,
    activation: str,
    output: str,
    x: np.ndarray,
    y: np.ndarray,
    steps: int = 4,
    ladder: tuple[float, ...] = (2, 5, 10, 20, 50, 100, 200, 500, 1000),
) -> RateTrial | None:
    """The run's own rate against larger ones on parameter ``index``'s curve, from the same start.

    The candidates are ``own_rate`` times ``ladder``. *About right*: the one whose ``steps`` steps end
    lowest without any step raising the loss. *Too large*: the smallest one whose first step raises
    the loss. None when no candidate overshoots (the curve is too flat for the ladder).
    """
    trials = {1.0: roll(params, index, own_rate, steps, activation, output, x, y)[:2]}
    for factor in ladder:
        trials[factor] = roll(params, index, own_rate * factor, steps, activation, output, x, y)[:2]
    rising = [f for f in ladder if trials[f][1][1] > trials[f][1][0]]
    if not rising:
        return None
    large = rising[0]
    steady = [f for f in ladder if f < large and np.all(np.diff(trials[f][1]) <= 0)]
    if not steady:
        return None
    right = min(steady, key=lambda f: trials[f][1][-1])
    picked = (1.0, right, large)
    return RateTrial(
        np.array([own_rate * f for f in picked]),
        np.stack([trials[f][0] for f in picked]),
        np.stack([trials[f][1] for f in picked]),
    )


@dataclass(frozen=True)
class ZigZag:
    batch_path: np.ndarray  # (steps + 1, P) the parameters after each mini-batch step, the start first
    full_path: np.ndarray  # (full_steps + 1, P) the same after each full-batch step
    batch_coords: np.ndarray  # (steps + 1, 2) batch_path drawn on the plane (the start at the origin)
    full_coords: np.ndarray  # (steps + 1, 2) full_path drawn on the plane
    batch_loss: np.ndarray  # (steps + 1,) the loss on the evaluation data along each path
    full_loss: np.ndarray
    captured: float  # the share of the mini-batch path's squared displacements that the plane holds
    indices: np.ndarray  # (steps, batch_size) the examples of each mini-batch


def zigzag(
    params: Params,
    lr: float,
    batch_size: int,
    steps: int,
    activation: str,
    output: str,
    x: np.ndarray,
    y: np.ndarray,
    x_eval: np.ndarray,
    y_eval: np.ndarray,
    seed: int = 0,
    full_steps: int | None = None,
) -> ZigZag:
    """``steps`` steps on random mini-batches of (x, y) (each drawn without replacement, seeded) against
    ``full_steps`` (default ``steps``) steps on all of it, from ``params`` with rate ``lr``; the losses along both
    on (x_eval, y_eval). ``steps = len(x) / batch_size`` against one full step compares them at equal work."""
    rng = np.random.default_rng(seed)
    start = flatten(params)
    batch_size = min(batch_size, len(x))
    indices = np.stack([rng.choice(len(x), batch_size, replace=False) for _ in range(steps)])

    def walk(rows_of_step, count: int) -> np.ndarray:
        path = [start]
        for step in range(count):
            rows = rows_of_step(step)
            _, gradient = gradient_vector(unflatten(path[-1], params), activation, output, x[rows], y[rows])
            path.append(path[-1] - lr * gradient)
        return np.stack(path)

    batch_path = walk(lambda step: indices[step], steps)
    full_path = walk(lambda step: slice(None), steps if full_steps is None else full_steps)
    forward = full_path[-1] - start
    forward /= np.linalg.norm(forward) + 1e-300
    moves = batch_path - start
    sideways = moves - np.outer(moves @ forward, forward)
    _, _, right = np.linalg.svd(sideways, full_matrices=False)
    across = right[0]
    if np.dot(sideways[1], across) < 0:  # the first batch step goes up the page
        across = -across
    basis = np.stack([forward, across])
    captured = float(((moves @ basis.T) ** 2).sum() / max((moves**2).sum(), 1e-300))

    def losses(path: np.ndarray) -> np.ndarray:
        return np.array([gradient_vector(unflatten(p, params), activation, output, x_eval, y_eval)[0] for p in path])

    return ZigZag(
        batch_path,
        full_path,
        moves @ basis.T,
        (full_path - start) @ basis.T,
        losses(batch_path),
        losses(full_path),
        captured,
        indices,
    )
