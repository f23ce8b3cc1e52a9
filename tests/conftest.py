"""Fixtures shared by the tests that need the built book."""

import pytest
from filelock import FileLock

from notebooks import ROOT, build_book


@pytest.fixture(scope="session")
def build_log(request):
    """Build the whole book once per test run, exactly as `make book` does
    (warnings are errors), and return the build's output.

    Under pytest-xdist several worker processes may ask at once; two builds
    into _build/ would clobber each other, so the first builds, under a
    lock, and leaves its log for the others of the same run.
    """
    build = ROOT / "_build"
    build.mkdir(exist_ok=True)
    run = getattr(request.config, "workerinput", {}).get("testrunuid")
    done = build / f".tests-build-{run}.log"
    with FileLock(build / ".tests-build.lock"):
        if run is not None and done.exists():
            return done.read_text(encoding="utf-8")
        result = build_book(ROOT, "--all")
        log = result.stdout + result.stderr
        assert result.returncode == 0, \
            f"jupyter-book build failed:\n{log[-5000:]}"
        for old in build.glob(".tests-build-*.log"):
            old.unlink()
        done.write_text(log, encoding="utf-8")
    return log
