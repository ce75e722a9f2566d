"""Colours, fonts and text helpers shared by every scene.

A :class:`Theme` is a plain value: scenes hold one as a class attribute and
subclasses swap it (``theme = replace(Theme(), positive="#FFD166")``). Nothing
is read from manim's config at import time.

Formulas are written in Typst and drawn with manim's ``MathTypst``, which needs
no LaTeX installation. Set ``NNEXPLAIN_TEX=1`` to draw with ``MathTex`` instead
where LaTeX is installed; scenes then pass the LaTeX spelling too.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from functools import lru_cache

from manim import ManimColor, MathTex, MathTypst, Text, VMobject

from nnexplain.mobjects.cairo_paths import clear_path_first, skip_clear_fills
from nnexplain.mobjects.image_overlay import composite_only_where_drawn
from nnexplain.mobjects.typeset_cache import CachedText

clear_path_first()  # see nnexplain.mobjects.cairo_paths: frames depend on the scene's state, not its history
skip_clear_fills()  # see nnexplain.mobjects.cairo_paths: a fill of opacity 0 draws nothing, so it is not drawn
composite_only_where_drawn()  # see nnexplain.mobjects.image_overlay: the same frames, far fewer pixels composited

__all__ = ["Theme", "formula", "label", "fmt_count", "fmt_percent", "fmt_fixed", "subscript", "typst_matrix"]

_SUBSCRIPTS = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")


@dataclass(frozen=True)
class Theme:
    background: str = "#0E1116"
    text: str = "#E8E8E8"
    muted: str = "#8B93A1"
    positive: str = "#4FA3F7"  # positive weights, blue
    negative: str = "#F26B5B"  # negative weights, red
    neuron_fill: str = "#FFFFFF"
    neuron_stroke: str = "#6C7480"
    correct: str = "#7BD389"
    wrong: str = "#F26B5B"
    highlight: str = "#FFD166"
    # How a number should move to lower the loss (a wish, −gradient), never a weight's sign: backprop and softmax.
    wish_up: str = "#7BD389"  # should rise (a weight: grow), green
    wish_down: str = "#C792EA"  # should fall (a weight: shrink), violet
    font: str = "DejaVu Sans"
    palette: tuple[str, ...] = ("#4FA3F7", "#F2A541", "#7BD389", "#C792EA", "#F26B5B", "#5EEAD4", "#FFD166", "#F78FB3")


def _drop_svg_sources(mobject: VMobject) -> VMobject:
    # Glyphs keep the parsed SVG path they were built from, and every copy (each
    # FadeIn, Transform, FadeOut) deep-copies it: most of a scene's time went there.
    for part in mobject.get_family():
        if getattr(part, "path_obj", None) is not None:
            part.path_obj = None
    return mobject


def label(text: str, theme: Theme, size: float = 24, color: str | None = None, weight: str = "NORMAL") -> Text:
    """Body text in the theme's font."""
    return _built_label(text, theme.font, float(size), _key(color or theme.text), weight, _page()).copy()


def formula(typst: str, theme: Theme, size: float = 36, tex: str | None = None, color: str | None = None) -> VMobject:
    """A formula from Typst source (or LaTeX, when asked for and available)."""
    use_tex = tex is not None and os.environ.get("NNEXPLAIN_TEX") == "1" and bool(shutil.which("latex"))
    return _built_formula(tex if use_tex else typst, use_tex, float(size), _key(color or theme.text), _page()).copy()


# Typesetting a text costs about 50 ms (Pango writes an SVG, svgelements parses it), a copy of it about 0.5 ms.
# Scenes typeset the same labels again and again (each snapshot's "epoch …", each part of a split render's skipped
# animations, each test's scene), so each distinct text is typeset once a process and handed out as copies:
# a copy is the very mobject, point for point. What manim typesets also depends on the frame's size in pixels
# (Pango breaks a text wider than the frame into rows; Typst's strokes are scaled to pixels), so that is in the key.
_TYPESET_CACHE_SIZE = 2048


def _key(color) -> str:
    """A colour as a hashable key (a ManimColor, a hex string or a name), drawn the same."""
    return color if isinstance(color, str) else ManimColor(color).to_hex(with_alpha=True)


def _page() -> tuple[int, int, float]:
    from manim import config

    return (config.pixel_width, config.pixel_height, config.frame_width)


@lru_cache(maxsize=_TYPESET_CACHE_SIZE)
def _built_label(text: str, font: str, size: float, color: str, weight: str, page: tuple) -> Text:
    return _drop_svg_sources(CachedText(text, font=font, font_size=size, color=color, weight=weight))


@lru_cache(maxsize=_TYPESET_CACHE_SIZE)
def _built_formula(source: str, use_tex: bool, size: float, color: str, page: tuple) -> VMobject:
    if use_tex:
        return _drop_svg_sources(MathTex(source, font_size=size, color=color))
    # No SVG cache: manim 0.22 gives a cached MathTypst its strokes (fraction bars) at the SVG's raw width, a
    # fresh one at a width scaled to its size, so a formula drawn twice in a process would not look the same.
    return _drop_svg_sources(MathTypst(source, font_size=size, color=color, use_svg_cache=False))


def fmt_count(value: int) -> str:
    return f"{value:,}"


def fmt_percent(value: float, digits: int = 1) -> str:
    return f"{100 * value:.{digits}f}%"


def fmt_fixed(value: float, digits: int = 2) -> str:
    """A number with ``digits`` decimals and a typographic minus: −4.75."""
    return f"{value:.{digits}f}".replace("-", "−")


def subscript(number: int) -> str:
    """``number`` in subscript digits, for names such as W₂ in plain text."""
    return str(number).translate(_SUBSCRIPTS)


def typst_matrix(values) -> str:
    """Typst source of a bracketed matrix (a vector is one column), two decimals an entry."""
    import numpy as np

    rows = np.atleast_2d(values)
    return 'mat(delim: "[", ' + "; ".join(", ".join(f"{v:.2f}" for v in row) for row in rows) + ")"
