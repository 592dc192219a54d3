"""The Sandbox's EVM node: py-evm through eth-tester, answering Ethereum JSON-RPC requests."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from eth.exceptions import VMError
from eth.vm.spoof import SpoofTransaction
from eth_tester import EthereumTester, PyEVMBackend
from eth_tester.exceptions import (
    BlockNotFound,
    TransactionFailed,
    TransactionNotFound,
    ValidationError,
)
from eth_utils.address import to_checksum_address

from ogpu_desktop import __version__
from ogpu_desktop.sandbox.gas import fast_gas_estimate, grant_gas_money
from ogpu_desktop.sandbox.log_index import LogIndex
from ogpu_desktop.sandbox.rpc_format import (
    Json,
    RpcError,
    address_set,
    block_json,
    block_param,
    error_response,
    log_bound,
    plain_validation_message,
    quantity,
    revert_error,
    strip0x,
    to_json,
    transaction_json,
    transaction_request,
)
from ogpu_desktop.sandbox.tx_index import IndexedPyEVMBackend

LOG = logging.getLogger(__name__)

DEFAULT_CHAIN_ID = 1337
"""Chain ID used unless another is given: the usual local-development ID, no public network's."""
PRIORITY_FEE_WEI = 10**9
_SETUP_BACKDATE_S = 600
CLIENT_QUIET_S = 0.03
"""A background request waits until no client request has run for this long..."""
BACKGROUND_PATIENCE_S = 1.0
"""...or until it has waited this long, so the background always moves on."""

Method = Callable[[list[Json]], Json]


class SandboxNode:
    """One in-memory chain with its JSON-RPC method table.

    Requests arrive as JSON (from the HTTP server or the in-process web3 provider) and answers are
    JSON-ready: quantities as ``0x`` hex, keys in camelCase. Every access to the EVM goes through
    one lock, because py-evm is not thread-safe and the HTTP server, the provider and the faucet
    share one chain.

    On a real network a provider's transactions run on other machines than the client's node;
    here they share one EVM that executes one transaction at a time (tens of milliseconds for a
    ``publishTask``). So the provider's requests are *background* requests: they wait for a
    quiet moment among the clients' (:data:`CLIENT_QUIET_S`), at most
    :data:`BACKGROUND_PATIENCE_S` each. A batch of a hundred publishes then no longer shares the
    EVM with the attempts and answers it sets off (which doubled its time), and a poll does not
    wait behind them; the provider catches up as soon as the clients pause.

    Args:
        chain_id: The EIP-155 chain ID transactions must be signed for.
        accounts: Number of funded, unlocked node accounts (1,000,000 tokens each).
    """

    def __init__(self, chain_id: int = DEFAULT_CHAIN_ID, accounts: int = 10) -> None:
        self.chain_id = chain_id
        self._lock = threading.RLock()
        genesis = PyEVMBackend.generate_genesis_params(
            overrides={"timestamp": int(time.time()) - _SETUP_BACKDATE_S}
        )
        backend = IndexedPyEVMBackend(
            genesis_parameters=genesis,
            genesis_state=PyEVMBackend.generate_genesis_state(num_accounts=accounts),
        )
        self._follow_clock = True
        # eth-tester builds a fresh chain class per backend, so this sets the ID of this chain only.
        type(backend.chain).chain_id = chain_id
        # The class attribute covers chains rebuilt by a revert; the instance already took the
        # default estimator when it was built.
        type(backend.chain).gas_estimator = staticmethod(fast_gas_estimate)
        backend.chain.gas_estimator = fast_gas_estimate
        self._backend = backend
        self._tester = EthereumTester(backend=backend)
        self._time_offset = 0
        self._logs = LogIndex()
        self.genesis_hash: str = self._tester.get_block_by_number(0)["hash"]
        self.accounts: tuple[str, ...] = tuple(
            to_checksum_address(a) for a in self._tester.get_accounts()
        )
        self._methods: dict[str, Method] = self._method_table()
        self._traffic = threading.Condition()
        self._clients_in = 0
        self._last_client = 0.0

    # ----- entry points -------------------------------------------------------------------

    def handle(self, payload: Json, *, background: bool = False) -> Json:
        """Answer one JSON-RPC request object or a batch (list); ``None`` for notifications only.

        Args:
            background: The request comes from the Sandbox's own provider: it gives way to
                the clients' requests (see the class notes).
        """
        if isinstance(payload, list):
            if not payload:
                return error_response(None, RpcError(-32600, "Invalid request: empty batch"))
            answers = [self._handle_one(item, background) for item in payload]
            return [a for a in answers if a is not None]
        return self._handle_one(payload, background)

    def request(self, method: str, *params: Json, background: bool = False) -> Json:
        """Call ``method`` with JSON-shaped ``params`` and return the JSON result (or raise)."""
        function = self._methods.get(method)
        if function is None:
            raise RpcError(-32601, f"Method not found: {method}")
        if background:
            self._wait_for_quiet()
            with self._lock:
                return function(list(params))
        with self._traffic:
            self._clients_in += 1
        try:
            with self._lock:
                return function(list(params))
        finally:
            with self._traffic:
                self._clients_in -= 1
                self._last_client = time.monotonic()
                self._traffic.notify_all()

    def _wait_for_quiet(self) -> None:
        """Wait until no client request has run for a moment, or for the patience at most."""
        deadline = time.monotonic() + BACKGROUND_PATIENCE_S
        with self._traffic:
            while True:
                now = time.monotonic()
                quiet_at = self._last_client + CLIENT_QUIET_S
                if now >= deadline or (self._clients_in == 0 and now >= quiet_at):
                    return
                until = quiet_at if self._clients_in == 0 else deadline
                self._traffic.wait(timeout=max(0.001, min(until, deadline) - now))

    def _handle_one(self, item: Json, background: bool = False) -> Json:
        if not isinstance(item, dict) or not isinstance(item.get("method"), str):
            return error_response(None, RpcError(-32600, "Invalid request"))
        request_id = item.get("id")
        params = item.get("params", [])
        try:
            if not isinstance(params, list):
                raise RpcError(-32602, "Params must be a list")
            result = self._answer(item["method"], params, background)
            answer = {"jsonrpc": "2.0", "id": request_id, "result": result}
        except RpcError as exc:
            answer = error_response(request_id, exc)
        return answer if "id" in item else None

    def _answer(self, method: str, params: list[Json], background: bool) -> Json:
        try:
            return self.request(method, *params, background=background)
        except RpcError:
            raise
        except (ValidationError, ValueError, TypeError, KeyError, IndexError) as exc:
            raise RpcError(-32602, f"Invalid params: {exc}") from None
        except Exception as exc:
            # Whatever goes wrong, the client gets an answer rather than a dropped connection.
            LOG.exception("JSON-RPC %s failed", method)
            raise RpcError(-32603, f"Internal error: {exc}") from None

    # ----- method table --------------------------------------------------------------------

    def _method_table(self) -> dict[str, Method]:
        return {
            "web3_clientVersion": lambda p: f"OGPU-Sandbox/{__version__}/py-evm",
            "net_version": lambda p: str(self.chain_id),
            "net_listening": lambda p: True,
            "eth_chainId": lambda p: hex(self.chain_id),
            "eth_syncing": lambda p: False,
            "eth_accounts": lambda p: list(self.accounts),
            "eth_blockNumber": lambda p: hex(self._head_number()),
            "eth_getBlockByNumber": self._get_block_by_number,
            "eth_getBlockByHash": self._get_block_by_hash,
            "eth_getBalance": lambda p: hex(
                self._tester.get_balance(p[0], block_param(p, 1, allow_pending=True))
            ),
            "eth_getCode": lambda p: self._tester.get_code(
                p[0], block_param(p, 1, allow_pending=True)
            ),
            "eth_getTransactionCount": lambda p: hex(
                self._tester.get_nonce(p[0], block_param(p, 1, allow_pending=True))
            ),
            "eth_getStorageAt": lambda p: self._tester.get_storage_at(
                p[0], int(p[1], 16), block_param(p, 2, allow_pending=True)
            ),
            "eth_gasPrice": lambda p: hex(self._pending_base_fee() + PRIORITY_FEE_WEI),
            "eth_maxPriorityFeePerGas": lambda p: hex(PRIORITY_FEE_WEI),
            "eth_feeHistory": self._fee_history,
            "eth_call": self._call,
            "eth_estimateGas": self._estimate_gas,
            "eth_sendRawTransaction": self._send_raw_transaction,
            "eth_sendTransaction": self._send_transaction,
            "eth_getTransactionByHash": self._get_transaction,
            "eth_getTransactionReceipt": self._get_receipt,
            "eth_getLogs": self._get_logs,
            "evm_increaseTime": self._increase_time,
            "evm_mine": self._mine,
            "evm_snapshot": lambda p: hex(self._tester.take_snapshot()),
            "evm_revert": self._revert,
        }

    # ----- blocks and time ----------------------------------------------------------------

    def _head_number(self) -> int:
        return int(self._tester.get_block_by_number("latest")["number"])

    def _now(self) -> int:
        return int(time.time()) + self._time_offset

    def _pending_base_fee(self) -> int:
        return int(self._tester.get_block_by_number("pending")["base_fee_per_gas"])

    @contextmanager
    def setting_up(self) -> Iterator[None]:
        """Date the blocks mined inside one second apart, from a genesis in the past.

        Timestamps must grow by a whole second per block, so a burst of blocks runs ahead of the
        wall clock. The start-up burst (deployment, demo sources) is dated before the start
        instead, and the chain clock agrees with the wall clock once the Sandbox is ready.
        """
        with self._lock:
            self._follow_clock = False
        try:
            yield
        finally:
            with self._lock:
                self._follow_clock = True

    def _date_pending_block(self) -> None:
        chain = self._backend.chain
        parent_ts = int(self._tester.get_block_by_number("latest")["timestamp"])
        target = self._now() if self._follow_clock else 0
        chain.header = chain.header.copy(timestamp=max(target, parent_ts + 1))

    def _mine_block(self) -> None:
        self._date_pending_block()
        self._tester.mine_blocks(1)
        self._index_new_blocks()

    def _increase_time(self, params: list[Json]) -> Json:
        seconds = quantity(params[0])
        if seconds < 0:
            raise RpcError(-32602, "Time can only move forward")
        # A burst of blocks can put the chain ahead of the wall clock (one second per block), so
        # "move N seconds on" counts from whichever is later: the clock or the chain's head.
        head_ts = int(self._tester.get_block_by_number("latest")["timestamp"])
        self._time_offset = max(self._time_offset, head_ts - int(time.time())) + seconds
        return hex(self._time_offset)

    def _mine(self, params: list[Json]) -> Json:
        if params and params[0] is not None:
            # anvil's evm_mine takes the new block's timestamp as its first parameter.
            target = quantity(params[0])
            self._time_offset += max(0, target - self._now())
        self._mine_block()
        return "0x0"

    def _revert(self, params: list[Json]) -> Json:
        try:
            self._tester.revert_to_snapshot(quantity(params[0]))
        except Exception:
            return False
        height = self._head_number()
        self._backend.forget_above(height)
        self._logs.truncate(height)
        return True

    def _get_block_by_number(self, params: list[Json]) -> Json:
        try:
            full = bool(params[1]) if len(params) > 1 else False
            block = self._tester.get_block_by_number(
                block_param(params, 0, allow_pending=True), full
            )
        except BlockNotFound:
            return None
        return block_json(block)

    def _get_block_by_hash(self, params: list[Json]) -> Json:
        try:
            block = self._tester.get_block_by_hash(params[0], bool(params[1]))
        except BlockNotFound:
            return None
        return block_json(block)

    def _fee_history(self, params: list[Json]) -> Json:
        count = max(1, min(quantity(params[0]), 1024))
        newest = block_param(params, 1)
        newest_number = self._head_number() if isinstance(newest, str) else newest
        oldest = max(0, newest_number - count + 1)
        percentiles = params[2] if len(params) > 2 and params[2] else []
        base_fees: list[str] = []
        ratios: list[float] = []
        rewards: list[list[str]] = []
        for number in range(oldest, newest_number + 1):
            block = self._tester.get_block_by_number(number)
            base_fees.append(hex(block["base_fee_per_gas"]))
            ratios.append(block["gas_used"] / block["gas_limit"])
            rewards.append([hex(PRIORITY_FEE_WEI) for _ in percentiles])
        base_fees.append(hex(self._pending_base_fee()))
        answer: dict[str, Json] = {
            "oldestBlock": hex(oldest),
            "baseFeePerGas": base_fees,
            "gasUsedRatio": ratios,
        }
        if percentiles:
            answer["reward"] = rewards
        return answer

    # ----- calls and transactions ----------------------------------------------------------

    def _call(self, params: list[Json]) -> Json:
        state, spoofed = self._simulation(params)
        snapshot = state.snapshot()
        try:
            # As on geth, a call needs no gas money: the sender is credited it for the call only.
            grant_gas_money(state, spoofed)
            computation = state.apply_transaction(spoofed)
        finally:
            state.revert(snapshot)
        if computation.is_error:
            raise revert_error(TransactionFailed(computation.error)) from None
        return "0x" + bytes(computation.output).hex()

    def _estimate_gas(self, params: list[Json]) -> Json:
        state, spoofed = self._simulation(params, keep_gas=False)
        try:
            return hex(fast_gas_estimate(state, spoofed))
        except VMError as exc:
            raise revert_error(TransactionFailed(exc)) from None
        except ValidationError as exc:
            raise RpcError(-32000, plain_validation_message(str(exc))) from None

    def _simulation(self, params: list[Json], *, keep_gas: bool = True) -> tuple[Any, Any]:
        """Return the EVM state and the transaction to simulate ``params`` (call object, block).

        On the latest block the simulation is dated now, as the next block will be, so contract
        checks on ``block.timestamp`` (expiry) agree with what a transaction sent now would see,
        however long the chain has been idle.
        """
        transaction = transaction_request(params[0])
        block = block_param(params, 1)
        header = self._header(block)
        if not keep_gas or "gas" not in transaction:
            transaction["gas"] = header.gas_limit
        self._tester.validator.validate_inbound_transaction(transaction, txn_internal_type="call")
        raw = self._tester.normalizer.normalize_inbound_transaction(transaction)
        unsigned = self._backend._get_normalized_and_unsigned_evm_transaction(raw, block)
        spoofed = SpoofTransaction(unsigned, from_=raw["from"])
        return self._backend.chain.get_vm(at_header=header).state, spoofed

    def _header(self, block: int | str) -> Any:
        chain = self._backend.chain
        if block == "earliest":
            return chain.get_canonical_block_header_by_number(0)
        head = self._head_number()
        if isinstance(block, int):
            if block > head:
                raise RpcError(-32000, f"Block {block} is not mined yet (head is {head})")
            return chain.get_canonical_block_header_by_number(block)
        latest = chain.get_canonical_block_header_by_number(head)
        if not self._follow_clock:
            return latest
        return latest.copy(timestamp=max(self._now(), latest.timestamp + 1))

    def _send_raw_transaction(self, params: list[Json]) -> Json:
        raw = bytes.fromhex(strip0x(params[0]))
        self._check_chain_id(raw)
        self._date_pending_block()
        try:
            tx_hash = self._tester.send_raw_transaction("0x" + raw.hex())
        except (ValidationError, Exception) as exc:
            if isinstance(exc, RpcError):
                raise
            raise RpcError(-32000, plain_validation_message(str(exc))) from None
        self._index_new_blocks()
        return tx_hash

    def _send_transaction(self, params: list[Json]) -> Json:
        transaction = transaction_request(params[0])
        if transaction["from"] not in {a.lower() for a in self.accounts} and (
            to_checksum_address(transaction["from"]) not in self.accounts
        ):
            raise RpcError(-32000, "The sender is not an unlocked account of this node")
        self._date_pending_block()
        if "gas" not in transaction:
            transaction["gas"] = self._tester.estimate_gas(transaction)
        try:
            tx_hash = self._tester.send_transaction(transaction)
        except ValidationError as exc:
            raise RpcError(-32000, plain_validation_message(str(exc))) from None
        self._index_new_blocks()
        return tx_hash

    def _check_chain_id(self, raw: bytes) -> None:
        if not raw:
            raise RpcError(-32602, "Empty transaction")
        builder = self._backend.chain.get_vm().get_transaction_builder()
        try:
            decoded = builder.decode(raw)
        except Exception as exc:
            raise RpcError(-32602, f"Invalid transaction: {exc}") from None
        chain_id = getattr(decoded, "chain_id", None)
        if chain_id is not None and chain_id != self.chain_id:
            raise RpcError(
                -32000,
                f"invalid chain id for signer: expected {self.chain_id}, got {chain_id}",
            )

    def _get_transaction(self, params: list[Json]) -> Json:
        try:
            transaction = self._tester.get_transaction_by_hash(params[0])
        except TransactionNotFound:
            return None
        return transaction_json(transaction)

    def _get_receipt(self, params: list[Json]) -> Json:
        try:
            receipt = self._tester.get_transaction_receipt(params[0])
        except TransactionNotFound:
            return None
        if receipt.get("block_number") is None:
            return None
        return to_json(receipt)

    # ----- logs ----------------------------------------------------------------------------

    def _index_new_blocks(self) -> None:
        head = self._head_number()
        for number in range(self._logs.height + 1, head + 1):
            block = self._tester.get_block_by_number(number)
            for tx_hash in block["transactions"]:
                receipt = self._tester.get_transaction_receipt(tx_hash)
                for log in receipt["logs"]:
                    self._logs.add(number, to_json(log))
        self._logs.height = max(self._logs.height, head)

    def _get_logs(self, params: list[Json]) -> Json:
        query = params[0] if params else {}
        head = self._head_number()
        if query.get("blockHash"):
            block = self._tester.get_block_by_hash(query["blockHash"])
            low = high = int(block["number"])
        else:
            low = log_bound(query.get("fromBlock", "latest"), head)
            high = log_bound(query.get("toBlock", "latest"), head)
        return self._logs.query(
            low, high, address_set(query.get("address")), query.get("topics") or []
        )
