"""One paragraph caption at a time, for the scenes that explain in paragraphs (descent, backprop, chain-rule).

:meth:`ParagraphCaptions.show_caption` fades the old caption out, the new one in, and
holds it; each scene says where its captions go and how its pace scales the times.
"""

from __future__ import annotations

from manim import VMobject

from nnexplain.mobjects.hinges import Fade

__all__ = ["ParagraphCaptions"]


class ParagraphCaptions:
    """Mixed into a RunScene whose ``setup`` sets ``self.caption = None``."""

    caption: VMobject | None

    def caption_fade_out_seconds(self) -> float:
        return 0.3

    def show_caption(self, caption: VMobject, fade_in: float, hold: float) -> None:
        """Replace the caption by ``caption`` (faded in over ``fade_in`` s), then hold it ``hold`` s."""
        self.clear_caption()
        self.play(Fade(caption), run_time=fade_in)
        self.caption = caption
        self.wait(hold)

    def clear_caption(self) -> None:
        if self.caption is not None:
            self.play(Fade(self.caption, out=True), run_time=self.caption_fade_out_seconds())
            self.caption = None
