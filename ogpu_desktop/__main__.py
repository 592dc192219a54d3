"""Entry point for ``python -m ogpu_desktop``."""

import sys

from ogpu_desktop.app import main

sys.exit(main())
