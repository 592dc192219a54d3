"""The Compose page's source picker against a real Sandbox: terms, warnings, payment, expiry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from ogpu_desktop.errors import ValidationError
from ogpu_desktop.ui.compose.source_picker import NOT_CONNECTED, SourcePicker
from tests.gui.publish_helpers import sandbox_connection, shown, wait_for
from tests.helpers.sandbox import sandbox_info, source_address

__all__ = ["sandbox_info"]

MIN_PAYMENT = 10**15


def _demo(info: dict[str, Any]) -> dict[str, str]:
    return {s["pipeline"]: s["address"] for s in info["sources"]
            if s["delivery"] == "FIRST_RESPONSE"}


@pytest.fixture
def picker(qtbot: QtBot) -> Iterator[SourcePicker]:
    with shown(SourcePicker()) as widget:
        yield widget


def test_without_a_network_it_says_so_and_refuses(picker: SourcePicker) -> None:
    assert picker.terms_label.text() == NOT_CONNECTED
    assert not picker.combo.isEnabled()
    with pytest.raises(ValidationError, match="not connected yet"):
        picker.selection()


@pytest.mark.asyncio
async def test_the_sandbox_demo_source_is_preselected_with_its_terms(
    picker: SourcePicker, sandbox_info: dict[str, Any], tmp_path: Path
) -> None:
    async with sandbox_connection(sandbox_info, tmp_path, funded=False) as connection:
        picker.set_task_type("image-classification")
        picker.attach(connection.services, _demo(sandbox_info))
        wanted = source_address(sandbox_info, "image-classification")
        await wait_for(lambda: picker.info is not None, "the source's terms")
        assert picker.info is not None
        assert picker.info.address == wanted
        assert picker.combo.currentData() == wanted
        editor = picker.combo.lineEdit()
        assert editor is not None
        assert editor.cursorPosition() == 0  # the entry reads from its first letter
        terms = picker.terms_label.text()
        assert "Sandbox · Image classification · active" in terms
        assert "Minimum payment 0.001 OGPU · longest lifetime 1 day · first response is final" in (
            terms
        )
        assert "Runs image-classification with google/vit-base-patch16-224" in terms
        assert picker.warning_label.isHidden()
        # Payment starts at the source minimum; lifetimes stop below its one-day limit.
        assert picker.payment_edit.text() == "0.001"
        lifetimes = [picker.expiry_combo.itemData(i) for i in range(picker.expiry_combo.count())]
        assert lifetimes == [300, 600, 1800, 3600, 21600]
        assert picker.expiry_combo.currentData() == 600
        selection = picker.selection()
        assert (selection.address, selection.payment_wei, selection.duration_s) == (
            wanted, MIN_PAYMENT, 600
        )
        assert selection.pipeline == "image-classification"
        # Another task type moves to its own demo source.
        picker.set_task_type("translation")
        translation = source_address(sandbox_info, "translation")
        await wait_for(lambda: picker.info is not None and picker.info.address == translation,
                       "the translation source")
        picker.attach(None)
        assert picker.info is None


@pytest.mark.asyncio
async def test_a_source_running_another_pipeline_is_warned_about(
    picker: SourcePicker, sandbox_info: dict[str, Any], tmp_path: Path
) -> None:
    async with sandbox_connection(sandbox_info, tmp_path, funded=False) as connection:
        picker.attach(connection.services)  # not a Sandbox map: nothing preselected
        assert picker.info is None
        with pytest.raises(ValidationError, match="Choose a source"):
            picker.selection()
        picker.set_task_type("text-classification")
        summarizer = source_address(sandbox_info, "summarization")
        picker.load_source(summarizer)
        await wait_for(lambda: picker.info is not None, "the pasted source")
        assert not picker.warning_label.isHidden()
        assert picker.warning_label.text().startswith(
            "⚠ This source runs the summarization pipeline with the model "
            "sshleifer/distilbart-cnn-12-6, but you chose text classification."
        )
        # Shown, but not publishable with a form of another pipeline: Publish waits and says so.
        assert picker.combo.currentText() == summarizer
        assert picker.wait_reason() == (
            "This source runs summarization, not text classification: choose a source that "
            "runs text classification, or the task type that fits this source (Custom (JSON) "
            "sends it any input)."
        )
        with pytest.raises(ValidationError, match="runs summarization, not text classification"):
            picker.selection()
        picker.set_task_type("summarization")
        assert picker.wait_reason() is None
        assert picker.warning_label.isHidden()
        picker.payment_edit.setText("0.0005")
        assert picker.payment_error.text() == "This source asks at least 0.001 OGPU per task."
        with pytest.raises(ValidationError, match=r"at least 0\.001 OGPU"):
            picker.selection()
        picker.payment_edit.setText("0.002")
        assert picker.payment_error.isHidden()
        assert picker.selection().payment_wei == 2 * MIN_PAYMENT


@pytest.mark.asyncio
async def test_browse_lists_the_network_sources_and_save_keeps_one(
    picker: SourcePicker, sandbox_info: dict[str, Any], tmp_path: Path
) -> None:
    async with sandbox_connection(sandbox_info, tmp_path, funded=False) as connection:
        picker.attach(connection.services)
        picker.browse_button.click()
        await wait_for(lambda: picker.combo.count() == len(sandbox_info["sources"]),
                       "every active source listed")
        await wait_for(picker.browse_button.isEnabled, "the browse to finish")
        listed = {picker.combo.itemData(i) for i in range(picker.combo.count())}
        assert listed == {s["address"] for s in sandbox_info["sources"]}
        assert "found on the network" in picker.terms_label.text()
        manual = source_address(sandbox_info, "text-classification", "MANUAL_CONFIRMATION")
        picker.combo.setCurrentIndex(picker.combo.findData(manual))
        picker.combo.activated.emit(picker.combo.currentIndex())
        await wait_for(lambda: picker.info is not None, "the chosen source")
        assert "you confirm the answer you accept" in picker.terms_label.text()
        picker.save_button.click()
        session = connection.session
        saved = session.store.misc.saved_sources(session.chain_id)
        assert [(s.address, s.label) for s in saved] == [
            (manual, "Sandbox · Sentiment (text classification, you confirm the answer)")
        ]
        # A new connection lists the address book first.
        picker.attach(connection.services)
        assert picker.combo.itemData(0) == manual
        assert picker.combo.itemText(0).startswith("★ Sandbox · Sentiment")


@pytest.mark.asyncio
async def test_detaching_stops_the_reads_still_running(
    picker: SourcePicker, sandbox_info: dict[str, Any], tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with sandbox_connection(sandbox_info, tmp_path, funded=False) as connection:
        picker.attach(connection.services, _demo(sandbox_info))  # starts reading a source
        await picker.detach()
        assert picker.info is None
        assert picker.terms_label.text() == NOT_CONNECTED
    # The read was stopped before the connection closed: nothing failed on a closed client.
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
