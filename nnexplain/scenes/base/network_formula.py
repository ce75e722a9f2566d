"""A beat of ``relu-square``: what the whole 1 → n → 1 network computes, typeset, kept on screen as a reminder.

After one unit's hinge is built, the question's title gives its place (the column's top) to the network's formula in
two lines: f(x) = b + Σ v h, the output bias b plus, over the units, each unit's hinge times its output weight v,
and h = max(0, w x + c), a unit's hinge from its input weight w and bias c (each letter named as its line comes).
It stays there for the rest of the scene, while the narration speaks of input weights, output weights and the
output bias. No unit index: scaled to the column, the subscripts j were 10–12 px at 480p, under the 16 px the
lecture asks for, and the narration says "each unit's" where the index would.

A mixin for a :class:`~nnexplain.scenes.base.hinge_story.HingeStory` whose scene sets ``title`` before this beat runs.
"""

from __future__ import annotations

from typing import ClassVar

from manim import DOWN, LEFT, UL, VGroup, there_and_back

from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.style import formula
from nnexplain.scenes.base.hinge_story import SAFE_TOP, in_turn

__all__ = ["NetworkFormula", "network_formula"]

FORMULA_SIZE = 42


def network_formula(theme, size: float = FORMULA_SIZE) -> VGroup:
    """The network's output (line 1) and a unit's hinge (line 2), typeset, left-aligned."""
    lines = VGroup(
        formula("f(x) = b + sum v h", theme, size),
        formula("h = max(0, w x + c)", theme, size),
    )
    return lines.arrange(DOWN, aligned_edge=LEFT, buff=0.08)


class NetworkFormula:
    """The beat ``show_network_formula`` (see the module's docstring)."""

    # How much a formula line grows as it is pointed at; a scene may ask for more (1.06 read as a still).
    formula_pulse: ClassVar[float] = 1.06

    def show_network_formula(self, extra=()) -> None:
        """The title leaves; the network's formula takes its place, line by line, as it is said; ``extra`` (the
        animations of a beat that leaves, such as the built hinge's formula) play with it."""
        shown = network_formula(self.theme)
        if shown.width > self.column_width:
            shown.scale_to_fit_width(self.column_width)
        shown.move_to([self.column_left, SAFE_TOP, 0], aligned_edge=UL)
        self.network_formula = shown
        # Each letter named once, as its line comes.
        # The formula arrives as it is said (a second, the title leaving first: the two never overlap), then is pointed at while the
        # letters are named: fading in over the whole line left it ~3 s behind the words and the frame near-still.
        # The hinge just built, with its own numbers over it, is what "h" and "max(0, w x + c)" stand for: the curve is
        # picked out as h is named, and its numeric formula pulses as the symbolic one arrives, then with it. (A
        # transform of a copy into the symbolic line crossed the numeric one, the panel's top and line 1 on its way.)
        built = getattr(self, "one_hinge", None)
        curve, numeric = (built[3][0], built[2]) if built is not None else (None, None)
        text = "The network's output: bias b plus each unit's hinge h times its output weight v."
        with self.narrate(text) as line:
            arrive = min(1.0, 0.3 * line.duration)
            self.play(in_turn(Fade(self.title, out=True), Fade(shown[0])), *extra, run_time=arrive)
            pulse = [] if curve is None else [curve.animate(rate_func=there_and_back).set_stroke(width=10)]
            grow = self.formula_pulse
            # With a larger pulse, the built hinge's own numbers (v · h, with the run's v) pulse as v and h are named.
            edge = LEFT if grow > 1.06 else None  # a larger pulse grows from the left: inside the title-safe margin
            if numeric is not None and grow > 1.06:
                pulse.append(numeric.animate(rate_func=there_and_back).scale(grow, about_edge=edge))
            self.play(
                shown[0].animate(rate_func=there_and_back).scale(grow, about_edge=edge),
                *pulse,
                run_time=line.duration - arrive,
            )
        with self.narrate("A unit's hinge: max(0, w x + c), from its input weight w and its bias c.") as line:

            def numbers() -> list:
                edge = LEFT if self.formula_pulse > 1.06 else None
                return (
                    [] if numeric is None else [numeric.animate(rate_func=there_and_back).scale(grow, about_edge=edge)]
                )

            self.play(Fade(shown[1]), *numbers(), run_time=0.5 * line.duration)
            self.play(
                shown[1].animate(rate_func=there_and_back).scale(grow, about_edge=LEFT if grow > 1.06 else None),
                *numbers(),
                run_time=0.5 * line.duration,
            )
