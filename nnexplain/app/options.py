"""How to render: quality, format, size and rate, and the names of the files written.

Kept apart from :mod:`nnexplain.app.render` (and free of manim), so the command
line can offer and check these choices without importing the renderer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nnexplain.errors import NnexplainError

__all__ = ["QUALITIES", "DECK_QUALITY", "FORMATS", "NARRATIONS", "RenderOptions"]

# name -> (width, height, frames per second), as manim's -ql/-qm/-qh/-qk.
QUALITIES = {
    "low": (854, 480, 15),
    "medium": (1280, 720, 30),
    "high": (1920, 1080, 60),
    "4k": (3840, 2160, 60),
}
# A deck's default quality. Videos and notebooks draft at "low"; a deck is shown on a projector,
# where 480p is soft (README, "Lectures", has what each quality costs).
DECK_QUALITY = "medium"
FORMATS = ("mp4", "webm", "gif", "png")
# How the narration reaches the viewer: "captions" draws it on screen (a silent video that explains
# itself); "voice" speaks it, with subtitles beside the video (students at home); "presenter" leaves
# the picture silent and bare, the narration in the subtitles and speaker notes (a lecturer speaks).
NARRATIONS = ("captions", "voice", "presenter")
MAX_SIDE = 7680
# GIFs go into slides: keep them small enough to embed.
GIF_MAX_WIDTH, GIF_MAX_FPS = 960, 15


@dataclass(frozen=True)
class RenderOptions:
    quality: str = "low"
    fmt: str = "mp4"
    fps: int | None = None
    resolution: tuple[int, int] | None = None
    transparent: bool = False
    sections: bool = False
    narration: str = "captions"
    voice: str = "hibari"  # who speaks when narration is "voice" (nnexplain.speech.voice.voice_named)
    burn_subtitles: bool = False  # draw the subtitles into the picture too

    def __post_init__(self) -> None:
        if self.narration not in NARRATIONS:
            raise NnexplainError(f"--narration {self.narration}: use one of {', '.join(NARRATIONS)}")
        if self.burn_subtitles and self.fmt not in ("mp4", "webm"):
            raise NnexplainError(f"--burn-subtitles draws into a video: use --format mp4 or webm, not {self.fmt}")
        if self.transparent and self.fmt not in ("webm", "png"):
            raise NnexplainError(
                f"--transparent needs --format webm (VP9 with alpha) or png, not {self.fmt}; "
                "mp4 (H.264) and gif cannot hold an alpha channel"
            )
        if self.sections and self.fmt not in ("mp4", "webm"):
            raise NnexplainError(f"--sections writes video clips: use --format mp4 or webm, not {self.fmt}")
        if self.resolution and any(side < 16 or side > MAX_SIDE or side % 2 for side in self.resolution):
            raise NnexplainError(
                f"--resolution {self.resolution[0]}x{self.resolution[1]}: both sides must be even, from 16 to {MAX_SIDE} (8K)"
            )

    def size_and_rate(self) -> tuple[int, int, int]:
        width, height, fps = QUALITIES[self.quality]
        if self.resolution:
            width, height = self.resolution
        elif self.fmt == "gif" and width > GIF_MAX_WIDTH:
            width, height = GIF_MAX_WIDTH, round(GIF_MAX_WIDTH * height / width / 2) * 2
        if self.fps:
            fps = self.fps
        elif self.fmt == "gif":
            fps = min(fps, GIF_MAX_FPS)
        return width, height, fps

    def stem(self, scene: str) -> str:
        width, height, fps = self.size_and_rate()
        if self.resolution is None:
            size = f"{height}p" + ("" if self.fmt == "png" else str(fps))
        else:
            size = f"{width}x{height}" + ("" if self.fmt == "png" else f"-{fps}fps")
        return f"{scene}-{size}{'-alpha' if self.transparent else ''}"

    def file_name(self, scene: str) -> str:
        return f"{self.stem(scene)}.{self.fmt}"

    @property
    def voiced(self) -> bool:
        """The video carries sound: narration spoken, into a format that holds audio."""
        return self.narration == "voice" and self.fmt in ("mp4", "webm")

    def narration_facts(self) -> dict:
        """What of the narration decides the output, for the render cache's key."""
        voice = self.voice if self.narration == "voice" else None
        return {"mode": self.narration, "voice": voice, "burn_subtitles": self.burn_subtitles}

    def manim_config(self, media_dir: Path) -> dict:
        width, height, fps = self.size_and_rate()
        settings = {
            "media_dir": str(media_dir),
            "pixel_width": width,
            "pixel_height": height,
            "frame_rate": fps,
            "format": self.fmt,
            "transparent": self.transparent,
            "save_sections": self.sections,
            "disable_caching": True,
            # Keep every partial movie until the render is joined: manim prunes all but the last 100 when a scene
            # finishes, and the render cache and the slide decks read them after that (lift plays more than 100).
            "max_files_cached": -1,
            "verbosity": "WARNING",
            "progress_bar": "none",
            "output_file": "scene",
        }
        if self.fmt == "mp4":
            # H.264 in yuv420p is what PowerPoint, Keynote and every browser play.
            settings.update(video_codec="libx264", pixel_format="yuv420p")
        if self.fmt in ("mp4", "gif"):
            # x264 with frame threads encodes the same frames differently when the machine is
            # busy, so renders were not reproducible. One thread per clip is: manim encodes
            # several clips at once anyway, and a render split over processes then joins into
            # exactly the video one process makes. Preset veryfast at crf 20 encodes in about
            # 60% of the CPU time of manim's default (medium, crf 23) at the same fidelity
            # (PSNR 42.8 vs 42.9 dB on fold at 480p15; files about 20% larger): encoding
            # was a quarter of a render's CPU time.
            settings["video_encoder_options"] = {"crf": "20", "preset": "veryfast", "threads": "1"}
        return settings
