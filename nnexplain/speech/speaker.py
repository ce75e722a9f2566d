"""The speaker of a render: a voice, the speech cache, and the timing and sound of each line it says.

A :class:`Speaker` is what a scene in voice mode is handed (through ``bind``): it pickles (a split
render's processes and Ray workers each get one) and says nothing until asked. For a line it gives

- :meth:`Speaker.timing`: its chunks (:func:`~nnexplain.speech.timing.chunks`), each spoken on its own
  and placed one after another with :data:`~nnexplain.speech.timing.CHUNK_GAP` between, and the
  line's length: the speech plus :data:`~nnexplain.speech.timing.LINE_PAUSE`. The scene holds the
  line that long, so the picture keeps time with the voice;
- :meth:`Speaker.audio`: the samples laid out at exactly those times, for the soundtrack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nnexplain.speech.cache import SpeechCache
from nnexplain.speech.spoken import spoken_text
from nnexplain.speech.timing import CHUNK_GAP, LINE_PAUSE, Chunk, Timing, chunks
from nnexplain.speech.voice import Voice, voice_named

__all__ = ["Speaker", "trim_silence"]

SILENCE = 0.01  # below 1% of full scale a sample is silence, for trimming each chunk's ends
KEEP = 0.02  # seconds of the quiet edge kept, so a consonant's onset is not clipped


def trim_silence(samples: np.ndarray, rate: int) -> np.ndarray:
    """``samples`` without the silence before the first sound and after the last (a little kept)."""
    loud = np.flatnonzero(np.abs(samples) > SILENCE)
    if loud.size == 0:
        return samples[:0]
    keep = int(KEEP * rate)
    return samples[max(0, loud[0] - keep) : loud[-1] + 1 + keep]


@dataclass
class Speaker:
    voice_name: str
    cache_root: Path | None = None  # None: nothing kept between processes
    _voice: Voice | None = field(default=None, repr=False, compare=False)

    @property
    def voice(self) -> Voice:
        if self._voice is None:
            self._voice = voice_named(self.voice_name)
        return self._voice

    def __getstate__(self):  # the voice (a loaded model) is made again where the speaker arrives
        return {**self.__dict__, "_voice": None}

    @property
    def sample_rate(self) -> int:
        return self.voice.sample_rate

    def said(self, chunk: str) -> np.ndarray:
        """The samples of one chunk, from the cache or the voice (and then kept)."""
        voice, text = self.voice, spoken_text(chunk)
        cache = SpeechCache(self.cache_root) if self.cache_root else None
        samples = cache.get(voice.name, text) if cache else None
        if samples is None:
            samples = trim_silence(np.asarray(voice.synthesize(text), dtype=np.float32), voice.sample_rate)
            if cache:
                cache.put(voice.name, text, samples)
        return samples

    def timing(self, text: str) -> Timing:
        at, timed = 0.0, []
        for piece in chunks(text):
            length = len(self.said(piece)) / self.sample_rate
            timed.append(Chunk(piece, at, at + length))
            at += length + CHUNK_GAP
        speech = timed[-1].end if timed else 0.0
        return Timing(tuple(timed), speech + LINE_PAUSE)

    def audio(self, text: str) -> np.ndarray:
        """The line as said: its chunks at the times :meth:`timing` gives, silence between."""
        timing, rate = self.timing(text), self.sample_rate
        out = np.zeros(round(timing.duration * rate), dtype=np.float32)
        for chunk in timing.chunks:
            samples = self.said(chunk.text)
            start = round(chunk.start * rate)
            out[start : start + samples.size] = samples[: max(0, out.size - start)]
        return out
