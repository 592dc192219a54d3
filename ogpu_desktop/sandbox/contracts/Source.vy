# pragma version ~=0.4.3
"""
@title Source
@notice A published source: its parameters, status, tasks and registered providers.
        Created by the Nexus from a blueprint; only the Nexus (its owner) changes it.
"""

import structs

owner: public(address)
nexus: public(address)
status: public(uint8)
params: structs.SourceParams

tasks: public(HashMap[uint256, address])
taskCount: uint256
registrants: public(HashMap[uint256, address])
registrantId: public(HashMap[address, uint256])
preferredEnvironmentOf: public(HashMap[address, uint8])
isRegistered: public(HashMap[address, bool])
registrantCount: uint256


@deploy
@payable
def __init__(_sourceParams: structs.SourceParams):
    self.owner = msg.sender
    self.nexus = msg.sender
    self.params = _sourceParams
    self.status = structs.SOURCE_ACTIVE


@view
@external
def getClient() -> address:
    return self.params.client


@view
@external
def getStatus() -> uint8:
    return self.status


@view
@external
def getSourceParams() -> structs.SourceParams:
    return self.params


@view
@external
def sourceParams() -> (
    address, String[structs.MAX_URL], uint8, uint256, uint256, uint256, bool,
    String[structs.MAX_URL], uint8, uint256
):
    # Official getter returns the fields one by one, unlike getSourceParams' single tuple.
    p: structs.SourceParams = self.params
    return (
        p.client, p.imageMetadataUrl, p.imageEnvironments, p.minPayment, p.minAvailableLockup,
        p.maxExpiryDuration, p.privacyEnabled, p.optionalParamsUrl, p.deliveryMethod,
        p.lastUpdateTime,
    )


@view
@external
def getTaskCount() -> uint256:
    return self.taskCount


@view
@external
def getTasks(lower: uint256, upper: uint256) -> DynArray[address, structs.MAX_PAGE]:
    assert lower <= upper and upper < self.taskCount, "The range is outside the task list: bounds are inclusive, from 0 to getTaskCount() - 1"
    assert upper - lower < structs.MAX_PAGE, "The range is too long for one call: ask for at most 1000 items"
    out: DynArray[address, structs.MAX_PAGE] = []
    for i: uint256 in range(lower, upper + 1, bound=structs.MAX_PAGE):
        out.append(self.tasks[i])
    return out


@view
@external
def getRegistrantCount() -> uint256:
    return self.registrantCount


@view
@external
def getRegistrantId(provider: address) -> uint256:
    return self.registrantId[provider]


@view
@external
def getRegistrants(lower: uint256, upper: uint256) -> DynArray[address, structs.MAX_PAGE]:
    assert lower <= upper and upper < self.registrantCount, "The range is outside the registrant list: bounds are inclusive, from 0 to getRegistrantCount() - 1"
    assert upper - lower < structs.MAX_PAGE, "The range is too long for one call: ask for at most 1000 items"
    out: DynArray[address, structs.MAX_PAGE] = []
    for i: uint256 in range(lower, upper + 1, bound=structs.MAX_PAGE):
        out.append(self.registrants[i])
    return out


@internal
def _only_owner():
    assert msg.sender == self.owner, "Only the Nexus can change a source"


@external
def publishTask(task: address):
    self._only_owner()
    self.tasks[self.taskCount] = task
    self.taskCount += 1


@external
def setSourceParams(_sourceParams: structs.SourceParams):
    self._only_owner()
    self.params = _sourceParams


@external
def setStatus(_status: uint8):
    self._only_owner()
    assert _status <= structs.SOURCE_INACTIVE, "Unknown source status"
    self.status = _status


@external
def register(provider: address, preferredEnvironment: uint8) -> uint256:
    self._only_owner()
    assert not self.isRegistered[provider], "This provider is already registered to this source"
    index: uint256 = self.registrantCount
    self.registrants[index] = provider
    self.registrantId[provider] = index
    self.preferredEnvironmentOf[provider] = preferredEnvironment
    self.isRegistered[provider] = True
    self.registrantCount = index + 1
    return index
