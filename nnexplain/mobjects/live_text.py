"""A text that changes every frame while an animation plays: one path holding every glyph.

manim's Cairo renderer lists the mobjects it draws once, when a ``play`` begins; submobjects an updater adds later
(a new ``Text`` per frame, or the glyphs ``become`` adds) are never drawn, and those it drops stay drawn. A
:class:`LiveText` has no submobjects: ``show`` copies a typeset label's glyph outlines into its own points (a
glyph's holes are subpaths, as in the glyph itself), so the one mobject listed is the one that changes.

    number = LiveText(label("0.51", theme))
    number.add_updater(lambda m: m.show(label(f"{value():.2f}", theme)))
"""

from __future__ import annotations

import numpy as np
from manim import VMobject

__all__ = ["LiveText"]


class LiveText(VMobject):
    """The glyphs of a typeset text as one path, refilled by ``show`` (position, size and colour included)."""

    def __init__(self, text: VMobject, **kwargs):
        super().__init__(stroke_width=0, **kwargs)
        self.show(text)

    def show(self, text: VMobject) -> LiveText:
        glyphs = [part for part in text.family_members_with_points()]
        self.set_points(np.concatenate([glyph.points for glyph in glyphs]) if glyphs else np.zeros((0, 3)))
        if glyphs:
            self.set_fill(glyphs[0].get_fill_color(), opacity=self.get_fill_opacity() if self.shown else 1.0)
        self.shown = True
        return self

    shown = False
