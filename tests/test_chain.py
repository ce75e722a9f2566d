"""The chain rule on one neuron per layer: its product is autograd's derivative, and a nudge confirms it."""

import numpy as np
import pytest
import torch
from conftest import DATA, torch_activations
from frames import check_frame, render_for_test
from hypothesis import given, settings
from hypothesis import strategies as st

from nnexplain.app.catalog import check_run_suits, get_scene
from nnexplain.errors import RunError
from nnexplain.geometry.chain import (
    NUDGE,
    NUDGE_TOLERANCE,
    chain_factors,
    chain_values,
    nudged_cost,
    nudged_values,
    worst_example,
)
from nnexplain.run import load_run


def autograd_slopes(params, activation, x, y):
    """∂C/∂w of every layer's weight for C = (ŷ − y)², by torch."""
    weights = [torch.tensor(float(np.ravel(w)[0]), dtype=torch.float64, requires_grad=True) for w, _ in params]
    a = torch.tensor(float(x), dtype=torch.float64)
    for index, (weight, (_, bias)) in enumerate(zip(weights, params)):
        z = weight * a + float(np.ravel(bias)[0])
        a = z if index == len(params) - 1 else torch_activations()[activation](z)
    ((a - y) ** 2).backward()
    return [w.grad.item() for w in weights]


@pytest.fixture(scope="module")
def chain_run():
    return load_run(DATA / "chain")


def _example(run):
    x, y = run.probe["inputs"][:, 0], run.probe["labels"][:, 0]
    index = worst_example(run.params(), run.activation, x, y)
    return index, float(x[index]), float(y[index])


def test_the_chain_run_trained_and_its_values_are_the_stored_ones(chain_run):
    assert chain_run.layers == [1, 1, 1, 1] and chain_run.activation == "sigmoid"
    assert chain_run.final_metrics["train_loss"] < 0.01  # it learned the step at its 32 training points
    index, x, y = _example(chain_run)
    values = chain_values(chain_run.params(), chain_run.activation, x, y)
    stored = chain_run.tensors()
    for layer in range(3):
        assert values.act[layer + 1] == pytest.approx(float(stored[f"act.{layer}"][index, 0]), rel=1e-5)
        assert values.pre[layer] == pytest.approx(float(stored[f"pre.{layer}"][index, 0]), rel=1e-5)
    assert values.cost == pytest.approx((values.act[-1] - y) ** 2)
    assert values.cost == pytest.approx(max((stored["act.2"][:, 0] - chain_run.probe["labels"][:, 0]) ** 2), rel=1e-5)


def test_the_products_are_autograds_derivatives_on_the_run(chain_run):
    _, x, y = _example(chain_run)
    params = chain_run.params()
    values = chain_values(params, chain_run.activation, x, y)
    expected = autograd_slopes(params, chain_run.activation, x, y)
    for depth in range(3):
        product = np.prod([factor.value for factor in chain_factors(values, depth)])
        assert product == pytest.approx(expected[-1 - depth], rel=1e-9)
    names = [factor.meaning for factor in chain_factors(values, 1)]
    assert names == ["a(L−2)", "f′(z(L−1))", "w(L)", "f′(z(L))", "2(a(L) − y)"]


@settings(max_examples=80, deadline=None)
@given(
    st.integers(2, 5),
    st.sampled_from(["sigmoid", "tanh", "relu"]),
    st.integers(0, 2**32 - 1),
)
def test_the_products_are_autograds_derivatives_on_random_chains(layers, activation, seed):
    rng = np.random.default_rng(seed)
    params = [(rng.normal(0, 2, (1, 1)), rng.normal(0, 1, 1)) for _ in range(layers)]
    x, y = rng.normal(), rng.normal()
    values = chain_values(params, activation, x, y)
    expected = autograd_slopes(params, activation, x, y)
    for depth in range(layers):
        product = np.prod([factor.value for factor in chain_factors(values, depth)])
        # Not 1e-9: where tanh saturates, 1 − tanh² cancels, and numpy's and torch's tanh may differ by one ulp,
        # which the cancellation lifts to ~1e-9 relative (found: 2 tanh layers, seed 10347, 1.9e-9).
        assert product == pytest.approx(expected[-1 - depth], rel=1e-6, abs=1e-15)


def test_a_nudge_changes_the_cost_by_epsilon_times_the_product(chain_run):
    """The stated tolerance: |ΔC − ε·∂C/∂w| ≤ 1% of |ε·∂C/∂w| for ε = 0.001, on the run's weights."""
    assert (NUDGE, NUDGE_TOLERANCE) == (1e-3, 0.01)
    _, x, y = _example(chain_run)
    params = chain_run.params()
    values = chain_values(params, chain_run.activation, x, y)
    for depth in (0, 1):
        change = nudged_cost(params, chain_run.activation, x, y, depth) - values.cost
        predicted = NUDGE * np.prod([factor.value for factor in chain_factors(values, depth)])
        assert abs(change - predicted) <= NUDGE_TOLERANCE * abs(predicted)
        assert abs(change) > 1e-5  # a change the scene's seven decimals show


def test_the_scene_takes_one_neuron_chains_only():
    info = get_scene("chain-rule")
    check_run_suits(info, load_run(DATA / "chain").manifest, "chain")
    for other, reason in [
        ("mnist-sigmoid", "784-16-16-10 network; the scene needs one neuron per layer"),
        ("sine-relu", "1-8-8-1"),
    ]:
        with pytest.raises(RunError, match=reason):
            check_run_suits(info, load_run(DATA / other).manifest, other)


def test_the_checks_narrate_the_costs_real_change_and_autograds_prediction(chain_run, tmp_path):
    """Each check beat says ΔC, recomputed by torch at the nudged weight, and ε times autograd's ∂C/∂w."""
    from test_speaker_notes import storyboard

    _, x, y = _example(chain_run)
    params = chain_run.params()
    slopes = autograd_slopes(params, chain_run.activation, x, y)
    narration = {beat.name: beat.narration for beat in storyboard("chain-rule", DATA / "chain", tmp_path).beat_log}

    def cost(nudged_layer: int | None) -> float:
        a = torch.tensor(float(x), dtype=torch.float64)
        for index, (weight, bias) in enumerate(params):
            w = float(np.ravel(weight)[0]) + (NUDGE if index == nudged_layer else 0.0)
            z = w * a + float(np.ravel(bias)[0])
            a = z if index == len(params) - 1 else torch_activations()[chain_run.activation](z)
        return float((a - y) ** 2)

    def signed(value: float, digits: int) -> str:
        return f"{value:+.{digits}f}".replace("-", "−")

    for depth, beat in enumerate(("the check", "the check again")):
        layer = len(params) - 1 - depth
        change = cost(layer) - cost(None)
        said = narration[beat].lower()
        assert f"the cost really changes by {signed(change, 7)}; ε × the product predicts" in said
        assert f"predicts {signed(NUDGE * slopes[layer], 7)}." in said
        assert f"until c moves by {signed(change / NUDGE, 3)}ε" in said  # the ripple's last step, in multiples of ε


def test_the_nudged_chain_is_torchs_forward_pass_at_the_nudged_weight(chain_run):
    """The ripple's values: every z and a after the nudge is torch's, and each change over ε is its derivative
    (autograd's ∂value/∂w) to within the first-order tolerance."""
    _, x, y = _example(chain_run)
    params = chain_run.params()
    values = chain_values(params, chain_run.activation, x, y)
    for depth in (0, 1):
        layer = len(params) - 1 - depth
        after = nudged_values(params, chain_run.activation, x, y, depth)
        weights = [torch.tensor(float(np.ravel(w)[0]), dtype=torch.float64, requires_grad=True) for w, _ in params]
        a = torch.tensor(float(x), dtype=torch.float64)
        pre, act = [], []
        for index, (weight, (_, bias)) in enumerate(zip(weights, params)):
            z = weight * a + float(np.ravel(bias)[0])
            a = z if index == len(params) - 1 else torch_activations()[chain_run.activation](z)
            pre.append(z)
            act.append(a)
        with torch.no_grad():  # the network run again by torch, the weight moved by ε
            a_moved = torch.tensor(float(x), dtype=torch.float64)
            for index, (weight, (_, bias)) in enumerate(zip(weights, params)):
                z_moved = (weight + (NUDGE if index == layer else 0.0)) * a_moved + float(np.ravel(bias)[0])
                last = index == len(params) - 1
                a_moved = z_moved if last else torch_activations()[chain_run.activation](z_moved)
                assert after.pre[index] == pytest.approx(z_moved.item(), rel=1e-12, abs=1e-12)
                assert after.act[index + 1] == pytest.approx(a_moved.item(), rel=1e-12, abs=1e-12)
        for k, (z, a) in enumerate(zip(pre, act)):
            if k < layer:
                assert after.pre[k] == values.pre[k]  # below the nudged weight nothing moves
                continue
            for mine, nudged_before, theirs in (
                (after.pre[k], values.pre[k], z),
                (after.act[k + 1], values.act[k + 1], a),
            ):
                (slope,) = torch.autograd.grad(theirs, weights[layer], retain_graph=True)
                change = mine - nudged_before
                assert abs(change - NUDGE * slope.item()) <= NUDGE_TOLERANCE * abs(NUDGE * slope.item())


@pytest.mark.graphical
def test_chain_rule_last_frame(tmp_path, request):
    from nnexplain.scenes.chain_rule import ChainRule

    scene = render_for_test(ChainRule, DATA / "chain", tmp_path / "media")
    frame = np.asarray(scene.renderer.get_frame())[..., :3].copy()
    check_frame("chain-rule", frame, request.config.getoption("--regenerate-frames"), tmp_path / "failures")
    assert 100 <= scene.renderer.time <= 160
    assert "theyagreeto0.0036%" in "".join(row.text for row in scene.check)  # Text drops the spaces
