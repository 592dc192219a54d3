"""A logging handler that keeps every record it sees, formatted, for searching afterwards."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class CapturingHandler(logging.Handler):
    """Keeps each record as ``(logger name, text)``; the text includes tracebacks.

    Bytes passed as the message or as arguments are also kept as hex: ``%s`` of a bytes value
    shows escapes such as ``\\x8f``, in which a text search would never find the bytes.
    """

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # a broken record is kept, not lost
            text = f"unformattable record: {record.msg!r} % {record.args!r}"
        self.lines.append((record.name, text))
        args = record.args.values() if isinstance(record.args, dict) else record.args or ()
        for value in (record.msg, *args):
            if isinstance(value, bytes | bytearray | memoryview):
                self.lines.append((record.name, bytes(value).hex()))

    def names(self) -> set[str]:
        """The names of the loggers that logged something."""
        return {name for name, _ in self.lines}


@contextmanager
def capture_all_logs(level: int = logging.DEBUG) -> Iterator[CapturingHandler]:
    """Capture every record of every library at ``level`` and above until exit.

    The root logger is set to ``level``; existing loggers set to a higher level are lowered for
    the duration, and those that do not pass records up to the root get the handler too.
    """
    handler = CapturingHandler()
    root = logging.getLogger()
    loggers = [root] + [
        logger for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    levels = {logger: logger.level for logger in loggers}
    secluded = [logger for logger in loggers if logger is not root and not logger.propagate]
    disabled = logging.root.manager.disable
    logging.disable(logging.NOTSET)
    for logger in loggers:
        if logger is root or logger.level > level:
            logger.setLevel(level)
    for logger in [root, *secluded]:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in [root, *secluded]:
            logger.removeHandler(handler)
        for logger, previous in levels.items():
            logger.setLevel(previous)
        logging.disable(disabled)
