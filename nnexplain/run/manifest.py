"""The manifest file of a run directory: read and checked against its schema, written only when valid.

:func:`read_manifest` gives the JSON object of ``manifest.json`` once it has passed every
check: a regular file of bounded size, strict JSON, the run format and its version, and
the schema (:mod:`~nnexplain.run.schema`). :func:`write_manifest` writes one atomically,
and refuses to write what a reader would refuse.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nnexplain.errors import RunError
from nnexplain.inputs import read_bytes
from nnexplain.run.files import atomic_write

__all__ = ["FORMAT", "FORMAT_VERSION", "MANIFEST", "read_manifest", "write_manifest"]

FORMAT = "nnexplain-run"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 64 << 20  # a manifest of 60 snapshots is a few kB


def write_manifest(run_dir: Path, manifest: dict[str, Any], shown: Path | None = None) -> None:
    try:
        text = json.dumps(manifest, indent=2, sort_keys=False, allow_nan=False) + "\n"
    except ValueError:
        raise RunError(
            f"{shown or run_dir}: a value to record is NaN or infinite; the manifest holds only finite numbers"
        ) from None
    from nnexplain.run.schema import manifest_problem

    problem = manifest_problem(json.loads(text))  # nothing a reader would refuse is ever written
    if problem:
        raise RunError(f"cannot record run {shown or run_dir}: {problem}")
    atomic_write(run_dir / MANIFEST, text.encode())


def read_manifest(run_dir: Path) -> dict[str, Any]:
    path = run_dir / MANIFEST
    if run_dir.exists() and not run_dir.is_dir():
        raise RunError(f"{run_dir} is a file, not a run directory; give the run's folder (the one holding {MANIFEST})")
    if not run_dir.is_dir():
        raise RunError(f"no run directory at {run_dir}; train one with `nnexplain train RECIPE --out {run_dir}`")
    if not path.exists() and not path.is_symlink():
        raise RunError(f"{run_dir} is not a run directory: it has no {MANIFEST}")
    text = read_bytes(path, "run manifest", RunError, limit=MAX_MANIFEST_BYTES)
    try:
        manifest = json.loads(text.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise RunError(f"{path} is corrupt ({error}); retrain the run") from None
    except RecursionError:
        raise RunError(f"{path} is corrupt (nested too deep to be a run manifest); retrain the run") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RunError(f"{path} is not an nnexplain run manifest (its 'format' is not {FORMAT!r})")
    version = manifest.get("version")
    if type(version) is not int:  # "1" is not 1, and true is not 1 either
        raise RunError(f"{path} is corrupt: its version is {json.dumps(version)}, not a whole number; retrain the run")
    if version != FORMAT_VERSION:
        raise RunError(
            f"{run_dir} was written in run format version {version}; this nnexplain reads version "
            f"{FORMAT_VERSION}: retrain it with this version"
        )
    from nnexplain.run.schema import (
        validate_manifest,  # pydantic: loaded by the first run read, not by `import nnexplain`
    )

    validate_manifest(manifest, str(path))
    return manifest
