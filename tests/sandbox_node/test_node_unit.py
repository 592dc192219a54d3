"""The node in process: dev methods, log filters, the clock and transaction checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from eth_account import Account
from eth_tester import PyEVMBackend
from eth_utils import keccak

from ogpu_desktop.sandbox.in_process import in_process_web3
from ogpu_desktop.sandbox.node import SandboxNode
from ogpu_desktop.sandbox.rpc_format import RpcError

# A contract whose runtime emits LOG1 with topic0 = calldata word 0 and reverts on empty calldata.
#   00: CALLDATASIZE ISZERO PUSH1 0x0e JUMPI  PUSH1 0 CALLDATALOAD PUSH1 0 PUSH1 0 LOG1 STOP
#   0e: JUMPDEST PUSH1 0 PUSH1 0 REVERT
RUNTIME = bytes.fromhex("3615600e57" "600035" "60006000a1" "00" "5b60006000fd")


def _deploy_emitter(node: SandboxNode) -> str:
    size = len(RUNTIME)
    # Constructor: copy the runtime after these 12 bytes into memory and return it.
    init = bytes.fromhex(f"60{size:02x}600c60003960{size:02x}6000f3") + RUNTIME
    tx_hash = node.request("eth_sendTransaction", {
        "from": node.accounts[0], "data": "0x" + init.hex(), "gas": hex(200_000),
    })
    receipt = node.request("eth_getTransactionReceipt", tx_hash)
    assert receipt["status"] == "0x1"
    return str(receipt["contractAddress"])


@pytest.fixture(scope="module")
def node() -> SandboxNode:
    return SandboxNode()


def test_chain_id_and_versions(node: SandboxNode) -> None:
    assert node.request("eth_chainId") == hex(1337)
    assert node.request("net_version") == "1337"
    assert "Sandbox" in node.request("web3_clientVersion")
    assert SandboxNode(chain_id=777).request("eth_chainId") == hex(777)


def test_logs_filter_by_address_and_topic_or_lists(node: SandboxNode) -> None:
    emitter = _deploy_emitter(node)
    topic_a, topic_b, topic_c = ("0x" + keccak(text=t).hex() for t in ("A", "B", "C"))
    for topic in (topic_a, topic_b, topic_c):
        node.request("eth_sendTransaction", {
            "from": node.accounts[0], "to": emitter, "data": topic, "gas": hex(100_000),
        })
    everything = node.request("eth_getLogs", {"address": emitter, "fromBlock": "0x0"})
    assert [log["topics"][0] for log in everything] == [topic_a, topic_b, topic_c]
    either = node.request(
        "eth_getLogs", {"address": [emitter], "topics": [[topic_a, topic_c]], "fromBlock": "0x0"}
    )
    assert [log["topics"][0] for log in either] == [topic_a, topic_c]
    elsewhere = node.request(
        "eth_getLogs", {"address": node.accounts[1], "topics": [topic_a], "fromBlock": "0x0"}
    )
    assert elsewhere == []
    latest = node.request("eth_getLogs", {"address": emitter, "topics": [topic_c]})
    assert len(latest) == 1
    assert latest[0]["blockNumber"] == node.request("eth_blockNumber")


def test_empty_revert_has_the_revert_shape(node: SandboxNode) -> None:
    emitter = _deploy_emitter(node)
    with pytest.raises(RpcError) as raised:
        node.request("eth_call", {"to": emitter, "data": "0x"}, "latest")
    assert raised.value.code == 3
    assert raised.value.message == "execution reverted"
    assert raised.value.data == "0x"


def test_call_needs_no_gas_money(node: SandboxNode) -> None:
    emitter = _deploy_emitter(node)
    poor = Account.create().address
    answer = node.request("eth_call", {"from": poor, "to": emitter, "data": "0x" + "11" * 32})
    assert answer == "0x"


def test_blocks_follow_the_clock_and_increase_time(node: SandboxNode) -> None:
    node.request("evm_mine")
    before = int(node.request("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    # Never behind the wall clock (a burst of blocks may run a few seconds ahead of it).
    assert before >= int(time.time()) - 1
    wall = int(time.time())
    node.request("evm_increaseTime", hex(3600))
    node.request("evm_mine")
    after = int(node.request("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    assert after >= wall + 3600
    assert after > before


def test_blocks_mined_while_setting_up_are_dated_in_the_past() -> None:
    node = SandboxNode()
    with node.setting_up():
        for _ in range(20):
            node.request("eth_sendTransaction", {
                "from": node.accounts[0], "to": node.accounts[1], "value": "0x1",
            })
    assert int(node.request("eth_getBlockByNumber", "latest", False)["timestamp"], 16) < time.time()
    node.request("eth_sendTransaction", {
        "from": node.accounts[0], "to": node.accounts[1], "value": "0x1",
    })
    latest = int(node.request("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    assert latest >= int(time.time()) - 1


def test_calls_on_an_idle_chain_see_the_current_time(node: SandboxNode) -> None:
    # TIMESTAMP PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN, run as init code of a call without "to".
    code = "0x4260005260206000f3"
    wall = int(time.time())
    node.request("evm_increaseTime", hex(100))
    seen = int(node.request("eth_call", {"data": code}), 16)
    assert seen >= wall + 100
    head = node.request("eth_blockNumber")
    node.request("eth_estimateGas", {"data": code})
    assert node.request("eth_blockNumber") == head


def test_snapshot_and_revert(node: SandboxNode) -> None:
    snapshot = node.request("evm_snapshot")
    height = node.request("eth_blockNumber")
    node.request("evm_mine")
    node.request("evm_mine")
    assert node.request("eth_blockNumber") != height
    assert node.request("evm_revert", snapshot) is True
    assert node.request("eth_blockNumber") == height


def test_nonce_errors_use_the_words_wallets_look_for(node: SandboxNode) -> None:
    account = Account.create()
    node.request("eth_sendTransaction", {
        "from": node.accounts[0], "to": account.address, "value": hex(10**18),
    })
    tx = {
        "to": account.address, "value": 1, "gas": 21000, "nonce": 0, "chainId": 1337,
        "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 10**9,
    }
    raw = "0x" + account.sign_transaction(tx).raw_transaction.hex()
    node.request("eth_sendRawTransaction", raw)
    assert node.request("eth_getTransactionCount", account.address, "pending") == "0x1"
    with pytest.raises(RpcError, match="nonce too low"):
        node.request("eth_sendRawTransaction", raw)


def test_in_process_web3_sees_the_same_chain(node: SandboxNode) -> None:
    w3 = in_process_web3(node)
    assert w3.eth.chain_id == 1337
    assert w3.eth.block_number == int(node.request("eth_blockNumber"), 16)
    assert w3.eth.get_block(0)["hash"].to_0x_hex() == node.genesis_hash


def test_json_rpc_envelope_errors(node: SandboxNode) -> None:
    assert node.handle([])["error"]["code"] == -32600
    assert node.handle({"id": 1})["error"]["code"] == -32600
    assert node.handle({"jsonrpc": "2.0", "id": 2, "method": "eth_call", "params": {}})[
        "error"
    ]["code"] == -32602
    assert node.handle({"jsonrpc": "2.0", "method": "eth_chainId", "params": []}) is None


def _send_value(node: SandboxNode, to: str) -> str:
    return str(node.request("eth_sendTransaction", {
        "from": node.accounts[0], "to": to, "value": hex(1),
    }))


def test_a_transaction_deep_in_the_chain_is_found_without_reading_every_block(
    node: SandboxNode, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _send_value(node, node.accounts[1])
    for _ in range(40):
        node.request("evm_mine")
    node.request("eth_getTransactionReceipt", first)  # notes the blocks mined since
    reads: list[int] = []
    chain = node._backend.chain
    original = chain.get_canonical_block_by_number

    def counted(number: int) -> object:
        reads.append(number)
        return original(number)

    monkeypatch.setattr(chain, "get_canonical_block_by_number", counted)
    receipt = node.request("eth_getTransactionReceipt", first)
    found = node.request("eth_getTransactionByHash", first)
    unknown = node.request("eth_getTransactionReceipt", "0x" + "ab" * 32)
    assert (receipt["transactionHash"], found["hash"]) == (first, first)
    assert unknown is None
    assert node.request("eth_getTransactionByHash", "0x" + "ab" * 32) is None
    block = int(receipt["blockNumber"], 16)
    assert reads == [block, block]  # one block per look-up, none for the unknown hash
    # The answers are eth-tester's own.
    plain = PyEVMBackend.get_transaction_receipt(node._backend, bytes.fromhex(first[2:]))
    assert plain["block_number"] == block
    assert plain["transaction_index"] == int(receipt["transactionIndex"], 16)


def test_transactions_of_a_reverted_block_are_forgotten_and_found_again_when_mined(
    node: SandboxNode,
) -> None:
    account = Account.create()
    node.request("eth_sendTransaction", {
        "from": node.accounts[0], "to": account.address, "value": hex(10**18),
    })
    snapshot = node.request("evm_snapshot")
    tx = {
        "to": node.accounts[0], "value": 1, "gas": 21000, "nonce": 0, "chainId": 1337,
        "maxFeePerGas": 10**11, "maxPriorityFeePerGas": 10**9,
    }
    raw = "0x" + account.sign_transaction(tx).raw_transaction.hex()
    tx_hash = node.request("eth_sendRawTransaction", raw)
    mined_at = node.request("eth_getTransactionReceipt", tx_hash)["blockNumber"]
    assert node.request("evm_revert", snapshot) is True
    assert node.request("eth_getTransactionReceipt", tx_hash) is None
    assert node.request("eth_getTransactionByHash", tx_hash) is None
    node.request("evm_mine")
    node.request("evm_mine")
    assert node.request("eth_sendRawTransaction", raw) == tx_hash
    again = node.request("eth_getTransactionReceipt", tx_hash)
    assert again["status"] == "0x1"
    assert int(again["blockNumber"], 16) == int(mined_at, 16) + 2


def test_the_providers_requests_give_way_to_the_clients(node: SandboxNode) -> None:
    ran: list[str] = []
    release = threading.Event()

    def blocking(params: list[object]) -> str:
        release.wait(timeout=30)
        ran.append("first client")
        return "0x0"

    def noting(name: str) -> Callable[[list[object]], str]:
        def method(params: list[object]) -> str:
            ran.append(name)
            return "0x0"
        return method

    node._methods["test_block"] = blocking
    node._methods["test_client"] = noting("second client")
    node._methods["test_provider"] = noting("provider")
    try:
        first = threading.Thread(target=node.request, args=("test_block",))
        first.start()
        while node._clients_in < 1:
            time.sleep(0.01)
        provider = threading.Thread(
            target=node.request, args=("test_provider",), kwargs={"background": True}
        )
        provider.start()
        second = threading.Thread(target=node.request, args=("test_client",))
        second.start()
        while node._clients_in < 2:
            time.sleep(0.01)
        release.set()  # the EVM is free: the waiting client goes first, the provider after
        for thread in (first, second, provider):
            thread.join(timeout=30)
        assert ran == ["first client", "second client", "provider"]
    finally:
        release.set()
        for name in ("test_block", "test_client", "test_provider"):
            node._methods.pop(name, None)
