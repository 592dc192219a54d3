# pragma version ~=0.4.3
"""
@title Controller
@notice What a client calls: publish a task (its payment goes into escrow in the Vault),
        cancel it while no provider has attempted it, and confirm a response. The client
        of every task is recorded here (`clientOf`), since the official Task has no client.
"""

import structs

interface ITask:
    def getStatus() -> uint8: view

interface ISource:
    def getStatus() -> uint8: view
    def getSourceParams() -> structs.SourceParams: view

interface IResponse:
    def getResponseParams() -> structs.ResponseParams: view

interface INexus:
    def isSource(source: address) -> bool: view
    def isResponse(response: address) -> bool: view
    def emitTaskPublished(task: address, source: address): nonpayable
    def setTaskStatus(task: address, status: uint8): nonpayable
    def setResponseStatus(response: address, status: uint8): nonpayable

interface IVault:
    def balanceOf(account: address) -> uint256: view
    def freezePayment(client: address, task: address, amount: uint256): nonpayable
    def releasePayment(client: address, task: address): nonpayable

interface ITerminal:
    def isAgentOf(account: address, agent: address) -> bool: view


owner: public(address)
nexus: public(address)
terminal: public(address)
vault: public(address)
clientOf: public(HashMap[address, address])
TASK_BLUEPRINT: immutable(address)


@deploy
def __init__(_nexus: address, _terminal: address, _vault: address, task_blueprint: address):
    self.owner = msg.sender
    self.nexus = _nexus
    self.terminal = _terminal
    self.vault = _vault
    TASK_BLUEPRINT = task_blueprint


@external
def publishTask(_taskParams: structs.TaskParams):
    source: address = _taskParams.source
    assert staticcall INexus(self.nexus).isSource(source), "This source does not exist on this network"
    assert staticcall ISource(source).getStatus() == structs.SOURCE_ACTIVE, "This source is inactive and no longer accepts tasks"
    sp: structs.SourceParams = staticcall ISource(source).getSourceParams()
    assert _taskParams.payment > 0, "The payment must be more than zero"
    assert _taskParams.payment >= sp.minPayment, "The payment is below this source's minimum payment"
    assert _taskParams.expiryTime > block.timestamp, "The expiry time has already passed"
    assert _taskParams.expiryTime <= block.timestamp + sp.maxExpiryDuration, "The expiry time is later than this source allows (its maximum expiry duration)"
    assert staticcall IVault(self.vault).balanceOf(msg.sender) >= _taskParams.payment, "Insufficient vault balance: deposit at least the task payment first"
    task: address = create_from_blueprint(TASK_BLUEPRINT, _taskParams, sp.deliveryMethod, self.nexus)
    self.clientOf[task] = msg.sender
    extcall IVault(self.vault).freezePayment(msg.sender, task, _taskParams.payment)
    extcall INexus(self.nexus).emitTaskPublished(task, source)


@view
@internal
def _acts_for(account: address) -> bool:
    return msg.sender == account or staticcall ITerminal(self.terminal).isAgentOf(account, msg.sender)


@external
def cancelTask(task: address):
    client: address = self.clientOf[task]
    assert client != empty(address), "This task does not exist on this network"
    assert self._acts_for(client), "Only the client who published this task can cancel it"
    status: uint8 = staticcall ITask(task).getStatus()
    assert status != structs.TASK_CANCELED, "This task is already canceled"
    assert status != structs.TASK_EXPIRED, "This task has expired"
    assert status == structs.TASK_NEW, "Only a task that no provider has attempted yet can be canceled"
    extcall INexus(self.nexus).setTaskStatus(task, structs.TASK_CANCELED)
    extcall IVault(self.vault).releasePayment(client, task)


@external
def confirmResponse(response: address):
    assert staticcall INexus(self.nexus).isResponse(response), "This response does not exist on this network"
    task: address = (staticcall IResponse(response).getResponseParams()).task
    assert self._acts_for(self.clientOf[task]), "Only the client who published this task can confirm a response"
    status: uint8 = staticcall ITask(task).getStatus()
    assert status != structs.TASK_FINALIZED, "This task is already finalized: a response was confirmed before"
    assert status == structs.TASK_RESPONDED, "This task can no longer be confirmed: it was canceled or has expired"
    extcall INexus(self.nexus).setResponseStatus(response, structs.RESPONSE_CONFIRMED)
