"""Errors the wallet raises, each with a message a person can act on."""

from __future__ import annotations

import sys

from ogpu_desktop.errors import UserFacingError

SESSION_ONLY_HINT = "or use a session-only account that is forgotten when the app quits."


def _no_keychain_message() -> str:
    if sys.platform == "darwin":
        return (
            "The macOS Keychain cannot be used. Open Keychain Access and check that your login "
            f"keychain exists and is unlocked, {SESSION_ONLY_HINT}"
        )
    if sys.platform == "win32":
        return (
            "Windows Credential Manager cannot be used. Check that you are logged in to a normal "
            f"user account (not a service session), {SESSION_ONLY_HINT}"
        )
    return (
        "No keychain (Secret Service) is running. Install and unlock GNOME Keyring or KeePassXC "
        f"with Secret Service enabled, {SESSION_ONLY_HINT}"
    )


NO_KEYCHAIN_MESSAGE = _no_keychain_message()
"""Shown when there is no usable keychain at all (for example keyring's ``fail`` backend)."""

LOCKED_KEYCHAIN_MESSAGE = (
    "The keychain is locked and was not unlocked (the unlock prompt was dismissed or could not "
    "be shown). Unlock it (for example log in to GNOME Keyring or unlock the database in "
    f"KeePassXC) and try again, {SESSION_ONLY_HINT}"
)
"""Shown when the keychain exists but stays locked."""

REFUSED_KEYCHAIN_MESSAGE = (
    "The keychain refused access to OGPU Desktop's keys (the request was denied or dismissed). "
    f"Allow access when the keychain asks and try again, {SESSION_ONLY_HINT}"
)
"""Shown when the user (or a policy) declined the keychain's prompt."""


class WalletError(UserFacingError):
    """A wallet operation could not be done; ``message`` says why in plain words."""


class KeychainUnavailableError(WalletError):
    """The OS keychain cannot be used, so keys cannot be stored or read.

    The wallet fails closed: it never falls back to a file. The message says what is missing and
    how to fix it, and mentions the session-only alternative the UI can offer.
    """


class WrongChainError(WalletError):
    """A transaction was about to be signed for another network than the connected one."""
