"""Task forms laid out by hand: visual question answering shows the image beside the question."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QVBoxLayout

from ogpu_desktop.domain.pipeline_args import VISUAL_QUESTION_ANSWERING
from ogpu_desktop.ui.forms.form_builder import TaskForm, register_task_form


@register_task_form(VISUAL_QUESTION_ANSWERING)
class VisualQuestionForm(TaskForm):
    """The image on the left, the question on its right, then the other fields."""

    def arrange(self) -> None:
        """Place image and question side by side, then the generic rows."""
        pair = QHBoxLayout()
        for name in ("image", "question"):
            column = QVBoxLayout()
            field = self.spec.field(name)
            label = QLabel(field.label + " *", self)
            label.setObjectName(f"fieldLabel_{name}")
            label.setToolTip(field.help)
            label.setBuddy(self.cells[name].editor.control)
            column.addWidget(label)
            column.addWidget(self.cells[name])
            column.addStretch(1)
            pair.addLayout(column, 2 if name == "image" else 1)
        self.layout_.addLayout(pair)
        rest = QFormLayout()
        for field in self.spec.basic_fields:
            if field.name not in ("image", "question"):
                self.add_row(rest, field)
        self.layout_.addLayout(rest)
        if self.spec.advanced_fields:
            self._add_advanced()
