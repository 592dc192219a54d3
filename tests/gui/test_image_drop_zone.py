"""The image drop zone with real image files: drops, paste, links, bad files keep the old image."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from ogpu_desktop.ui.forms.image_drop_zone import ImageDropZone


def _png(path: Path, size: tuple[int, int] = (64, 48), colour: str = "red") -> Path:
    Image.new("RGB", size, colour).save(path, "PNG")
    return path


def _file_mime(path: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    return mime


def _send(zone: QWidget, event_type: type[QDropEvent], mime: QMimeData) -> bool:
    """Send a copy drag/drop event of ``event_type`` carrying ``mime``; whether it was accepted."""
    event = event_type(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(zone, event)
    return event.isAccepted()


def _drag_enter(zone: ImageDropZone, mime: QMimeData) -> bool:
    return _send(zone, QDragEnterEvent, mime)


def _drop(zone: ImageDropZone, mime: QMimeData) -> bool:
    """Drag ``mime`` over the zone and drop it, as a file manager or browser does."""
    return _drag_enter(zone, mime) and _send(zone, QDropEvent, mime)


async def _settle(zone: ImageDropZone) -> None:
    # Up to 30 s on a busy machine; it returns as soon as the executor is done.
    for _ in range(3000):
        if not zone.is_busy():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the image was not prepared in time")


def _decoded_size(data_url: str) -> tuple[int, int]:
    image = QImage.fromData(base64.b64decode(data_url.split(",", 1)[1]))
    return image.width(), image.height()


@pytest.mark.asyncio
async def test_dropping_a_png_file_embeds_it_with_preview_and_sizes(tmp_path: Path) -> None:
    zone = ImageDropZone()
    mime = _file_mime(_png(tmp_path / "cat.png", (64, 48)))
    assert _drop(zone, mime)
    assert zone.status.text() == "Preparing the image…"
    await _settle(zone)
    value = zone.value()
    assert value is not None
    assert value.startswith("data:image/jpeg;base64,")
    assert _decoded_size(value) == (64, 48)
    assert "64 \N{MULTIPLICATION SIGN} 48 px" in zone.details.text()
    assert "public task config" in zone.details.text()
    assert not zone.preview.pixmap().isNull()
    assert zone.error_message() == ""
    assert not zone.send_link.isVisible()


@pytest.mark.asyncio
async def test_a_large_image_is_scaled_down_and_says_so(tmp_path: Path) -> None:
    zone = ImageDropZone()
    _drop(zone, _file_mime(_png(tmp_path / "big.png", (2400, 1200), "blue")))
    await _settle(zone)
    value = zone.value()
    assert value is not None
    assert _decoded_size(value) == (1024, 512)
    assert "Scaled down from 2400 \N{MULTIPLICATION SIGN} 1200 px." in zone.details.text()
    assert "Resized from" not in zone.details.text()  # the size note is said once


@pytest.mark.asyncio
async def test_a_bad_file_shows_why_and_keeps_the_previous_image(tmp_path: Path) -> None:
    zone = ImageDropZone()
    _drop(zone, _file_mime(_png(tmp_path / "good.png")))
    await _settle(zone)
    good = zone.value()
    assert good is not None
    bad = tmp_path / "notes.png"
    bad.write_text("these are not pixels", encoding="utf-8")
    _drop(zone, _file_mime(bad))
    await _settle(zone)
    assert zone.value() == good
    assert zone.error_message().startswith("⚠ ")
    assert len(zone.error_message()) > 10
    truncated = tmp_path / "cut.png"
    truncated.write_bytes((tmp_path / "good.png").read_bytes()[:40])
    _drop(zone, _file_mime(truncated))
    await _settle(zone)
    assert zone.value() == good
    assert zone.error_message()


def test_drags_without_an_image_are_refused() -> None:
    zone = ImageDropZone()
    mime = QMimeData()
    mime.setText("just some words")
    assert not _drag_enter(zone, mime)
    assert not _drop(zone, mime)
    assert zone.value() is None


def test_a_link_dragged_from_a_browser_is_sent_as_the_link() -> None:
    zone = ImageDropZone()
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.com/cat.jpg")])
    assert _drop(zone, mime)
    assert zone.value() == "https://example.com/cat.jpg"
    assert "Link: https://example.com/cat.jpg" in zone.details.text()
    assert zone.send_link.isChecked()
    assert not zone.embed.isEnabled()


@pytest.mark.asyncio
async def test_a_browser_drag_with_picture_and_link_offers_both(tmp_path: Path) -> None:
    zone = ImageDropZone()
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.com/cat.png")])
    mime.setData("image/png", _png(tmp_path / "c.png", (30, 20)).read_bytes())
    _drop(zone, mime)
    await _settle(zone)
    assert zone.value() == "https://example.com/cat.png"
    assert zone.embed.isEnabled()
    zone.embed.setChecked(True)
    value = zone.value()
    assert value is not None
    assert value.startswith("data:image/")
    assert _decoded_size(value) == (30, 20)


@pytest.mark.asyncio
async def test_paste_of_a_picture_from_the_clipboard(tmp_path: Path) -> None:
    zone = ImageDropZone()
    picture = QImage(40, 30, QImage.Format.Format_RGB32)
    picture.fill(Qt.GlobalColor.green)
    QApplication.clipboard().setImage(picture)
    assert zone.paste()
    await _settle(zone)
    value = zone.value()
    assert value is not None
    assert _decoded_size(value) == (40, 30)


@pytest.mark.asyncio
async def test_paste_of_a_file_path_from_the_clipboard(tmp_path: Path) -> None:
    zone = ImageDropZone()
    path = _png(tmp_path / "pasted.png", (12, 34))
    QApplication.clipboard().setText(str(path))
    assert zone.paste()
    await _settle(zone)
    value = zone.value()
    assert value is not None
    assert _decoded_size(value) == (12, 34)


def test_a_typed_link_with_a_mistake_keeps_the_text_and_says_why() -> None:
    zone = ImageDropZone()
    zone.set_link("https://example.com/ok.jpg")
    zone.link_input.setText("ftp://example.com/x.jpg")
    zone.link_input.returnPressed.emit()
    assert zone.link_input.text() == "ftp://example.com/x.jpg"
    assert "http" in zone.error_message()
    assert zone.value() == "https://example.com/ok.jpg"


def test_clear_forgets_the_image() -> None:
    zone = ImageDropZone()
    zone.set_link("https://example.com/ok.jpg")
    zone.clear()
    assert zone.value() is None
    assert not zone.clear_button.isEnabled()


@pytest.mark.asyncio
async def test_a_file_dropped_on_the_link_box_is_taken_as_an_image(
    qtbot: QtBot, tmp_path: Path
) -> None:
    zone = ImageDropZone()
    qtbot.addWidget(zone)
    zone.show()
    assert zone.prompt.isVisible()
    path = _png(tmp_path / "boat.png", (1200, 800), "green")
    mime = _file_mime(path)
    # File managers offer the file's address as text too, which a line edit would take.
    mime.setText(QUrl.fromLocalFile(str(path)).toString())
    assert _send(zone.link_input, QDragEnterEvent, mime)
    assert zone.is_drag_hovering()  # highlighted while the file hovers
    assert _send(zone.link_input, QDropEvent, mime)
    assert not zone.is_drag_hovering()
    await _settle(zone)
    assert zone.link_input.text() == ""  # not "file:///…" typed into the box
    assert zone.error_message() == ""
    value = zone.value()
    assert value is not None
    assert value.startswith("data:image/jpeg;base64,")
    assert not zone.prompt.isVisible()  # "Drag an image here" goes once there is one
    details = zone.details.text()
    assert details.count("1200") == 1  # the size note, said once
    zone.clear()
    assert zone.prompt.isVisible()


def test_the_zone_lights_up_only_while_a_usable_drag_hovers(qtbot: QtBot) -> None:
    zone = ImageDropZone()
    qtbot.addWidget(zone)
    text = QMimeData()
    text.setText("just some words")
    assert not _send(zone, QDragEnterEvent, text)
    assert not zone.is_drag_hovering()
    link = QMimeData()
    link.setText("https://example.com/cat.png")
    assert _send(zone, QDragEnterEvent, link)
    assert zone.is_drag_hovering()
    QApplication.sendEvent(zone, QDragLeaveEvent())
    assert not zone.is_drag_hovering()
