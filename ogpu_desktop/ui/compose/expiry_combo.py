"""The task lifetime box of the source picker: only lifetimes the source allows."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from ogpu_desktop.domain.expiry import DURATION_PRESETS_S, format_duration


class ExpiryCombo(QComboBox):
    """Offers the preset lifetimes up to a source's longest; item data in seconds."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sourcePicker.expiry")
        self.setAccessibleName("Task lifetime")
        self.setToolTip("How long providers may answer; bounded by the source")

    def fill(self, longest: int | None, default_s: int) -> None:
        """Offer the lifetimes up to ``longest`` (all when ``None``), keeping the one chosen.

        The choice kept is the longest offered that does not exceed the one chosen before (or
        ``default_s`` when none was).
        """
        wanted = self.currentData()
        if not isinstance(wanted, int):
            wanted = default_s
        self.clear()
        for seconds in DURATION_PRESETS_S:
            if longest is None or seconds <= longest:
                self.addItem(format_duration(seconds), seconds)
        if longest is not None and self.count() == 0 and longest >= 60:
            self.addItem(format_duration(longest), longest)
        fits = [self.itemData(i) for i in range(self.count())]
        best = max((s for s in fits if s <= wanted), default=fits[0] if fits else None)
        if best is not None:
            self.setCurrentIndex(self.findData(best))
