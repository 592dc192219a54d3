# pragma version ~=0.4.3
"""
@title Vault
@notice Holds every account's native-token balance and the escrow of published tasks.
        A client deposits, publishing a task moves its payment from `balanceOf` into
        `frozenPayment`, and the escrow then goes to the provider (finalized) or back to
        the client (canceled or expired). `escrowOf(task)` shows one task's escrow.
"""

import structs

interface ITask:
    def getExpiryTime() -> uint256: view

interface INexus:
    def setTaskStatus(task: address, status: uint8): nonpayable


event Deposited:
    account: address
    amount: uint256

event Withdrawn:
    account: address
    amount: uint256


owner: public(address)
manager: public(address)
nexus: public(address)
controller: public(address)
terminal: public(address)

balanceOf: public(HashMap[address, uint256])
frozenPayment: public(HashMap[address, uint256])
totalEarningsOf: public(HashMap[address, uint256])
escrowOf: public(HashMap[address, uint256])
escrowClientOf: public(HashMap[address, address])


@deploy
def __init__():
    self.owner = msg.sender


@external
def setProtocol(_nexus: address, _controller: address, _terminal: address):
    assert msg.sender == self.owner, "Only the owner can connect the vault"
    assert self.nexus == empty(address), "The vault is already connected"
    self.nexus = _nexus
    self.controller = _controller
    self.terminal = _terminal


@payable
@external
def deposit(account: address):
    assert msg.value > 0, "Send a positive amount to deposit"
    assert account != empty(address), "Deposit to a real account, not the zero address"
    self.balanceOf[account] += msg.value
    log Deposited(account=account, amount=msg.value)


@nonreentrant
@external
def withdraw(amount: uint256):
    assert amount > 0, "Withdraw a positive amount"
    assert self.balanceOf[msg.sender] >= amount, "Insufficient vault balance to withdraw this amount"
    self.balanceOf[msg.sender] -= amount
    raw_call(msg.sender, b"", value=amount)
    log Withdrawn(account=msg.sender, amount=amount)


@view
@external
def getBalanceOf(account: address) -> uint256:
    # The Sandbox has no lockup or sanctions: the spendable balance is balanceOf.
    return self.balanceOf[account]


@internal
def _only_protocol():
    assert msg.sender == self.nexus or msg.sender == self.controller, "Only the OGPU protocol contracts can move escrowed payments"


@internal
def _take_escrow(client: address, task: address) -> uint256:
    amount: uint256 = self.escrowOf[task]
    assert amount > 0, "This task has no payment left in escrow"
    assert self.escrowClientOf[task] == client, "This account is not the client of this task"
    self.escrowOf[task] = 0
    self.frozenPayment[client] -= amount
    return amount


@external
def freezePayment(client: address, task: address, amount: uint256):
    self._only_protocol()
    assert amount > 0, "The payment must be more than zero"
    assert self.escrowClientOf[task] == empty(address), "This task's payment is already in escrow"
    assert self.balanceOf[client] >= amount, "Insufficient vault balance: deposit at least the task payment first"
    self.balanceOf[client] -= amount
    self.frozenPayment[client] += amount
    self.escrowOf[task] = amount
    self.escrowClientOf[task] = client


@external
def releasePayment(client: address, task: address):
    self._only_protocol()
    self.balanceOf[client] += self._take_escrow(client, task)


@external
def forceReleasePayment(client: address, task: address):
    """
    @notice Settle an expired task: anyone may call this once the task's expiry time has
            passed and its payment is still in escrow. The payment returns to the client's
            vault balance and the task becomes EXPIRED. Sandbox rule; on the real network
            this is done on the protocol side.
    """
    assert self.escrowOf[task] > 0, "This task has no payment left in escrow"
    assert block.timestamp > staticcall ITask(task).getExpiryTime(), "This task has not expired yet"
    self.balanceOf[client] += self._take_escrow(client, task)
    extcall INexus(self.nexus).setTaskStatus(task, structs.TASK_EXPIRED)


@external
def processPayment(client: address, provider: address, task: address, amount: uint256):
    self._only_protocol()
    escrow: uint256 = self._take_escrow(client, task)
    assert amount <= escrow, "The provider's payment is larger than the task's escrow"
    self.balanceOf[provider] += amount
    self.totalEarningsOf[provider] += amount
    self.balanceOf[client] += escrow - amount
