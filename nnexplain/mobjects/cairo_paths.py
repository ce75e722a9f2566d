"""A fix to manim 0.22's Cairo camera: an empty VMobject no longer redraws the previous one's outline.

``Camera.set_cairo_context_path`` returns before ``ctx.new_path()`` when a VMobject
has no points, and the camera fills and strokes with ``*_preserve``, so the path
still in the Cairo context (the last VMobject drawn) is filled and stroked again
in the empty one's style. What appears then depends on what was drawn just before,
so the same scene state could render differently (a faint second outline) after a
different history: in a scene rendered in ranges by several processes, the seams
showed it. Clearing the path first makes every frame a function of the scene's state.
Imported by :mod:`nnexplain.mobjects.style`, so every scene gets it.
"""

from __future__ import annotations

from manim.camera.camera import Camera

__all__ = ["clear_path_first"]


def clear_path_first() -> None:
    original = Camera.set_cairo_context_path
    if getattr(original, "clears_path_first", False):
        return

    def set_cairo_context_path(self, ctx, vmobject):
        ctx.new_path()
        return original(self, ctx, vmobject)

    set_cairo_context_path.clears_path_first = True
    Camera.set_cairo_context_path = set_cairo_context_path
