"""What every wallet dialog shares: a message area, a busy state, labels, fields and buttons."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.ui.wallet.field_error import FieldError


def plain_label(object_name: str, text: str, parent: QWidget) -> QLabel:
    """Return a word-wrapped plain-text label."""
    label = QLabel(parent)
    label.setObjectName(object_name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setText(text)
    return label


def line_edit(
    object_name: str, accessible_name: str, parent: QWidget, *, text: str = "",
    placeholder: str = "",
) -> QLineEdit:
    """A line edit named for tests and for screen readers."""
    edit = QLineEdit(text, parent)
    edit.setObjectName(object_name)
    edit.setAccessibleName(accessible_name)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def password_edit(object_name: str, accessible_name: str, parent: QWidget) -> QLineEdit:
    """A masked line edit for a password."""
    edit = line_edit(object_name, accessible_name, parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def field_row(edit: QLineEdit, error: FieldError, parent: QWidget) -> QWidget:
    """A field with its message right below it."""
    box = QWidget(parent)
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(edit)
    column.addWidget(error)
    edit.textEdited.connect(lambda _text: error.clear_message())
    return box


def push_button(
    text: str, object_name: str, parent: QWidget, on_click: Callable[[], object]
) -> QPushButton:
    """A named button that calls ``on_click`` when clicked."""
    button = QPushButton(text, parent)
    button.setObjectName(object_name)
    button.clicked.connect(on_click)
    return button


class WalletDialog(QDialog):
    """A window-modal dialog that shows its own errors (it is the handlers' error sink).

    Subclasses add their content to :attr:`body` and call :meth:`finish_layout`. Dialogs are
    opened with ``open()`` and report through signals; they delete themselves when closed.

    Args:
        name: Object-name prefix, such as ``wallet.import_dialog``.
        title: Window title.
        parent: Parent widget (the Wallet page).
    """

    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(560)
        self.body = QVBoxLayout(self)
        self.error_label = FieldError(f"{name}.error_label", self)
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setObjectName(f"{name}.busy_bar")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumHeight(8)
        self.busy_bar.setVisible(False)
        self._inputs: list[QWidget] = []
        self._busy = False

    def finish_layout(self, inputs: list[QWidget]) -> None:
        """Add the message area below the content; ``inputs`` are disabled while busy."""
        self.body.addWidget(self.busy_bar)
        self.body.addWidget(self.error_label)
        self._inputs = inputs

    def cancel_and_action(
        self, text: str, name: str, on_click: Callable[[], object], parent: QWidget | None = None,
        *, default: bool = True,
    ) -> tuple[QPushButton, QPushButton, QHBoxLayout]:
        """Cancel (which closes the dialog) and the dialog's action button, right-aligned.

        Args:
            text: The action button's text.
            name: The action button's object name after the dialog's prefix (``import_button``).
            on_click: What the action button does.
            parent: The widget the buttons belong to (the dialog unless a step widget).
            default: Whether Enter presses the action button.

        Returns:
            The Cancel button, the action button and the row holding them.
        """
        owner = parent or self
        cancel = push_button("Cancel", f"{self.objectName()}.cancel_button", owner, self.reject)
        action = push_button(text, f"{self.objectName()}.{name}", owner, on_click)
        action.setDefault(default)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(action)
        return cancel, action, row

    def show_error(self, message: str) -> None:
        """Show ``message`` inside the dialog (the dialog covers the window's banner)."""
        self.error_label.show_message(message)

    def set_busy(self, busy: bool) -> None:
        """Show progress and lock the inputs while slow work (scrypt, the keychain) runs."""
        self._busy = busy
        self.busy_bar.setVisible(busy)
        for widget in self._inputs:
            widget.setEnabled(not busy)
        if busy:
            self.error_label.clear_message()

    def event(self, event: QEvent) -> bool:
        """Grow taller when wrapped messages need more room, instead of clipping them."""
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            layout = self.body
            minimum = layout.totalMinimumSize()
            width = max(self.width(), minimum.width())
            needed = (
                layout.totalHeightForWidth(width) if layout.hasHeightForWidth()
                else minimum.height()
            )
            if needed > self.height() or width > self.width():
                self.resize(width, max(needed, self.height()))
        return handled

    def is_busy(self) -> bool:
        """Whether slow work is running (the dialog cannot be closed meanwhile)."""
        return self._busy

    def reject(self) -> None:
        """Close, unless slow work still runs (its result must land somewhere)."""
        if self._busy:
            return
        super().reject()
