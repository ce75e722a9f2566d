"""A beat of ``relu-square``: what the whole 1 → n → 1 network computes, typeset, kept on screen as a reminder.

After one unit's hinge is built, the question's title gives its place (the column's top) to the network's formula in
two lines, one index each: f(x) = b + Σⱼ vⱼ hⱼ, the output bias b plus each unit's hinge times its output weight
vⱼ, and hⱼ = max(0, wⱼ x + cⱼ), a unit's hinge from its input weight wⱼ and bias cⱼ (each letter named as its line
comes). It stays there for the rest of the scene, while the narration speaks of input weights, output weights and
the output bias. Typeset at 42: a subscript j is about 16 px of glyph at 480p (two-index subscripts at 38 were
5–10 px).

A mixin for a :class:`~nnexplain.scenes.base.hinge_story.HingeStory` whose scene sets ``title`` before this beat runs.
"""

from __future__ import annotations

from manim import DOWN, LEFT, UL, VGroup, there_and_back

from nnexplain.mobjects.hinges import Fade
from nnexplain.mobjects.style import formula
from nnexplain.scenes.base.hinge_story import SAFE_TOP

__all__ = ["NetworkFormula", "network_formula"]

FORMULA_SIZE = 42


def network_formula(theme, size: float = FORMULA_SIZE) -> VGroup:
    """The network's output (line 1) and a unit's hinge (line 2), typeset, left-aligned."""
    lines = VGroup(
        formula("f(x) = b + sum_j v_j h_j", theme, size),
        formula("h_j = max(0, w_j x + c_j)", theme, size),
    )
    return lines.arrange(DOWN, aligned_edge=LEFT, buff=0.08)


class NetworkFormula:
    """The beat ``show_network_formula`` (see the module's docstring)."""

    def show_network_formula(self, extra=()) -> None:
        """The title leaves; the network's formula takes its place, line by line, as it is said; ``extra`` (the
        animations of a beat that leaves, such as the built hinge's formula) play with it."""
        shown = network_formula(self.theme)
        if shown.width > self.column_width:
            shown.scale_to_fit_width(self.column_width)
        shown.move_to([self.column_left, SAFE_TOP, 0], aligned_edge=UL)
        self.network_formula = shown
        # Each letter named once, as its line comes.
        # The formula arrives as it is said (a second, the title leaving under it), then is pointed at while the
        # letters are named: fading in over the whole line left it ~3 s behind the words and the frame near-still.
        text = "The network's output: output bias b, plus each hinge h times its output weight v."
        with self.narrate(text) as line:
            arrive = min(1.0, 0.3 * line.duration)
            self.play(Fade(self.title, out=True), Fade(shown[0]), *extra, run_time=arrive)
            self.play(shown[0].animate(rate_func=there_and_back).scale(1.06), run_time=line.duration - arrive)
        with self.narrate("A unit's hinge: max(0, w x + c), from its input weight w and its bias c.") as line:
            self.play(Fade(shown[1]), run_time=0.5 * line.duration)
            self.play(shown[1].animate(rate_func=there_and_back).scale(1.06), run_time=0.5 * line.duration)
