"""The user's preferences as one immutable value, and their place in the profile's INI file."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QSettings

from ogpu_desktop.domain.expiry import DURATION_PRESETS_S

NETWORK_TITLES: dict[str, str] = {
    "sandbox": "Sandbox (on this computer, free)",
    "testnet": "OGPU Testnet",
    "mainnet": "OGPU Mainnet",
    "custom": "Custom network",
}
"""The networks offered, by key, in the order shown."""

IMAGE_MAX_SIDE_RANGE = (16, 16384)
"""Bounds the image encoder accepts for the longest side, in pixels."""
DEFAULT_IMAGE_MAX_SIDE = 1024
DEFAULT_EXPIRY_S = 600
_GROUP = "preferences"


class Theme(StrEnum):
    """How the window is coloured."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True)
class CustomNetwork:
    """A network the user describes: its RPC endpoint, chain ID and the four contracts."""

    rpc_url: str
    chain_id: int
    nexus: str
    controller: str
    terminal: str
    vault: str

    def contracts(self) -> dict[str, str]:
        """The four contract addresses by name (``nexus``, ``controller``, ...)."""
        return {
            "nexus": self.nexus,
            "controller": self.controller,
            "terminal": self.terminal,
            "vault": self.vault,
        }


@dataclass(frozen=True)
class Preferences:
    """Everything the Settings page edits. Blank URLs mean "the network's own".

    Attributes:
        network: ``sandbox``, ``testnet``, ``mainnet`` or ``custom``.
        custom_network: The custom network's description (kept while another one is chosen).
        pinning_url: Pinning endpoint for task configs, or ``""`` for the network's default.
        gateway_url: IPFS gateway root tried first, or ``""`` for the network's defaults.
        default_payment_wei: Payment a new task starts with; ``None`` for the source minimum.
        default_expiry_s: Lifetime a new task starts with, one of the duration presets.
        image_max_side: Longest side of an embedded image, in pixels.
        theme: Follow the system, light or dark.
        notifications: Notify when a task finishes.
    """

    network: str = "sandbox"
    custom_network: CustomNetwork | None = None
    pinning_url: str = ""
    gateway_url: str = ""
    default_payment_wei: int | None = None
    default_expiry_s: int = DEFAULT_EXPIRY_S
    image_max_side: int = DEFAULT_IMAGE_MAX_SIDE
    theme: Theme = Theme.SYSTEM
    notifications: bool = True


class PreferencesStore:
    """Reads and writes :class:`Preferences` in the ``[preferences]`` group of an INI file.

    Values that do not make sense (an edited file, an older version) fall back to the defaults
    one by one, so one bad line never loses the others.

    Args:
        settings_file: The profile's ``settings.ini`` (``AppSettings.path``).
    """

    def __init__(self, settings_file: Path) -> None:
        self._qsettings = QSettings(str(settings_file), QSettings.Format.IniFormat)

    def load(self) -> Preferences:
        """Return the saved preferences (defaults where nothing valid is saved)."""
        defaults = Preferences()
        network = self._text("network")
        theme = self._text("theme")
        expiry = self._int("default_expiry_s")
        side = self._int("image_max_side")
        low, high = IMAGE_MAX_SIDE_RANGE
        return Preferences(
            network=network if network in NETWORK_TITLES else defaults.network,
            custom_network=self._custom_network(),
            pinning_url=self._text("pinning_url"),
            gateway_url=self._text("gateway_url"),
            default_payment_wei=self._int("default_payment_wei"),
            default_expiry_s=expiry if expiry in DURATION_PRESETS_S else defaults.default_expiry_s,
            image_max_side=side if side is not None and low <= side <= high else (
                defaults.image_max_side
            ),
            theme=Theme(theme) if theme in set(Theme) else defaults.theme,
            notifications=self._text("notifications", "true") != "false",
        )

    def save(self, preferences: Preferences) -> None:
        """Write ``preferences`` to the file now."""
        values: dict[str, str] = {
            "network": preferences.network,
            "pinning_url": preferences.pinning_url,
            "gateway_url": preferences.gateway_url,
            "default_payment_wei": (
                "" if preferences.default_payment_wei is None
                else str(preferences.default_payment_wei)
            ),
            "default_expiry_s": str(preferences.default_expiry_s),
            "image_max_side": str(preferences.image_max_side),
            "theme": preferences.theme.value,
            "notifications": "true" if preferences.notifications else "false",
        }
        custom = preferences.custom_network
        if custom is not None:
            values["custom/rpc_url"] = custom.rpc_url
            # As text: the Testnet's chain ID does not fit in 32 bits.
            values["custom/chain_id"] = str(custom.chain_id)
            values.update({f"custom/{k}": v for k, v in custom.contracts().items()})
        self._qsettings.beginGroup(_GROUP)
        for key, value in values.items():
            self._qsettings.setValue(key, value)
        self._qsettings.endGroup()
        self._qsettings.sync()

    def _text(self, key: str, default: str = "") -> str:
        value = self._qsettings.value(f"{_GROUP}/{key}", default)
        return value if isinstance(value, str) else default

    def _int(self, key: str) -> int | None:
        text = self._text(key).strip()
        return int(text) if text.isdigit() and len(text) < 80 else None

    def _custom_network(self) -> CustomNetwork | None:
        rpc_url = self._text("custom/rpc_url")
        chain_id = self._int("custom/chain_id")
        if not rpc_url or chain_id is None:
            return None
        return CustomNetwork(
            rpc_url=rpc_url,
            chain_id=chain_id,
            nexus=self._text("custom/nexus"),
            controller=self._text("custom/controller"),
            terminal=self._text("custom/terminal"),
            vault=self._text("custom/vault"),
        )
