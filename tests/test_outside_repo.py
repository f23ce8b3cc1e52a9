"""Chapters run outside the repository, as Colab and Binder run them.

Two simulations, each in a fresh virtual environment made for the test:

- Colab: only the packages Colab preinstalls, no ``lib``; a chapter
  notebook copied alone into an empty folder runs top to bottom, its setup
  cell installing ``lib`` from the book's repository (tests/bootstrap.py).
  The repository is a local git copy of this working tree, which git's
  ``url.<base>.insteadOf`` puts in place of the configured GitHub URL, so
  the notebook runs exactly as committed.
- Binder: the environment is what .binder/requirements.txt installs
  (repo2docker runs ``pip install -r .binder/requirements.txt`` in the
  repository), plus the kernel repo2docker's base image brings; a chapter
  runs from chapters/, where Binder's launch button opens it.

Each run must reproduce the notebook's stored outputs (text outputs,
compared as nbval compares them, with tests/nbval_sanitize.cfg), and
``lib`` must come from the environment, not from the working tree.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbval.plugin import get_sanitize_patterns

import bootstrap
from notebooks import ROOT, chapter_sources

# What Colab preinstalls among the chapters' imports (issue 14).
COLAB_PACKAGES = ["torch", "numpy", "matplotlib", "scikit-learn", "tqdm",
                  "ipykernel"]
# The first and the last chapter of the book.
COLAB_CHAPTERS = ["gradient_descent", "lr_schedules"]
BINDER_CHAPTER = "ewa"
# The download index for CPU torch named in .binder/requirements.txt is
# not reachable from this machine: fail at once instead of retrying, and
# take torch from the package index the machine has (the same release).
PIP_ENV = {"PIP_RETRIES": "0", "PIP_NO_COMPILE": "1",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def _run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))} failed:\n{result.stdout[-3000:]}\n"
        f"{result.stderr[-3000:]}")
    return result.stdout


def fresh_venv(path: Path, pip_args: list, cwd: Path = ROOT) -> Path:
    """A new virtual environment at ``path`` with ``pip install pip_args``;
    returns its python."""
    _run([sys.executable, "-m", "venv", path])
    python = path / "bin" / "python"
    env = {**os.environ, **PIP_ENV}
    _run([python, "-m", "pip", "install", "-q", *pip_args], cwd=cwd, env=env)
    return python


def working_tree_repo(dest: Path) -> Path:
    """A git repository holding this working tree's files (tracked and
    untracked, less what git ignores), committed on branch main."""
    names = _run(["git", "ls-files", "-co", "--exclude-standard", "-z"],
                 cwd=ROOT).split("\0")
    for name in filter(None, names):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@invalid"]
    _run(git + ["init", "-q", "-b", "main"], cwd=dest)
    _run(git + ["add", "-A"], cwd=dest)
    _run(git + ["commit", "-q", "-m", "snapshot"], cwd=dest)
    return dest


def kernel_for(python: Path, home: Path, env: dict) -> str:
    """Register a kernel running ``python`` under JUPYTER_PATH=home."""
    spec = home / "kernels" / "outside"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f",
                 "{connection_file}"],
        "display_name": "outside the repository",
        "language": "python",
        "env": env,
    }))
    return "outside"


def sanitizers():
    """The (regex, replacement) pairs of tests/nbval_sanitize.cfg, read
    as nbval reads them."""
    text = (ROOT / "tests" / "nbval_sanitize.cfg").read_text()
    return [(re.compile(regex), replace)
            for regex, replace in get_sanitize_patterns(text)]


def purelib(python: Path) -> str:
    """Where ``python`` installs packages (its site-packages)."""
    return _run([python, "-c", "import sysconfig; "
                 "print(sysconfig.get_paths()['purelib'])"]).strip()


def text_of(cell, rules) -> str:
    """A code cell's text outputs as nbval compares them."""
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif "data" in out and "text/plain" in out["data"]:
            parts.append(out["data"]["text/plain"])
        elif out["output_type"] == "error":
            parts.append(f"{out['ename']}: {out['evalue']}")
    text = "".join(parts)
    for regex, replacement in rules:
        text = regex.sub(replacement, text)
    return text


def run_chapter(name: str, folder: Path, kernel: str) -> str:
    """Run chapters/NAME.ipynb in ``folder`` with ``kernel``; assert it
    reproduces the stored outputs; return where its ``lib`` came from."""
    stored = nbformat.read(ROOT / "chapters" / f"{name}.ipynb", 4)
    nb = nbformat.read(folder / f"{name}.ipynb", 4)
    nb.cells.append(nbformat.v4.new_code_cell("print(lib.__file__)"))
    NotebookClient(nb, kernel_name=kernel, timeout=600,
                   resources={"metadata": {"path": str(folder)}}).execute()
    rules = sanitizers()
    fresh = [c for c in nb.cells if c.cell_type == "code"]
    old = [c for c in stored.cells if c.cell_type == "code"]
    # The setup cell may print what pip says before its own output.
    assert text_of(fresh[0], rules).endswith(text_of(old[0], rules))
    for number, (new, before) in enumerate(zip(fresh[1:], old[1:]), 2):
        assert text_of(new, rules) == text_of(before, rules), (
            f"{name}: code cell {number} printed something else")
    return text_of(fresh[-1], []).strip()


@pytest.mark.parametrize("md", chapter_sources(), ids=lambda p: p.stem)
def test_every_setup_cell_starts_with_the_bootstrap(md):
    cell = bootstrap.setup_cell(md.read_text())
    assert cell.startswith(bootstrap.bootstrap_lines()), (
        f"{md.name}: run python tests/bootstrap.py, then make execute")


def _run_bootstrap(monkeypatch, lib_importable):
    """Run the bootstrap lines as IPython would, recording magics."""
    from IPython.core.inputtransformer2 import TransformerManager
    code = TransformerManager().transform_cell(bootstrap.bootstrap_lines())
    calls = []

    class Shell:
        def run_line_magic(self, name, line):
            calls.append((name, line.format(**namespace)))

    namespace = {"get_ipython": Shell}
    if not lib_importable:
        monkeypatch.setitem(sys.modules, "lib", None)  # import fails
    exec(code, namespace)
    return calls


def test_bootstrap_does_nothing_where_lib_is_present(monkeypatch):
    assert _run_bootstrap(monkeypatch, lib_importable=True) == []


def test_bootstrap_installs_the_book_package_where_lib_is_missing(
        monkeypatch):
    calls = _run_bootstrap(monkeypatch, lib_importable=False)
    url = bootstrap.repository_url()
    assert calls == [("pip", f'install --quiet "gd-to-adam @ git+{url}"')]


def _pins(path):
    pins = {}
    for line in path.read_text().splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^\s+]+)(\+\w+)?", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_binder_pins_the_versions_the_book_is_tested_with():
    binder = _pins(ROOT / ".binder" / "requirements.txt")
    tested = _pins(ROOT / "requirements.txt")
    for name in ["torch", "numpy", "matplotlib", "tqdm", "scikit-learn",
                 "jupyterlab", "jupyterlab-myst"]:
        assert binder[name] == tested[name], name
    lines = (ROOT / ".binder" / "requirements.txt").read_text().splitlines()
    assert "." in lines, "Binder must install the book's own lib"


@pytest.fixture(scope="module")
def repository(tmp_path_factory):
    return working_tree_repo(tmp_path_factory.mktemp("repository"))


def test_chapters_install_lib_in_a_colab_like_environment(
        tmp_path, repository, monkeypatch):
    python = fresh_venv(tmp_path / "colab",
                        ["-c", ROOT / "constraints.txt", *COLAB_PACKAGES])
    _run([python, "-c", "import importlib.util as u; "
          "assert u.find_spec('lib') is None"], cwd=tmp_path)
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text(
        f'[url "{repository.as_uri()}"]\n'
        f"\tinsteadOf = {bootstrap.repository_url()}\n")
    env = {"GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1",
           **PIP_ENV}
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    kernel = kernel_for(python, tmp_path / "jupyter", env)
    site = purelib(python)
    for name in COLAB_CHAPTERS:
        folder = tmp_path / name   # the notebook alone, as downloaded
        folder.mkdir()
        shutil.copy(ROOT / "chapters" / f"{name}.ipynb", folder)
        where = run_chapter(name, folder, kernel)
        assert where.startswith(site), where
        # The next chapter installs lib again, as in a new Colab session.
        _run([python, "-m", "pip", "uninstall", "-q", "-y",
              bootstrap.DISTRIBUTION])


def test_a_chapter_runs_in_the_binder_environment(tmp_path, repository,
                                                  monkeypatch):
    # repo2docker installs the file from the repository's root; its base
    # image brings Jupyter and the kernel.
    python = fresh_venv(
        tmp_path / "binder",
        ["-r", ".binder/requirements.txt", "ipykernel"], cwd=repository)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    kernel = kernel_for(python, tmp_path / "jupyter", dict(PIP_ENV))
    site = purelib(python)
    where = run_chapter(BINDER_CHAPTER, repository / "chapters", kernel)
    assert where.startswith(site), where
