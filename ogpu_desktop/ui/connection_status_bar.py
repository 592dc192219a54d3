"""The status bar: network, chain ID, block height and connection state."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QWidget


@dataclass(frozen=True)
class ConnectionState:
    """What the status bar shows about the chain connection.

    Attributes:
        network: Human name of the network (``Sandbox``, ``Testnet`` ...), or ``None``.
        chain_id: Chain ID reported by the node, or ``None`` before it answered.
        block: Latest block height seen, or ``None``.
        connected: Whether the node answers.
        detail: A short plain-words note (``Connecting…``, the last error ...).
    """

    network: str | None = None
    chain_id: int | None = None
    block: int | None = None
    connected: bool = False
    detail: str = ""


NOT_CONNECTED = ConnectionState(detail="Not connected")


class ConnectionStatusBar(QStatusBar):
    """A status bar with permanent fields fed by the chain services."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.network_label = self._field("statusNetwork", "Network")
        self.chain_label = self._field("statusChainId", "Chain ID")
        self.block_label = self._field("statusBlock", "Latest block")
        self.connection_label = self._field("statusConnection", "Connection state")
        self.restart_button = QPushButton("Restart the Sandbox", self)
        self.restart_button.setObjectName("statusRestartSandbox")
        self.restart_button.setToolTip(
            "Start the Sandbox this app started again, on the same port (a new local chain)"
        )
        self.addPermanentWidget(self.restart_button)
        self.restart_button.hide()
        self.show_connection(NOT_CONNECTED)

    def _field(self, name: str, accessible: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setAccessibleName(accessible)
        self.addPermanentWidget(label)
        return label

    def show_connection(self, state: ConnectionState) -> None:
        """Show ``state`` in the permanent fields."""
        self.network_label.setText(f"Network: {state.network or '—'}")
        self.chain_label.setText(
            f"Chain ID: {state.chain_id if state.chain_id is not None else '—'}"
        )
        self.block_label.setText(f"Block: {state.block if state.block is not None else '—'}")
        if state.connected:
            text = "Connected" + (f" ({state.detail})" if state.detail else "")
        else:
            text = state.detail or "Not connected"
        self.connection_label.setText(text)
