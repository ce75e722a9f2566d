"""1-D regression data: samples of a known function on an interval.

Training inputs are drawn uniformly at random from the interval (seeded); the
validation inputs are an evenly spaced grid over the whole interval, ends
included, so the validation metrics (``val_max_error``) measure the fit
everywhere on it. The description stored in a run manifest names the function
and the interval (``domain``): the snapshot machinery samples each network's
curve over that interval (see :mod:`nnexplain.run.contents`).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from nnexplain.data.dataset import Dataset
from nnexplain.errors import DataError

__all__ = ["TARGETS", "CURVES", "load_curve", "target_function"]

# Function name (as stored in a manifest) -> its numpy implementation.
TARGETS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin": np.sin,
    "square": np.square,
    "step": lambda x: (np.asarray(x) > 0).astype(np.float64),
    "sin3pi": lambda x: np.sin(3 * np.pi * np.asarray(x)),
}

# Data set name -> (function name, default interval, how the function is written for people).
CURVES: dict[str, tuple[str, tuple[float, float], str]] = {
    "sine": ("sin", (-math.pi, math.pi), "sin x"),
    "square": ("square", (-1.0, 1.0), "x²"),
    "step": ("step", (-2.0, 2.0), "a step from 0 to 1 at x = 0"),
    "waves": ("sin3pi", (-1.0, 1.0), "sin 3πx"),  # six bumps: the depth scene's 1-D target
}

DEFAULT_TRAIN = 256
DEFAULT_VAL = 401
SPLIT_SEED = 20240611


def target_function(description: dict) -> Callable[[np.ndarray], np.ndarray] | None:
    """The numpy function a run was trained to fit, when its data set description names a known one."""
    return TARGETS.get(description.get("function", ""))


def load_curve(
    name: str,
    domain: tuple[float, float] | None = None,
    train: int = DEFAULT_TRAIN,
    val: int = DEFAULT_VAL,
    noise: float = 0.0,
) -> Dataset:
    """Samples of curve ``name`` (see :data:`CURVES`), optionally with Gaussian noise on the training targets."""
    if name not in CURVES:
        raise DataError(f"unknown curve {name!r}; choose one of: {', '.join(CURVES)}")
    function_name, default_domain, formula = CURVES[name]
    low, high = (float(v) for v in (domain or default_domain))
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise DataError(f"curve domain {[low, high]} is not an interval; give [low, high] with low < high")
    if train < 2 or val < 2:
        raise DataError(f"curve {name!r} needs at least 2 training and 2 validation points (got {train} and {val})")
    function = TARGETS[function_name]
    rng = np.random.default_rng(SPLIT_SEED)
    column = lambda a: np.asarray(a, np.float32).reshape(-1, 1)  # noqa: E731
    # Targets are computed at the float32 inputs the network sees, so a perfect fit has zero error.
    x_train = column(np.sort(rng.uniform(low, high, train)))
    y_train = column(function(x_train.astype(np.float64)) + noise * rng.standard_normal((train, 1)))
    x_val = column(np.linspace(low, high, val))
    return Dataset(
        name=name,
        task="regress",
        x_train=x_train,
        y_train=y_train,
        x_val=x_val,
        y_val=column(function(x_val.astype(np.float64))),
        input_shape=(1,),
        source=f"{formula} sampled on [{low:.4g}, {high:.4g}], generated in code",
        extra={"function": function_name, "formula": formula, "domain": [low, high], "noise": noise},
    )
