"""Runs ``--self-test`` offscreen on the same Qt-driven asyncio loop as the window."""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from ogpu_desktop.config import AppPaths
from ogpu_desktop.errors import UserFacingError
from ogpu_desktop.launch_options import LaunchOptions
from ogpu_desktop.log import configure_logging

_log = logging.getLogger(__name__)


def run_self_test(options: LaunchOptions) -> int:
    """Run the self-test; print one line per task; return 0, or 1 with the reason on stderr."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync  # noqa: PLC0415

    from ogpu_desktop.services.self_test import run_self_test as run  # noqa: PLC0415
    from ogpu_desktop.ui.application import create_application  # noqa: PLC0415

    def out(line: str) -> None:
        print(line, flush=True)

    try:
        data = None
        if options.data_dir is not None:
            paths = AppPaths.for_profile(options.data_dir)
            paths.ensure()
            configure_logging(paths.log_dir)
            data = paths.data_dir
        # The same application as a normal start (names, icon, collection on the Qt thread).
        app = create_application()
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            lines = loop.run_until_complete(run(data, out))
    except OSError as exc:
        print(f"self-test failed: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr,
              flush=True)
        return 1
    except UserFacingError as exc:
        print(f"self-test failed: {exc.message}", file=sys.stderr, flush=True)
        return 1
    except Exception as exc:
        _log.exception("self-test failed")
        print(f"self-test failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 1
    print(f"self-test passed: {len(lines)} tasks finalized", file=sys.stderr, flush=True)
    return 0
