"""Task forms generated from the catalogue, checked against the domain payload builder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from ogpu_desktop.domain.catalogue import CATALOGUE, FieldKind, FieldRole
from ogpu_desktop.domain.payload import build_task_configs
from ogpu_desktop.ui.forms import bespoke_forms  # noqa: F401 - registers the hand-laid forms
from ogpu_desktop.ui.forms.field_widgets import NOT_SET_TEXT
from ogpu_desktop.ui.forms.form_builder import TaskForm, create_task_form

# What a user enters, by task type: (typed text for text boxes and numbers, or other values).
SAMPLES: dict[str, dict[str, object]] = {
    "text-classification": {
        "text": "I love this product!",
        "top_k": 3,
        "function_to_apply": "sigmoid",
    },
    "image-classification": {"image": "https://example.com/cat.jpg", "top_k": 2, "timeout": 30.5},
    "text-generation": {
        "prompt": "Once upon a time",
        "max_new_tokens": 50,
        "temperature": 0.7,
        "num_return_sequences": 2,
        "do_sample": True,
    },
    "visual-question-answering": {
        "question": "What is in this image?",
        "image": "https://example.com/cat.jpg",
        "top_k": 1,
    },
    "translation": {
        "text": "Hello, how are you?",
        "src_lang": "en",
        "tgt_lang": "fr",
        "max_length": 100,
    },
    "summarization": {"text": "A long article. " * 20, "min_length": 10, "max_length": 50},
    "custom": {
        "input": '{"question": "q", "image": "https://example.com/a.png"}',
        "args": '{"top_k": 2}',
    },
}


def _form(qtbot: QtBot, key: str) -> TaskForm:
    form = create_task_form(CATALOGUE[key])
    qtbot.addWidget(form)
    return form


def _type_into(qtbot: QtBot, form: TaskForm, name: str, value: object) -> None:
    """Enter ``value`` the way a user would: typing into text boxes, picking from lists."""
    control = form.editors[name].control
    if isinstance(control, QLineEdit | QPlainTextEdit):
        control.setFocus()
        qtbot.keyClicks(control, str(value))
    else:
        form.editors[name].set_value(value)


def test_every_task_type_has_a_sample() -> None:
    assert set(SAMPLES) == set(CATALOGUE)


@pytest.mark.parametrize("key", list(CATALOGUE))
def test_form_has_an_editor_per_field_with_the_help_as_tooltip(qtbot: QtBot, key: str) -> None:
    spec = CATALOGUE[key]
    form = _form(qtbot, key)
    assert list(form.editors) == [field.name for field in spec.fields]
    for field in spec.fields:
        editor = form.editors[field.name]
        assert editor.toolTip() == field.tooltip
        assert editor.control.toolTip() == field.tooltip
        assert field.help in field.tooltip
        assert editor.control.objectName() == f"field_{field.name}"
        label = form.findChild(QLabel, f"fieldLabel_{field.name}")
        if label is not None:
            assert label.toolTip() == field.tooltip


@pytest.mark.parametrize("key", list(CATALOGUE))
def test_filling_the_form_builds_the_same_config_as_the_domain(qtbot: QtBot, key: str) -> None:
    form = _form(qtbot, key)
    for name, value in SAMPLES[key].items():
        _type_into(qtbot, form, name, value)
    result = form.check()
    expected = build_task_configs(CATALOGUE[key], SAMPLES[key])
    assert result.errors == ()
    assert result.payloads is not None
    assert result.payloads.config_texts == expected.config_texts


@pytest.mark.parametrize("key", list(CATALOGUE))
def test_advanced_fields_start_collapsed_and_unset_arguments_are_omitted(
    qtbot: QtBot, key: str
) -> None:
    spec = CATALOGUE[key]
    form = _form(qtbot, key)
    form.show()
    for field in spec.advanced_fields:
        assert not form.editors[field.name].isVisible()
    if spec.advanced_fields:
        form.show_advanced(True)
        assert all(form.editors[f.name].isVisible() for f in spec.advanced_fields)
    inputs = {
        name: SAMPLES[key][name]
        for name in SAMPLES[key]
        if spec.field(name).role is FieldRole.INPUT
    }
    form.set_values(inputs)
    result = form.check()
    assert result.payloads is not None
    assert result.payloads.configs[0]["data"]["args"] == {}


def test_optional_arguments_start_not_set(qtbot: QtBot) -> None:
    form = _form(qtbot, "text-generation")
    assert form.editors["do_sample"].control.currentText() == NOT_SET_TEXT
    assert form.editors["max_new_tokens"].value() is None
    assert form.editors["several"].value() is False


def test_a_mistake_shows_beside_its_field_and_keeps_the_typed_text(qtbot: QtBot) -> None:
    form = _form(qtbot, "text-classification")
    _type_into(qtbot, form, "text", "Fine text")
    _type_into(qtbot, form, "top_k", "three")
    qtbot.waitUntil(lambda: form.field_message("top_k") != "")
    assert form.field_message("top_k").startswith("⚠ ")
    assert form.editors["top_k"].control.text() == "three"
    assert form.last_check.payloads is None
    assert form.field_message("text") == ""


def test_untouched_required_fields_complain_only_when_publishing(qtbot: QtBot) -> None:
    form = _form(qtbot, "translation")
    with qtbot.waitActive(form):
        form.show()
        form.activateWindow()
    assert form.check().payloads is None
    assert form.field_message("text") == ""
    form.reveal_problems()
    assert form.field_message("text").startswith("⚠ ")
    assert form.editors["text"].control.hasFocus()


def test_several_texts_make_one_task_each_with_a_notice(qtbot: QtBot) -> None:
    form = _form(qtbot, "text-classification")
    form.set_values({"text": "first\n\nsecond\nthird", "several": True})
    result = form.check()
    assert result.payloads is not None
    assert [c["data"]["input"] for c in result.payloads.configs] == ["first", "second", "third"]
    assert "3 tasks" in form.field_message("text")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("texts.txt", "one\ntwo\n\nthree\n"),
        ("texts.csv", 'text,label\none,a\n"two, with comma",b\nthree,c\n'),
    ],
)
def test_texts_import_from_txt_and_csv(
    qtbot: QtBot, tmp_path: Path, name: str, content: str
) -> None:
    form = _form(qtbot, "summarization")
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert form.import_texts("text", path) == 3
    assert form.editors["several"].value() is True
    result = form.check()
    assert result.payloads is not None
    assert result.payloads.count == 3
    if name.endswith(".csv"):
        assert result.payloads.configs[1]["data"]["input"] == "two, with comma"


def test_image_field_uses_the_drop_zone(qtbot: QtBot) -> None:
    form = _form(qtbot, "visual-question-answering")
    editor = form.image_editor()
    assert editor is not None
    assert editor.spec.kind is FieldKind.IMAGE
    assert editor.control.objectName() == "field_image"
    assert _form(qtbot, "text-generation").image_editor() is None


def test_json_fields_keep_broken_json_and_say_why(qtbot: QtBot) -> None:
    form = _form(qtbot, "custom")
    form.set_values({"input": "hello", "args": '{"top_k": '})
    form.reveal_problems()
    assert form.editors["args"].control.toPlainText() == '{"top_k": '
    assert form.field_message("args").startswith("⚠ ")


def test_labels_are_plain_text(qtbot: QtBot) -> None:
    form = _form(qtbot, "image-classification")
    assert all(
        label.textFormat() == Qt.TextFormat.PlainText
        for label in form.findChildren(QLabel)
        if label.objectName().startswith(("fieldLabel_", "fieldMessage_"))
    )


def test_plain_labels_keep_the_technical_name_in_the_tooltip(qtbot: QtBot) -> None:
    form = _form(qtbot, "text-generation")
    label = form.findChild(QLabel, "fieldLabel_max_new_tokens")
    assert label is not None
    assert label.text() == "Length of the answer"
    assert label.toolTip().startswith("Length of the answer (max_new_tokens): ")
    # The rare knobs wait under Advanced; the common ones stay in sight.
    advanced = {f.name for f in CATALOGUE["text-generation"].advanced_fields}
    assert {"top_p", "top_k", "do_sample", "max_length"} <= advanced
    assert {"max_new_tokens", "temperature", "num_return_sequences"}.isdisjoint(advanced)
    jargon = ("Top-p", "Top-k", "Sampling", "do_sample", "num_return_sequences", "pipeline")
    shown = [w.text() for w in form.findChildren(QLabel) if w.text()]
    shown += [form.editors["do_sample"].control.itemText(0)]
    assert [t for t in shown if any(j in t for j in jargon)] == []


def test_the_form_holds_still_while_messages_come_and_go(qtbot: QtBot) -> None:
    form = _form(qtbot, "text-generation")
    form.show()
    form.show_advanced(True)
    qtbot.waitExposed(form)
    below = form.editors["temperature"]
    prompt = form.editors["prompt"].control
    before = (below.mapTo(form, below.rect().topLeft()), prompt.height())
    form.editors["prompt"].set_value("Once upon a time\n" * 30)  # longer than the box
    _type_into(qtbot, form, "prompt", " there was")
    _type_into(qtbot, form, "max_new_tokens", "many")  # a message under the field above
    qtbot.waitUntil(lambda: form.field_message("max_new_tokens") != "")
    long_message = "⚠ " + "a very long explanation " * 20
    form.cells["max_new_tokens"].show_message(long_message)
    QApplication.processEvents()
    assert (below.mapTo(form, below.rect().topLeft()), prompt.height()) == before
    cell = form.cells["max_new_tokens"]
    assert cell.full_message() == long_message
    assert cell.message.text().endswith("…")
    assert cell.message.toolTip() == cell.full_message()


def test_a_notice_about_a_folded_field_shows_under_the_form_until_it_is_opened(
    qtbot: QtBot,
) -> None:
    form = _form(qtbot, "text-generation")
    form.set_values({"prompt": "Once upon a time", "num_return_sequences": 3})
    form.check()
    assert form.field_message("do_sample") == ""
    assert "Varied wording (do_sample) was turned on" in form.form_message.text()
    form.show_advanced(True)
    assert "Varied wording (do_sample) was turned on" in form.field_message("do_sample")
    assert form.form_message.text() == ""
