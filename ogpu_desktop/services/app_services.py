"""The services of one connected network, as the composition root hands them to the UI."""

from __future__ import annotations

from dataclasses import dataclass

from ogpu_desktop.chain.networks import NetworkKind
from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.services.actions import ActionService
from ogpu_desktop.services.pending import PendingService
from ogpu_desktop.services.publish import PublishService
from ogpu_desktop.services.results import ResultsService
from ogpu_desktop.services.session import ChainSession
from ogpu_desktop.services.sources import SourceService
from ogpu_desktop.services.task_history import TaskHistory
from ogpu_desktop.services.tracking import TrackingService
from ogpu_desktop.wallet.accounts import Wallet
from ogpu_desktop.wallet.signer import KeychainSigner

SANDBOX_MAX_BACKOFF_S = 2.0
"""Longest pause between tries to reach the Sandbox: it runs on this computer, so a try costs
nothing, and a restarted Sandbox is followed again within two seconds of answering."""


@dataclass(frozen=True)
class AppServices:
    """Everything the windows need to act on one open network with the user's wallet.

    Built once per connection by the app's wiring and replaced as a whole when the network
    changes, so no page ever mixes two networks.
    """

    session: ChainSession
    wallet: Wallet
    publish: PublishService
    tracking: TrackingService
    results: ResultsService
    actions: ActionService
    sources: SourceService
    pending: PendingService
    history: TaskHistory

    @classmethod
    def for_session(cls, session: ChainSession, wallet: Wallet) -> AppServices:
        """Build every service over ``session``."""
        local = session.network.kind is NetworkKind.SANDBOX
        actions = ActionService(session)
        return cls(
            session=session,
            wallet=wallet,
            publish=PublishService(session),
            tracking=(
                TrackingService(session, max_backoff_s=SANDBOX_MAX_BACKOFF_S)
                if local else TrackingService(session)
            ),
            results=ResultsService(session),
            actions=actions,
            sources=SourceService(session),
            pending=PendingService(session, actions),
            history=TaskHistory(session.store),
        )

    def active_signer(self) -> KeychainSigner:
        """A signer for the active account, valid only on this session's chain.

        Raises:
            UserFacingError: No account is chosen yet.
        """
        account = self.wallet.active_account()
        if account is None:
            raise UserFacingError(
                "No wallet account is chosen. Create or import one on the Wallet page first."
            )
        return self.wallet.signer_for(account.address, self.session.chain_id)
