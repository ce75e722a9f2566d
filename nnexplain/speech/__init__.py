"""Speech: narration said aloud, offline. A floor below the scenes; it needs numpy, never manim.

- :mod:`~nnexplain.speech.spoken` and :mod:`~nnexplain.speech.numbers`: text as a person reads it
  ("93.6%" -> "ninety-three point six percent", "W₂" -> "W two", "16×784" -> "sixteen by seven
  hundred and eighty-four");
- :mod:`~nnexplain.speech.voice`: the :class:`~nnexplain.speech.voice.Voice` interface and its engines
  (hibari-tts, a folder of recordings, a tone voice for tests), by name with :func:`voice_named`;
- :mod:`~nnexplain.speech.cache`: synthesised speech kept on disk, keyed by text and voice;
- :mod:`~nnexplain.speech.timing`: a line cut into subtitle-sized chunks, each timed, by the voice or
  by the reading pace.
"""
