"""One form builder over the catalogue's field specs, with a registry for bespoke task forms."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.catalogue import SEVERAL, FieldKind, FieldRole, FieldSpec, TaskTypeSpec
from ogpu_desktop.domain.payload import (
    Notice,
    PayloadValidationError,
    TaskPayloads,
    build_task_configs,
)
from ogpu_desktop.errors import UserFacingError, ValidationError
from ogpu_desktop.services.text_import import read_texts_file
from ogpu_desktop.ui.file_folders import remember, start_folder
from ogpu_desktop.ui.forms import image_field_editor
from ogpu_desktop.ui.forms.field_widgets import FieldEditor, create_field_editor

# The image editor registers itself on import; naming the module keeps the import explicit.
IMAGE_EDITOR = image_field_editor.ImageFieldEditor
CHECK_DELAY_MS = 150


@dataclass(frozen=True)
class FormCheck:
    """The outcome of checking a form with the domain builder.

    Attributes:
        payloads: The task configs, when the form can be published.
        errors: Every problem, each naming its field.
        notices: Corrections and warnings to read before publishing.
    """

    payloads: TaskPayloads | None
    errors: tuple[ValidationError, ...] = ()
    notices: tuple[Notice, ...] = ()


class FieldCell(QWidget):
    """A field's editor with its message line underneath (errors and notices, plain text).

    The message line keeps its room while empty and holds one line, so nothing below moves
    while the user types; a longer message is shortened with "…" and read whole in its tooltip
    (and by screen readers, as the line's description).
    """

    def __init__(self, editor: FieldEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self._full = ""
        self.message = QLabel(self)
        self.message.setObjectName(f"fieldMessage_{editor.spec.name}")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setFixedHeight(self.message.fontMetrics().height())
        self.message.setMinimumWidth(1)  # the text is shortened to the width, never the reverse
        policy = self.message.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
        policy.setRetainSizeWhenHidden(True)
        self.message.setSizePolicy(policy)
        self.message.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(editor)
        column.addWidget(self.message)

    def show_message(self, text: str) -> None:
        """Show ``text`` under the editor (hidden when empty); several lines read as one."""
        self._full = "  ".join(line for line in text.splitlines() if line)
        self.message.setAccessibleDescription(self._full)
        self._fit()
        self.message.setVisible(bool(self._full))

    def full_message(self) -> str:
        """The whole message, however much of it fits."""
        return self._full

    def _fit(self) -> None:
        metrics = self.message.fontMetrics()
        shown = metrics.elidedText(self._full, Qt.TextElideMode.ElideRight,
                                   max(self.message.width(), 1))
        self.message.setText(shown)
        self.message.setToolTip(self._full if shown != self._full else "")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """Shorten the message again for the new width."""
        super().resizeEvent(event)
        self._fit()


class TaskForm(QWidget):
    """The form of one task type, generated from its :class:`TaskTypeSpec`.

    Args:
        spec: The task type.
        parent: Parent widget.
    """

    values_changed = Signal()
    checked = Signal(object)  # FormCheck

    def __init__(self, spec: TaskTypeSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"taskForm_{spec.key}")
        self.cells: dict[str, FieldCell] = {
            field.name: FieldCell(create_field_editor(field), self) for field in spec.fields
        }
        self.editors = {name: cell.editor for name, cell in self.cells.items()}
        self.form_message = QLabel(self)
        self.form_message.setObjectName("formMessage")
        self.form_message.setTextFormat(Qt.TextFormat.PlainText)
        self.form_message.setWordWrap(True)
        self.form_message.hide()
        self.last_check = FormCheck(None)
        self._touched: set[str] = set()
        self._show_all = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        self.layout_ = QVBoxLayout(self)
        self.arrange()
        self.layout_.addWidget(self.form_message)
        self.layout_.addStretch(1)
        for name, editor in self.editors.items():
            editor.value_changed.connect(lambda name=name: self._edited(name))

    # Layout -----------------------------------------------------------------------------------

    def arrange(self) -> None:
        """Place the basic fields, then the collapsed "Advanced" section."""
        basic = QFormLayout()
        for field in self.spec.basic_fields:
            self.add_row(basic, field)
        self.layout_.addLayout(basic)
        if self.spec.advanced_fields:
            self._add_advanced()

    def add_row(self, layout: QFormLayout, field: FieldSpec) -> None:
        """Add ``field``'s label and cell to ``layout`` (check boxes carry their own label)."""
        cell = self.cells[field.name]
        if field.kind is FieldKind.BOOLEAN and field.role is FieldRole.OPTION:
            layout.addRow(cell)
            return
        label = QLabel(field.label + (" *" if field.required else ""), self)
        label.setObjectName(f"fieldLabel_{field.name}")
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setToolTip(field.tooltip)
        label.setBuddy(cell.editor.control)
        if self.spec.allows_batch and field.role is FieldRole.INPUT:
            label_box = QWidget(self)
            column = QVBoxLayout(label_box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(label)
            column.addWidget(self._import_button(field))
            column.addStretch(1)
            layout.addRow(label_box, cell)
        else:
            layout.addRow(label, cell)

    def _import_button(self, field: FieldSpec) -> QPushButton:
        button = QPushButton("Import…", self)
        button.setObjectName("importTextsButton")
        button.setToolTip("Read several texts from a .txt file (one per line) or a .csv file")
        button.clicked.connect(lambda: self._ask_import(field.name))
        return button

    def _add_advanced(self) -> None:
        self.advanced_toggle = QToolButton(self)
        self.advanced_toggle.setObjectName("advancedToggle")
        self.advanced_toggle.setText("Advanced")
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_section = QWidget(self)
        self.advanced_section.setObjectName("advancedSection")
        advanced = QFormLayout(self.advanced_section)
        for field in self.spec.advanced_fields:
            self.add_row(advanced, field)
        self.advanced_section.setVisible(False)
        self.advanced_toggle.toggled.connect(self.show_advanced)
        self.layout_.addWidget(self.advanced_toggle)
        self.layout_.addWidget(self.advanced_section)

    def show_advanced(self, shown: bool) -> None:
        """Expand or collapse the "Advanced" section."""
        if not self.spec.advanced_fields:
            return
        self.advanced_toggle.setChecked(shown)
        self.advanced_toggle.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
        self.advanced_section.setVisible(shown)
        self._show(self.last_check)

    def _advanced_open(self) -> bool:
        return bool(self.spec.advanced_fields) and self.advanced_toggle.isChecked()

    # Values -----------------------------------------------------------------------------------

    def values(self) -> dict[str, object]:
        """Return the values handed to the domain builder, by field name."""
        return {name: editor.value() for name, editor in self.editors.items()}

    def set_values(self, values: Mapping[str, object]) -> None:
        """Fill the form with ``values`` (fields not named keep their value)."""
        for name, value in values.items():
            self.editors[name].set_value(value)

    def image_editor(self) -> image_field_editor.ImageFieldEditor | None:
        """Return the form's image editor, if it has one."""
        return next(
            (
                e
                for e in self.editors.values()
                if isinstance(e, image_field_editor.ImageFieldEditor)
            ),
            None,
        )

    def import_texts(self, field_name: str, path: Path) -> int:
        """Put the texts of ``path`` into ``field_name``, one per line, and turn Several on.

        Raises:
            UserFacingError: The file cannot be read or holds no text.
        """
        texts = read_texts_file(path)
        self.editors[field_name].set_value("\n".join(texts))
        if SEVERAL in self.editors:
            self.editors[SEVERAL].set_value(True)
        return len(texts)

    def _ask_import(self, field_name: str) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Import texts", start_folder("texts"), "Texts (*.txt *.csv);;All files (*)"
        )
        if not name:
            return
        remember("texts", Path(name))
        try:
            self.import_texts(field_name, Path(name))
        except UserFacingError as exc:
            self.cells[field_name].show_message(f"⚠ {exc.message}")

    # Checking ---------------------------------------------------------------------------------

    def _edited(self, name: str) -> None:
        self._touched.add(name)
        self.values_changed.emit()
        self._timer.start()

    def check(self) -> FormCheck:
        """Build the configs with the domain builder and show its messages beside the fields.

        Errors show only for fields the user changed, until :meth:`reveal_problems`.
        """
        self._timer.stop()
        try:
            payloads = build_task_configs(self.spec, self.values())
        except PayloadValidationError as exc:
            result = FormCheck(None, exc.errors)
        else:
            result = FormCheck(payloads, (), payloads.notices)
        self._show(result)
        self.last_check = result
        self.checked.emit(result)
        return result

    def reveal_problems(self) -> FormCheck:
        """Check, show every problem, and move the focus to the first field with one."""
        self._show_all = True
        result = self.check()
        names = [error.field for error in result.errors if error.field in self.editors]
        if names:
            first = names[0]
            assert first is not None
            if self.spec.field(first).advanced:
                self.show_advanced(True)
            self.editors[first].focus_editor()
        return result

    def _show(self, result: FormCheck) -> None:
        by_field: dict[str | None, list[str]] = {}
        for error in result.errors:
            if self._show_all or error.field in self._touched:
                key = error.field if error.field in self.cells else None
                by_field.setdefault(key, []).append(f"⚠ {error.message}")
        for notice in result.notices:
            key = notice.field if notice.field in self.cells else None
            if key is not None and self.spec.field(key).advanced and not self._advanced_open():
                key = None  # its field is folded away: say it under the form instead
            by_field.setdefault(key, []).append(f"ℹ {notice.message}")  # noqa: RUF001
        for name, cell in self.cells.items():
            cell.show_message("\n".join(by_field.get(name, [])))
        general = by_field.get(None, [])
        self.form_message.setText("\n".join(general))
        self.form_message.setVisible(bool(general))

    def field_message(self, name: str) -> str:
        """Return the message shown beside field ``name``, whole (empty when none)."""
        return self.cells[name].full_message()


TASK_FORMS: dict[str, type[TaskForm]] = {}
"""Bespoke form classes by task type key; other types get :class:`TaskForm`."""

F = TypeVar("F", bound=type[TaskForm])


def register_task_form(key: str) -> Callable[[F], F]:
    """Class decorator: use the class for the form of task type ``key``."""

    def register(cls: F) -> F:
        TASK_FORMS[key] = cls
        return cls

    return register


def create_task_form(spec: TaskTypeSpec, parent: QWidget | None = None) -> TaskForm:
    """Return the form of ``spec``: its bespoke class if one is registered, else the generic one."""
    return TASK_FORMS.get(spec.key, TaskForm)(spec, parent)


def errors_by_field(errors: Sequence[ValidationError]) -> dict[str | None, str]:
    """Return the first message for each field (``None`` for the whole form)."""
    found: dict[str | None, str] = {}
    for error in errors:
        found.setdefault(error.field, error.message)
    return found
