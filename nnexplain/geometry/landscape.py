"""The loss landscape of a run: its training loss on a plane of parameter space through the final weights.

The plane is spanned by the first two principal directions of the recorded
trajectory, the snapshots' parameter vectors minus the final one (Li et al.,
"Visualizing the Loss Landscape of Neural Nets", 2018, section 7; the vectors are
centred before the SVD, as there). A point ``(α, β)`` of the plane is the network
``θ* + α·d₁ + β·d₂``; each snapshot is drawn at its projection ``((θ − θ*)·d₁, (θ − θ*)·d₂)``.

Evaluating thousands of networks is one batched computation: the first layer's
pre-activation is linear in the weights, so ``X·W(α, β)ᵀ`` is three fixed products
mixed per point, and only the narrow layers above run per point. The mnist run's
41 × 41 grid on 2,000 examples takes under a second; the networks run in float32, the losses are summed in float64 (``benchmarks/landscape.py``).

Also here, for the ``descent`` scene: the loss along one weight with the others held
(:func:`weight_slice`), and mini-batch against full-batch gradients (:func:`batch_gradients`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnexplain.geometry.backprop import backprop, flatten, unflatten
from nnexplain.run.activations import ACTIVATIONS
from nnexplain.run.network import Network, Params

__all__ = [
    "TrajectoryPlane",
    "trajectory_plane",
    "plane_losses",
    "grid_axes",
    "weight_slice",
    "largest_gradient",
    "batch_gradients",
    "BatchGradients",
]

CHUNK_FLOATS = 250_000  # floats per block of networks: small enough to stay in the CPU cache (4x faster than 8M)


@dataclass(frozen=True)
class TrajectoryPlane:
    directions: np.ndarray  # (2, P), orthonormal
    explained: np.ndarray  # (2,) fraction of the trajectory's variance along each direction
    coords: np.ndarray  # (S, 2) each snapshot's projection; the last (the final weights) is (0, 0)


def trajectory_plane(vectors: np.ndarray) -> TrajectoryPlane:
    """The plane of the first two principal directions of ``vectors`` (S, P), the snapshots in order, final last."""
    vectors = np.asarray(vectors, np.float64)
    if len(vectors) < 3:
        raise ValueError("two principal directions need at least three snapshots")
    moves = vectors - vectors[-1]
    centred = moves - moves.mean(axis=0)
    _, singular, right = np.linalg.svd(centred, full_matrices=False)
    directions = right[:2].copy()
    variance = singular**2
    explained = variance[:2] / variance.sum() if variance.sum() > 0 else np.zeros(2)
    coords = moves @ directions.T
    # A direction's sign is arbitrary; choose it so the path starts at negative coordinates.
    flip = np.where(coords[0] > 0, -1.0, 1.0)
    return TrajectoryPlane(directions * flip[:, None], explained, coords * flip)


def grid_axes(coords: np.ndarray, size: int = 41, margin: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """α and β values of a ``size`` × ``size`` grid covering the path (and the origin) with ``margin`` of its span around it."""
    axes = []
    for column in coords.T:
        low, high = min(column.min(), 0.0), max(column.max(), 0.0)
        pad = margin * max(high - low, 1e-6)
        axes.append(np.linspace(low - pad, high + pad, size))
    return axes[0], axes[1]


def _loss_of_outputs(output: str, logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean loss over examples for a block of networks: ``logits`` (K, N, out) -> (K,)."""
    if output == "softmax":
        shifted = logits - logits.max(axis=2, keepdims=True)
        log_norm = np.log(np.exp(shifted).sum(axis=2))
        picked = np.take_along_axis(shifted, y.reshape(1, -1, 1).astype(np.int64).repeat(len(logits), 0), axis=2)[
            ..., 0
        ]
        return (log_norm - picked).mean(axis=1)
    return ((logits - y.reshape(1, *logits.shape[1:])) ** 2).mean(axis=(1, 2))


def plane_losses(
    params: Params,
    directions: np.ndarray,
    points: np.ndarray,
    activation: str,
    output: str,
    x: np.ndarray,
    y: np.ndarray,
) -> np.ndarray:
    """Mean loss over (x, y) of the network ``θ* + Σ_j points[k, j]·directions[j]`` for every point k.

    ``params`` are θ*; ``directions`` (D, P) are flat parameter vectors (see
    :func:`~nnexplain.geometry.backprop.flatten`); ``points`` is (K, D).
    """
    x = np.asarray(x, np.float64).reshape(len(x), -1)
    points = np.atleast_2d(np.asarray(points, np.float64))
    base = [(np.asarray(w, np.float64), np.asarray(b, np.float64)) for w, b in params]
    moves = [unflatten(np.asarray(d, np.float64), base) for d in directions]
    layers = Network.from_params(params, activation, output).layers
    # First layer: X·(W* + Σ αⱼDⱼ)ᵀ + b* + Σ αⱼdⱼ, from D + 1 fixed products.
    first = [layers[0].pre_activation(base[0], x)] + [layers[0].pre_activation(move[0], x) for move in moves]
    activate = ACTIVATIONS[activation].in_place  # without masks: the blocks here are large
    widest = max(w.shape[0] for w, _ in base)
    chunk = max(1, CHUNK_FLOATS // (len(x) * widest))
    losses = np.empty(len(points))
    for start in range(0, len(points), chunk):
        block = points[start : start + chunk]  # (K, D)
        z = (first[0][None] + np.einsum("kd,dnh->knh", block, np.stack(first[1:]))).astype(np.float32)
        for layer in range(1, len(base)):
            a = activate(z)
            weights = base[layer][0][None] + np.einsum("kd,doi->koi", block, np.stack([m[layer][0] for m in moves]))
            biases = base[layer][1][None] + block @ np.stack([m[layer][1] for m in moves])
            # K networks at once: the stacked weights' leading axis.
            z = layers[layer].pre_activation((weights.astype(np.float32), biases.astype(np.float32)), a)
        losses[start : start + len(block)] = _loss_of_outputs(output, z.astype(np.float64), np.asarray(y))
    return losses


def weight_slice(
    params: Params, index: int, offsets: np.ndarray, activation: str, output: str, x: np.ndarray, y: np.ndarray
) -> np.ndarray:
    """The loss as the flat parameter ``index`` moves by each of ``offsets``, every other parameter held."""
    unit = np.zeros(flatten(params).size)
    unit[index] = 1.0
    return plane_losses(params, unit[None], np.asarray(offsets, np.float64)[:, None], activation, output, x, y)


def largest_gradient(params: Params, activation: str, output: str, x: np.ndarray, y: np.ndarray) -> tuple[int, float]:
    """The flat index of the weight (not bias) with the largest |∂loss/∂w|, and that component."""
    result = backprop(params, activation, output, x, y)
    gradient = flatten(list(zip(result.weight_grads, result.bias_grads)))
    is_weight = flatten([(np.ones_like(w), np.zeros_like(b)) for w, b in params]) > 0
    index = int(np.argmax(np.where(is_weight, np.abs(gradient), -1.0)))
    return index, float(gradient[index])


def parameter_name(params: Params, index: int) -> tuple[str, int, int, int]:
    """("weight" or "bias", layer, row, column) of a flat parameter index (column 0 for a bias)."""
    at = 0
    for layer, (weight, bias) in enumerate(params):
        if index < at + np.size(weight):
            row, column = divmod(index - at, np.shape(weight)[1])
            return "weight", layer, int(row), int(column)
        at += np.size(weight)
        if index < at + np.size(bias):
            return "bias", layer, int(index - at), 0
        at += np.size(bias)
    raise IndexError(f"parameter {index} is past the network's {at}")


@dataclass(frozen=True)
class BatchGradients:
    full: np.ndarray  # (P,) gradient over every training example
    batches: np.ndarray  # (B, P) gradient over each mini-batch
    indices: np.ndarray  # (B, batch_size) the examples of each mini-batch
    angles: np.ndarray  # (B,) degrees between each mini-batch gradient and the full one


def batch_gradients(
    params: Params,
    activation: str,
    output: str,
    x: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    count: int,
    seed: int = 0,
) -> BatchGradients:
    """The full-batch gradient and ``count`` mini-batch gradients (examples drawn without replacement, seeded)."""

    def gradient(rows) -> np.ndarray:
        result = backprop(params, activation, output, x[rows], y[rows])
        return flatten(list(zip(result.weight_grads, result.bias_grads)))

    rng = np.random.default_rng(seed)
    batch_size = min(batch_size, len(x))
    indices = np.stack([rng.choice(len(x), batch_size, replace=False) for _ in range(count)])
    full = gradient(slice(None))
    batches = np.stack([gradient(rows) for rows in indices])
    cosines = batches @ full / (np.linalg.norm(batches, axis=1) * np.linalg.norm(full) + 1e-300)
    return BatchGradients(full, batches, indices, np.degrees(np.arccos(np.clip(cosines, -1.0, 1.0))))
