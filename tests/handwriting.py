"""Digits made in the tests, with known labels: drawn with pen strokes, then photographed.

No picture of a digit is stored: each is drawn here with Pillow from a stroke path per
digit (unit square, y down), varied by slant, size, aspect and pen width, and then made to
look photographed: blur, uneven lighting, grey paper, sensor noise and JPEG compression.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def _arc(cx, cy, rx, ry, start, stop, n=24):
    angles = np.radians(np.linspace(start, stop, n))
    return list(zip(cx + rx * np.cos(angles), cy + ry * np.sin(angles)))


# Each digit: strokes (polylines) in the unit square, x right, y down; angles in degrees, 0 = right, 90 = down.
STROKES = {
    0: [_arc(0.5, 0.5, 0.3, 0.45, 0, 360, 40)],
    1: [[(0.55, 0.05), (0.5, 0.95)]],
    2: [_arc(0.5, 0.3, 0.3, 0.25, 190, 380) + [(0.2, 0.95), (0.85, 0.95)]],
    3: [_arc(0.48, 0.28, 0.3, 0.23, 200, 450) + _arc(0.48, 0.73, 0.33, 0.23, 270, 520)],
    4: [[(0.6, 0.05), (0.15, 0.65), (0.85, 0.65)], [(0.65, 0.35), (0.65, 0.98)]],
    5: [[(0.8, 0.05), (0.3, 0.05), (0.25, 0.45)] + _arc(0.5, 0.68, 0.32, 0.28, 235, 490)],
    6: [_arc(0.75, 0.55, 0.5, 0.5, 250, 180) + _arc(0.5, 0.7, 0.27, 0.25, 180, 540)],
    7: [[(0.15, 0.05), (0.85, 0.05), (0.4, 0.97)]],
    8: [_arc(0.5, 0.27, 0.25, 0.22, 90, 450), _arc(0.5, 0.72, 0.3, 0.24, 270, 630)],
    9: [_arc(0.5, 0.3, 0.28, 0.25, 0, 360), [(0.78, 0.3), (0.7, 0.97)]],
}


def draw_digit(digit: int, rng: np.random.Generator, size: int = 160) -> np.ndarray:
    """A clean drawing of ``digit``: ink 1 on 0, ``size`` square, slant, size and pen varied by ``rng``."""
    canvas = Image.new("L", (size, size), 0)
    pen = ImageDraw.Draw(canvas)
    slant = rng.uniform(-0.25, 0.25)
    height = rng.uniform(0.55, 0.8) * size
    width = height * rng.uniform(0.55, 0.8)
    x0, y0 = rng.uniform(0.1, 0.9 - width / size) * size, rng.uniform(0.08, 0.92 - height / size) * size
    thickness = max(2, round(height * rng.uniform(0.09, 0.14)))
    for stroke in STROKES[digit]:
        points = [
            (x0 + (x + slant * (0.5 - y)) * width + rng.normal(0, 0.01) * width, y0 + y * height) for x, y in stroke
        ]
        pen.line(points, fill=255, width=thickness, joint="curve")
        for x, y in (points[0], points[-1]):
            pen.ellipse([x - thickness / 2, y - thickness / 2, x + thickness / 2, y + thickness / 2], fill=255)
    return np.asarray(canvas, dtype=np.float32) / 255.0


def on_paper(ink: np.ndarray) -> np.ndarray:
    """``ink`` as black ink on white paper, 0 black .. 1 white (a clean scan)."""
    return 1.0 - ink


def photographed(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``ink`` as a phone photo of it on paper: blurred, lit unevenly, grey, noisy, JPEG-compressed."""
    size = ink.shape[0]
    blurred = (
        np.asarray(
            Image.fromarray((ink * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(rng.uniform(0.8, 2.0))),
            dtype=np.float32,
        )
        / 255.0
    )
    rows, cols = np.indices(ink.shape) / size
    angle = rng.uniform(0, 2 * np.pi)
    light = 0.95 - rng.uniform(0.15, 0.35) * (0.5 + 0.5 * (np.cos(angle) * cols + np.sin(angle) * rows))
    paper, pencil = light, rng.uniform(0.15, 0.35)
    picture = paper * (1 - blurred) + pencil * blurred
    picture = picture + rng.normal(0, 0.03, ink.shape)
    encoded = io.BytesIO()
    Image.fromarray((np.clip(picture, 0, 1) * 255).astype(np.uint8)).save(encoded, "JPEG", quality=70)
    return np.asarray(Image.open(encoded), dtype=np.float32) / 255.0
