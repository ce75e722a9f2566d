"""Time the loss landscape of the default mnist run (and the other default runs ``descent`` can draw).

Each run is copied to a temporary directory (without any landscape it holds), so the
cached run is left as it is, and its landscape computed there as ``nnexplain landscape`` does:

    python benchmarks/landscape.py [--recipes mnist spiral]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from nnexplain.app.cache import ensure_default_run
from nnexplain.app.landscape import ensure_landscape
from nnexplain.run import load_run


def _forget_landscape(run_dir: Path) -> None:
    manifest_path = run_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    if manifest.pop("landscape", None):
        (run_dir / "landscape.safetensors").unlink()
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipes", nargs="+", default=["mnist", "spiral"])
    args = parser.parse_args()
    for recipe in args.recipes:
        source = ensure_default_run(recipe)
        with tempfile.TemporaryDirectory() as scratch:
            target = Path(scratch) / recipe
            shutil.copytree(source, target)
            _forget_landscape(target)  # a cached run may hold one already: time computing it afresh
            started = time.perf_counter()
            facts = ensure_landscape(load_run(target)).manifest["landscape"]
            wall = time.perf_counter() - started
        grid, subset = facts["grid"], facts["subset"]
        print(
            f"{recipe:8s} {len(load_run(source).epochs):3d} snapshots  {grid[0]}×{grid[1]} grid on {subset['first']:,} examples: "
            f"grid {facts['landscape_seconds']:.2f} s, all of it {wall:.2f} s (with reading the run and data); "
            f"explained variance {facts['explained_variance'][0]:.1%} + {facts['explained_variance'][1]:.1%} = {sum(facts['explained_variance']):.1%}",
            flush=True,
        )


if __name__ == "__main__":
    main()
