"""Image inputs other than files: links, pasted data URLs, text paths."""

from __future__ import annotations

import base64
import contextlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ogpu_desktop.domain.images import (
    EncodedImage,
    ImageError,
    ImageInput,
    ImageLink,
    prepare_image,
    validate_image_url,
)
from tests.helpers.images import (
    LOCATION_NOTICE,
    assert_no_metadata,
    cornered,
    exif_with,
    photo_like,
    refusal,
    save,
    to_bytes,
)


def test_https_link_is_kept_as_a_link_with_a_public_notice() -> None:
    result = prepare_image("  https://example.com/cats/tabby.jpg?size=large  ")

    assert isinstance(result, ImageLink)
    assert result.url == "https://example.com/cats/tabby.jpg?size=large"
    assert result.value == result.url
    assert len(result.notices) == 1
    assert "anyone can see the link" in result.notices[0]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/a.png",
        "http://localhost/a.png",
        "http://192.168.1.20/a.png",
        "http://nas.local/a.png",
        "http://[::1]/a.png",
        "http://printer/a.png",
    ],
)
def test_local_links_are_accepted_with_a_warning(url: str) -> None:
    result = validate_image_url(url)

    assert any("can't reach" in notice for notice in result.notices)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ftp://example.com/a.jpg", "Links starting with “ftp:” can't be used"),
        ("file:///home/me/a.jpg", "Links starting with “file:” can't be used"),
        ("https://", "no website address"),
        ("https://user:secret@example.com/a.jpg", "user name or password"),
        ("https://token@example.com/a.jpg", "user name or password"),
        ("https://example.com/my cat.jpg", "spaces or invisible characters"),
        ("https://example.com:99999/a.jpg", "invalid port"),
        ("https://exa_mple!.com/a.jpg", "not a valid website address"),
        ("https://example.com/" + "a" * 3000, "links up to 2,048 characters"),
    ],
)
def test_bad_links_are_refused(url: str, expected: str) -> None:
    assert expected in refusal(url)


def test_validate_image_url_refuses_other_schemes_directly() -> None:
    with pytest.raises(ImageError, match="Only links starting with http"):
        validate_image_url("javascript:alert(1)")


def test_pasted_data_url_is_decoded_and_cleaned() -> None:
    data = to_bytes(photo_like(1500, 1000), "JPEG", exif=exif_with(gps=True))
    pasted = "data:image/jpeg;base64," + base64.b64encode(data).decode()

    result = prepare_image(pasted)

    assert isinstance(result, EncodedImage)
    assert (result.width, result.height) == (1024, 683)
    assert LOCATION_NOTICE in result.notices
    assert_no_metadata(result)


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("data:text/plain;base64,aGVsbG8=", "does not hold an image"),
        ("data:image/png;base64,@@@not base64@@@", "base64 text is not valid"),
    ],
)
def test_bad_data_urls_are_refused(pasted: str, expected: str) -> None:
    assert expected in refusal(pasted)


def test_paths_as_text_and_path_objects_and_bytes_all_work(tmp_path: Path) -> None:
    path = save(cornered(300, 200), tmp_path / "pic.png", "PNG")

    results = [prepare_image(str(path)), prepare_image(path), prepare_image(path.read_bytes())]

    assert all(isinstance(result, EncodedImage) for result in results)
    assert len({result.value for result in results}) == 1


def test_file_whose_name_looks_like_a_scheme_is_read_as_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save(cornered(30, 20), tmp_path / "beach:1.png", "PNG")
    monkeypatch.chdir(tmp_path)

    result = prepare_image("beach:1.png")

    assert isinstance(result, EncodedImage)
    assert (result.width, result.height) == (30, 20)
    assert "Links starting with “beach:”" in refusal("beach:2.png")


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_any_text_is_a_link_or_a_plain_refusal(text: str) -> None:
    with tempfile.TemporaryDirectory() as empty, contextlib.chdir(empty):
        try:
            outcome: ImageInput | str = prepare_image(text)
        except ImageError as error:
            outcome = error.message
    if isinstance(outcome, str):
        assert outcome
    else:
        assert isinstance(outcome, ImageLink)
        assert outcome.url.lower().startswith(("http://", "https://"))


def test_blank_text_is_refused() -> None:
    assert "No image was given" in refusal("   ")
