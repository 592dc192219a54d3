"""Base class of the result viewers and the ``{view kind: widget class}`` registry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, TypeVar

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ogpu_desktop.domain.result_views import ResultView, ViewKind


class ResultWidget(QWidget):
    """Shows one result view. Subclasses fill :attr:`layout_` in :meth:`build`.

    Args:
        view: The view model to show.
        inputs: The task inputs (texts), used by viewers that show input → result.
        parent: Parent widget.
    """

    kind: ClassVar[ViewKind]

    def __init__(
        self, view: ResultView, inputs: Sequence[str] = (), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        if view.kind is not self.kind:
            raise TypeError(f"{type(self).__name__} shows {self.kind} views, not {view.kind}")
        self.view = view
        self.inputs = tuple(inputs)
        self.setObjectName(f"result_{view.kind.value}")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.build()
        self.layout_.addStretch(1)

    def build(self) -> None:
        """Add the widgets that show :attr:`view`."""
        raise NotImplementedError


RESULT_WIDGETS: dict[ViewKind, type[ResultWidget]] = {}
"""Which widget class shows which view kind; filled by :func:`register_result_widget`."""

W = TypeVar("W", bound=type[ResultWidget])


def register_result_widget(kind: ViewKind) -> Callable[[W], W]:
    """Class decorator: make the class the viewer of ``kind`` views."""

    def register(cls: W) -> W:
        cls.kind = kind
        RESULT_WIDGETS[kind] = cls
        return cls

    return register


def create_result_widget(
    view: ResultView, inputs: Sequence[str] = (), parent: QWidget | None = None
) -> ResultWidget:
    """Return the registered viewer of ``view``.

    Raises:
        KeyError: No viewer is registered for the view's kind (import ``result_panel`` first).
    """
    return RESULT_WIDGETS[view.kind](view, inputs, parent)
