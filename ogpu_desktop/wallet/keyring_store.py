"""The OS keychain key store, through the ``keyring`` library; it fails closed.

Item layout
-----------
All of the app's keys live in ONE keychain item: service ``"ogpu-desktop"``, username
``"account-keys"``, whose secret is a small JSON document
``{"version": 1, "keys": {"<checksummed address>": "<64 hex digits>"}}``.

Why one item: macOS asks "allow OGPU Desktop to use your keychain?" once per item, and Secret
Service unlock prompts and KeePassXC access confirmations are per item too. With one item a user
with five accounts answers one prompt instead of five, and listing accounts never needs the
keychain at all (the list lives in the settings file, without keys).

Trade-offs:

* Every change is a read-modify-write of the whole item. Inside the app a lock serialises these
  (so two imports at once cannot lose a key) and the item is re-read right before each write.
  Two app instances writing at the very same moment could still lose the other's change; the
  other instance's settings file still lists the account, and its key would then be reported as
  missing with a clear message, never silently replaced.
* Every read hands all keys to the process for the duration of one call, not just the one that
  is needed. They are dropped as soon as the call returns.
* Size: each account costs about 110 characters. Secret Service and the macOS Keychain take far
  more than any user will have; Windows Credential Manager caps a secret at 2560 bytes (about ten
  accounts, as it stores UTF-16). A write that the keychain rejects fails with a plain message.
* A damaged item (not our JSON) is reported, never overwritten, so keys are not lost.

Backends that are not a keychain are refused: keyring's ``fail`` and ``null`` backends, a
``chainer`` with nothing to chain, and every ``keyrings.alt`` backend (plaintext or
"encrypted" files, which prompt on a terminal). There is no file fallback.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import keyring
import keyring.backend
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import keyring.errors

from ogpu_desktop import APP_ID
from ogpu_desktop.domain.bounded_json import loads_bounded
from ogpu_desktop.wallet.errors import (
    LOCKED_KEYCHAIN_MESSAGE,
    NO_KEYCHAIN_MESSAGE,
    REFUSED_KEYCHAIN_MESSAGE,
    SESSION_ONLY_HINT,
    KeychainUnavailableError,
    WalletError,
)
from ogpu_desktop.wallet.key_store import AccountKind

_log = logging.getLogger(__name__)

SERVICE_NAME = APP_ID
ITEM_USERNAME = "account-keys"
ITEM_FORMAT_VERSION = 1
_REFUSED_MODULE_PREFIXES = ("keyrings.alt",)
_T = TypeVar("_T")


class KeyringKeyStore:
    """Keys in the OS keychain, all in one item (see the module docstring for the layout).

    Args:
        service: Keychain service name; the app uses :data:`SERVICE_NAME`.
        username: Name of the single item holding every key.
    """

    __slots__ = ("_lock", "_service", "_username")

    def __init__(self, service: str = SERVICE_NAME, username: str = ITEM_USERNAME) -> None:
        self._service = service
        self._username = username
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"KeyringKeyStore(service={self._service!r}, username={self._username!r})"

    @property
    def kind(self) -> AccountKind:
        """Always ``"keychain"``."""
        return "keychain"

    @property
    def service(self) -> str:
        """The keychain service name the item is stored under."""
        return self._service

    def check_available(self) -> None:
        """Raise ``KeychainUnavailableError`` if keyring has no acceptable backend (no prompt)."""
        usable_backend()

    def addresses(self) -> frozenset[str]:
        """Return the addresses whose keys are in the keychain item."""
        with self._lock:
            return frozenset(self._read_map())

    def get_key(self, address: str) -> bytes:
        """Return the key of ``address`` from the keychain."""
        with self._lock:
            key_hex = self._read_map().get(address)
        if key_hex is None:
            raise WalletError(
                f"The key of {address} is not in the keychain (it may have been deleted there). "
                "Import the account again from your backup."
            )
        return bytes.fromhex(key_hex)

    def put_key(self, address: str, key: bytes) -> None:
        """Add the key of ``address`` to the keychain item."""
        with self._lock:
            keys = self._read_map()
            keys[address] = bytes(key).hex()
            self._write_map(keys)
            del keys

    def delete_key(self, address: str) -> None:
        """Remove the key of ``address``; delete the item when it was the last one."""
        with self._lock:
            keys = self._read_map()
            if address not in keys:
                return
            del keys[address]
            if keys:
                self._write_map(keys)
            else:
                _call_backend(
                    lambda backend: _delete_if_present(backend, self._service, self._username)
                )
            del keys

    def _read_map(self) -> dict[str, str]:
        secret = _call_backend(lambda backend: backend.get_password(self._service, self._username))
        if secret is None:
            return {}
        keys = _parse_item(secret)
        del secret
        if keys is None:
            raise WalletError(
                f"The keychain item '{self._username}' of '{self._service}' is damaged and "
                "cannot be read. It was left untouched; restore your accounts from their backups "
                "or remove that item in your keychain manager."
            )
        return keys

    def _write_map(self, keys: dict[str, str]) -> None:
        secret = json.dumps({"version": ITEM_FORMAT_VERSION, "keys": keys}, sort_keys=True)
        service, username = self._service, self._username
        _call_backend(lambda backend: backend.set_password(service, username, secret))


def usable_backend() -> keyring.backend.KeyringBackend:
    """Return keyring's current backend, or raise ``KeychainUnavailableError`` if it is no keychain.

    Refuses ``fail``/``null`` backends, an empty ``chainer``, and any ``keyrings.alt`` backend.
    """
    backend = keyring.get_keyring()
    members = _chained(backend)
    for member in members:
        module = type(member).__module__
        if module.startswith(_REFUSED_MODULE_PREFIXES):
            raise KeychainUnavailableError(
                f"keyring is set to use {type(member).__name__} from {module}, which keeps "
                "secrets in a file rather than a keychain; OGPU Desktop will not store keys "
                "there. Remove keyrings.alt or its keyring configuration (keyringrc.cfg, "
                f"PYTHON_KEYRING_BACKEND) and use your system keychain, {SESSION_ONLY_HINT}"
            )
    usable = [m for m in members if not isinstance(m, _NOT_A_KEYCHAIN)]
    if not usable:
        raise KeychainUnavailableError(NO_KEYCHAIN_MESSAGE)
    return backend


_NOT_A_KEYCHAIN = (keyring.backends.fail.Keyring, keyring.backends.null.Keyring)


def _chained(backend: keyring.backend.KeyringBackend) -> list[keyring.backend.KeyringBackend]:
    if isinstance(backend, keyring.backends.chainer.ChainerBackend):
        return list(backend.backends)
    return [backend]


def _call_backend(operation: Callable[[keyring.backend.KeyringBackend], _T]) -> _T:
    """Run ``operation`` on the usable backend; turn every failure into a plain-words error.

    The translated error is raised outside the ``except`` block so that neither ``__cause__`` nor
    ``__context__`` keeps the original exception (whose frames may hold the secret).
    """
    backend = usable_backend()
    try:
        return operation(backend)
    except Exception as exc:  # any backend failure means: fail closed
        error = translate_backend_error(exc)
        _log.warning("Keychain access failed: %s", type(exc).__name__)
        del exc
    raise error from None


def translate_backend_error(exc: BaseException) -> WalletError:  # noqa: PLR0911 - one per cause
    """Map an exception from keyring, SecretStorage or D-Bus to a message a person can act on.

    Only the exception's type and D-Bus error name are used, never its text, which could in
    principle echo what was being stored.
    """
    if isinstance(exc, WalletError):
        return exc
    names = {cls.__name__ for cls in type(exc).__mro__}
    if isinstance(exc, keyring.errors.KeyringLocked) or "LockedException" in names:
        return KeychainUnavailableError(LOCKED_KEYCHAIN_MESSAGE)
    if "PromptDismissedException" in names:
        return KeychainUnavailableError(REFUSED_KEYCHAIN_MESSAGE)
    if isinstance(exc, keyring.errors.PasswordSetError):
        return KeychainUnavailableError(
            "The keychain did not accept the update of OGPU Desktop's keys (it may be full, "
            f"read-only or refusing access). Check your keychain and try again, {SESSION_ONLY_HINT}"
        )
    dbus_name = _dbus_error_name(exc)
    not_running = "SecretServiceNotAvailableException" in names
    if isinstance(exc, keyring.errors.InitError | keyring.errors.NoKeyringError) or not_running:
        return KeychainUnavailableError(NO_KEYCHAIN_MESSAGE)
    if dbus_name:
        return KeychainUnavailableError(
            f"The keychain could not be reached (D-Bus said {dbus_name}). {NO_KEYCHAIN_MESSAGE}"
        )
    if isinstance(exc, OSError):
        # jeepney connects to the session bus socket itself: no socket means no D-Bus session.
        return KeychainUnavailableError(
            f"The keychain could not be reached (no D-Bus session bus). {NO_KEYCHAIN_MESSAGE}"
        )
    return KeychainUnavailableError(
        f"The keychain could not be used ({type(exc).__name__}). Check that it is running and "
        f"unlocked and try again, {SESSION_ONLY_HINT}"
    )


def _dbus_error_name(exc: BaseException) -> str | None:
    # jeepney's DBusErrorResponse carries the D-Bus error name (e.g. ...ServiceUnknown).
    name = getattr(exc, "name", None)
    if type(exc).__name__ == "DBusErrorResponse" and isinstance(name, str):
        return name
    return None


def _parse_item(secret: str) -> dict[str, str] | None:
    """Parse the item's JSON, or return ``None`` when it is not ours (never echoing it)."""
    try:
        document: Any = loads_bounded(secret)
    except ValueError:
        # JSONDecodeError keeps the whole document in ``.doc``: drop it here, inside the block.
        return None
    if not isinstance(document, dict) or document.get("version") != ITEM_FORMAT_VERSION:
        return None
    keys = document.get("keys")
    if not isinstance(keys, dict) or not all(
        isinstance(a, str) and isinstance(k, str) and _is_key_hex(k) for a, k in keys.items()
    ):
        return None
    return dict(keys)


def _is_key_hex(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _delete_if_present(
    backend: keyring.backend.KeyringBackend, service: str, username: str
) -> None:
    try:
        backend.delete_password(service, username)
    except keyring.errors.PasswordDeleteError:
        # Already gone: the goal (no item) is reached.
        return
