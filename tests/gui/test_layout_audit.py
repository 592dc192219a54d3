"""The layout audit itself: each check finds its defect on small real widgets, and only then."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.helpers.layout_audit import Finding, audit, visible_rect
from tests.helpers.text_fit import text_width

LONG = "A sentence much longer than the narrow box it was put in by a hurried layout"


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    """An empty shown top-level widget of 400 by 300 px."""
    top = QWidget()
    top.setObjectName("top")
    top.resize(400, 300)
    qtbot.addWidget(top)
    top.show()
    qtbot.waitExposed(top)
    return top


def placed(parent: QWidget, widget: QWidget, x: int, y: int, w: int, h: int) -> QWidget:
    """``widget`` as a child of ``parent`` at a fixed place, shown."""
    widget.setParent(parent)
    widget.setGeometry(x, y, w, h)
    widget.show()
    return widget


def checks(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.check, f.path) for f in findings]


def test_a_label_that_fits_passes_and_a_cut_one_is_measured(window: QWidget) -> None:
    short = QLabel("Fits")
    short.setObjectName("short")
    placed(window, short, 0, 0, 100, 30)
    assert audit(window) == []

    cut = QLabel(LONG)
    cut.setObjectName("cut")
    placed(window, cut, 0, 40, 120, 30)
    (finding,) = audit(window)
    assert (finding.check, finding.path, finding.axis) == ("text", "top/cut", "width")
    assert finding.given == 120
    assert finding.needed >= text_width(cut, LONG)


def test_a_cut_text_passes_only_with_the_whole_text_in_its_tooltip(window: QWidget) -> None:
    button = QPushButton("Export everything as CSV…")
    button.setObjectName("export")
    placed(window, button, 0, 0, 40, 30)
    assert checks(audit(window)) == [("text", "top/export")]
    button.setToolTip("Export everything as CSV…")
    assert audit(window) == []


def test_a_wrapped_label_must_fit_its_height_and_its_longest_word(window: QWidget) -> None:
    label = QLabel(LONG)
    label.setObjectName("wrapped")
    label.setWordWrap(True)
    placed(window, label, 0, 0, 200, 200)
    assert audit(window) == []
    label.setFixedHeight(label.fontMetrics().height())
    (finding,) = audit(window)
    assert (finding.check, finding.axis) == ("text", "height")
    assert finding.needed > finding.given
    label.setFixedHeight(200)
    label.setText("0x" + "ab" * 40)  # an address: one word longer than the line
    (finding,) = audit(window)
    assert (finding.check, finding.axis) == ("text", "width")


def test_overlapping_siblings_and_widgets_past_their_parent(window: QWidget) -> None:
    first = placed(window, QWidget(), 0, 0, 100, 100)
    first.setObjectName("first")
    second = placed(window, QWidget(), 50, 50, 100, 100)
    second.setObjectName("second")
    inner = placed(first, QWidget(), 60, 10, 80, 20)
    inner.setObjectName("inner")
    found = audit(window)
    overlap = [f for f in found if f.check == "overlap"]
    assert [(f.path, f.other, f.needed, f.given) for f in overlap] == [
        ("top/first", "top/second", 50, 50)]
    outside = [f for f in found if f.check == "outside"]
    assert [(f.path, f.needed, f.axis) for f in outside] == [("top/first/inner", 40, "width")]


def test_side_scrolling_counts_in_result_viewers_and_listed_areas(window: QWidget) -> None:
    panel = placed(window, QWidget(), 0, 0, 300, 200)
    panel.setObjectName("resultPanel")
    area = QScrollArea()
    area.setObjectName("scoresScroll")
    content = QWidget()
    content.setMinimumWidth(900)
    area.setWidget(content)
    area.setWidgetResizable(True)
    placed(panel, area, 0, 0, 300, 200)
    found = [f for f in audit(window) if f.check == "side_scroll"]
    assert [(f.path, f.needed) for f in found] == [("top/resultPanel/scoresScroll", 900)]
    assert found[0].given == area.viewport().width()

    panel.setObjectName("elsewhere")
    assert [f for f in audit(window) if f.check == "side_scroll"] == []
    listed = audit(window, no_side_scroll=["scoresScroll"])
    assert [f.path for f in listed if f.check == "side_scroll"] == ["top/elsewhere/scoresScroll"]


def test_a_label_scrolled_out_sideways_is_cut_but_one_below_the_fold_is_not(
    window: QWidget,
) -> None:
    area = placed(window, QScrollArea(), 0, 0, 200, 100)
    assert isinstance(area, QScrollArea)
    content = QWidget()
    content.resize(600, 600)
    right = QLabel("Score", content)
    right.setObjectName("right")
    right.setGeometry(400, 0, 80, 20)
    below = QLabel("Below", content)
    below.setObjectName("below")
    below.setGeometry(0, 500, 80, 20)
    area.setWidget(content)
    assert visible_rect(below, window).height() == 20
    cut = [f for f in audit(window) if f.check == "text"]
    assert [(f.path, f.given) for f in cut] == [("top/right", 0)]


def test_tabs_header_sections_cells_and_combo_texts(window: QWidget) -> None:
    layout = QVBoxLayout(window)
    tabs = QTabWidget()
    tabs.setObjectName("tabs")
    tabs.setElideMode(Qt.TextElideMode.ElideRight)
    for title in ("Result of the task", "Timeline of events", "Configuration sent"):
        tabs.addTab(QWidget(), title)
    model = QStandardItemModel(1, 4)
    model.setHorizontalHeaderLabels(["Status", "Type", "Responses", "Payment"])
    for column in range(4):
        model.setItem(0, column, QStandardItem(LONG if column == 1 else "1"))
    table = QTableView()
    table.setObjectName("table")
    table.setWordWrap(False)
    table.setModel(model)
    combo = QComboBox()
    combo.setObjectName("combo")
    combo.addItem(LONG)
    edit = QLineEdit()
    edit.setObjectName("edit")
    edit.setPlaceholderText(LONG)
    row = QHBoxLayout()
    for widget in (combo, edit):
        widget.setMaximumWidth(120)
        row.addWidget(widget)
    layout.addWidget(tabs)
    layout.addWidget(table)
    layout.addLayout(row)
    window.resize(220, 300)
    QApplication.processEvents()
    found = {(f.path, f.what, f.text) for f in audit(window) if f.check == "text"}
    assert ("top/tabs/qt_tabwidget_tabbar", "tab", "Timeline of events") in found, found
    assert ("top/table/QHeaderView", "header", "Payment") in found, found
    assert any(what == "cell 0,1" for _, what, _ in found), found
    assert any(what == "current text" for path, what, _ in found if path == "top/combo"), found
    assert any(what == "placeholder" for path, what, _ in found if path == "top/edit"), found
    window.resize(1200, 300)
    table.resizeColumnsToContents()
    tabs.setMinimumWidth(600)
    combo.setMaximumWidth(2000)
    edit.setMaximumWidth(2000)
    combo.setMinimumWidth(text_width(combo, LONG) + 60)
    edit.setMinimumWidth(text_width(edit, LONG) + 20)
    window.resize(2 * text_width(combo, LONG) + 200, 400)
    QApplication.processEvents()
    assert [f.describe() for f in audit(window) if f.check == "text"] == []
