"""The custom network's fields: RPC URL, chain ID and the four contract addresses, plus Check."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ogpu_desktop.domain.input_checks import (
    check_chain_id,
    check_contract_address,
    check_http_url,
)
from ogpu_desktop.errors import ValidationError
from ogpu_desktop.ui.message_colours import set_message_role
from ogpu_desktop.ui.settings.preferences import CustomNetwork
from ogpu_desktop.ui.wallet.field_error import FieldError

CONTRACT_NAMES = ("nexus", "controller", "terminal", "vault")


class _Field(QWidget):
    """A line edit with its message below it."""

    def __init__(self, name: str, label: str, tip: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setObjectName(f"settings.{name}_edit")
        self.edit.setAccessibleName(label)
        self.edit.setToolTip(tip)
        self.error = FieldError(f"settings.{name}_error", self)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.edit)
        column.addWidget(self.error)
        self.edit.textEdited.connect(lambda _text: self.error.clear_message())


class CustomNetworkForm(QGroupBox):
    """Describes a custom OGPU network; :meth:`read` checks what was typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Custom network", parent)
        self.setObjectName("settings.custom_network_group")
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.rpc_url = _Field(
            "rpc_url", "RPC URL", "The JSON-RPC endpoint of the network (http:// or https://)",
            self,
        )
        self.rpc_url.edit.setPlaceholderText("https://rpc.example.org")
        self.chain_id = _Field(
            "chain_id", "Chain ID", "The chain ID the endpoint must answer (a whole number)", self
        )
        self.contracts: dict[str, _Field] = {}
        form = QFormLayout()
        form.addRow("RPC URL:", self.rpc_url)
        form.addRow("Chain ID:", self.chain_id)
        for name in CONTRACT_NAMES:
            field = _Field(
                name, f"{name.capitalize()} contract",
                f"Address of the network's {name.capitalize()} contract (0x…)", self,
            )
            field.edit.setFont(fixed)
            field.edit.setPlaceholderText("0x…")
            self.contracts[name] = field
            form.addRow(f"{name.capitalize()}:", field)

        self.check_button = QPushButton("Check", self)
        self.check_button.setObjectName("settings.check_button")
        self.check_button.setToolTip("Ask the endpoint for its chain ID and compare")
        self.check_result = QLabel(self)
        self.check_result.setObjectName("settings.check_result_label")
        self.check_result.setTextFormat(Qt.TextFormat.PlainText)
        self.check_result.setWordWrap(True)
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_button)
        check_row.addWidget(self.check_result, 1)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addLayout(check_row)

    def fields(self) -> list[_Field]:
        """Every field of the form, in order."""
        return [self.rpc_url, self.chain_id, *self.contracts.values()]

    def set_values(self, network: CustomNetwork | None) -> None:
        """Fill the fields from ``network`` (blank when ``None``)."""
        self.rpc_url.edit.setText(network.rpc_url if network else "")
        self.chain_id.edit.setText(str(network.chain_id) if network else "")
        values = network.contracts() if network else {}
        for name, field in self.contracts.items():
            field.edit.setText(values.get(name, ""))
        for field in self.fields():
            field.error.clear_message()

    def read(self) -> CustomNetwork | None:
        """Return the network typed, or ``None`` after showing a message beside each bad field."""
        values: dict[str, str] = {}
        chain_id: int | None = None
        ok = True
        try:
            values["rpc_url"] = check_http_url(self.rpc_url.edit.text(), "The RPC URL", "rpc_url")
        except ValidationError as error:
            self.rpc_url.error.show_message(error.message)
            ok = False
        try:
            chain_id = check_chain_id(self.chain_id.edit.text())
        except ValidationError as error:
            self.chain_id.error.show_message(error.message)
            ok = False
        for name, field in self.contracts.items():
            try:
                values[name] = check_contract_address(field.edit.text(), name)
            except ValidationError as error:
                field.error.show_message(error.message)
                ok = False
        if not ok or chain_id is None:
            return None
        return CustomNetwork(chain_id=chain_id, **values)

    def show_check_result(self, message: str, *, ok: bool | None) -> None:
        """Show the outcome of a check beside the Check button (``ok=None``: still running)."""
        set_message_role(self.check_result, None if ok is None else "ok" if ok else "error")
        marker = "" if ok is None else "✓ " if ok else "⚠ "
        self.check_result.setText(marker + message)
        self.check_result.setAccessibleDescription(message)

    def clear_check_result(self) -> None:
        """Forget the outcome of the last check (the values changed)."""
        self.check_result.clear()
        self.check_result.setAccessibleDescription("")
