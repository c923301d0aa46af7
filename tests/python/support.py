"""What the Python tests share: the repository's paths, the built program and the tools.

The tests import it as `support` (pytest puts this folder on sys.path). SIXPARTY_BIN names the
program (default build/release/sim/sixparty); a test that needs it is skipped without it.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / "tools"
BIN = Path(os.environ.get("SIXPARTY_BIN") or REPO / "build" / "release" / "sim" / "sixparty")

if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))


def sixparty(*args, cwd=REPO, timeout=300):
    """Run the program (skipping the test if it was not built)."""
    if not BIN.is_file():
        pytest.skip(f"no sixparty binary at {BIN} (set SIXPARTY_BIN)")
    return subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=cwd)


def tool(name, *args, timeout=300):
    """Run tools/NAME (plot, report, export) with this interpreter, from the repository."""
    return subprocess.run([sys.executable, str(TOOLS / name), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO)
