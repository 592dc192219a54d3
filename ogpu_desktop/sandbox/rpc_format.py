"""JSON shapes of the Sandbox's JSON-RPC: request parameters in, answers and errors out."""

from __future__ import annotations

import re
from typing import Any

from eth.exceptions import Revert, VMError
from eth_abi import abi
from eth_abi.exceptions import DecodingError
from eth_tester.exceptions import TransactionFailed

Json = Any
ERROR_SELECTOR = bytes.fromhex("08c379a0")
ZERO_ADDRESS = "0x" + "00" * 20


class RpcError(Exception):
    """A JSON-RPC error answer: ``code``, ``message`` and optional ``data``."""

    def __init__(self, code: int, message: str, data: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def as_json(self) -> dict[str, Json]:
        """Return the ``error`` member of a JSON-RPC response."""
        error: dict[str, Json] = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


_TX_KEYS = {
    "gasPrice": "gas_price",
    "maxFeePerGas": "max_fee_per_gas",
    "maxPriorityFeePerGas": "max_priority_fee_per_gas",
    "chainId": "chain_id",
    "input": "data",
}
_TX_QUANTITIES = {
    "gas", "gas_price", "max_fee_per_gas", "max_priority_fee_per_gas", "value", "nonce", "chain_id",
}
_RENAMES = {"coinbase": "miner"}
_CAMEL = re.compile(r"_([a-z0-9])")


def transaction_request(raw: Json) -> dict[str, Json]:
    """Return a JSON-RPC call object as eth-tester takes it (snake_case keys, int quantities)."""
    if not isinstance(raw, dict):
        raise RpcError(-32602, "The transaction must be an object")
    transaction: dict[str, Json] = {}
    for key, value in raw.items():
        name = _TX_KEYS.get(str(key), str(key))
        if name in {"type", "accessList", "access_list"} or value is None:
            continue
        transaction[name] = quantity(value) if name in _TX_QUANTITIES else value
    transaction.setdefault("from", ZERO_ADDRESS)
    transaction["from"] = str(transaction["from"]).lower()
    if "to" in transaction:
        transaction["to"] = str(transaction["to"]).lower()
    return transaction


def quantity(value: Json) -> int:
    if isinstance(value, bool):
        raise RpcError(-32602, "Expected a quantity")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.startswith(("0x", "0X")):
        return int(value, 16)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise RpcError(-32602, f"Expected a hex quantity, got {value!r}")


def block_param(params: list[Json], index: int, *, allow_pending: bool = False) -> int | str:
    value = params[index] if len(params) > index and params[index] is not None else "latest"
    if isinstance(value, dict):
        value = value.get("blockNumber", "latest")
    if value in ("latest", "safe", "finalized", "earliest"):
        return str(value)
    if value == "pending":
        return "pending" if allow_pending else "latest"
    return quantity(value)


def log_bound(value: Json, head: int) -> int:
    if value in (None, "latest", "safe", "finalized", "pending"):
        return head
    if value == "earliest":
        return 0
    return quantity(value)


def address_set(value: Json) -> set[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {value.lower()}
    return {str(v).lower() for v in value}


def to_json(value: Json) -> Json:
    if isinstance(value, bool) or value is None or isinstance(value, float | str):
        return value
    if isinstance(value, int):
        return hex(value)
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {_camel(k): to_json(v) for k, v in value.items()}
    return str(value)


def _camel(key: str) -> str:
    return _RENAMES.get(key) or _CAMEL.sub(lambda m: m.group(1).upper(), key)


def transaction_json(transaction: dict[str, Json]) -> dict[str, Json]:
    as_json: dict[str, Json] = to_json(transaction)
    if "data" in as_json:
        as_json["input"] = as_json.pop("data")
    if as_json.get("to") in ("", "0x"):
        as_json["to"] = None
    return as_json


def block_json(block: dict[str, Json]) -> dict[str, Json]:
    as_json: dict[str, Json] = to_json(block)
    as_json["nonce"] = "0x" + strip0x(str(as_json.get("nonce", "0x0"))).rjust(16, "0")
    as_json["logsBloom"] = "0x" + strip0x(str(as_json.get("logsBloom", "0x0"))).rjust(512, "0")
    transactions = block.get("transactions", [])
    if transactions and isinstance(transactions[0], dict):
        as_json["transactions"] = [transaction_json(t) for t in transactions]
    return as_json


def strip0x(value: str) -> str:
    return value[2:] if value.startswith(("0x", "0X")) else value


def error_response(request_id: Json, error: RpcError) -> dict[str, Json]:
    return {"jsonrpc": "2.0", "id": request_id, "error": error.as_json()}


def revert_error(exc: TransactionFailed) -> RpcError:
    """Turn an EVM failure into the standard ``execution reverted`` answer (code 3).

    A revert keeps its raw data (``Error(string)`` or a custom error); any other failure, such as
    running out of gas, is answered as a plain ``-32000`` error.
    """
    detail: object = exc
    while (
        isinstance(detail, Exception)
        and not isinstance(detail, VMError)
        and detail.args
        and isinstance(detail.args[0], Exception)
    ):
        detail = detail.args[0]
    if isinstance(detail, Revert):
        raw = detail.args[0] if detail.args else b""
        data = bytes(raw) if isinstance(raw, bytes | bytearray) else b""
        reason = ""
        if data[:4] == ERROR_SELECTOR:
            try:
                reason = str(abi.decode(["string"], data[4:])[0])
            except DecodingError:
                reason = ""
    elif isinstance(detail, VMError):
        return RpcError(-32000, f"execution failed: {detail}")
    else:
        text = detail.args[0] if isinstance(detail, Exception) and detail.args else detail
        reason = str(text) if isinstance(text, str) else ""
        data = ERROR_SELECTOR + abi.encode(["string"], [reason]) if reason else b""
    message = f"execution reverted: {reason}" if reason else "execution reverted"
    return RpcError(3, message, "0x" + data.hex())


def plain_validation_message(message: str) -> str:
    """Rewrite py-evm's validation messages into the wording wallets and the SDK look for."""
    lowered = message.lower()
    if "nonce" in lowered:
        match = re.search(r"expected (\d+), but got (\d+)", lowered)
        if match and int(match.group(2)) < int(match.group(1)):
            return f"nonce too low: {message}"
        return f"nonce too high: {message}"
    if "balance" in lowered or "insufficient" in lowered:
        return f"insufficient funds for gas * price + value: {message}"
    if "base fee" in lowered or "max fee" in lowered:
        return f"max fee per gas less than block base fee: {message}"
    return message
