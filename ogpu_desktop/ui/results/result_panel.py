"""A result with its tools: the viewer, a "JSON output" toggle, copy, and export to JSON or CSV."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.result_export import csv_text, plain_text
from ogpu_desktop.domain.result_views import (
    AnswersView,
    BatchView,
    LabelScoresView,
    ResultView,
    ScoreMark,
)
from ogpu_desktop.ui.results import other_widgets, score_widgets, text_widgets
from ogpu_desktop.ui.results.other_widgets import (
    NO_ANSWER_EXPIRED_NAME,
    NO_ANSWER_YET_NAME,
    no_result_widget,
    read_failed_widget,
)
from ogpu_desktop.ui.results.plain_widgets import plain_label, plain_text_box
from ogpu_desktop.ui.results.result_widget import RESULT_WIDGETS, create_result_widget

MARKUP_NOTE = "This result contains markup; it is shown as plain text, exactly as received."
TRUNCATED_NOTE = "Some parts were shortened for display; export JSON to keep what is shown."
MARKED_SCORES_NOTE = (
    "Some scores are not plain numbers; they are shown as the provider sent them, marked."
)

#: The viewer modules, imported here so the ``{view kind: widget class}`` registry is complete.
VIEWER_MODULES = (score_widgets, text_widgets, other_widgets)
__all__ = ["RESULT_WIDGETS", "VIEWER_MODULES", "ResultPanel", "create_result_widget"]


class ResultPanel(QWidget):
    """Shows one task result, or why there is none yet, with copy and export actions."""

    retry_requested = Signal()
    """Try again was pressed after a download failed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultPanel")
        self.view: ResultView | None = None
        self.inputs: tuple[str, ...] = ()
        self.json_text = ""

        self.raw_toggle = QCheckBox("JSON output", self)
        self.raw_toggle.setObjectName("resultRawJsonToggle")
        self.raw_toggle.setToolTip("Show the result exactly as received, as JSON")
        self.copy_button = self._button("resultCopyButton", "Copy", "Copy the result as text")
        self.export_json_button = self._button(
            "resultExportJsonButton", "Export JSON…", "Save the result as a JSON file"
        )
        self.export_csv_button = self._button(
            "resultExportCsvButton", "Export CSV…", "Save the result as a CSV table"
        )
        tools = QHBoxLayout()
        tools.addWidget(self.raw_toggle)
        tools.addStretch(1)
        for button in (self.copy_button, self.export_json_button, self.export_csv_button):
            tools.addWidget(button)

        self.notes = plain_label("", self)
        self.notes.setObjectName("resultNotes")
        self.rendered = QScrollArea(self)
        self.rendered.setObjectName("resultRendered")
        self.rendered.setWidgetResizable(True)
        self.raw_box = plain_text_box("", self, monospace=True, fit=False)
        self.raw_box.setObjectName("resultRawJson")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.rendered)
        self.stack.addWidget(self.raw_box)

        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.notes)
        layout.addWidget(self.stack, 1)

        self.raw_toggle.toggled.connect(self._show_raw)
        self.copy_button.clicked.connect(self.copy)
        self.export_json_button.clicked.connect(self._ask_export_json)
        self.export_csv_button.clicked.connect(self._ask_export_csv)
        self.show_waiting()

    def _button(self, name: str, text: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setToolTip(tip)
        return button

    def show_result(
        self, view: ResultView, inputs: Sequence[str] = (), json_text: str | None = None
    ) -> None:
        """Show ``view``; ``json_text`` (the full payload) is what Export JSON writes."""
        self.view = view
        self.inputs = tuple(inputs)
        self.json_text = json_text if json_text is not None else view.raw_json
        self.rendered.setWidget(create_result_widget(view, self.inputs))
        self.raw_box.setPlainText(view.raw_json)
        notes = []
        if view.has_markup:
            notes.append(MARKUP_NOTE)
        if view.truncated:
            notes.append(TRUNCATED_NOTE)
        skipped = getattr(view, "skipped", 0)
        if skipped:
            notes.append(f"{skipped} unreadable entries were left out.")
        if isinstance(view, LabelScoresView | AnswersView) and any(
            item.mark is not ScoreMark.NONE for item in view.items
        ):
            notes.append(MARKED_SCORES_NOTE)
        total = getattr(view, "total", None)
        shown = len(getattr(view, "items", getattr(view, "texts", ())))
        if isinstance(total, int) and total > shown and not isinstance(view, BatchView):
            notes.append(f"Showing {shown} of {total}.")
        self._set_notes(notes)
        self._set_tools_enabled(True)

    def show_waiting(self) -> None:
        """Show that no provider has answered yet."""
        self._show_no_result(expired=False)

    def show_expired(self) -> None:
        """Show that the task expired without an answer."""
        self._show_no_result(expired=True)

    def show_read_failed(self, text: str, *, can_retry: bool) -> None:
        """Show that the result could not be downloaded or read, and offer Try again.

        Args:
            text: What went wrong, in plain words.
            can_retry: Whether trying again may help (shows the Try again button).
        """
        self._clear(read_failed_widget(text, self.retry_requested.emit if can_retry else None))

    def _show_no_result(self, expired: bool) -> None:
        shown = self.rendered.widget()
        if self.view is None and shown is not None and shown.objectName() == (
            NO_ANSWER_EXPIRED_NAME if expired else NO_ANSWER_YET_NAME
        ):
            return  # shown already: a new copy would only cost the window a relayout
        self._clear(no_result_widget(expired))

    def _clear(self, message: QWidget) -> None:
        self.view = None
        self.json_text = ""
        self.rendered.setWidget(message)
        self.raw_box.setPlainText("")
        self.raw_toggle.setChecked(False)
        self._set_notes([])
        self._set_tools_enabled(False)

    def _set_notes(self, notes: list[str]) -> None:
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))

    def _set_tools_enabled(self, enabled: bool) -> None:
        for control in (
            self.raw_toggle,
            self.copy_button,
            self.export_json_button,
            self.export_csv_button,
        ):
            control.setEnabled(enabled)

    def _show_raw(self, raw: bool) -> None:
        self.stack.setCurrentWidget(self.raw_box if raw else self.rendered)

    def copy(self) -> None:
        """Copy the result: its JSON when the JSON output is shown, else readable text."""
        if self.view is None:
            return
        text = self.json_text if self.raw_toggle.isChecked() else plain_text(self.view, self.inputs)
        QGuiApplication.clipboard().setText(text)

    def export_json(self, path: Path) -> None:
        """Write the result's JSON to ``path``."""
        path.write_text(self.json_text + "\n", encoding="utf-8")

    def export_csv(self, path: Path) -> None:
        """Write the result as a CSV table to ``path``."""
        if self.view is not None:
            path.write_text(csv_text(self.view, self.inputs), encoding="utf-8", newline="")

    def _ask_export_json(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export JSON", "result.json", "JSON (*.json)")
        if name:
            self.export_json(Path(name))

    def _ask_export_csv(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export CSV", "result.csv", "CSV (*.csv)")
        if name:
            self.export_csv(Path(name))
