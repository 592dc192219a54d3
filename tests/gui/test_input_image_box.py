"""The detail panel's input picture: decoded and shrunk off the window's thread, never enlarged."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from pytestqt.qtbot import QtBot

from ogpu_desktop.domain.task_inputs import InputImage
from ogpu_desktop.ui.tasks import input_image_box
from ogpu_desktop.ui.tasks.input_image_box import IMAGE_SIDE, InputImageBox, thumbnail_of
from tests.helpers.images import photo_like, to_bytes


def test_a_large_picture_is_shrunk_to_the_side_and_a_small_one_kept() -> None:
    large = thumbnail_of(to_bytes(photo_like(2400, 1600), "JPEG"))
    assert large is not None
    assert (large.width(), large.height()) == (IMAGE_SIDE, IMAGE_SIDE * 2 // 3)
    small = thumbnail_of(to_bytes(photo_like(64, 48), "PNG"))
    assert small is not None
    assert (small.width(), small.height()) == (64, 48)
    assert thumbnail_of(b"\x89PNG\r\n\x1a\n not really a picture") is None


@pytest.mark.asyncio
async def test_the_picture_is_decoded_on_a_worker_thread(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = InputImageBox()
    qtbot.addWidget(box)
    threads: list[threading.Thread] = []

    def watched(data: bytes) -> object:
        threads.append(threading.current_thread())
        return thumbnail_of(data)

    monkeypatch.setattr(input_image_box, "thumbnail_of", watched)
    await box.show_image(InputImage(data=to_bytes(photo_like(1200, 900), "JPEG")))
    assert threads
    assert threads[0] is not threading.main_thread()
    assert (box.image_label.pixmap().width(), box.image_label.pixmap().height()) == (220, 165)
    assert not box.isHidden()


@pytest.mark.asyncio
async def test_an_unreadable_picture_or_a_link_is_said_in_words(qtbot: QtBot) -> None:
    box = InputImageBox()
    qtbot.addWidget(box)
    await box.show_image(InputImage(data=b"GIF89a broken"))
    assert box.image_label.isHidden()
    assert box.image_url.text() == "The image is unreadable."
    await box.show_image(InputImage(url="https://example.org/cat.png"))
    assert box.image_url.text() == "Image sent as a link:\nhttps://example.org/cat.png"
    await box.show_image(None)
    assert box.isHidden()


def test_opening_the_detail_panel_does_not_load_pillow() -> None:
    # Pillow takes about 35 ms to import, which the first detail shown used to cost the window.
    code = (
        "import sys; import ogpu_desktop.ui.tasks.task_detail_panel; "
        "print(sorted(m for m in sys.modules if m == 'PIL' or m.startswith('PIL.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]"


def test_without_an_event_loop_the_picture_is_shown_at_once(qtbot: QtBot) -> None:
    # Stored data read with no loop running (exports, tests): decoded on the spot.
    box = InputImageBox()
    qtbot.addWidget(box)
    box.show_image_now(InputImage(data=to_bytes(photo_like(1200, 900), "JPEG")))
    assert (box.image_label.pixmap().width(), box.image_label.pixmap().height()) == (220, 165)
    box.show_image_now(InputImage(url="https://example.org/cat.png"))
    assert box.image_label.isHidden()
    assert box.image_url.text().endswith("https://example.org/cat.png")
