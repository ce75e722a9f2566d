"""Two changes to manim 0.22's Cairo camera's path building: a fix, and a cache that leaves every pixel as it was.

The fix: ``Camera.set_cairo_context_path`` returns before ``ctx.new_path()`` when a VMobject
has no points, and the camera fills and strokes with ``*_preserve``, so the path
still in the Cairo context (the last VMobject drawn) is filled and stroked again
in the empty one's style. What appears then depends on what was drawn just before,
so the same scene state could render differently (a faint second outline) after a
different history: in a scene rendered in ranges by several processes, the seams
showed it. Clearing the path first makes every frame a function of the scene's state.

The cache: manim builds each VMobject's Cairo path in Python, a ``curve_to`` call per
Bézier curve, every time it draws it. A glyph fading in is drawn every frame with the
same points and a new opacity; at 1080p60 building its path cost more than filling it.
Once a VMobject is drawn twice with the same points (under the same camera matrix), its
path is copied out of Cairo (``copy_path``) and appended whole from then on. Cairo keeps a
path in fixed point (1/256 pixel) device coordinates; the copy gives them back in user
coordinates and appending turns them into the same fixed-point values again (the round trip
through the matrix and its inverse moves a value by far less than 1/512), so the path Cairo
fills and strokes is the same. ``tests/test_redraw.py`` draws scenes with and without it and
compares every frame byte for byte. Only cameras that draw points as they are (not 3-D) use it.

A third change skips a call that draws nothing: a VMobject whose fill is one colour of opacity 0 (a line, an
outline) is not filled, where manim hands Cairo a clear source to fill with; Cairo draws nothing for it
(``nothing_to_do`` in its ``cairo-surface.c``: a clear source under the OVER operator manim draws with).

Imported by :mod:`nnexplain.mobjects.style`, so every scene gets all three.
"""

from __future__ import annotations

import weakref

from manim.camera.camera import Camera

__all__ = ["clear_path_first", "reusing_paths", "skip_clear_fills"]


class _Switch:
    """``reusing_paths.enabled = False`` builds every path as manim does (the tests compare the two)."""

    enabled = True


reusing_paths = _Switch()

# vmobject -> (what its path was built from, the copied path or None when seen only once with these points)
_PATHS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def clear_path_first() -> None:
    original = Camera.set_cairo_context_path
    if getattr(original, "clears_path_first", False):
        return

    def set_cairo_context_path(self, ctx, vmobject):
        ctx.new_path()
        if (
            not reusing_paths.enabled
            or type(self).transform_points_pre_display is not Camera.transform_points_pre_display
        ):
            return original(self, ctx, vmobject)
        matrix = ctx.get_matrix()
        made_from = (
            vmobject.points.tobytes(),
            (matrix.xx, matrix.yx, matrix.xy, matrix.yy, matrix.x0, matrix.y0),
            type(vmobject),
            vmobject.n_points_per_cubic_curve,
            vmobject.tolerance_for_point_equality,
        )
        seen = _PATHS.get(vmobject)
        if seen is not None and seen[0] == made_from:
            if seen[1] is not None:
                ctx.append_path(seen[1])
                return self
            original(self, ctx, vmobject)
            _PATHS[vmobject] = (made_from, ctx.copy_path())
            return self
        original(self, ctx, vmobject)
        _PATHS[vmobject] = (made_from, None)
        return self

    set_cairo_context_path.clears_path_first = True
    Camera.set_cairo_context_path = set_cairo_context_path


def skip_clear_fills() -> None:
    original = Camera.apply_fill
    if getattr(original, "skips_clear_fills", False):
        return

    def apply_fill(self, ctx, vmobject):
        rgbas = self.get_fill_rgbas(vmobject)
        if reusing_paths.enabled and len(rgbas) == 1 and rgbas[0][3] == 0:
            return self  # a clear source: Cairo's fill would draw nothing
        return original(self, ctx, vmobject)

    apply_fill.skips_clear_fills = True
    apply_fill.original = original
    Camera.apply_fill = apply_fill
