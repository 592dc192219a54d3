"""Fixtures for the wallet tests: a real Secret Service (gnome-keyring), isolated per test.

Tests marked ``keychain`` skip when no unlocked Secret Service is reachable, and fail instead
when ``OGPU_REQUIRE_KEYCHAIN=1`` (see :mod:`tests.helpers.keychain`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest

from ogpu_desktop.wallet import KeyringKeyStore, Wallet
from tests.helpers.keychain import no_keychain, require_keychain

__all__ = ["no_keychain"]

TEST_KEYRING_PASSWORD = os.environ.get("OGPU_TEST_KEYRING_PASSWORD", "ogpu-test-keyring")


@pytest.fixture(autouse=True)
def _require_keychain(request: pytest.FixtureRequest) -> None:
    require_keychain(request)


def home_is_temporary() -> bool:
    """True when HOME is under the system's temporary folder (a throw-away test session)."""
    home = Path(os.environ.get("HOME", "/")).resolve()
    return home.is_relative_to(Path(tempfile.gettempdir()).resolve())


@pytest.fixture
def keychain_store() -> Iterator[KeyringKeyStore]:
    """A keychain store under a service name of its own, removed after the test."""
    store = KeyringKeyStore(service=f"ogpu-desktop-test-{uuid.uuid4().hex[:12]}")
    yield store
    backend = keyring.get_keyring()
    with contextlib.suppress(keyring.errors.KeyringError):
        backend.delete_password(store.service, "account-keys")


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    """Where the wallet's settings file goes (a profile's config folder)."""
    return tmp_path / "profile" / "config" / "wallet.json"


@pytest.fixture
def wallet(settings_file: Path, keychain_store: KeyringKeyStore) -> Wallet:
    """A wallet on the real keychain, with its own settings file."""
    return Wallet(settings_file, keychain=keychain_store)


@pytest.fixture
def use_backend() -> Iterator[Callable[[keyring.backend.KeyringBackend], None]]:
    """Set keyring's backend for one test and restore the previous one after."""
    previous = keyring.get_keyring()

    def setter(backend: keyring.backend.KeyringBackend) -> None:
        keyring.set_keyring(backend)

    yield setter
    keyring.set_keyring(previous)


@pytest.fixture
def lock_keychain() -> Iterator[Callable[[], None]]:
    """Return a function that locks the default Secret Service collection; unlock it after.

    Unlocking without a prompt uses gnome-keyring's internal master-password call, so this
    only runs in a throw-away session (HOME under the temporary folder), never on a real login
    keyring.
    """
    if not home_is_temporary():
        pytest.skip("locking the keychain is only done in a throw-away test session")
    import secretstorage  # noqa: PLC0415 - Linux only
    from secretstorage.util import (  # noqa: PLC0415
        DBusAddressWrapper,
        format_secret,
        open_session,
    )

    connection = secretstorage.dbus_init()
    collection = secretstorage.get_default_collection(connection)

    def lock() -> None:
        collection.lock()
        assert collection.is_locked()

    yield lock
    if collection.is_locked():
        service = DBusAddressWrapper(
            "/org/freedesktop/secrets", "org.freedesktop.Secret.Service", connection
        )
        real_path = service.call("ReadAlias", "s", "default")[0]
        secret = format_secret(
            open_session(connection), TEST_KEYRING_PASSWORD.encode(), "text/plain"
        )
        internal = DBusAddressWrapper(
            "/org/freedesktop/secrets",
            "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
            connection,
        )
        internal.call("UnlockWithMasterPassword", "o(oayays)", real_path, secret)
    unlocked = not collection.is_locked()
    connection.close()
    assert unlocked, "the test keyring could not be unlocked again"
