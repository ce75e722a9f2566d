"""relu-square writes a piece's slope as the sum of its units' slopes: the numbers, and the written sum, match a
finite-difference slope of the stored network's output (torch, from the stored weights)."""

import numpy as np
import pytest
import torch
from conftest import DATA

from nnexplain.run import load_run


def _network(params):
    (w1, b1), (w2, b2) = [[torch.from_numpy(np.asarray(a, np.float64)) for a in layer] for layer in params]
    return lambda x: torch.relu(x[:, None] * w1[:, 0] + b1) @ w2[0] + b2[0]


@pytest.mark.parametrize("epoch_index", [0, -1])
def test_each_piece_slope_is_the_finite_difference_slope_of_the_output(epoch_index):
    from nnexplain.geometry.hinges import output_kinks
    from nnexplain.geometry.piece_slopes import piece_slopes
    from nnexplain.scenes.base.piece_slopes import slope_sum_text

    run = load_run(DATA / "square-relu-3")
    params = run.params(run.epochs[epoch_index])
    kinks = output_kinks(params, run.activation, (-1.0, 1.0))
    pieces = piece_slopes(params, kinks, (-1.0, 1.0))
    assert len(pieces) == len(kinks) + 1
    net = _network(params)
    for piece in pieces:
        middle, h = (piece.low + piece.high) / 2, 1e-6 * (piece.high - piece.low)
        x = torch.tensor([middle - h, middle + h], dtype=torch.float64)
        y = net(x)
        slope = float((y[1] - y[0]) / (2 * h))
        assert piece.slope == pytest.approx(slope, abs=1e-6)
        if piece.units:
            written, total = slope_sum_text(piece)
            assert total == pytest.approx(slope, abs=0.002)
            assert written.endswith(f"{total:.3f}".replace("-", "−"))
        # Each unit named on is one whose own ReLU moves across the piece's middle (finite difference, torch).
        (w1, b1), _ = [[torch.from_numpy(np.asarray(a, np.float64)) for a in layer] for layer in params]
        moves = (torch.relu(x[1] * w1[:, 0] + b1) - torch.relu(x[0] * w1[:, 0] + b1)).abs() > 0
        on = [j for j in range(len(b1)) if bool(moves[j])]
        assert list(piece.units) == on


def test_the_written_sum_adds_up():
    from nnexplain.geometry.piece_slopes import PieceSlope
    from nnexplain.scenes.base.piece_slopes import slope_sum_text

    written, total = slope_sum_text(PieceSlope(1, -1.0, -0.6, (0, 1), (-0.7573, -0.8658)))
    assert written == "−0.757 + (−0.866)\n= −1.623" and total == pytest.approx(-1.623)
