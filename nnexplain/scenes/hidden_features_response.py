"""``hidden-features``, what one neuron responds to: its strongest weights, the digits that excite it most and
least as ink × weight, and, up close, what shuts it off and what switches it on.

Every digit's z is shown as the column ``z = band + rest + bias``, each part from the stored weights, the
rest balanced (:func:`~nnexplain.geometry.features.balancing_term`) so the column adds up as printed.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, AnimationGroup, Create, FadeIn, FadeOut, Group, Rectangle, VGroup

from nnexplain.geometry.features import (
    balancing_term,
    ink_share,
    main_push,
    probes_by_response,
    rows_around,
)
from nnexplain.mobjects.heatmap import Heatmap, Playback, grey_rgba
from nnexplain.mobjects.style import fmt_fixed, label
from nnexplain.mobjects.weight_parts import pixel_outline

__all__ = ["ResponseBeats", "EXAMPLES"]

TEXT = 27  # points: capital letters 16 px tall at 480p
EXAMPLES = 2
COUNT = {2: "two", 3: "three"}.get(EXAMPLES, str(EXAMPLES))  # in words: "the 2 that excite it" reads as the digit 2
ROW_TILE = 1.6  # the digits that excite it most (top row) and least (bottom row), their numbers to the right
ROW_XS = (-2.05, 2.0)  # the first clear of the legend under the neuron
ROW_YS = (1.2, -1.2)
SIDE = 2.7  # the neuron's weight image beside the rows
SIDE_AT = np.array([-4.95, 0.35, 0])  # its legend 24 px or more from the left edge
CLOSE = 2.9  # the two extreme digits, up close
CLOSE_XS = (-1.95, 1.55)  # clear of the legend on the left, room for a column of sums on the right
CLOSE_Y = 0.6


def signed(value: float, digits: int = 1) -> str:
    """``+13.5`` / ``−0.9``: a part of a sum, its sign always written."""
    return ("+" if value >= 0 else "") + fmt_fixed(value, digits)


class ResponseBeats:
    """The beats of :class:`~nnexplain.scenes.hidden_features.HiddenFeatures` that ask what its neuron responds to."""

    def strongest_weights(self) -> None:
        stroke = self.stroke
        colour = "red" if stroke.sign < 0 else "blue"
        shape = f"a {stroke.orientation} band" if stroke.orientation != "compact" else "a patch"
        self.outline = pixel_outline(stroke.mask, self.big, self.theme.highlight, 3)
        with self.narrate(
            f"Its strongest weights, outlined: {stroke.pixels} {colour} pixels, {shape} in rows "
            f"{stroke.rows[0] + 1}–{stroke.rows[1] + 1}."
        ) as line:
            self.play(Create(self.outline), run_time=line.duration)

    def what_excites_it(self) -> None:
        stroke = self.stroke
        own = self.runs.own_index
        order = [int(i) for i in probes_by_response(self.run, self.chosen) if i != own]
        inputs = np.asarray(self.run.probe["inputs"], np.float64)
        pre = self.run.tensors()["pre.0"][:, self.chosen]
        bias = float(self.run.params()[0][1][self.chosen])
        groups = (order[:EXAMPLES], order[-EXAMPLES:][::-1])
        self.best, self.worst = order[0], order[-1]
        side = Group(self.big, self.big_frame, self.outline)
        side_name = label(self.name, self.theme, TEXT).next_to(SIDE_AT + SIDE / 2 * UP, UP, buff=0.12)
        self.play(
            side.animate.scale(SIDE / self.big.height).move_to(SIDE_AT),
            AnimationGroup(FadeOut(self.big_name), FadeIn(side_name), lag_ratio=1),  # one after the other
            self.legend.animate.move_to([SIDE_AT[0], SIDE_AT[1] - SIDE / 2 - 0.95, 0]),
            run_time=0.8,
        )
        self.big_name = side_name
        shares = [float(ink_share(inputs[group], stroke.mask).mean()) for group in groups]
        self.band_sums = [[self.band_sum(i) for i in group] for group in groups]
        # What each digit's column shows: z, band, rest and bias at one decimal, adding up as printed.
        self.columns = [
            [
                (float(pre[i]), band, balancing_term(float(pre[i]), [band, bias], 1), bias)
                for i, band in zip(group, bands)
            ]
            for group, bands in zip(groups, self.band_sums)
        ]
        rows = []
        for group, y, heading in zip(groups, ROW_YS, ("top two:  z = band + rest + bias", "bottom two")):
            tiles = Group(
                *(
                    Heatmap(grey_rgba(inputs[i].reshape(self.shape)), ROW_TILE).move_to([x, y, 0])
                    for i, x in zip(group, ROW_XS)
                )
            )
            names = VGroup(
                *(
                    label(f"z = {fmt_fixed(float(pre[i]), 1)}", self.theme, TEXT)
                    .next_to(tile, RIGHT, buff=0.12)
                    .align_to(tile, UP)
                    for i, tile in zip(group, tiles)
                )
            )
            title = label(heading, self.theme, TEXT, self.theme.muted)
            title.next_to(tiles, UP, buff=0.12).align_to(tiles, LEFT)
            outlines = VGroup(*(pixel_outline(stroke.mask, tile, self.theme.highlight, 2) for tile in tiles))
            rows.append((group, tiles, names, title, outlines))
        validation = len(order)
        definition = label("z = Σ ink × weight + bias", self.theme, 36).move_to([1.2, 0.35, 0])  # where the table goes
        with self.narrate("Its input z: each pixel's ink times its weight, all summed, plus the bias.") as line:
            self.play(FadeIn(definition, shift=0.2 * DOWN), run_time=0.4 * line.duration)
        self.play(FadeOut(definition), run_time=0.4)
        with self.narrate(
            f"Of the {validation} validation digits recorded, these {COUNT} push its input z highest."
        ) as line:
            group, tiles, names, title, _ = rows[0]
            self.play(FadeIn(title), FadeIn(tiles, lag_ratio=0.3), FadeIn(names, lag_ratio=0.3), run_time=line.duration)
        adds = ", ".join(fmt_fixed(v, 1) for v in self.band_sums[0])
        self.band_columns(
            rows[0],
            self.columns[0],
            f"On these the band adds {adds}; the rest and the bias, {fmt_fixed(bias, 2)}, make up z.",
        )
        with self.narrate(f"These {COUNT} push it lowest.") as line:
            group, tiles, names, title, _ = rows[1]
            self.play(FadeIn(title), FadeIn(tiles, lag_ratio=0.3), FadeIn(names, lag_ratio=0.3), run_time=line.duration)
        alone = ", ".join(fmt_fixed(value, 1) for value in self.band_sums[1])
        self.band_columns(rows[1], self.columns[1], f"On these the band alone adds {alone} to z.")
        avoid = stroke.sign < 0 and shares[0] < shares[1]
        cover = stroke.sign > 0 and shares[0] > shares[1]
        if avoid:
            empty = "leave the band nearly empty" if shares[0] < 0.05 else "put less ink there"
            verdict = f"Ink on its red band shuts {self.name} off; its top {COUNT} {empty}."
        elif cover:
            verdict = f"So {self.name} fires when ink lies on its blue band."
        else:
            verdict = f"The band alone does not decide: {self.name}'s weights spread over the whole digit."
        with self.narrate(verdict) as line:
            self.play(
                *(outline.animate.set_stroke(width=4) for row in rows for outline in row[4]), run_time=line.duration / 2
            )
            self.play(
                *(outline.animate.set_stroke(width=2) for row in rows for outline in row[4]), run_time=line.duration / 2
            )
        self.rows = rows

    def band_sum(self, probe: int) -> float:
        """What the band's pixels add to z on probe item ``probe``: Σ ink × weight over the band."""
        inputs = np.asarray(self.run.probe["inputs"][probe], np.float64)
        return float((inputs * self.final[self.chosen].ravel())[self.stroke.mask.ravel()].sum())

    def band_columns(self, row, columns, text: str) -> None:
        """Outline the band on a row's digits, then show each digit's column: z = band + rest + bias."""
        group, tiles, names, title, outlines = row
        note = VGroup()
        for (_, band, rest, bias), name in zip(columns, names):
            parts = VGroup(
                label(f"band {fmt_fixed(band, 1)}", self.theme, TEXT, self.theme.highlight),
                label(f"rest {signed(rest)}", self.theme, TEXT),
                label(f"bias {signed(bias)}", self.theme, TEXT, self.theme.muted),
            )
            note.add(parts.arrange(DOWN, aligned_edge=LEFT, buff=0.08).next_to(name, DOWN, 0.08, LEFT))
        with self.narrate(text) as line:
            self.play(Create(outlines), run_time=0.5 * line.duration)
            self.play(FadeIn(note, shift=0.2 * LEFT, lag_ratio=0.15), run_time=0.5 * line.duration)
        self.notes = [*getattr(self, "notes", []), note]

    def up_close(self) -> None:
        """The digit that shuts the neuron off most beside the one that switches it on most, two and a half times
        the rows' size, turned into ink × weight: the band under the first one's ink, and where the second's push
        up comes from, its z split as ink on blue + ink on red + bias."""
        inputs = np.asarray(self.run.probe["inputs"], np.float64)
        weights = self.final[self.chosen].ravel()
        pre = self.run.tensors()["pre.0"][:, self.chosen]
        bias = float(self.run.params()[0][1][self.chosen])
        table = Group(*(part for row in self.rows for part in row[1:]), *self.notes)
        close = {}
        for probe, x in zip((self.worst, self.best), CLOSE_XS):
            products = (inputs[probe] * weights).reshape(self.shape)
            grey = grey_rgba(inputs[probe].reshape(self.shape))
            image = Heatmap(grey, CLOSE).move_to([x, CLOSE_Y, 0])
            frame = Rectangle(width=CLOSE, height=CLOSE).set_stroke(self.theme.neuron_stroke, 1).move_to(image)
            band = pixel_outline(self.stroke.mask, image, self.theme.highlight, 3)
            name = self.class_name(probe) or "digit"
            caption = VGroup(
                label(f"the {name}: z = {fmt_fixed(float(pre[probe]), 1)}", self.theme, TEXT),
                label(f"band {fmt_fixed(self.band_sum(probe), 1)}", self.theme, TEXT, self.theme.highlight),
            ).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
            caption.next_to(image, DOWN, buff=0.15).align_to(image, LEFT)
            close[probe] = (products, image, frame, band, caption, name, grey.astype(np.float64))
        self.close_up = close
        worst, best = close[self.worst], close[self.best]
        with self.narrate(
            f"Up close: the {worst[5]} that shuts it off most, the {best[5]} that excites it most."
        ) as line:
            self.play(FadeOut(table), run_time=0.3 * line.duration)
            self.play(
                *(FadeIn(Group(part[1], part[2])) for part in (worst, best)),
                *(FadeIn(part[4][0], shift=0.2 * UP) for part in (worst, best)),
                run_time=0.7 * line.duration,
            )
        colours = [(part[1], part[6], self.rgba(part[0]).astype(np.float64)) for part in (worst, best)]

        def blend(t: float) -> None:
            for image, grey, product in colours:
                image.show(np.round((1 - t) * grey + t * product).astype(np.uint8))

        with self.narrate(
            "Ink × weight, pixel by pixel: ink on blue weights pushes z up, on red pulls it down."
        ) as line:
            self.play(Playback(Group(worst[1], best[1]), blend), run_time=line.duration)
        with self.narrate(
            f"On the band, the {worst[5]}'s ink adds {fmt_fixed(self.band_sum(self.worst), 1)}; "
            f"the {best[5]}'s, {fmt_fixed(self.band_sum(self.best), 1)}."
        ) as line:
            self.play(Create(worst[3]), FadeIn(worst[4][1]), run_time=0.5 * line.duration)
            self.play(Create(best[3]), FadeIn(best[4][1]), run_time=0.5 * line.duration)
        products, image = best[0], best[1]
        push = main_push(products)
        positive = float(np.clip(products, 0, None).sum())
        held = float(products[push].sum())
        above, on, below = rows_around(push, self.stroke.rows)
        where = {
            (True, True): "above and below the band",
            (True, False): "above the band",
            (False, True): "below the band",
        }.get((above > 0, below > 0), "on the band")
        if on:
            where += f", {on} on it"
        self.push = push
        # The best digit's z as printed beside it: ink on blue + ink on red + bias, adding up to its z.
        z = float(pre[self.best])
        self.split = (z, positive, balancing_term(z, [positive, bias], 1), bias)
        self.push_lines = [
            f"What switches it on is its ink on blue weights, {where}.",
            f"These {int(push.sum())} pixels push z up by {fmt_fixed(held, 1)}: half of the "
            f"{fmt_fixed(positive, 1)} all its ink on blue adds.",
            f"Its ink on red adds {fmt_fixed(self.split[2], 1)}, the bias {fmt_fixed(bias, 1)}: z = {fmt_fixed(z, 1)}.",
        ]
        outline = pixel_outline(push, image, self.theme.text, 2.5)
        column = VGroup(
            label(f"ink on blue {signed(positive)}", self.theme, TEXT, self.theme.positive),
            label(f"outlined: {signed(held)}", self.theme, TEXT),
            label(f"ink on red {signed(self.split[2])}", self.theme, TEXT, self.theme.negative),
            label(f"bias {signed(bias)}", self.theme, TEXT, self.theme.muted),
            label(f"z = {fmt_fixed(z, 1)}", self.theme, TEXT),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        column.next_to(image, RIGHT, buff=0.2).align_to(image, UP)  # beside the outlines they count
        with self.narrate(self.push_lines[0]) as line:
            self.play(Create(outline), run_time=line.duration)
        with self.narrate(self.push_lines[1]) as line:
            self.play(FadeIn(column[:2], shift=0.2 * LEFT), run_time=0.5 * line.duration)
            self.play(outline.animate.set_stroke(width=4.5), run_time=0.25 * line.duration)
            self.play(outline.animate.set_stroke(width=2.5), run_time=0.25 * line.duration)
        with self.narrate(self.push_lines[2]) as line:
            self.play(FadeIn(column[2:], shift=0.2 * LEFT), run_time=min(1.0, line.duration))
        self.split_column = column
        self.close_parts = Group(*(part for value in close.values() for part in value[1:5]), outline, column)
