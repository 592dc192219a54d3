"""Publish progress per task: pin → sign → send → confirmed; cancellable until a signature."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.services.progress import PublishProgress, PublishStage
from ogpu_desktop.services.publish_models import PublishOutcome

STAGES = (PublishStage.PIN, PublishStage.SIGN, PublishStage.SEND, PublishStage.CONFIRMED)
STAGE_TITLES = {
    PublishStage.PIN: "Upload", PublishStage.SIGN: "Sign", PublishStage.SEND: "Send",
    PublishStage.CONFIRMED: "Confirmed",
}
DONE, CURRENT, WAITING, FAILED = "✔", "…", "·", "✖"
MAX_ROWS = 20  # a larger batch is summed up in one line


class PublishProgressDialog(QDialog):
    """Follows one publish. Cancel is offered only while no transaction was signed yet.

    Args:
        total: How many tasks are published.
        parent: The main window.
    """

    cancel_requested = Signal()

    def __init__(self, total: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("publishProgressDialog")
        self.setWindowTitle("Publishing")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(600)
        self.total = total
        self.signed_any = False
        self.finished_publishing = False
        self.headline = QLabel(self)
        self.headline.setObjectName("progress.headline")
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.headline.setWordWrap(True)
        grid = QGridLayout()
        self.cells: dict[tuple[int, PublishStage], QLabel] = {}
        for column, stage in enumerate(STAGES, start=1):
            title = QLabel(STAGE_TITLES[stage], self)
            title.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(title, 0, column)
        for index in range(min(total, MAX_ROWS)):
            grid.addWidget(QLabel(f"Task {index + 1}", self), index + 1, 0)
            for column, stage in enumerate(STAGES, start=1):
                cell = QLabel(WAITING, self)
                cell.setObjectName(f"progress.task{index + 1}.{stage.value}")
                cell.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self.cells[(index, stage)] = cell
                grid.addWidget(cell, index + 1, column)
        self.detail = QLabel(self)
        self.detail.setObjectName("progress.detail")
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("progress.cancel_button")
        self.cancel_button.setToolTip("Stop before anything is signed")
        self.cancel_button.clicked.connect(self._cancel)
        self.close_button = QPushButton("Close", self)
        self.close_button.setObjectName("progress.close_button")
        self.close_button.setEnabled(False)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        column_layout = QVBoxLayout(self)
        column_layout.addWidget(self.headline)
        column_layout.addLayout(grid)
        column_layout.addWidget(self.detail)
        column_layout.addLayout(buttons)
        self.headline.setText(
            "Uploading the task config…" if total == 1 else f"Publishing {total} tasks…"
        )

    def on_progress(self, event: PublishProgress) -> None:
        """Show one progress event of the publish service."""
        if event.stage in (PublishStage.SIGN, PublishStage.SEND):
            self.signed_any = True
            self.cancel_button.setEnabled(False)
            self.cancel_button.setToolTip("Something was signed: the publish can no longer stop.")
        row = event.index
        if event.stage in STAGES:
            position = STAGES.index(event.stage)
            for stage in STAGES[:position]:
                self._mark(row, stage, DONE)
            self._mark(row, event.stage, DONE if event.stage is PublishStage.CONFIRMED
                       else CURRENT)
        elif event.stage is PublishStage.FAILED:
            for stage in STAGES:
                cell = self.cells.get((row, stage))
                if cell is not None and cell.text() != DONE:
                    cell.setText(FAILED)
                    break
        message = event.message
        if event.tx_hash:
            message += f"\nTransaction {event.tx_hash}"
        self.detail.setText(f"Task {row + 1} of {event.total}: {message}")
        self.adjustSize()

    def _mark(self, row: int, stage: PublishStage, text: str) -> None:
        cell = self.cells.get((row, stage))
        if cell is not None:
            cell.setText(text)

    def _cancel(self) -> None:
        if not self.signed_any and not self.finished_publishing:
            self.cancel_button.setEnabled(False)
            self.detail.setText("Cancelling…")
            self.cancel_requested.emit()

    def finish(self, outcome: PublishOutcome | None, message: str = "") -> None:
        """Show how the publish ended; ``None`` when it was cancelled before anything was sent."""
        self.finished_publishing = True
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)
        self.close_button.setDefault(True)
        if outcome is None:
            self.headline.setText(message or "Cancelled: nothing was signed or sent.")
            return
        published = len(outcome.published)
        if outcome.all_published:
            self.headline.setText(
                "Published: the task is on the network; follow it on the Tasks page."
                if published == 1
                else f"Published all {published} tasks; follow them on the Tasks page."
            )
        else:
            self.headline.setText(f"{published} of {self.total} tasks were published.")
            problems = [f"Task {t.index + 1}: {t.message}" for t in outcome.tasks if t.message]
            self.detail.setText("\n".join(problems))
        self.adjustSize()

    def reject(self) -> None:
        """Escape or the close box: cancel while allowed, close once finished, else stay."""
        if self.finished_publishing:
            super().reject()
        elif not self.signed_any:
            self._cancel()
