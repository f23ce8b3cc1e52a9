"""Fixtures shared by the tests that need the built book."""

import pytest

from notebooks import ROOT, build_book


@pytest.fixture(scope="session")
def build_log():
    """Build the whole book once per test run, exactly as `make book` does
    (warnings are errors), and return the build's output."""
    result = build_book(ROOT, "--all")
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"jupyter-book build failed:\n{log[-5000:]}"
    return log
