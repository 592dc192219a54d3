"""User-facing error types shared by every layer.

Every error that can reach a person carries a message in plain words. Layers raise subclasses of
:class:`UserFacingError`; the UI shows ``message`` and never a traceback.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """An error whose ``message`` can be shown to the user as it is.

    Args:
        message: What went wrong and, where possible, what to do about it, in plain words.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(UserFacingError):
    """Input the user typed that cannot be published as it is.

    Args:
        message: Plain-words explanation.
        field: Name of the form field the message belongs beside, or ``None`` for the whole form.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
