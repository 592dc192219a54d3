"""Result viewers: each view kind, shown as plain text, with JSON toggle, copy and export."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from ogpu_desktop.domain.result_views import (
    Answer,
    AnswersView,
    BatchView,
    ChatMessage,
    EmptyView,
    ErrorView,
    FailureCause,
    GeneratedText,
    GeneratedTextsView,
    LabelScore,
    LabelScoresView,
    PlainTextView,
    RawJsonView,
    ResultView,
    TextsView,
    ViewKind,
)
from ogpu_desktop.ui.results.other_widgets import (
    EMPTY_RESULT_TEXT,
    NO_ANSWER_BEFORE_EXPIRY_TEXT,
    NO_ANSWER_YET_TEXT,
)
from ogpu_desktop.ui.results.result_panel import (
    MARKUP_NOTE,
    RESULT_WIDGETS,
    ResultPanel,
    create_result_widget,
)

LABELS = LabelScoresView(
    raw_json='{"output": [...]}',
    items=(
        LabelScore(label="POSITIVE", score=0.99984),
        LabelScore(label="NEGATIVE", score=0.00016),
    ),
    total=2,
)
ANSWERS = AnswersView(
    raw_json="[]",
    items=(
        Answer(answer="hat", score=0.9512),
        Answer(answer="cap", score=0.03),
        Answer(answer="x"),
    ),
    total=3,
)
GENERATED = GeneratedTextsView(
    raw_json="[]",
    items=(
        GeneratedText(text="Once upon a time, a knight."),
        GeneratedText(text="Once upon a dragon."),
    ),
    total=2,
)
CHAT = GeneratedTextsView(
    raw_json="[]",
    items=(
        GeneratedText(
            text="Hello there!",
            conversation=(
                ChatMessage(role="user", content="Hi"),
                ChatMessage(role="assistant", content="Hello there!"),
            ),
        ),
    ),
    total=1,
)
TRANSLATION = TextsView(
    kind=ViewKind.TRANSLATION, raw_json="[]", texts=("Bonjour, comment allez-vous ?",), total=1
)
SUMMARY = TextsView(kind=ViewKind.SUMMARY, raw_json="[]", texts=("A short summary.",), total=1)
PLAIN = PlainTextView(raw_json='"<b>bold</b>"', text="<b>bold</b>", has_markup=True)
EMPTY = EmptyView(raw_json="null")
ERROR = ErrorView(raw_json='{"error": "CUDA out of memory"}', cause=FailureCause.PROVIDER_ERROR,
                  message="CUDA out of memory")
RAW = RawJsonView(raw_json='{\n  "boxes": [1, 2]\n}')
BATCH = BatchView(
    raw_json="[[...], [...]]",
    items=(
        LabelScoresView(raw_json="[]", items=(LabelScore(label="POSITIVE", score=0.9),), total=1),
        LabelScoresView(raw_json="[]", items=(LabelScore(label="NEGATIVE", score=0.8),), total=1),
    ),
    total=2,
)
EVERY_VIEW: list[ResultView] = [
    LABELS,
    ANSWERS,
    GENERATED,
    CHAT,
    TRANSLATION,
    SUMMARY,
    PLAIN,
    ERROR,
    EMPTY,
    RAW,
    BATCH,
]


def _texts(widget: QWidget) -> list[str]:
    labels = [label.text() for label in widget.findChildren(QLabel)]
    boxes = [box.toPlainText() for box in widget.findChildren(QPlainTextEdit)]
    return labels + boxes


def test_every_view_kind_has_a_registered_viewer() -> None:
    assert set(RESULT_WIDGETS) == set(ViewKind)


@pytest.mark.parametrize("view", EVERY_VIEW, ids=lambda v: v.kind.value)
def test_every_label_is_plain_text(qtbot: QtBot, view: ResultView) -> None:
    widget = create_result_widget(view, ("first input", "second input"))
    qtbot.addWidget(widget)
    labels = widget.findChildren(QLabel)
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)


def test_label_scores_show_bars_in_order_as_percentages_with_the_raw_score_as_tip(
    qtbot: QtBot,
) -> None:
    widget = create_result_widget(LABELS)
    qtbot.addWidget(widget)
    assert widget.findChild(QLabel, "scoreLabel0").text() == "POSITIVE"
    first = widget.findChild(QLabel, "scoreValue0")
    assert first.text() == "99.9%"  # 0.99984: never "100%" unless it is
    assert first.toolTip() == "Score as received: 0.99984"
    second = widget.findChild(QLabel, "scoreValue1")
    assert second.text() == "0.0%"
    assert second.toolTip() == "Score as received: 0.00016"
    bar = widget.findChild(QProgressBar, "scoreBar0")
    assert bar.value() == 1000
    assert bar.toolTip() == "Score as received: 0.99984"
    assert bar.accessibleName() == "POSITIVE: 99.9%"
    assert widget.findChild(QProgressBar, "scoreBar1").value() == 0


def test_scores_outside_zero_to_one_are_numbers_not_percentages(qtbot: QtBot) -> None:
    logits = LabelScoresView(raw_json="[]", total=2, items=(
        LabelScore(label="POSITIVE", score=3.21), LabelScore(label="NEGATIVE", score=-1.5)))
    widget = create_result_widget(logits)
    qtbot.addWidget(widget)
    assert widget.findChild(QLabel, "scoreValue0").text() == "3.210"
    assert widget.findChild(QLabel, "scoreValue1").text() == "-1.500"
    assert widget.findChild(QLabel, "scoreValue1").toolTip() == "Score as received: -1.5"


def test_answers_without_score_have_no_bar(qtbot: QtBot) -> None:
    widget = create_result_widget(ANSWERS)
    qtbot.addWidget(widget)
    assert widget.findChild(QLabel, "scoreValue0").text() == "95.1%"
    assert widget.findChild(QProgressBar, "scoreBar0").value() == 951
    assert widget.findChild(QLabel, "scoreLabel2").text() == "x"
    assert widget.findChild(QProgressBar, "scoreBar2") is None


def test_generated_texts_are_numbered_cards(qtbot: QtBot) -> None:
    widget = create_result_widget(GENERATED)
    qtbot.addWidget(widget)
    texts = _texts(widget)
    assert "Answer 1 of 2" in texts
    assert widget.findChild(QPlainTextEdit, "resultText1").toPlainText() == "Once upon a dragon."
    assert widget.findChild(QPlainTextEdit, "resultText0").isReadOnly()


def test_chat_output_shows_the_conversation(qtbot: QtBot) -> None:
    widget = create_result_widget(CHAT)
    qtbot.addWidget(widget)
    assert widget.findChild(QPlainTextEdit, "resultText0").toPlainText() == "Hello there!"
    assert "user: Hi\nassistant: Hello there!" in _texts(widget)


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (TRANSLATION, "Bonjour, comment allez-vous ?"),
        (SUMMARY, "A short summary."),
        (PLAIN, "<b>bold</b>"),
    ],
)
def test_text_results_show_the_text_literally(
    qtbot: QtBot, view: ResultView, expected: str
) -> None:
    widget = create_result_widget(view)
    qtbot.addWidget(widget)
    assert widget.findChild(QPlainTextEdit, "resultText0").toPlainText() == expected


def test_batch_shows_each_input_with_its_result(qtbot: QtBot) -> None:
    widget = create_result_widget(BATCH, ("great film", "awful film"))
    qtbot.addWidget(widget)
    assert widget.findChild(QLabel, "batchInput0").text() == "→ great film"
    assert widget.findChild(QLabel, "batchInput1").text() == "→ awful film"
    second = widget.findChild(QGroupBox, "batchItem1")
    assert second is not None
    labels = [label.text() for label in second.findChildren(QLabel)]
    assert "NEGATIVE" in labels
    assert "80.0%" in labels


def test_empty_and_raw_views(qtbot: QtBot) -> None:
    empty = create_result_widget(EMPTY)
    raw = create_result_widget(RAW)
    qtbot.addWidget(empty)
    qtbot.addWidget(raw)
    assert EMPTY_RESULT_TEXT in _texts(empty)
    assert raw.findChild(QPlainTextEdit, "rawJsonResult").toPlainText() == RAW.raw_json


def test_panel_states_without_an_answer(qtbot: QtBot) -> None:
    panel = ResultPanel()
    qtbot.addWidget(panel)
    assert NO_ANSWER_YET_TEXT in _texts(panel)
    assert not panel.copy_button.isEnabled()
    panel.show_expired()
    assert NO_ANSWER_BEFORE_EXPIRY_TEXT in _texts(panel)
    assert not panel.export_csv_button.isEnabled()


def test_panel_json_toggle_and_markup_note(qtbot: QtBot) -> None:
    panel = ResultPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_result(PLAIN)
    assert panel.notes.text() == MARKUP_NOTE
    assert panel.stack.currentWidget() is panel.rendered
    panel.raw_toggle.setChecked(True)
    assert panel.stack.currentWidget() is panel.raw_box
    assert panel.raw_box.toPlainText() == PLAIN.raw_json


def test_panel_copy_gives_text_or_json(qtbot: QtBot) -> None:
    panel = ResultPanel()
    qtbot.addWidget(panel)
    panel.show_result(LABELS, json_text='{"result": "full"}')
    panel.copy_button.click()
    assert QApplication.clipboard().text() == "POSITIVE\t1.000\nNEGATIVE\t0.000"
    panel.raw_toggle.setChecked(True)
    panel.copy_button.click()
    assert QApplication.clipboard().text() == '{"result": "full"}'


def test_panel_exports_json_and_csv(qtbot: QtBot, tmp_path: Path) -> None:
    panel = ResultPanel()
    qtbot.addWidget(panel)
    panel.show_result(BATCH, ("great film", "awful film"), json_text='{"result": [1, 2]}')
    panel.export_json(tmp_path / "r.json")
    panel.export_csv(tmp_path / "r.csv")
    assert json.loads((tmp_path / "r.json").read_text()) == {"result": [1, 2]}
    with (tmp_path / "r.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["input_index", "input", "kind", "value", "score"],
        ["1", "great film", "label", "POSITIVE", "0.9"],
        ["2", "awful film", "label", "NEGATIVE", "0.8"],
    ]


@pytest.mark.parametrize(
    ("view", "header"),
    [
        (LABELS, ["label", "score"]),
        (ANSWERS, ["answer", "score"]),
        (GENERATED, ["generated_text"]),
        (TRANSLATION, ["translation_text"]),
        (SUMMARY, ["summary_text"]),
        (PLAIN, ["text"]),
        (EMPTY, ["result"]),
        (RAW, ["json"]),
        (ERROR, ["error"]),
    ],
)
def test_csv_export_of_each_kind(
    qtbot: QtBot, tmp_path: Path, view: ResultView, header: list[str]
) -> None:
    panel = ResultPanel()
    qtbot.addWidget(panel)
    panel.show_result(view)
    panel.export_csv(tmp_path / "r.csv")
    with (tmp_path / "r.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == header
    if view is not EMPTY:
        assert len(rows) > 1
