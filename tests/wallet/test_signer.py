"""The signer: signs for its own chain only, and what it signs verifies."""

from __future__ import annotations

from typing import Any

import pytest
import rlp
from eth_account import Account
from eth_account.typed_transactions import TypedTransaction
from eth_utils import keccak
from hexbytes import HexBytes

from ogpu_desktop.domain.signing import SignedTransaction
from ogpu_desktop.wallet import (
    KeychainSigner,
    KeyringKeyStore,
    SessionKeyStore,
    Wallet,
    WalletError,
    WrongChainError,
)

CHAIN_ID = 1337


def eip1559_tx(**changes: Any) -> dict[str, Any]:
    tx: dict[str, Any] = {
        "to": "0x" + "22" * 20,
        "value": 10**15,
        "gas": 21_000,
        "maxFeePerGas": 3_000_000_000,
        "maxPriorityFeePerGas": 1_000_000_000,
        "nonce": 7,
        "chainId": CHAIN_ID,
        "data": b"",
    }
    tx.update(changes)
    return tx


def session_signer() -> tuple[KeychainSigner, bytes]:
    store = SessionKeyStore()
    account = Account.create()
    store.put_key(account.address, bytes(account.key))
    return KeychainSigner(store, account.address, CHAIN_ID), bytes(account.key)


def assert_verifies(signed: SignedTransaction, address: str, nonce: int) -> None:
    assert Account.recover_transaction(signed.raw) == address
    assert signed.tx_hash == "0x" + keccak(signed.raw).hex()
    assert signed.sender == address
    assert signed.nonce == nonce
    assert signed.chain_id == CHAIN_ID


@pytest.mark.asyncio
async def test_a_signed_eip1559_transaction_verifies() -> None:
    signer, _ = session_signer()
    signed = await signer.sign_transaction(eip1559_tx())
    assert_verifies(signed, signer.address, 7)
    decoded = TypedTransaction.from_bytes(HexBytes(signed.raw)).as_dict()
    assert decoded["chainId"] == CHAIN_ID
    assert decoded["nonce"] == 7


@pytest.mark.asyncio
async def test_a_signed_legacy_transaction_carries_the_chain_id() -> None:
    signer, _ = session_signer()
    tx = {k: v for k, v in eip1559_tx(nonce=0).items() if not k.startswith("max")}
    tx["gasPrice"] = 2_000_000_000
    signed = await signer.sign_transaction(tx)
    assert_verifies(signed, signer.address, 0)
    # EIP-155: v = chain_id * 2 + 35 or 36, so the signature cannot be replayed elsewhere.
    fields = rlp.decode(signed.raw)
    v = int.from_bytes(fields[6], "big")
    assert v in (CHAIN_ID * 2 + 35, CHAIN_ID * 2 + 36)


@pytest.mark.asyncio
@pytest.mark.parametrize("chain", [1, 4159, "0x1"])
async def test_signing_for_another_chain_is_refused(chain: object) -> None:
    signer, _ = session_signer()
    with pytest.raises(WrongChainError) as caught:
        await signer.sign_transaction(eip1559_tx(chainId=chain))
    assert f"expected {CHAIN_ID}, transaction is for {chain}" in caught.value.message
    assert "Nothing was signed" in caught.value.message


@pytest.mark.asyncio
async def test_a_transaction_without_chain_id_is_refused() -> None:
    signer, _ = session_signer()
    tx = eip1559_tx()
    del tx["chainId"]
    with pytest.raises(WrongChainError, match=f"expected {CHAIN_ID}, transaction is for no chain"):
        await signer.sign_transaction(tx)


@pytest.mark.asyncio
async def test_a_hex_chain_id_of_the_right_chain_is_accepted() -> None:
    signer, _ = session_signer()
    signed = await signer.sign_transaction(eip1559_tx(chainId=hex(CHAIN_ID)))
    assert_verifies(signed, signer.address, 7)


@pytest.mark.asyncio
async def test_another_sender_is_refused() -> None:
    signer, _ = session_signer()
    with pytest.raises(WalletError, match="Nothing was signed"):
        await signer.sign_transaction(eip1559_tx(**{"from": "0x" + "33" * 20}))
    signed = await signer.sign_transaction(eip1559_tx(**{"from": signer.address.lower()}))
    assert_verifies(signed, signer.address, 7)


@pytest.mark.asyncio
async def test_an_unsignable_transaction_gives_a_message_without_the_key() -> None:
    signer, key = session_signer()
    tx = eip1559_tx()
    del tx["gas"]
    with pytest.raises(WalletError) as caught:
        await signer.sign_transaction(tx)
    assert caught.value.message.startswith("The transaction could not be signed")
    assert caught.value.__context__ is None
    assert caught.value.__cause__ is None
    assert key.hex() not in repr(caught.value).lower()
    with pytest.raises(WalletError, match="no valid nonce"):
        await signer.sign_transaction(eip1559_tx(nonce=None))


def test_the_signer_holds_no_key() -> None:
    signer, key = session_signer()
    assert repr(signer) == f"KeychainSigner(address='{signer.address}', chain_id={CHAIN_ID})"
    assert not hasattr(signer, "__dict__")
    held = [getattr(signer, slot) for slot in KeychainSigner.__slots__]
    assert key not in held
    assert key.hex() not in repr(held)


@pytest.mark.keychain
@pytest.mark.asyncio
async def test_a_keychain_account_signs_and_verifies(wallet: Wallet) -> None:
    new = await wallet.create_account_async("Signer")
    signer = wallet.signer_for(new.address, CHAIN_ID)
    signed = await signer.sign_transaction(eip1559_tx(nonce=0))
    assert_verifies(signed, new.address, 0)


@pytest.mark.keychain
@pytest.mark.asyncio
async def test_a_key_deleted_from_the_keychain_is_reported(
    wallet: Wallet, keychain_store: KeyringKeyStore
) -> None:
    new = wallet.create_account("Gone")
    keychain_store.delete_key(new.address)
    with pytest.raises(WalletError, match="not in the keychain"):
        await wallet.signer_for(new.address, CHAIN_ID).sign_transaction(eip1559_tx())
