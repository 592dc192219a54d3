"""Finding a real, unlocked Secret Service for the tests marked ``keychain``; or none at all.

Such tests skip when none is reachable, and fail instead when ``OGPU_REQUIRE_KEYCHAIN=1`` (as
``scripts/test`` sets it), so CI cannot pass by skipping. The ``no_keychain`` fixture stands for
a computer without one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import cache

import keyring
import keyring.backends.fail
import pytest

HOW_TO_RUN = (
    "run the tests inside `dbus-run-session` with an unlocked gnome-keyring and temporary "
    "HOME/XDG folders, as scripts/test does"
)


@cache
def secret_service_problem() -> str | None:
    """Return why no unlocked Secret Service can be used, or ``None`` when one can."""
    # Imported here: SecretStorage exists on Linux only.
    try:
        import secretstorage  # noqa: PLC0415
        from keyring.backends.SecretService import Keyring as SecretServiceKeyring  # noqa: PLC0415
    except ImportError as exc:
        return f"SecretStorage is not installed ({exc})"
    backend = keyring.get_keyring()
    if not isinstance(backend, SecretServiceKeyring):
        kind = f"{type(backend).__module__}.{type(backend).__name__}"
        return f"keyring chose {kind}, not the Secret Service; {HOW_TO_RUN}"
    try:
        connection = secretstorage.dbus_init()
        try:
            if secretstorage.get_default_collection(connection).is_locked():
                return f"the default Secret Service collection is locked; {HOW_TO_RUN}"
        finally:
            connection.close()
    except secretstorage.exceptions.SecretStorageException as exc:
        return f"the Secret Service cannot be reached ({exc}); {HOW_TO_RUN}"
    return None


@pytest.fixture
def no_keychain() -> Iterator[None]:
    """keyring's ``fail`` backend, as on a Linux box without Secret Service; restored after."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def require_keychain(request: pytest.FixtureRequest) -> None:
    """Skip (or fail, under ``OGPU_REQUIRE_KEYCHAIN=1``) a ``keychain`` test without one."""
    if request.node.get_closest_marker("keychain") is None:
        return
    problem = secret_service_problem()
    if problem is None:
        return
    if os.environ.get("OGPU_REQUIRE_KEYCHAIN") == "1":
        pytest.fail(f"OGPU_REQUIRE_KEYCHAIN=1 but no keychain: {problem}")
    pytest.skip(f"no Secret Service keychain: {problem}")
