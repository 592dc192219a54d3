"""Every documented payload shape, normalised by the domain and shown by the matching viewer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from ogpu_desktop.domain.result_views import ViewKind
from ogpu_desktop.domain.results import normalise
from ogpu_desktop.ui.results.result_panel import MARKUP_NOTE, RESULT_WIDGETS, ResultPanel

SCORES = [
    {"label": "Egyptian cat", "score": 0.9421},
    {"label": "tabby, tabby cat", "score": 0.0876},
]

# (name, payload, pipeline task, batch size, expected kind, a text the viewer must show)
CASES: list[tuple[str, object, str | None, int | None, ViewKind, str]] = [
    (
        "seed-classification",
        {"result": [{"label": "POSITIVE", "score": 0.9998}]},
        None,
        None,
        ViewKind.LABEL_SCORES,
        "99.9%",
    ),
    (
        "hf-sentiment",
        {"result": {"output": [{"label": "NEGATIVE", "score": 0.25}]}},
        "text-classification",
        None,
        ViewKind.LABEL_SCORES,
        "25.0%",
    ),
    (
        "image-classification",
        {"result": {"output": list(reversed(SCORES))}},
        "image-classification",
        None,
        ViewKind.LABEL_SCORES,
        "Egyptian cat",
    ),
    (
        "bare-dict",
        {"label": "ENTAILMENT", "score": 0.7},
        None,
        None,
        ViewKind.LABEL_SCORES,
        "70.0%",
    ),
    (
        "generation",
        {"result": {"output": [{"generated_text": "Once upon a time, a knight."}]}},
        "text-generation",
        None,
        ViewKind.GENERATED_TEXTS,
        "Once upon a time, a knight.",
    ),
    (
        "generation-several",
        {"result": {"output": [{"generated_text": "A"}, {"generated_text": "B"}]}},
        "text-generation",
        None,
        ViewKind.GENERATED_TEXTS,
        "Answer 2 of 2",
    ),
    (
        "chat",
        {
            "result": {
                "output": [
                    {
                        "generated_text": [
                            {"role": "user", "content": "Hi"},
                            {"role": "assistant", "content": "Hello!"},
                        ]
                    }
                ]
            }
        },
        "text-generation",
        None,
        ViewKind.GENERATED_TEXTS,
        "Hello!",
    ),
    (
        "vqa",
        {
            "result": {
                "output": [{"score": 0.95, "answer": "hat"}, {"score": 0.02, "answer": "cap"}]
            }
        },
        "visual-question-answering",
        None,
        ViewKind.ANSWERS,
        "95.0%",
    ),
    (
        "vqa-generative",
        {"result": {"output": [{"answer": "a red hat"}]}},
        "visual-question-answering",
        None,
        ViewKind.ANSWERS,
        "a red hat",
    ),
    (
        "translation",
        {"result": {"output": [{"translation_text": "Bonjour"}]}},
        "translation",
        None,
        ViewKind.TRANSLATION,
        "Bonjour",
    ),
    (
        "summary",
        {"result": {"output": [{"summary_text": "Short."}]}},
        "summarization",
        None,
        ViewKind.SUMMARY,
        "Short.",
    ),
    (
        "batch-flat",
        {
            "result": {
                "output": [{"label": "POSITIVE", "score": 0.9}, {"label": "NEGATIVE", "score": 0.8}]
            }
        },
        "text-classification",
        2,
        ViewKind.BATCH,
        "80.0%",
    ),
    (
        "batch-nested",
        {"result": {"output": [SCORES, SCORES]}},
        "image-classification",
        None,
        ViewKind.BATCH,
        "tabby, tabby cat",
    ),
    (
        "inline-json-text",
        '{"result": {"output": [{"summary_text": "Inline."}]}}',
        None,
        None,
        ViewKind.SUMMARY,
        "Inline.",
    ),
    (
        "plain-text",
        "The provider said hello.",
        None,
        None,
        ViewKind.PLAIN_TEXT,
        "The provider said hello.",
    ),
    (
        "html",
        "<script>alert(1)</script><b>bold</b>",
        None,
        None,
        ViewKind.PLAIN_TEXT,
        "<script>alert(1)</script><b>bold</b>",
    ),
    ("empty-null", None, None, None, ViewKind.EMPTY, "The provider answered with an empty result."),
    (
        "empty-list",
        {"result": {"output": []}},
        None,
        None,
        ViewKind.EMPTY,
        "The provider answered with an empty result.",
    ),
    (
        "unknown-shape",
        {"result": {"boxes": [[1, 2, 3, 4]]}},
        None,
        None,
        ViewKind.RAW_JSON,
        "boxes",
    ),
]


def _texts(widget: QWidget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel)] + [
        box.toPlainText() for box in widget.findChildren(QPlainTextEdit)
    ]


@pytest.mark.parametrize(
    ("payload", "task", "batch_size", "kind", "shown"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_payload_is_shown_by_the_viewer_of_its_kind(
    qtbot: QtBot,
    payload: object,
    task: str | None,
    batch_size: int | None,
    kind: ViewKind,
    shown: str,
) -> None:
    view = normalise(payload, task, batch_size=batch_size)
    assert view.kind is kind
    panel = ResultPanel()
    qtbot.addWidget(panel)
    panel.show_result(view, ("first input", "second input"))
    widget = panel.rendered.widget()
    assert type(widget) is RESULT_WIDGETS[kind]
    assert any(shown in text for text in _texts(widget))
    assert all(
        label.textFormat() == Qt.TextFormat.PlainText for label in widget.findChildren(QLabel)
    )
    panel.raw_toggle.setChecked(True)
    assert panel.raw_box.toPlainText() == view.raw_json


def test_markup_payload_is_flagged_and_shown_literally(qtbot: QtBot) -> None:
    panel = ResultPanel()
    qtbot.addWidget(panel)
    panel.show_result(
        normalise({"result": {"output": [{"generated_text": "<img src=x onerror=y>"}]}})
    )
    assert MARKUP_NOTE in panel.notes.text()
    assert "<img src=x onerror=y>" in _texts(panel.rendered.widget())


def test_labels_are_sorted_by_score_in_the_viewer(qtbot: QtBot) -> None:
    panel = ResultPanel()
    qtbot.addWidget(panel)
    panel.show_result(
        normalise({"result": {"output": list(reversed(SCORES))}}, "image-classification")
    )
    widget = panel.rendered.widget()
    assert widget.findChild(QLabel, "scoreLabel0").text() == "Egyptian cat"
    assert widget.findChild(QLabel, "scoreValue0").text() == "94.2%"
    assert widget.findChild(QLabel, "scoreValue1").text() == "8.8%"
