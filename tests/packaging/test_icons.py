"""Every icon file the platforms need is rendered from the one SVG by the build step."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.packaging.conftest import APP_ID, ROOT, load_make_icons

make_icons = load_make_icons()
SVG = ROOT / "ogpu_desktop" / "resources" / "ogpu-desktop.svg"


def _png(out: Path, size: int) -> Path:
    return out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def test_the_build_renders_the_standard_hicolor_sizes(rendered_icons: Path) -> None:
    rendered = sorted(
        int(folder.name.split("x")[0])
        for folder in (rendered_icons / "hicolor").iterdir()
        if folder.name != "scalable"
    )
    assert rendered == sorted(make_icons.PNG_SIZES)
    assert {16, 24, 32, 48, 64, 128, 256, 512} <= set(rendered)


def test_each_png_is_the_drawn_mark_on_a_transparent_square(rendered_icons: Path) -> None:
    for size in make_icons.PNG_SIZES:
        with Image.open(_png(rendered_icons, size)) as image:
            assert image.format == "PNG"
            assert image.size == (size, size)
            rgba = image.convert("RGBA")
            assert rgba.getpixel((0, 0))[3] == 0, f"{size}px: corner must be transparent"
            assert rgba.getpixel((size // 2, size // 2))[3] == 255, f"{size}px: centre is drawn"


def test_large_png_shows_the_chip_colours_not_a_blank(rendered_icons: Path) -> None:
    with Image.open(_png(rendered_icons, 256)) as image:
        rgba = image.convert("RGBA")
    # Package (dark blue), die (teal) and spark (amber), sampled where the SVG draws them.
    package = rgba.getpixel((45, 128))
    die = rgba.getpixel((80, 80))
    spark = rgba.getpixel((128, 112))
    assert package[2] > package[0]
    assert package[2] < 140
    assert die[1] > 150
    assert die[0] < 100
    assert spark[0] > 200
    assert spark[1] > 150
    assert spark[2] < 120
    colours = rgba.getcolors(maxcolors=1 << 16)
    assert colours is not None
    assert len(colours) > 50


def test_scalable_icon_is_the_source_svg(rendered_icons: Path) -> None:
    scalable = rendered_icons / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    assert scalable.read_bytes() == SVG.read_bytes()


def test_windows_ico_holds_every_size(rendered_icons: Path) -> None:
    with Image.open(rendered_icons / f"{APP_ID}.ico") as ico:
        assert ico.format == "ICO"
        assert ico.info["sizes"] == {(s, s) for s in make_icons.ICO_SIZES}


def test_macos_icns_reaches_retina_size(rendered_icons: Path) -> None:
    with Image.open(rendered_icons / f"{APP_ID}.icns") as icns:
        assert icns.format == "ICNS"
        assert icns.size == (1024, 1024)
        assert (512, 512, 2) in icns.info["sizes"]
        assert (128, 128, 1) in icns.info["sizes"]
