"""The image drop zone: drop a file or link, paste, browse or type a link; preview and sizes."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.images import DEFAULT_OPTIONS, EncodeOptions
from ogpu_desktop.domain.sizes import human_size
from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.ui.asyncutils import user_message
from ogpu_desktop.ui.file_folders import remember, start_folder
from ogpu_desktop.ui.forms.dropped_image import (
    DroppedImage,
    LoadedImage,
    load_dropped_image,
    read_mime,
)

_log = logging.getLogger(__name__)

TIMES = "\N{MULTIPLICATION SIGN}"

PROMPT_TEXT = "Drag an image here or click to browse"
THUMBNAIL_SIDE = 160
BROWSE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.gif *.bmp *.tif *.tiff);;All files (*)"


class ImageDropZone(QFrame):
    """Takes an image by drop, paste, browse or typed link; encoding runs in an executor.

    A bad image shows its reason in the zone and the previous valid image stays chosen.

    Args:
        options: Size limits and quality for embedded images.
        parent: Parent widget.
    """

    image_changed = Signal()

    def __init__(
        self, options: EncodeOptions = DEFAULT_OPTIONS, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("imageDropZone")
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # By type, not by name: a form renames its zone after the field (``field_image``).
        self._restyle()
        self.setAccessibleName("Image drop zone")
        self.options = options
        self.loaded: LoadedImage | None = None
        self.pending: asyncio.Task[None] | None = None
        self._generation = 0
        self._build()
        self._show_loaded()

    def _build(self) -> None:
        self.prompt = self._label("imageDropPrompt", PROMPT_TEXT)
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview = self._label("imagePreview", "")
        self.preview.setFixedSize(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details = self._label("imageDetails", "")
        self.status = self._label("imageStatus", "")
        self.error = self._label("imageDropError", "")
        self.link_input = QLineEdit(self)
        self.link_input.setObjectName("imageLinkInput")
        self.link_input.setPlaceholderText("…or type an image link (https://…) and press Enter")
        self.link_input.setAccessibleName("Image link")
        self.link_input.returnPressed.connect(self._take_typed_link)
        # A file dragged onto the link box is an image for the zone, not text to type.
        self.link_input.installEventFilter(self)
        self.browse_button = QPushButton("Browse…", self)
        self.browse_button.setObjectName("imageBrowseButton")
        self.browse_button.clicked.connect(self.browse)
        self.clear_button = QPushButton("Remove", self)
        self.clear_button.setObjectName("imageClearButton")
        self.clear_button.clicked.connect(self.clear)
        self.send_link = QRadioButton("Send the link", self)
        self.send_link.setObjectName("imageSendLink")
        self.send_link.setToolTip("The provider downloads the image from the link.")
        self.embed = QRadioButton("Embed the image", self)
        self.embed.setObjectName("imageEmbed")
        self.embed.setToolTip("The re-encoded picture is put inside the public task config.")
        self.send_link.toggled.connect(self._mode_changed)

        info = QVBoxLayout()
        for widget in (self.prompt, self.details, self.status, self.error):
            info.addWidget(widget)
        choice = QHBoxLayout()
        choice.addWidget(self.send_link)
        choice.addWidget(self.embed)
        choice.addStretch(1)
        info.addLayout(choice)
        info.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.link_input, 1)
        buttons.addWidget(self.browse_button)
        buttons.addWidget(self.clear_button)
        info.addLayout(buttons)
        row = QHBoxLayout(self)
        row.addWidget(self.preview)
        row.addLayout(info, 1)

    def _label(self, name: str, text: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setText(text)
        return label

    def value(self) -> str | None:
        """Return the task input string: the link or the data URL, per the user's choice."""
        if self.loaded is None:
            return None
        if self.loaded.link is not None and (
            self.loaded.embedded is None or self.send_link.isChecked()
        ):
            return self.loaded.link.value
        return self.loaded.embedded.value if self.loaded.embedded is not None else None

    def is_busy(self) -> bool:
        """Whether an image is being prepared."""
        return self.pending is not None and not self.pending.done()

    def error_message(self) -> str:
        """Return the message about the last bad image, or an empty string."""
        return self.error.text()

    # Input paths ------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        """Accept drags that carry a file, a link or a picture, and light up while they hover."""
        if read_mime(event.mimeData()) is not None:
            event.acceptProposedAction()
            self._set_hover(True)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: N802 - Qt override
        """The drag went elsewhere: back to the resting look."""
        self._set_hover(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        """Load the dropped image."""
        self._set_hover(False)
        dropped = read_mime(event.mimeData())
        if dropped is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.load(dropped)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Drags over the link box are the zone's: a dropped file must not become its text."""
        if watched is self.link_input:
            kind = event.type()
            if kind == QEvent.Type.DragEnter and isinstance(event, QDragEnterEvent):
                self.dragEnterEvent(event)
                return True
            if kind == QEvent.Type.DragMove and isinstance(event, QDragMoveEvent):
                if read_mime(event.mimeData()) is not None:
                    event.acceptProposedAction()
                return True
            if kind == QEvent.Type.DragLeave and isinstance(event, QDragLeaveEvent):
                self._set_hover(False)
                return True
            if kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
                self.dropEvent(event)
                return True
        return super().eventFilter(watched, event)

    def _restyle(self) -> None:
        """Border colours from the palette in use, half way between window and text.

        Written out as colours (not ``palette(mid)``, too faint on a dark window) and set
        again when the palette changes: a style sheet resolves ``palette()`` only once.
        """
        # The application's palette: the zone's own is the one its style sheet rewrites.
        palette = QGuiApplication.palette()
        window, text = palette.color(QPalette.ColorRole.Window), palette.color(
            QPalette.ColorRole.WindowText)
        border = QColor((window.red() + text.red()) // 2, (window.green() + text.green()) // 2,
                        (window.blue() + text.blue()) // 2)
        highlight = palette.color(QPalette.ColorRole.Highlight).name()
        hover = palette.color(QPalette.ColorRole.AlternateBase).name()
        self._styled_for = (window.name(), text.name())
        self.setStyleSheet(
            f"ImageDropZone {{ border: 2px dashed {border.name()}; border-radius: 6px; }}"
            f"ImageDropZone[dragHover=\"true\"] {{ border: 2px solid {highlight};"
            f" background: {hover}; }}"
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """Follow a switch between light and dark."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            palette = QGuiApplication.palette()
            now = (palette.color(QPalette.ColorRole.Window).name(),
                   palette.color(QPalette.ColorRole.WindowText).name())
            if now != getattr(self, "_styled_for", None):
                self._restyle()

    def is_drag_hovering(self) -> bool:
        """Whether a usable drag is over the zone now (it is highlighted)."""
        return bool(self.property("dragHover"))

    def _set_hover(self, hover: bool) -> None:
        if self.is_drag_hovering() == hover:
            return
        self.setProperty("dragHover", hover)
        # A dynamic property changes the style sheet's match only once the style is reapplied.
        self.style().unpolish(self)
        self.style().polish(self)
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """A click on the zone opens the file browser."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.browse()
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Ctrl+V pastes an image when the zone has the focus."""
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
            return
        super().keyPressEvent(event)

    def paste(self) -> bool:
        """Take the image, link or file path on the clipboard; return whether there was one."""
        mime = QGuiApplication.clipboard().mimeData()
        return self.load_mime(mime) if mime is not None else False

    def load_mime(self, mime: QMimeData) -> bool:
        """Load an image from ``mime``; return whether it offered one."""
        dropped = read_mime(mime)
        if dropped is None:
            self._show_error("The clipboard holds no image, image link or image file.")
            return False
        self.load(dropped)
        return True

    def browse(self) -> None:
        """Let the user pick an image file."""
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose an image", start_folder("images"), BROWSE_FILTER)
        if name:
            remember("images", Path(name))
            self.load(DroppedImage(path=Path(name)))

    def _take_typed_link(self) -> None:
        text = self.link_input.text().strip()
        if text:
            self.load(DroppedImage(link=text))

    def set_link(self, url: str) -> None:
        """Show a link as the chosen image, checked at once (nothing is downloaded)."""
        self.link_input.setText(url)
        self.load(DroppedImage(link=url))

    def clear(self) -> None:
        """Forget the image."""
        self._generation += 1
        self.loaded = None
        self.error.clear()
        self._show_loaded()
        self.image_changed.emit()

    # Loading ----------------------------------------------------------------------------------

    def load(self, dropped: DroppedImage) -> None:
        """Prepare ``dropped``: links only are checked at once, pictures in an executor."""
        self._generation += 1
        if (
            dropped.path is None
            and dropped.data is None
            and dropped.image is None
            and not dropped.data_url
        ):
            self._finish(self._generation, dropped)
            return
        self.status.setText("Preparing the image…")
        self.pending = asyncio.ensure_future(self._load_in_executor(self._generation, dropped))

    async def _load_in_executor(self, generation: int, dropped: DroppedImage) -> None:
        loop = asyncio.get_running_loop()
        try:
            loaded = await loop.run_in_executor(None, load_dropped_image, dropped, self.options)
        except Exception as exc:  # every failure is shown in the zone; the old image stays
            if generation == self._generation:
                self._fail(exc)
            return
        if generation == self._generation:
            self._accept(loaded)

    def _finish(self, generation: int, dropped: DroppedImage) -> None:
        try:
            loaded = load_dropped_image(dropped, self.options)
        except Exception as exc:  # same handling as the executor path
            self._fail(exc)
            return
        if generation == self._generation:
            self._accept(loaded)

    def _fail(self, exc: Exception) -> None:
        if isinstance(exc, UserFacingError):
            _log.info("Image refused: %s", exc.message)
        else:
            _log.error("Preparing an image failed", exc_info=exc)
        self.status.clear()
        self._show_error(user_message(exc))

    def _accept(self, loaded: LoadedImage) -> None:
        self.loaded = loaded
        self.error.clear()
        self.status.clear()
        self.send_link.setChecked(loaded.link is not None)
        self.embed.setChecked(loaded.link is None)
        self._show_loaded()
        self.image_changed.emit()

    def _show_error(self, message: str) -> None:
        self.error.setText(f"⚠ {message}")

    def _mode_changed(self) -> None:
        self._show_loaded()
        self.image_changed.emit()

    def _show_loaded(self) -> None:
        loaded = self.loaded
        both = loaded is not None and loaded.link is not None and loaded.embedded is not None
        self.send_link.setVisible(loaded is not None and loaded.link is not None)
        self.embed.setVisible(loaded is not None and loaded.link is not None)
        self.embed.setEnabled(both)
        if loaded is not None and loaded.link is not None and loaded.embedded is None:
            self.embed.setToolTip(
                "To embed this picture, save it and drop the file, or drag the picture itself."
            )
        self.clear_button.setEnabled(loaded is not None)
        self.prompt.setVisible(loaded is None)  # the picture itself shows where it goes
        if loaded is None:
            self.preview.clear()
            self.preview.setText("No image")
            self.details.clear()
            return
        lines: list[str] = []
        value = self.value() or ""
        if loaded.embedded is not None and value == loaded.embedded.value:
            image = loaded.embedded
            lines.append(
                f"{image.width} {TIMES} {image.height} px, {human_size(image.encoded_bytes)}"
            )
            lines.append(f"Adds {human_size(image.payload_chars)} to the public task config.")
            resized = (image.width, image.height) != (image.original_width, image.original_height)
            if resized:
                lines.append(
                    f"Scaled down from {image.original_width} {TIMES} {image.original_height} px."
                )
            # The encoder says the same about the size in its own words: said once is enough.
            same = (f"Resized from {image.original_width}\u00d7{image.original_height} to "
                    f"{image.width}\u00d7{image.height}.")
            lines.extend(n for n in image.notices if not (resized and n == same))
        elif loaded.link is not None:
            lines.append(f"Link: {loaded.link.url}")
            lines.extend(loaded.link.notices)
        self.details.setText("\n".join(lines))
        if loaded.preview is not None and not loaded.preview.isNull():
            pixmap = QPixmap.fromImage(loaded.preview).scaled(
                THUMBNAIL_SIDE,
                THUMBNAIL_SIDE,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            self.preview.setPixmap(pixmap)
        else:
            self.preview.setText("Link")
