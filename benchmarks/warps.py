"""Computing the recorded warps of 2-D runs: 50 snapshots of a deep narrow net.

Trains the spiral recipe (2-2-2-2-2-2, five affine layers) and a six-affine-layer
variant (2-2-2-2-2-2-2) with 50 snapshots each, then times recomputing every
snapshot's warps from its stored weights (what the warp contributor does while
recording), and the whole snapshot (warps plus the probe's activations). The
target is under 1 s for all 50 snapshots on 2 CPU cores.

    python benchmarks/warps.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import torch

from nnexplain.run import load_run
from nnexplain.run.contents import STANDARD_CONTENTS, GridSpec, layer_warps
from nnexplain.run.snapshot import snapshot_tensors
from nnexplain.train.loop import train
from nnexplain.train.recipes import get_recipe

SNAPSHOTS = 50
REPEATS = 5


def best_of(function) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(name: str, config, out: Path) -> None:
    started = time.perf_counter()
    train(config, out)
    trained = time.perf_counter() - started
    run = load_run(out)
    spec = GridSpec.from_dataset(run.dataset)
    params = [run.params(epoch) for epoch in run.epochs]
    inputs = run.probe["inputs"]
    warps = best_of(lambda: [layer_warps(p, run.activation, spec) for p in params])
    whole = best_of(lambda: [snapshot_tensors(p, run.manifest, inputs, STANDARD_CONTENTS) for p in params])
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 1e6
    grid = f"{2 * spec.lines} lines × {spec.points} points"
    print(f"{name}: {'-'.join(map(str, run.layers))}, {len(params)} snapshots, grid {grid}")
    print(f"  warps of all snapshots     {warps:.3f} s  (best of {REPEATS})")
    print(f"  whole snapshots (+ probe)  {whole:.3f} s")
    print(f"  training and recording     {trained:.1f} s, run directory {size:.1f} MB")


def main() -> None:
    torch.set_num_threads(1)  # tiny networks: threads only add overhead
    spiral = get_recipe("spiral").config.with_overrides(device="cpu", max_snapshots=SNAPSHOTS)
    deeper = spiral.with_overrides(hidden=(2, 2, 2, 2, 2), epochs=200)
    with tempfile.TemporaryDirectory() as scratch:
        measure("spiral recipe", spiral, Path(scratch) / "spiral")
        measure("six affine layers", deeper, Path(scratch) / "deeper")


if __name__ == "__main__":
    main()
