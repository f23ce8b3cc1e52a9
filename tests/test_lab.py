"""The chapters in JupyterLab, started as the README says (`make lab`).

A reader who opens a chapter in JupyterLab should see what the site shows:
exercises in boxes and solutions folded away, not MyST source such as
``:label: gd-ex-bias`` or ``:class: dropdown``. jupyterlab-myst does the
rendering; Jupytext must open the pair whatever the checkout's file times
(jupytext.toml). The test starts ``make lab`` on a free port of
127.0.0.1, opens each chapter's notebook in headless Chromium and counts
the rendered exercise and solution boxes against the chapter's source.
"""

import json
import socket
import subprocess
import time
import urllib.request

import pytest

from notebooks import ROOT, fence_count

TOKEN = "book-test"
CHAPTERS = ["gradient_descent", "adam"]
# MyST source that must not reach the reader as text.
RAW_MYST = [":label:", ":class: dropdown", "{exercise-start}",
            "{solution-start}", "{exercise-end}"]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """``make lab`` serving the repository; yields its base URL."""
    settings = tmp_path_factory.mktemp("lab-settings")
    # Render every cell at once (JupyterLab 4 draws only those on screen).
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"}))
    port = _free_port()
    args = (f"--no-browser --port={port} --ServerApp.ip=127.0.0.1 "
            f"--IdentityProvider.token={TOKEN} "
            f"--LabApp.user_settings_dir={settings} "
            # A fresh workspace: no tabs restored from an earlier session.
            f"--LabApp.workspaces_dir={settings}")
    log = open(settings / "lab.log", "w")
    server = subprocess.Popen(["make", "-s", "lab", f"ARGS={args}"],
                              cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            if server.poll() is not None:
                pytest.fail("make lab exited:\n"
                            + (settings / "lab.log").read_text()[-3000:])
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}")
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within a minute")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_renders_in_jupyterlab(lab, browser, name):
    md_text = (ROOT / "chapters" / f"{name}.md").read_text()
    exercises = fence_count(md_text, "exercise-start")
    solutions = fence_count(md_text, "solution-start")
    assert exercises and solutions
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        # A workspace of its own, reset: only this chapter's tab is open.
        page.goto(f"{lab}/lab/workspaces/{name}/tree/chapters/{name}.ipynb"
                  f"?reset&token={TOKEN}")
        solution_boxes = page.locator(".jp-Notebook details.myst-exercise")
        solution_boxes.nth(solutions - 1).wait_for(state="attached",
                                                   timeout=90_000)
        text = page.inner_text(".jp-Notebook")
        closed = page.eval_on_selector_all(
            ".jp-Notebook details.myst-exercise",
            "boxes => boxes.filter(b => !b.open).length")
        # (A gated directive's end marker renders as an empty box.)
        shown = page.eval_on_selector_all(
            ".jp-Notebook aside.myst-exercise",
            "boxes => boxes.filter(b => b.innerText.trim()).length")
    finally:
        page.close()
    for raw in RAW_MYST:
        assert raw not in text, f"{name}: {raw!r} shown as text"
    # One folded box per solution, one box per exercise.
    assert closed == solutions, (closed, solutions)
    assert shown == exercises, (shown, exercises)
