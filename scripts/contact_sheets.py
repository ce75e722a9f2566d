"""Contact sheets of a video, and how much of it stands still.

    .venv/bin/python scripts/contact_sheets.py renders/fold-480p15.mp4 --out sheets/fold [--every 0.5] [--subtitles FILE.srt]

Writes ``sheet-NN.png`` (12 frames each, every ``--every`` seconds, each stamped with its
time and, given subtitles, the cue on at that moment) and prints one JSON line: the
video's length, the share of frames identical to the one before (frozen), and every
frozen stretch of 3 s or more. A frame counts as frozen when no pixel changed by more
than 2 levels of 255 (encoder noise).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

NOISE = 2  # levels of 255 a pixel may move and still count as unchanged (x264 noise)
LONG_FREEZE = 3.0


def read_cues(path: Path | None) -> list[tuple[float, float, str]]:
    if path is None:
        return []
    cues = []
    stamp = r"(\d+):(\d+):(\d+)[,.](\d+)"
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        match = re.search(stamp + r"\s*-->\s*" + stamp, block)
        if not match:
            continue
        g = [int(v) for v in match.groups()]
        start = g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000
        end = g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000
        text = " ".join(block[match.end() :].split())
        cues.append((start, end, text))
    return cues


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("video", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--every", type=float, default=0.5)
    parser.add_argument("--per-sheet", type=int, default=12)
    parser.add_argument("--subtitles", type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    cues = read_cues(args.subtitles)

    picked: list[tuple[float, np.ndarray]] = []
    frozen = total = 0
    stretches, run_start, previous, fps = [], None, None, None
    next_pick = 0.0
    with av.open(str(args.video)) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate)
        for frame in container.decode(stream):
            time = float(frame.pts * stream.time_base)
            image = frame.to_ndarray(format="rgb24")
            total += 1
            if previous is not None and int(np.abs(image.astype(np.int16) - previous).max()) <= NOISE:
                frozen += 1
                run_start = time - 1 / fps if run_start is None else run_start
            else:
                if run_start is not None and time - run_start >= LONG_FREEZE:
                    stretches.append([round(run_start, 2), round(time, 2)])
                run_start = None
            previous = image.astype(np.int16)
            if time + 1e-6 >= next_pick:
                picked.append((time, image))
                next_pick += args.every
        end = total / fps
        if run_start is not None and end - run_start >= LONG_FREEZE:
            stretches.append([round(run_start, 2), round(end, 2), "final hold"])

    height, width = picked[0][1].shape[:2]
    columns = 3
    for sheet_index in range(0, len(picked), args.per_sheet):
        chunk = picked[sheet_index : sheet_index + args.per_sheet]
        rows = (len(chunk) + columns - 1) // columns
        band = 34 if cues else 18
        sheet = Image.new("RGB", (columns * width, rows * (height + band)), "white")
        draw = ImageDraw.Draw(sheet)
        for index, (time, image) in enumerate(chunk):
            x, y = (index % columns) * width, (index // columns) * (height + band)
            sheet.paste(Image.fromarray(image), (x, y + band))
            cue = next((text for start, stop, text in cues if start <= time < stop), "")
            draw.text((x + 4, y + 2), f"{time:6.2f} s", fill="black")
            if cue:
                draw.text((x + 4, y + 16), cue[:110], fill="blue")
        sheet.save(args.out / f"sheet-{sheet_index // args.per_sheet:02d}.png")
    print(
        json.dumps(
            {
                "video": str(args.video),
                "seconds": round(end, 2),
                "frames": total,
                "frozen_share": round(frozen / max(total - 1, 1), 3),
                "freezes_3s": stretches,
                "sheets": (len(picked) + args.per_sheet - 1) // args.per_sheet,
            }
        )
    )


if __name__ == "__main__":
    main()
