"""Voices: what turns a line of text into sound. A small interface, so an engine or a recording plugs in.

A :class:`Voice` has a ``name`` (what the speech cache and the render cache key on: it changes whenever
the sound would), a ``sample_rate`` and ``synthesize(text)``, which returns mono float32 samples in
-1..1. The text it is given is already spoken text (:func:`~nnexplain.speech.spoken.spoken_text`).

- :class:`HibariVoice`: hibari-tts (Apache-2.0), whose "heart" voice ships inside its wheel, so
  nothing is downloaded at run time. ``pip install 'nnexplain[voice]'``.
- :class:`RecordedVoice`: a folder of WAV files, one per line, named by :func:`recording_name`, for a
  lecturer who records the narration in their own voice.
- :class:`ToneVoice`: a beep per word, at once and without any engine; for tests and quick previews.

:func:`voice_named` turns what a user types (``hibari``, ``hibari:heart``, ``tone``, a folder) into one.
"""

from __future__ import annotations

import hashlib
import wave
from pathlib import Path
from typing import Protocol

import numpy as np

from nnexplain.errors import NnexplainError

__all__ = ["Voice", "HibariVoice", "RecordedVoice", "ToneVoice", "voice_named", "recording_name", "read_wav"]

DEFAULT_VOICE = "hibari"


class Voice(Protocol):
    name: str
    sample_rate: int

    def synthesize(self, text: str) -> np.ndarray: ...


class HibariVoice:
    """hibari-tts with one of the voices inside its package; the engine loads on the first line said."""

    def __init__(self, voice: str = "heart", speed: float = 1.0):
        try:
            import hibari
            from hibari.voices import VOICES
        except ImportError:
            raise NnexplainError("--voice needs a speech engine: pip install 'nnexplain[voice]' (hibari-tts)") from None
        bundled = sorted(name for name, facts in VOICES.items() if facts.get("bundled"))
        if voice not in bundled:
            # The others would be downloaded on first use, and nothing may be downloaded at run time.
            raise NnexplainError(f"voice hibari:{voice}: hibari-tts ships only {', '.join(bundled)} in its package")
        self.voice, self.speed = voice, speed
        self.sample_rate = int(hibari.SAMPLE_RATE)
        self.name = f"hibari-{hibari.__version__}:{voice}:{speed:g}"
        self._engine = None

    def synthesize(self, text: str) -> np.ndarray:
        if self._engine is None:
            from hibari import Hibari

            self._engine = Hibari(voice=self.voice, threads=1)
        # A fixed seed: the same line sounds the same in every process, so parts of a split render agree.
        try:
            return np.asarray(self._engine(text, speed=self.speed, seed=0), dtype=np.float32)
        except Exception as error:  # the engine's own failure, as one line naming what it was asked to say
            raise NnexplainError(f"hibari-tts could not say {text!r}: {error}") from None

    def __getstate__(self):  # travels to worker processes without its loaded model
        return {**self.__dict__, "_engine": None}


class ToneVoice:
    """A short tone per word with silence between: speech-shaped sound, made instantly, for tests."""

    name = "tone-1"
    sample_rate = 16000

    def synthesize(self, text: str) -> np.ndarray:
        pieces = []
        for number, word in enumerate(text.split()):
            length = 0.12 + 0.03 * min(len(word), 10)
            t = np.arange(int(length * self.sample_rate)) / self.sample_rate
            pitch = 180.0 + 40.0 * (number % 5)
            pieces.append(0.4 * np.sin(2 * np.pi * pitch * t) * np.hanning(t.size))
            pieces.append(np.zeros(int(0.06 * self.sample_rate)))
        return np.concatenate(pieces[:-1]).astype(np.float32) if pieces else np.zeros(0, np.float32)


def recording_name(text: str) -> str:
    """The file a recorded voice keeps ``text`` in: a hash of the spoken words, so edits find no stale take."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:16] + ".wav"


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A 16-bit PCM WAV file as mono float32 samples and its rate (channels averaged)."""
    with wave.open(str(path), "rb") as handle:
        if handle.getsampwidth() != 2:
            raise NnexplainError(f"{path}: only 16-bit PCM WAV files can be read")
        channels, rate = handle.getnchannels(), handle.getframerate()
        samples = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
    return samples.reshape(-1, channels).mean(axis=1), rate


class RecordedVoice:
    """Lines read from a folder of WAV files (one per line, at one sample rate), named by :func:`recording_name`."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        takes = sorted(self.folder.glob("*.wav"))
        if not takes:
            raise NnexplainError(f"voice {folder}: a recorded voice is a folder of .wav files, and it has none")
        digest = hashlib.sha256()
        for take in takes:
            digest.update(take.name.encode() + hashlib.sha256(take.read_bytes()).digest())
        self.name = f"recorded:{digest.hexdigest()[:16]}"
        self.sample_rate = read_wav(takes[0])[1]

    def synthesize(self, text: str) -> np.ndarray:
        path = self.folder / recording_name(text)
        if not path.exists():
            raise NnexplainError(f"voice {self.folder}: no recording of {text!r} (expected {path.name})")
        samples, rate = read_wav(path)
        if rate != self.sample_rate:
            raise NnexplainError(f"{path}: recorded at {rate} Hz, the others at {self.sample_rate} Hz")
        return samples


def voice_named(name: str) -> Voice:
    """``hibari`` (its bundled voice), ``hibari:VOICE``, ``tone``, or a folder of recordings."""
    engine, _, variant = name.partition(":")
    if engine == "hibari":
        return HibariVoice(variant or "heart")
    if engine == "tone":
        return ToneVoice()
    if Path(name).is_dir():
        return RecordedVoice(name)
    raise NnexplainError(f"unknown voice {name!r}: use hibari, hibari:VOICE, tone, or a folder of recordings")
