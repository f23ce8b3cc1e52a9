"""``python -m benchmarks [--quick] [--only SECTION] [--output PATH]``."""

import argparse
import sys
from pathlib import Path

from . import book, machine, optim, trainer

SECTIONS = {
    "notebooks": book.run_notebooks,
    "build": book.run_build,
    "optim": optim.run,
    "trainer": trainer.run,
}
# Executing notebooks and building the site are slow: one run by default.
SLOW = {"notebooks", "build"}
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "RESULTS.md"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time the book and lib; print tables and write them, "
                    "with the machine, to a Markdown file.")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes and one repeat (a smoke test; "
                             "its numbers mean little)")
    parser.add_argument("--only", action="append", choices=list(SECTIONS),
                        metavar="SECTION",
                        help="run only this section (repeatable): "
                             + ", ".join(SECTIONS))
    parser.add_argument("--output", type=Path, default=None,
                        help="the Markdown results file (default: "
                             "benchmarks/RESULTS.md; required with --only)")
    parser.add_argument("--repeats", type=positive_int, default=None,
                        help="repeats of each measurement (default: 5 for "
                             "optim and trainer, 1 for notebooks and "
                             "build; 1 with --quick)")
    args = parser.parse_args(argv)
    if args.only and args.output is None:
        # The default file holds every section; one must not replace it.
        parser.error("--only needs --output PATH: the default, "
                     "benchmarks/RESULTS.md, keeps the results of every "
                     "section")
    return args


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def markdown(command, info, load_start, load_end, args, sections):
    lines = ["# Benchmark results", "",
             f"Written by `{command}`; do not edit by hand.", "",
             "## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in info.items()]
    lines += [f"- load average (1, 5, 15 min) at start: {load_start}; "
              f"at end: {load_end}", "",
              "The load average counts every running process, this "
              "benchmark's own included once it runs (one to two busy "
              "cores); "
              "a figure well above that means other work shared the "
              "machine and the times are less reliable. Ratios are "
              "measured side by side, which makes them steadier than the "
              "times.", ""]
    if args.quick:
        lines += ["**--quick run: tiny sizes, one repeat; a smoke test, "
                  "not a measurement.**", ""]
    return "\n".join(lines) + "\n" + "\n".join(s.markdown()
                                                for s in sections)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    names = list(dict.fromkeys(args.only or SECTIONS))  # once each
    output = args.output or DEFAULT_OUTPUT
    info = machine.describe()
    load_start = machine.load_average()
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    print(f"load average at start: {load_start}\n")
    sections = []
    for name in names:
        repeats = args.repeats or (1 if args.quick or name in SLOW else 5)
        load = machine.load_average()
        section = SECTIONS[name](quick=args.quick, repeats=repeats)
        section.notes.append(f"Load average when this section started: "
                             f"{load}.")
        print(section.text() + "\n", flush=True)
        sections.append(section)
    load_end = machine.load_average()
    print(f"load average at end: {load_end}")
    output.parent.mkdir(parents=True, exist_ok=True)
    command = " ".join(["python -m benchmarks", *argv])
    output.write_text(markdown(command, info, load_start, load_end, args,
                               sections), encoding="utf-8")
    print(f"results written to {output}")
    failures = [f"{s.name}: {failure}" for s in sections
                for failure in s.failures]
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
