"""A clearly labelled page for a part of the app that is not available yet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class PlaceholderPage(QWidget):
    """Says what the page will contain, without showing any made-up data.

    Args:
        object_name: Stable object name of the page.
        title: Page title.
        description: What the page will offer once it is connected.
        not_yet: Start the description with "Not available yet." (off for a loading page).
    """

    def __init__(
        self,
        object_name: str,
        title: str,
        description: str,
        parent: QWidget | None = None,
        *,
        not_yet: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        heading = QLabel(title, self)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        body = QLabel(f"Not available yet. {description}" if not_yet else description, self)
        body.setObjectName(f"{object_name}Description")
        body.setTextFormat(Qt.TextFormat.PlainText)
        body.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(body)
        layout.addStretch(1)
