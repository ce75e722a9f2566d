"""Text that changes while an animation plays, drawn the same whatever it said before.

manim draws, during an animation, the mobjects that existed when it began, so a
counter that changes mid-animation must reuse its mobjects. ``become`` does, but
it pads the shorter of the two texts with copies of its glyphs, so after "epoch
3,000" the text "epoch 9" is drawn with four glyphs twice over; and placing the
new text where the old one stood drifts by a rounding error each time. Both make
a frame depend on which texts came before it: a render cut into parts
(:mod:`nnexplain.app.split`) skips the animations before its part and would not
match a whole render.

:class:`SlotText` keeps a fixed number of glyph slots and an anchor point that
moves with the text but never with what it says. Each :meth:`SlotText.show`
overwrites every slot, so what is drawn depends only on the text shown::

    epoch = SlotText(label("epoch 0", theme), slots=12)       # anchored at its left edge
    epoch.show(label("epoch 3,000", theme))                   # placed at the anchor, same baseline
"""

from __future__ import annotations

import numpy as np
from manim import LEFT, VGroup, VMobject

__all__ = ["SlotText", "glyph_count"]


def glyph_count(text: VMobject) -> int:
    """How many drawn parts ``text`` has (one per glyph for manim's ``Text``)."""
    return len(text.family_members_with_points())


class _Anchor(VMobject):
    """A point that moves, scales and turns with its group and is never drawn."""

    def __init__(self, point: np.ndarray):
        super().__init__(stroke_width=0, fill_opacity=0)
        self.set_points(np.repeat(np.asarray(point, dtype=float)[None, :], 4, axis=0))

    def get_stroke_width(self, background: bool = False) -> float:
        return 0.0

    def get_fill_opacity(self) -> float:
        return 0.0


class SlotText(VGroup):
    """Show ``text`` now and other texts later in ``slots`` reused glyph slots, aligned by ``edge`` at one anchor.

    With ``edge=None`` there is no anchor: every text shown must be placed already
    (or is placed after, as a whole, by the caller).
    """

    def __init__(self, text: VMobject, slots: int | None = None, edge: np.ndarray | None = LEFT):
        slots = glyph_count(text) if slots is None else slots
        anchor = [] if edge is None else [_Anchor(text.get_critical_point(edge))]
        super().__init__(*anchor, *[VMobject() for _ in range(slots)])
        self.edge = None if edge is None else np.asarray(edge, dtype=float)
        self.show(text, placed=True)

    @property
    def anchor(self) -> np.ndarray:
        if self.edge is None:
            raise ValueError("this SlotText has no anchor: show it placed texts")
        return self.submobjects[0].points[0].copy()

    @property
    def slots(self) -> list[VMobject]:
        return self.submobjects if self.edge is None else self.submobjects[1:]

    def show(self, text: VMobject, placed: bool = False) -> "SlotText":
        """Draw ``text`` in the slots; unless ``placed``, its ``edge`` goes to the anchor first."""
        if not placed:
            text = text.copy().move_to(self.anchor, aligned_edge=self.edge)
        glyphs = text.family_members_with_points()
        if len(glyphs) > len(self.slots):
            raise ValueError(
                f"{len(glyphs)} glyphs do not fit in {len(self.slots)} slots: reserve more when making the SlotText"
            )
        for index, slot in enumerate(self.slots):
            if index < len(glyphs):
                slot.points = glyphs[index].points.copy()
                slot.match_style(glyphs[index], family=False)
            else:
                slot.points = np.zeros((0, 3))
        return self
