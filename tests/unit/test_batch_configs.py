"""Task configs of a batch: one per input, the form's settings, the payload builder's rules."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ogpu_desktop.domain.batch_configs import (
    batch_input_field,
    encode_entry_image,
    plan_batch,
)
from ogpu_desktop.domain.batch_entries import ImageEntry, InputKind, TextEntry
from ogpu_desktop.domain.batch_inputs import list_batch_inputs
from ogpu_desktop.domain.catalogue import SEND_AS_LIST, SEVERAL
from ogpu_desktop.domain.images import EncodeOptions, ImageError
from ogpu_desktop.domain.payload import PayloadValidationError, build_task_configs
from tests.helpers.batch_files import image_folder, reviews_csv
from tests.helpers.images import (
    SECRET_MAKE,
    assert_no_metadata,
    decode_data_url,
    exif_with,
    photo_like,
    save,
)


def texts_of(path: Path, task_type: str) -> list[TextEntry]:
    listing = list_batch_inputs([path], task_type)
    return [entry for entry in listing.accepted if isinstance(entry, TextEntry)]


def images_of(folder: Path, task_type: str = "image-classification") -> list[ImageEntry]:
    listing = list_batch_inputs([folder], task_type)
    return [entry for entry in listing.accepted if isinstance(entry, ImageEntry)]


@pytest.mark.parametrize(
    ("task_type", "field"),
    [
        ("text-classification", "text"),
        ("text-generation", "prompt"),
        ("translation", "text"),
        ("summarization", "text"),
        ("image-classification", "image"),
        ("visual-question-answering", "image"),
        ("custom", "input"),
    ],
)
def test_the_field_each_input_fills(task_type: str, field: str) -> None:
    assert batch_input_field(task_type).name == field


def test_each_text_gets_the_config_the_form_would_publish_for_it(tmp_path: Path) -> None:
    texts = texts_of(reviews_csv(tmp_path / "r.csv", 6), "text-classification")
    form = {"text": "typed in the form", SEVERAL: True, "top_k": 2, "function_to_apply": "sigmoid"}

    plan = plan_batch("text-classification", form)
    tasks = [plan.task_for(entry) for entry in texts]

    assert plan.input_kind is InputKind.TEXT
    assert [task.key for task in tasks] == [entry.key for entry in texts]
    assert [task.label for task in tasks] == [f"r.csv:{n}" for n in (2, 3, 4, 5, 6, 8)]
    for entry, task in zip(texts, tasks, strict=True):
        alone = build_task_configs(
            "text-classification",
            {"text": entry.text, "top_k": 2, "function_to_apply": "sigmoid"},
        )
        assert task.config_text == alone.config_texts[0]
        config = json.loads(task.config_text)
        assert config["data"]["input"] == entry.text  # one text per task, never a list
        assert config["data"]["args"] == {"top_k": 2, "function_to_apply": "sigmoid"}


def test_a_text_holding_line_breaks_stays_one_task(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('text\n"line one\nline two"\n', encoding="utf-8")
    (entry,) = texts_of(path, "summarization")

    task = plan_batch("summarization", {}).task_for(entry)

    assert json.loads(task.config_text)["data"]["input"] == "line one\nline two"


def test_bad_settings_are_refused_once_for_the_whole_batch() -> None:
    with pytest.raises(PayloadValidationError) as caught:
        plan_batch("text-classification", {"top_k": 0, "extra_args": "{not json"})

    fields = [error.field for error in caught.value.errors]
    assert fields == ["top_k", "extra_args"]


def test_send_as_one_list_is_refused_for_a_batch() -> None:
    with pytest.raises(PayloadValidationError) as caught:
        plan_batch("translation", {SEND_AS_LIST: True})

    assert caught.value.field == SEND_AS_LIST
    assert "one task per input" in caught.value.message


def test_shared_notices_are_said_once_and_not_per_task(tmp_path: Path) -> None:
    (entry, *_) = texts_of(reviews_csv(tmp_path / "r.csv", 2), "text-generation")

    plan = plan_batch("text-generation", {"extra_args": '{"made_up_arg": 1}'})
    task = plan.task_for(entry)

    assert any("made_up_arg" in notice.message for notice in plan.notices)
    assert task.notices == ()
    assert json.loads(task.config_text)["data"]["args"] == {"made_up_arg": 1}


def test_visual_questions_share_the_question_and_each_image_is_encoded_clean(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    save(photo_like(2400, 1600), folder / "big.jpg", "JPEG", exif=exif_with(gps=True, camera=True))
    image_folder(folder, 2)
    entries = images_of(folder, "visual-question-answering")

    plan = plan_batch("visual-question-answering", {"question": "What colour is it?", "top_k": 1})
    tasks = [plan.task_for(entry) for entry in entries]

    assert [task.label for task in tasks] == ["photos/big.jpg", "photos/img1.jpg",
                                              "photos/img2.png"]
    inputs = [json.loads(task.config_text)["data"]["input"] for task in tasks]
    assert {item["question"] for item in inputs} == {"What colour is it?"}
    mime, data = decode_data_url(inputs[0]["image"])
    assert mime == "image/jpeg"
    assert SECRET_MAKE.encode() not in data
    encoded = encode_entry_image(entries[0])
    assert (encoded.width, encoded.height) == (1024, 683)
    assert_no_metadata(encoded)


def test_the_question_is_a_required_setting() -> None:
    with pytest.raises(PayloadValidationError) as caught:
        plan_batch("visual-question-answering", {"question": "  "})

    assert caught.value.field == "question"


def test_an_image_changed_after_listing_is_refused_not_sent(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    first, _ = image_folder(folder, 2)
    entries = images_of(folder)
    plan = plan_batch("image-classification", {})
    save(photo_like(300, 200, seed=9), first, "JPEG")
    os.utime(first, ns=(1, 1))

    with pytest.raises(ImageError, match="changed after it was listed"):
        plan.task_for(entries[0])
    assert plan.task_for(entries[1]).key == entries[1].key


def test_an_image_gone_after_listing_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    first, _ = image_folder(folder, 2)
    entries = images_of(folder)
    first.unlink()

    with pytest.raises(ImageError, match="not there any more"):
        plan_batch("image-classification", {}).task_for(entries[0])


def test_an_image_too_large_once_encoded_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    image_folder(folder, 1, side=400)
    (entry,) = images_of(folder)

    with pytest.raises(ImageError, match="allowed inside a task"):
        plan_batch("image-classification", {}).task_for(
            entry, EncodeOptions(max_payload_chars=500)
        )


def test_custom_lines_become_objects_or_text(tmp_path: Path) -> None:
    path = tmp_path / "inputs.txt"
    path.write_text('{"question": "Who?", "context": "Ann."}\nplain words\n', encoding="utf-8")
    entries = texts_of(path, "custom")

    plan = plan_batch("custom", {"args": '{"top_k": 2}'}, source_pipeline="question-answering")
    inputs = [json.loads(plan.task_for(entry).config_text)["data"] for entry in entries]

    assert inputs == [
        {"input": {"question": "Who?", "context": "Ann."}, "args": {"top_k": 2}},
        {"input": "plain words", "args": {"top_k": 2}},
    ]


def test_entries_of_the_wrong_kind_are_a_programming_error(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    image_folder(folder, 1)
    (image,) = images_of(folder)
    (text,) = texts_of(reviews_csv(tmp_path / "r.csv", 1), "translation")

    with pytest.raises(ValueError, match="takes texts"):
        plan_batch("translation", {}).task_for(image)
    with pytest.raises(ValueError, match="takes images"):
        plan_batch("image-classification", {}).task_for(text)
