# pragma version ~=0.4.3
"""
@title Nexus
@notice The hub of the Sandbox protocol: it publishes sources, registers providers, takes
        attempts and responses, changes task and response statuses, and emits every task,
        response and source event (as the official Nexus does). Tasks themselves are
        published through the Controller, which calls `emitTaskPublished`.
"""

import structs

interface ITask:
    def getStatus() -> uint8: view
    def getExpiryTime() -> uint256: view
    def getPayment() -> uint256: view
    def getDeliveryMethod() -> uint8: view
    def setStatus(_status: uint8): nonpayable
    def attempt(provider: address): nonpayable
    def submitResponse(response: address, provider: address): nonpayable
    def setWinningProvider(provider: address): nonpayable

interface ISource:
    def getStatus() -> uint8: view
    def getClient() -> address: view
    def getSourceParams() -> structs.SourceParams: view
    def publishTask(task: address): nonpayable
    def setSourceParams(_sourceParams: structs.SourceParams): nonpayable
    def setStatus(_status: uint8): nonpayable
    def register(provider: address, preferredEnvironment: uint8) -> uint256: nonpayable

interface IResponse:
    def getResponseParams() -> structs.ResponseParams: view
    def confirm(): nonpayable

interface IVault:
    def releasePayment(client: address, task: address): nonpayable
    def processPayment(client: address, provider: address, task: address, amount: uint256): nonpayable

interface IController:
    def clientOf(task: address) -> address: view

interface ITerminal:
    def isAgentOf(account: address, agent: address) -> bool: view


event TaskPublished:
    task: address
    source: address

event TaskStatusChanged:
    task: address
    status: uint8

event Attempted:
    task: address
    provider: address
    suggestedPayment: uint256

event ResponseSubmitted:
    response: address
    task: address

event ResponseStatusChanged:
    response: address
    status: uint8

event SourcePublished:
    source: address

event SourceUpdated:
    source: address
    sourceParams: structs.SourceParams

event SourceStatusChanged:
    source: address
    status: uint8

event Registered:
    provider: address
    registrantId: uint256
    source: address
    preferredEnvironment: uint8


owner: public(address)
# The Sandbox has no Manager contract; roles are the fixed addresses below.
manager: public(address)
terminal: public(address)
vault: public(address)
controller: public(address)
SOURCE_BLUEPRINT: immutable(address)
RESPONSE_BLUEPRINT: immutable(address)

sources: public(HashMap[uint256, address])
sourceId: public(HashMap[address, uint256])
isSource: public(HashMap[address, bool])
sourcesOf: public(HashMap[address, HashMap[uint256, address]])
activeSourceCountOf: public(HashMap[address, uint256])
clients: public(HashMap[uint256, address])
isTask: public(HashMap[address, bool])
isResponse: public(HashMap[address, bool])
sourceCount: uint256
clientCount: uint256
sourceCountOf: HashMap[address, uint256]


@deploy
def __init__(_terminal: address, _vault: address, source_blueprint: address, response_blueprint: address):
    self.owner = msg.sender
    self.terminal = _terminal
    self.vault = _vault
    SOURCE_BLUEPRINT = source_blueprint
    RESPONSE_BLUEPRINT = response_blueprint


@external
def setController(_controller: address):
    assert msg.sender == self.owner, "Only the owner can connect the Nexus"
    assert self.controller == empty(address), "The Nexus is already connected"
    self.controller = _controller


@view
@external
def checkController(account: address) -> bool:
    return account == self.controller


# ---- Sources ----------------------------------------------------------------------------

@view
@external
def getSourceCount() -> uint256:
    return self.sourceCount


@view
@external
def getSources(lower: uint256, upper: uint256) -> DynArray[address, structs.MAX_PAGE]:
    assert lower <= upper and upper < self.sourceCount, "The range is outside the source list: bounds are inclusive, from 0 to getSourceCount() - 1"
    assert upper - lower < structs.MAX_PAGE, "The range is too long for one call: ask for at most 1000 items"
    out: DynArray[address, structs.MAX_PAGE] = []
    for i: uint256 in range(lower, upper + 1, bound=structs.MAX_PAGE):
        out.append(self.sources[i])
    return out


@view
@external
def getSourceId(source: address) -> uint256:
    assert self.isSource[source], "This source does not exist on this network"
    return self.sourceId[source]


@view
@external
def getActiveSourceCount(client: address) -> uint256:
    return self.activeSourceCountOf[client]


@view
@internal
def _checked_params(given: structs.SourceParams, client: address) -> structs.SourceParams:
    assert given.deliveryMethod <= structs.FIRST_RESPONSE, "Unknown delivery method: use 0 for manual confirmation or 1 for first response"
    assert given.imageEnvironments != 0 and given.imageEnvironments & structs.ALL_ENVIRONMENTS == given.imageEnvironments, "The environments must combine CPU (1), NVIDIA (2) and AMD (4)"
    assert given.maxExpiryDuration > 0, "The maximum expiry duration must be more than zero seconds"
    p: structs.SourceParams = given
    p.client = client
    p.lastUpdateTime = block.timestamp
    return p


@external
def publishSource(_sourceParams: structs.SourceParams):
    p: structs.SourceParams = self._checked_params(_sourceParams, msg.sender)
    source: address = create_from_blueprint(SOURCE_BLUEPRINT, p)
    index: uint256 = self.sourceCount
    self.sources[index] = source
    self.sourceId[source] = index
    self.isSource[source] = True
    self.sourceCount = index + 1
    owned: uint256 = self.sourceCountOf[msg.sender]
    if owned == 0:
        self.clients[self.clientCount] = msg.sender
        self.clientCount += 1
    self.sourcesOf[msg.sender][owned] = source
    self.sourceCountOf[msg.sender] = owned + 1
    self.activeSourceCountOf[msg.sender] += 1
    log SourcePublished(source=source)


@internal
def _check_source_owner(source: address):
    assert self.isSource[source], "This source does not exist on this network"
    assert staticcall ISource(source).getClient() == msg.sender, "Only the client who published this source can change it"
    assert staticcall ISource(source).getStatus() == structs.SOURCE_ACTIVE, "This source is inactive and can no longer change"


@external
def updateSource(source: address, _sourceParams: structs.SourceParams):
    self._check_source_owner(source)
    p: structs.SourceParams = self._checked_params(_sourceParams, msg.sender)
    extcall ISource(source).setSourceParams(p)
    log SourceUpdated(source=source, sourceParams=p)


@external
def inactivateSource(source: address):
    self._check_source_owner(source)
    extcall ISource(source).setStatus(structs.SOURCE_INACTIVE)
    self.activeSourceCountOf[msg.sender] -= 1
    log SourceStatusChanged(source=source, status=structs.SOURCE_INACTIVE)


@view
@internal
def _acts_for(account: address) -> bool:
    return msg.sender == account or staticcall ITerminal(self.terminal).isAgentOf(account, msg.sender)


@external
def register(source: address, provider: address, preferredEnvironment: uint8):
    assert self.isSource[source], "This source does not exist on this network"
    assert self._acts_for(provider), "Only the provider itself or its agent can register it"
    assert staticcall ISource(source).getStatus() == structs.SOURCE_ACTIVE, "This source is inactive and no longer accepts providers"
    environments: uint8 = (staticcall ISource(source).getSourceParams()).imageEnvironments
    assert preferredEnvironment in [1, 2, 4] and preferredEnvironment & environments != 0, "The preferred environment must be one the source supports: CPU (1), NVIDIA (2) or AMD (4)"
    registrant_id: uint256 = extcall ISource(source).register(provider, preferredEnvironment)
    log Registered(provider=provider, registrantId=registrant_id, source=source, preferredEnvironment=preferredEnvironment)


# ---- Tasks ------------------------------------------------------------------------------

@internal
def _set_task_status(task: address, status: uint8):
    extcall ITask(task).setStatus(status)
    log TaskStatusChanged(task=task, status=status)


@internal
def _client_of(task: address) -> address:
    return staticcall IController(self.controller).clientOf(task)


@external
def emitTaskPublished(task: address, source: address):
    assert msg.sender == self.controller, "Only the Controller publishes tasks"
    self.isTask[task] = True
    extcall ISource(source).publishTask(task)
    log TaskPublished(task=task, source=source)
    log TaskStatusChanged(task=task, status=structs.TASK_NEW)


@external
def setTaskStatus(task: address, status: uint8):
    # Status only: whoever calls this has already moved the escrow.
    assert msg.sender == self.controller or msg.sender == self.vault, "Only the protocol contracts can change a task's status"
    assert self.isTask[task], "This task does not exist on this network"
    self._set_task_status(task, status)


@external
def attempt(task: address, provider: address, suggestedPayment: uint256):
    """
    @notice A provider takes on a task. After the task's expiry time this does not revert:
            it lazily marks the task EXPIRED, returns the escrow to the client and records
            no attempt (no `Attempted` event).
    """
    assert self.isTask[task], "This task does not exist on this network"
    assert self._acts_for(provider), "Only the provider itself or its agent can attempt for it"
    status: uint8 = staticcall ITask(task).getStatus()
    open: bool = status == structs.TASK_NEW or status == structs.TASK_ATTEMPTED or status == structs.TASK_RESPONDED
    if open and block.timestamp > staticcall ITask(task).getExpiryTime():
        self._set_task_status(task, structs.TASK_EXPIRED)
        extcall IVault(self.vault).releasePayment(self._client_of(task), task)
        return
    assert status != structs.TASK_EXPIRED, "This task has expired"
    assert open, "This task is no longer open: it was canceled or finalized"
    extcall ITask(task).attempt(provider)
    log Attempted(task=task, provider=provider, suggestedPayment=suggestedPayment)
    if status == structs.TASK_NEW:
        self._set_task_status(task, structs.TASK_ATTEMPTED)


@internal
def _confirm(response: address, task: address, provider: address):
    extcall IResponse(response).confirm()
    log ResponseStatusChanged(response=response, status=structs.RESPONSE_CONFIRMED)
    extcall ITask(task).setWinningProvider(provider)
    self._set_task_status(task, structs.TASK_FINALIZED)
    payment: uint256 = staticcall ITask(task).getPayment()
    extcall IVault(self.vault).processPayment(self._client_of(task), provider, task, payment)


@external
def submitResponse(_responseParams: structs.ResponseParams):
    task: address = _responseParams.task
    provider: address = _responseParams.provider
    assert self.isTask[task], "This task does not exist on this network"
    assert self._acts_for(provider), "Only the provider itself or its agent can respond for it"
    status: uint8 = staticcall ITask(task).getStatus()
    assert status != structs.TASK_FINALIZED, "This task is already finalized"
    assert status != structs.TASK_CANCELED and status != structs.TASK_EXPIRED, "This task was canceled or has expired"
    assert block.timestamp <= staticcall ITask(task).getExpiryTime(), "This task has expired: responses are no longer accepted"
    response: address = create_from_blueprint(RESPONSE_BLUEPRINT, _responseParams)
    self.isResponse[response] = True
    extcall ITask(task).submitResponse(response, provider)
    log ResponseSubmitted(response=response, task=task)
    if status == structs.TASK_ATTEMPTED:
        self._set_task_status(task, structs.TASK_RESPONDED)
    if staticcall ITask(task).getDeliveryMethod() == structs.FIRST_RESPONSE:
        self._confirm(response, task, provider)


@external
def setResponseStatus(response: address, status: uint8):
    assert msg.sender == self.controller, "Only the Controller confirms responses"
    assert self.isResponse[response], "This response does not exist on this network"
    assert status == structs.RESPONSE_CONFIRMED, "A response can only be moved to CONFIRMED"
    p: structs.ResponseParams = staticcall IResponse(response).getResponseParams()
    self._confirm(response, p.task, p.provider)
