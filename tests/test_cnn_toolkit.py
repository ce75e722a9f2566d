"""The rest of the toolkit knows CNNs: info describes them, scenes that cannot draw one refuse it in one line."""

from __future__ import annotations

import json

import pytest
from conftest import DATA, run_cli

from nnexplain.app.catalog import SCENES, check_run_suits
from nnexplain.errors import RunError
from nnexplain.scenes.base.spec import layer_kinds_refusal

CNN = DATA / "cnn-mnist"


def test_info_lists_a_cnns_layers_with_their_shapes_and_parameters():
    result = run_cli("info", str(CNN))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "1×28×28 → conv2d 5×5×8 + relu → maxpool2d 2×2 → conv2d 5×5×16 + relu" in out
    assert "layer 0" in out and "conv2d 5×5×8 → 8×24×24 (208 parameters)" in out
    assert "maxpool2d 2×2 → 16×4×4 (0 parameters)" in out and "dense 10 → 10 (2,570 parameters)" in out
    assert "parameters       5,994" in out


@pytest.mark.parametrize("scene", [name for name, info in SCENES.items() if "conv2d" not in (info.layer_kinds or ())])
def test_scenes_that_draw_only_dense_layers_refuse_a_cnn_in_one_line(scene):
    manifest = json.loads((CNN / "manifest.json").read_text())
    with pytest.raises(RunError) as refused:
        check_run_suits(SCENES[scene], manifest, str(CNN))
    assert str(refused.value) == (
        f"scene {scene!r} cannot draw run {CNN}: it has conv2d, maxpool2d and flatten layers, "
        "and this scene draws only dense layers"
    )


def test_render_of_a_cnn_by_an_mlp_scene_is_one_line_and_exit_2():
    result = run_cli("render", "neurons", "--run", str(CNN), "--quality", "low")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "conv2d" in result.stderr


def test_layer_kinds_refusal_passes_plain_mlps_and_scenes_of_any_kind():
    mlp = json.loads((DATA / "mlp-mnist-6k" / "manifest.json").read_text())
    cnn = json.loads((CNN / "manifest.json").read_text())
    assert layer_kinds_refusal(mlp, ("dense",)) is None
    assert layer_kinds_refusal(cnn, None) is None
    assert layer_kinds_refusal(cnn, ("dense", "conv2d", "maxpool2d", "flatten")) is None
    assert layer_kinds_refusal(cnn, ("dense", "conv2d")) == (
        "has maxpool2d and flatten layers, and this scene draws only dense and conv2d layers"
    )
