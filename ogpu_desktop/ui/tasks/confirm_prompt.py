"""A yes/no question that is awaited, never ``exec()``-ed inside a coroutine."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


async def ask_yes_no(
    parent: QWidget, *, name: str, title: str, text: str, yes: str, no: str
) -> bool:
    """Show a window-modal question and wait for the answer without blocking the loop.

    Args:
        parent: The widget the question belongs to.
        name: The box's objectName (tests and accessibility tools find it by this).
        title: Window title.
        text: The question, in plain words.
        yes: The label of the button that goes ahead.
        no: The label of the button that changes nothing (the default).

    Returns:
        ``True`` when the user chose ``yes``.
    """
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName(name)
    box.setTextFormat(Qt.TextFormat.PlainText)
    go = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    go.setObjectName(f"{name}Yes")
    keep = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    keep.setObjectName(f"{name}No")
    box.setDefaultButton(keep)
    answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def finished() -> None:
        if not answer.done():
            answer.set_result(box.clickedButton() is go)
        box.deleteLater()

    box.finished.connect(finished)
    box.open()
    return await answer
