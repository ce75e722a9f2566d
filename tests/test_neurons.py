"""The neurons scene draws the run's own numbers."""

import numpy as np
import pytest
from frames import check_frame, render_last_frame
from manim import ManimColor

from nnexplain.geometry.network import choose_inputs, network_view, pick_probes
from nnexplain.mobjects.network import NetworkDiagram
from nnexplain.mobjects.style import Theme
from nnexplain.run import load_run

LAYER_X = (-3, -1, 1, 3)


@pytest.fixture(params=["sigmoid_run", "relu_run"])
def run(request):
    return load_run(request.getfixturevalue(request.param))


def test_brightness_is_the_stored_activation(run):
    view = network_view(run)
    stored = run.tensors()
    for probe in range(len(run.probe["labels"])):
        brightness = view.brightness(probe)
        np.testing.assert_allclose(brightness[0], run.probe["inputs"][probe, view.shown_inputs])
        for layer in (1, 2):
            activation = stored[f"act.{layer - 1}"][probe]
            if run.activation == "relu":  # normalised by the layer's largest activation over the probe set
                activation = activation / stored[f"act.{layer - 1}"].max()
            np.testing.assert_allclose(brightness[layer], activation, rtol=1e-6)
        np.testing.assert_allclose(brightness[3], stored["act.2"][probe], rtol=1e-6)


def test_drawn_neurons_take_that_brightness(run):
    view = network_view(run)
    diagram = NetworkDiagram(view, Theme(), LAYER_X)
    values = view.brightness(3)
    for layer, layer_values in enumerate(values):
        diagram.set_brightness(layer, layer_values)
        drawn = [neuron.get_fill_opacity() for neuron in diagram.layers[layer]]
        np.testing.assert_allclose(drawn, layer_values, atol=1e-6)


def test_edge_colours_are_the_weight_signs(run):
    theme = Theme()
    view = network_view(run)
    diagram = NetworkDiagram(view, theme, LAYER_X)
    weights = [w for w, _ in run.params()]
    sources = [view.shown_inputs, np.arange(16), np.arange(16)]
    checked = 0
    for index, bundle in enumerate(diagram.edges):
        lower, upper = diagram.neuron_centers(index), diagram.neuron_centers(index + 1)
        for strand in bundle:
            colour = strand.get_stroke_color().to_hex().upper()
            assert colour in (ManimColor(theme.positive).to_hex().upper(), ManimColor(theme.negative).to_hex().upper())
            for start, end in zip(strand.starts, strand.ends):
                source = np.argmin(np.linalg.norm(lower[:, :2] - start[:2], axis=1))
                target = np.argmin(np.linalg.norm(upper[:, :2] - end[:2], axis=1))
                weight = weights[index][target, sources[index][source]]
                expected = theme.positive if weight >= 0 else theme.negative
                assert colour == ManimColor(expected).to_hex().upper()
                checked += 1
    assert checked == 16 * 16 + 16 * 16 + 16 * 10


def test_thicker_edges_carry_larger_weights(run):
    view = network_view(run)
    for group in view.edges:
        magnitude = np.abs(group.weight)
        for width_class in range(3):
            assert (
                magnitude[group.width_class == width_class].max()
                <= magnitude[group.width_class == width_class + 1].min()
            )


def test_shown_inputs_are_heavily_weighted_and_spread():
    weight = np.zeros((4, 784))
    weight[0, [300, 301, 302, 400, 500]] = [5, 4, 3, 2, 1]
    chosen = choose_inputs(weight, 3, (28, 28), spacing=3)
    assert chosen.tolist() == [300, 400, 500]  # 301 and 302 sit next to 300


def test_story_ends_on_a_mistake(run):
    view = network_view(run)
    first, second, last = pick_probes(view)
    assert view.is_correct(first) and view.is_correct(second)
    assert view.probe_labels[first] != view.probe_labels[second]
    assert not view.is_correct(last)


@pytest.mark.graphical
@pytest.mark.parametrize("fixture", ["relu_run"])  # sigmoid_run, the default run: test_render_all_in_parallel
def test_last_frame(fixture, request, tmp_path):
    from nnexplain.scenes.neurons import Neurons

    frame = render_last_frame(Neurons, request.getfixturevalue(fixture), tmp_path)
    check_frame(f"neurons-{fixture}", frame, request.config.getoption("--regenerate-frames"), tmp_path / "failed")


def test_a_subclass_changes_colours_pace_and_digits(sigmoid_run, tmp_path):
    from dataclasses import replace

    from frames import render_for_test
    from manim import Wait

    from nnexplain.scenes.base.narration import reading_seconds
    from nnexplain.scenes.neurons import Neurons

    class SameDigits(Neurons):
        probe_indices = (5, 9)

        def play(self, *animations, **kwargs):
            super().play(*animations, **kwargs)
            if not all(isinstance(animation, Wait) for animation in animations):
                self.moving = getattr(self, "moving", 0.0) + self.duration

    class Custom(SameDigits):
        theme = replace(Theme(), positive="#FFD166")
        pace = 0.5

    run = load_run(sigmoid_run)
    default = render_for_test(SameDigits, sigmoid_run, tmp_path / "default")
    custom = render_for_test(Custom, sigmoid_run, tmp_path / "custom")
    assert custom.caption.text == f"its label: {run.probe['labels'][9]}".replace(" ", "")
    colours = {strand.get_stroke_color().to_hex().upper() for bundle in custom.diagram.edges for strand in bundle}
    assert "#FFD166" in colours and ManimColor(Theme().positive).to_hex().upper() not in colours
    # The animations play twice as fast, but no faster than the narration can be read (three words a second):
    # its lines are said one after another, each held until read.
    assert default.moving > 10 and custom.moving == pytest.approx(default.moving / 2)
    assert all(line.held >= reading_seconds(line.text) - 1e-3 for line in custom.narrator.log)
    assert custom.time >= sum(reading_seconds(line.text) for line in custom.narrator.log) - 1e-3


def test_a_run_recorded_without_labels_renders(sigmoid_run, tmp_path):
    import torch
    from frames import render_for_test

    from nnexplain import Recorder
    from nnexplain.scenes.neurons import Neurons

    run = load_run(sigmoid_run)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 16),
        torch.nn.Sigmoid(),
        torch.nn.Linear(16, 16),
        torch.nn.Sigmoid(),
        torch.nn.Linear(16, 10),
    )
    with torch.no_grad():
        for linear, (weight, bias) in zip(model[::2], run.params()):
            linear.weight.copy_(torch.from_numpy(weight))
            linear.bias.copy_(torch.from_numpy(bias))
    Recorder(model, out=tmp_path / "run", probe=run.probe["inputs"][:5]).snapshot(epoch=0)
    scene = render_for_test(Neurons, tmp_path / "run", tmp_path / "media")
    assert scene.caption.text == "probeinput3"  # the third digit shown; Text drops spaces
    assert [line.text for line in scene.verdict][0] == "itsays" and len(scene.verdict) == 3


def _visible_formulas(scene) -> list:
    from manim import MathTypst

    return [
        m
        for top in scene.mobjects
        for m in top.get_family()
        if isinstance(m, MathTypst) and any(p.get_fill_opacity() > 0.02 for p in m.family_members_with_points())
    ]


@pytest.mark.graphical
def test_the_formula_does_not_come_back_when_the_third_digit_arrives(sigmoid_run, tmp_path, request):
    """Early in the third digit's transition nothing of the formula overlay is on screen (it used to flash back)."""
    from midframes import render_frame_inside

    from nnexplain.scenes.neurons import Neurons

    frame, formulas = render_frame_inside(
        Neurons, sigmoid_run, tmp_path, "digit 3", lambda animations: True, alpha=0.25, inspect=_visible_formulas
    )
    assert formulas == []
    check_frame("neurons-third-digit", frame, request.config.getoption("--regenerate-frames"), tmp_path / "failed")


def test_each_input_lights_only_once_its_own_pixel_has_landed(sigmoid_run, tmp_path):
    """Mid-flight, every lit input neuron has its own flying square on it already, and some are lit: they light one by
    one as their pixels land, not all at once after the flight."""
    from manim import LaggedStart, Succession
    from midframes import render_frame_inside

    from nnexplain.scenes.neurons import Neurons

    def landing(scene):
        return [
            (neuron.get_fill_opacity(), float(np.linalg.norm(square.get_center() - neuron.get_center())))
            for neuron, square in zip(scene.diagram.layers[0], scene.flying)
        ]

    def flying(animations):  # the squares, one after another, each landing then lighting its neuron
        return any(isinstance(a, LaggedStart) and all(type(s) is Succession for s in a.animations) for a in animations)

    for beat in ("pixels in", "digit 2"):
        _, during = render_frame_inside(Neurons, sigmoid_run, tmp_path / beat, beat, flying, alpha=0.9, inspect=landing)
        lit = [distance for opacity, distance in during if opacity > 0]
        assert lit, f"{beat}: no input lit during the flight"
        assert max(lit) < 1e-6, f"{beat}: an input lit before its pixel landed"
        assert any(distance > 0.05 for _, distance in during), f"{beat}: every square landed: not mid-flight"


def test_pulses_show_weight_times_activation(sigmoid_run):
    """Each edge's pulse class follows |w × a| for that digit, computed here from the stored weights."""
    from nnexplain.mobjects.edges import FLOW_LEVELS

    run = load_run(sigmoid_run)
    view = network_view(run)
    diagram = NetworkDiagram(view, Theme(), LAYER_X)
    probe = 3
    weights = [w for w, _ in run.params()]
    sources = [
        run.probe["inputs"][probe, view.shown_inputs],
        run.tensors()["act.0"][probe],
        run.tensors()["act.1"][probe],
    ]
    drawn = [view.shown_inputs, np.arange(16), np.arange(16)]
    for index in range(3):
        pulse = diagram.flow_pulse(index, sources[index], "#FFD166")
        group = view.edges[index]
        flows = np.abs(weights[index][group.target, drawn[index][group.source]] * sources[index][group.source])
        share = flows / flows.max()
        np.testing.assert_array_equal(pulse.flow_class, np.searchsorted(FLOW_LEVELS, share, side="right") - 1)
        assert pulse.flow_class[np.argmax(flows)] == len(FLOW_LEVELS) - 1
        assert np.all(pulse.flow_class[flows == 0] == -1)  # nothing flows out of a dark input: no pulse
        widths = {strand.level: strand.get_stroke_width() for strand in pulse.mobject}
        assert list(widths.values()) == sorted(widths.values())  # more flow, thicker pulse
        colours = {strand.get_stroke_color().to_hex().upper() for strand in pulse.mobject}
        assert colours == {"#FFD166"} and not colours & {Theme().positive.upper(), Theme().negative.upper()}


# --- networks of any depth (issue 15, item 10) ------------------------------------------------------


@pytest.mark.parametrize("size", [24, 17])  # neurons' and backprop's header sizes
def test_headers_of_any_depth_never_run_into_each_other(size):
    from nnexplain.mobjects.network import column_xs, layer_headers

    layout = (-2.9, -0.85, 1.2, 3.1)
    assert column_xs(layout, 4) == layout
    for count in range(2, 11):  # no hidden layer up to the catalogue's limit of 8
        xs = column_xs(layout, count)
        assert xs[0] == layout[0] and xs[-1] == layout[-1] and (count == 4 or np.allclose(np.diff(xs), np.diff(xs)[0]))
        boxes = [
            (h.get_left()[0], h.get_right()[0], h.get_bottom()[1], h.get_top()[1])
            for h in layer_headers(xs, Theme(), size, 2.7)
        ]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                apart = a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2]
                assert apart, (count, a, b)


def test_a_network_with_three_hidden_layers_is_drawn_and_nine_are_refused(tmp_path):
    """784-16-16-16-10 crashed neurons and backprop (four fixed columns); deeper than the
    catalogue's limit is refused in one line before anything renders."""
    import torch
    from conftest import run_cli
    from safetensors.torch import save_file
    from test_cli import assert_user_error

    def imported(hidden: int):
        torch.manual_seed(hidden)
        sizes = [784, *[16] * hidden, 10]
        linears = [torch.nn.Linear(a, b) for a, b in zip(sizes, sizes[1:])]
        weights = {
            f"{2 * i}.{name}": value.contiguous()
            for i, linear in enumerate(linears)
            for name, value in linear.state_dict().items()
        }
        save_file(weights, tmp_path / f"net{hidden}.safetensors")
        result = run_cli(
            "import",
            tmp_path / f"net{hidden}.safetensors",
            "--activation",
            "sigmoid",
            "--data",
            "mnist",
            "--out",
            tmp_path / f"run{hidden}",
        )
        assert result.returncode == 0, result.stderr
        return tmp_path / f"run{hidden}"

    three = imported(3)
    for scene in ("neurons", "backprop"):
        result = run_cli(
            "render", scene, "--run", three, "--format", "png", "--resolution", "160x90", "--out", tmp_path / "out"
        )
        assert result.returncode == 0, result.stderr
    refused = run_cli("render", "neurons", "--run", imported(9), "--format", "png", "--out", tmp_path / "out")
    assert_user_error(refused, "9 hidden layers", "at most 8")


# --- the formula beat (issue 23, item 5) ---------------------------------------------------------------


def test_the_formula_beat_counts_each_layer_from_its_stored_weights_and_nothing_covers_its_row(sigmoid_run, tmp_path):
    """Each layer's line counts that layer's parameters, and the shapes are read here from the stored tensors; while a
    row stands under the network, only the veils (clear over its own layer's edges) and nothing else touches it."""
    from frames import render_for_test

    from nnexplain.scenes.neurons import Neurons

    seen = []

    class Watched(Neurons):
        def play(self, *animations, **kwargs):
            super().play(*animations, **kwargs)
            if self.beat_log and self.beat_log[-1].name == "formula":
                rows = [m for m in self.mobjects if getattr(m, "formula_layer", None) is not None]
                seen.append((rows, list(self.mobjects)))

        def formula_row(self, layer):
            row = super().formula_row(layer)
            row.formula_layer = layer
            return row

    scene = render_for_test(Watched, sigmoid_run, tmp_path)
    weights = [w for w, _ in load_run(sigmoid_run).params()]
    for layer, weight in enumerate(weights, start=1):
        rows, cols = weight.shape
        line = scene.layer_count(layer).text
        assert line.endswith(f"{rows}×{cols:,}weights+{rows}biases={rows * cols + rows:,}")  # Text drops spaces
    shown_rows = {row.formula_layer for rows, _ in seen for row in rows}
    assert shown_rows == {1, 2, 3}
    for rows, on_screen in seen:
        for row in rows:
            left, right = row.get_left()[0], row.get_right()[0]
            bottom, top = row.get_bottom()[1], row.get_top()[1]
            for other in on_screen:
                if other is row or not any(
                    p.get_fill_opacity() > 0.05 or p.get_stroke_opacity() > 0.05
                    for p in other.family_members_with_points()
                ):
                    continue
                apart = (
                    other.get_right()[0] <= left
                    or right <= other.get_left()[0]
                    or other.get_top()[1] <= bottom
                    or top <= other.get_bottom()[1]
                )
                assert apart, f"{type(other).__name__} drawn over the formula row of layer {row.formula_layer}"


def test_the_blown_up_pixels_are_the_stored_inputs_at_a_varied_patch(sigmoid_run):
    """The varied patch of a synthetic image is where its greys are; a real digit's patch writes the probe's own
    stored input values (read here from the run, reshaped 28 × 28), dark text on light squares."""
    from nnexplain.geometry.network import varied_patch
    from nnexplain.mobjects.pixels import PixelValues

    image = np.zeros((10, 10))
    image[5:9, 2:6] = np.linspace(0, 1, 16).reshape(4, 4)
    image[0:4, 0:4] = 1.0  # a uniform block: one level, however bright
    assert varied_patch(image, 4) == (5, 2)
    run = load_run(sigmoid_run)
    digit = run.probe["inputs"][3].reshape(28, 28)
    row, col = varied_patch(digit, 4)
    assert len(np.unique(np.round(digit[row : row + 4, col : col + 4], 2))) >= 3  # greys between black and white
    patch = PixelValues(digit[row : row + 4, col : col + 4], 0.7, Theme(), 24)
    written = [text.text for text in patch.texts]
    assert written == [f"{v:.2f}" for v in run.probe["inputs"][3].reshape(28, 28)[row : row + 4, col : col + 4].ravel()]
    for text, value in zip(patch.texts, digit[row : row + 4, col : col + 4].ravel()):
        dark = np.mean(text.get_fill_color().to_rgb()) < 0.5
        assert dark == (value > 0.5)


def test_one_neuron_s_sum_and_value_match_a_torch_forward_pass(run):
    """The worked neuron: its products add up to torch's pre-activation, and the activation of z is the stored one."""
    import torch

    from nnexplain.geometry.network import neuron_sum, squash

    weight, bias = run.params()[0]
    inputs = run.probe["inputs"]
    stored = run.tensors()["act.0"]
    with torch.no_grad():
        linear = torch.nn.Linear(weight.shape[1], weight.shape[0]).double()
        linear.weight.copy_(torch.from_numpy(np.asarray(weight, dtype=np.float64)))
        linear.bias.copy_(torch.from_numpy(np.asarray(bias, dtype=np.float64)))
        z = linear(torch.from_numpy(np.asarray(inputs, dtype=np.float64))).numpy()
        act = {"sigmoid": torch.sigmoid, "relu": torch.relu, "tanh": torch.tanh}[run.activation]
    for probe in range(3):
        neuron = int(np.argmax(stored[probe]))
        worked = neuron_sum(weight, bias, inputs[probe], neuron)
        assert worked.z == pytest.approx(z[probe, neuron], abs=1e-4)
        assert worked.total + worked.bias == pytest.approx(worked.z)
        assert float(squash(run.activation, worked.z)) == pytest.approx(float(stored[probe, neuron]), abs=1e-4)
        assert float(act(torch.tensor(z[probe, neuron]))) == pytest.approx(float(stored[probe, neuron]), abs=1e-4)


def _torch_forward(run):
    """The stored network run in torch on the stored probe inputs: each layer's pre-activation, in float64."""
    import torch

    act = {"sigmoid": torch.sigmoid, "relu": torch.relu, "tanh": torch.tanh}[run.activation]
    a = torch.from_numpy(np.asarray(run.probe["inputs"], dtype=np.float64))
    sums = []
    for weight, bias in run.params():
        z = a @ torch.from_numpy(np.asarray(weight, dtype=np.float64)).T + torch.from_numpy(
            np.asarray(bias, np.float64)
        )
        sums.append(z)
        a = act(z)
    return sums


def test_the_softmax_table_s_sums_and_shares_are_torch_s(run):
    """The sums written beside the outputs are torch's logits for the digit; the shares (the stored outputs) are
    torch.softmax of them, and the total written under them is 1.00."""
    import torch

    from nnexplain.scenes.neurons_formula import FormulaBeat
    from nnexplain.scenes.neurons_text import short_share

    class Table(FormulaBeat):
        epoch = None

    table = Table()
    table.run, table.view = run, network_view(run)
    logits = _torch_forward(run)[-1]
    for probe in range(3):
        sums = table.output_sums(probe)
        np.testing.assert_allclose(sums, logits[probe].numpy(), atol=1e-4)
        shares = table.view.activations[-1][probe]
        np.testing.assert_allclose(shares, torch.softmax(logits[probe], 0).numpy(), atol=1e-4)
        assert f"{float(np.sum(shares)):.2f}" == "1.00"
        best = int(np.argmax(shares))
        written = short_share(float(shares[best]))
        assert written == ">0.99" or float(written) == pytest.approx(float(shares[best]), abs=0.005)


def test_the_other_neurons_worked_out_are_other_neurons_with_torch_s_values(run):
    """ "Every neuron does the same": the few other neurons worked out are distinct, not the first one, and each
    one's z and value are torch's."""
    import torch

    from nnexplain.geometry.network import neuron_sum, squash
    from nnexplain.scenes.neurons_one import _others

    weight, bias = run.params()[0]
    stored = run.tensors()["act.0"]
    z = _torch_forward(run)[0]
    for probe in range(3):
        first = int(np.argmax(stored[probe]))
        others = _others(stored[probe], first)
        assert first not in others and len(set(others)) == len(others) >= 2
        assert len({round(float(stored[probe, n]), 2) for n in others}) >= 2  # they differ
        for n in others:
            worked = neuron_sum(np.asarray(weight), np.asarray(bias), run.probe["inputs"][probe], n)
            assert worked.z == pytest.approx(float(z[probe, n]), abs=1e-4)
            assert float(squash(run.activation, worked.z)) == pytest.approx(float(stored[probe, n]), abs=1e-4)
            assert float(torch.sigmoid(z[probe, n]) if run.activation == "sigmoid" else torch.relu(z[probe, n])) == (
                pytest.approx(float(stored[probe, n]), abs=1e-4)
            )


@pytest.mark.parametrize("reach", [6.0, 7.0, 12.0, 29.0, 31.0, 64.0, 250.0])
def test_the_curve_s_z_ticks_are_round_two_or_three_a_side_and_inside_its_range(reach):
    """The σ plot's z axis ticks (its outer two are named, e.g. −20 and 20 around z = 27.85): a 1, 2 or 5 times a
    power of ten, found here by brute force over the candidates, with between one and three ticks each side."""
    from nnexplain.scenes.neurons_one import _tick_step

    step = _tick_step(reach)
    candidates = sorted(b * 10.0**p for p in range(-1, 4) for b in (1, 2, 5))
    smallest = min(c for c in candidates if reach // c <= 3)  # the finest round spacing with at most 3 a side
    assert step == pytest.approx(smallest)
    assert 1 <= reach // step <= 3 and (reach // step) * step <= reach


def test_the_sigmoid_drawn_stays_inside_0_and_1(sigmoid_run):
    """The scene's σ curve is drawn from dense samples joined straight: no point of it leaves (0, 1) (a smoothed
    spline overshot by 1–2 px at both knees), and each point is torch's sigmoid of its z."""
    from types import SimpleNamespace

    import torch

    from nnexplain.scenes.neurons_one import OneNeuron

    run = load_run(sigmoid_run)
    scene = SimpleNamespace(run=run, theme=Theme())
    (axes, graph, _), _, _ = OneNeuron.squash_curve(scene, 27.85, 1.0, 29.0)
    points = graph.points
    low, high = axes.c2p(0, 0)[1], axes.c2p(0, 1)[1]
    assert points[:, 1].min() >= low - 1e-9 and points[:, 1].max() <= high + 1e-9
    anchors = points[::4]  # each piece's start: its handles lie on the straight chord, not on the curve
    zs = np.array([axes.p2c(p)[0] for p in anchors])
    ys = np.array([axes.p2c(p)[1] for p in anchors])
    assert np.allclose(ys, torch.sigmoid(torch.tensor(zs, dtype=torch.float64)).numpy(), atol=1e-6)
