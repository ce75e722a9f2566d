"""The weights a frame between two snapshots is drawn from. Its live largest error is measured from them as a
stored snapshot's is (:func:`~nnexplain.geometry.hinges.params_miss`): on the drawn samples alone it would miss the
corners between them (the trained network's 0.080 reads 0.079 on its 401 stored samples).
"""

from __future__ import annotations

import numpy as np

from nnexplain.run.network import Params

__all__ = ["blend_params"]


def blend_params(before: Params, after: Params, fraction: float) -> list:
    """The weights a ``fraction`` of the way from ``before`` to ``after`` in a straight line (as frames are drawn)."""
    return [
        tuple((1 - fraction) * np.asarray(p, np.float64) + fraction * np.asarray(q, np.float64) for p, q in zip(a, b))
        for a, b in zip(before, after)
    ]
