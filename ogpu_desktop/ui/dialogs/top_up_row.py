"""The review's vault top-up: how much to deposit (enough for several tasks) and its fee."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ogpu_desktop.domain.top_up import TopUpChoice


class TopUpRow(QWidget):
    """A choice of deposits ("Deposit 0.01 OGPU — enough for 10 tasks like this") and a note.

    The deposit is signed with the publish after the review's one confirmation; the note says
    its fee, or why the wallet cannot pay it.
    """

    choice_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confirm.top_up")
        self._choices: list[TopUpChoice] = []
        self.choice = QComboBox(self)
        self.choice.setObjectName("confirm.top_up_choice")
        self.choice.setAccessibleName("How much to deposit into the vault")
        self.choice.setToolTip(
            "The vault pays each task's payment. Depositing for several tasks at once saves a "
            "deposit fee on each of the next ones."
        )
        self.choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.choice.currentIndexChanged.connect(lambda _index: self.choice_changed.emit())
        self.note = QLabel(self)
        self.note.setObjectName("confirm.top_up_note")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addWidget(self.choice)
        self.row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.row)
        column.addWidget(self.note)

    def set_choices(self, choices: list[TopUpChoice], symbol: str, preferred: int) -> None:
        """Offer ``choices``, with the one at ``preferred`` chosen; keeps the same count chosen
        when the choices are offered again (a fresher preview)."""
        kept = self.chosen()
        self._choices = list(choices)
        self.choice.blockSignals(True)
        self.choice.clear()
        for choice in choices:
            self.choice.addItem(choice.words(symbol), choice.tasks)
        tasks = [c.tasks for c in choices]
        self.choice.setCurrentIndex(
            tasks.index(kept.tasks) if kept is not None and kept.tasks in tasks else preferred)
        self.choice.blockSignals(False)

    def chosen(self) -> TopUpChoice | None:
        """The deposit chosen, or ``None`` when none is offered."""
        index = self.choice.currentIndex()
        return self._choices[index] if 0 <= index < len(self._choices) else None
