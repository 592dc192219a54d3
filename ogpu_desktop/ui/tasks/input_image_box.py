"""The detail panel's picture of what a task was asked about: a thumbnail, or why there is none."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ogpu_desktop.domain.task_inputs import InputImage
from ogpu_desktop.ui.results.plain_widgets import plain_label

IMAGE_SIDE = 220


class InputImageBox(QWidget):
    """Shows a task's input picture shrunk to ``IMAGE_SIDE``, or the link it was sent as.

    Args:
        parent: Parent widget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image_label = QLabel(self)
        self.image_label.setObjectName("taskInputImage")
        self.image_label.setAccessibleName("Input image")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.image_url = plain_label("", self)
        self.image_url.setObjectName("taskInputImageUrl")
        column = QVBoxLayout(self)
        column.addWidget(self.image_label)
        column.addWidget(self.image_url)
        column.addStretch(1)
        self.setMaximumWidth(IMAGE_SIDE + 20)

    def clear(self) -> None:
        """Show nothing (hidden)."""
        self.image_label.clear()
        self.image_url.setText("")
        self.image_url.setVisible(False)
        self.setVisible(False)

    def show_without_picture(self, image: InputImage | None) -> bool:
        """Show ``image`` if it needs no decoding (none, or a link); return whether it did."""
        self.clear()
        if image is None:
            return True
        self.setVisible(True)
        if image.data is None:
            self._show_note(image.url)
            return True
        return False

    async def show_image(self, image: InputImage | None) -> None:
        """Show ``image``: a picture is decoded and shrunk on a worker thread meanwhile.

        Decoding and smooth scaling take tens of milliseconds for a large picture, too long for
        the window's thread; a QImage, unlike a QPixmap, may be made on another thread.
        """
        if self.show_without_picture(image):
            return
        assert image is not None
        assert image.data is not None
        self.image_label.setVisible(True)
        thumbnail = await asyncio.get_running_loop().run_in_executor(None, thumbnail_of, image.data)
        self._show_thumbnail(thumbnail)

    def show_image_now(self, image: InputImage | None) -> None:
        """Show ``image``, decoding a picture on this thread (when no event loop runs)."""
        if self.show_without_picture(image):
            return
        assert image is not None
        assert image.data is not None
        self.image_label.setVisible(True)
        self._show_thumbnail(thumbnail_of(image.data))

    def _show_thumbnail(self, thumbnail: QImage | None) -> None:
        if thumbnail is None:
            self._show_note(None)
        else:
            self.image_label.setPixmap(QPixmap.fromImage(thumbnail))

    def _show_note(self, url: str | None) -> None:
        self.image_label.setVisible(False)
        self.image_url.setText(
            f"Image sent as a link:\n{url}" if url else "The image is unreadable."
        )
        self.image_url.setVisible(True)


def thumbnail_of(data: bytes) -> QImage | None:
    """The picture ``data`` shrunk to fit ``IMAGE_SIDE`` (never enlarged); None if unreadable."""
    image = QImage.fromData(data)
    if image.isNull():
        return None
    if max(image.width(), image.height()) > IMAGE_SIDE:
        image = image.scaled(IMAGE_SIDE, IMAGE_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    return image
