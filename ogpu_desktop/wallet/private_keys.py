"""Checking, deriving and (de)crypting private keys, with messages that never echo the key."""

from __future__ import annotations

import json
import logging
import os
import string
import tempfile
from pathlib import Path
from typing import Any

from eth_account import Account

from ogpu_desktop.domain.bounded_json import loads_bounded
from ogpu_desktop.errors import ValidationError
from ogpu_desktop.wallet.errors import WalletError

_log = logging.getLogger(__name__)

SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
"""Valid private keys are 1 .. order - 1."""

MIN_EXPORT_PASSWORD_LENGTH = 8
MAX_KEYSTORE_FILE_BYTES = 64 * 1024
_HEX_DIGITS = frozenset(string.hexdigits)


def parse_hex_private_key(text: str) -> bytes:
    """Turn a pasted hex private key (with or without ``0x``) into 32 key bytes.

    Raises:
        ValidationError: With ``field="private_key"`` and a message that says what is wrong
            (empty, not hex, wrong length, zero, out of range) without repeating the input.
    """
    digits = text.strip()
    if digits[:2] in ("0x", "0X"):
        digits = digits[2:]
    problem = _hex_key_problem(digits)
    if problem is not None:
        raise ValidationError(problem, "private_key")
    return bytes.fromhex(digits)


def _hex_key_problem(digits: str) -> str | None:
    if not digits:
        return "Paste a private key: 64 hexadecimal characters (0-9, a-f), with or without 0x."
    bad = next((i for i, c in enumerate(digits) if c not in _HEX_DIGITS), None)
    if bad is not None:
        return (
            "A private key uses only hexadecimal characters (0-9, a-f); character "
            f"{bad + 1} is something else. Check that you copied the key and nothing around it."
        )
    if len(digits) != 64:
        hint = ""
        if len(digits) == 40:
            hint = " That is the length of an address, not of a private key."
        return (
            f"A private key is 64 hexadecimal characters (32 bytes); this one has {len(digits)}."
            f"{hint}"
        )
    value = int(digits, 16)
    if value == 0:
        return "A private key of all zeros is not a valid key."
    if value >= SECP256K1_ORDER:
        return (
            "This number is larger than the largest valid private key (the secp256k1 curve "
            "order), so it is not a valid key."
        )
    return None


def address_of(key: bytes) -> str:
    """Return the checksummed address of a valid 32-byte private key."""
    problem = _hex_key_problem(bytes(key).hex())
    if problem is not None:
        raise ValidationError(problem, "private_key")
    account = Account.from_key(key)
    address = str(account.address)
    del account
    return address


def new_private_key() -> bytes:
    """Return a fresh random private key (from the OS's secure random source)."""
    account = Account.create()
    key = bytes(account.key)
    del account
    return key


def read_keystore_file(path: Path) -> bytes:
    """Read a keystore file's bytes, with plain messages for missing, unreadable or huge files."""
    try:
        size = path.stat().st_size
        if size > MAX_KEYSTORE_FILE_BYTES:
            problem = (
                f"{path.name} is {size:,} bytes, too large to be a keystore file (they are about "
                "500 bytes). Choose the JSON keystore file of the account."
            )
        else:
            return path.read_bytes()
    except FileNotFoundError:
        problem = f"The file {path} does not exist."
    except IsADirectoryError:
        problem = f"{path} is a folder; choose the keystore file inside it."
    except OSError as exc:
        problem = f"The file {path} cannot be read ({exc.strerror or type(exc).__name__})."
    raise ValidationError(problem, "keystore_file") from None


def decrypt_keystore(content: bytes | str, password: str) -> bytes:
    """Decrypt an Ethereum keystore (version 3 JSON) and return its 32-byte key.

    This runs scrypt or PBKDF2 and takes about a second: call it from an executor.

    Raises:
        ValidationError: ``field="password"`` for a wrong password, ``field="keystore_file"``
            for a file that is not a readable keystore.
    """
    document = _parse_keystore_json(content)
    problem: ValidationError | None = None
    try:
        key = bytes(Account.decrypt(document, password))
    except ValueError as exc:
        if "MAC mismatch" in str(exc):
            problem = ValidationError(
                "Wrong password for this keystore file. Check it (passwords are case-sensitive) "
                "and try again.",
                "password",
            )
        else:
            problem = _damaged_keystore(exc)
        del exc
    except (KeyError, TypeError, AttributeError, NotImplementedError) as exc:
        problem = _damaged_keystore(exc)
        del exc
    if problem is not None:
        raise problem from None
    key_problem = _hex_key_problem(key.hex())
    if key_problem is not None:
        del key
        raise ValidationError(
            "The keystore file decrypts to something that is not a valid private key; the file "
            "is damaged.",
            "keystore_file",
        )
    stated = document.get("address")
    if isinstance(stated, str) and stated.lower().removeprefix("0x") != address_of(
        key
    ).lower().removeprefix("0x"):
        del key
        raise ValidationError(
            "The address written in this keystore file does not match its key; the file is "
            "damaged or was edited.",
            "keystore_file",
        )
    return key


def _parse_keystore_json(content: bytes | str) -> dict[str, Any]:
    problem: str | None = None
    if len(content) > MAX_KEYSTORE_FILE_BYTES:
        raise ValidationError(
            "This is too large to be a keystore file (they are about 500 bytes).", "keystore_file"
        )
    try:
        document = loads_bounded(content)
    except (ValueError, UnicodeDecodeError):
        problem = "This file is not a keystore: it is not valid JSON."
        document = None
    if problem is None and (
        not isinstance(document, dict)
        or not isinstance(document.get("crypto", document.get("Crypto")), dict)
    ):
        problem = (
            'This file is not an Ethereum keystore (a JSON file with a "crypto" section, as '
            "saved by MetaMask, geth or OGPU Desktop)."
        )
    if problem is not None or not isinstance(document, dict):
        raise ValidationError(problem or "This file is not a keystore.", "keystore_file")
    return document


def _damaged_keystore(exc: BaseException) -> ValidationError:
    detail = ""
    if isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0], str):
        field = exc.args[0]
        if field.isidentifier() and len(field) <= 40:
            detail = f" (the field '{field}' is missing)"
    elif isinstance(exc, NotImplementedError):
        detail = " (it uses an encryption method that is not supported)"
    return ValidationError(
        f"This keystore file is damaged or in a format that cannot be read{detail}.",
        "keystore_file",
    )


def check_export_password(password: str) -> None:
    """Refuse passwords too short to protect an exported key."""
    if len(password) < MIN_EXPORT_PASSWORD_LENGTH:
        raise ValidationError(
            f"Choose a password of at least {MIN_EXPORT_PASSWORD_LENGTH} characters to protect "
            "the exported key; you will need it to import the file again.",
            "password",
        )


def write_keystore_file(key: bytes, password: str, path: Path) -> Path:
    """Encrypt ``key`` (scrypt) and write the keystore JSON to ``path``, readable only by the user.

    The file is written next to its destination, made private (mode 0600), then moved into
    place, so a half-written keystore never replaces a good one. Slow (scrypt): use an executor.
    """
    check_export_password(password)
    document = Account.encrypt(key, password)
    text = json.dumps(document, indent=2)
    target = path.expanduser()
    if target.is_dir():
        raise ValidationError(f"{target} is a folder; choose a file name.", "export_path")
    problem: str | None = None
    try:
        # mkstemp creates the file private to the user (0600) before anything is written to it.
        fd, temp_name = tempfile.mkstemp(prefix=".ogpu-keystore-", dir=target.parent)
    except OSError as exc:
        problem = f"Cannot write in {target.parent} ({exc.strerror or type(exc).__name__})."
    if problem is not None:
        raise WalletError(problem) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
        os.chmod(target, 0o600)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        problem = (
            f"The keystore could not be saved to {target} ({exc.strerror or type(exc).__name__})."
        )
    if problem is not None:
        raise WalletError(problem) from None
    _log.info("Exported an encrypted keystore to %s", target)
    return target


def keystore_stated_address(content: bytes | str) -> str | None:
    """The address a keystore JSON states in clear (lowercase, ``0x``), if it states one."""
    try:
        document = loads_bounded(content)
    except (ValueError, UnicodeDecodeError):
        return None
    stated = document.get("address") if isinstance(document, dict) else None
    if not isinstance(stated, str) or len(stated.removeprefix("0x")) != 40:
        return None
    return "0x" + stated.removeprefix("0x")
