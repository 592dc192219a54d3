"""Small building blocks that never interpret text as HTML (results come from strangers)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QProgressBar, QWidget

BAR_STEPS = 1000


def plain_label(text: str, parent: QWidget | None = None, *, wrap: bool = True) -> QLabel:
    """Return a selectable label that shows ``text`` literally, markup included."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def plain_text_box(
    text: str, parent: QWidget | None = None, *, monospace: bool = False, fit: bool = True
) -> QPlainTextEdit:
    """Return a read-only plain-text box holding ``text``; ``fit`` sizes it to short texts."""
    box = QPlainTextEdit(parent)
    box.setReadOnly(True)
    box.setPlainText(text)
    if monospace:
        box.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    lines = max(2, min(12, text.count("\n") + 1 + len(text) // 90))
    if not fit:
        return box
    # Short texts get a box their size; long ones scroll inside twelve lines.
    box.setFixedHeight(box.fontMetrics().lineSpacing() * (lines + 1) + 2 * box.frameWidth())
    return box


def score_bar(score: float, parent: QWidget | None = None) -> QProgressBar:
    """Return a bar filled to ``score`` (clamped to 0..1; scores can be logits)."""
    bar = QProgressBar(parent)
    bar.setRange(0, BAR_STEPS)
    bar.setValue(round(min(1.0, max(0.0, score)) * BAR_STEPS))
    bar.setTextVisible(False)
    bar.setMaximumHeight(bar.fontMetrics().height())
    return bar
