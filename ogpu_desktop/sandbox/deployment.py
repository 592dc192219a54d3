"""Where the Sandbox's protocol contracts are, and a source's parameters, without web3.

Kept apart from ``deploy.py`` (which sends through web3) so the Sandbox can set itself up and
announce itself before web3, a large import, is loaded.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from eth_utils.address import to_checksum_address


@dataclass(frozen=True)
class Deployment:
    """Addresses of the Sandbox's protocol contracts (checksum form)."""

    nexus: str
    controller: str
    vault: str
    terminal: str

    def as_dict(self) -> dict[str, str]:
        """Return ``{"nexus", "controller", "vault", "terminal"}`` -> address."""
        return {key: str(value) for key, value in asdict(self).items()}


def source_params(
    owner: str,
    *,
    metadata_url: str,
    min_payment: int,
    max_expiry_duration: int,
    delivery_method: int,
    environments: int = 1,
) -> tuple[Any, ...]:
    """Return the official ``SourceParams`` tuple (§7 order) for a source owned by ``owner``."""
    return (
        to_checksum_address(owner),
        metadata_url,
        environments,
        min_payment,
        0,  # minAvailableLockup: the Sandbox has no provider stake
        max_expiry_duration,
        False,  # privacyEnabled: reserved
        "",  # optionalParamsUrl: reserved
        delivery_method,
        0,  # lastUpdateTime: the Nexus sets it
    )
