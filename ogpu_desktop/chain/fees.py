"""Network fees taken from the chain in use: EIP-1559 where blocks carry a base fee, else legacy."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from ogpu_desktop.chain.errors import ChainError
from ogpu_desktop.chain.rpc import RpcClient

log = logging.getLogger(__name__)

#: Nodes (geth and most forks) refuse a replacement unless both fee fields rise by >= 10 %.
#: 12.5 % plus one wei keeps a margin over that rule after integer rounding.
REPLACEMENT_BUMP_PERCENT = 125  # tenths of a percent: 12.5 %
FALLBACK_PRIORITY_WEI = 1_000_000_000  # 1 gwei, only when the node offers no estimate at all


@dataclass(frozen=True)
class FeeQuote:
    """The fee fields of one transaction.

    Attributes:
        max_fee_per_gas: EIP-1559 fee cap, or ``None`` for a legacy quote.
        max_priority_fee_per_gas: EIP-1559 tip, or ``None`` for a legacy quote.
        gas_price: Legacy gas price, or ``None`` for an EIP-1559 quote.
        base_fee: The latest block's base fee (``None`` on legacy chains), for display.
    """

    max_fee_per_gas: int | None = None
    max_priority_fee_per_gas: int | None = None
    gas_price: int | None = None
    base_fee: int | None = None

    @property
    def is_eip1559(self) -> bool:
        """True for a type-2 (EIP-1559) quote."""
        return self.max_fee_per_gas is not None

    @property
    def price_cap(self) -> int:
        """The most one unit of gas can cost under this quote."""
        return self.max_fee_per_gas if self.max_fee_per_gas is not None else self.gas_price or 0

    @property
    def likely_price(self) -> int:
        """The price one unit of gas will probably cost (base fee + tip, or the gas price)."""
        if self.max_fee_per_gas is not None and self.base_fee is not None:
            return min(self.max_fee_per_gas, self.base_fee + (self.max_priority_fee_per_gas or 0))
        return self.price_cap

    def tx_fields(self) -> dict[str, Any]:
        """The fee fields to put in a transaction dict."""
        if self.is_eip1559:
            return {
                "maxFeePerGas": self.max_fee_per_gas,
                "maxPriorityFeePerGas": self.max_priority_fee_per_gas,
                "type": 2,
            }
        return {"gasPrice": self.gas_price}

    def bumped(self, market: FeeQuote | None = None) -> FeeQuote:
        """Return a quote that a node accepts as a replacement of a transaction priced at self.

        Both fee fields rise by 12.5 % plus one wei, and never end below ``market``.
        """
        if self.is_eip1559:
            max_fee = _bump(self.max_fee_per_gas or 0)
            tip = _bump(self.max_priority_fee_per_gas or 0)
            if market is not None and market.is_eip1559:
                max_fee = max(max_fee, market.max_fee_per_gas or 0)
                tip = max(tip, market.max_priority_fee_per_gas or 0)
            return FeeQuote(
                max_fee_per_gas=max(max_fee, tip),
                max_priority_fee_per_gas=tip,
                base_fee=market.base_fee if market is not None else self.base_fee,
            )
        price = _bump(self.gas_price or 0)
        if market is not None:
            price = max(price, market.price_cap)
        return FeeQuote(gas_price=price)


def _bump(value: int) -> int:
    return -(-value * (1000 + REPLACEMENT_BUMP_PERCENT) // 1000) + 1


async def quote_fees(client: RpcClient) -> FeeQuote:
    """Ask the chain for current fees.

    EIP-1559 when the latest block has ``baseFeePerGas``: tip from ``eth_maxPriorityFeePerGas``
    (or the median reward of ``eth_feeHistory``), cap = 2 x base fee + tip, so the transaction
    survives a few full blocks of base-fee growth. Otherwise legacy with ``eth_gasPrice``.
    """
    block = await client.run(client.w3.eth.get_block("latest"), "Reading the latest block")
    base_fee = block.get("baseFeePerGas")
    if base_fee is None:
        price = await client.run(client.w3.eth.gas_price, "Reading the gas price")
        return FeeQuote(gas_price=int(price))
    tip = await _priority_fee(client)
    return FeeQuote(
        max_fee_per_gas=2 * int(base_fee) + tip,
        max_priority_fee_per_gas=tip,
        base_fee=int(base_fee),
    )


async def _priority_fee(client: RpcClient) -> int:
    try:
        return _quantity(await client.request("eth_maxPriorityFeePerGas", [], "Reading the tip"))
    except ChainError as exc:
        # Some nodes lack this method; the fee history is the documented fallback.
        log.info("eth_maxPriorityFeePerGas unavailable (%s); using eth_feeHistory", exc.message)
    history = await client.request(
        "eth_feeHistory", [5, "latest", [50]], "Reading the fee history"
    )
    rewards = [int(r[0], 16) for r in (history or {}).get("reward", []) if r]
    if not rewards:
        return FALLBACK_PRIORITY_WEI
    rewards.sort()
    return rewards[len(rewards) // 2]


def _quantity(value: object) -> int:
    if isinstance(value, str):
        return int(value, 16)
    if isinstance(value, int):
        return value
    raise ChainError(f"The node answered a fee query with {value!r}, which is not a number.")
