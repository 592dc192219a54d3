"""JSON-RPC over HTTP: single and batch requests, errors, and revert reasons web3 understands."""

from __future__ import annotations

import httpx
import pytest
from eth_abi import abi
from web3.exceptions import ContractLogicError

from tests.sandbox_node.client import SandboxClient


def _post(client: SandboxClient, payload: object) -> httpx.Response:
    return client.http.post(client.info["rpc_url"], json=payload)


def test_single_request(client: SandboxClient) -> None:
    answer = _post(client, {"jsonrpc": "2.0", "id": 7, "method": "eth_chainId", "params": []})
    assert answer.status_code == 200
    assert answer.json() == {"jsonrpc": "2.0", "id": 7, "result": hex(1337)}


def test_batch_answers_each_request_with_its_id(client: SandboxClient) -> None:
    answer = _post(client, [
        {"jsonrpc": "2.0", "id": 1, "method": "net_version", "params": []},
        {"jsonrpc": "2.0", "id": "b", "method": "eth_blockNumber", "params": []},
        {"jsonrpc": "2.0", "id": 3, "method": "eth_noSuchMethod", "params": []},
    ]).json()
    assert [item["id"] for item in answer] == [1, "b", 3]
    assert answer[0]["result"] == "1337"
    assert int(answer[1]["result"], 16) > 0
    assert answer[2]["error"]["code"] == -32601


def test_web3_batch_requests_work(client: SandboxClient) -> None:
    w3 = client.w3
    with w3.batch_requests() as batch:
        batch.add(w3.eth.get_block("latest"))
        batch.add(w3.eth.get_balance(client.account.address))
        block, balance = batch.execute()
    assert block["baseFeePerGas"] > 0
    assert balance > 0


def test_malformed_json_is_a_parse_error(client: SandboxClient) -> None:
    answer = client.http.post(
        client.info["rpc_url"], content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert answer.json()["error"]["code"] == -32700


def test_fee_fields_the_app_relies_on(client: SandboxClient) -> None:
    w3 = client.w3
    assert w3.eth.max_priority_fee > 0
    assert w3.eth.gas_price >= w3.eth.get_block("latest")["baseFeePerGas"]
    history = w3.eth.fee_history(3, "latest", [50])
    assert len(history["baseFeePerGas"]) == len(history["gasUsedRatio"]) + 1
    assert len(history["reward"]) == len(history["gasUsedRatio"])
    assert w3.eth.get_transaction_count(client.account.address, "pending") >= 0


def test_revert_reason_reaches_web3_as_contract_logic_error(client: SandboxClient) -> None:
    source = client.source("text-classification")
    expiry = client.w3.eth.get_block("latest")["timestamp"] + 3600
    call = client.controller.functions.publishTask((source, "config", expiry, 1))
    with pytest.raises(ContractLogicError) as raised:
        call.call({"from": client.account.address})
    assert "execution reverted: " in str(raised.value)
    with pytest.raises(ContractLogicError) as estimated:
        call.estimate_gas({"from": client.account.address})
    assert str(estimated.value) == str(raised.value)


def test_revert_error_has_the_standard_shape(client: SandboxClient) -> None:
    source = client.source("text-classification")
    expiry = client.w3.eth.get_block("latest")["timestamp"] + 3600
    data = client.controller.encode_abi("publishTask", [(source, "config", expiry, 1)])
    for method in ("eth_call", "eth_estimateGas"):
        params: list[object] = [
            {"from": client.account.address, "to": client.controller.address, "data": data}
        ]
        if method == "eth_call":
            params.append("latest")
        error = _post(
            client, {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
        ).json()["error"]
        assert error["code"] == 3
        assert error["message"].startswith("execution reverted: ")
        assert error["data"].startswith("0x08c379a0")
        reason = abi.decode(["string"], bytes.fromhex(error["data"][10:]))[0]
        assert error["message"] == f"execution reverted: {reason}"
        assert reason


def test_wrong_chain_id_is_refused_in_plain_words(client: SandboxClient) -> None:
    signed = client.account.sign_transaction({
        "to": client.account.address, "value": 1, "gas": 21000, "nonce": 0, "chainId": 1,
        "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 10**9,
    })
    error = _post(client, {
        "jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction",
        "params": ["0x" + signed.raw_transaction.hex()],
    }).json()["error"]
    assert "chain id" in error["message"]
    assert "1337" in error["message"]
