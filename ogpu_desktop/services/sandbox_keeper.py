"""Keeps the Sandbox the app started: says when it stops and starts it again on its port."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ogpu_desktop.services.progress import EventHub
from ogpu_desktop.services.sandbox_process import SandboxProcess, SandboxStartError, exit_words

log = logging.getLogger(__name__)

AUTOMATIC_RESTARTS = 1
Starter = Callable[[int], Awaitable[SandboxProcess]]


@dataclass(frozen=True)
class SandboxNote:
    """What happened to the Sandbox the app started, in plain words.

    Attributes:
        running: The Sandbox runs (again).
        can_restart: The user may ask for a restart now (it stopped and is not restarting).
    """

    message: str
    running: bool
    can_restart: bool = False


async def _start_on(port: int) -> SandboxProcess:
    return await SandboxProcess.start(port=port)


class SandboxKeeper:
    """Watches the Sandbox process the app started, and restarts it when it dies.

    The first time it stops it is started again at once, on the same port (so the network's
    address stays the same); after that, only when the user asks (:meth:`restart`). Each
    start is a new chain: ``on_restarted`` lets the connection take the new run in.

    Args:
        sandbox: The running Sandbox.
        on_restarted: Called with the new process once it answers.
        start: Starts a Sandbox on a port (``SandboxProcess.start`` by default).
        automatic: How many times it is restarted without asking.
    """

    def __init__(
        self,
        sandbox: SandboxProcess,
        on_restarted: Callable[[SandboxProcess], Awaitable[None]],
        *,
        start: Starter = _start_on,
        automatic: int = AUTOMATIC_RESTARTS,
    ) -> None:
        self.sandbox = sandbox
        self.notes: EventHub[SandboxNote] = EventHub()
        self.last_note: SandboxNote | None = None
        self.automatic_left = automatic
        self._on_restarted = on_restarted
        self._start = start
        self._closed = False
        self._restarting = False
        self._watch: asyncio.Task[None] | None = None

    def start_watching(self) -> None:
        """Watch the current process (once)."""
        if self._watch is None or self._watch.done():
            self._watch = asyncio.create_task(self._watch_exit(self.sandbox), name="sandbox-watch")

    @property
    def restarting(self) -> bool:
        """Whether a restart is under way."""
        return self._restarting

    async def _watch_exit(self, sandbox: SandboxProcess) -> None:
        code = await sandbox.wait_ended()
        if self._closed or sandbox is not self.sandbox:
            return
        words = exit_words(code)
        log.warning("the Sandbox (pid %s) ended: %s", sandbox.process.pid, words)
        if self.automatic_left > 0:
            self.automatic_left -= 1
            self._note(SandboxNote(
                f"The Sandbox stopped ({words}). Starting it again on port {sandbox.port}…",
                running=False,
            ))
            await self.restart()
        else:
            self._note(SandboxNote(
                f"The Sandbox stopped again ({words}). Press “Restart the Sandbox” to start it "
                "again; your history is kept.",
                running=False, can_restart=True,
            ))

    async def restart(self) -> None:
        """Start the Sandbox again on its port (nothing happens while it runs or restarts)."""
        if self._closed or self._restarting or self.sandbox.running:
            return
        self._restarting = True
        port = self.sandbox.port
        try:
            if self.last_note is None or self.last_note.can_restart:
                self._note(SandboxNote(f"Starting the Sandbox again on port {port}…", False))
            try:
                new = await self._start(port)
            except SandboxStartError as exc:
                self._note(SandboxNote(
                    f"The Sandbox could not be started again: {exc.message}", running=False,
                    can_restart=True,
                ))
                return
        finally:
            self._restarting = False
        if self._closed:
            await new.stop()
            return
        self.sandbox = new
        self._watch = None
        self.start_watching()
        self._note(SandboxNote(
            "The Sandbox was started again. It is a new chain: tasks of its earlier run can no "
            "longer change.",
            running=True,
        ))
        await self._on_restarted(new)

    def _note(self, note: SandboxNote) -> None:
        self.last_note = note
        self.notes.emit(note)

    async def close(self) -> None:
        """Stop watching and stop the Sandbox."""
        self._closed = True
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
            self._watch = None
        await self.sandbox.stop()
