"""Publishing goes only to the source shown: late reads are dropped, Publish waits and says why.

A real Sandbox answers through the RPC proxy, which holds the answer to one source's read for as
long as a test needs, so a slower read of an earlier pick arrives after a later one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ogpu_desktop.chain.networks import sandbox_network
from ogpu_desktop.domain.publish_request import PublishRequest
from ogpu_desktop.domain.source_choice import READING, TYPED_NOT_READ
from ogpu_desktop.errors import ValidationError
from ogpu_desktop.services.app_services import AppServices
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.store import Store
from ogpu_desktop.ui.compose.source_picker import SourcePicker
from ogpu_desktop.ui.pages.compose_page import ComposePage
from ogpu_desktop.wallet.accounts import Wallet
from ogpu_desktop.wallet.key_store import SessionKeyStore
from tests.chain.rpc_proxy import RpcProxy
from tests.gui.publish_helpers import collect_garbage, sandbox_connection, shown, wait_for
from tests.helpers.sandbox import sandbox_info, source_address

__all__ = ["sandbox_info"]


@pytest.fixture
def proxy(sandbox_info: dict[str, Any]) -> Iterator[RpcProxy]:
    started = RpcProxy(sandbox_info["rpc_url"]).start()
    yield started
    started.release.set()  # nothing stays held after the test
    started.stop()


@asynccontextmanager
async def proxied_services(
    info: dict[str, Any], proxy: RpcProxy, folder: Path
) -> AsyncIterator[AppServices]:
    """Real services over the Sandbox, every JSON-RPC request passing through ``proxy``."""
    store = Store(folder / "history.sqlite3")
    session = await ChainSession.open(sandbox_network(info).with_rpc(proxy.url), store)
    wallet = Wallet(folder / "wallet.json", keychain=SessionKeyStore())
    try:
        yield AppServices.for_session(session, wallet)
    finally:
        proxy.release.set()
        await session.close()
        store.close()
        collect_garbage()


def _demo(info: dict[str, Any]) -> dict[str, str]:
    return {s["pipeline"]: s["address"] for s in info["sources"]
            if s["delivery"] == "FIRST_RESPONSE"}


@pytest.mark.asyncio
async def test_a_slower_read_of_an_earlier_pick_never_replaces_the_source_picked_last(
    qtbot: QtBot, sandbox_info: dict[str, Any], proxy: RpcProxy, tmp_path: Path
) -> None:
    first = source_address(sandbox_info, "text-classification")
    last = source_address(sandbox_info, "text-classification", "MANUAL_CONFIRMATION")
    with shown(SourcePicker()) as picker:
        async with proxied_services(sandbox_info, proxy, tmp_path) as services:
            picker.attach(services)
            picker.set_task_type("text-classification")
            proxy.hold_answer_containing = first[2:]
            slow = picker.load_source(first)
            await wait_for(proxy.holding.is_set, "the first read to be held")
            assert picker.wait_reason() == READING

            # The user types the other source's address and presses Enter.
            editor = picker.combo.lineEdit()
            assert editor is not None
            editor.clear()
            qtbot.keyClicks(editor, last)
            assert picker.wait_reason() == TYPED_NOT_READ
            qtbot.keyClick(editor, Qt.Key.Key_Return)
            await wait_for(lambda: picker.info is not None and picker.info.address == last,
                           "the source typed last to be read")
            assert picker.wait_reason() is None

            proxy.release.set()
            await slow  # the first read's answer arrives now, late
            assert picker.info is not None
            assert picker.info.address == last
            assert last in picker.combo.currentText()
            assert "you confirm the answer you accept" in picker.terms_label.text()
            assert picker.selection("text-classification").address == last


@pytest.mark.asyncio
async def test_publish_waits_for_the_new_task_types_source_and_says_why(
    qtbot: QtBot, sandbox_info: dict[str, Any], proxy: RpcProxy, tmp_path: Path
) -> None:
    classification = source_address(sandbox_info, "text-classification")
    generation = source_address(sandbox_info, "text-generation")
    published: list[PublishRequest] = []
    with shown(ComposePage("text-classification")) as page:
        page.publish_requested.connect(published.append)
        picker = page.source_picker
        async with proxied_services(sandbox_info, proxy, tmp_path) as services:
            picker.attach(services, _demo(sandbox_info))
            await wait_for(lambda: picker.info is not None
                           and picker.info.address == classification
                           and page.publish_button.isEnabled(), "the classification source")

            proxy.hold_answer_containing = generation[2:]
            page.picker.setCurrentIndex(page.picker.findData("text-generation"))
            page.form.editors["prompt"].set_value("Once upon a time")
            await wait_for(proxy.holding.is_set, "the new type's source read to be held")
            # The classification source is still loaded, but it is not the one shown for
            # text generation: nothing can be published to it.
            assert picker.info is not None
            assert picker.info.address == classification
            assert not page.publish_button.isEnabled()
            await wait_for(lambda: page.summary.text() == f"Not ready to publish: {READING}",
                           "the summary to say why Publish waits")
            assert page.publish_button.toolTip() == READING
            qtbot.keyClick(page.form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            page.request_publish()
            assert published == []
            with pytest.raises(ValidationError, match="waits until the source's terms are read"):
                picker.selection("text-generation")

            proxy.release.set()
            await wait_for(page.publish_button.isEnabled, "Publish to come back")
            assert page.summary.text() == "Ready: 1 task."
            page.request_publish()
            assert [(r.task_type, r.source) for r in published] == [
                ("text-generation", generation)]
            assert published[0].task_type == "text-generation"
            assert picker.selection(published[0].task_type).address == generation
            assert picker.selection(published[0].task_type).pipeline == "text-generation"
            await asyncio.sleep(0)


@pytest.mark.asyncio
async def test_a_source_whose_pipeline_does_not_fit_the_form_keeps_publish_off(
    qtbot: QtBot, sandbox_info: dict[str, Any], tmp_path: Path
) -> None:
    summarizer = source_address(sandbox_info, "summarization")
    with shown(ComposePage("text-classification")) as page:
        picker = page.source_picker
        async with sandbox_connection(sandbox_info, tmp_path, funded=False) as connection:
            picker.attach(connection.services)  # no Sandbox map: the user pastes an address
            editor = picker.combo.lineEdit()
            assert editor is not None
            qtbot.keyClicks(editor, summarizer)
            qtbot.keyClick(editor, Qt.Key.Key_Return)
            await wait_for(lambda: picker.info is not None, "the pasted source")
            assert not page.publish_button.isEnabled()
            assert "This source runs summarization, not text classification" in (
                page.summary.text())
            # Custom (JSON) sends any input: this source then fits.
            page.picker.setCurrentIndex(page.picker.findData("custom"))
            assert page.publish_button.isEnabled()
            page.picker.setCurrentIndex(page.picker.findData("summarization"))
            assert page.publish_button.isEnabled()
            picker.attach(None)
            # Not connected: Publish stays on and the publish flow says what is missing.
            assert page.publish_button.isEnabled()
