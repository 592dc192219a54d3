"""The Compose page's batch panel on its own: texts from a CSV column, and the type's inputs.

No network: listing reads the files in a worker thread while the Qt loop runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ogpu_desktop.ui.pages.compose_page import ComposePage
from tests.gui.publish_helpers import shown, wait_for
from tests.gui.test_batch_window import drop_paths
from tests.helpers.batch_files import image_folder, lines_txt, reviews_csv


@pytest.mark.asyncio
async def test_a_dropped_csv_lists_one_text_per_row_from_the_column_picked(
    qtbot: QtBot, tmp_path: Path
) -> None:
    reviews = reviews_csv(tmp_path / "reviews.csv", 7)
    with shown(ComposePage("text-classification")) as page:
        panel = page.batch_panel
        assert not panel.review_button.isVisible()
        assert drop_paths(page, [reviews])  # dropped on the page, outside the form
        await wait_for(lambda: panel.listing is not None, "the listing")
        assert panel.column_picker.isVisible()
        assert [panel.column_picker.itemData(i) for i in range(panel.column_picker.count())] == [
            "id", "review", "stars"]
        assert panel.chosen_column() == "review"  # the first column of words
        first = panel.model.rows[0].cells
        assert first == ("reviews.csv:2 — Great product, works as described. #1", "Ready")
        assert panel.summary.text().startswith("7 inputs ready. One task per input; the form's ")
        assert panel.review_button.isEnabled()

        panel.column_picker.setCurrentIndex(panel.column_picker.findData("id"))
        panel.column_picker.activated.emit(panel.column_picker.currentIndex())
        await wait_for(lambda: panel.model.rows and panel.model.rows[0].cells[0].endswith("— 1"),
                       "the texts of the id column")
        assert panel.chosen_column() == "id"
        assert len(panel.model.rows) == 7

        review: list[object] = []
        panel.review_requested.connect(review.append)
        panel.review_button.click()
        assert len(review) == 1
        assert review[0] is panel.listing


@pytest.mark.asyncio
async def test_pictures_on_a_text_type_are_left_out_with_the_reason_and_nothing_to_review(
    qtbot: QtBot, tmp_path: Path
) -> None:
    image_folder(tmp_path / "photos", 2)
    prompts = lines_txt(tmp_path / "prompts.txt", 3)
    with shown(ComposePage("text-generation")) as page:
        panel = page.batch_panel
        assert drop_paths(panel, [tmp_path / "photos"])
        await wait_for(lambda: panel.listing is not None, "the listing")
        assert not panel.review_button.isEnabled()
        assert panel.summary.text().endswith("None of these inputs can be used.")
        assert all(row.refused and row.cells[1].startswith("Left out: ")
                   for row in panel.model.rows)

        # Switching to pictures lists the same folder again, now as inputs.
        page.set_task_type("image-classification")
        await wait_for(panel.review_button.isEnabled, "the pictures listed again")
        assert [row.cells[1] for row in panel.model.rows] == ["Ready", "Ready"]

        assert drop_paths(panel, [prompts])
        await wait_for(lambda: len(panel.model.rows) == 3, "the text file added")
        assert panel.model.rows[-1].refused
        panel.clear_button.click()
        assert panel.model.rows == []
        assert not panel.table.isVisible()
