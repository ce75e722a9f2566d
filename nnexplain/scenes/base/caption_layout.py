"""A title in the top-left corner and one line of narration under the picture.

``hidden-features``, ``training``, ``neuron-maps`` and ``softmax`` share this layout:
a bold title over a muted line of facts, and each narrated line drawn as a caption at
the bottom of the frame, broken into two lines when one would be too wide.
:func:`say_below` narrates a line there through the scene's beat API
(:meth:`~nnexplain.scenes.base.run_scene.RunSceneMixin.say`), so it is held until read.
"""

from __future__ import annotations

from manim import DOWN, UL, Animation, VGroup

from nnexplain.mobjects.style import Theme, label
from nnexplain.scenes.base.run_scene import RunSceneMixin

__all__ = ["CAPTION_SIZE", "CAPTION_WIDTH", "caption_block", "say_below", "title_block"]

CAPTION_SIZE = 20
CAPTION_Y = -3.5
CAPTION_WIDTH = 13.2  # the widest a title or a caption may be, in scene units


def title_block(title: str, subtitle: str, theme: Theme) -> VGroup:
    """``title`` in bold over ``subtitle`` in muted type, in the top-left corner."""
    heading = label(title, theme, 30, weight="BOLD")
    facts = label(subtitle, theme, 17, theme.muted)
    group = VGroup(heading, facts).arrange(DOWN, aligned_edge=[-1, 0, 0], buff=0.1)
    if group.width > CAPTION_WIDTH:
        group.scale_to_fit_width(CAPTION_WIDTH)
    return group.to_corner(UL, buff=0.3)


def caption_block(text: str, theme: Theme) -> VGroup:
    """``text`` at the caption size under the picture, broken at the middle space when one line is too wide."""
    caption = label(text, theme, CAPTION_SIZE)
    if caption.width > CAPTION_WIDTH and "\n" not in text and " " in text:
        spaces = [i for i, char in enumerate(text) if char == " "]
        middle = min(spaces, key=lambda i: abs(i - len(text) / 2))
        caption = label(text[:middle] + "\n" + text[middle + 1 :], theme, CAPTION_SIZE)
    if caption.width > CAPTION_WIDTH:
        caption.scale_to_fit_width(CAPTION_WIDTH)
    return caption.move_to([0, CAPTION_Y, 0])


def say_below(scene: RunSceneMixin, text: str, *animations: Animation, run_time: float | None = None) -> None:
    """Narrate ``text`` as the caption under the picture, playing ``animations`` while it comes in.

    The old caption fades out, then the new one in, within ``run_time`` (0.6 s at the
    scene's pace when not given); the line's reading time starts when that play ends.
    """
    swap = scene.say(text, caption_block(text, scene.theme))
    scene.play(*swap, *animations, run_time=scene.t(0.6) if run_time is None else run_time)
