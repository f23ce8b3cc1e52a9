"""Fixtures shared by the tests that need the built book."""

import subprocess
import sys
from pathlib import Path

import pytest

from notebooks import ROOT


@pytest.fixture(scope="session")
def build_log():
    """Build the whole book once per test run, exactly as `make book` does
    (warnings are errors), and return the build's output."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(jupyter_book), "build", str(ROOT), "--all", "-W", "-n",
         "--keep-going"],
        capture_output=True, text=True, cwd=ROOT)
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"jupyter-book build failed:\n{log[-5000:]}"
    return log
