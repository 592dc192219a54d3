"""A whole Sandbox session through the real wallet, keychain and services leaves no key behind."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from eth_account import Account as EthAccount

from ogpu_desktop.config import AppPaths
from ogpu_desktop.domain.result_views import LabelScoresView
from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.log import LOG_FILE_NAME, configure_logging
from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.faucet_client import faucet_request
from ogpu_desktop.services.publish import PublishService
from ogpu_desktop.services.results import ResultsService
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.sources import SourceService
from ogpu_desktop.services.tracking import FINALIZED, TrackingService
from ogpu_desktop.store import Store
from ogpu_desktop.wallet import KeyringKeyStore, Wallet, WalletError, WrongChainError
from ogpu_desktop.wallet.account_list import SETTINGS_FILE_NAME
from ogpu_desktop.wallet.private_keys import decrypt_keystore
from tests.helpers.keychain import require_keychain
from tests.helpers.leak_scan import files_under, scan_files, scan_objects, scan_texts
from tests.helpers.log_capture import CapturingHandler, capture_all_logs
from tests.sandbox_node.conftest import SandboxProcess, running_sandbox

EXPORT_PASSWORD = "correct horse battery staple"
FUNDED_WAIT_S = 30.0
FINALIZE_WAIT_S = 60.0
POLL_PAUSE_S = 0.3
TEMPORARY_FOLDERS = (
    "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME",
    "XDG_RUNTIME_DIR",
)


@pytest.fixture(autouse=True)
def _require_keychain(request: pytest.FixtureRequest) -> None:
    require_keychain(request)


@pytest.fixture
def keychain_store() -> Iterator[KeyringKeyStore]:
    """The real keychain, under a service name of its own that is removed after the test."""
    store = KeyringKeyStore(service=f"ogpu-desktop-leak-test-{uuid.uuid4().hex[:12]}")
    yield store
    with contextlib.suppress(keyring.errors.KeyringError):
        keyring.get_keyring().delete_password(store.service, "account-keys")


@pytest.fixture
def profile(tmp_path: Path) -> AppPaths:
    """A separate profile (``--data-dir``) with its four folders created."""
    paths = AppPaths.for_profile(tmp_path / "profile")
    paths.ensure()
    return paths


@pytest.fixture
def debug_logs(profile: AppPaths) -> Iterator[CapturingHandler]:
    """The app's log file at DEBUG in the profile, plus every record of every library captured.

    The capturing handler is also put first on the app's logger, so it sees the app's records
    as logged, before the file handler's redaction filter rewrites them.
    """
    app_logger = logging.getLogger("ogpu_desktop")
    app_level, app_handlers = app_logger.level, list(app_logger.handlers)
    with capture_all_logs(logging.DEBUG) as captured:
        configure_logging(profile.log_dir, logging.DEBUG)
        added = [h for h in app_logger.handlers if h not in app_handlers]
        app_logger.handlers.insert(0, captured)
        try:
            yield captured
        finally:
            app_logger.removeHandler(captured)
            for handler in added:
                app_logger.removeHandler(handler)
                handler.close()
            app_logger.setLevel(app_level)


@pytest.fixture
def sandbox() -> Iterator[SandboxProcess]:
    """A Sandbox process (logging each step on stderr) that also ends if this process dies."""
    with running_sandbox("--exit-with-parent", "--verbose") as running:
        yield running


def home_is_temporary() -> bool:
    """True when HOME is under the system's temporary folder (a throw-away test session)."""
    home = Path(os.environ.get("HOME", "/")).resolve()
    return home.is_relative_to(Path(tempfile.gettempdir()).resolve())


def test_the_scanner_finds_a_planted_key(tmp_path: Path) -> None:
    """The search below could fail: a key planted in any searched form is found."""
    key = bytes(EthAccount.create().key)
    forms = {
        "hex.txt": key.hex(),
        "HEX.txt": "0X" + key.hex().upper(),
        "prefixed.json": '{"k": "0x' + key.hex() + '"}',
        "bytes.b64": base64.b64encode(b"pad" + key).decode(),
        "urlsafe.b64": base64.urlsafe_b64encode(key).decode(),
        "hex-text.b64": base64.b64encode(("0x" + key.hex()).encode()).decode(),
    }
    nested = tmp_path / "deep" / "er"
    nested.mkdir(parents=True)
    for name, text in forms.items():
        (nested / name).write_text(f"before {text} after\n")
    (tmp_path / "clean.txt").write_text(key.hex()[:-2] + "zz")
    excluded = tmp_path / "backup.json"
    excluded.write_text(key.hex())
    hits = scan_files([tmp_path], [key], exclude=[excluded])
    assert {Path(hit.where).name for hit in hits} == set(forms)
    assert {hit.form for hit in hits} == {
        "hex", "base64 of the key bytes", "base64 of the key hex",
    }
    assert excluded.resolve() not in files_under([tmp_path], exclude=[excluded])
    with capture_all_logs() as captured:
        logging.getLogger("some.library").debug("got %s", key)
    assert [hit.where for hit in scan_texts(captured.lines, [key])] == ["some.library"]


async def wait_for_funds(actions: ActionService, address: str) -> int:
    deadline = time.monotonic() + FUNDED_WAIT_S
    while time.monotonic() < deadline:
        balance = (await actions.balances(address)).wallet
        if balance > 0:
            return balance
        await asyncio.sleep(POLL_PAUSE_S)
    raise AssertionError(f"the faucet's tokens never reached {address}")


async def wait_until_finalized(tracking: TrackingService, session: ChainSession, task: str) -> int:
    """Poll like the app does until ``task`` is FINALIZED; return the number of polls."""
    deadline = time.monotonic() + FINALIZE_WAIT_S
    polls = 0
    while time.monotonic() < deadline:
        await tracking.poll_once()
        polls += 1
        record = session.store.tasks.get_task(session.chain_id, task)
        if record is not None and record.status == FINALIZED:
            return polls
        await asyncio.sleep(POLL_PAUSE_S)
    raise AssertionError(f"task {task} was not finalized within {FINALIZE_WAIT_S:.0f} s")


@pytest.mark.keychain
@pytest.mark.asyncio
async def test_a_whole_sandbox_session_leaves_no_key_behind(
    tmp_path: Path,
    profile: AppPaths,
    keychain_store: KeyringKeyStore,
    debug_logs: CapturingHandler,
    sandbox: SandboxProcess,
) -> None:
    """Create, import, fund, deposit, publish, track, fetch, export, remove; then search.

    Searched: every file under the temporary folder holding the profile (its config, data,
    cache and log folders), the temporary HOME and XDG folders of a throw-away test session,
    every log record of every library (captured at DEBUG, before the app's redaction filter can
    mask anything), the reprs of what the services returned, and whatever the Sandbox wrote on
    stderr. Two files need a word:

    * The exported keystore is left out: it holds the key by design, encrypted with a password.
    * gnome-keyring's own storage (``$XDG_DATA_HOME/keyrings/*.keyring``) IS searched. It holds
      the keys too, but encrypted with the keyring's password, so the scanner cannot see them
      there; a hit in it would mean the key was written in the clear. The test checks that the
      file exists and is not empty, so the search provably covered it.
    """
    keys: list[bytes] = []
    seen: list[object] = []
    store = Store.in_folder(profile.data_dir)
    wallet = Wallet(profile.config_dir / SETTINGS_FILE_NAME, keychain=keychain_store)
    session = await ChainSession.open_sandbox(sandbox.info["rpc_url"] + "/info", store)
    try:
        # Create an account: its key is shown once for the backup, then never again.
        created = await wallet.create_account_async("Main")
        keys.append(bytes.fromhex((await created.reveal_key_async()).removeprefix("0x")))
        seen += [created, created.confirm_backup()]
        with pytest.raises(WalletError) as refused_reveal:
            await created.reveal_key_async()
        seen.append(refused_reveal.value)
        address = created.address
        wallet.set_active(address)

        # Import a second account from a pasted hex key; the Sandbox's own account.
        imported_key = bytes(EthAccount.create().key)
        keys.append(imported_key)
        imported = await wallet.import_private_key_async("0x" + imported_key.hex(), "Imported")
        seen.append(imported)
        sandbox_address = await wallet.ensure_sandbox_account_async()
        keys.append(keychain_store.get_key(sandbox_address))

        # Fund through the faucet and move a payment into the vault.
        actions = ActionService(session)
        seen.append(await faucet_request(sandbox.info["faucet_url"])(address))
        await wait_for_funds(actions, address)
        source = next(
            s["address"] for s in sandbox.info["sources"]
            if s["pipeline"] == "text-classification" and s["delivery"] == "FIRST_RESPONSE"
        )
        payment = (await SourceService(session).get(source)).min_payment_wei
        signer = wallet.signer_for(address, session.chain_id)
        seen += [signer, await actions.deposit(signer, payment)]
        wrong_chain = wallet.signer_for(address, session.chain_id + 1)
        with pytest.raises(WrongChainError) as refused_chain:
            await actions.deposit(wrong_chain, payment)
        seen.append(refused_chain.value)
        assert (await actions.balances(address)).vault_available == payment

        # Publish one sentiment task, follow it to FINALIZED and fetch its result.
        publish = PublishService(session)
        config = {"function_name": "inference", "data": {"input": "A lovely day", "args": {}}}
        preview = await publish.preview(
            [config], source=source, payment_wei=payment, duration_s=600, sender=address,
            task_type="text-classification",
        )
        assert preview.can_publish, preview.problems
        outcome = await publish.execute(preview, wallet.signer_for(address, session.chain_id))
        seen += [preview, outcome]
        (published,) = outcome.published
        assert published.task is not None
        tracking = TrackingService(session)
        await wait_until_finalized(tracking, session, published.task)
        (response,) = store.tasks.responses_of(session.chain_id, published.task)
        result = await ResultsService(session).fetch(response.address)
        seen.append(result)
        assert isinstance(result.view, LabelScoresView)

        # Export an encrypted keystore of the imported account, then remove that account.
        backup = tmp_path / "user-files" / "imported-backup.json"
        backup.parent.mkdir()
        seen.append(await wallet.export_keystore_async(imported.address, backup, EXPORT_PASSWORD))
        assert decrypt_keystore(backup.read_bytes(), EXPORT_PASSWORD) == imported_key
        await wallet.remove_async(imported.address, confirmed=True, export_offered=True)
        assert [a.address for a in wallet.accounts()] == [address, sandbox_address]
        seen.append(wallet)
    finally:
        await session.close()
        store.close()

    assert len(set(keys)) == 3
    roots = [tmp_path]
    if home_is_temporary():
        roots += [Path(os.environ[name]) for name in TEMPORARY_FOLDERS if os.environ.get(name)]
    searched = set(files_under(roots, exclude=[backup]))
    log_file = (profile.log_dir / LOG_FILE_NAME).resolve()
    for expected in (
        log_file,
        (profile.config_dir / SETTINGS_FILE_NAME).resolve(),
        (profile.data_dir / "history.sqlite3").resolve(),
    ):
        assert expected in searched, f"{expected} was not written or not searched"
    assert backup.resolve() not in searched
    if home_is_temporary():
        keyrings = [path for path in searched if path.suffix == ".keyring"]
        assert any(path.stat().st_size > 0 for path in keyrings), "no gnome-keyring storage"
    assert "Added account" in log_file.read_text(encoding="utf-8")
    logged_by = debug_logs.names()
    assert any(name.startswith("ogpu_desktop.") for name in logged_by), logged_by
    assert any(not name.startswith("ogpu_desktop") for name in logged_by), logged_by
    sandbox_log = sandbox.stderr()  # empty when all went well; searched all the same

    assert scan_files(roots, keys, exclude=[backup]) == []
    assert scan_texts(debug_logs.lines, keys) == []
    assert scan_texts([("sandbox stderr", sandbox_log)], keys) == []
    assert sum(isinstance(value, UserFacingError) for value in seen) == 2
    assert scan_objects(seen, keys) == []
