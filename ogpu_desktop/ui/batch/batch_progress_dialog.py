"""Progress of a batch being published, with Pause/Resume and Stop between chunks.

It shows the :class:`BatchProgress` events of ``BatchPublisher`` (published of accepted, the
stage, a message). Pausing and stopping act after the chunk being sent, as the publisher does;
closing the dialog never stops publishing (the batch page shows the same progress).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.services.batch_models import BatchProgress, BatchRunOutcome, BatchStage, RunEnd

STAGE_WORDS = {
    BatchStage.PUBLISHING: "Publishing",
    BatchStage.PAUSED: "Paused",
    BatchStage.FOLLOWING: "Published; waiting for the answers",
    BatchStage.DONE: "Done",
    BatchStage.STOPPED: "Stopped",
    BatchStage.FAILED: "Stopped by a problem",
}


class BatchProgressDialog(QDialog):
    """Shows a batch's publishing, and asks the publisher to pause, resume or stop.

    Args:
        total: Tasks to publish in this run.
        parent: The main window.
    """

    pause_requested = Signal()
    resume_requested = Signal()
    stop_requested = Signal()

    def __init__(self, total: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchProgressDialog")
        self.setWindowTitle("Publishing the batch")
        self.setMinimumWidth(480)
        self.total = total
        self.paused = False
        self.ended = False
        self.stage_label = QLabel("Preparing…", self)
        self.stage_label.setObjectName("batchProgress.stage")
        self.stage_label.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("batchProgress.bar")
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(0)
        self.bar.setFormat("%v of %m published")
        self.message = QLabel(self)
        self.message.setObjectName("batchProgress.message")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.pause_button = QPushButton("Pause", self)
        self.pause_button.setObjectName("batchProgress.pause_button")
        self.pause_button.setToolTip("Pause after the tasks being sent now")
        self.pause_button.clicked.connect(self._pause_or_resume)
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setObjectName("batchProgress.stop_button")
        self.stop_button.setToolTip(
            "Stop after the tasks being sent now; the rest stays in the batch, not published")
        self.stop_button.clicked.connect(self._stop)
        self.close_button = QPushButton("Close", self)
        self.close_button.setObjectName("batchProgress.close_button")
        self.close_button.setToolTip("Publishing goes on; the batch page shows its progress")
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        column = QVBoxLayout(self)
        column.addWidget(self.stage_label)
        column.addWidget(self.bar)
        column.addWidget(self.message)
        column.addLayout(buttons)

    def on_progress(self, event: BatchProgress) -> None:
        """Show a publisher's event."""
        if self.ended and event.stage is not BatchStage.FOLLOWING:
            return
        self.stage_label.setText(STAGE_WORDS.get(event.stage, event.stage.value))
        self.bar.setRange(0, max(1, event.accepted))
        self.bar.setValue(event.published)
        self.message.setText(event.message)

    def finish(self, outcome: BatchRunOutcome | None, message: str = "") -> None:
        """Show how the run ended; only Close is left."""
        self.ended = True
        self.pause_button.setEnabled(False)
        self.stop_button.setEnabled(False)
        if outcome is None:
            self.stage_label.setText("Stopped by a problem")
        elif outcome.end is RunEnd.DONE:
            self.stage_label.setText(
                f"Published {outcome.published:,} task(s); the batch page shows the answers "
                "as they come")
        else:
            self.stage_label.setText(STAGE_WORDS.get(BatchStage(outcome.end.value),
                                                     outcome.end.value))
        words = message or (outcome.message if outcome is not None else "")
        if words:
            self.message.setText(words)

    def _pause_or_resume(self) -> None:
        self.paused = not self.paused
        self.pause_button.setText("Resume" if self.paused else "Pause")
        if self.paused:
            self.stage_label.setText("Pausing after the tasks being sent…")
            self.pause_requested.emit()
        else:
            self.resume_requested.emit()

    def _stop(self) -> None:
        self.stage_label.setText("Stopping after the tasks being sent…")
        self.pause_button.setEnabled(False)
        self.stop_button.setEnabled(False)
        self.stop_requested.emit()
