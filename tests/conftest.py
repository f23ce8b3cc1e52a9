"""Fixtures shared by the tests that need the built book."""

import os
import sys

import pytest
from filelock import FileLock
from playwright.sync_api import sync_playwright

from notebooks import ROOT, build_book

sys.path.insert(0, str(ROOT / "_ext"))
# The flags Chromium needs to run headless as root in a sandbox with no
# network (without the background-networking ones it keeps trying to reach
# Google's update and sync services), and where to find it: shared with the
# PDF printer.
from pdf_book import CHROMIUM_ARGS, find_chromium  # noqa: E402


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


@pytest.fixture(scope="session")
def chromium_path():
    """The system's Chromium (the browser, JupyterLab and PDF tests)."""
    path = find_chromium()
    if path is None:
        message = ("No Chromium found: install Debian's `chromium` package "
                   "(make test does this with tests/install_chromium.sh) "
                   "or set CHROMIUM=/path/to/chrome.")
        if os.environ.get("CI"):
            pytest.fail(message + " CI must run the browser tests.")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium per test process: Playwright's sync API cannot
    be started twice in one process, so every test that drives a page
    shares this one."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
