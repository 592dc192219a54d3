"""The faucet: funds any address with a real transaction, refuses bad requests in plain words."""

from __future__ import annotations

from eth_account import Account

from tests.sandbox_node.client import ETHER, SandboxClient


def test_faucet_funds_an_address(client: SandboxClient) -> None:
    address = Account.create().address
    answer = client.http.post(
        client.info["faucet_url"], json={"address": address, "amount_wei": 3 * ETHER}
    )
    assert answer.status_code == 200
    receipt = client.w3.eth.wait_for_transaction_receipt(answer.json()["tx_hash"])
    assert receipt["status"] == 1
    assert receipt["to"] == address
    assert client.w3.eth.get_balance(address) == 3 * ETHER


def test_faucet_default_amount_is_positive(client: SandboxClient) -> None:
    address = Account.create().address
    answer = client.http.post(client.info["faucet_url"], json={"address": address.lower()})
    client.w3.eth.wait_for_transaction_receipt(answer.json()["tx_hash"])
    assert client.w3.eth.get_balance(address) > 0


def test_faucet_refuses_a_bad_address(client: SandboxClient) -> None:
    answer = client.http.post(client.info["faucet_url"], json={"address": "0x1234"})
    assert answer.status_code == 400
    assert "address" in answer.json()["error"]


def test_faucet_refuses_amounts_over_its_cap_and_non_json(client: SandboxClient) -> None:
    address = Account.create().address
    too_much = client.http.post(
        client.info["faucet_url"], json={"address": address, "amount_wei": 10**30}
    )
    assert too_much.status_code == 400
    assert "at most" in too_much.json()["error"]
    negative = client.http.post(
        client.info["faucet_url"], json={"address": address, "amount_wei": -1}
    )
    assert negative.status_code == 400
    not_json = client.http.post(client.info["faucet_url"], content=b"address=0x")
    assert not_json.status_code == 400
    assert client.w3.eth.get_balance(address) == 0
