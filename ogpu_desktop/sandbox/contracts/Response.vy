# pragma version ~=0.4.3
"""
@title Response
@notice One provider's answer to a task. Created by the Nexus from a blueprint; only the
        Nexus (its owner) changes it.
"""

import structs

owner: public(address)
status: public(uint8)
confirmedFinal: public(bool)
responseTimestamp: public(uint256)
params: structs.ResponseParams


@deploy
@payable
def __init__(_responseParams: structs.ResponseParams):
    self.owner = msg.sender
    self.params = _responseParams
    self.status = structs.RESPONSE_SUBMITTED
    self.responseTimestamp = block.timestamp


@view
@external
def getResponseParams() -> structs.ResponseParams:
    return self.params


@view
@external
def responseParams() -> (address, address, String[structs.MAX_DATA], uint256):
    # Official getter returns the fields one by one, unlike getResponseParams' single tuple.
    return self.params.task, self.params.provider, self.params.data, self.params.payment


@view
@external
def getStatus() -> uint8:
    return self.status


@external
def confirm():
    assert msg.sender == self.owner, "Only the Nexus can confirm a response"
    assert not self.confirmedFinal, "This response is already confirmed"
    self.status = structs.RESPONSE_CONFIRMED
    self.confirmedFinal = True


@external
def setStatus(_status: uint8):
    assert msg.sender == self.owner, "Only the Nexus can change a response's status"
    assert _status <= structs.RESPONSE_CONFIRMED, "Unknown response status"
    self.status = _status
    self.confirmedFinal = _status == structs.RESPONSE_CONFIRMED
