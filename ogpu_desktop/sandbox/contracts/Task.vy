# pragma version ~=0.4.3
"""
@title Task
@notice One published task. Created by the Controller from a blueprint and owned by the
        Nexus, which alone changes it. The client is not stored here (the official Task
        has no client getter); the Controller records it (`Controller.clientOf`).
"""

import structs

owner: public(address)
status: public(uint8)
deliveryMethod: public(uint8)
winningProvider: public(address)
params: structs.TaskParams

attempters: public(HashMap[uint256, address])
attemptTimestamps: public(HashMap[uint256, uint256])
attempterId: public(HashMap[address, uint256])
responseOf: public(HashMap[address, address])
hasAttempted: public(HashMap[address, bool])
attemptCount: uint256


@deploy
@payable
def __init__(_taskParams: structs.TaskParams, _deliveryMethod: uint8, nexus: address):
    self.owner = nexus
    self.params = _taskParams
    self.deliveryMethod = _deliveryMethod
    self.status = structs.TASK_NEW


@view
@external
def taskParams() -> (address, String[structs.MAX_CONFIG], uint256, uint256):
    # Official getter returns the fields one by one, not as one tuple.
    return self.params.source, self.params.config, self.params.expiryTime, self.params.payment


@view
@external
def getStatus() -> uint8:
    return self.status


@view
@external
def getSource() -> address:
    return self.params.source


@view
@external
def getPayment() -> uint256:
    return self.params.payment


@view
@external
def getExpiryTime() -> uint256:
    return self.params.expiryTime


@view
@external
def getDeliveryMethod() -> uint8:
    return self.deliveryMethod


@view
@external
def getAttemptCount() -> uint256:
    return self.attemptCount


@view
@external
def getAttempterId(provider: address) -> uint256:
    return self.attempterId[provider]


@view
@internal
def _check_range(lower: uint256, upper: uint256):
    assert lower <= upper and upper < self.attemptCount, "The range is outside the attempt list: bounds are inclusive, from 0 to getAttemptCount() - 1"
    assert upper - lower < structs.MAX_PAGE, "The range is too long for one call: ask for at most 1000 items"


@view
@external
def getAttempters(lower: uint256, upper: uint256) -> DynArray[address, structs.MAX_PAGE]:
    self._check_range(lower, upper)
    out: DynArray[address, structs.MAX_PAGE] = []
    for i: uint256 in range(lower, upper + 1, bound=structs.MAX_PAGE):
        out.append(self.attempters[i])
    return out


@view
@external
def getAttemptTimestamps(lower: uint256, upper: uint256) -> DynArray[uint256, structs.MAX_PAGE]:
    self._check_range(lower, upper)
    out: DynArray[uint256, structs.MAX_PAGE] = []
    for i: uint256 in range(lower, upper + 1, bound=structs.MAX_PAGE):
        out.append(self.attemptTimestamps[i])
    return out


@view
@external
def getResponsesOf(lower: uint256, upper: uint256) -> DynArray[address, structs.MAX_PAGE]:
    # Indexed like the attempters: the zero address where that attempter has not responded.
    self._check_range(lower, upper)
    out: DynArray[address, structs.MAX_PAGE] = []
    for i: uint256 in range(lower, upper + 1, bound=structs.MAX_PAGE):
        out.append(self.responseOf[self.attempters[i]])
    return out


@internal
def _only_owner():
    assert msg.sender == self.owner, "Only the Nexus can change a task"


@external
def setStatus(_status: uint8):
    self._only_owner()
    assert _status <= structs.TASK_FINALIZED, "Unknown task status"
    self.status = _status


@external
def attempt(provider: address):
    self._only_owner()
    assert not self.hasAttempted[provider], "This provider has already attempted this task"
    index: uint256 = self.attemptCount
    self.attempters[index] = provider
    self.attemptTimestamps[index] = block.timestamp
    self.attempterId[provider] = index
    self.hasAttempted[provider] = True
    self.attemptCount = index + 1


@external
def submitResponse(response: address, provider: address):
    self._only_owner()
    assert self.hasAttempted[provider], "This provider has not attempted this task: attempt it before responding"
    assert self.responseOf[provider] == empty(address), "This provider has already responded to this task"
    self.responseOf[provider] = response


@external
def setWinningProvider(provider: address):
    self._only_owner()
    self.winningProvider = provider
