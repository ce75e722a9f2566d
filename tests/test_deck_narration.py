"""Decks carry the narration: voiced clips with a captions track in Chromium, a titled and numbered
HTML deck, and PowerPoint slides whose still is their own beat's last frame.

Oracles: Chromium's own decoder (webkitAudioDecodedByteCount, the cues it parsed), the chunks the
narration is cut into (:func:`~nnexplain.speech.timing.chunks`, one cue each), and each clip's
frames decoded with PyAV against the slide's still image.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from browser import CHROMIUM, Browser
from conftest import DATA
from test_voice import LINES, Spoken

from nnexplain.app.catalog import scene_info_of
from nnexplain.app.options import RenderOptions
from nnexplain.app.runs import resolve_runs
from nnexplain.app.slides import DeckPart, write_deck
from nnexplain.speech.timing import chunks

TINY = dict(resolution=(256, 144), fps=5)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")


def _never(recipe):
    raise AssertionError(f"the test would train {recipe}")


def _spoken_part() -> DeckPart:
    info = scene_info_of(Spoken)
    return DeckPart(info, resolve_runs(info, DATA / "square-relu-3", default_run=_never))


@pytest.fixture(scope="module")
def voiced_deck(tmp_path_factory):
    pytest.importorskip("hibari", reason="the voice extra (hibari-tts) is not installed")
    out = tmp_path_factory.mktemp("voiced-deck")
    options = RenderOptions(**TINY, narration="voice")
    return write_deck([_spoken_part()], options, out, "talk")


def test_the_deck_is_titled_after_its_scenes_and_numbers_its_slides(voiced_deck):
    html = voiced_deck.read_text()
    assert re.search(r"<title>\s*Spoken\s*</title>", html), re.search(r"<title>.*?</title>", html, re.S)
    assert "Manim Slides" not in re.search(r"<title>.*?</title>", html, re.S).group(0)
    assert re.search(r"slideNumber:\s*'c/t'", html)
    assert html.count("data-captions=") == len(LINES)


@needs_chromium
def test_chromium_plays_each_clip_with_sound_and_one_cue_per_chunk(voiced_deck, tmp_path):
    with Browser.start(tmp_path) as browser:
        browser.open(voiced_deck)
        browser.wait_for("typeof Reveal !== 'undefined' && Reveal.isReady()")
        assert browser.evaluate("document.title") == "Spoken"
        for number, text in enumerate(LINES):
            if number:
                browser.evaluate("Reveal.next()")
            video = "document.querySelector('.slide-background.present video')"
            browser.wait_for(f"{video} && {video}.readyState >= 2 && {video}.currentTime > 0.5", seconds=30)
            assert browser.evaluate(f"{video}.webkitAudioDecodedByteCount") > 0
            browser.wait_for(f"{video}.textTracks.length && {video}.textTracks[0].cues", seconds=10)
            browser.wait_for(f"{video}.textTracks[0].cues.length > 0", seconds=10)
            cues = browser.evaluate(f"Array.from({video}.textTracks[0].cues).map(cue => cue.text)")
            assert [" ".join(cue.split()) for cue in cues] == chunks(text)
            assert browser.evaluate(f"{video}.textTracks[0].mode") == "showing"
        number = browser.evaluate("document.querySelector('.slide-number').textContent")
        assert "".join(number.split()) == "3/3"
        assert browser.remote_requests() == []


def test_each_powerpoint_slide_shows_its_own_beats_last_frame(tmp_path):
    import av
    from PIL import Image
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    deck = write_deck([_spoken_part()], RenderOptions(**TINY), tmp_path, "talk", fmt="pptx")
    for slide in Presentation(str(deck)).slides:
        movie = next(shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.MEDIA)
        blip = movie._element.xpath(".//a:blip/@r:embed")[0]
        still = np.asarray(Image.open(io.BytesIO(slide.part.related_part(blip).blob)).convert("RGB")).astype(int)
        clip_part = next(
            rel.target_part for rel in slide.part.rels.values() if rel.target_part.partname.endswith(".mp4")
        )
        with av.open(io.BytesIO(clip_part.blob)) as container:
            frames = [f.to_ndarray(format="rgb24").astype(int) for f in container.decode(video=0)]
        to_last, to_first = np.abs(still - frames[-1]).mean(), np.abs(still - frames[0]).mean()
        assert to_first > 0.5 and to_last < to_first / 4, (to_last, to_first)  # its own beat's end, not its start


def test_voiced_powerpoint_slides_embed_clips_with_their_sound(tmp_path):
    import av
    from pptx import Presentation

    pytest.importorskip("hibari", reason="the voice extra (hibari-tts) is not installed")
    options = RenderOptions(**TINY, narration="voice")
    deck = write_deck([_spoken_part()], options, tmp_path, "talk", fmt="pptx")
    for slide in Presentation(str(deck)).slides:
        clip = next(rel.target_part for rel in slide.part.rels.values() if rel.target_part.partname.endswith(".mp4"))
        with av.open(io.BytesIO(clip.blob)) as container:
            assert container.streams.audio and container.streams.audio[0].codec_context.name == "aac"
            loudest = max(float(np.abs(frame.to_ndarray()).max()) for frame in container.decode(audio=0))
        assert loudest > 0.05  # its beat's speech, not silence
