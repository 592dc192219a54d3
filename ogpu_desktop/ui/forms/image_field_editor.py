"""The editor of image fields: the drop zone, registered for ``FieldKind.IMAGE``."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ogpu_desktop.domain.catalogue import FieldKind
from ogpu_desktop.ui.forms.dropped_image import DroppedImage
from ogpu_desktop.ui.forms.field_widgets import FieldEditor, register_field_editor
from ogpu_desktop.ui.forms.image_drop_zone import ImageDropZone


@register_field_editor(FieldKind.IMAGE)
class ImageFieldEditor(FieldEditor):
    """Edits an image input with an :class:`ImageDropZone`."""

    def create_control(self) -> QWidget:
        """Return the drop zone."""
        self.zone = ImageDropZone(parent=self)
        self.zone.image_changed.connect(self.value_changed)
        return self.zone

    def value(self) -> object:
        """Return the link or data URL chosen, or ``None``."""
        return self.zone.value()

    def set_value(self, value: object) -> None:
        """Show a link at once, or prepare a data URL in the background."""
        if not isinstance(value, str) or not value.strip():
            self.zone.clear()
        elif value.strip()[:5].lower() == "data:":
            self.zone.load(DroppedImage(data_url=value))
        else:
            self.zone.set_link(value)

    def paste(self) -> bool:
        """Paste an image from the clipboard; return whether the clipboard offered one."""
        return self.zone.paste()
