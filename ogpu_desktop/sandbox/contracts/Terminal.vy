# pragma version ~=0.4.3
"""
@title Terminal
@notice The Sandbox's Terminal keeps only agents: an account may authorise another
        address to act for it (`setAgent`), e.g. to confirm or cancel its tasks.
        Masters, provider announcements and lockups are not modelled.
"""

event AgentSet:
    account: address
    agent: address
    value: bool


owner: public(address)
manager: public(address)
vault: public(address)
isAgentOf: public(HashMap[address, HashMap[address, bool]])


@deploy
def __init__(_vault: address):
    self.owner = msg.sender
    self.vault = _vault


@external
def setAgent(agent: address, allowed: bool):
    self.isAgentOf[msg.sender][agent] = allowed
    log AgentSet(account=msg.sender, agent=agent, value=allowed)


@view
@external
def getIsAgentOf(master: address, agent: address) -> bool:
    return self.isAgentOf[master][agent]
