"""How much room each text of a widget needs, and how much of it the user can see.

One function per kind of text the window shows: labels (plain, rich, word-wrapped), buttons,
group-box titles, tabs, header sections, item-view cells, combo boxes and line edits. Each
returns :class:`TextRoom` entries measured with the widget's own font metrics and style, in
logical pixels, against the part of the widget that is on screen (``visible``: the widget's
rect clipped by its ancestors, in the widget's coordinates). The verdicts are made by
:mod:`tests.helpers.layout_audit`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument, QTextOption
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QStyleOptionGroupBox,
    QStyleOptionViewItem,
    QTabBar,
    QTreeView,
    QWidget,
)

#: Rows of an item view measured at most (the ones on screen come first).
MAX_ROWS = 60
BIG = 100_000


@dataclass(frozen=True)
class TextRoom:
    """One text, the room it needs and the room it is given (logical pixels).

    Attributes:
        what: Which text, for people: ``label``, ``button``, ``tab 2``, ``header "State"``…
        text: The text itself.
        needed: Width (or height, see ``axis``) the whole text needs.
        given: Width (or height) of the part the user can see.
        axis: ``"width"`` or ``"height"``.
        tooltip: The tooltip that goes with the text (full text of an elided one), if any.
    """

    what: str
    text: str
    needed: int
    given: int
    axis: str = "width"
    tooltip: str = ""

    @property
    def fits(self) -> bool:
        """Whether the whole text is shown."""
        return self.needed <= self.given


def plain(text: str) -> str:
    """``text`` as a button draws it: ``&`` mnemonics removed, ``&&`` kept as one ``&``."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _clip_width(rect: QRect, visible: QRect) -> int:
    return max(0, rect.intersected(visible).width())


def _clip_height(rect: QRect, visible: QRect) -> int:
    return max(0, rect.intersected(visible).height())


def label_rooms(label: QLabel, visible: QRect) -> Iterator[TextRoom]:
    """A label's text: its width (longest word when wrapped) and, when wrapped, its height."""
    text = label.text()
    if not text.strip() or not label.pixmap().isNull():
        return
    rect = label.rect()
    tip = label.toolTip()
    if not label.wordWrap():
        hint = label.sizeHint()
        yield TextRoom("label", text, hint.width(), _clip_width(rect, visible), tooltip=tip)
        yield TextRoom("label", text, hint.height(), _clip_height(rect, visible), "height", tip)
        return
    margins = label.contentsMargins()
    inner = label.width() - margins.left() - margins.right() - 2 * label.margin()
    inner -= max(0, label.indent())
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setDocumentMargin(0)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    document.setDefaultTextOption(option)
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text))
    if rich:
        document.setHtml(text)
    else:
        document.setPlainText(text)
    document.setTextWidth(max(1, inner))
    # A word longer than the line is not broken: the line overflows and is cut.
    widest = int(document.idealWidth() + 0.999)
    chrome = label.width() - inner
    yield TextRoom("wrapped label", text, widest + chrome, _clip_width(rect, visible), tooltip=tip)
    needed_height = label.heightForWidth(label.width())
    if needed_height > 0:
        yield TextRoom("wrapped label", text, needed_height, _clip_height(rect, visible),
                       "height", tip)


def button_rooms(button: QAbstractButton, visible: QRect) -> Iterator[TextRoom]:
    """A button's text (with its icon): push buttons against the style's contents rect."""
    text = plain(button.text())
    if not text.strip():
        return
    tip = button.toolTip()
    metrics = button.fontMetrics()
    if isinstance(button, QPushButton):
        option = QStyleOptionButton()
        button.initStyleOption(option)
        contents = button.style().subElementRect(
            QStyle.SubElement.SE_PushButtonContents, option, button)
        needed = metrics.horizontalAdvance(text)
        if not button.icon().isNull():
            needed += button.iconSize().width() + 4
        given = _clip_width(contents, visible)
        yield TextRoom("button", text, needed, given, tooltip=tip)
        yield TextRoom("button", text, metrics.height(), _clip_height(contents, visible),
                       "height", tip)
        return
    # Check boxes, radio buttons and tool buttons: their size hints are their content, tight.
    hint = button.sizeHint()
    rect = button.rect()
    yield TextRoom("button", text, hint.width(), _clip_width(rect, visible), tooltip=tip)
    yield TextRoom("button", text, metrics.height(), _clip_height(rect, visible), "height", tip)


def group_title_rooms(group: QGroupBox, visible: QRect) -> Iterator[TextRoom]:
    """A group box's title against the box's visible width."""
    title = plain(group.title())
    if not title.strip():
        return
    option = QStyleOptionGroupBox()
    group.initStyleOption(option)
    label = group.style().subControlRect(
        QStyle.ComplexControl.CC_GroupBox, option, QStyle.SubControl.SC_GroupBoxLabel, group)
    needed = group.fontMetrics().horizontalAdvance(title)
    yield TextRoom("group title", title, needed,
                   _clip_width(label.intersected(group.rect()), visible), tooltip=group.toolTip())


def tab_rooms(bar: QTabBar, visible: QRect) -> Iterator[TextRoom]:
    """Each tab of a horizontal tab bar: its full size against what is shown of it."""
    if bar.shape() not in (QTabBar.Shape.RoundedNorth, QTabBar.Shape.RoundedSouth,
                           QTabBar.Shape.TriangularNorth, QTabBar.Shape.TriangularSouth):
        return
    shown = visible.intersected(bar.rect())
    for index in range(bar.count()):
        if not bar.isTabVisible(index):
            continue
        text = plain(bar.tabText(index))
        needed = bar.tabSizeHint(index).width()
        yield TextRoom("tab", text, needed, _clip_width(bar.tabRect(index), shown),
                       tooltip=bar.tabToolTip(index))


def header_rooms(header: QHeaderView, visible: QRect) -> Iterator[TextRoom]:
    """Each section of a horizontal header: its contents' size against its shown span."""
    model = header.model()
    if model is None or header.orientation() != Qt.Orientation.Horizontal:
        return
    viewport = header.viewport()
    shown = QRect(viewport.mapTo(header, viewport.rect().topLeft()), viewport.size())
    shown = shown.intersected(visible)
    orientation = Qt.Orientation.Horizontal
    for logical in range(header.count()):
        if header.isSectionHidden(logical):
            continue
        text = str(model.headerData(logical, orientation, Qt.ItemDataRole.DisplayRole) or "")
        if not text.strip():
            continue
        tip = str(model.headerData(logical, orientation, Qt.ItemDataRole.ToolTipRole) or "")
        left = header.sectionViewportPosition(logical) + shown.left()
        span = QRect(left, 0, header.sectionSize(logical), header.height())
        needed = header.sectionSizeFromContents(logical).width()
        yield TextRoom("header", text, needed, _clip_width(span, shown), tooltip=tip)


def _view_option(view: QAbstractItemView) -> QStyleOptionViewItem:
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    return option


def _columns(view: QAbstractItemView) -> int:
    """How many columns ``view`` shows (Qt's list models keep ``columnCount`` private)."""
    header = view.header() if isinstance(view, QTreeView) else getattr(
        view, "horizontalHeader", lambda: None)()
    return header.count() if isinstance(header, QHeaderView) else 1


def _visible_rows(view: QAbstractItemView) -> Iterator[QModelIndex]:
    """The indexes of the cells on screen, row by row (at most :data:`MAX_ROWS` rows)."""
    model = view.model()
    viewport = view.viewport().rect()
    first = view.indexAt(viewport.topLeft())
    row = first.row() if first.isValid() else 0
    parent = first.parent() if first.isValid() else QModelIndex()
    for _ in range(MAX_ROWS):
        cell = model.index(row, 0, parent)
        if not cell.isValid() or view.visualRect(cell).top() > viewport.bottom():
            return
        for column in range(_columns(view)):
            yield model.index(row, column, parent)
        row += 1


def cell_rooms(view: QAbstractItemView, visible: QRect) -> Iterator[TextRoom]:
    """Each visible cell's text: what its delegate asks for against what is shown of the cell."""
    if isinstance(view, QHeaderView) or view.model() is None:
        return
    viewport = view.viewport()
    offset = viewport.mapTo(view, viewport.rect().topLeft())
    shown = viewport.rect().translated(offset).intersected(visible)
    horizontal_header = getattr(view, "horizontalHeader", None)
    header = horizontal_header() if callable(horizontal_header) else None
    for index in _visible_rows(view):
        if header is not None and header.isSectionHidden(index.column()):
            continue
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        if not text.strip():
            continue
        rect = view.visualRect(index).translated(offset)
        if rect.isEmpty() or rect.top() > shown.bottom() or rect.bottom() < shown.top():
            continue
        option = _view_option(view)
        option.rect = view.visualRect(index)
        delegate = view.itemDelegateForIndex(index)
        wrapping = bool(option.features & QStyleOptionViewItem.ViewItemFeature.WrapText)
        tip = str(index.data(Qt.ItemDataRole.ToolTipRole) or "")
        what = f"cell {index.row()},{index.column()}"
        if wrapping:
            option.rect = QRect(0, 0, 1, BIG)
            needed = delegate.sizeHint(option, index)  # one word a line: the longest word
            yield TextRoom(what, text, needed.width(), _clip_width(rect, shown), tooltip=tip)
            # Wrapped cells need the height of their lines at the column's width.
            option.rect = QRect(0, 0, rect.width(), BIG)
            needed = delegate.sizeHint(option, index)
            yield TextRoom(what, text, needed.height(), _clip_height(rect, visible), "height", tip)
        else:
            needed = delegate.sizeHint(option, index)
            yield TextRoom(what, text, needed.width(), _clip_width(rect, shown), tooltip=tip)


def combo_rooms(combo: QComboBox, visible: QRect) -> Iterator[TextRoom]:
    """The current text of a combo box against its text field."""
    text = combo.currentText()
    if not text.strip():
        return
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo)
    needed = combo.fontMetrics().horizontalAdvance(text)
    if combo.isEditable() and combo.lineEdit() is not None:
        edit = combo.lineEdit()
        assert edit is not None
        field = _line_edit_text_rect(edit).translated(edit.mapTo(combo, edit.rect().topLeft()))
    elif not combo.itemIcon(combo.currentIndex()).isNull():
        needed += combo.iconSize().width() + 4
    tip = combo.toolTip() or str(combo.currentData(Qt.ItemDataRole.ToolTipRole) or "")
    yield TextRoom("current text", text, needed, _clip_width(field, visible), tooltip=tip)


def _line_edit_text_rect(edit: QLineEdit) -> QRect:
    """Where a line edit draws its text (its style's contents, less text and side margins)."""
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    rect = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    rect = rect.marginsRemoved(edit.textMargins())
    # QLineEdit keeps two pixels free on each side of the text.
    return rect.adjusted(2, 0, -2, 0)


def line_edit_rooms(edit: QLineEdit, visible: QRect) -> Iterator[TextRoom]:
    """A line edit's placeholder (while empty), or its text when it is read-only."""
    if isinstance(edit.parentWidget(), QComboBox):
        return  # measured as the combo box's current text
    if edit.text():
        if not edit.isReadOnly():
            return  # what the user types may be longer than the box: it scrolls
        text, what = edit.text(), "read-only text"
    else:
        text, what = edit.placeholderText(), "placeholder"
    if not text.strip():
        return
    field = _line_edit_text_rect(edit)
    needed = edit.fontMetrics().horizontalAdvance(text)
    yield TextRoom(what, text, needed, _clip_width(field, visible), tooltip=edit.toolTip())


Measure = Callable[[QWidget, QRect], Iterator[TextRoom]]

#: The measurer of each kind of widget, most specific first.
MEASURES: tuple[tuple[type[QWidget], Measure], ...] = (
    (QLabel, label_rooms),  # type: ignore[arg-type]
    (QAbstractButton, button_rooms),  # type: ignore[arg-type]
    (QGroupBox, group_title_rooms),  # type: ignore[arg-type]
    (QTabBar, tab_rooms),  # type: ignore[arg-type]
    (QHeaderView, header_rooms),  # type: ignore[arg-type]
    (QAbstractItemView, cell_rooms),  # type: ignore[arg-type]
    (QComboBox, combo_rooms),  # type: ignore[arg-type]
    (QLineEdit, line_edit_rooms),  # type: ignore[arg-type]
)


def text_rooms(widget: QWidget, visible: QRect) -> list[TextRoom]:
    """Every text ``widget`` shows, measured; ``visible`` is its shown part in its coordinates."""
    for kind, measure in MEASURES:
        if isinstance(widget, kind):
            return list(measure(widget, visible))
    return []


def text_width(widget: QWidget, text: str) -> int:
    """Width of ``text`` in ``widget``'s font (for messages and tests)."""
    return QFontMetrics(widget.font()).horizontalAdvance(text)

