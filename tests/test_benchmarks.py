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


def test_balanced_orders_put_every_loop_after_every_other_once():
    sys.path.insert(0, str(ROOT))
    from benchmarks.trainer import balanced_orders
    for n in (2, 4, 6):
        names = [f"loop{i}" for i in range(n)]
        orders = balanced_orders(names)
        assert all(sorted(order) == names for order in orders)
        pairs = [(a, b) for order in orders for a, b in zip(order, order[1:])]
        assert sorted(pairs) == sorted((a, b) for a in names for b in names
                                       if a != b)
        # and, from four loops on, none twice in a row where one order
        # follows the next (two loops can only alternate within a round)
        if n >= 4:
            assert all(orders[i][-1] != orders[(i + 1) % n][0]
                       for i in range(n))
    try:
        balanced_orders(["a", "b", "c"])
    except ValueError as err:
        assert "even number" in str(err)
    else:
        raise AssertionError("an odd number of loops was accepted")
