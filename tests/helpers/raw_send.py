"""Sending a contract call as a locally signed raw transaction, as the tests' clients do."""

from __future__ import annotations

import math

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract.contract import ContractFunction
from web3.types import TxParams, TxReceipt, Wei

from ogpu_desktop.chain.transactions import GAS_MARGIN


def send_signed(
    w3: Web3, account: LocalAccount, call: ContractFunction, value: int = 0
) -> TxReceipt:
    """Build ``call`` from ``account``, sign it locally, send it raw and return the receipt.

    The nonce is the account's next pending one, and the gas limit the node's estimate plus the
    app's margin: a call into another contract can need more than an exact estimate once the
    state it runs on has moved. The receipt's status is left to the caller.
    """
    params: TxParams = {
        "from": account.address,
        "value": Wei(value),
        "nonce": w3.eth.get_transaction_count(account.address, "pending"),
    }
    tx = call.build_transaction(params)
    tx["gas"] = math.ceil(int(tx["gas"]) * GAS_MARGIN)
    signed = account.sign_transaction(tx)  # type: ignore[arg-type]
    return w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(signed.raw_transaction))
