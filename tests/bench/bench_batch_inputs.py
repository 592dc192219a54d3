"""Measure listing a batch's inputs: 2,000 images in a folder and 2,000 texts in a CSV file.

Run from the repository root: ``python tests/bench/bench_batch_inputs.py [--inputs N]``.
Prints one JSON object per line:

- ``batch_list_ms``: listing time (headers read, nothing decoded), for images and for texts;
- ``batch_list_rss_mb``: peak resident memory of a fresh process that imported the domain and
  listed the inputs, beside its memory before listing and while holding the listing; the same
  for a tenth of the inputs, to show that memory stays flat as the batch grows;
- ``batch_list_rss_added_mb``: what holding the listing adds, in all and per input;
- ``batch_text_configs_ms``: building the task configs of every listed text.

Each measurement runs in its own process, so the peak is that of the listing alone (generating
the files happens in this process).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# A folder of photos is mostly JPEG; a few other formats and a few files to refuse.
_MIX = ("JPEG",) * 14 + ("PNG", "PNG", "WEBP", "WEBP", "GIF", "BMP")
_SUFFIX = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif", "BMP": ".bmp"}


def make_inputs(folder: Path, count: int) -> tuple[Path, Path]:
    """Write ``count`` images (about 1% to refuse) and a CSV of ``count`` texts into ``folder``."""
    from tests.helpers.batch_files import reviews_csv  # noqa: PLC0415 - after sys.path is set
    from tests.helpers.images import photo_like, to_bytes  # noqa: PLC0415

    images = folder / "photos"
    images.mkdir()
    encoded = {
        fmt: to_bytes(photo_like(320, 240, seed=index, grain=0.03), fmt)
        for index, fmt in enumerate(_SUFFIX)
    }
    jpeg = encoded["JPEG"]
    for index in range(1, count + 1):
        image_format = _MIX[index % len(_MIX)]
        path = images / f"IMG_{index:05d}{_SUFFIX[image_format]}"
        if index % 100 == 0:
            path.write_bytes(jpeg[: len(jpeg) // 2])  # cut short: refused
        elif index % 100 == 50:
            path.write_text("not a picture\n")  # a text file named .jpg: refused
        else:
            path.write_bytes(encoded[image_format])
    return images, reviews_csv(folder / "reviews.csv", count)


def child(task_type: str, path: str, configs: bool) -> None:
    """List ``path`` in this fresh process; print time and memory as one JSON line."""
    from ogpu_desktop.domain.batch_configs import plan_batch  # noqa: PLC0415
    from ogpu_desktop.domain.batch_entries import TextEntry  # noqa: PLC0415
    from ogpu_desktop.domain.batch_inputs import list_batch_inputs  # noqa: PLC0415
    from ogpu_desktop.domain.image_guard import allowed_formats  # noqa: PLC0415

    allowed_formats()  # Pillow's plugins load once, before measuring
    before = _memory_mb("VmRSS")
    start = time.perf_counter()
    listing = list_batch_inputs([path], task_type)
    list_ms = (time.perf_counter() - start) * 1000
    result: dict[str, object] = {
        "list_ms": list_ms,
        "rss_before_mb": before,
        "rss_held_mb": _memory_mb("VmRSS"),  # the listing is still held here
        "rss_peak_mb": _memory_mb("VmHWM"),
        "accepted": len(listing.accepted),
        "refused": len(listing.refused),
    }
    if configs:
        plan = plan_batch(task_type, {"top_k": 2})
        start = time.perf_counter()
        for entry in listing.accepted:
            assert isinstance(entry, TextEntry)
            plan.task_for(entry)
        result["configs_ms"] = (time.perf_counter() - start) * 1000
    print(json.dumps(result), flush=True)


def _memory_mb(field: str) -> float:
    """``VmRSS`` (resident now) or ``VmHWM`` (peak resident) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_child(task_type: str, path: Path, *, configs: bool = False) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", task_type, str(path)]
    if configs:
        command.append("--configs")
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    parsed: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return parsed


def emit(metric: str, value: float, unit: str, **context: object) -> None:
    print(json.dumps({"metric": metric, "value": value, "unit": unit, **context}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=2000, help="images and texts (2000)")
    parser.add_argument("--child", nargs=2, metavar=("TASK_TYPE", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--configs", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.configs)
        return
    count = args.inputs
    small = max(1, count // 10)
    with tempfile.TemporaryDirectory() as temp:
        base = Path(temp)
        (base / "big").mkdir()
        (base / "small").mkdir()
        images, texts = make_inputs(base / "big", count)
        small_images, small_texts = make_inputs(base / "small", small)
        runs = {
            "images": (
                run_child("image-classification", images),
                run_child("image-classification", small_images),
            ),
            "texts": (
                run_child("text-classification", texts, configs=True),
                run_child("text-classification", small_texts),
            ),
        }
    for kind, (big, little) in runs.items():
        context = {"kind": kind, "inputs": count, "accepted": big["accepted"],
                   "refused": big["refused"]}
        emit("batch_list_ms", round(big["list_ms"], 1), "ms", **context)
        for run, inputs in ((big, count), (little, small)):
            emit(
                "batch_list_rss_mb", round(run["rss_peak_mb"], 1), "MB", kind=kind,
                inputs=inputs, rss_before_listing_mb=round(run["rss_before_mb"], 1),
                rss_holding_listing_mb=round(run["rss_held_mb"], 1),
            )
        added_big = big["rss_held_mb"] - big["rss_before_mb"]
        added_small = little["rss_held_mb"] - little["rss_before_mb"]
        emit(
            "batch_list_rss_added_mb", round(added_big, 1), "MB", kind=kind, inputs=count,
            added_for_small_mb=round(added_small, 1), small_inputs=small,
            kb_per_input=round(added_big * 1024 / count, 2),
        )
    emit("batch_text_configs_ms", round(runs["texts"][0]["configs_ms"], 1), "ms", inputs=count)


if __name__ == "__main__":
    main()
