"""A speed-up of manim 0.22's Cairo renderer: each frame redraws only what changes, the same frame byte for byte.

manim draws the mobjects before the first moving one into a static image once per animation, and
then, every frame, draws every mobject from the first moving one onwards, moving or not: a label
added after the picture it labels is redrawn 60 times a second for as long as anything before it
moves. At 1080p60 that drawing was most of ``convolution``'s and ``filters``' render time.

Here each animation's "moving" mobjects (manim's list, in the order manim draws them) are split in
two. The *kept* ones are drawn once more into a second static image, over manim's; each frame starts
from that image and draws the others, in manim's order. That is the same frame as manim's provided
(1) a kept mobject looks exactly as it did when it was drawn into the image (its points, colours,
stroke, image pixels: compared every frame, never assumed from the animations), and (2) no mobject
drawn every frame comes before a kept one in manim's order and shares a pixel with it: Cairo's
drawing of one path or image changes only the pixels it covers, so two drawings that share none give
the same pixels in either order. A mobject's pixels are bounded by its points' box (a Bézier curve
lies in its control points' hull), widened by its stroke (a miter join reaches 10 half-widths out)
and a margin for antialiasing. A mobject that fails (1) or (2) is drawn every frame from then on;
one unchanged for a few frames is kept again. Whenever the kept set changes, the second image is
drawn again.

Anything this cannot reason about (another camera class, a transparent background, point clouds,
mobjects coloured by a background image, gradients, 3-D shading) gets manim's own path for that
frame. ``tests/test_redraw.py`` renders scenes both ways, in one process, and compares every frame
byte for byte; the scenes' control frames check it too.
"""

from __future__ import annotations

import numpy as np
from manim.camera.camera import Camera
from manim.mobject.types.image_mobject import AbstractImageMobject
from manim.mobject.types.vectorized_mobject import VMobject
from manim.renderer.cairo_renderer import CairoRenderer

__all__ = ["redraw_changed_only", "redrawing_changed_only"]

MITER_LIMIT = 10.0  # cairo's default, which manim leaves as it is
MARGIN_PIXELS = 3.0  # antialiasing touches the pixel next to a shape's edge; three is ample
STEADY_FRAMES = 3  # a mobject drawn every frame is kept again once it has not changed for this many frames


def redraw_changed_only() -> None:
    """Install the redraw on manim's Cairo renderer (once)."""
    if getattr(CairoRenderer.render, "redraws_changed_only", False):
        return
    original = CairoRenderer.render

    def render(self, scene, time, moving_mobjects=None) -> None:
        if not redrawing_changed_only.enabled or not _draw_frame(self, scene, moving_mobjects):
            return original(self, scene, time, moving_mobjects)
        self.add_frame(self.get_frame())
        return None

    render.redraws_changed_only = True
    render.original = original
    CairoRenderer.render = render


class _Switch:
    """``redrawing_changed_only.enabled = False`` gives manim's own path (the tests compare the two)."""

    enabled = True


redrawing_changed_only = _Switch()


def _state(mobject) -> tuple:
    """Everything the camera reads to draw ``mobject`` (one of the display list: a leaf drawn alone). The points
    come first and a VMobject's stroke widths fifth and sixth: :func:`_box_of` reads them there."""
    if isinstance(mobject, VMobject):
        return (
            mobject.points.tobytes(),
            mobject.get_fill_rgbas().tobytes(),
            mobject.get_stroke_rgbas().tobytes(),
            mobject.get_stroke_rgbas(True).tobytes(),
            mobject.get_stroke_width(),
            mobject.get_stroke_width(True),
            mobject.joint_type,
            mobject.cap_style,
        )
    return (mobject.points.tobytes(), mobject.get_pixel_array().tobytes(), mobject.resampling_algorithm)


def _drawable(mobjects: list) -> bool:
    """Whether every mobject is of a kind whose pixels this module can bound."""
    for mobject in mobjects:
        if isinstance(mobject, VMobject):
            if mobject.get_background_image() is not None or mobject.shade_in_3d:
                return False
        elif not isinstance(mobject, AbstractImageMobject):
            return False
    return True


def _keepable(mobject) -> bool:
    """A gradient's ends depend on the mobject's family, which :func:`_state` does not read: drawn every frame."""
    if isinstance(mobject, VMobject):
        return (
            len(mobject.get_fill_rgbas()) <= 1
            and len(mobject.get_stroke_rgbas()) <= 1
            and len(mobject.get_stroke_rgbas(True)) <= 1
        )
    return True


EMPTY = np.full(4, np.nan)  # the box of a mobject that draws nothing: it meets no other


def _box(camera: Camera, mobject) -> np.ndarray:
    """The pixel box (left, top, right, bottom) holding every pixel ``mobject``'s drawing can touch; empty for a
    mobject that draws nothing (no points, or points that are not finite)."""
    points = mobject.points
    if len(points) == 0:
        return EMPTY
    low, high = points.min(axis=0), points.max(axis=0)
    if not (np.isfinite(low).all() and np.isfinite(high).all()):
        return EMPTY
    reach = 0.0
    if isinstance(mobject, VMobject):
        half = max(mobject.get_stroke_width(), mobject.get_stroke_width(True)) * camera.cairo_line_width_multiple / 2
        reach = half * MITER_LIMIT  # the farthest a miter join, or any cap, reaches from the path
    x_scale = camera.pixel_width / camera.frame_width
    y_scale = camera.pixel_height / camera.frame_height
    centre = camera.frame_center
    pad_x, pad_y = reach * x_scale + MARGIN_PIXELS, reach * y_scale + MARGIN_PIXELS
    return np.array(
        [
            (low[0] - centre[0]) * x_scale + camera.pixel_width / 2 - pad_x,
            -(high[1] - centre[1]) * y_scale + camera.pixel_height / 2 - pad_y,
            (high[0] - centre[0]) * x_scale + camera.pixel_width / 2 + pad_x,
            -(low[1] - centre[1]) * y_scale + camera.pixel_height / 2 + pad_y,
        ]
    )


def _view(camera: Camera) -> tuple:
    """What :func:`_box` reads of the camera."""
    return (
        camera.frame_center.tobytes(),
        camera.frame_width,
        camera.frame_height,
        camera.pixel_width,
        camera.pixel_height,
        camera.cairo_line_width_multiple,
    )


def _box_of(plan: _Plan, camera: Camera, view: tuple, mobject, identity: int, state: tuple) -> np.ndarray:
    """:func:`_box`, found again only when what it reads changed: the mobject's points and stroke widths (both in
    its state) and the camera's ``view``. Most mobjects drawn every frame (points over a map) never change."""
    reads = (state[:1], state[4:6], view)  # the points (both kinds), the two stroke widths (a VMobject's)
    seen = plan.boxes.get(identity)
    if seen is not None and seen[0] == reads:
        return seen[1]
    box = _box(camera, mobject)
    plan.boxes[identity] = (reads, box)
    return box


def _overlap(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """(n, m): whether box i of ``first`` meets box j of ``second`` (an empty box meets nothing)."""
    return (
        (first[:, None, 0] < second[None, :, 2])
        & (second[None, :, 0] < first[:, None, 2])
        & (first[:, None, 1] < second[None, :, 3])
        & (second[None, :, 1] < first[:, None, 3])
    )


class _Plan:
    """One animation's split: the kept mobjects (by id) drawn into ``image``, each with its look and its pixel box
    when it was drawn there, in the order they were drawn."""

    def __init__(self, key: tuple):
        self.key = key
        self.kept: dict[int, tuple[tuple, np.ndarray]] = {}  # id -> (state, box) when drawn into the image
        self.kept_order: list[int] = []  # the kept ids in display order
        self.image: np.ndarray | None = None
        self.last: dict[int, tuple] = {}  # id -> state last frame, for those drawn every frame
        self.steady: dict[int, int] = {}  # id -> frames unchanged, for those drawn every frame
        self.boxes: dict[int, tuple[tuple, np.ndarray]] = {}  # id -> (what the box read, the box) when last found


def _draw_frame(renderer: CairoRenderer, scene, moving_mobjects) -> bool:
    """Draw the frame into the camera's pixels, keeping what does not change; False: leave it to manim."""
    camera = renderer.camera
    if type(camera) is not Camera or camera.background_opacity < 1 or not moving_mobjects:
        return False
    if not getattr(Camera.set_cairo_context_path, "clears_path_first", False):
        return False  # without it an empty path redraws the one before: the order would matter
    display = camera.get_mobjects_to_display(moving_mobjects)
    if not _drawable(display):
        return False
    ids = [id(m) for m in display]
    states = [_state(m) for m in display]
    key = (renderer.num_plays, id(renderer.static_image))
    plan = getattr(renderer, "_redraw_plan", None)
    if plan is None or plan.key != key:
        plan = _Plan(key)
        renderer._redraw_plan = plan
        animated = _animated_ids(scene)
        wanted = {i for i, m in zip(ids, display) if i not in animated and _keepable(m)}
    else:
        wanted = {i for i, state in zip(ids, states) if i in plan.kept and plan.kept[i][0] == state}
        for index, identity in enumerate(ids):  # those drawn every frame that hold still are kept again
            if identity in plan.kept:
                continue
            same = plan.last.get(identity) == states[index]
            plan.steady[identity] = plan.steady.get(identity, 0) + 1 if same else 0
            if plan.steady[identity] >= STEADY_FRAMES and _keepable(display[index]):
                wanted.add(identity)
    view = _view(camera)
    boxes = np.array(
        [
            plan.kept[i][1] if i in wanted and i in plan.kept else _box_of(plan, camera, view, m, i, s)
            for i, m, s in zip(ids, display, states)
        ]
    ).reshape(len(display), 4)
    kept = _without_overlaps(ids, boxes, wanted)
    if plan.image is None or [i for i in ids if i in plan.kept and i in kept] != [
        i for i in plan.kept_order if i in kept
    ]:
        _repaint(renderer, plan, display, None, kept, boxes)  # first frame, or kept ones reordered: all again
    elif kept != plan.kept.keys():
        changed = [plan.kept[i][1] for i in plan.kept.keys() - kept]  # where the ones no longer kept were drawn
        changed += [boxes[ids.index(i)] for i in kept - plan.kept.keys()]
        _repaint(renderer, plan, display, changed, kept, boxes)
    plan.kept = {i: (s, b) for i, s, b in zip(ids, states, boxes) if i in kept}
    plan.kept_order = [i for i in ids if i in kept]
    for identity in kept:
        plan.steady.pop(identity, None)
    plan.last = {i: s for i, s in zip(ids, states) if i not in kept}
    camera.set_frame_to_background(plan.image)
    drawn = [m for i, m in zip(ids, display) if i not in kept]
    if drawn:
        camera.capture_mobjects(drawn, include_submobjects=False)
    return True


def _animated_ids(scene) -> set[int]:
    """The mobjects manim's animations and updaters say will move: the first guess of what not to keep."""
    from manim.animation.composition import AnimationGroup

    moving: set[int] = set()

    def collect(animations) -> None:
        for animation in animations:
            moving.update(id(m) for m in animation.mobject.get_family())
            if isinstance(animation, AnimationGroup):
                collect(animation.animations)

    collect(scene.animations or [])
    for mobject in scene.get_mobject_family_members():
        if mobject.updaters:
            moving.update(id(m) for m in mobject.get_family())
    return moving


def _without_overlaps(ids: list[int], boxes: np.ndarray, wanted: set[int]) -> set[int]:
    """The largest part of ``wanted`` such that nothing drawn every frame comes before a kept mobject in the
    display order and may share a pixel with it."""
    kept = set(wanted)
    position = np.arange(len(ids))
    while kept:
        is_kept = np.fromiter((i in kept for i in ids), bool, len(ids))
        if is_kept.all():
            return kept
        drawn, kept_at = position[~is_kept], position[is_kept]
        clash = _overlap(boxes[drawn], boxes[kept_at]) & (drawn[:, None] < kept_at[None, :])
        lost = kept_at[clash.any(axis=0)]
        if len(lost) == 0:
            return kept
        kept -= {ids[i] for i in lost}
    return kept


def _repaint(renderer: CairoRenderer, plan: _Plan, display: list, regions, kept: set[int], boxes: np.ndarray) -> None:
    """Make the plan's image manim's static image with the kept mobjects drawn over it in display order: all of
    it (``regions`` None), or only inside ``regions`` (pixel boxes), where kept mobjects came or went. Inside a
    region, the pixels are set back to the static image's and every kept mobject that may touch them is drawn
    again, in order; a mobject drawn whole spills outside the regions, so only the regions are copied back."""
    camera = renderer.camera
    background = renderer.static_image if renderer.static_image is not None else camera.background
    if regions is None or plan.image is None:
        camera.set_frame_to_background(background)
        keep = [m for m in display if id(m) in kept]
        if keep:
            camera.capture_mobjects(keep, include_submobjects=False)
        plan.image = camera.pixel_array.copy()
        return
    height, width = camera.pixel_array.shape[:2]
    rectangles = []
    for left, top, right, bottom in regions:
        if not np.isfinite(left):
            continue  # drew nothing
        left, top = max(int(np.floor(left)), 0), max(int(np.floor(top)), 0)
        right, bottom = min(int(np.ceil(right)) + 1, width), min(int(np.ceil(bottom)) + 1, height)
        if left < right and top < bottom:
            rectangles.append((left, top, right, bottom))
    if not rectangles:
        return
    camera.set_frame_to_background(plan.image)
    pixels = camera.pixel_array
    for left, top, right, bottom in rectangles:
        pixels[top:bottom, left:right] = background[top:bottom, left:right]
    areas = np.array(rectangles, float)
    redraw = [m for m, box in zip(display, boxes) if id(m) in kept and _overlap(box[None, :], areas).any()]
    if redraw:
        camera.capture_mobjects(redraw, include_submobjects=False)
    for left, top, right, bottom in rectangles:
        plan.image[top:bottom, left:right] = pixels[top:bottom, left:right]
