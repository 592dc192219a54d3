"""Copies a secret to the clipboard, hidden from clipboard history, and clears it after a while."""

from __future__ import annotations

import hashlib

import shiboken6
from PySide6.QtCore import QMimeData, QObject, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication

CLEAR_AFTER_MS = 60_000
"""How long a copied key may stay on the clipboard."""

# KDE's Klipper and several other clipboard managers skip entries carrying this hint.
_PASSWORD_MANAGER_HINT = "x-kde-passwordManagerHint"  # noqa: S105 - a MIME type name


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


class SecretClipboard(QObject):
    """Puts a secret on the clipboard and takes it off again if it is still there later.

    Only a hash of the secret is kept, to recognise it; one instance lives as long as the
    application, so the clearing happens even after the dialog that copied it has closed.

    Args:
        clear_after_ms: Delay before the clipboard is cleared.
        parent: Parent object (the application).
    """

    def __init__(self, clear_after_ms: int = CLEAR_AFTER_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._digest: bytes | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(clear_after_ms)
        self._timer.timeout.connect(self.clear_if_still_there)

    @property
    def clear_after_ms(self) -> int:
        """Delay before the clipboard is cleared."""
        return self._timer.interval()

    def set_clear_after_ms(self, delay_ms: int) -> None:
        """Change the delay (for the next copy)."""
        self._timer.setInterval(delay_ms)

    def copy(self, secret: str) -> None:
        """Copy ``secret`` and start the countdown to clearing it."""
        mime = QMimeData()
        mime.setText(secret)
        mime.setData(_PASSWORD_MANAGER_HINT, b"secret")
        QGuiApplication.clipboard().setMimeData(mime, QClipboard.Mode.Clipboard)
        self._digest = _digest(secret)
        self._timer.start()

    def clear_if_still_there(self) -> None:
        """Clear the clipboard if it still holds the copied secret (not something copied since)."""
        self._timer.stop()
        digest, self._digest = self._digest, None
        if digest is None:
            return
        clipboard = QGuiApplication.clipboard()
        if _digest(clipboard.text(QClipboard.Mode.Clipboard)) == digest:
            clipboard.clear(QClipboard.Mode.Clipboard)


_shared: SecretClipboard | None = None


def secret_clipboard() -> SecretClipboard:
    """The application's one :class:`SecretClipboard` (cleared at quit too)."""
    global _shared  # noqa: PLW0603 - one clipboard per application
    app = QGuiApplication.instance()
    if _shared is None or not shiboken6.isValid(_shared) or _shared.parent() is not app:
        _shared = SecretClipboard(parent=app)
        if isinstance(app, QGuiApplication):
            app.aboutToQuit.connect(_shared.clear_if_still_there)
    return _shared
