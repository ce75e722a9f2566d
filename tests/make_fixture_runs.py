"""Train the small run directories the tests draw from (tests/data/).

    .venv/bin/python tests/make_fixture_runs.py

They are real trainings of the real recipes, kept to a few snapshots so they
stay small. Regenerate them when the run format changes, then regenerate the
control frames (``make regenerate-frames``) and look at them.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from nnexplain.train.loop import train
from nnexplain.train.recipes import ACTIVATION_DEFAULTS, get_recipe

DATA = Path(__file__).parent / "data"


def _plane(config):
    """2-D runs: the initialisation and the final network only, since each snapshot holds the grid's warps."""
    return config.with_overrides(max_snapshots=2, device="cpu")


FIXTURES = {
    "mnist-sigmoid": lambda: get_recipe("mnist").config.with_overrides(max_snapshots=4, device="cpu"),
    "mnist-relu": lambda: ACTIVATION_DEFAULTS["mnist"]("relu").with_overrides(max_snapshots=4, device="cpu"),
    "spiral": lambda: _plane(get_recipe("spiral").config),
    "spiral-sigmoid": lambda: _plane(ACTIVATION_DEFAULTS["spiral"]("sigmoid")),
    "spiral-linear": lambda: _plane(get_recipe("spiral-linear").config),
    "spiral-relu": lambda: _plane(ACTIVATION_DEFAULTS["spiral"]("relu")),  # a failure: points collapse, units die
    "circles-2": lambda: _plane(get_recipe("circles-2").config),
    "circles-3": lambda: _plane(get_recipe("circles-3").config),
    "moons-relu": lambda: _plane(get_recipe("moons-relu").config),
    "sine-linear": lambda: get_recipe("sine-linear").config.with_overrides(max_snapshots=8, device="cpu"),
    "sine-relu": lambda: get_recipe("sine-relu").config.with_overrides(max_snapshots=8, device="cpu"),
    "square-relu-3": lambda: get_recipe("square-relu-3").config.with_overrides(max_snapshots=8, device="cpu"),
    # Trained exactly as the recipe (same data, steps and history); fewer snapshots and a coarse warp grid keep it small.
    "moons-overfit": lambda: get_recipe("moons-overfit").config.with_overrides(
        max_snapshots=8,
        device="cpu",
        dataset_options={**get_recipe("moons-overfit").config.dataset_options, "grid_lines": 5, "grid_points": 20},
    ),
    "chain": lambda: get_recipe("chain").config.with_overrides(max_snapshots=8),
    # Feature maps make a CNN snapshot large (a probe digit's first layer alone is 8 maps of 24 x 24):
    # one probe digit per class and three snapshots keep it near 2 MB.
    "cnn-mnist": lambda: get_recipe("cnn-mnist").config.with_overrides(
        max_snapshots=3, probe_per_class=1, device="cpu"
    ),
    "mlp-mnist-6k": lambda: get_recipe("mlp-mnist-6k").config.with_overrides(max_snapshots=3, device="cpu"),
}


def _depth(recipe: str):
    """The depth scene's runs, trained as their recipes; few snapshots, and for the spiral a coarse warp grid."""
    config = get_recipe(recipe).config
    if config.dataset == "waves":
        return lambda: config.with_overrides(max_snapshots=3)
    options = {**config.dataset_options, "grid_lines": 3, "grid_points": 8}
    return lambda: config.with_overrides(max_snapshots=2, dataset_options=options)


# linear-collapse's fair comparison: the linear net's other seeds, and the tanh net of its shape from each seed.
FIXTURES.update(
    {
        f"collapse/{name}-{seed}": (lambda name=name, seed=seed: _plane(get_recipe(f"{name}@{seed}").config))
        for name, seeds in (("spiral-linear", (1, 2)), ("spiral-tanh-small", (0, 1, 2)))
        for seed in seeds
    }
)

DEPTH_SEEDS = (0, 1, 2)
FIXTURES.update(
    {
        f"depth/{name}-{seed}": _depth(f"{name}@{seed}")
        for name in ("waves-wide", "waves-deep", "spiral3-wide", "spiral3-deep")
        for seed in DEPTH_SEEDS
    }
)


def main(names: list[str]) -> None:
    for name in names or FIXTURES:
        target = DATA / name
        shutil.rmtree(target, ignore_errors=True)
        train(FIXTURES[name](), target)
        print(target)


if __name__ == "__main__":
    main(sys.argv[1:])
