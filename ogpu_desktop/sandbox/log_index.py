"""An index of the chain's event logs, so ``eth_getLogs`` never re-reads every block's receipts."""

from __future__ import annotations

from dataclasses import dataclass

from ogpu_desktop.sandbox.rpc_format import Json


@dataclass(frozen=True)
class _Entry:
    block_number: int
    address: str
    topics: tuple[str, ...]
    json: dict[str, Json]


class LogIndex:
    """Logs in chain order, as JSON-RPC log objects, with the filters of ``eth_getLogs``."""

    def __init__(self) -> None:
        self._entries: list[_Entry] = []
        self.height = 0
        """The last block whose logs are indexed."""

    def add(self, block_number: int, log: dict[str, Json]) -> None:
        """Index one JSON-RPC log object of block ``block_number``."""
        self._entries.append(
            _Entry(
                block_number,
                str(log["address"]).lower(),
                tuple(str(t).lower() for t in log["topics"]),
                log,
            )
        )

    def truncate(self, height: int) -> None:
        """Forget the logs of blocks above ``height`` (after a revert to a snapshot)."""
        self._entries = [entry for entry in self._entries if entry.block_number <= height]
        self.height = height

    def query(
        self, low: int, high: int, addresses: set[str] | None, topics: list[Json]
    ) -> list[dict[str, Json]]:
        """Return the logs in blocks ``low..high`` from ``addresses`` matching ``topics``.

        ``topics`` is the JSON-RPC list: per position ``None`` (anything), one topic, or a list
        of topics any of which matches.
        """
        return [
            dict(entry.json)
            for entry in self._entries
            if low <= entry.block_number <= high
            and (addresses is None or entry.address in addresses)
            and _topics_match(entry.topics, topics)
        ]


def _topics_match(log_topics: tuple[str, ...], wanted: list[Json]) -> bool:
    for position, choice in enumerate(wanted):
        if choice is None:
            continue
        if position >= len(log_topics):
            return False
        options = {choice.lower()} if isinstance(choice, str) else {str(c).lower() for c in choice}
        if options and log_topics[position] not in options:
            return False
    return True
