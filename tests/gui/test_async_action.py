"""async_action: the trigger is disabled while the coroutine runs; errors reach the window."""

from __future__ import annotations

import asyncio
import logging

import pytest
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.ui.asyncutils import GENERIC_ERROR_MESSAGE, async_action


class _Sink(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.errors: list[str] = []

    def show_error(self, message: str) -> None:
        self.errors.append(message)


class _Panel(QWidget):
    def __init__(self, parent: QWidget, failure: Exception | None) -> None:
        super().__init__(parent)
        self.button = QPushButton("Go", self)
        self.failure = failure
        self.release = asyncio.Event()
        self.enabled_while_running: bool | None = None
        QVBoxLayout(self).addWidget(self.button)
        self.button.clicked.connect(self.go)

    @async_action(trigger="button")
    async def go(self) -> None:
        self.enabled_while_running = self.button.isEnabled()
        await self.release.wait()
        if self.failure is not None:
            raise self.failure


async def _click_and_finish(panel: _Panel) -> None:
    panel.button.click()
    for _ in range(1000):
        if panel.enabled_while_running is not None:
            break
        await asyncio.sleep(0.01)
    assert panel.enabled_while_running is False
    assert not panel.button.isEnabled()
    panel.release.set()
    for _ in range(1000):
        if panel.button.isEnabled():
            break
        await asyncio.sleep(0.01)


@pytest.mark.asyncio
async def test_user_facing_error_is_shown_as_it_is_and_button_comes_back() -> None:
    sink = _Sink()
    panel = _Panel(sink, UserFacingError("The vault balance is too low."))
    await _click_and_finish(panel)
    assert panel.button.isEnabled()
    assert sink.errors == ["The vault balance is too low."]


@pytest.mark.asyncio
async def test_unexpected_error_shows_a_short_message_and_logs_details(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sink = _Sink()
    panel = _Panel(sink, KeyError("secret internals"))
    with caplog.at_level(logging.ERROR, logger="ogpu_desktop"):
        await _click_and_finish(panel)
    assert panel.button.isEnabled()
    assert sink.errors == [GENERIC_ERROR_MESSAGE]
    assert "secret internals" not in sink.errors[0]
    assert any(record.exc_info for record in caplog.records)


@pytest.mark.asyncio
async def test_success_reports_nothing() -> None:
    sink = _Sink()
    panel = _Panel(sink, None)
    await _click_and_finish(panel)
    assert panel.button.isEnabled()
    assert sink.errors == []
