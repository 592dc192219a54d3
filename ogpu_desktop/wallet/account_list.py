"""The list of accounts (no keys) and its JSON settings file in the profile's config folder."""

from __future__ import annotations

import json
import os
import tempfile
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ogpu_desktop.domain.bounded_json import loads_bounded
from ogpu_desktop.errors import ValidationError
from ogpu_desktop.wallet.errors import WalletError
from ogpu_desktop.wallet.key_store import AccountKind

SETTINGS_FILE_NAME = "wallet.json"
SETTINGS_VERSION = 1
MAX_LABEL_LENGTH = 60


@dataclass(frozen=True)
class Account:
    """One account as the user sees it. Holds no key.

    Attributes:
        address: Checksummed address.
        label: Name the user gave it.
        created_at: When it was added to this app (UTC).
        backup_confirmed: Whether the user confirmed keeping a backup of its key.
        kind: ``"keychain"`` (kept in the OS keychain) or ``"session"`` (in memory only,
            forgotten when the app quits).
    """

    address: str
    label: str
    created_at: datetime
    backup_confirmed: bool
    kind: AccountKind

    @property
    def is_session_only(self) -> bool:
        """True when the key is forgotten when the app quits."""
        return self.kind == "session"


@dataclass(frozen=True)
class WalletSettings:
    """What the settings file holds: keychain accounts, the active one, the Sandbox's one."""

    accounts: tuple[Account, ...] = ()
    active_address: str | None = None
    sandbox_address: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def with_accounts(self, accounts: tuple[Account, ...]) -> WalletSettings:
        """Return a copy with ``accounts`` replaced."""
        return replace(self, accounts=accounts)


def load_settings(path: Path) -> WalletSettings:
    """Read the settings file; a missing file means no accounts yet.

    Raises:
        WalletError: When the file exists but cannot be read or understood (it is left as is).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return WalletSettings()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        text = None
    if text is None:
        raise WalletError(f"The wallet settings file {path} cannot be read ({reason}).") from None
    try:
        return _from_json(loads_bounded(text))
    except (ValueError, KeyError, TypeError):
        problem = (
            f"The wallet settings file {path} is damaged. Your keys are still in the keychain; "
            "move the file away and import your accounts again from their backups."
        )
    raise WalletError(problem) from None


def save_settings(path: Path, settings: WalletSettings) -> None:
    """Write the settings file atomically (temporary file, then rename), private to the user."""
    document = {
        "version": SETTINGS_VERSION,
        "active_address": settings.active_address,
        "sandbox_address": settings.sandbox_address,
        "accounts": [_account_to_json(a) for a in settings.accounts if a.kind == "keychain"],
        **settings.extra,
    }
    problem: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temp_name = tempfile.mkstemp(prefix=".wallet-", suffix=".json", dir=path.parent)
    except OSError as exc:
        problem = f"The wallet settings could not be saved in {path.parent} ({exc.strerror})."
    if problem is not None:
        raise WalletError(problem) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        problem = f"The wallet settings could not be saved to {path} ({exc.strerror})."
    else:
        return
    raise WalletError(problem) from None


def _account_to_json(account: Account) -> dict[str, Any]:
    return {
        "address": account.address,
        "label": account.label,
        "created_at": account.created_at.isoformat(),
        "backup_confirmed": account.backup_confirmed,
        "kind": account.kind,
    }


def _from_json(document: Any) -> WalletSettings:
    if not isinstance(document, dict) or document.get("version") != SETTINGS_VERSION:
        raise ValueError("unknown settings format")
    accounts = tuple(
        Account(
            address=str(item["address"]),
            label=str(item["label"]),
            created_at=_parse_time(str(item["created_at"])),
            backup_confirmed=bool(item["backup_confirmed"]),
            kind="keychain",
        )
        for item in document["accounts"]
        # Session-only accounts are never written; skip any that a future version might write.
        if item.get("kind", "keychain") == "keychain"
    )
    known = {"version", "active_address", "sandbox_address", "accounts"}
    addresses = {a.address for a in accounts}
    active = document.get("active_address")
    sandbox = document.get("sandbox_address")
    return WalletSettings(
        accounts=accounts,
        active_address=active if active in addresses else None,
        sandbox_address=sandbox if sandbox in addresses else None,
        extra={k: v for k, v in document.items() if k not in known},
    )


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def clean_label(label: str | None, default: str | None) -> str:
    """Tidy a label typed by the user (spaces collapsed); ``default`` when it is blank."""
    text = " ".join((label or "").split())
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise ValidationError("A label cannot contain control characters.", "label")
    if len(text) > MAX_LABEL_LENGTH:
        raise ValidationError(
            f"A label can be at most {MAX_LABEL_LENGTH} characters; this one has {len(text)}.",
            "label",
        )
    if not text:
        if default is None:
            raise ValidationError("Type a name for the account.", "label")
        return default
    return text
