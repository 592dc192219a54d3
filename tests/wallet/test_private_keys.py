"""Parsing pasted keys and reading keystore files: plain messages that never echo the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account import Account

from ogpu_desktop.errors import ValidationError
from ogpu_desktop.wallet.private_keys import (
    SECP256K1_ORDER,
    decrypt_keystore,
    parse_hex_private_key,
    read_keystore_file,
)

KEY = bytes.fromhex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")


def fast_keystore(key: bytes, password: str) -> dict[str, object]:
    """A real keystore with cheap PBKDF2 so tests stay quick (the app exports scrypt)."""
    return dict(Account.encrypt(key, password, kdf="pbkdf2", iterations=2))


def assert_clean(error: BaseException, secret: str) -> None:
    """The error, its repr and its chain mention nothing of ``secret``."""
    assert error.__cause__ is None
    assert error.__context__ is None
    for text in (str(error), repr(error)):
        assert secret.lower() not in text.lower()


@pytest.mark.parametrize(
    "text",
    [KEY.hex(), "0x" + KEY.hex(), "0X" + KEY.hex().upper(), f"  {KEY.hex()}\n"],
)
def test_accepts_a_key_with_or_without_0x(text: str) -> None:
    assert parse_hex_private_key(text) == KEY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "Paste a private key"),
        (KEY.hex()[:-1], "this one has 63"),
        (KEY.hex() + "a", "this one has 65"),
        ("0x" + "ab" * 20, "length of an address"),
        (KEY.hex()[:10] + "g" + KEY.hex()[11:], "character 11 is something else"),
        ("0" * 64, "all zeros"),
        (f"{SECP256K1_ORDER:064x}", "larger than the largest valid private key"),
        ("f" * 64, "larger than the largest valid private key"),
    ],
)
def test_refuses_bad_keys_with_a_clear_message(text: str, expected: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_hex_private_key(text)
    assert expected in caught.value.message
    assert caught.value.field == "private_key"
    if text.strip():
        assert_clean(caught.value, text.strip().removeprefix("0x"))


def test_the_largest_valid_key_is_accepted() -> None:
    assert parse_hex_private_key(f"{SECP256K1_ORDER - 1:064x}") == (SECP256K1_ORDER - 1).to_bytes(
        32, "big"
    )


def test_decrypts_a_keystore() -> None:
    document = fast_keystore(KEY, "correct horse")
    assert decrypt_keystore(json.dumps(document), "correct horse") == KEY


def test_wrong_keystore_password_is_named_as_such() -> None:
    document = fast_keystore(KEY, "correct horse")
    with pytest.raises(ValidationError) as caught:
        decrypt_keystore(json.dumps(document), "battery staple")
    assert "Wrong password" in caught.value.message
    assert caught.value.field == "password"
    assert_clean(caught.value, KEY.hex())


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("this is not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not valid JSON"),
        ("[1, 2, 3]", "not an Ethereum keystore"),
        ('{"version": 3}', "not an Ethereum keystore"),
    ],
)
def test_malformed_keystores_get_a_clear_message(content: str | bytes, expected: str) -> None:
    with pytest.raises(ValidationError) as caught:
        decrypt_keystore(content, "whatever")
    assert expected in caught.value.message
    assert caught.value.field == "keystore_file"
    assert_clean(caught.value, "no secret here")


def test_a_keystore_with_a_missing_field_says_which() -> None:
    document = fast_keystore(KEY, "correct horse")
    crypto = document["crypto"]
    assert isinstance(crypto, dict)
    del crypto["kdfparams"]
    with pytest.raises(ValidationError) as caught:
        decrypt_keystore(json.dumps(document), "correct horse")
    assert "damaged" in caught.value.message
    assert "kdfparams" in caught.value.message
    assert_clean(caught.value, KEY.hex())


def test_a_keystore_whose_address_does_not_match_is_refused() -> None:
    document = fast_keystore(KEY, "correct horse")
    document["address"] = "11" * 20
    with pytest.raises(ValidationError) as caught:
        decrypt_keystore(json.dumps(document), "correct horse")
    assert "does not match its key" in caught.value.message
    assert_clean(caught.value, KEY.hex())


def test_keystore_file_problems(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        read_keystore_file(tmp_path / "missing.json")
    with pytest.raises(ValidationError, match="is a folder"):
        read_keystore_file(tmp_path)
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * 100_000)
    with pytest.raises(ValidationError, match="too large to be a keystore"):
        read_keystore_file(huge)
