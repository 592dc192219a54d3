"""Render the app icon SVG into the PNG, ICO and ICNS files the platforms need.

Run: ``python packaging/make_icons.py [--svg FILE] [--out DIR] [--name NAME]``. Output under DIR:

- ``hicolor/<N>x<N>/apps/<NAME>.png`` for every size in :data:`PNG_SIZES` (freedesktop theme
  layout) and ``hicolor/scalable/apps/<NAME>.svg``;
- ``<NAME>.ico`` (Windows, several sizes in one file) and ``<NAME>.icns`` (macOS).

The SVG is rendered by Qt's own renderer on the offscreen platform, so no display is needed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SVG = ROOT / "ogpu_desktop" / "resources" / "ogpu-desktop.svg"
APP_ICON_NAME = "network.opengpu.OgpuDesktop"
#: Sizes that desktop environments look up in the hicolor theme.
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512)


def render_pngs(svg: Path, out: Path, name: str, sizes: tuple[int, ...] = PNG_SIZES) -> list[Path]:
    """Render ``svg`` at each size into the hicolor layout under ``out``; return the PNG paths."""
    _ensure_gui_application()
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not an SVG image Qt can render.")
    written: list[Path] = []
    for size in sizes:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{name}.png"
        _render(renderer, size, target)
        written.append(target)
    scalable = out / "hicolor" / "scalable" / "apps" / f"{name}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    return written


def _ensure_gui_application() -> None:
    """Create the QGuiApplication that rendering needs, on the offscreen platform by default."""
    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        # Kept on the module so the application outlives this call.
        _APPS.append(QGuiApplication(sys.argv[:1]))


_APPS: list[QGuiApplication] = []


def _render(renderer: QSvgRenderer, size: int, target: Path) -> None:
    """Paint the SVG into a transparent ``size`` x ``size`` image and save it as PNG."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(target), "PNG"):
        raise SystemExit(f"Cannot write {target}.")


def write_ico_icns(svg: Path, out: Path, name: str) -> tuple[Path, Path]:
    """Pack the rendered PNGs into ``<name>.ico`` and ``<name>.icns`` with Pillow.

    The ICNS file's largest entry is 1024 px (512 px at 2x), rendered from the SVG for it.
    """

    def png(size: int) -> Path:
        return out / "hicolor" / f"{size}x{size}" / "apps" / f"{name}.png"

    ico = out / f"{name}.ico"
    with Image.open(png(max(ICO_SIZES))) as largest:
        # Pillow scales the largest image down for each listed size.
        largest.save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES])
    icns = out / f"{name}.icns"
    _ensure_gui_application()
    retina = out / f"{name}-1024.png"
    _render(QSvgRenderer(str(svg)), 1024, retina)
    with Image.open(retina) as largest:
        extra = [Image.open(png(s)) for s in ICNS_SIZES]
        try:
            largest.save(icns, format="ICNS", append_images=extra)
        finally:
            for image in extra:
                image.close()
    return ico, icns


def main(argv: list[str] | None = None) -> int:
    """Render every icon file; print the output folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=DEFAULT_SVG, help="source SVG")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "icons", help="output folder")
    parser.add_argument("--name", default=APP_ICON_NAME, help="icon name (the app id)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    pngs = render_pngs(args.svg, args.out, args.name)
    ico, icns = write_ico_icns(args.svg, args.out, args.name)
    print(f"Icons: {len(pngs)} PNG sizes, {ico.name}, {icns.name} in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
