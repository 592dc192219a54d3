"""Measure encoding a 24-megapixel photo for a task, against a plain full-decode baseline.

Run from the repository root: ``python tests/bench/bench_image_encode.py [--runs N]``.
Prints one JSON object per line.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PIL import Image, ImageOps

from ogpu_desktop.domain.images import DEFAULT_OPTIONS, encode_image_file
from tests.helpers.images import exif_with, photo_like

WIDTH, HEIGHT = 6000, 4000


def naive_encode(path: Path, max_side: int, quality: int) -> str:
    """What the obvious code does: decode every pixel, turn upright, resize, save."""
    with Image.open(path) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGB")
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=None)
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def median_ms(action: Callable[[], object], runs: int) -> float:
    """Median wall time of ``runs`` calls after one warm-up call, in milliseconds."""
    action()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def emit(metric: str, value: float, unit: str, **context: object) -> None:
    print(json.dumps({"metric": metric, "value": value, "unit": unit, **context}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per method (default 5)")
    args = parser.parse_args()
    options = DEFAULT_OPTIONS
    megapixels = round(WIDTH * HEIGHT / 1_000_000)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "photo.jpg"
        photo_like(WIDTH, HEIGHT, grain=0.1, texture=0.15).save(
            path, "JPEG", quality=92, exif=exif_with(orientation=1, gps=True, camera=True)
        )
        result = encode_image_file(path, options)
        assert (result.width, result.height) == (1024, 683), (result.width, result.height)

        encode_ms = median_ms(lambda: encode_image_file(path, options), args.runs)
        naive_ms = median_ms(
            lambda: naive_encode(path, options.max_side, options.jpeg_quality), args.runs
        )
        source_kb = path.stat().st_size / 1000

    emit("image_encode_ms", round(encode_ms, 1), "ms", megapixels=megapixels, runs=args.runs)
    emit("image_payload_kb", round(result.payload_chars / 1000, 1), "kB", max_side=options.max_side)
    emit("image_source_kb", round(source_kb, 1), "kB", width=WIDTH, height=HEIGHT)
    emit("image_encode_naive_ms", round(naive_ms, 1), "ms", megapixels=megapixels, runs=args.runs)
    emit("image_encode_speedup", round(naive_ms / encode_ms, 2), "x")


if __name__ == "__main__":
    main()
