"""Every width sequence a 2-D network can have is drawn by the plane scenes' geometry (issue 15, item 10).

Networks are torch's own initialisation under a drawn seed; torch's forward pass is the
answer key for where each step ends.
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from nnexplain.geometry.steps import SAMPLES, carried_motions, network_steps
from nnexplain.geometry.warp import representations
from nnexplain.run.contents import GridSpec, grid_lines

SPEC = GridSpec((-1.5, 1.5, -1.0, 1.0), 5, 24)
TORCH_ACTIVATIONS = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "identity": lambda z: z}


def torch_network(widths: list[int], seed: int) -> list[torch.nn.Linear]:
    torch.manual_seed(seed)
    return [torch.nn.Linear(a, b, dtype=torch.float64) for a, b in zip(widths, widths[1:])]


def recorded(linears: list[torch.nn.Linear], activation: str, inputs: np.ndarray) -> dict[str, np.ndarray]:
    """What a run records for a 2-D network: every stage of the grid (warp.*) and of the points."""
    tensors = {}
    for name, x in (("warp.", grid_lines(SPEC)), ("", inputs)):
        a = torch.from_numpy(np.asarray(x, np.float64))
        with torch.no_grad():
            for index, linear in enumerate(linears):
                z = linear(a)
                tensors[f"{name}pre.{index}"] = z.numpy()
                a = TORCH_ACTIVATIONS[activation](z)
                if index < len(linears) - 1 and activation != "identity":
                    tensors[f"{name}act.{index}"] = a.numpy()
    return tensors


def width(state: np.ndarray) -> int:
    return state.shape[-1]


@settings(max_examples=40, deadline=None)
@given(
    hidden=st.lists(st.integers(1, 8), min_size=1, max_size=4),
    activation=st.sampled_from(sorted(TORCH_ACTIVATIONS)),
    seed=st.integers(0, 2**31 - 1),
    dims=st.sampled_from([2, 3]),
    include_output=st.booleans(),
)
def test_every_width_sequence_is_drawn_in_the_width_it_moves_in(hidden, activation, seed, dims, include_output):
    widths = [2, *hidden, 2]
    linears = torch_network(widths, seed)
    inputs = np.random.default_rng(seed).normal(size=(40, 2))
    tensors = recorded(linears, activation, inputs)
    params = [(lin.weight.detach().numpy(), lin.bias.detach().numpy()) for lin in linears]
    stages = representations(tensors, inputs, SPEC)

    steps = network_steps(stages, params, activation, dims=dims, include_output=include_output)

    boundary = grid_lines(SPEC)[:3]  # any lines of the input plane, carried like a decision boundary
    for step, carried in zip(steps, carried_motions(steps, boundary)):
        projection = step.projection
        for t in SAMPLES:
            grid, points = step.motion(t)
            lines = carried(t)[0]
            assert width(grid) == width(points) == width(lines) == projection.basis.shape[0]
            shown = np.concatenate([projection(grid).reshape(-1, dims), projection(points)])
            assert np.isfinite(shown).all()
            assert step.extent >= np.abs(shown).max()
        # Where each step ends is where torch's forward pass puts the points and the lines.
        stage = {"shift": "pre", "activate": "act"}.get(step.kind)
        if stage:
            np.testing.assert_allclose(step.motion(1.0)[1], tensors[f"{stage}.{step.layer}"], atol=1e-9)
            end = torch.from_numpy(boundary)
            with torch.no_grad():
                for index, linear in enumerate(linears[: step.layer + 1]):
                    z = linear(end)
                    end = z if (index == step.layer and stage == "pre") else TORCH_ACTIVATIONS[activation](z)
            np.testing.assert_allclose(carried(1.0)[0], end.numpy(), atol=1e-9)
        if step.kind == "linear":
            # The projection shows at least its fair share of where the step starts and ends together.
            start, end_points = step.motion(0.0)[1], step.motion(1.0)[1]
            both = np.concatenate([start, end_points])
            total = np.sum((both - both.mean(axis=0)) ** 2)
            kept = np.sum((projection(both) - projection(both).mean(axis=0)) ** 2)
            share = min(dims, width(both)) / width(both)
            assert kept >= share * total * (1 - 1e-9) - 1e-12


def test_a_2_7_5_2_relu_net_imported_with_moons_renders_fold(tmp_path):
    """The case that crashed: a layer that narrows (7 → 5) after one that widens."""
    from conftest import run_cli
    from safetensors.torch import save_file

    linears = torch_network([2, 7, 5, 2], seed=0)
    tensors = {
        f"{index * 2}.{name}": value.float().contiguous()
        for index, linear in enumerate(linears)
        for name, value in linear.state_dict().items()
    }
    save_file(tensors, tmp_path / "net.safetensors")
    imported = run_cli(
        "import", tmp_path / "net.safetensors", "--activation", "relu", "--data", "moons", "--out", tmp_path / "run"
    )
    assert imported.returncode == 0, imported.stderr
    result = run_cli(
        "render",
        "fold",
        "--run",
        tmp_path / "run",
        "--format",
        "png",
        "--resolution",
        "160x90",
        "--out",
        tmp_path / "out",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].endswith(".png")
