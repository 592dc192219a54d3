"""Await a dialog's answer inside a coroutine without a nested event loop (no ``exec()``)."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QDialog


async def answer_of(dialog: QDialog) -> int:
    """Open ``dialog`` (window-modal) and return its result code once it is finished."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def finished(code: int) -> None:
        if not future.done():
            future.set_result(int(code))

    dialog.finished.connect(finished)
    dialog.open()
    return await future
