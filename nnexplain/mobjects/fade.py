"""Fading captions in and out without copying them.

manim's ``FadeIn``/``FadeOut`` deep-copy their mobject (twice for a fade in), and
copying a ``Text`` costs tens of milliseconds; scenes that swap a caption at
every step spend most of their time copying. :class:`Fade` scales each part's
own opacity instead, so nothing is copied::

    self.play(Fade(new_caption), Fade(old_caption, out=True))
"""

from __future__ import annotations

from manim import Animation, Mobject

__all__ = ["Fade"]


class Fade(Animation):
    """Fade ``mobject`` in (from invisible to its own opacities) or, with ``out=True``, out and away."""

    def __init__(self, mobject: Mobject, out: bool = False, **kwargs):
        self.out = out
        self.opacities = [(part, part.get_fill_opacity(), part.get_stroke_opacity()) for part in mobject.family_members_with_points()]
        super().__init__(mobject, remover=out, introducer=not out, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()  # the opacities recorded above are all that is needed

    def interpolate_mobject(self, alpha: float) -> None:
        level = self.rate_func(alpha)
        level = 1 - level if self.out else level
        for part, fill, stroke in self.opacities:
            part.set_fill(opacity=fill * level, family=False)
            part.set_stroke(opacity=stroke * level, family=False)

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        if self.out:
            self.interpolate_mobject(0.0)  # leave it whole, should it be added again
