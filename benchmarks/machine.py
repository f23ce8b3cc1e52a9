"""What the numbers were measured on: CPU, memory, versions, commit, load."""

import datetime
import os
import platform
import subprocess
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent


def _first_value(path, key):
    """The value of the first ``key: value`` line of a /proc file."""
    try:
        for line in Path(path).read_text().splitlines():
            name, _, value = line.partition(":")
            if name.strip() == key:
                return value.strip()
    except OSError:
        pass
    return "unknown"


def caches() -> str:
    """The first CPU's caches, e.g. 'L1d 32K, L1i 32K, L2 512K, L3 32768K'."""
    found = []
    folder = Path("/sys/devices/system/cpu/cpu0/cache")
    for index in sorted(folder.glob("index*")):
        try:
            level = (index / "level").read_text().strip()
            kind = (index / "type").read_text().strip()
            size = (index / "size").read_text().strip()
        except OSError:
            continue
        suffix = {"Data": "d", "Instruction": "i"}.get(kind, "")
        found.append(f"L{level}{suffix} {size}")
    return ", ".join(found) or "unknown"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as /proc/loadavg gives them."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def git_commit() -> str:
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, text=True,
                                  capture_output=True).stdout.strip()
        except OSError:  # no git on this machine
            return ""

    commit = git("rev-parse", "--short=12", "HEAD") or "unknown"
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    return commit


def describe() -> dict[str, str]:
    memory = _first_value("/proc/meminfo", "MemTotal")
    if memory.endswith(" kB"):
        memory = f"{int(memory[:-3]) / 2**20:.1f} GiB"
    return {
        "CPU": _first_value("/proc/cpuinfo", "model name"),
        "cores": str(os.cpu_count()),
        "caches (cpu0)": caches(),
        "memory": memory,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "torch threads": str(torch.get_num_threads()),
        "CUDA": (torch.cuda.get_device_name() if torch.cuda.is_available()
                 else "none"),
        "date": datetime.datetime.now(datetime.timezone.utc)
                        .strftime("%Y-%m-%d %H:%M UTC"),
        "git commit": git_commit(),
    }
