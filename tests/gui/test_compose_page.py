"""The Compose page: picking task types, the live JSON preview, Ctrl+Enter and Ctrl+V."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ogpu_desktop.config import AppPaths
from ogpu_desktop.domain.catalogue import CATALOGUE
from ogpu_desktop.launch_options import LaunchOptions
from ogpu_desktop.ui.app_settings import AppSettings
from ogpu_desktop.ui.compose.task_type_picker import DESCRIPTION_ROLE
from ogpu_desktop.ui.main_window import MainWindow
from ogpu_desktop.ui.pages.compose_page import INVALID_PREVIEW, ComposePage


def _page(qtbot: QtBot, initial: str | None = None) -> ComposePage:
    page = ComposePage(initial)
    qtbot.addWidget(page)
    with qtbot.waitExposed(page):
        page.show()
    return page


def test_picker_offers_every_task_type_in_catalogue_order(qtbot: QtBot) -> None:
    page = _page(qtbot)
    keys = [page.picker.itemData(i) for i in range(page.picker.count())]
    assert keys == list(CATALOGUE)
    assert page.description.text() == CATALOGUE[keys[0]].description


def test_switching_types_keeps_what_was_typed(qtbot: QtBot) -> None:
    page = _page(qtbot, "translation")
    page.form.editors["text"].set_value("Bonjour")
    page.set_task_type("summarization")
    assert page.form.spec.key == "summarization"
    assert page.form.editors["text"].value() is None
    page.set_task_type("translation")
    assert page.form.editors["text"].value() == "Bonjour"


def test_preview_shows_the_exact_config_and_updates_live(qtbot: QtBot) -> None:
    page = _page(qtbot, "text-classification")
    assert page.preview.toPlainText() == INVALID_PREVIEW
    page.preview_toggle.setChecked(True)
    assert page.preview.isVisible()
    page.form.editors["text"].control.setFocus()
    qtbot.keyClicks(page.form.editors["text"].control, "Great film")
    qtbot.waitUntil(lambda: page.preview.toPlainText() != INVALID_PREVIEW)
    shown = json.loads(page.preview.toPlainText())
    assert shown == {"function_name": "inference", "data": {"input": "Great film", "args": {}}}
    assert page.summary.text() == "Ready: 1 task."


def test_preview_shortens_embedded_images_only_in_the_preview(qtbot: QtBot) -> None:
    page = _page(qtbot, "custom")
    long_text = "x" * 5000
    page.form.set_values({"input": long_text})
    result = page.form.check()
    assert result.payloads is not None
    assert result.payloads.configs[0]["data"]["input"] == long_text
    assert "(5,000 characters in total)" in page.preview.toPlainText()


def test_ctrl_enter_asks_to_publish_and_says_a_network_is_needed_first(qtbot: QtBot) -> None:
    page = _page(qtbot, "text-generation")
    with qtbot.waitActive(page):
        page.activateWindow()
    page.form.editors["prompt"].set_value("Once upon a time")
    page.form.editors["prompt"].control.setFocus()
    # Not connected: no source can be read, so no request is complete; the page says so.
    with qtbot.assertNotEmitted(page.publish_requested), qtbot.waitSignal(
        page.publish_refused, timeout=2000
    ) as blocker:
        qtbot.keyClick(
            page.form.editors["prompt"].control,
            Qt.Key.Key_Return,
            Qt.KeyboardModifier.ControlModifier,
        )
    assert "not connected yet" in blocker.args[0]
    assert '"input": "Once upon a time"' in page.preview.toPlainText()
    assert page.form.editors["prompt"].value() == "Once upon a time"  # nothing typed is lost


def test_publish_with_problems_emits_nothing_and_shows_them(qtbot: QtBot) -> None:
    page = _page(qtbot, "summarization")
    with qtbot.assertNotEmitted(page.publish_requested):
        page.publish_button.click()
    assert page.form.field_message("text").startswith("⚠ ")
    assert page.summary.text().endswith("to fix before publishing.")


def test_ctrl_v_outside_text_boxes_pastes_into_the_image_field(qtbot: QtBot) -> None:
    page = _page(qtbot, "image-classification")
    with qtbot.waitActive(page):
        page.activateWindow()
    QApplication.clipboard().setText("https://example.com/pasted.jpg")
    page.picker.setFocus()
    qtbot.keyClick(page.picker, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert page.form.editors["image"].value() == "https://example.com/pasted.jpg"


def test_main_window_remembers_the_last_task_type(qtbot: QtBot, profile: AppPaths) -> None:
    first = MainWindow(profile, LaunchOptions(), AppSettings(profile.config_dir))
    qtbot.addWidget(first)
    first.compose_page.set_task_type("translation")
    first.close()
    second = MainWindow(profile, LaunchOptions(), AppSettings(profile.config_dir))
    qtbot.addWidget(second)
    assert second.compose_page.current_type() == "translation"


def test_publish_request_is_answered_honestly_until_publishing_is_wired(
    main_window: MainWindow,
) -> None:
    page = main_window.compose_page
    page.set_task_type("text-classification")
    page.form.editors["text"].set_value("Nice")
    page.publish_button.click()
    assert "not connected yet" in main_window.banner.message()


def test_the_summary_counts_every_field_in_red(qtbot: QtBot) -> None:
    page = _page(qtbot, "text-classification")
    page.form.editors["text"].set_value("Fine text")
    page.form.editors["top_k"].set_value("three")
    page.form.check()
    assert page.summary.text().startswith("1 thing to fix before publishing.")
    page.source_picker.payment_edit.setText("1,5")  # a second field in red
    assert page.source_picker.payment_error.text() != ""
    assert page.summary.text().startswith("2 things to fix before publishing.")
    page.source_picker.payment_edit.setText("0.002")
    assert page.summary.text().startswith("1 thing to fix before publishing.")


# The offscreen platform cannot raise a window or grab the keyboard for the open list.
@pytest.mark.qt_log_ignore("^This plugin does not support (raise|grabbing the keyboard)")
def test_the_type_picker_shows_icons_and_a_line_each_and_drops_down_below(qtbot: QtBot) -> None:
    page = _page(qtbot, "translation")
    picker = page.picker
    for index, spec in enumerate(CATALOGUE.values()):
        assert not picker.itemIcon(index).isNull()
        assert picker.itemData(index, DESCRIPTION_ROLE) == spec.description
        assert picker.itemData(index, Qt.ItemDataRole.ToolTipRole) == spec.description
    # Each entry is two lines tall: the name and its description.
    hint = picker.view().sizeHintForRow(0)
    assert hint >= 2 * picker.fontMetrics().height()
    picker.showPopup()
    popup = picker.view().window()
    # Below the box like a menu, not over it with an entry under the pointer.
    assert popup.geometry().top() >= picker.mapToGlobal(picker.rect().bottomLeft()).y()
    picker.hidePopup()
