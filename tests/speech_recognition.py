"""An independent listener: pocketsphinx's bundled en-us model transcribes a video's sound back to words.

Used by the voice tests to check that the narration is really said, and said intelligibly, without
trusting the code that said it. pocketsphinx ships its model inside the wheel: nothing is downloaded.
"""

from __future__ import annotations

import difflib
import re

import numpy as np

RATE = 16000  # pocketsphinx's en-us model wants 16 kHz


def transcribe(samples: np.ndarray, rate: int) -> str:
    from pocketsphinx import Decoder

    times = np.arange(0, samples.size / rate, 1 / RATE)
    resampled = np.interp(times, np.arange(samples.size) / rate, samples)
    pcm = (np.clip(resampled, -1, 1) * 32767).astype("<i2").tobytes()
    decoder = Decoder(samprate=RATE)
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    hypothesis = decoder.hyp()
    return "" if hypothesis is None else hypothesis.hypstr


def word_list(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower().replace("-", " "))


def recovered(reference: str, heard: str) -> float:
    """The share of the reference's words heard, in order (longest matching blocks of the two word lists)."""
    said, got = word_list(reference), word_list(heard)
    matcher = difflib.SequenceMatcher(a=said, b=got, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(1, len(said))
