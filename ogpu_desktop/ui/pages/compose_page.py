"""The Compose page: task type picker, the generated form, the JSON preview and Publish."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.catalogue import CATALOGUE
from ogpu_desktop.domain.config_preview import preview_text
from ogpu_desktop.domain.publish_request import PublishRequest
from ogpu_desktop.domain.task_draft import TaskDraft
from ogpu_desktop.errors import ValidationError
from ogpu_desktop.ui.batch.batch_inputs_panel import BatchInputsPanel
from ogpu_desktop.ui.compose.source_picker import SourcePicker
from ogpu_desktop.ui.compose.task_type_picker import TaskTypePicker
from ogpu_desktop.ui.forms import bespoke_forms
from ogpu_desktop.ui.forms.form_builder import FormCheck, TaskForm, create_task_form

IPFS_NOTICE = (
    "Public: everything in a task (texts, images, links and arguments) is published on IPFS "
    "and can be read by anyone, for good. Do not include private information."
)
INVALID_PREVIEW = "The form has problems; the task config appears here once they are fixed."
PUBLISH_TIP = "Review and publish the task (Ctrl+Enter)"
#: The forms laid out by hand, imported here so the form registry is complete.
BESPOKE_MODULES = (bespoke_forms,)


def _plain_label(name: str, text: str, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setText(text)
    return label


class ComposePage(QWidget):
    """Compose a task; what was typed is kept per task type while switching.

    Args:
        initial_type: Task type key to show first (the last one used), if known.
        parent: Parent widget.
    """

    task_type_changed = Signal(str)
    publish_requested = Signal(object)
    """A complete :class:`PublishRequest`: the tasks, their source, payment and lifetime."""
    publish_refused = Signal(str)
    """Publish was pressed but cannot go on; the message says why in plain words."""

    def __init__(self, initial_type: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composePage")
        self.forms: dict[str, TaskForm] = {}
        self.picker = TaskTypePicker(self)
        self.description = _plain_label("taskTypeDescription", "", self)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("formStack")
        scroll = QScrollArea(self)
        scroll.setObjectName("composeFormScroll")
        scroll.setAccessibleName("Task form")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.stack)
        self.ipfs_notice = _plain_label("ipfsNotice", IPFS_NOTICE, self)
        self.source_picker = SourcePicker(self)
        # Many inputs at once: a batch, reviewed and published by the window's batch flow.
        self.batch_panel = BatchInputsPanel(self)
        self.setAcceptDrops(True)

        self._build_preview()
        self.summary = _plain_label("composeSummary", "", self)
        self.publish_button = QPushButton("Publish…", self)
        self.publish_button.setObjectName("publishButton")
        self.publish_button.setToolTip(PUBLISH_TIP)
        self.publish_button.clicked.connect(self.request_publish)
        self._last_check: FormCheck | None = None
        self.source_picker.readiness_changed.connect(self._show_readiness)
        self._add_shortcuts()

        header = QHBoxLayout()
        type_label = QLabel("&Task type:", self)
        type_label.setBuddy(self.picker)
        header.addWidget(type_label)
        header.addWidget(self.picker, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.summary, 1)
        footer.addWidget(self.publish_button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.description)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.batch_panel)
        layout.addWidget(self.source_picker)
        layout.addWidget(self.ipfs_notice)
        layout.addWidget(self.preview_toggle)
        layout.addWidget(self.preview)
        layout.addLayout(footer)

        self.picker.currentIndexChanged.connect(self._type_picked)
        start = self.picker.findData(initial_type) if initial_type else -1
        self.picker.setCurrentIndex(max(start, 0))
        self._type_picked()

    def _build_preview(self) -> None:
        self.preview_toggle = QToolButton(self)
        self.preview_toggle.setObjectName("previewToggle")
        self.preview_toggle.setText("Task config (JSON)")
        self.preview_toggle.setCheckable(True)
        self.preview_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.preview_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("configPreview")
        self.preview.setReadOnly(True)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setAccessibleName("Task config preview")
        self.preview.setMaximumHeight(self.preview.fontMetrics().lineSpacing() * 14)
        self.preview.setVisible(False)
        self.preview_toggle.toggled.connect(self._toggle_preview)

    def _add_shortcuts(self) -> None:
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.request_publish).setContext(
                Qt.ShortcutContext.WidgetWithChildrenShortcut
            )
        paste = QShortcut(QKeySequence(QKeySequence.StandardKey.Paste), self, self.paste_image)
        paste.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    @property
    def form(self) -> TaskForm:
        """The form of the task type picked."""
        return self.forms[self.current_type()]

    def current_type(self) -> str:
        """Return the key of the task type picked."""
        return str(self.picker.currentData())

    def set_task_type(self, key: str) -> None:
        """Pick the task type ``key``."""
        index = self.picker.findData(key)
        if index >= 0:
            self.picker.setCurrentIndex(index)

    def _type_picked(self) -> None:
        key = self.current_type()
        if key not in self.forms:
            form = create_task_form(CATALOGUE[key], self.stack)
            form.checked.connect(self._show_check)
            self.forms[key] = form
            self.stack.addWidget(form)
        self.stack.setCurrentWidget(self.forms[key])
        self.description.setText(CATALOGUE[key].description)
        self.source_picker.set_task_type(key)
        self.batch_panel.set_task_type(key)
        self._show_check(self.forms[key].check())
        self.task_type_changed.emit(key)

    def _toggle_preview(self, shown: bool) -> None:
        self.preview.setVisible(shown)
        self.preview_toggle.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )

    def _show_check(self, result: FormCheck) -> None:
        self._last_check = result
        if result.payloads is None:
            self.preview.setPlainText(INVALID_PREVIEW)
        else:
            self.preview.setPlainText(preview_text(result.payloads))
        self._show_readiness()

    def _show_readiness(self) -> None:
        """Say whether Publish can go: the form's problems, then what the source waits for."""
        result = self._last_check
        if result is None:
            return
        wait = self.source_picker.wait_reason(self.current_type())
        # Publish stays off until the source shown is read for this type and fits its form.
        self.publish_button.setEnabled(wait is None)
        self.publish_button.setToolTip(PUBLISH_TIP if wait is None else wait)
        # Every field shown in red counts: the form's and the payment's.
        form_count = len(result.errors) or (1 if result.payloads is None else 0)
        count = form_count + self.source_picker.problem_count()
        if count:
            text = f"{count} thing{'s' if count != 1 else ''} to fix before publishing."
            self.summary.setText(text if wait is None else f"{text}\n{wait}")
            return
        if wait is not None:
            self.summary.setText(f"Not ready to publish: {wait}")
            return
        assert result.payloads is not None  # no problem counted means the form built them
        tasks = result.payloads.count
        self.summary.setText(
            "Ready: 1 task." if tasks == 1 else f"Ready: {tasks} tasks, each paid separately."
        )

    def request_publish(self) -> None:
        """Emit :attr:`publish_requested` with one complete request, or say what stops it.

        The form's problems are shown beside their fields; while the source is being read
        nothing happens (Publish is off and says why); a source, payment or lifetime that
        cannot be used is told through :attr:`publish_refused`.
        """
        result = self.form.reveal_problems()
        self._show_check(result)
        task_type = self.current_type()
        if result.payloads is None or self.source_picker.wait_reason(task_type) is not None:
            return
        try:
            chosen = self.source_picker.selection(task_type)
        except ValidationError as exc:
            self.publish_refused.emit(exc.message)
            return
        self.publish_requested.emit(PublishRequest(
            result.payloads, chosen.address, chosen.payment_wei, chosen.duration_s))

    def compose_again(self, draft: TaskDraft) -> None:
        """Open ``draft``: its task type, its inputs, its source, payment and lifetime."""
        self.set_task_type(draft.task_type)
        self.form.set_values(draft.values)
        self.source_picker.use_terms(draft.source, draft.payment_wei, draft.duration_s)
        self._show_check(self.form.check())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        """Files and folders dropped outside the form's own drop zones make a batch."""
        if self.batch_panel.accepts(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        """Hand the dropped files and folders to the batch panel."""
        self.batch_panel.dropEvent(event)

    def paste_image(self) -> None:
        """Ctrl+V outside a text box: paste into the image field, when the form has one."""
        editor = self.form.image_editor()
        if editor is not None:
            editor.paste()
