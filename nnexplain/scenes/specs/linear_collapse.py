"""``linear-collapse``: without activations, layers amount to one matrix.

It ends with a fair comparison (LECTURE.md): the linear network against a tanh network of
exactly its shape (``spiral-tanh-small``: the same data, parameters, steps and learning rate),
each trained from seeds 0, 1 and 2. Further runs by role: ``nonlinear`` (the tanh net, seed 0,
drawn beside the linear one), ``nonlinear-seed1``, ``nonlinear-seed2``, ``linear-seed1`` and
``linear-seed2``; seeds are the recipes' ``NAME@SEED`` form.
"""

from typing import Any

from nnexplain.scenes.base.checks import folding, warps
from nnexplain.scenes.base.seed_roles import SEEDS, role
from nnexplain.scenes.base.spec import FurtherRun, SceneSpec


def linear(manifest: dict[str, Any]) -> str | None:
    """:func:`~nnexplain.scenes.base.checks.warps` of a network with no activation."""
    if manifest["activation"] != "identity":
        return (
            f"uses activation {manifest['activation']!r}; the scene needs a purely linear network (activation identity)"
        )
    return warps(manifest)


SAME_DATA = ("name", "source", "generation_seed", "train", "val")


def _same_data_and_shape(manifest: dict[str, Any], main: dict[str, Any]) -> str | None:
    if any(manifest["dataset"].get(key) != main["dataset"].get(key) for key in SAME_DATA):
        return f"was trained on other data ({manifest['dataset'].get('name')}), not the main run's"
    if manifest["layers"] != main["layers"]:
        shape, theirs = "-".join(map(str, manifest["layers"])), "-".join(map(str, main["layers"]))
        return f"is a {shape} network; a fair comparison needs the main run's shape, {theirs} (the same parameters)"
    return None


def nonlinear_on_the_same_data(manifest: dict[str, Any], main: dict[str, Any]) -> str | None:
    """A ``nonlinear`` run: a network with an activation, of the main run's shape, trained on its data."""
    if manifest["activation"] == "identity":
        return "has no activation; the comparison needs a network with one (tanh, like spiral-tanh-small)"
    return _same_data_and_shape(manifest, main) or folding(manifest)


def linear_on_the_same_data(manifest: dict[str, Any], main: dict[str, Any]) -> str | None:
    """A ``linear-seedN`` run: another training of the main run's linear network, on its data."""
    return linear(manifest) or _same_data_and_shape(manifest, main)


def _seeded(recipe: str, seed: int) -> str:
    return recipe if seed == 0 else f"{recipe}@{seed}"


SPEC = SceneSpec(
    name="linear-collapse",
    module="nnexplain.scenes.linear_collapse",
    class_name="LinearCollapse",
    question="Why do we need a nonlinearity?",
    description=("linear layers only turn and stretch, and amount to one matrix: the boundary stays a straight line"),
    recipe="spiral-linear",
    check=linear,
    order=30,
    further=(
        *(
            FurtherRun(
                role("nonlinear", seed),
                _seeded("spiral-tanh-small", seed),
                "the tanh network of the same shape on the same data"
                + (", shown side by side at the end" if seed == 0 else f" (seed {seed})"),
                nonlinear_on_the_same_data,
            )
            for seed in SEEDS
        ),
        *(
            FurtherRun(
                role("linear", seed),
                _seeded("spiral-linear", seed),
                f"the linear network trained from seed {seed}",
                linear_on_the_same_data,
            )
            for seed in SEEDS[1:]
        ),
    ),
)
