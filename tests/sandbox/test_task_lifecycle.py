"""Task lifecycle on the Sandbox contracts with locally signed transactions, on py-evm and anvil."""

from __future__ import annotations

from eth_account.signers.local import LocalAccount
from web3 import Web3

from tests.sandbox.chain import (
    ETHER,
    FIRST_RESPONSE,
    MANUAL_CONFIRMATION,
    MIN_PAYMENT,
    Event,
    SandboxChain,
)

NEW, ATTEMPTED, RESPONDED, CANCELED, EXPIRED, FINALIZED = range(6)
SUBMITTED, CONFIRMED = 0, 1
ZERO = "0x0000000000000000000000000000000000000000"
PAYMENT = 2 * MIN_PAYMENT


def funded_client(chain: SandboxChain, deposit: int = ETHER) -> LocalAccount:
    client = chain.new_account()
    chain.deposit(client, deposit)
    return client


def test_deposit_and_withdraw_move_vault_balance(chain: SandboxChain) -> None:
    client = chain.new_account()

    receipt = chain.deposit(client, 3 * ETHER)

    assert chain.events(receipt) == [
        Event("vault", "Deposited", {"account": client.address, "amount": 3 * ETHER})
    ]
    assert chain.balances(client.address) == (3 * ETHER, 0)
    assert chain.vault.functions.getBalanceOf(client.address).call() == 3 * ETHER
    wallet_before = chain.w3.eth.get_balance(client.address)

    receipt = chain.send(client, chain.vault.functions.withdraw(ETHER))

    assert chain.events(receipt) == [
        Event("vault", "Withdrawn", {"account": client.address, "amount": ETHER})
    ]
    assert chain.balances(client.address) == (2 * ETHER, 0)
    gas_cost = receipt["gasUsed"] * receipt["effectiveGasPrice"]
    assert chain.w3.eth.get_balance(client.address) == wallet_before + ETHER - gas_cost


def test_deposit_credits_another_account(chain: SandboxChain) -> None:
    payer, beneficiary = chain.new_account(), chain.new_account()

    chain.send(payer, chain.vault.functions.deposit(beneficiary.address), value=ETHER)

    assert chain.balances(beneficiary.address) == (ETHER, 0)
    assert chain.balances(payer.address) == (0, 0)


def test_vault_reverts_in_plain_words(chain: SandboxChain) -> None:
    client = funded_client(chain, ETHER)
    vault = chain.vault.functions

    assert chain.revert_reason(client, vault.deposit(client.address)) == (
        "Send a positive amount to deposit"
    )
    assert chain.revert_reason(client, vault.deposit(ZERO), value=1) == (
        "Deposit to a real account, not the zero address"
    )
    assert chain.revert_reason(client, vault.withdraw(ETHER + 1)) == (
        "Insufficient vault balance to withdraw this amount"
    )
    assert chain.revert_reason(client, vault.withdraw(0)) == "Withdraw a positive amount"
    task_like = chain.new_account().address
    for call in (
        vault.freezePayment(client.address, task_like, 1),
        vault.releasePayment(client.address, task_like),
        vault.processPayment(client.address, client.address, task_like, 1),
    ):
        assert chain.revert_reason(client, call) == (
            "Only the OGPU protocol contracts can move escrowed payments"
        )


def test_publish_escrows_the_payment_and_announces_the_task(chain: SandboxChain) -> None:
    client = funded_client(chain)
    source = chain.sources[MANUAL_CONFIRMATION]
    tasks_before = chain.source(source).functions.getTaskCount().call()
    params = chain.task_params(MANUAL_CONFIRMATION, payment=PAYMENT)

    receipt = chain.send(client, chain.controller.functions.publishTask(params))

    events = chain.events(receipt)
    task = events[0].args["task"]
    assert events == [
        Event("nexus", "TaskPublished", {"task": task, "source": source}),
        Event("nexus", "TaskStatusChanged", {"task": task, "status": NEW}),
    ]
    assert chain.balances(client.address) == (ETHER - PAYMENT, PAYMENT)
    assert chain.vault.functions.escrowOf(task).call() == PAYMENT
    assert chain.controller.functions.clientOf(task).call() == client.address
    t = chain.task(task).functions
    assert t.getStatus().call() == NEW
    assert t.status().call() == NEW
    assert tuple(t.taskParams().call()) == params
    assert t.getSource().call() == source
    assert t.getPayment().call() == PAYMENT
    assert t.getExpiryTime().call() == params[2]
    assert t.getDeliveryMethod().call() == MANUAL_CONFIRMATION
    assert t.getAttemptCount().call() == 0
    assert t.winningProvider().call() == ZERO
    src = chain.source(source).functions
    assert src.getTaskCount().call() == tasks_before + 1
    assert src.getTasks(0, tasks_before).call()[-1] == task
    assert src.tasks(tasks_before).call() == task


def test_publish_copies_the_sources_delivery_method(chain: SandboxChain) -> None:
    client = funded_client(chain)

    task, _ = chain.publish(client, FIRST_RESPONSE)

    assert chain.task(task).functions.getDeliveryMethod().call() == FIRST_RESPONSE


def test_publish_reverts_in_plain_words(chain: SandboxChain) -> None:
    client = funded_client(chain, MIN_PAYMENT)
    publish = chain.controller.functions.publishTask
    source = chain.sources[FIRST_RESPONSE]
    now = chain.now()

    def reason(params: tuple[str, str, int, int]) -> str:
        return chain.revert_reason(client, publish(params))

    config = "https://pins.example/ipfs/QmX"
    stranger = chain.new_account().address
    assert reason((stranger, config, now + 600, MIN_PAYMENT)) == (
        "This source does not exist on this network"
    )
    assert reason((source, config, now + 600, 0)) == "The payment must be more than zero"
    assert reason((source, config, now + 600, MIN_PAYMENT - 1)) == (
        "The payment is below this source's minimum payment"
    )
    assert reason((source, config, now - 1, MIN_PAYMENT)) == "The expiry time has already passed"
    assert reason((source, config, now + 3600 + 60, MIN_PAYMENT)) == (
        "The expiry time is later than this source allows (its maximum expiry duration)"
    )
    assert reason((source, config, now + 600, MIN_PAYMENT + 1)) == (
        "Insufficient vault balance: deposit at least the task payment first"
    )


def test_first_response_finalizes_and_pays_the_provider(chain: SandboxChain) -> None:
    client = funded_client(chain)
    provider, late_provider = chain.new_account(), chain.new_account()
    task, _ = chain.publish(client, FIRST_RESPONSE, payment=PAYMENT)

    receipt = chain.attempt(provider, task, suggested=123)

    assert chain.events(receipt) == [
        Event("nexus", "Attempted", {"task": task, "provider": provider.address,
                                     "suggestedPayment": 123}),
        Event("nexus", "TaskStatusChanged", {"task": task, "status": ATTEMPTED}),
    ]
    t = chain.task(task).functions
    assert t.getAttemptCount().call() == 1
    assert t.getAttempters(0, 0).call() == [provider.address]
    assert t.attempters(0).call() == provider.address
    assert t.getResponsesOf(0, 0).call() == [ZERO]
    chain.attempt(late_provider, task)

    response, receipt = chain.respond(provider, task, "https://pins.example/ipfs/QmResult")

    assert chain.events(receipt) == [
        Event("nexus", "ResponseSubmitted", {"response": response, "task": task}),
        Event("nexus", "TaskStatusChanged", {"task": task, "status": RESPONDED}),
        Event("nexus", "ResponseStatusChanged", {"response": response, "status": CONFIRMED}),
        Event("nexus", "TaskStatusChanged", {"task": task, "status": FINALIZED}),
    ]
    assert t.getStatus().call() == FINALIZED
    assert t.winningProvider().call() == provider.address
    assert t.responseOf(provider.address).call() == response
    assert t.getResponsesOf(0, 1).call() == [response, ZERO]
    r = chain.response(response).functions
    assert tuple(r.getResponseParams().call()) == (
        task, provider.address, "https://pins.example/ipfs/QmResult", 0
    )
    assert tuple(r.responseParams().call()) == tuple(r.getResponseParams().call())
    assert r.getStatus().call() == CONFIRMED
    assert r.status().call() == CONFIRMED
    assert r.confirmedFinal().call() is True
    block = chain.w3.eth.get_block(receipt["blockNumber"])
    assert r.responseTimestamp().call() == block["timestamp"]
    assert chain.balances(client.address) == (ETHER - PAYMENT, 0)
    assert chain.balances(provider.address) == (PAYMENT, 0)
    assert chain.vault.functions.totalEarningsOf(provider.address).call() == PAYMENT
    assert chain.revert_reason(
        late_provider,
        chain.nexus.functions.submitResponse((task, late_provider.address, "late", 0)),
    ) == "This task is already finalized"
    assert chain.revert_reason(
        late_provider, chain.nexus.functions.attempt(task, late_provider.address, 0)
    ) == "This task is no longer open: it was canceled or finalized"


def test_manual_confirmation_waits_for_the_client(chain: SandboxChain) -> None:
    client, stranger = funded_client(chain), chain.new_account()
    first, second = chain.new_account(), chain.new_account()
    task, _ = chain.publish(client, MANUAL_CONFIRMATION, payment=PAYMENT)
    chain.attempt(first, task)
    receipt = chain.attempt(second, task)
    assert chain.events(receipt) == [
        Event("nexus", "Attempted", {"task": task, "provider": second.address,
                                     "suggestedPayment": 0}),
    ]

    first_response, receipt = chain.respond(first, task, "answer one")
    assert chain.events(receipt) == [
        Event("nexus", "ResponseSubmitted", {"response": first_response, "task": task}),
        Event("nexus", "TaskStatusChanged", {"task": task, "status": RESPONDED}),
    ]
    second_response, receipt = chain.respond(second, task, "answer two")
    assert chain.events(receipt) == [
        Event("nexus", "ResponseSubmitted", {"response": second_response, "task": task}),
    ]

    t = chain.task(task).functions
    assert t.getStatus().call() == RESPONDED
    assert t.getResponsesOf(0, 1).call() == [first_response, second_response]
    for response in (first_response, second_response):
        assert chain.response(response).functions.getStatus().call() == SUBMITTED
        assert chain.response(response).functions.confirmedFinal().call() is False
    assert chain.balances(client.address) == (ETHER - PAYMENT, PAYMENT)
    confirm = chain.controller.functions.confirmResponse
    assert chain.revert_reason(stranger, confirm(second_response)) == (
        "Only the client who published this task can confirm a response"
    )
    assert chain.revert_reason(client, confirm(chain.new_account().address)) == (
        "This response does not exist on this network"
    )

    receipt = chain.send(client, confirm(second_response))

    assert chain.events(receipt) == [
        Event("nexus", "ResponseStatusChanged", {"response": second_response,
                                                 "status": CONFIRMED}),
        Event("nexus", "TaskStatusChanged", {"task": task, "status": FINALIZED}),
    ]
    assert t.getStatus().call() == FINALIZED
    assert t.winningProvider().call() == second.address
    assert chain.response(second_response).functions.confirmedFinal().call() is True
    assert chain.response(first_response).functions.confirmedFinal().call() is False
    assert chain.balances(client.address) == (ETHER - PAYMENT, 0)
    assert chain.balances(second.address) == (PAYMENT, 0)
    assert chain.balances(first.address) == (0, 0)
    for response in (first_response, second_response):
        assert chain.revert_reason(client, confirm(response)) == (
            "This task is already finalized: a response was confirmed before"
        )


def test_cancel_refunds_the_escrow(chain: SandboxChain) -> None:
    client, stranger, provider = funded_client(chain), chain.new_account(), chain.new_account()
    task, _ = chain.publish(client, MANUAL_CONFIRMATION, payment=PAYMENT)
    cancel = chain.controller.functions.cancelTask
    assert chain.revert_reason(stranger, cancel(task)) == (
        "Only the client who published this task can cancel it"
    )

    receipt = chain.send(client, cancel(task))

    assert chain.events(receipt) == [
        Event("nexus", "TaskStatusChanged", {"task": task, "status": CANCELED}),
    ]
    assert chain.task(task).functions.getStatus().call() == CANCELED
    assert chain.balances(client.address) == (ETHER, 0)
    assert chain.vault.functions.escrowOf(task).call() == 0
    assert chain.revert_reason(client, cancel(task)) == "This task is already canceled"
    assert chain.revert_reason(
        provider, chain.nexus.functions.attempt(task, provider.address, 0)
    ) == "This task is no longer open: it was canceled or finalized"
    assert chain.revert_reason(client, cancel(chain.new_account().address)) == (
        "This task does not exist on this network"
    )


def test_cancel_is_refused_after_an_attempt(chain: SandboxChain) -> None:
    client, provider = funded_client(chain), chain.new_account()
    task, _ = chain.publish(client, MANUAL_CONFIRMATION, payment=PAYMENT)
    chain.attempt(provider, task)

    reason = chain.revert_reason(client, chain.controller.functions.cancelTask(task))

    assert reason == "Only a task that no provider has attempted yet can be canceled"
    assert chain.task(task).functions.getStatus().call() == ATTEMPTED
    assert chain.balances(client.address) == (ETHER - PAYMENT, PAYMENT)


def test_an_attempt_after_expiry_marks_the_task_expired_and_refunds(chain: SandboxChain) -> None:
    client, provider = funded_client(chain), chain.new_account()
    task, _ = chain.publish(client, FIRST_RESPONSE, payment=PAYMENT, lifetime=60)
    chain.advance(120)
    assert chain.task(task).functions.getStatus().call() == NEW  # expiry is lazy

    receipt = chain.attempt(provider, task)

    assert chain.events(receipt) == [
        Event("nexus", "TaskStatusChanged", {"task": task, "status": EXPIRED}),
    ]
    assert chain.task(task).functions.getStatus().call() == EXPIRED
    assert chain.task(task).functions.getAttemptCount().call() == 0
    assert chain.balances(client.address) == (ETHER, 0)
    attempt = chain.nexus.functions.attempt(task, provider.address, 0)
    assert chain.revert_reason(provider, attempt) == "This task has expired"
    settle = chain.vault.functions.forceReleasePayment(client.address, task)
    assert chain.revert_reason(provider, settle) == "This task has no payment left in escrow"
    cancel = chain.controller.functions.cancelTask(task)
    assert chain.revert_reason(client, cancel) == "This task has expired"


def test_settling_an_expired_task_returns_its_escrow(chain: SandboxChain) -> None:
    client, provider, anyone = funded_client(chain), chain.new_account(), chain.new_account()
    task, _ = chain.publish(client, MANUAL_CONFIRMATION, payment=PAYMENT, lifetime=60)
    chain.attempt(provider, task)
    settle = chain.vault.functions.forceReleasePayment
    assert chain.revert_reason(anyone, settle(client.address, task)) == (
        "This task has not expired yet"
    )
    chain.advance(120)
    respond = chain.nexus.functions.submitResponse((task, provider.address, "too late", 0))
    assert chain.revert_reason(provider, respond) == (
        "This task has expired: responses are no longer accepted"
    )
    assert chain.revert_reason(anyone, settle(anyone.address, task)) == (
        "This account is not the client of this task"
    )

    receipt = chain.send(anyone, settle(client.address, task))

    assert chain.events(receipt) == [
        Event("nexus", "TaskStatusChanged", {"task": task, "status": EXPIRED}),
    ]
    assert chain.task(task).functions.getStatus().call() == EXPIRED
    assert chain.balances(client.address) == (ETHER, 0)
    assert chain.balances(anyone.address) == (0, 0)
    assert chain.revert_reason(anyone, settle(client.address, task)) == (
        "This task has no payment left in escrow"
    )


def test_a_responded_task_past_expiry_can_still_be_confirmed(chain: SandboxChain) -> None:
    client, provider = funded_client(chain), chain.new_account()
    task, _ = chain.publish(client, MANUAL_CONFIRMATION, payment=PAYMENT, lifetime=60)
    chain.attempt(provider, task)
    response, _ = chain.respond(provider, task, "in time")
    chain.advance(120)

    chain.send(client, chain.controller.functions.confirmResponse(response))

    assert chain.task(task).functions.getStatus().call() == FINALIZED
    assert chain.balances(provider.address) == (PAYMENT, 0)


def test_a_settled_task_can_no_longer_be_confirmed(chain: SandboxChain) -> None:
    client, provider = funded_client(chain), chain.new_account()
    task, _ = chain.publish(client, MANUAL_CONFIRMATION, payment=PAYMENT, lifetime=60)
    chain.attempt(provider, task)
    response, _ = chain.respond(provider, task, "in time")
    chain.advance(120)
    chain.send(provider, chain.vault.functions.forceReleasePayment(client.address, task))

    reason = chain.revert_reason(client, chain.controller.functions.confirmResponse(response))

    assert reason == "This task can no longer be confirmed: it was canceled or has expired"
    assert chain.balances(client.address) == (ETHER, 0)


def test_provider_mistakes_revert_in_plain_words(chain: SandboxChain) -> None:
    client, provider, other = funded_client(chain), chain.new_account(), chain.new_account()
    task, _ = chain.publish(client, MANUAL_CONFIRMATION)
    nexus = chain.nexus.functions
    unknown = chain.new_account().address

    assert chain.revert_reason(provider, nexus.attempt(unknown, provider.address, 0)) == (
        "This task does not exist on this network"
    )
    assert chain.revert_reason(provider, nexus.attempt(task, other.address, 0)) == (
        "Only the provider itself or its agent can attempt for it"
    )
    assert chain.revert_reason(
        provider, nexus.submitResponse((task, provider.address, "x", 0))
    ) == "This provider has not attempted this task: attempt it before responding"
    assert chain.revert_reason(
        provider, nexus.submitResponse((task, other.address, "x", 0))
    ) == "Only the provider itself or its agent can respond for it"
    chain.attempt(provider, task)
    assert chain.revert_reason(provider, nexus.attempt(task, provider.address, 0)) == (
        "This provider has already attempted this task"
    )
    chain.respond(provider, task, "once")
    assert chain.revert_reason(
        provider, nexus.submitResponse((task, provider.address, "twice", 0))
    ) == "This provider has already responded to this task"


def test_only_the_protocol_changes_tasks_responses_and_sources(chain: SandboxChain) -> None:
    client, provider = funded_client(chain), chain.new_account()
    task, _ = chain.publish(client, MANUAL_CONFIRMATION)
    chain.attempt(provider, task)
    response, _ = chain.respond(provider, task, "answer")
    nexus = chain.nexus.functions
    source = chain.sources[MANUAL_CONFIRMATION]
    refused = {
        nexus.setTaskStatus(task, FINALIZED): (
            "Only the protocol contracts can change a task's status"
        ),
        nexus.emitTaskPublished(task, source): "Only the Controller publishes tasks",
        nexus.setResponseStatus(response, CONFIRMED): "Only the Controller confirms responses",
        chain.task(task).functions.setStatus(FINALIZED): "Only the Nexus can change a task",
        chain.task(task).functions.setWinningProvider(provider.address): (
            "Only the Nexus can change a task"
        ),
        chain.response(response).functions.confirm(): "Only the Nexus can confirm a response",
        chain.source(source).functions.setStatus(1): "Only the Nexus can change a source",
        chain.source(source).functions.publishTask(task): "Only the Nexus can change a source",
    }
    for call, reason in refused.items():
        assert chain.revert_reason(client, call) == reason, call.fn_name
    assert chain.revert_reason(chain.bank, nexus.setController(client.address)) == (
        "The Nexus is already connected"
    )
    assert chain.revert_reason(
        chain.bank, chain.vault.functions.setProtocol(task, task, task)
    ) == "The vault is already connected"
    assert chain.task(task).functions.getStatus().call() == RESPONDED


def test_an_agent_acts_for_its_account(chain: SandboxChain) -> None:
    client, agent, provider = funded_client(chain), chain.new_account(), chain.new_account()
    receipt = chain.send(client, chain.terminal.functions.setAgent(agent.address, True))
    assert chain.events(receipt) == [
        Event("terminal", "AgentSet", {"account": client.address, "agent": agent.address,
                                       "value": True}),
    ]
    task, _ = chain.publish(client, MANUAL_CONFIRMATION)
    chain.attempt(provider, task)
    response, _ = chain.respond(provider, task, "answer")

    chain.send(agent, chain.controller.functions.confirmResponse(response))

    assert chain.task(task).functions.getStatus().call() == FINALIZED
    assert Web3.to_checksum_address(chain.task(task).functions.winningProvider().call()) == (
        provider.address
    )
