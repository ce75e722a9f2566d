"""A beat of ``relu-square``: why each straight piece of the output has its slope.

On a piece, each unit is off (adds 0) or on (adds w2ⱼ·w1ⱼ of slope): the piece's slope is the sum of its units'
(:func:`~nnexplain.geometry.piece_slopes.piece_slopes`). Shown on the piece with the most units on (the units drawn
thick, the sum written out with the run's numbers) and on a piece with none on (flat, at the output bias).

A mixin for a :class:`~nnexplain.scenes.base.hinge_story.HingeStory` whose scene sets ``hinges``, ``kinks``,
``run``, ``domain`` and ``view`` before this beat runs.
"""

from __future__ import annotations

from manim import Succession, VGroup, there_and_back

from nnexplain.geometry.piece_slopes import PieceSlope, piece_slopes
from nnexplain.mobjects.hinges import paragraph
from nnexplain.scenes.base.hinge_story import TEXT_SIZE

__all__ = ["PieceSlopes", "shown_slope", "slope_sum_text"]


def shown_slope(value: float) -> str:
    return f"{value:.3f}".replace("-", "−")


def slope_sum_text(piece: PieceSlope) -> tuple[str, float]:
    """The sum as written on screen (each unit's slope to 3 decimals, the total the sum of those, so the arithmetic
    on screen is exact) and that total (within 0.002 of the piece's true slope for up to 4 units)."""
    parts = [round(s, 3) for s in piece.unit_slopes]
    total = round(sum(parts), 3)
    terms = [shown_slope(parts[0])] + [f"+ ({shown_slope(p)})" if p < 0 else f"+ {shown_slope(p)}" for p in parts[1:]]
    return f"{' '.join(terms)}\n= {shown_slope(total)}", total


class PieceSlopes:
    """The beat ``explain_piece_slopes`` (see the module's docstring)."""

    def tinted_sum(self, piece: PieceSlope, text: str) -> VGroup:
        """``text`` as the column's lines, each unit's slope in the sum drawn in its unit's colour."""
        lines = paragraph(text, self.theme, self.column_width, size=TEXT_SIZE)
        row, glyphs = lines[1], text.split("\n")[1].replace(" ", "")
        if len(row) != len(glyphs):  # one glyph per visible character, else left untinted
            return lines
        at = 0
        for unit, slope in zip(piece.units, piece.unit_slopes):
            number = shown_slope(round(slope, 3))
            at = glyphs.index(number, at)
            row[at : at + len(number)].set_color(self.view.colors[unit])
            at += len(number)
        return lines

    def explain_piece_slopes(self, marks) -> None:
        """``marks``: the pieces as drawn, one (thick piece, number) pair per piece, left to right."""
        if self.hinges.hidden_layers != 1:
            return
        pieces = piece_slopes(self.run.params(self.hinges.epoch), self.kinks, self.domain)
        busiest = max(pieces, key=lambda p: len(p.units))  # the first with the most units on
        if len(busiest.units) < 2:
            return
        names = " and ".join(str(unit + 1) for unit in busiest.units)
        written, _ = slope_sum_text(busiest)
        text = f"On piece {busiest.number}, units {names} are on: its slope is the sum of theirs."
        curves = [self.view.unit_curves[unit] for unit in busiest.units]
        mark = marks[busiest.number - 1][0]
        with self.narrate(text) as line:
            # Each unit's hinge pulses in turn while the piece does: the two slopes the sum adds, one then the other.
            turns = Succession(*[curve.animate(rate_func=there_and_back).set_stroke(width=13) for curve in curves])
            self.highlight_piece(
                mark,
                line,
                *self.show_labels(self.tinted_sum(busiest, f"slope of piece {busiest.number}\n{written}")),
                *[curve.animate.set_stroke(width=7) for curve in curves],
                along=[turns],
            )
        restore = [curve.animate.set_stroke(width=self.view.unit_width) for curve in curves]
        restore.append(mark.animate.set_stroke(self.theme.text))
        flat = next((p for p in pieces if not p.units), None)
        if flat is None:
            self.play(*restore, *self.show_labels(None), run_time=0.4)
            return
        mark = marks[flat.number - 1][0]
        with self.narrate(f"On piece {flat.number}, no unit is on: it is flat, at the output bias.") as line:
            self.highlight_piece(mark, line, *restore, *self.show_labels(f"slope of piece {flat.number}\n0"))
        self.play(mark.animate.set_stroke(self.theme.text), *self.show_labels(None), run_time=0.4)

    def highlight_piece(self, mark, line, *animations, along=()) -> None:
        """Play ``animations`` as the piece ``mark`` turns to the highlight, then pulse it while ``line`` is read
        (with the animations ``along``)."""
        lead = min(1.2, 0.4 * line.duration)
        self.play(*animations, mark.animate.set_stroke(self.theme.highlight), run_time=lead)
        # The piece pulses while the words are read (never a still picture).
        pulse = mark.animate(rate_func=there_and_back).set_stroke(width=16)
        self.play(pulse, *along, run_time=line.duration - lead)
