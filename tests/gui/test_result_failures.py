"""A provider's failure, scores that are no plain number, and a download that failed, on screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from ogpu_desktop.domain.result_views import ViewKind
from ogpu_desktop.domain.results import normalise
from ogpu_desktop.ui.results.other_widgets import ERROR_ADVICE, ErrorResultWidget
from ogpu_desktop.ui.results.result_panel import MARKED_SCORES_NOTE, ResultPanel
from ogpu_desktop.ui.results.result_widget import ResultWidget


def _panel(qtbot: QtBot) -> ResultPanel:
    panel = ResultPanel()
    qtbot.addWidget(panel)
    return panel


def _label(widget: QWidget, name: str) -> QLabel:
    found = widget.findChild(QLabel, name)
    assert found is not None, name
    return found


@pytest.mark.parametrize(
    ("payload", "task", "message"),
    [
        ('{"result": null}', "text-classification", ""),
        ({"result": {"error": "CUDA out of memory"}}, "text-classification", "CUDA out of memory"),
        ({"error": "<script>alert(1)</script> failed"}, None,
         "<script>alert(1)</script> failed"),
        ("", "summarization", ""),
    ],
)
def test_a_providers_failure_says_what_happened_and_what_to_do(
    qtbot: QtBot, payload: object, task: str | None, message: str
) -> None:
    panel = _panel(qtbot)
    panel.show_result(normalise(payload, task))
    widget = panel.rendered.widget()
    assert isinstance(widget, ErrorResultWidget)
    assert widget.objectName() == "result_error"
    shown = _label(widget, "errorResultMessage")
    assert shown.textFormat() == Qt.TextFormat.PlainText
    assert shown.text() == message
    assert shown.isHidden() is (message == "")
    assert _label(widget, "errorResultTitle").text()
    advice = _label(widget, "errorResultAdvice").text()
    assert advice == ERROR_ADVICE
    for step in ("Wait", "Publish again", "Cancel"):
        assert step in advice
    assert all(label.textFormat() == Qt.TextFormat.PlainText
               for label in widget.findChildren(QLabel))
    # The raw JSON stays one toggle away.
    panel.raw_toggle.setChecked(True)
    assert panel.view is not None
    assert panel.raw_box.toPlainText() == panel.view.raw_json


def test_scores_that_are_no_plain_number_are_shown_marked(qtbot: QtBot) -> None:
    panel = _panel(qtbot)
    text = '[{"label": "cat", "score": NaN}, {"label": "dog", "score": "0.9"}]'
    panel.show_result(normalise(text, "image-classification"))
    widget = panel.rendered.widget()
    assert isinstance(widget, ResultWidget)
    assert widget.view.kind is ViewKind.LABEL_SCORES
    assert _label(widget, "scoreLabel0").text() == "dog"
    assert _label(widget, "scoreValue0").text() == "0.900 (sent as text)"
    assert _label(widget, "scoreLabel1").text() == "cat"
    assert _label(widget, "scoreValue1").text() == "NaN (not a finite number)"
    assert "not a finite number" in _label(widget, "scoreValue1").toolTip()
    assert widget.findChild(QProgressBar, "scoreBar0") is not None
    assert widget.findChild(QProgressBar, "scoreBar1") is None  # no number, no bar
    assert MARKED_SCORES_NOTE in panel.notes.text()


def test_a_failed_download_says_so_and_offers_to_try_again(qtbot: QtBot) -> None:
    panel = _panel(qtbot)
    retries: list[bool] = []
    panel.retry_requested.connect(lambda: retries.append(True))
    panel.show_read_failed("The download of this result timed out. Try again.", can_retry=True)
    widget = panel.rendered.widget()
    assert _label(widget, "resultFetchFailed").text().startswith("The download of this result")
    assert widget.findChild(QLabel, "noAnswerYet") is None
    retry = widget.findChild(QPushButton, "resultRetryButton")
    assert retry is not None
    qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    assert retries == [True]
    assert not panel.copy_button.isEnabled()

    panel.show_read_failed("The result was not downloaded. It points to this computer.",
                           can_retry=False)
    assert panel.rendered.widget().findChild(QPushButton, "resultRetryButton") is None
