"""What a drop or paste offers as an image, and loading it off the Qt thread."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QUrl
from PySide6.QtGui import QImage

from ogpu_desktop.domain.image_decoding import ImageError
from ogpu_desktop.domain.images import (
    DEFAULT_OPTIONS,
    EncodedImage,
    EncodeOptions,
    ImageLink,
    encode_image_bytes,
    encode_image_file,
    prepare_image,
    validate_image_url,
)

_IMAGE_MIME_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp")


@dataclass(frozen=True)
class DroppedImage:
    """The image sources found in a drop or paste; at least one is set.

    Attributes:
        path: A local file (dropped from a file manager, or a pasted path).
        link: An http(s) link (dragged from a browser, or pasted).
        data: Encoded image bytes offered directly (a browser drag of the picture itself).
        image: A decoded picture (a screenshot on the clipboard).
        data_url: A pasted ``data:image/...`` URL.
    """

    path: Path | None = None
    link: str | None = None
    data: bytes | None = None
    image: QImage | None = None
    data_url: str | None = None


@dataclass(frozen=True)
class LoadedImage:
    """An image ready for the task: a link, an embedded copy, or both to choose from.

    Attributes:
        link: The checked link, when the source was a link.
        embedded: The re-encoded picture, when there were bytes to encode.
        preview: The embedded picture decoded for the thumbnail.
    """

    link: ImageLink | None
    embedded: EncodedImage | None
    preview: QImage | None


def _from_text(text: str) -> DroppedImage | None:
    text = text.strip()
    lowered = text[:8].lower()
    if not text or "\n" in text:
        return None
    if lowered.startswith(("http://", "https://")):
        return DroppedImage(link=text)
    if lowered.startswith("data:"):
        return DroppedImage(data_url=text)
    if lowered.startswith("file:"):
        return DroppedImage(path=Path(QUrl(text).toLocalFile()))
    if Path(text).is_absolute():
        return DroppedImage(path=Path(text))
    return None


def read_mime(mime: QMimeData) -> DroppedImage | None:
    """Return the image sources ``mime`` offers, or ``None`` when it has nothing usable."""
    path: Path | None = None
    link: str | None = None
    for url in mime.urls():
        if url.isLocalFile() and path is None:
            path = Path(url.toLocalFile())
        elif url.scheme() in ("http", "https") and link is None:
            link = url.toString()
    if path is not None:
        return DroppedImage(path=path)
    data = next(
        (bytes(mime.data(kind).data()) for kind in _IMAGE_MIME_TYPES if mime.hasFormat(kind)), None
    )
    image = None
    if data is None and mime.hasImage():
        picture = mime.imageData()
        image = picture if isinstance(picture, QImage) and not picture.isNull() else None
    if link is None and mime.hasText():
        from_text = _from_text(mime.text())
        if from_text is not None and from_text.link is not None:
            link = from_text.link
        elif from_text is not None and data is None and image is None:
            return from_text
    if link is None and data is None and image is None:
        return None
    return DroppedImage(link=link, data=data, image=image)


def _png_bytes(image: QImage) -> bytes:
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6 takes the format as str at run time, although its stubs say bytes.
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise ImageError("The pasted picture could not be read. Save it as a file and drop that.")
    buffer.close()
    return bytes(array.data())


def _preview(encoded: EncodedImage) -> QImage:
    payload = encoded.data_url.split(",", 1)[1]
    return QImage.fromData(base64.b64decode(payload))


def load_dropped_image(
    dropped: DroppedImage, options: EncodeOptions = DEFAULT_OPTIONS
) -> LoadedImage:
    """Check and encode what was dropped. Blocking: run it in an executor.

    Raises:
        ImageError: The image cannot be used, with the reason in plain words.
    """
    embedded: EncodedImage | None = None
    if dropped.path is not None:
        embedded = encode_image_file(dropped.path, options)
    elif dropped.data is not None:
        embedded = encode_image_bytes(dropped.data, options)
    elif dropped.image is not None:
        embedded = encode_image_bytes(_png_bytes(dropped.image), options)
    elif dropped.data_url is not None:
        prepared = prepare_image(dropped.data_url, options)
        embedded = prepared if isinstance(prepared, EncodedImage) else None
    link: ImageLink | None = None
    if dropped.link is not None:
        try:
            link = validate_image_url(dropped.link)
        except ImageError:
            if embedded is None:
                raise
    return LoadedImage(link, embedded, _preview(embedded) if embedded is not None else None)
