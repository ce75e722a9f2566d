"""The narration said aloud: numbers in words, the sound in every video, in time, and heard back.

Oracles independent of the code under test: the issue's own readings of numbers; the video's
frame count against its audio stream's decoded length; pocketsphinx (an offline recogniser from
PyPI, its en-us model in the wheel) transcribing the sound back; speech onsets found in the decoded
waveform by its loudness, against the subtitle file's cue times.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import DATA, run_cli
from frames import scene_runs
from hypothesis import given, settings
from hypothesis import strategies as st
from speech_recognition import recovered, transcribe
from test_cli import assert_user_error

from nnexplain.app.catalog import scene_info_of
from nnexplain.app.options import RenderOptions
from nnexplain.app.render import RenderJob, render_scene
from nnexplain.app.soundtrack import RATE, read_sound, video_seconds
from nnexplain.scenes import RunScene
from nnexplain.speech.numbers import integer_words, number_words
from nnexplain.speech.spoken import spoken_text
from nnexplain.speech.timing import CUE_LINES, CUE_WIDTH, chunks, cue_lines

FPS = 5
SMALL = dict(resolution=(256, 144), fps=FPS)
RECOVERED_AT_LEAST = 0.70  # of the narration's words, in order; a reversed track scored about 0.1
LINES = (
    "The network gets 93.6% of the test digits right.",
    "Each hidden layer has 16 neurons, and the input has 784 pixels.",
    "The loss falls from 2.3 to 0.25 after 30 epochs.",
)


class Spoken(RunScene):
    """Three beats, each a line said while something moves."""

    def construct(self):
        from manim import Square

        square = Square()
        self.add(square)
        for number, text in enumerate(LINES):
            self.beat(f"line {number}")
            with self.narrate(text) as line:
                self.play(square.animate.rotate(0.5), run_time=line.duration / 2)


# --- numbers and symbols as a person says them ------------------------------------------------


@pytest.mark.parametrize(
    "written, said",
    [
        ("93.6%", "ninety-three point six percent"),
        ("W₂", "W two"),
        ("16×784", "sixteen by seven hundred and eighty-four"),
        ("13,002 parameters", "thirteen thousand and two parameters"),
        ("784-16-16-10", "seven hundred and eighty-four, sixteen, sixteen, ten"),
        ("−0.036", "minus zero point zero three six"),
        ("∂C/∂w", "d C by d w"),
        ("x² ≈ 0.5", "x squared about zero point five"),
        ("the 3rd layer", "the third layer"),
        ("C = (a⁽ᴸ⁾ − y)²", "C equals (a L minus y) squared"),
        ("a⁽ᴸ⁻¹⁾", "a L minus one"),
    ],
)
def test_numbers_and_symbols_are_read_as_a_person_says_them(written, said):
    assert spoken_text(written) == said


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_spoken_text_is_always_plain_ascii_an_engine_can_spell(text):
    assert spoken_text(text).isascii()


def test_whole_numbers_in_words_follow_their_digits():
    """Each scale's word stands where its digits are: a brute-force check over many numbers."""
    ones = "zero one two three four five six seven eight nine".split()
    for n in list(range(0, 1200)) + [1_000_000, 2_000_017, 10**9 + 5]:
        words = integer_words(n)
        assert ("thousand" in words) == (1000 <= n % 10**6) and ("million" in words) == (10**6 <= n < 10**9)
        assert ("hundred" in words) == (n % 1000 >= 100), (n, words)
        if n < 10:
            assert words == ones[n]
    assert number_words("1,250") == "one thousand two hundred and fifty"


def test_every_chunk_fits_a_cue_and_the_chunks_keep_every_word():
    text = " ".join(LINES * 3) + " " + ("a-very-long-word-with-no-space-at-all-" * 4)
    pieces = chunks(text)
    assert " ".join(pieces).split() == text.split() or "".join(" ".join(pieces).split()) == "".join(text.split())
    for piece in pieces:
        lines = cue_lines(piece)
        assert len(lines) <= CUE_LINES and all(len(line) <= CUE_WIDTH for line in lines), lines


# --- a voiced render ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def voiced(tmp_path_factory):
    """One voiced render (hibari), in one process and in two, with sections, mp4; and a webm."""
    pytest.importorskip("hibari", reason="the voice extra (hibari-tts) is not installed")
    import os

    scratch = tmp_path_factory.mktemp("voiced")
    os.environ["NNEXPLAIN_CACHE"] = str(scratch / "cache")  # the speech cache, shared by the renders below
    runs = scene_runs(Spoken, DATA / "square-relu-3")
    info = scene_info_of(Spoken)
    options = RenderOptions(**SMALL, sections=True, narration="voice")
    one = render_scene(RenderJob(info, runs, options, scene_class=Spoken), scratch / "one")
    notes = []
    two = render_scene(RenderJob(info, runs, options, jobs=2, scene_class=Spoken), scratch / "two", note=notes.append)
    assert notes == []  # it really was split
    webm = render_scene(
        RenderJob(info, runs, RenderOptions(**SMALL, fmt="webm", narration="voice"), scene_class=Spoken),
        scratch / "webm",
    )
    return one, two, webm


def test_the_audio_lasts_as_long_as_the_video_in_mp4_webm_and_every_section(voiced):
    one, _, webm = voiced
    for video in [one.path, webm.path, *one.sections]:
        samples, seconds = read_sound(video)
        assert abs(seconds - video_seconds(video)) <= 1 / FPS, video.name
        assert np.abs(samples).max() > 0.05, f"{video.name} is silent"
    assert len(one.sections) == len(LINES)


def _loudness(samples: np.ndarray, step: int = RATE // 100) -> np.ndarray:
    """Root-mean-square loudness over 10 ms windows."""
    frames = samples[: samples.size // step * step].reshape(-1, step)
    return np.sqrt((frames**2).mean(axis=1))


def test_each_sections_sound_is_the_stretch_of_the_whole_under_its_frames(voiced):
    one, _, _ = voiced
    whole, _ = read_sound(one.path)
    at = 0.0
    for clip in one.sections:
        own = _loudness(read_sound(clip)[0])
        under = _loudness(whole[round(at * RATE) :])[: own.size]
        own = own[: under.size]
        assert own.max() > 0.02 and np.corrcoef(own, under)[0, 1] > 0.98, clip.name
        at += video_seconds(clip)


def test_a_listener_hears_the_narration_and_not_a_scrambled_track(voiced):
    one, _, _ = voiced
    samples, _ = read_sound(one.path)
    reference = " ".join(spoken_text(text) for text in LINES)
    heard = recovered(reference, transcribe(samples, RATE))
    assert heard >= RECOVERED_AT_LEAST, heard
    scrambled = recovered(reference, transcribe(samples[::-1].copy(), RATE))
    assert scrambled < 0.3, scrambled


def _onsets(samples: np.ndarray, quiet: float = 0.25) -> list[float]:
    """Where the sound turns from silence (``quiet`` seconds and more) to speech, from 10 ms loudness."""
    loud = _loudness(samples) > 0.02
    onsets, silent_for = [], quiet
    for index, is_loud in enumerate(loud):
        if is_loud and silent_for >= quiet:
            onsets.append(index / 100)
        silent_for = 0.0 if is_loud else silent_for + 0.01
    return onsets


def _cue_starts(subtitles: Path) -> list[float]:
    starts = re.findall(r"(\d\d):(\d\d):(\d\d),(\d\d\d) -->", subtitles.read_text())
    return [int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000 for h, m, s, ms in starts]


def test_each_subtitle_cue_starts_where_speech_does(voiced):
    one, _, _ = voiced
    samples, _ = read_sound(one.path)
    onsets, starts = _onsets(samples), _cue_starts(one.path.with_suffix(".srt"))
    assert len(starts) >= len(LINES) and len(onsets) >= len(starts), (onsets, starts)
    for start in starts:  # a pause inside a sentence is an onset too, with no cue of its own
        assert min(abs(onset - start) for onset in onsets) <= 0.3, (start, onsets)
    late = [start + 0.6 for start in starts]  # the check can fail: cues 0.6 s late miss their onsets
    assert any(min(abs(onset - start) for onset in onsets) > 0.3 for start in late)


def test_two_processes_give_the_picture_and_sound_of_one(voiced):
    from test_split import _assert_same_frames

    one, two, _ = voiced
    _assert_same_frames(one.path, two.path)
    first, second = read_sound(one.path)[0], read_sound(two.path)[0]
    assert abs(first.size - second.size) <= 1024  # one AAC frame
    size = min(first.size, second.size)
    assert np.max(np.abs(first[:size] - second[:size])) < 1e-3
    assert one.path.with_suffix(".srt").read_text() == two.path.with_suffix(".srt").read_text()


def test_a_voiced_line_lasts_as_long_as_it_is_said(tmp_path):
    """The picture keeps time with the voice: a line with a tone per word holds for its tones."""
    from nnexplain.speech.speaker import Speaker
    from nnexplain.speech.voice import ToneVoice

    runs = scene_runs(Spoken, DATA / "square-relu-3")
    job = RenderJob(scene_info_of(Spoken), runs, RenderOptions(**SMALL, narration="voice", voice="tone"))
    result = render_scene(job, tmp_path / "out")
    speaker = Speaker("tone")
    said = sum(speaker.timing(text).duration for text in LINES)
    assert video_seconds(result.path) == pytest.approx(said, abs=2 / FPS)
    tone = ToneVoice()
    words = sum(len(spoken_text(text).split()) for text in LINES)
    assert said > words * 0.12 and tone.sample_rate == speaker.sample_rate


def test_silent_videos_get_subtitles_timed_to_the_reading_pace(tmp_path):
    runs = scene_runs(Spoken, DATA / "square-relu-3")
    result = render_scene(RenderJob(scene_info_of(Spoken), runs, RenderOptions(**SMALL)), tmp_path / "out")
    srt, vtt = result.path.with_suffix(".srt"), result.path.with_suffix(".vtt")
    assert vtt.read_text().startswith("WEBVTT") and "93.6%" in srt.read_text()
    starts = _cue_starts(srt)
    words = [len(text.split()) for text in LINES]
    assert starts[1] - starts[0] == pytest.approx(words[0] / 3, abs=0.05)  # three words a second
    import av

    with av.open(str(result.path)) as container:
        assert not container.streams.audio  # no voice, no sound


def test_voice_without_the_extra_is_one_line_and_exit_2(tmp_path):
    blocker = tmp_path / "blocker" / "hibari"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('hidden for this test')\n")
    result = run_cli(
        "render", "relu-square", "--run", DATA / "square-relu-3", "--voice", "--out", tmp_path / "out",
        env={"PYTHONPATH": str(blocker.parent)},
    )  # fmt: skip
    assert_user_error(result, "nnexplain[voice]")
    assert not (tmp_path / "out").exists()


def test_a_gif_says_once_that_it_has_no_sound(tmp_path):
    runs = scene_runs(Spoken, DATA / "square-relu-3")
    notes = []
    options = RenderOptions(resolution=(128, 72), fps=3, fmt="gif", narration="voice", voice="tone")
    result = render_scene(RenderJob(scene_info_of(Spoken), runs, options), tmp_path, note=notes.append)
    assert notes == ["a gif has no sound: the narration is in the subtitles beside it"]
    assert result.path.with_suffix(".srt").exists()


def test_the_cache_key_holds_the_narration_and_the_voice():
    from nnexplain.app.render_cache import scene_key

    runs = scene_runs(Spoken, DATA / "square-relu-3")
    keys = {
        scene_key(RenderJob(scene_info_of(Spoken), runs, RenderOptions(**SMALL, **change), scene_class=Spoken))
        for change in (
            {},
            {"narration": "presenter"},
            {"narration": "voice", "voice": "tone"},
            {"narration": "voice", "voice": "hibari"},
            {"burn_subtitles": True},
        )
    }
    assert len(keys) == 5


# --- presenter mode: the paragraphs leave the picture --------------------------------------------


class Captioned(RunScene):
    """A beat whose line is drawn as a caption, with a square that moves meanwhile."""

    draw_caption = True

    def construct(self):
        from manim import DOWN, Square

        from nnexplain.mobjects.style import label

        square = Square().shift(0.5 * DOWN)
        self.add(square)
        self.beat("only")
        text = LINES[0]
        caption = label(text, self.theme, 24).to_edge(DOWN) if self.draw_caption else None
        self.play(*self.say(text, caption), square.animate.rotate(0.3), run_time=0.5)
        self.play(square.animate.rotate(0.3), run_time=0.5)


class Presenting(Captioned):
    narration_mode = "presenter"


class Bare(Captioned):
    draw_caption = False


def test_presenter_mode_draws_no_paragraph_and_keeps_the_timeline(tmp_path):
    from frames import render_for_test

    def last_frame(scene_class, where):
        scene = render_for_test(scene_class, DATA / "square-relu-3", tmp_path / where)
        return np.asarray(scene.renderer.get_frame()), scene

    captioned, with_caption = last_frame(Captioned, "captions")
    presented, presenting = last_frame(Presenting, "presenter")
    bare, _ = last_frame(Bare, "bare")
    assert np.array_equal(presented, bare)  # the oracle: the same scene never given a caption
    assert not np.array_equal(captioned, bare)  # the check can fail: the caption is drawn in captions mode
    assert presenting.script_time == pytest.approx(with_caption.script_time)
    assert [line.text for line in presenting.narrator.log] == [LINES[0]]  # still narrated: notes, subtitles


def test_burnt_subtitles_are_drawn_at_the_foot_of_the_frames_their_cues_cover(tmp_path):
    import av

    runs = scene_runs(Spoken, DATA / "square-relu-3")
    plain, burnt = (
        render_scene(
            RenderJob(scene_info_of(Spoken), runs, RenderOptions(**SMALL, burn_subtitles=burn), scene_class=Spoken),
            tmp_path / f"burn-{burn}",
        )
        for burn in (False, True)
    )

    def frames(path):
        with av.open(str(path)) as container:
            return [frame.to_ndarray(format="rgb24").astype(int) for frame in container.decode(video=0)]

    starts = _cue_starts(plain.path.with_suffix(".srt"))
    first, second = frames(plain.path), frames(burnt.path)
    assert len(first) == len(second)
    inside = round((starts[0] + 0.5) * FPS)  # half a second into the first cue
    foot = slice(-50, None)
    assert np.abs(first[inside][foot] - second[inside][foot]).mean() > 5  # the cue is there
    assert np.abs(first[inside][:60] - second[inside][:60]).mean() < 2  # and nothing else changed


def test_a_cached_voiced_render_comes_back_with_its_sound_and_subtitles(tmp_path, monkeypatch):
    from nnexplain.app import render as render_module
    from nnexplain.app.render_cache import RenderCache

    cache = RenderCache(tmp_path / "cache")
    runs = scene_runs(Spoken, DATA / "square-relu-3")
    job = RenderJob(scene_info_of(Spoken), runs, RenderOptions(**SMALL, narration="voice", voice="tone"))
    first = render_scene(job, tmp_path / "first", cache=cache)
    monkeypatch.setattr(render_module, "_draw", lambda *a, **k: pytest.fail("drew the scene again"))
    again = render_scene(job, tmp_path / "again", cache=cache)
    assert again.path.read_bytes() == first.path.read_bytes()
    assert [p.read_text() for p in again.beside] == [p.read_text() for p in first.beside]
    assert [p.suffix for p in again.beside] == [".srt", ".vtt"] and read_sound(again.path)[1] > 1
