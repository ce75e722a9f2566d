"""Scenes inline in a notebook: examples/quickstart.ipynb executed top to bottom by a real Jupyter kernel.

Its two ``nnexplain.show("fold", run=recorder)`` cells must each leave a video in the notebook
whose frames decode (PyAV), the second drawing the run after more training: another video.
"""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (pip install nnexplain[notebook])")
nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (pip install nnexplain[notebook])")
pytest.importorskip("ipykernel", reason="ipykernel is not installed: no Jupyter kernel to run the notebook")

ROOT = Path(__file__).resolve().parent.parent
EMBEDDED = re.compile(r'<source src="data:(video/(?:mp4|webm));base64,([A-Za-z0-9+/=]+)"')


def _videos(notebook) -> list[tuple[str, bytes]]:
    """Every embedded video in the notebook's outputs, in order: (mimetype, bytes)."""
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            found += [(kind, base64.b64decode(data)) for kind, data in EMBEDDED.findall(html)]
    return found


def test_quickstart_notebook_runs_and_shows_videos_that_decode(tmp_path, monkeypatch):
    import av

    shutil.copy(ROOT / "examples" / "quickstart.ipynb", tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the kernel imports this checkout's nnexplain
    notebook = nbformat.read(tmp_path / "quickstart.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    videos = _videos(notebook)
    assert len(videos) == 2, f"{len(videos)} videos shown"
    frames = []
    for number, (kind, data) in enumerate(videos):
        assert kind == "video/mp4"
        (tmp_path / f"shown-{number}.mp4").write_bytes(data)
        with av.open(str(tmp_path / f"shown-{number}.mp4")) as container:
            decoded = [frame.to_ndarray(format="gray") for frame in container.decode(video=0)]
        assert len(decoded) > 15 * 5 and decoded[0].shape == (480, 854)  # 480p15, seconds of it
        frames.append(decoded)
    assert videos[0][1] != videos[1][1], "the second show drew the same video: not the run after more training"
    assert (tmp_path / "runs" / "quickstart" / "manifest.json").exists()


def test_a_transparent_video_is_webm_and_the_player_loops_muted(tmp_path):
    from nnexplain.app.notebook import _video_html

    (tmp_path / "clip.webm").write_bytes(b"not decoded here")
    html = _video_html(tmp_path / "clip.webm", embed=True, width=480)
    assert 'type="video/webm"' in html and "data:video/webm;base64," in html and 'width="480"' in html
    assert all(word in html for word in ("controls", "loop", "muted", "autoplay"))
    linked = _video_html(tmp_path / "clip.webm", embed=False, width=None)
    assert f'src="{(tmp_path / "clip.webm").as_posix()}"' in linked


def test_show_refuses_what_is_not_a_run():
    from nnexplain.app.notebook import _run_dir
    from nnexplain.errors import NnexplainError

    with pytest.raises(NnexplainError, match="run= takes a run directory"):
        _run_dir(42)
