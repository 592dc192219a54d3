"""The Sandbox as the app's child process (started and stopped here), or one already running."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from ogpu_desktop.domain.bounded_json import loads_bounded
from ogpu_desktop.errors import UserFacingError

log = logging.getLogger(__name__)

START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 10.0
INFO_TIMEOUT_S = 10.0
STDERR_LINES_KEPT = 20
REQUIRED_KEYS = ("rpc_url", "chain_id", "contracts", "pinning_url", "faucet_url", "sources")


class SandboxStartError(UserFacingError):
    """The Sandbox could not be started or reached; the message says why in plain words."""


@dataclass(frozen=True)
class DemoSource:
    """One demo source the Sandbox published (``sources`` in its ``/info``)."""

    address: str
    pipeline: str
    model: str
    delivery: str


@dataclass(frozen=True)
class SandboxInfo:
    """The Sandbox's ``/info`` document, checked.

    Attributes:
        raw: The document as received (``sandbox_network`` reads it).
        run_id: Random per run; with ``genesis_hash`` it tells one run from another.
    """

    raw: Mapping[str, Any]
    rpc_url: str
    chain_id: int
    faucet_url: str
    sources: tuple[DemoSource, ...]
    run_id: str
    genesis_hash: str

    @classmethod
    def parse(cls, raw: Any, where: str) -> SandboxInfo:
        """Check the document ``where`` gave.

        Raises:
            SandboxStartError: A part is missing or malformed.
        """
        if not isinstance(raw, dict):
            raise SandboxStartError(f"{where} did not describe a Sandbox (not a JSON object).")
        missing = [key for key in REQUIRED_KEYS if key not in raw]
        if missing:
            raise SandboxStartError(
                f"{where} did not describe a Sandbox: {', '.join(missing)} missing."
            )
        try:
            sources = tuple(
                DemoSource(str(s["address"]), str(s["pipeline"]), str(s.get("model", "")),
                           str(s.get("delivery", "FIRST_RESPONSE")))
                for s in raw["sources"]
            )
            return cls(
                raw=dict(raw),
                rpc_url=str(raw["rpc_url"]),
                chain_id=int(raw["chain_id"]),
                faucet_url=str(raw["faucet_url"]),
                sources=sources,
                run_id=str(raw.get("run_id", "")),
                genesis_hash=str(raw.get("genesis_hash", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            message = f"{where} gave a malformed Sandbox description ({exc})."
            raise SandboxStartError(message) from exc

    def demo_source(self, pipeline: str, delivery: str = "FIRST_RESPONSE") -> DemoSource | None:
        """The demo source running ``pipeline`` with ``delivery``, if there is one."""
        for source in self.sources:
            if source.pipeline == pipeline and source.delivery == delivery:
                return source
        return None


def sandbox_command(extra: Sequence[str] = (), *, port: int = 0) -> list[str]:
    """The command that starts the Sandbox from this installation (source or frozen bundle).

    Args:
        port: The port on 127.0.0.1 (0: a free one; a restart asks for the one it had).
    """
    if getattr(sys, "frozen", False):
        base = [sys.executable, "sandbox"]
    else:
        base = [sys.executable, "-m", "ogpu_desktop", "sandbox"]
    return [*base, "--port", str(port), "--exit-with-parent", *extra]


def exit_words(code: int | None) -> str:
    """How a process ended, in plain words: ``exit code 1``, ``ended by signal 9``."""
    if code is None:
        return "it stopped answering"
    if code < 0:
        return f"it was ended by signal {-code}"
    return f"exit code {code}"


@dataclass
class SandboxProcess:
    """A Sandbox started by the app. Its stdin stays open: when the app ends, so does it.

    Use :meth:`start`; :meth:`stop` ends it (also safe when it already ended).
    """

    process: asyncio.subprocess.Process
    info: SandboxInfo
    stderr_tail: deque[str] = field(default_factory=lambda: deque(maxlen=STDERR_LINES_KEPT))
    _drain: asyncio.Task[None] | None = None

    @classmethod
    async def start(
        cls,
        *,
        command: Sequence[str] | None = None,
        timeout: float = START_TIMEOUT_S,
        on_stderr: Callable[[str], None] | None = None,
        port: int = 0,
    ) -> SandboxProcess:
        """Start the Sandbox and wait for its ``/info`` line.

        Args:
            command: The command to run (``sandbox_command(port=port)`` by default).
            timeout: Seconds allowed until the line arrives.
            on_stderr: Receives each line the Sandbox writes on stderr (progress notes).
            port: The port to serve on (0: a free one).

        Raises:
            SandboxStartError: It could not start, ended early (its last stderr lines are in
                the message), printed something else, or took too long.
        """
        argv = list(command or sandbox_command(port=port))
        try:
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as exc:
            raise SandboxStartError(f"The Sandbox could not be started: {exc}") from exc
        tail: deque[str] = deque(maxlen=STDERR_LINES_KEPT)
        drain = asyncio.create_task(_drain_stderr(process, tail, on_stderr))
        try:
            line = await _first_line(process, timeout)
            if not line:
                await asyncio.wait({drain}, timeout=2.0)
                code = await _exit_code(process)
                raise SandboxStartError(_died_message(code, tail))
            try:
                raw = loads_bounded(line)
            except ValueError as exc:
                raise SandboxStartError(
                    f"The Sandbox printed something unexpected instead of its description: "
                    f"{line[:200]!r}"
                ) from exc
            info = SandboxInfo.parse(raw, "The Sandbox")
        except BaseException:
            await _terminate(process)
            drain.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await drain
            raise
        log.info("Sandbox started (pid %s) at %s", process.pid, info.rpc_url)
        return cls(process, info, tail, drain)

    @property
    def running(self) -> bool:
        """Whether the process is still alive."""
        return self.process.returncode is None

    @property
    def port(self) -> int:
        """The port it serves on (from its ``rpc_url``)."""
        return urlsplit(self.info.rpc_url).port or 0

    async def wait_ended(self) -> int:
        """Wait until the process ends, however that happens; return its exit code."""
        return await self.process.wait()

    async def stop(self) -> None:
        """Close its stdin (it stops by itself), then terminate it if it lingers."""
        await _terminate(self.process)
        if self._drain is not None:
            self._drain.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._drain
            self._drain = None


async def attach_sandbox(base_url: str, *, timeout: float = INFO_TIMEOUT_S) -> SandboxInfo:
    """Read ``<base_url>/info`` of a Sandbox that is already running.

    Raises:
        SandboxStartError: Nothing answers there, or the answer is not a Sandbox description.
    """
    url = base_url.rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise SandboxStartError(f"The Sandbox address must start with http://, not {base_url!r}.")
    info_url = url if url.endswith("/info") else url + "/info"
    try:
        async with httpx.AsyncClient(timeout=timeout) as http:
            answer = await http.get(info_url)
            answer.raise_for_status()
            raw = loads_bounded(answer.content)
    except httpx.HTTPStatusError as exc:
        raise SandboxStartError(
            f"The Sandbox at {url} answered HTTP {exc.response.status_code}; it may still be "
            "starting. Try again in a few seconds."
        ) from exc
    except httpx.HTTPError as exc:
        raise SandboxStartError(
            f"No Sandbox answers at {url} ({type(exc).__name__}). Check that it is running and "
            "the address is right."
        ) from exc
    except ValueError as exc:
        raise SandboxStartError(f"{info_url} did not answer with JSON.") from exc
    return SandboxInfo.parse(raw, f"The Sandbox at {url}")


async def _first_line(process: asyncio.subprocess.Process, timeout: float) -> str:
    assert process.stdout is not None
    try:
        data = await asyncio.wait_for(process.stdout.readline(), timeout)
    except TimeoutError as exc:
        raise SandboxStartError(
            f"The Sandbox did not get ready within {timeout:.0f} seconds."
        ) from exc
    return data.decode("utf-8", errors="replace").strip()


async def _drain_stderr(
    process: asyncio.subprocess.Process,
    tail: deque[str],
    on_line: Callable[[str], None] | None,
) -> None:
    # Read stderr all the time: a full pipe would block the Sandbox.
    assert process.stderr is not None
    while True:
        data = await process.stderr.readline()
        if not data:
            return
        text = data.decode("utf-8", errors="replace").rstrip()
        tail.append(text)
        log.debug("sandbox: %s", text)
        if on_line is not None:
            on_line(text)


async def _exit_code(process: asyncio.subprocess.Process) -> int | None:
    with contextlib.suppress(TimeoutError):
        return await asyncio.wait_for(process.wait(), 5.0)
    return None


def _died_message(code: int | None, tail: deque[str]) -> str:
    ended = f"ended (exit code {code})" if code is not None else "stopped answering"
    lines = [line for line in tail if line.strip()][-8:]
    detail = ("\nIts last messages:\n" + "\n".join(lines)) if lines else ""
    return f"The Sandbox {ended} before it was ready.{detail}"


async def _terminate(process: asyncio.subprocess.Process) -> None:
    if process.stdin is not None and not process.stdin.is_closing():
        process.stdin.close()
    if process.returncode is not None:
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S / 2)
        return
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S / 2)
        return
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    await process.wait()
