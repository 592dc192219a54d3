"""The publish progress dialog: stages per task, and Cancel only while nothing is signed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from ogpu_desktop.services.progress import PublishProgress, PublishStage
from ogpu_desktop.services.publish_models import PublishOutcome, TaskOutcome
from ogpu_desktop.ui.dialogs.publish_progress_dialog import PublishProgressDialog
from tests.gui.publish_helpers import shown

TX = "0x" + "ab" * 32


@pytest.fixture
def host(qtbot: QtBot) -> Iterator[QWidget]:
    """The window the dialog belongs to (kept alive for the whole test)."""
    with shown(QWidget()) as window:
        yield window


def _dialog(host: QWidget, total: int) -> PublishProgressDialog:
    dialog = PublishProgressDialog(total, host)
    dialog.show()
    return dialog


def test_cancel_is_offered_until_the_first_signature(qtbot: QtBot, host: QWidget) -> None:
    dialog = _dialog(host, 2)
    dialog.on_progress(PublishProgress(PublishStage.PIN, 0, 2, "Uploading the task to IPFS"))
    assert dialog.cells[(0, PublishStage.PIN)].text() == "…"
    assert dialog.cancel_button.isEnabled()
    with qtbot.waitSignal(dialog.cancel_requested, timeout=1000):
        dialog.cancel_button.click()
    dialog.finish(None)
    assert dialog.headline.text() == "Cancelled: nothing was signed or sent."
    assert dialog.close_button.isEnabled()


def test_after_a_signature_the_publish_cannot_be_stopped(qtbot: QtBot, host: QWidget) -> None:
    dialog = _dialog(host, 2)
    dialog.on_progress(PublishProgress(PublishStage.PIN, 0, 2, "Uploading"))
    dialog.on_progress(PublishProgress(PublishStage.SIGN, 0, 2, "Signing"))
    assert not dialog.cancel_button.isEnabled()
    with qtbot.assertNotEmitted(dialog.cancel_requested):
        dialog.reject()  # Escape does not stop it either
    assert dialog.isVisible()
    dialog.on_progress(PublishProgress(PublishStage.SEND, 0, 2, "Sent", TX))
    dialog.on_progress(PublishProgress(PublishStage.CONFIRMED, 0, 2, "Published", TX, "0x1"))
    assert [dialog.cells[(0, s)].text() for s in PublishStage if (0, s) in dialog.cells] == [
        "✔", "✔", "✔", "✔"
    ]
    dialog.on_progress(PublishProgress(PublishStage.FAILED, 1, 2, "The pinning service refused"))
    assert dialog.cells[(1, PublishStage.PIN)].text() == "✖"
    assert dialog.detail.text() == "Task 2 of 2: The pinning service refused"
    dialog.finish(PublishOutcome((
        TaskOutcome(0, "published", task="0x1", tx_hash=TX),
        TaskOutcome(1, "failed", message="The pinning service refused"),
    )))
    assert dialog.headline.text() == "1 of 2 tasks were published."
    assert dialog.detail.text() == "Task 2: The pinning service refused"
    dialog.reject()
    assert not dialog.isVisible()
