"""One editor per field kind, picked from the ``{field kind: editor class}`` registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from ogpu_desktop.domain.catalogue import FieldKind, FieldRole, FieldSpec

NOT_SET_TEXT = "The model's default"


class FieldEditor(QWidget):
    """Edits the value of one :class:`FieldSpec`; blank or "not set" means ``None``.

    Subclasses create :attr:`control` (the focusable widget) in :meth:`create_control`.

    Args:
        spec: The field to edit.
        parent: Parent widget.
    """

    value_changed = Signal()
    kinds: ClassVar[tuple[FieldKind, ...]] = ()

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"fieldEditor_{spec.name}")
        self.setToolTip(spec.tooltip)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.control = self.create_control()
        self.control.setObjectName(f"field_{spec.name}")
        self.control.setToolTip(spec.tooltip)
        self.control.setAccessibleName(spec.label)
        self.control.setAccessibleDescription(spec.help)
        layout.addWidget(self.control)
        if spec.default is not None:
            self.set_value(spec.default)

    def create_control(self) -> QWidget:
        """Return the widget the user edits; connect its changes to :attr:`value_changed`."""
        raise NotImplementedError

    def value(self) -> object:
        """Return the value handed to the domain builder (``None`` when not set)."""
        raise NotImplementedError

    def set_value(self, value: object) -> None:
        """Show ``value`` (as produced by :meth:`value` or a field default)."""
        raise NotImplementedError

    def focus_editor(self) -> None:
        """Move the keyboard focus to the editor."""
        self.control.setFocus()


FIELD_EDITORS: dict[FieldKind, type[FieldEditor]] = {}
"""Which editor class edits which field kind; filled by :func:`register_field_editor`."""

E = TypeVar("E", bound=type[FieldEditor])


def register_field_editor(*kinds: FieldKind) -> Callable[[E], E]:
    """Class decorator: make the class the editor of fields of ``kinds``."""

    def register(cls: E) -> E:
        cls.kinds = kinds
        for kind in kinds:
            FIELD_EDITORS[kind] = cls
        return cls

    return register


def create_field_editor(spec: FieldSpec, parent: QWidget | None = None) -> FieldEditor:
    """Return the registered editor for ``spec``'s kind.

    Raises:
        KeyError: No editor is registered for that kind.
    """
    return FIELD_EDITORS[spec.kind](spec, parent)


def _text(value: object) -> str:
    return "" if value is None else str(value)


@register_field_editor(FieldKind.TEXT)
class LineEditor(FieldEditor):
    """One line of text, kept exactly as typed."""

    def create_control(self) -> QWidget:
        """Return a line edit."""
        self.line = QLineEdit(self)
        self.line.setPlaceholderText(self.spec.placeholder)
        self.line.textChanged.connect(self.value_changed)
        return self.line

    def value(self) -> object:
        """Return the text, or ``None`` when it is blank."""
        text = self.line.text()
        return text if text.strip() else None

    def set_value(self, value: object) -> None:
        """Show ``value`` as text, from its start (a long one is not shown scrolled to its end)."""
        self.line.setText(_text(value))
        self.line.setCursorPosition(0)


@register_field_editor(FieldKind.INTEGER, FieldKind.NUMBER)
class NumberEditor(LineEditor):
    """A number typed as text, so a mistake stays visible beside its message; blank = not set."""

    def create_control(self) -> QWidget:
        """Return a line edit whose placeholder gives the range."""
        control = super().create_control()
        hint = self.spec.placeholder or ("" if self.spec.required else "not set")
        low, high = self.spec.minimum, self.spec.maximum
        if low is not None and high is not None:
            hint = f"{hint} ({low} to {high})" if hint else f"{low} to {high}"
        self.line.setPlaceholderText(hint)
        self.line.setClearButtonEnabled(True)
        return control


@register_field_editor(FieldKind.MULTILINE_TEXT, FieldKind.JSON, FieldKind.TEXT_LIST)
class MultilineEditor(FieldEditor):
    """Several lines of text; JSON fields use a fixed-width font; a text list gives one per line."""

    def create_control(self) -> QWidget:
        """Return a plain-text box."""
        self.box = QPlainTextEdit(self)
        self.box.setPlaceholderText(self.spec.placeholder)
        self.box.setTabChangesFocus(True)
        if self.spec.kind is FieldKind.JSON:
            self.box.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            self.box.setMaximumHeight(self.box.fontMetrics().lineSpacing() * 6)
        else:
            # A fixed height: a long text scrolls inside the box instead of pushing the
            # fields below it down while the user types.
            margins = 2 * (self.box.frameWidth() + self.box.document().documentMargin())
            self.box.setFixedHeight(int(self.box.fontMetrics().lineSpacing() * 5 + margins))
        self.box.textChanged.connect(self.value_changed)
        return self.box

    def value(self) -> object:
        """Return the text (a list of non-blank lines for a text list), or ``None`` if blank."""
        text = self.box.toPlainText()
        if self.spec.kind is FieldKind.TEXT_LIST:
            lines = [line for line in text.splitlines() if line.strip()]
            return lines or None
        return text if text.strip() else None

    def set_value(self, value: object) -> None:
        """Show ``value``; a list is shown one item per line."""
        if isinstance(value, list | tuple):
            value = "\n".join(str(item) for item in value)
        self.box.setPlainText(_text(value))


@register_field_editor(FieldKind.CHOICE)
class ChoiceEditor(FieldEditor):
    """A drop-down of the field's choices, starting with "not set" unless a value is required."""

    def create_control(self) -> QWidget:
        """Return a combo box."""
        self.combo = QComboBox(self)
        if not self.spec.required:
            self.combo.addItem(NOT_SET_TEXT, None)
        for choice in self.spec.choices:
            self.combo.addItem(choice.label, choice.value)
        self.combo.currentIndexChanged.connect(self.value_changed)
        return self.combo

    def value(self) -> object:
        """Return the chosen value, or ``None``."""
        return self.combo.currentData()

    def set_value(self, value: object) -> None:
        """Select the entry whose value is ``value`` (nothing changes for an unknown value)."""
        index = self.combo.findData(value)
        if index >= 0:
            self.combo.setCurrentIndex(index)


@register_field_editor(FieldKind.BOOLEAN)
class BooleanEditor(FieldEditor):
    """A pipeline argument picks Yes / No / not set; a form option is a check box."""

    def create_control(self) -> QWidget:
        """Return a combo box for arguments, a check box for options."""
        self.check: QCheckBox | None = None
        self.combo: QComboBox | None = None
        if self.spec.role is FieldRole.OPTION:
            self.check = QCheckBox(self.spec.label, self)
            self.check.toggled.connect(self.value_changed)
            return self.check
        self.combo = QComboBox(self)
        self.combo.addItem(NOT_SET_TEXT, None)
        self.combo.addItem("Yes", True)
        self.combo.addItem("No", False)
        self.combo.currentIndexChanged.connect(self.value_changed)
        return self.combo

    def value(self) -> object:
        """Return ``True``/``False``, or ``None`` when an argument is not set."""
        if self.check is not None:
            return self.check.isChecked()
        assert self.combo is not None
        return self.combo.currentData()

    def set_value(self, value: object) -> None:
        """Show ``value``."""
        if self.check is not None:
            self.check.setChecked(value is True)
        elif self.combo is not None:
            self.combo.setCurrentIndex(self.combo.findData(value) if value is not None else 0)
