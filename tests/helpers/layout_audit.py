"""Layout audit of a shown window: cut texts, sideways scrolling, overlaps, widgets out of view.

Point :func:`audit` at any shown top-level widget (the main window, a dialog) on the offscreen
platform or a real X display. It walks every visible widget of that window and returns one
:class:`Finding` per defect, with the widget's object-name path and the numbers:

- ``text``: a text that does not fit what the user can see of its widget — labels (word-wrapped
  ones must fit their height, and their longest word their width), buttons, group-box titles,
  tabs, header sections, item-view cells, a combo box's current text, a placeholder, read-only
  text. A text cut on purpose passes only when its tooltip carries the whole text.
- ``side_scroll``: a visible horizontal scroll bar inside a result viewer (``resultPanel``) or
  inside a widget named in ``no_side_scroll`` (the scroll area itself or any of its ancestors).
- ``overlap``: two visible sibling widgets that cover each other. Siblings are enough: every
  widget is clipped to its ancestors, so two widgets of different branches can only cover each
  other where the branches do. Intended stacking is not looked at (a QStackedWidget shows one
  page; a scroll area's content lives in its viewport).
- ``outside``: a widget that reaches past its parent's rect (and is cut there), except a scroll
  area's content, which is meant to be larger than its viewport.
- ``window``: the window is larger than the screen's available area.

"What the user can see" of a widget is its rect clipped by every ancestor, except that a scroll
area's viewport clips only sideways: a field below the fold of a vertically scrolling form is not
a defect, a score to the right of a viewer's edge is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import shiboken6
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QWidget,
)

from tests.helpers.text_fit import TextRoom, text_rooms

#: Object names whose scroll areas (themselves and every one inside) never scroll sideways.
RESULT_VIEWERS = ("resultPanel",)
#: Overlaps smaller than this in either direction are frames meeting, not widgets covering.
OVERLAP_SLACK_PX = 2
ELLIPSIS = "\N{HORIZONTAL ELLIPSIS}"
DIRECT_CHILDREN = Qt.FindChildOption.FindDirectChildrenOnly


@dataclass(frozen=True)
class Finding:
    """One layout defect.

    Attributes:
        check: ``text``, ``side_scroll``, ``overlap``, ``outside`` or ``window``.
        path: Object names from the window down to the widget (unnamed widgets by class and,
            for labels and buttons, their text).
        what: Which part: ``label``, ``header 'State'``, ``horizontal scroll bar``…
        needed: Pixels the content needs (width unless ``axis`` says height).
        given: Pixels it gets.
        axis: ``width`` or ``height``.
        text: The text concerned (shortened), if any.
        other: The other widget of an overlap.
    """

    check: str
    path: str
    what: str
    needed: int
    given: int
    axis: str = "width"
    text: str = ""
    other: str = ""

    def describe(self) -> str:
        """One line for people."""
        subject = f"{self.path} {self.what}"
        if self.text:
            subject += f" {self.text!r}"
        if self.check == "overlap":
            return f"{subject} covers {self.other} ({self.needed}x{self.given} px)"
        if self.check == "side_scroll":
            return f"{subject}: content {self.needed} px in a {self.given} px viewport"
        if self.check == "outside":
            return f"{subject}: {self.needed} px of it past its parent's {self.axis}"
        return f"{subject} gets {self.given} of {self.needed} px ({self.axis})"

    @property
    def key(self) -> tuple[str, ...]:
        """What identifies the defect from run to run: not its numbers, nor a text that holds
        an address, a fee or a time (only the app's own words of tabs and headers count)."""
        named = self.text if self.what in ("tab", "header") else ""
        return (self.check, self.path, self.what, self.axis, named)

    def as_dict(self) -> dict[str, object]:
        """The finding as JSON-friendly data."""
        return asdict(self)


def shorten(text: str, limit: int = 48) -> str:
    """``text`` on one line, at most ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + ELLIPSIS


def name_of(widget: QWidget) -> str:
    """The widget's object name, else its class (with its text for labels and buttons)."""
    if widget.objectName():
        return widget.objectName()
    kind = type(widget).__name__
    text = getattr(widget, "text", None)
    if isinstance(widget, QLabel) or (callable(text) and not isinstance(widget, QStackedWidget)):
        try:
            shown = text() if callable(text) else ""
        except TypeError:
            shown = ""
        if isinstance(shown, str) and shown.strip():
            return f"{kind}({shorten(shown, 24)!r})"
    return kind


def path_of(widget: QWidget, top: QWidget) -> str:
    """The named ancestors of ``widget`` up to ``top``, joined by ``/``, then the widget."""
    names: list[str] = []
    current = widget.parentWidget()
    while current is not None and current is not top.parentWidget():
        if current.objectName() and not current.objectName().startswith("qt_"):
            names.append(current.objectName())
        if current is top:
            break
        current = current.parentWidget()
    return "/".join([*reversed(names), name_of(widget)])


def rect_in(widget: QWidget, top: QWidget) -> QRect:
    """``widget``'s rect in ``top``'s coordinates."""
    return QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())


def is_scroll_viewport(widget: QWidget) -> bool:
    """Whether ``widget`` is the viewport of a scroll area (its content scrolls inside it)."""
    area = widget.parentWidget()
    return isinstance(area, QAbstractScrollArea) and area.viewport() is widget


def visible_rect(widget: QWidget, top: QWidget) -> QRect:
    """What the user can see of ``widget``, in ``top``'s coordinates (see the module doc)."""
    shown = rect_in(widget, top)
    current = widget
    scrolls_down = False  # inside a scroll area, whatever is below the fold is reachable
    while current is not top:
        parent = current.parentWidget()
        if parent is None:
            break
        bounds = rect_in(parent, top)
        scrolls_down = scrolls_down or is_scroll_viewport(parent)
        if scrolls_down:
            bounds = QRect(bounds.left(), shown.top(), bounds.width(), shown.height())
        shown = shown.intersected(bounds)
        current = parent
    return shown


def shown_widgets(top: QWidget) -> list[QWidget]:
    """The visible widgets of ``top``'s window (not other windows, such as its dialogs)."""
    found = [top]
    for widget in top.findChildren(QWidget):
        if shiboken6.isValid(widget) and widget.isVisible() and widget.window() is top:
            found.append(widget)
    return found


def _elided_on_purpose(room: TextRoom) -> bool:
    """A cut text passes when its tooltip holds the whole text."""
    whole = room.text.replace(ELLIPSIS, "").strip()
    return bool(room.tooltip) and whole in room.tooltip


def text_findings(widget: QWidget, top: QWidget) -> list[Finding]:
    """The texts of ``widget`` that do not fit what is seen of it."""
    shown = visible_rect(widget, top).translated(-widget.mapTo(top, QPoint(0, 0)))
    findings = []
    seen: set[tuple[str, str]] = set()
    for room in text_rooms(widget, shown):
        if room.fits or _elided_on_purpose(room) or (room.what, room.text) in seen:
            continue
        seen.add((room.what, room.text))  # a text cut in width is not counted again in height
        findings.append(Finding("text", path_of(widget, top), room.what, room.needed,
                                room.given, room.axis, shorten(room.text)))
    return findings


def side_scroll_findings(
    widgets: Sequence[QWidget], top: QWidget, no_side_scroll: Iterable[str]
) -> list[Finding]:
    """Visible horizontal scroll bars in result viewers and in or under the listed widgets."""
    listed = set(no_side_scroll)
    findings = []
    for widget in widgets:
        if not isinstance(widget, QAbstractScrollArea):
            continue
        bar = widget.horizontalScrollBar()
        if not bar.isVisible():
            continue
        names = {widget.objectName()}
        ancestor = widget.parentWidget()
        while ancestor is not None:
            names.add(ancestor.objectName())
            ancestor = ancestor.parentWidget()
        if not names & (set(RESULT_VIEWERS) | listed):
            continue
        viewport = widget.viewport().width()
        content = bar.maximum() - bar.minimum() + viewport
        if isinstance(widget, QScrollArea) and widget.widget() is not None:
            inner = widget.widget()
            assert inner is not None
            content = inner.width()
        findings.append(Finding("side_scroll", path_of(widget, top), "horizontal scroll bar",
                                content, viewport))
    return findings


def _stacks_on_purpose(parent: QWidget) -> bool:
    return isinstance(parent, QStackedWidget) or is_scroll_viewport(parent)


def overlap_findings(widgets: Sequence[QWidget], top: QWidget) -> list[Finding]:
    """Visible sibling widgets that cover each other (within their parent's rect)."""
    findings = []
    for parent in widgets:
        if _stacks_on_purpose(parent):
            continue
        inside = parent.rect()
        children = [
            (child, child.geometry().intersected(inside))
            for child in parent.findChildren(QWidget, options=DIRECT_CHILDREN)
            if child.isVisible() and not child.isWindow()
        ]
        children = [(child, rect) for child, rect in children if not rect.isEmpty()]
        for position, (first, first_rect) in enumerate(children):
            for second, second_rect in children[position + 1:]:
                common = first_rect.intersected(second_rect)
                if common.width() <= OVERLAP_SLACK_PX or common.height() <= OVERLAP_SLACK_PX:
                    continue
                findings.append(Finding("overlap", path_of(first, top), "widget",
                                        common.width(), common.height(),
                                        other=path_of(second, top)))
    return findings


def outside_findings(widgets: Sequence[QWidget], top: QWidget) -> list[Finding]:
    """Widgets that reach past their parent's rect (scroll areas' contents excepted)."""
    findings = []
    for widget in widgets:
        parent = widget.parentWidget()
        if widget is top or parent is None or widget.isWindow() or is_scroll_viewport(parent):
            continue
        if widget.width() <= 0 or widget.height() <= 0:
            continue
        geometry, bounds = widget.geometry(), parent.rect()
        past_x = max(0, bounds.left() - geometry.left()) + max(0, geometry.right() - bounds.right())
        past_y = max(0, bounds.top() - geometry.top()) + max(0, geometry.bottom() - bounds.bottom())
        for amount, axis in ((past_x, "width"), (past_y, "height")):
            if amount > 0:
                findings.append(Finding("outside", path_of(widget, top), "widget", amount,
                                        bounds.width() if axis == "width" else bounds.height(),
                                        axis))
    return findings


def window_findings(top: QWidget) -> list[Finding]:
    """The window is larger than its screen's available area."""
    screen = top.screen()
    if screen is None:
        return []
    room = screen.availableGeometry()
    findings = []
    frame = top.frameGeometry()
    for needed, given, axis in ((frame.width(), room.width(), "width"),
                                (frame.height(), room.height(), "height")):
        if needed > given:
            findings.append(Finding("window", name_of(top), "window", needed, given, axis))
    return findings


def audit(top: QWidget, *, no_side_scroll: Iterable[str] = ()) -> list[Finding]:
    """Every layout defect of the shown window ``top`` (see the module doc)."""
    widgets = shown_widgets(top)
    findings = window_findings(top)
    for widget in widgets:
        findings.extend(text_findings(widget, top))
    findings.extend(side_scroll_findings(widgets, top, no_side_scroll))
    findings.extend(overlap_findings(widgets, top))
    findings.extend(outside_findings(widgets, top))
    return findings


def as_json_line(finding: Finding, **context: object) -> str:
    """One JSON line for ``finding`` with ``context`` (page, size, scale…) first."""
    return json.dumps({**context, **finding.as_dict()}, ensure_ascii=False)
