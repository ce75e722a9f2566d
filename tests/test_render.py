"""Lecture outputs: codecs, alpha, loops, one clip per beat, contact sheets and slides."""

import av
import pytest
from conftest import ahead_on_path, run_cli
from PIL import Image
from test_cli import assert_user_error

from nnexplain.app.cache import default_run_dir

TINY = ("--resolution", "160x90", "--fps", "5")


def _stream(path):
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return (
            stream.codec_context.name,
            stream.codec_context.pix_fmt,
            dict(stream.metadata),
            (stream.width, stream.height),
        )


def _render(run, out, *args):
    result = run_cli("render", "neurons", "--run", run, "--out", out, *TINY, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()


@pytest.fixture(scope="module")
def with_sections(tmp_path_factory):
    """One render with a clip per beat: its last line is the whole video (the tests of both read it)."""
    from conftest import DATA

    out = tmp_path_factory.mktemp("sections")
    return out, _render(DATA / "mnist-sigmoid", out, "--sections")


def test_mp4_is_h264_yuv420p(with_sections):
    out, lines = with_sections
    path = lines[-1]
    assert path == str(out / "neurons-160x90-5fps.mp4")
    codec, pixels, _, size = _stream(path)
    assert (codec, pixels, size) == ("h264", "yuv420p", (160, 90))


def test_transparent_webm_is_vp9_with_alpha(sigmoid_run, tmp_path):
    path = _render(sigmoid_run, tmp_path, "--format", "webm", "--transparent")[-1]
    codec, _, metadata, _ = _stream(path)
    assert path.endswith("-alpha.webm") and codec == "vp9" and metadata.get("alpha_mode") == "1"


def test_gif_loops_forever(sigmoid_run, tmp_path):
    path = _render(sigmoid_run, tmp_path, "--format", "gif")[-1]
    with Image.open(path) as gif:
        assert gif.info["loop"] == 0 and gif.n_frames > 50


def test_png_is_the_last_frame(sigmoid_run, tmp_path, with_sections):
    import numpy as np

    path = _render(sigmoid_run, tmp_path / "png", "--format", "png")[-1]
    movie = with_sections[1][-1]
    with av.open(movie) as container:
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    with Image.open(path) as image:
        still = np.asarray(image.convert("RGB")).astype(int)
    # The video is H.264 in yuv420p, so its frames are near, not equal: the last is the nearest of all
    # (within encoding noise), and far nearer than the first.
    distance = [np.abs(frame.astype(int) - still).mean() for frame in frames]
    assert still.shape == (90, 160, 3)
    assert distance[-1] < 6.0 and distance[-1] <= min(distance) + 0.5 and distance[-1] < distance[0] / 3, distance[-1]


def test_one_clip_per_beat(with_sections):
    lines = with_sections[1]
    clips, movie = lines[:-1], lines[-1]
    names = [clip.rsplit("/", 1)[1] for clip in clips]
    assert names[:4] == ["00-title.mp4", "01-digit.mp4", "02-network.mp4", "03-pixels-in.mp4"]
    assert any(name.endswith("-formula.mp4") for name in names) and names[-1].endswith("-answer.mp4")
    total = sum(float(_duration(clip)) for clip in clips)
    assert total == pytest.approx(float(_duration(movie)), abs=0.5)


def _duration(path):
    with av.open(str(path)) as container:
        return container.duration / 1e6


def test_transparent_mp4_is_refused(sigmoid_run, tmp_path):
    assert_user_error(
        run_cli("render", "neurons", "--run", sigmoid_run, "--transparent"), "--transparent needs --format webm"
    )


def test_bad_resolution_is_refused(sigmoid_run):
    assert_user_error(run_cli("render", "neurons", "--run", sigmoid_run, "--resolution", "wide"), "is not WIDTHxHEIGHT")


def test_contact_sheet_has_a_tile_per_beat(sigmoid_run, tmp_path):
    result = run_cli("preview", "neurons", "--run", sigmoid_run, "--out", tmp_path / "sheet.png")
    assert result.returncode == 0, result.stderr
    with Image.open(tmp_path / "sheet.png") as sheet:
        assert sheet.width == 3 * 480 and sheet.height == 5 * (270 + 26)  # 13 beats, 3 a row


def test_slides_without_the_extra_say_how_to_install(sigmoid_run, tmp_path):
    blocker = tmp_path / "block" / "manim_slides"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('not installed')")
    deck = tmp_path / "deck"
    result = run_cli("slides", "neurons", "--run", sigmoid_run, "--out", deck, env=ahead_on_path(blocker.parent))
    assert_user_error(result, "pip install 'nnexplain[slides]'")


def test_default_run_is_trained_once_then_reused(tmp_path):
    cache = tmp_path / "cache"
    first = run_cli(
        "render", "neurons", "--format", "png", *TINY, "--out", tmp_path, env={"NNEXPLAIN_CACHE": str(cache)}
    )
    assert first.returncode == 0, first.stderr
    assert "training the default mnist run once" in first.stderr
    manifest = cache / "runs" / default_run_dir("mnist").name / "manifest.json"
    trained = manifest.stat().st_mtime_ns
    second = run_cli(
        "render", "neurons", "--format", "png", *TINY, "--out", tmp_path, env={"NNEXPLAIN_CACHE": str(cache)}
    )
    assert second.returncode == 0, second.stderr
    assert "training" not in second.stderr and manifest.stat().st_mtime_ns == trained
    assert second.stdout.strip().splitlines()[-1] == str(tmp_path / "neurons-160x90.png")
