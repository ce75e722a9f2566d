"""Slide decks in the programs lecturers present with: headless Chromium (no network) and LibreOffice."""

import html
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest
from browser import CHROMIUM, Browser
from conftest import DATA, ahead_on_path, run_cli
from fixture_runs import default_fixtures
from manim import Circle, Create, FadeOut, Rotate
from test_cli import assert_user_error
from test_speaker_notes import storyboard

from nnexplain.app.catalog import get_scene, scene_info_of
from nnexplain.app.options import RenderOptions
from nnexplain.app.runs import resolve_runs
from nnexplain.app.slides import DeckPart, write_deck
from nnexplain.run import load_run
from nnexplain.scenes import RunScene

TINY = RenderOptions(resolution=(256, 144), fps=5)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-impress)"
)

RUNS = {scene: default_fixtures(scene).main for scene in ("relu-square", "neurons")}  # two scenes, one deck


def _beats(scene: str, run_dir, tmp_path, **further) -> list:
    """The scene's beats on this run, from its storyboard: one slide each."""
    return storyboard(scene, run_dir, tmp_path / f"storyboard-{scene}", **further).beat_log


def _never(recipe):
    raise AssertionError(f"the test would train {recipe}")


def _part(scene: str) -> DeckPart:
    info = get_scene(scene)
    return DeckPart(info, resolve_runs(info, RUNS[scene], default_run=_never))


class Looping(RunScene):
    """A three-beat scene whose middle beat is a spinning view, marked to loop."""

    def construct(self):
        circle = Circle()
        self.beat("appear")
        self.say("A circle appears.")
        self.play(Create(circle), run_time=0.6)
        self.beat("spin", loop=True)
        self.say("It **spins**, round.")
        self.play(Rotate(circle, 3.14159), run_time=0.6)
        self.beat("leave")
        self.say("Gone.")
        self.play(FadeOut(circle), run_time=0.6)


@pytest.fixture(scope="module")
def lecture(tmp_path_factory):
    """One HTML deck of two scenes, rendered in parallel, and its one-file twin."""
    out = tmp_path_factory.mktemp("lecture")
    parts = [_part("relu-square"), _part("neurons")]
    deck = write_deck(parts, TINY, out / "deck", "lecture", jobs=2)
    single = write_deck(parts[:1], TINY, out / "single", "relu-square", one_file=True)
    return deck, single


@pytest.fixture(scope="module")
def powerpoint(tmp_path_factory):
    out = tmp_path_factory.mktemp("pptx")
    looping = DeckPart(
        scene_info_of(Looping), resolve_runs(scene_info_of(Looping), DATA / "square-relu-3", default_run=_never)
    )
    return write_deck([_part("relu-square"), looping], TINY, out, "talk", fmt="pptx")


def _slide_count(html: str) -> int:
    return len(re.findall(r"<section\b", html))


def test_the_html_deck_is_offline_and_ordered(lecture, tmp_path):
    deck, _ = lecture
    html = deck.read_text()
    assert deck.name == "lecture.html"
    live = re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL)  # the template's commented-out examples load nothing
    assert re.findall(r'(?:src|href)="(?!lecture_assets/|data:)([^"]*)"', live) == []  # no CDN: every file is beside it
    assert (deck.parent / "lecture_assets" / "reveal.js" / "dist" / "reveal.js").is_file()
    assert (deck.parent / "lecture_assets" / "reveal.js" / "LICENSE").read_text().startswith("Copyright (C) 2011")
    beats = [len(_beats(scene, RUNS[scene], tmp_path)) for scene in ("relu-square", "neurons")]
    assert _slide_count(html) == sum(beats)  # relu-square's beats, then neurons'
    assert html.index("s0_") < html.index("s1_")  # the first scene's clips come first


@needs_chromium
def test_chromium_with_no_network_runs_the_deck_and_plays_the_first_clip(lecture, tmp_path):
    deck, _ = lecture
    beats = {scene: _beats(scene, RUNS[scene], tmp_path) for scene in ("relu-square", "neurons")}
    written = [beat.note for scene in ("relu-square", "neurons") for beat in beats[scene]]
    with Browser.start(tmp_path) as browser:
        browser.open(deck)
        browser.wait_for("typeof Reveal !== 'undefined' && Reveal.isReady()")
        assert browser.evaluate("Reveal.getTotalSlides()") == len(written)
        _assert_first_clip_plays(browser)
        notes = browser.evaluate("Reveal.getSlides().map(s => Reveal.getSlideNotes(s) || '')")
        assert browser.remote_requests() == []
    assert len(notes) == len(written) and all(notes)
    assert notes == [
        f"<p>{html.escape(note, quote=False)}</p>\n" for note in written
    ]  # each scene's own notes, as Markdown shows them
    accuracy = f"{100 * load_run(RUNS['neurons']).final_metrics['val_acc']:.1f}%"
    assert accuracy in notes[len(beats["relu-square"])]  # neurons' opening beat: its run's accuracy


@needs_chromium
def test_the_one_file_deck_works_alone(lecture, tmp_path):
    _, single = lecture
    alone = tmp_path / "mailed" / "deck.html"
    alone.parent.mkdir()
    shutil.copy(single, alone)  # nothing beside it: no assets folder
    live = re.sub(r"<!--.*?-->", "", alone.read_text(), flags=re.DOTALL)
    assert "<script src=" not in live and 'rel="stylesheet"' not in live and "data:video/mp4;base64," in live
    with Browser.start(tmp_path) as browser:
        browser.open(alone)
        browser.wait_for("typeof Reveal !== 'undefined' && Reveal.isReady()")
        assert browser.evaluate("Reveal.getTotalSlides()") == len(_beats("relu-square", RUNS["relu-square"], tmp_path))
        _assert_first_clip_plays(browser)
        assert browser.remote_requests() == []


def _assert_first_clip_plays(browser) -> None:
    video = "document.querySelector('.slide-background.present video')"
    browser.wait_for(f"{video} && {video}.readyState >= 2", seconds=20)
    assert browser.evaluate(f"{video}.error") is None
    browser.wait_for(f"{video}.currentTime > 0.3", seconds=20)  # it plays, on entry, by itself


def test_the_powerpoint_deck_has_a_playing_clip_and_notes_per_beat(powerpoint, tmp_path):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    presentation = Presentation(str(powerpoint))
    slides = list(presentation.slides)
    beats = _beats("relu-square", RUNS["relu-square"], tmp_path)
    assert len(slides) == len(beats) + 3
    for slide in slides:
        movies = [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.MEDIA]
        assert len(movies) == 1
        timing = slide.element.xpath(".//p:timing")
        assert timing and timing[0].xpath(".//p:cond[@delay='0']")  # it plays on entry, no click
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text
    notes = [slide.notes_slide.notes_text_frame.text for slide in slides]
    assert notes[: len(beats)] == [beat.note for beat in beats]
    (weight, bias), _ = load_run(RUNS["relu-square"]).params()
    kinks = sorted(k for k in -bias / weight[:, 0] if -1 <= k <= 1)  # where each hinge bends: w·x + b = 0
    piece_by_piece = notes[[beat.name for beat in beats].index("piece by piece")]
    said = sorted(float(k.replace("−", "-")) for k in re.findall(r"bends at x = (−?\d+(?:\.\d+)?)", piece_by_piece))
    np.testing.assert_allclose(said, kinks, atol=0.005)  # the sum is told bending where the run's own hinges bend
    assert notes[len(beats) :] == ["A circle appears.", "It **spins**, round.", "Gone."]
    loops = [bool(slide.element.xpath(".//p:cTn[@repeatCount='indefinite']")) for slide in slides]
    assert loops == [False] * (len(beats) + 1) + [True, False]  # only the spinning beat loops
    with zipfile.ZipFile(powerpoint) as archive:
        assert len(
            [name for name in archive.namelist() if name.startswith("ppt/media/") and name.endswith(".mp4")]
        ) == len(slides)


@needs_libreoffice
def test_libreoffice_prints_each_beat_s_own_last_frame_in_the_handout(powerpoint, tmp_path):
    done = subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(powerpoint),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    pdf = tmp_path / "talk.pdf"
    assert done.returncode == 0 and pdf.is_file(), done.stderr
    beats = _beats("relu-square", RUNS["relu-square"], tmp_path)
    pages = _pdf_pages(pdf)
    assert len(pages) == len(beats) + 3  # relu-square's, then Looping's
    # The oracle: each slide's own clip, as embedded in the deck, decoded with PyAV. A clip starts where the
    # beat before it ended, so its first frame is the previous beat's end (what manim-slides printed).
    clips = [_first_and_last_frames(clip) for clip in _slide_clips(powerpoint)]
    for number, (page, (first, last)) in enumerate(zip(pages, clips), start=1):
        wrong = [first] + ([clips[number - 2][1]] if number > 1 else [])  # its clip's start, the previous beat's end
        mine = _difference(page, last)
        for other in wrong:
            if _difference(last, other) > SAME_PICTURE:  # a beat that ends as it began cannot be told apart
                assert mine < 0.5 * _difference(page, other), f"page {number} is not its own beat's last frame"
        # Not black: the page keeps the contrast of its beat's last frame (the old first-frame stills of every
        # scene's first beat were its empty background).
        assert np.ptp(page) >= 0.5 * np.ptp(last) > 0, f"page {number} is blank where its beat ends drawn"


SAME_PICTURE = 0.05  # mean grey-level difference below which two frames show the same picture (encoding noise)
HANDOUT_SIZE = (128, 72)  # pages and frames compared at this size, in grey: the PDF's and the clip's pixels differ


def _comparable(image) -> np.ndarray:
    from PIL import Image

    return np.asarray(image.convert("L").resize(HANDOUT_SIZE, Image.Resampling.BILINEAR), dtype=float)


def _difference(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).mean())


def _pdf_pages(pdf: Path) -> list[np.ndarray]:
    """Each page of the PDF as LibreOffice drew it, rasterised by PDFium at the clips' width."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [_comparable(page.render(scale=TINY.resolution[0] / page.get_width()).to_pil()) for page in document]
    finally:
        document.close()


def _slide_clips(deck: Path) -> list[bytes]:
    """The video each slide embeds, in slide order."""
    from pptx import Presentation

    return [
        next(rel.target_part.blob for rel in slide.part.rels.values() if rel.reltype.endswith("/video"))
        for slide in Presentation(str(deck)).slides
    ]


def _first_and_last_frames(clip: bytes) -> tuple[np.ndarray, np.ndarray]:
    import io

    import av

    with av.open(io.BytesIO(clip)) as container:
        frames = [frame.to_image() for frame in container.decode(video=0)]
    return _comparable(frames[0]), _comparable(frames[-1])


def test_a_looping_beat_loops_in_the_html_deck(tmp_path):
    info = scene_info_of(Looping)
    deck = write_deck(
        [DeckPart(info, resolve_runs(info, DATA / "square-relu-3", default_run=_never))], TINY, tmp_path, "loop"
    )
    sections = re.findall(r"<section\b[^>]*>", deck.read_text())
    assert ["data-background-video-loop" in section for section in sections] == [False, True, False]


def test_lift_s_orbit_slide_loops_and_its_clip_wraps_around_seamlessly(tmp_path):
    import av

    info = get_scene("lift")
    runs = resolve_runs(info, DATA / "circles-3", {"contrast": DATA / "circles-2"}, default_run=_never)
    deck = write_deck([DeckPart(info, runs)], TINY, tmp_path, "lift")
    sections = re.findall(r"<section\b[^>]*>", deck.read_text())
    looping = [section for section in sections if "data-background-video-loop" in section]
    assert len(looping) == 1 and looping[0] != sections[-1]  # the orbit; the video then carries its cut back
    clip = re.search(r'data-background-video="([^"]+)"', looping[0])[1]
    frames = [frame.to_ndarray(format="rgb24").astype(int) for frame in av.open(str(tmp_path / clip)).decode(video=0)]

    def change(a, b) -> float:
        return float(np.abs(a - b).mean())

    step = np.median([change(a, b) for a, b in zip(frames, frames[1:])])
    # The turn plays at an even speed and ends where it began: from its last frame back to its first is one more
    # step like the others (a turn that stopped short, or went half way, would jump); half way round, it differs more.
    assert len(frames) >= 20 and change(frames[-1], frames[0]) <= 1.25 * step
    assert change(frames[len(frames) // 2], frames[0]) > 1.25 * change(frames[-1], frames[0])


def test_the_cli_writes_a_three_scene_lecture(tmp_path):
    result = run_cli(
        "slides",
        "relu-square",
        "relu-sine",
        "neurons",
        "--out",
        tmp_path / "deck",
        "--run",
        f"relu-square={DATA / 'square-relu-3'}",
        "--run",
        f"relu-sine={DATA / 'sine-relu'}",
        "--with",
        f"linear={DATA / 'sine-linear'}",
        "--run",
        f"neurons={DATA / 'mnist-sigmoid'}",
        "--resolution",  # small and few frames: this test is about the deck (the decks' default, 720p30, is
        "256x144",  # tested below, without drawing)
        "--fps",
        "2",
        env={"NNEXPLAIN_CACHE": str(tmp_path / "empty-cache")},
    )
    assert result.returncode == 0, result.stderr
    deck = Path(result.stdout.strip().splitlines()[-1])
    assert deck == tmp_path / "deck" / "lecture.html"
    beats = (
        _beats("relu-square", DATA / "square-relu-3", tmp_path)
        + _beats("relu-sine", DATA / "sine-relu", tmp_path, linear=DATA / "sine-linear")
        + _beats("neurons", DATA / "mnist-sigmoid", tmp_path)
    )
    assert _slide_count(deck.read_text()) == len(beats)
    assert not (tmp_path / "empty-cache").exists()  # every run was given: nothing trained


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["neurons", "flod"], "unknown scene 'flod'"),
        (["neurons", "--run", f"fold={DATA / 'spiral'}"], "--run fold="),
        (["neurons", "relu-square", "--run", str(DATA / "mnist-sigmoid")], "say which scene it is for"),
        (["neurons", "neurons"], "scene 'neurons' is listed twice"),
        (["neurons", "--with", "linear=x"], "no scene in this deck (neurons) reads a 'linear' run"),
        (["relu-sine", "--with", "relu-sine:contrast=x"], "scene 'relu-sine' reads no 'contrast' run"),
        (["neurons", "--format", "pptx", "--one-file"], "--one-file applies to HTML decks"),
        # The voice is checked before any default run is trained (the cache stays empty).
        (["neurons", "--narration", "voice", "--voice-name", "nowhere"], "unknown voice 'nowhere'"),
    ],
)
def test_deck_mistakes_are_one_line_and_exit_2(tmp_path, arguments, message):
    result = run_cli("slides", *arguments, "--out", tmp_path / "deck", env={"NNEXPLAIN_CACHE": str(tmp_path / "cache")})
    assert_user_error(result, message)
    assert not (tmp_path / "deck").exists() and not (tmp_path / "cache").exists()


def test_a_deck_is_drawn_for_a_projector_and_a_presenter_unless_asked(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from nnexplain.app import slides as slides_module
    from nnexplain.app.cli import cli

    asked = []
    monkeypatch.setattr(slides_module, "write_deck", lambda parts, options, *rest: asked.append(options) or tmp_path)
    deck = ["slides", "relu-square", "--run", str(DATA / "square-relu-3"), "--out", str(tmp_path / "deck")]
    for arguments in (deck, [*deck, "--quality", "low"], [*deck, "--narration", "voice", "--voice-name", "tone"]):
        result = CliRunner().invoke(cli, arguments)
        assert result.exit_code == 0, result.output
    assert [options.size_and_rate() for options in asked] == [(1280, 720, 30), (854, 480, 15), (1280, 720, 30)]
    assert asked[0].narration == "presenter"  # a deck's default: the lecturer speaks, the notes hold the narration
    assert asked[2].voiced and asked[2].voice == "tone"  # the deck speaks in the voice it was given
    render_help = CliRunner().invoke(cli, ["render", "--help"]).output
    assert re.search(r"--quality \[[^]]*\]\s+\[default: low\]", render_help)  # videos still draft at 480p15


def test_pptx_without_python_pptx_says_how_to_install(tmp_path):
    blocker = tmp_path / "block" / "pptx"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('not installed')")
    result = run_cli(
        "slides",
        "relu-square",
        "--run",
        DATA / "square-relu-3",
        "--format",
        "pptx",
        "--out",
        tmp_path / "deck",
        env=ahead_on_path(blocker.parent),
    )
    assert_user_error(result, "--format pptx needs python-pptx: pip install 'nnexplain[slides]'")
