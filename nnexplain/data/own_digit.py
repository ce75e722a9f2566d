"""Your own digit: a photo, scan or drawing of one handwritten digit, prepared the way MNIST was made.

MNIST's digits (LeCun et al.) were black-and-white scans, each size-normalised to fit a
20 × 20 box keeping its aspect ratio (anti-aliasing makes the greys), then centred by its
centre of mass in a 28 × 28 image, white ink on black. A network trained on them reads
only digits prepared the same way, so :func:`prepare_digit` does, step by step:

1. grey scale (a transparent background counts as paper);
2. dark ink on light paper is inverted (the paper is whichever shade most of the picture is);
3. a photo that shows the desk round the sheet is cut to the sheet; the paper is flattened: uneven lighting (a photo's shadow) is the picture blurred far
   wider than a stroke, subtracted; ink is then scaled so its strong strokes are 1;
4. cropped to the ink (specks of noise smaller than a stroke's dot are not ink);
5. scaled to fit 20 × 20 keeping its aspect;
6. centred by its centre of mass in 28 × 28.

A picture with no ink, one that is not an image, one too large, and one with two marks side
by side (two digits) are refused with one line: this reads one digit, and does not guess
which of two was meant. Numpy, Pillow and scipy only: the data floor.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnexplain.errors import DataError
from nnexplain.inputs import read_bytes

__all__ = ["PreparedDigit", "MAX_IMAGE_BYTES", "MAX_IMAGE_PIXELS", "read_image", "prepare_digit", "load_digit"]

MAX_IMAGE_BYTES = 50 << 20  # a phone photo is a few MB
MAX_IMAGE_PIXELS = 50_000_000  # a 50-megapixel camera; checked from the header, before decoding
SIDE, BOX = 28, 20  # MNIST: 28 × 28 images, the digit fitted into 20 × 20
WORK_SIDE = 256  # pictures are first scaled down to at most this (faster, and the same result at 28 × 28)
MIN_CONTRAST = 0.12  # ink darker than its paper by less than this (of full scale) is no ink
PAPER_SHADE = 0.25  # how much darker than the paper's median a shadowed part of the paper may be
INK_LEVEL = 0.3  # of the strong strokes' level: where the ink's outline lies
TWO_DIGIT_GAP = 0.08  # a blank column gap this wide (of the ink's height) between digit-sized marks: two digits


@dataclass(frozen=True)
class PreparedDigit:
    """A digit ready for a 28 × 28 network, and the steps that made it (for a scene to show)."""

    pixels: np.ndarray  # (28, 28) float32, ink 1 on 0, as the MNIST probe inputs
    picture: np.ndarray  # the picture in grey as given (scaled to at most WORK_SIDE), 0 black .. 1 white
    ink: np.ndarray  # step 3: ink 1 on 0, the paper flattened, same size as ``picture``
    box: tuple[int, int, int, int]  # step 4: the ink's rows and columns in ``ink``: top, bottom, left, right (ends out)
    fitted: np.ndarray  # step 5: the crop scaled to fit 20 × 20
    inverted: bool  # whether the picture was dark ink on light paper
    name: str = "your digit"  # where it came from, for captions (the file's name)


def read_image(path: str | Path) -> np.ndarray:
    """The picture at ``path`` in grey, 0 black .. 1 white, at most ``WORK_SIDE`` on its longer side."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    data = read_bytes(path, "image", DataError, MAX_IMAGE_BYTES)
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size  # from the header: nothing is decoded yet
        if width * height > MAX_IMAGE_PIXELS:
            raise DataError(
                f"image {path} is {width}×{height} pixels; nnexplain reads pictures of up to "
                f"{MAX_IMAGE_PIXELS / 1e6:g} megapixels: scale it down"
            )
        image = ImageOps.exif_transpose(image)  # a phone photo stored sideways
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            rgba = image.convert("RGBA")
            paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            image = Image.alpha_composite(paper, rgba)
        grey = image.convert("L")
        grey.thumbnail((WORK_SIDE, WORK_SIDE), Image.Resampling.BOX)
        return np.asarray(grey, dtype=np.float32) / 255.0
    except DataError:
        raise
    except Image.DecompressionBombError:  # Pillow's own limit, from the header, on opening
        raise DataError(
            f"image {path} is larger than nnexplain reads ({MAX_IMAGE_PIXELS / 1e6:g} megapixels): scale it down"
        ) from None
    except UnidentifiedImageError:
        raise DataError(f"{path} is not an image nnexplain can read (PNG, JPEG, GIF, BMP, TIFF or WebP)") from None
    except (OSError, ValueError, SyntaxError) as problem:  # Pillow's errors for a truncated or damaged file
        raise DataError(f"image {path} is damaged: {problem}") from None


def load_digit(path: str | Path) -> PreparedDigit:
    """The digit in the picture at ``path``, prepared as MNIST was (one line, :class:`DataError`, when it cannot be)."""
    return prepare_digit(read_image(path), Path(path).name, where=str(path))


def prepare_digit(picture: np.ndarray, name: str = "your digit", where: str | None = None) -> PreparedDigit:
    """A grey ``picture`` (0 black .. 1 white) of one digit, prepared as MNIST was made (see the module)."""
    where = where or name
    picture = np.asarray(picture, dtype=np.float32)
    if picture.ndim != 2 or min(picture.shape) < 8:
        raise DataError(f"image {where} is {picture.shape[1]}×{picture.shape[0]} pixels; a digit needs at least 8×8")
    paper = float(np.median(picture))
    inverted = paper > 0.5
    ink = 1.0 - picture if inverted else picture.copy()
    ink = _flatten_paper(_on_the_paper(ink))
    peak = _stroke_peak(ink)
    if peak < MIN_CONTRAST:
        raise DataError(f"image {where} holds no ink: no stroke stands out from the paper")
    ink = np.clip(ink / peak, 0.0, 1.0)
    mask = _ink_mask(ink)
    if not mask.any():
        raise DataError(f"image {where} holds no ink: only specks stand out from the paper")
    rows, cols = np.nonzero(mask)
    box = (int(rows.min()), int(rows.max()) + 1, int(cols.min()), int(cols.max()) + 1)
    _refuse_two_digits(mask[box[0] : box[1], box[2] : box[3]], where)
    crop = np.where(_near(mask), ink, 0.0)[box[0] : box[1], box[2] : box[3]]
    fitted = _fit(crop, BOX)
    return PreparedDigit(_centre_by_mass(fitted, SIDE), picture, ink, box, fitted, inverted, name)


def _on_the_paper(ink: np.ndarray) -> np.ndarray:
    """``ink`` cut to the sheet of paper when the photo shows what lies round it (a desk): the paper is the
    largest connected region of the paper's shade; outside its box nothing is read as ink."""
    from scipy import ndimage

    paper = float(np.median(ink))
    sheet, count = ndimage.label(ink < paper + PAPER_SHADE)
    if count == 0:
        return ink
    largest = 1 + int(np.argmax(np.bincount(sheet.ravel())[1:]))
    rows, cols = np.nonzero(sheet == largest)
    top, bottom, left, right = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    if (bottom - top) * (right - left) >= 0.9 * ink.size:
        return ink  # the paper fills the picture: nothing round it to cut
    inset = max(1, round(0.02 * min(bottom - top, right - left)))  # the sheet's own edge and shadow
    return ink[top + inset : bottom - inset, left + inset : right - inset]


def _flatten_paper(ink: np.ndarray) -> np.ndarray:
    """``ink`` less the paper's own shade: a blur far wider than a stroke, taken from below by a minimum
    filter (so strokes do not raise it), is uneven lighting, not ink."""
    from scipy import ndimage

    size = max(3, round(max(ink.shape) / 8))
    floor = ndimage.uniform_filter(ndimage.minimum_filter(ink, size=size), size=size)
    return np.clip(ink - floor, 0.0, None)


def _stroke_peak(ink: np.ndarray) -> float:
    """How dark the strokes are: the highest ink after a 3 × 3 median (lone noisy pixels are no stroke)."""
    from scipy import ndimage

    return float(ndimage.median_filter(ink, size=3).max())


def _ink_mask(ink: np.ndarray) -> np.ndarray:
    """Where the ink is: above ``INK_LEVEL``, without specks of noise (pieces far smaller than the largest stroke)."""
    from scipy import ndimage

    mask = ink > INK_LEVEL
    pieces, count = ndimage.label(mask)
    if count == 0:
        return mask
    sizes = np.bincount(pieces.ravel())[1:]
    keep = np.flatnonzero(sizes >= max(4, 0.04 * sizes.max())) + 1
    return np.isin(pieces, keep)


def _near(mask: np.ndarray) -> np.ndarray:
    """The ink's outline and a pixel around it: the soft edge of a stroke is kept, specks further away are not."""
    from scipy import ndimage

    return ndimage.binary_dilation(mask, iterations=2)


def _refuse_two_digits(mask: np.ndarray, where: str) -> None:
    """Two or more digit-sized marks side by side, with blank columns between them, are two digits."""
    height = mask.shape[0]
    inked = mask.any(axis=0)
    groups, start = [], None
    for column, on in enumerate([*inked, False]):
        if on and start is None:
            start = column
        elif not on and start is not None:
            groups.append((start, column))
            start = None
    gap = max(2, round(TWO_DIGIT_GAP * height))
    marks = [groups[0]] if groups else []
    for left, right in groups[1:]:
        if left - marks[-1][1] < gap:
            marks[-1] = (marks[-1][0], right)  # a stroke of the same digit, close by
        else:
            marks.append((left, right))
    tall = [m for m in marks if mask[:, m[0] : m[1]].any(axis=1).sum() >= 0.5 * height]
    if len(tall) > 1:
        raise DataError(
            f"image {where} holds {len(tall)} marks side by side, like {len(tall)} digits; "
            "crop it to the one digit to read"
        )


def _fit(crop: np.ndarray, box: int) -> np.ndarray:
    """``crop`` scaled (anti-aliased) so its longer side is ``box`` pixels, keeping its aspect."""
    from PIL import Image

    height, width = crop.shape
    scale = box / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    image = Image.fromarray(crop.astype(np.float32)).resize(size, Image.Resampling.LANCZOS)
    return np.clip(np.asarray(image, dtype=np.float32), 0.0, 1.0)


def _centre_by_mass(fitted: np.ndarray, side: int) -> np.ndarray:
    """``fitted`` placed in a ``side`` × ``side`` image so its centre of mass is the image's centre (whole pixels)."""
    height, width = fitted.shape
    total = float(fitted.sum())
    rows, cols = np.indices(fitted.shape)
    centre_row = float((rows * fitted).sum() / total) if total else (height - 1) / 2
    centre_col = float((cols * fitted).sum() / total) if total else (width - 1) / 2
    top = int(round((side - 1) / 2 - centre_row))
    left = int(round((side - 1) / 2 - centre_col))
    image = np.zeros((side, side), dtype=np.float32)
    # A lopsided digit's box may poke out of the 28 × 28 frame: what falls outside is cut.
    for row in range(height):
        target = top + row
        if 0 <= target < side:
            lo, hi = max(0, -left), min(width, side - left)
            if lo < hi:
                image[target, left + lo : left + hi] = fitted[row, lo:hi]
    return image
