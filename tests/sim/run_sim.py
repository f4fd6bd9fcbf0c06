#!/usr/bin/env python3
"""Start the taosAdapter simulator: python tests/sim/run_sim.py [--port 0]."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from taossim.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
