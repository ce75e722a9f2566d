"""A short scene of real parts, for tests of the machinery around scenes (splitting, caching, formats).

The split and cache tests ask the same of any scene: the same frames whatever the
number of processes, parts reused, a damaged part drawn again. A catalog scene is
one to two minutes long; this one is a few seconds, yet it has what makes a split
hard: beats (sections), a caption replaced line by line, a counter changing during
an animation (:class:`~nnexplain.mobjects.slot_text.SlotText`), a fade, a transform
and a moving shape. Its numbers are the bound run's. The premise that skipping
leaves it as drawing does is checked on it as on every catalog scene
(tests/test_split.py).
"""

from nnexplain.scenes import RunScene


class Sampler(RunScene):
    """A few seconds of a run's epochs, in four beats."""

    captions_in_band = True  # each line drawn in the caption band, swapped as a lecture scene swaps them

    def construct(self):
        from manim import DOWN, LEFT, RIGHT, UP, Circle, FadeIn, FadeOut, Square, Transform, UpdateFromAlphaFunc

        from nnexplain.mobjects.slot_text import SlotText
        from nnexplain.mobjects.style import label

        epochs = self.run.epochs
        counter = SlotText(label(f"epoch {epochs[0]:,}", self.theme, 24), slots=14).to_corner(UP + LEFT)
        shape = Square(side_length=1.5, color=self.theme.positive)

        self.beat("start")
        self.play(FadeIn(counter), FadeIn(shape), *self.say("A square, at the first snapshot."), run_time=0.8)

        self.beat("count")

        def count(_, alpha):
            counter.show(label(f"epoch {epochs[round(alpha * (len(epochs) - 1))]:,}", self.theme, 24))

        self.play(UpdateFromAlphaFunc(counter, count), shape.animate.shift(2 * RIGHT), run_time=1.2)
        self.play(*self.say("Counted through every snapshot."), run_time=0.6)

        self.beat("turn")
        circle = Circle(radius=0.8, color=self.theme.highlight).move_to(shape)
        self.play(Transform(shape, circle), *self.say("Then it turns round."), run_time=0.8)
        self.play(shape.animate.shift(2 * LEFT + DOWN), run_time=0.6)

        self.beat("end")
        self.play(FadeOut(shape), *self.say(f"{len(epochs)} snapshots in all."), run_time=0.8)
        self.play(FadeOut(counter), run_time=0.4)
