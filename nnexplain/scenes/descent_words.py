"""Sizes and number formats shared by the ``descent`` scene's beat groups."""

from __future__ import annotations

__all__ = ["TEXT", "HEADING", "MINUS", "signed"]

TEXT = 29  # points: capital letters about 16 px tall at 480p
HEADING = 34
MINUS = "−"


def signed(value: float, digits: int = 3) -> str:
    """``value`` with its sign always written, a typographic minus, ``digits`` significant digits."""
    return f"{value:+.{digits}g}".replace("-", MINUS)
