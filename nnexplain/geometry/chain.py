"""The chain rule on a network of one neuron per layer, every factor a number of the run.

For a 1-1-…-1 regression, one example (x, y) and the cost ``C = (a⁽ᴸ⁾ − y)²``::

    z⁽ˡ⁾ = w⁽ˡ⁾ a⁽ˡ⁻¹⁾ + b⁽ˡ⁾,   a⁽ˡ⁾ = f(z⁽ˡ⁾)   (a⁽⁰⁾ = x; f is the hidden activation, the identity at the output)

    ∂C/∂w⁽ᴸ⁾   = a⁽ᴸ⁻¹⁾ · f′(z⁽ᴸ⁾) · 2(a⁽ᴸ⁾ − y)
    ∂C/∂w⁽ᴸ⁻¹⁾ = a⁽ᴸ⁻²⁾ · f′(z⁽ᴸ⁻¹⁾) · w⁽ᴸ⁾ · f′(z⁽ᴸ⁾) · 2(a⁽ᴸ⁾ − y)

:func:`chain_factors` gives each factor of such a product for a weight ``depth`` layers
below the output, and :func:`nudged_cost` the cost after moving that weight by ε:
the sceptic's check that ``C(w + ε) − C(w) ≈ ε · ∂C/∂w``. The difference of the two
is ε²/2 · ∂²C/∂w² plus smaller terms (:data:`NUDGE_TOLERANCE` states how close they are).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnexplain.run.activations import ACTIVATIONS
from nnexplain.run.network import Params, forward_trace

__all__ = [
    "ChainValues",
    "chain_values",
    "Factor",
    "chain_factors",
    "nudged_cost",
    "nudged_values",
    "NUDGE",
    "NUDGE_TOLERANCE",
    "worst_example",
]

NUDGE = 1e-3  # ε
# |ΔC − ε·∂C/∂w| ≤ NUDGE_TOLERANCE · |ε·∂C/∂w|: the first-order change is right to 1%
# for ε = 0.001 (the chain run's curvature terms are under 0.1% of it; tests/test_chain.py).
NUDGE_TOLERANCE = 0.01


@dataclass(frozen=True)
class ChainValues:
    x: float
    y: float
    weights: list[float]  # w⁽¹⁾ … w⁽ᴸ⁾
    biases: list[float]
    pre: list[float]  # z⁽¹⁾ … z⁽ᴸ⁾
    act: list[float]  # a⁽⁰⁾ = x, a⁽¹⁾ … a⁽ᴸ⁾
    slopes: list[float]  # f′(z⁽¹⁾) … f′(z⁽ᴸ⁾); the output's is 1
    cost: float  # (a⁽ᴸ⁾ − y)²

    @property
    def depth(self) -> int:
        """L, the number of layers of weights."""
        return len(self.weights)


def _check_chain(params: Params) -> None:
    if any(np.shape(w) != (1, 1) for w, _ in params):
        shapes = ", ".join("×".join(map(str, np.shape(w))) for w, _ in params)
        raise ValueError(f"the chain rule here needs one neuron per layer; the weights are {shapes}")


def chain_values(params: Params, activation: str, x: float, y: float) -> ChainValues:
    """Every value of the chain for the example (x, y)."""
    _check_chain(params)
    trace = forward_trace(params, activation, "identity", np.array([[x]], np.float64))
    pre = [float(z[0, 0]) for z, _ in trace]
    act = [float(x)] + [float(a[0, 0]) for _, a in trace]
    slope = ACTIVATIONS[activation].slope
    slopes = [float(slope(np.array(z), np.array(a))) for z, a in zip(pre[:-1], act[1:-1])] + [1.0]
    return ChainValues(
        x=float(x),
        y=float(y),
        weights=[float(np.ravel(w)[0]) for w, _ in params],
        biases=[float(np.ravel(b)[0]) for _, b in params],
        pre=pre,
        act=act,
        slopes=slopes,
        cost=(act[-1] - float(y)) ** 2,
    )


@dataclass(frozen=True)
class Factor:
    name: str  # what it is, e.g. "∂z⁽ᴸ⁾/∂w⁽ᴸ⁾"
    meaning: str  # its value's name, e.g. "a⁽ᴸ⁻¹⁾"
    value: float


def chain_factors(values: ChainValues, depth: int = 0) -> list[Factor]:
    """The factors of ∂C/∂w for the weight ``depth`` layers below the output (0: w⁽ᴸ⁾), input end first."""
    top = values.depth  # L
    layer = top - depth  # the weight's layer, 1-based
    factors = [Factor(f"∂z{_sup(layer, top)}/∂w{_sup(layer, top)}", f"a{_sup(layer - 1, top)}", values.act[layer - 1])]
    for above in range(layer, top + 1):
        factors.append(
            Factor(f"∂a{_sup(above, top)}/∂z{_sup(above, top)}", f"f′(z{_sup(above, top)})", values.slopes[above - 1])
        )
        if above < top:
            factors.append(
                Factor(
                    f"∂z{_sup(above + 1, top)}/∂a{_sup(above, top)}", f"w{_sup(above + 1, top)}", values.weights[above]
                )
            )
    factors.append(Factor(f"∂C/∂a{_sup(top, top)}", f"2(a{_sup(top, top)} − y)", 2.0 * (values.act[-1] - values.y)))
    return factors


def _sup(layer: int, top: int) -> str:
    """(L), (L−1), … written relative to the output layer ``top``."""
    offset = top - layer
    return "(L)" if offset == 0 else f"(L−{offset})"


def nudged_values(
    params: Params, activation: str, x: float, y: float, depth: int, epsilon: float = NUDGE
) -> ChainValues:
    """Every value of the chain after adding ``epsilon`` to the weight ``depth`` layers below the output, the rest
    held: the network run again, so each value's change is the real one (the ripple of the nudge), not a prediction."""
    layer = len(params) - 1 - depth
    moved = [(np.array(w, np.float64), np.array(b, np.float64)) for w, b in params]
    moved[layer][0][0, 0] += epsilon
    return chain_values(moved, activation, x, y)


def nudged_cost(params: Params, activation: str, x: float, y: float, depth: int, epsilon: float = NUDGE) -> float:
    """The cost after adding ``epsilon`` to the weight ``depth`` layers below the output, the rest held."""
    return nudged_values(params, activation, x, y, depth, epsilon).cost


def worst_example(params: Params, activation: str, x: np.ndarray, y: np.ndarray) -> int:
    """The index of the example with the largest cost: where the run has most left to learn."""
    outputs = forward_trace(params, activation, "identity", np.asarray(x, np.float64).reshape(-1, 1))[-1][1][:, 0]
    return int(np.argmax((outputs - np.asarray(y, np.float64).ravel()) ** 2))
