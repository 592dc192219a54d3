"""Publishing, listing, updating and inactivating sources, and registering providers."""

from __future__ import annotations

from eth_account.signers.local import LocalAccount

from ogpu_desktop.sandbox.deployment import source_params
from tests.sandbox.chain import ETHER, FIRST_RESPONSE, MANUAL_CONFIRMATION, Event, SandboxChain

ACTIVE, INACTIVE = 0, 1
CPU, NVIDIA = 1, 2


def publish_own_source(chain: SandboxChain, owner: LocalAccount, **changes: int) -> str:
    values = {"min_payment": 5, "max_expiry_duration": 900, "delivery_method": FIRST_RESPONSE}
    values.update(changes)
    params = source_params(owner.address, metadata_url="https://pins.example/meta", **values)
    receipt = chain.send(owner, chain.nexus.functions.publishSource(params))
    events = chain.events(receipt)
    assert [(e.emitter, e.name) for e in events] == [("nexus", "SourcePublished")]
    return str(events[0].args["source"])


def test_publish_source_lists_it_with_inclusive_bounds(chain: SandboxChain) -> None:
    owner = chain.new_account()
    nexus = chain.nexus.functions
    count_before = nexus.getSourceCount().call()

    source = publish_own_source(chain, owner, environments=CPU | NVIDIA)

    assert nexus.getSourceCount().call() == count_before + 1
    assert nexus.getSources(0, count_before).call()[-1] == source
    assert nexus.getSources(count_before, count_before).call() == [source]
    assert nexus.sources(count_before).call() == source
    assert nexus.getSourceId(source).call() == count_before
    assert nexus.sourceId(source).call() == count_before
    assert nexus.sourcesOf(owner.address, 0).call() == source
    assert nexus.getActiveSourceCount(owner.address).call() == 1
    assert chain.revert_reason(owner, nexus.getSources(0, count_before + 1)) == (
        "The range is outside the source list: bounds are inclusive, "
        "from 0 to getSourceCount() - 1"
    )
    src = chain.source(source).functions
    params = src.getSourceParams().call()
    block_time = chain.now()
    assert tuple(params) == (
        owner.address, "https://pins.example/meta", CPU | NVIDIA, 5, 0, 900, False, "",
        FIRST_RESPONSE, block_time,
    )
    assert tuple(src.sourceParams().call()) == tuple(params)
    assert src.getClient().call() == owner.address
    assert src.getStatus().call() == ACTIVE
    assert src.getTaskCount().call() == 0


def test_publish_source_rejects_bad_parameters(chain: SandboxChain) -> None:
    owner = chain.new_account()

    def reason(**changes: int) -> str:
        values = {"min_payment": 5, "max_expiry_duration": 900, "delivery_method": 1}
        values.update(changes)
        params = source_params(owner.address, metadata_url="m", **values)
        return chain.revert_reason(owner, chain.nexus.functions.publishSource(params))

    assert reason(delivery_method=2) == (
        "Unknown delivery method: use 0 for manual confirmation or 1 for first response"
    )
    assert reason(environments=0) == "The environments must combine CPU (1), NVIDIA (2) and AMD (4)"
    assert reason(environments=8) == "The environments must combine CPU (1), NVIDIA (2) and AMD (4)"
    assert reason(max_expiry_duration=0) == (
        "The maximum expiry duration must be more than zero seconds"
    )


def test_update_and_inactivate_a_source(chain: SandboxChain) -> None:
    owner, stranger = chain.new_account(), chain.new_account()
    source = publish_own_source(chain, owner)
    nexus = chain.nexus.functions
    new_params = source_params(
        stranger.address,  # the client field is ignored: the source keeps its client
        metadata_url="https://pins.example/meta-v2",
        min_payment=7,
        max_expiry_duration=1200,
        delivery_method=MANUAL_CONFIRMATION,
    )
    assert chain.revert_reason(stranger, nexus.updateSource(source, new_params)) == (
        "Only the client who published this source can change it"
    )

    receipt = chain.send(owner, nexus.updateSource(source, new_params))

    stored = chain.source(source).functions.getSourceParams().call()
    assert stored[0] == owner.address
    assert tuple(stored[1:9]) == (
        "https://pins.example/meta-v2", 1, 7, 0, 1200, False, "", MANUAL_CONFIRMATION
    )
    (updated,) = chain.events(receipt)
    assert (updated.emitter, updated.name, updated.args["source"]) == (
        "nexus", "SourceUpdated", source
    )
    assert tuple(updated.args["sourceParams"].values()) == tuple(stored)

    receipt = chain.send(owner, nexus.inactivateSource(source))

    assert chain.events(receipt) == [
        Event("nexus", "SourceStatusChanged", {"source": source, "status": INACTIVE}),
    ]
    assert chain.source(source).functions.getStatus().call() == INACTIVE
    assert nexus.getActiveSourceCount(owner.address).call() == 0
    assert chain.revert_reason(owner, nexus.inactivateSource(source)) == (
        "This source is inactive and can no longer change"
    )
    client = chain.new_account()
    chain.deposit(client, ETHER)
    task = (source, "https://pins.example/ipfs/QmX", chain.now() + 600, 10)
    assert chain.revert_reason(client, chain.controller.functions.publishTask(task)) == (
        "This source is inactive and no longer accepts tasks"
    )


def test_a_provider_registers_to_a_source(chain: SandboxChain) -> None:
    owner, provider, other = chain.new_account(), chain.new_account(), chain.new_account()
    source = publish_own_source(chain, owner, environments=CPU)
    register = chain.nexus.functions.register
    assert chain.revert_reason(provider, register(source, provider.address, NVIDIA)) == (
        "The preferred environment must be one the source supports: "
        "CPU (1), NVIDIA (2) or AMD (4)"
    )
    assert chain.revert_reason(provider, register(source, other.address, CPU)) == (
        "Only the provider itself or its agent can register it"
    )

    receipt = chain.send(provider, register(source, provider.address, CPU))

    assert chain.events(receipt) == [
        Event("nexus", "Registered", {"provider": provider.address, "registrantId": 0,
                                      "source": source, "preferredEnvironment": CPU}),
    ]
    src = chain.source(source).functions
    assert src.getRegistrantCount().call() == 1
    assert src.getRegistrants(0, 0).call() == [provider.address]
    assert src.registrantId(provider.address).call() == 0
    assert src.preferredEnvironmentOf(provider.address).call() == CPU
    assert chain.revert_reason(provider, register(source, provider.address, CPU)) == (
        "This provider is already registered to this source"
    )
