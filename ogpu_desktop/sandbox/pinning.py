"""The Sandbox's pinning service: a content-addressed store with the OGPU ``capi`` HTTP shape."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP

from ogpu_desktop.domain.bounded_json import loads_bounded

MAX_PIN_BYTES = 5 * 1024 * 1024
_CID_PREFIX = bytes([0x01, 0x55, 0x12, 0x20])  # CIDv1, raw codec, sha2-256, 32-byte digest
_CID_PATTERN = re.compile(r"^b[a-z2-7]{58}$")
_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


class PinError(Exception):
    """A pin request that cannot be served; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class PinnedFile:
    """Bytes held by the store and the content type they are served with."""

    data: bytes
    content_type: str


def cid_for(data: bytes) -> str:
    """Return the CIDv1 (raw, sha2-256, base32 lower case) of ``data``."""
    digest = hashlib.sha256(data).digest()
    encoded = base64.b32encode(_CID_PREFIX + digest).decode("ascii").lower().rstrip("=")
    return "b" + encoded


def is_cid(value: str) -> bool:
    """Whether ``value`` has the shape of a CID this store hands out."""
    return bool(_CID_PATTERN.match(value))


class PinStore:
    """Pinned files in memory, for the lifetime of the Sandbox process (thread-safe).

    A file is addressed by a CIDv1 (raw codec, sha2-256, base32), the identifier IPFS gives a
    single-block file added with raw leaves, so equal bytes always get the same link.

    Args:
        max_bytes: Largest file accepted.
    """

    def __init__(self, max_bytes: int = MAX_PIN_BYTES) -> None:
        self.max_bytes = max_bytes
        self._files: dict[str, PinnedFile] = {}
        self._lock = threading.Lock()

    def pin(self, data: bytes, content_type: str | None = None) -> str:
        """Store ``data`` and return its CID; the first content type given for a CID is kept."""
        if len(data) > self.max_bytes:
            raise PinError(413, _too_large(self.max_bytes))
        cid = cid_for(data)
        with self._lock:
            if cid not in self._files:
                self._files[cid] = PinnedFile(data, _content_type(data, content_type))
        return cid

    def pin_json(self, value: object) -> str:
        """Serialise ``value`` as compact JSON, pin it and return its CID."""
        return self.pin(json.dumps(value, separators=(",", ":")).encode(), "application/json")

    def get(self, cid: str) -> PinnedFile | None:
        """Return the pinned file for ``cid``, or ``None``."""
        with self._lock:
            return self._files.get(cid)

    def get_by_link(self, link: str) -> PinnedFile | None:
        """Return the pinned file a ``.../ipfs/<cid>`` link points at, if this store holds it."""
        cid = link.rstrip("/").rsplit("/ipfs/", 1)[-1] if "/ipfs/" in link else ""
        return self.get(cid) if is_cid(cid) else None

    def pin_upload(self, content_type_header: str, body: bytes) -> str:
        """Pin the ``file`` field of a multipart/form-data upload and return its CID."""
        if len(body) > self.max_bytes + 64 * 1024:
            raise PinError(413, _too_large(self.max_bytes))
        data, part_type = parse_file_field(content_type_header, body)
        return self.pin(data, part_type)


def parse_file_field(content_type_header: str, body: bytes) -> tuple[bytes, str | None]:
    """Return the bytes and declared content type of the ``file`` field of a multipart body."""
    if not content_type_header.lower().startswith("multipart/form-data"):
        raise PinError(400, "Send the file as multipart/form-data with a field named 'file'.")
    head = f"Content-Type: {content_type_header}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message: Message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise PinError(400, "The multipart body could not be read (check the boundary).")
    for part in message.iter_parts():  # type: ignore[attr-defined]
        if part.get_param("name", header="content-disposition") == "file":
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                raise PinError(400, "The 'file' field is empty or unreadable.")
            declared = part.get_content_type() if part.get("content-type") else None
            return payload, declared
    raise PinError(400, "The upload has no field named 'file'.")


def _content_type(data: bytes, declared: str | None) -> str:
    for magic, kind in _IMAGE_MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    try:
        loads_bounded(data)
    except ValueError:
        pass
    else:
        return "application/json"
    if declared and declared not in ("application/octet-stream", "text/plain"):
        return declared
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return declared or "application/octet-stream"
    return "text/plain; charset=utf-8"


def _too_large(limit: int) -> str:
    return f"The file is larger than the Sandbox's limit of {limit // (1024 * 1024)} MB."
