"""The benchmark command runs: ``python -m benchmarks --quick``.

The full benchmark takes many minutes and is not part of the test run;
``--quick`` uses tiny sizes, executes a one-cell notebook instead of the
chapters and skips the site build, so this checks that every section
runs, prints its table and reaches the results file; that the notebook
ran; and that the training loops did the same work without shuffling.
The command exits non-zero when a notebook fails or the loops differ.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TITLES = ["Executing the notebooks", "Building the site",
          "Optimizer step", "Trainer"]


def rows(text, first_cell):
    """The cells of the results file's table rows that start so."""
    return [[cell.strip() for cell in line.strip("|").split("|")]
            for line in text.splitlines()
            if line.startswith(f"| {first_cell}")]


def test_quick_benchmark_prints_and_writes_results(tmp_path):
    output = tmp_path / "RESULTS.md"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--output",
         str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    for title in TITLES:
        assert f"== {title}" in result.stdout
    text = output.read_text(encoding="utf-8")
    assert "- CPU: " in text and "- load average" in text
    for title in TITLES:
        assert f"## {title}" in text
    [notebook] = rows(text, "quick")
    assert notebook[-1] == "ok", notebook
    trainer = rows(text, "regression") + rows(text, "classification")
    unshuffled = [row for row in trainer if row[2] == "no"]
    assert unshuffled, text
    for row in unshuffled:
        assert row[-1] == "all identical", row
