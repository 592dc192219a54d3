"""What a task was asked, shown beside its result: its text (question, prompt, source), picture."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from ogpu_desktop.ui.results.plain_widgets import plain_label, plain_text_box
from ogpu_desktop.ui.tasks.input_image_box import IMAGE_SIDE, InputImageBox

#: The heading over the input, per task type; other types say "Input".
INPUT_TITLES = {
    "text-classification": "Text",
    "image-classification": "Picture",
    "text-generation": "Prompt",
    "visual-question-answering": "Question",
    "translation": "Text to translate",
    "summarization": "Text to summarise",
}
#: Room for the picture and a few words per line; the result beside it takes the rest.
INPUT_WIDTH = IMAGE_SIDE + 100
#: Longer texts scroll inside their box.
MAX_LINES = 12


class TaskInputView(QWidget):
    """The input of the task shown: a heading, its text and its picture (each when there is one).

    Args:
        parent: Parent widget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("taskInput")
        self.title: QLabel = plain_label("Input", self)
        self.title.setObjectName("taskInputTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.text = plain_text_box("", self)
        self.text.setObjectName("taskInputText")
        self.text.setAccessibleName("Input text")
        self.image_box = InputImageBox(self)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addWidget(self.text)
        column.addWidget(self.image_box)
        column.addStretch(1)
        self.setFixedWidth(INPUT_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.clear()

    def clear(self) -> None:
        """Show nothing (hidden)."""
        self.text.setPlainText("")
        self.text.setVisible(False)
        self.image_box.clear()
        self.setVisible(False)

    def show_words(self, task_type: str, words: str) -> None:
        """Show the heading of ``task_type`` and ``words`` (hidden when there are none)."""
        self.title.setText(INPUT_TITLES.get(task_type, "Input"))
        self.text.setPlainText(words)
        self.text.setFixedHeight(self._box_height(words))
        self.text.setVisible(bool(words))
        self.update_visibility()

    def _box_height(self, words: str) -> int:
        """Room for ``words`` wrapped at the box's width, up to :data:`MAX_LINES` lines."""
        metrics = self.text.fontMetrics()
        per_line = max(10, (INPUT_WIDTH - 24) // max(1, metrics.averageCharWidth()))
        lines = sum(max(1, -(-len(part) // per_line)) for part in words.splitlines() or [""])
        shown = max(2, min(MAX_LINES, lines))
        margins = self.text.contentsMargins()
        return (metrics.lineSpacing() * shown + 2 * self.text.frameWidth()
                + margins.top() + margins.bottom() + 8)

    def update_visibility(self) -> None:
        """Shown while there is a text or a picture to show."""
        self.setVisible(self.text.isVisibleTo(self) or self.image_box.isVisibleTo(self))
