"""The whole app, as a user drives it, on a Sandbox process with the real keychain.

One long flow through the real window and controller: create an account on the Wallet page (its
key kept in the Secret Service and shown once), get test tokens, deposit; publish one task of every
catalogue type from Compose (images dropped as files), a batch of three texts and a task on the
manual-confirmation source, each through the review-and-sign dialog; follow them in the Tasks list
until FINALIZED; confirm one of the two manual-confirmation responses; read every result viewer.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from eth_account import Account as EthAccount
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from ogpu_desktop.domain.amounts import format_amount
from ogpu_desktop.domain.catalogue import CATALOGUE
from ogpu_desktop.domain.result_views import ViewKind
from ogpu_desktop.domain.task_row import TaskState
from ogpu_desktop.launch_options import LaunchOptions
from ogpu_desktop.sandbox.engines import IMAGE_LABELS, SANDBOX_MARK, VQA_ANSWERS
from ogpu_desktop.ui.dialogs.confirm_publish_dialog import IPFS_NOTICE
from ogpu_desktop.ui.tasks.task_detail_panel import TaskDetailPanel
from ogpu_desktop.wallet.keyring_store import ITEM_USERNAME, SERVICE_NAME
from tests.helpers.app_driver import (
    AppDriver,
    Published,
    child,
    collect_on_this_thread,
    labels_in,
    run_on_qt_loop,
    wait_until,
)
from tests.helpers.images import cornered, photo_like
from tests.helpers.keychain import require_keychain
from tests.helpers.sandbox import shared_sandbox, source_address

FLOW_LIMIT_S = 120.0
MIN_PAYMENT_WEI = 10**15
SCORE = re.compile(r"\d{1,3}\.\d%")
RAW_SCORE = re.compile(r"Score as received: (\S+)")
EXPIRY = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d \(in .+\)")
FEE = re.compile(r"about .+ OGPU, at most .+ OGPU \(paid from the wallet\)")
KEY = re.compile(r"0x[0-9a-f]{64}")
HEADLINE = re.compile(
    r"Publish \d tasks? on Sandbox \(this computer\): [\d.]+ OGPU from the vault, plus a network "
    r"fee of about 0\.\d{1,8} OGPU\."
)
DELIVERY = {
    "FIRST_RESPONSE": "the first answer is final",
    "MANUAL_CONFIRMATION": "you confirm the answer you accept",
}
BATCH = {"I love it": "POSITIVE", "This is terrible": "NEGATIVE", "Great fun": "POSITIVE"}


@pytest.fixture
def sandbox_info(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The shared two-provider Sandbox, started only once a keychain was found."""
    require_keychain(request)
    return shared_sandbox("--providers", "2")


@pytest.fixture
def pictures(tmp_path: Path) -> dict[str, Path]:
    """A photo-like JPEG (larger than the detail's thumbnail) and a small PNG, made by Pillow."""
    photo = tmp_path / "holiday.jpg"
    photo_like(320, 240, seed=7, texture=0.2).save(photo, "JPEG", quality=90)
    corner = tmp_path / "corner.png"
    cornered(200, 150).save(corner, "PNG")
    return {"photo": photo, "corner": corner}


@pytest.fixture
def no_gc_in_threads() -> Iterator[None]:
    with collect_on_this_thread():
        yield


def shown_config(published: Published) -> Any:
    """The task config the review dialog showed (the first one of a batch)."""
    text = published.review_json
    if text.startswith("// task"):
        text = text.split("\n", 1)[1].split("\n\n// task", 1)[0]
    return json.loads(text)


def check_review(
    published: Published, info: dict[str, Any], *, task_type: str, sender: str,
    count: int = 1, delivery: str = "FIRST_RESPONSE",
) -> None:
    """What the review-and-sign dialog said before signing."""
    facts = published.review
    pipeline = "text-classification" if task_type == "custom" else task_type
    source = next(s for s in info["sources"]
                  if s["pipeline"] == pipeline and s["delivery"] == delivery)
    title = CATALOGUE[task_type].title
    assert facts["task_type"] == (title if count == 1 else f"{title} — a batch of {count} tasks")
    assert facts["source"].endswith("\n" + source["address"]), facts["source"]
    assert f"runs {pipeline} ({source['model']})" in facts["source"]
    assert DELIVERY[delivery] in facts["source"]
    assert facts["network"] == f"Sandbox (this computer) (chain ID {info['chain_id']})"
    assert facts["sender"] == sender
    each = format_amount(MIN_PAYMENT_WEI, "OGPU")
    assert facts["payment"].startswith(f"{each} per task"), facts["payment"]
    assert FEE.fullmatch(facts["fee"]), facts["fee"]
    total = format_amount(count * MIN_PAYMENT_WEI, "OGPU")
    assert facts["total"] == f"{total} from the vault, plus the fee"
    assert facts["vault"].endswith("after"), facts["vault"]
    assert EXPIRY.fullmatch(facts["expiry"]), facts["expiry"]
    assert HEADLINE.fullmatch(facts["headline"]), facts["headline"]
    assert facts["headline"].startswith(f"Publish {count} task"), facts["headline"]
    assert published.ipfs_notice == IPFS_NOTICE
    assert published.review_json.count('"function_name": "inference"') == count
    assert len(published.tasks) == count


def rendered(detail: TaskDetailPanel) -> QWidget:
    """The viewer the detail's result panel shows."""
    shown = detail.result_panel.rendered.widget()
    assert shown is not None
    return shown


def response_states(detail: TaskDetailPanel) -> dict[str, str]:
    """The state column of the responses table, by response address."""
    states = {}
    for row, response in enumerate(detail.responses.responses):
        item = detail.responses.item(row, 2)
        assert item is not None
        states[response.address] = item.text()
    return states


def score_rows(detail: TaskDetailPanel) -> list[tuple[str, float]]:
    """The label (or answer) and score rows the result viewer shows, checked for form and order."""
    viewer = rendered(detail)
    names = labels_in(viewer, "scoreLabel")
    values = labels_in(viewer, "scoreValue")
    assert names, "no score rows"
    assert len(values) == len(names)
    assert all(SCORE.fullmatch(v) for v in values), values
    # The percentage is rounded; the score as received is in each value's tooltip.
    tips = [child(viewer, QLabel, f"scoreValue{i}").toolTip() for i in range(len(values))]
    raw = [RAW_SCORE.fullmatch(tip) for tip in tips]
    scores = [float(found.group(1)) for found in raw if found is not None]
    assert len(scores) == len(values), tips
    # One decimal, and 99.9% for a score just below 1: within a tenth of a percent.
    assert all(abs(float(v[:-1]) - s * 100) <= 0.1
               for v, s in zip(values, scores, strict=True)), (values, scores)
    assert scores == sorted(scores, reverse=True), scores
    return list(zip(names, scores, strict=True))


def card_texts(detail: TaskDetailPanel) -> list[str]:
    """The texts of the result's cards (generated texts, translation, summary)."""
    viewer = rendered(detail)
    texts: list[str] = []
    while (box := viewer.findChild(QPlainTextEdit, f"resultText{len(texts)}")) is not None:
        texts.append(box.toPlainText())
    return texts


def check_raw_json_toggle(detail: TaskDetailPanel, expected: str) -> None:
    """The "JSON output" toggle shows the result as received, and toggles back."""
    panel = detail.result_panel
    panel.raw_toggle.click()
    assert panel.stack.currentWidget() is panel.raw_box
    raw = json.loads(panel.raw_box.toPlainText())
    assert expected in json.dumps(raw), raw
    panel.raw_toggle.click()
    assert panel.stack.currentWidget() is panel.rendered


def check_detail(detail: TaskDetailPanel, kind: ViewKind, responses: int = 1) -> None:
    """The detail of a finished task: status, one confirmed response, a result of ``kind``."""
    assert detail.status_label.text() == "Status: Done"
    assert detail.responses.rowCount() == responses
    view = detail.result_panel.view
    assert view is not None
    assert view.kind is kind, view.kind
    assert rendered(detail).objectName() == f"result_{kind.value}"


async def flow(driver: AppDriver, info: dict[str, Any], pictures: dict[str, Path]) -> None:
    await driver.connected()
    window = driver.window
    assert window.status_bar.network_label.text() == "Network: Sandbox (this computer)"
    assert window.status_bar.chain_label.text() == f"Chain ID: {info['chain_id']}"

    # Wallet: create an account, its key shown once; get test tokens; deposit into the vault.
    dialog = await driver.start_account("Everyday")
    key_text = dialog.key_field.text()
    new = dialog.new_account
    assert new is not None
    key_is_the_accounts = bool(KEY.fullmatch(key_text)) and (
        EthAccount.from_key(key_text).address == new.address)
    del key_text
    assert key_is_the_accounts, "the dialog did not show the new account's key"
    assert not new.account.is_session_only
    assert not dialog.done_button.isEnabled()  # the backup must be confirmed first
    address = await driver.confirm_backup(dialog)
    in_keychain = address in (keyring.get_password(SERVICE_NAME, ITEM_USERNAME) or "")
    assert in_keychain, "the key is not in the Secret Service"
    view = window.wallet_page.view
    assert view is not None
    assert view.kind_label.text() == "Key kept in: Keychain"
    assert view.name_label.text() == "Everyday  ● active"
    assert view.backup_button.isHidden()  # backed up: the key is not offered again
    assert (await driver.get_test_tokens()).endswith(" OGPU")
    assert await driver.deposit("1") == "1 OGPU"

    # Compose: one task of every type.
    published: dict[str, Published] = {}

    driver.pick_type("text-classification")
    driver.fill({"text": "I love this wonderful product", "top_k": 2})
    await driver.source_shown(source_address(info, "text-classification"))
    published["text-classification"] = await driver.publish()

    driver.pick_type("image-classification")
    zone = await driver.drop_image(pictures["photo"])
    assert "320 \N{MULTIPLICATION SIGN} 240 px" in zone.details.text()
    assert not zone.preview.pixmap().isNull()
    await driver.source_shown(source_address(info, "image-classification"))
    published["image-classification"] = await driver.publish()

    driver.pick_type("text-generation")
    driver.fill({"prompt": "Once upon a time", "num_return_sequences": 2, "max_new_tokens": 6})
    await driver.source_shown(source_address(info, "text-generation"))
    published["text-generation"] = await driver.publish()

    driver.pick_type("visual-question-answering")
    driver.fill({"question": "What colour is the corner?"})
    await driver.drop_image(pictures["corner"])
    await driver.source_shown(source_address(info, "visual-question-answering"))
    published["visual-question-answering"] = await driver.publish()

    driver.pick_type("translation")
    driver.fill({"text": "Hello, how are you?", "tgt_lang": "fra_Latn"})
    await driver.source_shown(source_address(info, "translation"))
    published["translation"] = await driver.publish()

    article = "The quick brown fox jumps over the lazy dog. The dog did not mind at all."
    driver.pick_type("summarization")
    driver.fill({"text": article})
    await driver.source_shown(source_address(info, "summarization"))
    published["summarization"] = await driver.publish()

    driver.pick_type("custom")
    driver.fill({"input": '{"text": "What a great day"}', "args": '{"top_k": 2}'})
    await driver.source_shown(source_address(info, "text-classification"))
    published["custom"] = await driver.publish()

    for task_type, done in published.items():
        check_review(done, info, task_type=task_type, sender=address)
    image_config = shown_config(published["image-classification"])
    assert image_config["data"]["input"].startswith("data:image/jpeg;base64,")
    vqa_input = shown_config(published["visual-question-answering"])["data"]["input"]
    assert vqa_input["question"] == "What colour is the corner?"
    assert vqa_input["image"].startswith("data:image/")
    assert shown_config(published["custom"])["data"] == {
        "input": {"text": "What a great day"}, "args": {"top_k": 2}}

    # Several texts: a batch of three tasks with one review.
    driver.pick_type("text-classification")
    driver.fill({"text": "\n".join(BATCH), "several": True})
    batch = await driver.publish()
    check_review(batch, info, task_type="text-classification", sender=address, count=3)
    assert [json.loads(part.split("\n", 1)[1])["data"]["input"]
            for part in batch.review_json.split("\n\n")] == list(BATCH)

    # The manual-confirmation source, picked from the network's sources.
    driver.fill({"text": "Nice and fun", "several": False})
    manual_source = source_address(info, "text-classification", "MANUAL_CONFIRMATION")
    await driver.browse_and_pick_source(manual_source)
    terms = driver.compose.source_picker.terms_label.text()
    assert "you confirm the answer you accept" in terms, terms
    manual = await driver.publish()
    check_review(manual, info, task_type="text-classification", sender=address,
                 delivery="MANUAL_CONFIRMATION")

    # The Tasks list follows every task to FINALIZED; the manual one waits with two responses.
    first_response = [t for done in published.values() for t in done.tasks] + batch.tasks
    await driver.tasks_reach(first_response, TaskState.FINALIZED)
    (manual_task,) = manual.tasks
    await driver.tasks_reach([manual_task], TaskState.RESPONDED, responses=2)
    detail = await driver.open_detail(manual_task)
    assert detail.responses.rowCount() == 2
    assert list(response_states(detail).values()) == ["Submitted"] * 2
    assert detail.confirm_button.isVisible()
    chosen = await driver.confirm_response(detail, 1)
    await driver.tasks_reach([manual_task], TaskState.FINALIZED)
    await wait_until(lambda: detail.status_label.text() == "Status: Done", "the detail")
    states = response_states(detail)
    assert states[chosen] == "Confirmed"
    assert sorted(states.values()) == ["Confirmed", "Submitted"]
    assert detail.confirm_button.isHidden()

    # Every viewer.
    (task,) = published["text-classification"].tasks
    detail = await driver.open_detail(task)
    check_detail(detail, ViewKind.LABEL_SCORES)
    rows = score_rows(detail)
    assert [label for label, _ in rows] == ["POSITIVE", "NEGATIVE"]
    assert abs(sum(score for _, score in rows) - 1) < 0.002
    check_raw_json_toggle(detail, "POSITIVE")

    (task,) = published["image-classification"].tasks
    detail = await driver.open_detail(task)
    check_detail(detail, ViewKind.LABEL_SCORES)
    rows = score_rows(detail)
    assert len(rows) == 5
    assert {label for label, _ in rows} <= set(IMAGE_LABELS)
    thumbnail = detail.image_label.pixmap()
    assert (thumbnail.width(), thumbnail.height()) == (220, 165)  # the dropped photo, shrunk
    check_raw_json_toggle(detail, rows[0][0])

    (task,) = published["text-generation"].tasks
    detail = await driver.open_detail(task)
    check_detail(detail, ViewKind.GENERATED_TEXTS)
    cards = card_texts(detail)
    assert len(cards) == 2
    assert all(c.startswith(f"Once upon a time {SANDBOX_MARK}") for c in cards), cards
    assert any(label.text() == "Answer 2 of 2"
               for label in rendered(detail).findChildren(QLabel))
    check_raw_json_toggle(detail, "generated_text")

    (task,) = published["visual-question-answering"].tasks
    detail = await driver.open_detail(task)
    check_detail(detail, ViewKind.ANSWERS)
    rows = score_rows(detail)
    assert len(rows) == 5
    assert {answer for answer, _ in rows} <= set(VQA_ANSWERS)
    thumbnail = detail.image_label.pixmap()
    assert (thumbnail.width(), thumbnail.height()) == (200, 150)  # never enlarged
    check_raw_json_toggle(detail, "answer")

    (task,) = published["translation"].tasks
    detail = await driver.open_detail(task)
    check_detail(detail, ViewKind.TRANSLATION)
    assert card_texts(detail) == [f"{SANDBOX_MARK} (fra_Latn) Hello, how are you?"]
    check_raw_json_toggle(detail, "translation_text")

    (task,) = published["summarization"].tasks
    detail = await driver.open_detail(task)
    check_detail(detail, ViewKind.SUMMARY)
    assert card_texts(detail) == [
        f"{SANDBOX_MARK} The quick brown fox jumps over the lazy dog."]
    check_raw_json_toggle(detail, "summary_text")

    (task,) = published["custom"].tasks
    detail = await driver.open_detail(task)
    check_detail(detail, ViewKind.LABEL_SCORES)
    assert [label for label, _ in score_rows(detail)] == ["POSITIVE", "NEGATIVE"]
    check_raw_json_toggle(detail, "POSITIVE")

    for task, (text, sentiment) in zip(batch.tasks, BATCH.items(), strict=True):
        detail = await driver.open_detail(task)
        check_detail(detail, ViewKind.LABEL_SCORES)
        rows = score_rows(detail)
        assert rows[0][0] == sentiment, (text, rows)
        assert json.loads(detail.config_box.toPlainText())["data"]["input"] == text

    detail = await driver.open_detail(manual_task)
    check_detail(detail, ViewKind.LABEL_SCORES, responses=2)
    assert score_rows(detail)[0][0] == "POSITIVE"


@pytest.mark.e2e
@pytest.mark.keychain
def test_a_user_publishes_every_task_type_and_reads_every_result(
    qtbot: QtBot, sandbox_info: dict[str, Any], tmp_path: Path, pictures: dict[str, Path],
    no_gc_in_threads: None,
) -> None:
    options = LaunchOptions(data_dir=tmp_path / "profile", sandbox_url=sandbox_info["rpc_url"])

    async def main() -> None:
        driver = await AppDriver.open(options)
        try:
            await asyncio.wait_for(flow(driver, sandbox_info, pictures), FLOW_LIMIT_S)
        finally:
            wallet = driver.controller.wallet
            await driver.close()
            # The account's key leaves the keychain with the test.
            if wallet is not None:
                for account in wallet.accounts():
                    wallet.remove(account.address, confirmed=True, export_offered=True)

    run_on_qt_loop(main())
    assert (tmp_path / "profile" / "logs" / "ogpu-desktop.log").is_file()
