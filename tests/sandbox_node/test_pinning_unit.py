"""The pin store in process: CIDs, content types and multipart parsing."""

from __future__ import annotations

import pytest

from ogpu_desktop.sandbox.pinning import PinError, PinStore, cid_for, is_cid, parse_file_field

BOUNDARY = "XyZ"


def part(name: str, data: bytes, content_type: str = "application/json") -> bytes:
    return (
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; "
        f"filename=\"f\"\r\nContent-Type: {content_type}\r\n\r\n"
    ).encode() + data + b"\r\n"


def multipart(name: str, data: bytes) -> bytes:
    return part(name, data) + f"--{BOUNDARY}--\r\n".encode()


def test_cid_of_empty_bytes_matches_ipfs() -> None:
    # The well-known CIDv1 (raw leaves, sha2-256) of an empty file.
    assert cid_for(b"") == "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
    assert is_cid(cid_for(b"abc"))
    assert not is_cid("../../etc/passwd")


def test_store_keeps_bytes_and_first_content_type() -> None:
    store = PinStore()
    cid = store.pin(b"name: x\n", "application/yaml")
    assert store.pin(b"name: x\n", "text/plain") == cid
    pinned = store.get(cid)
    assert pinned is not None
    assert pinned.data == b"name: x\n"
    assert pinned.content_type == "application/yaml"
    assert store.get_by_link(f"http://127.0.0.1:1/ipfs/{cid}") == pinned
    assert store.get_by_link("https://elsewhere/ipfs/nope") is None


def test_json_is_served_as_json_whatever_was_declared() -> None:
    store = PinStore()
    pinned = store.get(store.pin(b'{"a": 1}', "text/plain"))
    assert pinned is not None
    assert pinned.content_type == "application/json"


def test_multipart_file_field_is_found_with_its_type() -> None:
    body = part("other", b"zzz", "text/plain") + multipart("file", b'{"x": 2}')
    data, declared = parse_file_field(f"multipart/form-data; boundary={BOUNDARY}", body)
    assert data == b'{"x": 2}'
    assert declared == "application/json"


def test_upload_errors_are_clear() -> None:
    store = PinStore(max_bytes=10)
    header = f"multipart/form-data; boundary={BOUNDARY}"
    with pytest.raises(PinError) as missing:
        store.pin_upload(header, multipart("doc", b"x"))
    assert missing.value.status == 400
    with pytest.raises(PinError) as too_big:
        store.pin_upload(header, multipart("file", b"x" * 11))
    assert too_big.value.status == 413
    with pytest.raises(PinError) as not_multipart:
        store.pin_upload("application/json", b"{}")
    assert not_multipart.value.status == 400
