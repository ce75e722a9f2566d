"""Synthesised speech kept on disk: each chunk's samples, filed by its spoken text and the voice.

A re-render, every process of a split render and every scene that says the same words reuse them.
Files are written to a temporary name and renamed, so a process reading one never sees half of it;
one that does not parse is said again and replaced.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["SpeechCache"]


class SpeechCache:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, voice_name: str, text: str) -> Path:
        key = hashlib.sha256(f"{voice_name}\0{text}".encode()).hexdigest()
        return self.root / key[:2] / f"{key}.npy"

    def get(self, voice_name: str, text: str) -> np.ndarray | None:
        path = self.path(voice_name, text)
        try:
            samples = np.load(path, allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return None
        return samples if samples.dtype == np.float32 and samples.ndim == 1 else None

    def put(self, voice_name: str, text: str, samples: np.ndarray) -> None:
        path = self.path(voice_name, text)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, staged = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                np.save(out, np.asarray(samples, dtype=np.float32), allow_pickle=False)
            os.replace(staged, path)
        except BaseException:
            Path(staged).unlink(missing_ok=True)
            raise
