"""Training time and accuracy of the mnist recipe (targets: >= 93% validation accuracy
on the embedded split in <= 15 s wall time on 2 CPU cores; >= 96% on full MNIST).

    python benchmarks/training.py [--seeds 0 1 2] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

from nnexplain.data import load_dataset
from nnexplain.run import load_run
from nnexplain.train.loop import train
from nnexplain.train.recipes import ACTIVATION_DEFAULTS


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--data-dir")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {args.device}")
    for activation in ("sigmoid", "relu"):
        config = ACTIVATION_DEFAULTS["mnist"](activation).with_overrides(device=args.device, data_dir=args.data_dir)
        dataset = load_dataset(config.dataset, config.data_dir)
        for seed in args.seeds:
            with tempfile.TemporaryDirectory() as out:
                started = time.perf_counter()
                train(config.with_overrides(seed=seed), Path(out) / "run", dataset=dataset)
                wall = time.perf_counter() - started
                metrics = load_run(Path(out) / "run").final_metrics
            print(
                f"mnist {activation:7s} seed {seed}: val_acc {metrics['val_acc']:.2%}  train_acc {metrics['train_acc']:.2%}  "
                f"wall {wall:5.1f} s (incl. snapshots)  [{dataset.name}: {len(dataset.x_train)} train / {len(dataset.x_val)} val]"
            )


if __name__ == "__main__":
    main()
