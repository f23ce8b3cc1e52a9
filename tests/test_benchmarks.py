"""The benchmark command runs: ``python -m benchmarks --quick``.

The full benchmark takes many minutes and is not part of the test run;
``--quick`` uses tiny sizes, executes a one-cell notebook instead of the
chapters and skips the site build, so this only checks that every section
runs, prints its table and reaches the results file.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TITLES = ["Executing the notebooks", "Building the site",
          "Optimizer step", "Trainer"]


def test_quick_benchmark_prints_and_writes_results(tmp_path):
    output = tmp_path / "RESULTS.md"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--output",
         str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    for title in TITLES:
        assert f"== {title}" in result.stdout
    assert "lib/torch" in result.stdout  # the optimizer table's header
    text = output.read_text(encoding="utf-8")
    assert "- CPU: " in text and "- load average" in text
    for title in TITLES:
        assert f"## {title}" in text
