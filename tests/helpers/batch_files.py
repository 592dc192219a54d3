"""Real batch inputs on disk for tests and benches: folders of images, CSV and TXT of texts."""

from __future__ import annotations

import csv
from pathlib import Path

from PIL import Image

from tests.helpers.images import bomb_png, photo_like, to_bytes

FORMATS = (("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp"), ("GIF", ".gif"), ("BMP", ".bmp"))
REVIEWS = (
    "Great product, works as described.",
    "Terrible: it broke after \"two\" days!",
    "Okay; nothing special.",
    "=HYPERLINK(\"http://example.com\")",
    "Arrived late\nbut works fine.",
)


def image_folder(folder: Path, count: int, *, side: int = 48) -> list[Path]:
    """Write ``count`` small real images in turn as JPEG, PNG, WebP, GIF and BMP.

    Names are ``img1.jpg``, ``img2.png``… so natural order is creation order.
    """
    folder.mkdir(parents=True, exist_ok=True)
    base = photo_like(side * 2, side, seed=1)
    encoded = {fmt: to_bytes(base, fmt) for fmt, _ in FORMATS}
    paths = []
    for index in range(1, count + 1):
        image_format, suffix = FORMATS[(index - 1) % len(FORMATS)]
        path = folder / f"img{index}{suffix}"
        path.write_bytes(encoded[image_format])
        paths.append(path)
    return paths


def refusal_files(folder: Path) -> dict[str, str]:
    """Write files a batch must refuse, by name, with the words each refusal must contain."""
    folder.mkdir(parents=True, exist_ok=True)
    jpeg = to_bytes(photo_like(320, 240, seed=2), "JPEG")
    (folder / "cut.jpg").write_bytes(jpeg[: len(jpeg) // 2])
    (folder / "notes.jpg").write_text("not a picture\n", encoding="utf-8")
    (folder / "empty.png").write_bytes(b"")
    (folder / "bomb.png").write_bytes(bomb_png(12_000, 12_000))
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7\n" + bytes(300))
    return {
        "cut.jpg": "incomplete",
        "notes.jpg": "text file, not an image",
        "empty.png": "empty",
        "bomb.png": "megapixels",
        "scan.pdf": "PDF",
    }


def reviews_csv(path: Path, count: int, *, delimiter: str = ",", bom: bool = False) -> Path:
    """A CSV of ``id, review, stars`` with ``count`` rows (quotes, separators, line breaks)."""
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerow(["id", "review", "stars"])
        for index in range(count):
            writer.writerow([index + 1, f"{REVIEWS[index % len(REVIEWS)]} #{index + 1}", 5])
    return path


def lines_txt(path: Path, count: int) -> Path:
    """A TXT file of ``count`` prompts, CRLF line endings."""
    path.write_bytes("".join(f"Prompt number {n}\r\n" for n in range(1, count + 1)).encode())
    return path


def solid(path: Path, image_format: str, size: tuple[int, int] = (64, 48)) -> Path:
    """A flat grey image."""
    Image.new("RGB", size, (128, 128, 128)).save(path, image_format)
    return path
