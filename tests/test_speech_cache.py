"""Synthesised speech is cached by its spoken words and the voice (issue 22): said once, then read back.

The oracle is the voice itself: a voice that counts what it is asked to say, so a cache hit is a line the
voice was not asked for again, and a miss is one it was.
"""

from __future__ import annotations

import numpy as np

from nnexplain.speech.speaker import Speaker
from nnexplain.speech.spoken import spoken_text


class CountingVoice:
    """A tone per line whose pitch depends on the line, that remembers every line it was asked to say."""

    sample_rate = 16000

    def __init__(self, name: str = "counting-1"):
        self.name, self.asked = name, []

    def synthesize(self, text: str) -> np.ndarray:
        self.asked.append(text)
        t = np.arange(self.sample_rate // 4) / self.sample_rate
        return (0.5 * np.sin(2 * np.pi * (200 + len(text)) * t)).astype(np.float32)


def _speaker(cache_root, voice) -> Speaker:
    return Speaker(voice.name, cache_root, _voice=voice)


def test_a_line_is_synthesised_once_and_read_back_by_every_later_speaker(tmp_path):
    voice = CountingVoice()
    first = _speaker(tmp_path, voice).said("Accuracy is 93.6%.")
    again = _speaker(tmp_path, voice).said("Accuracy is 93.6%.")  # a new speaker: another process, a re-render
    assert voice.asked == [spoken_text("Accuracy is 93.6%.")]  # the engine is asked in words, and only once
    assert "ninety-three point six percent" in voice.asked[0]
    np.testing.assert_array_equal(first, again)


def test_another_voice_or_other_words_are_synthesised_anew(tmp_path):
    voice, other = CountingVoice(), CountingVoice("counting-2")
    _speaker(tmp_path, voice).said("The loss falls.")
    _speaker(tmp_path, other).said("The loss falls.")  # same words, another voice
    _speaker(tmp_path, voice).said("The loss rises.")  # same voice, other words
    assert voice.asked == ["The loss falls.", "The loss rises."] and other.asked == ["The loss falls."]


def test_a_damaged_cache_file_is_said_again_and_replaced(tmp_path):
    voice = CountingVoice()
    speaker = _speaker(tmp_path, voice)
    speaker.said("Three hinges.")
    (stored,) = tmp_path.rglob("*.npy")
    stored.write_bytes(b"not a numpy file")
    speaker.said("Three hinges.")
    assert voice.asked == ["Three hinges.", "Three hinges."]
    assert np.load(stored).dtype == np.float32  # replaced by a whole file
    _speaker(tmp_path, voice).said("Three hinges.")
    assert len(voice.asked) == 2
