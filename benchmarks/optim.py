"""Time of one optimizer step: ``lib.optim`` against ``torch.optim``.

Every variant gets its own copy of one MLP of about a million parameters
and the same fixed gradients, and the variants take their steps in turn,
so a burst of load on a noisy machine slows them all alike. The order
rotates by one every step, so no variant ever takes two steps in a row
(a second step would find its own data still in the cache) and each takes
every place in the order in turn. A step's time is the median over the
steps of a repeat; the table shows the median over repeats.

On a CPU, ``torch.optim``'s default is its plain per-tensor loop
(``foreach`` and ``fused`` are chosen by default only for CUDA-like
devices, see ``torch.optim.optimizer._default_to_fused_or_foreach``), the
same kind of loop as ``lib.optim``. ``foreach=True`` and ``fused=True``
(where PyTorch has a fused CPU kernel) are timed as well, for context.
"""

import copy
import statistics
import time

import torch
from torch import nn

import lib.optim

from . import bandwidth
from .report import Goal, Section

GOAL_RATIO = 1.25
# (label, class name, hyperparameters), the same for lib and torch.
OPTIMIZERS = [
    ("SGD", "SGD", dict(lr=0.01)),
    ("SGD momentum", "SGD", dict(lr=0.01, momentum=0.9)),
    ("SGD nesterov", "SGD", dict(lr=0.01, momentum=0.9, nesterov=True)),
    ("Adagrad", "Adagrad", dict(lr=0.01)),
    ("RMSprop", "RMSprop", dict(lr=0.001)),
    ("Adadelta", "Adadelta", dict()),
    ("Adam", "Adam", dict(lr=0.001)),
    ("AdamW", "AdamW", dict(lr=0.001, weight_decay=0.01)),
]
VARIANTS = ["lib", "torch", "torch foreach", "torch fused"]
# Timed where PyTorch has them on this device; lib and torch always are.
OPTIONAL = {"torch foreach", "torch fused"}
GRAD_SCALE = 1e-2
SEED = 0
# 256 MiB per array, far larger than the last-level cache (a 32 MiB L3
# on the machine of RESULTS.md), so the kernels stream from memory.
BANDWIDTH_ELEMENTS = 64 * 2**20


def make_model(quick):
    # 784-1024-256-10: 1,068,810 parameters, the size the issue asks for.
    hidden = (64, 32) if quick else (1024, 256)
    return nn.Sequential(nn.Linear(784, hidden[0]), nn.ReLU(),
                         nn.Linear(hidden[0], hidden[1]), nn.ReLU(),
                         nn.Linear(hidden[1], 10))


def make_optimizer(variant, name, hyper, params):
    if variant == "lib":
        return getattr(lib.optim, name)(params, **hyper)
    extra = {"torch": {}, "torch foreach": {"foreach": True},
             "torch fused": {"fused": True}}[variant]
    return getattr(torch.optim, name)(params, **hyper, **extra)


def build(name, hyper, model, grads):
    """One optimizer per variant, each on its own copy of ``model``; None
    where PyTorch has no such implementation on this device."""
    optimizers = {}
    for variant in VARIANTS:
        twin = copy.deepcopy(model)
        for param, grad in zip(twin.parameters(), grads):
            param.grad = grad.clone()
        try:
            optimizers[variant] = make_optimizer(variant, name, hyper,
                                                 twin.parameters())
            optimizers[variant].step()
        except (RuntimeError, TypeError, ValueError):
            if variant not in OPTIONAL:
                raise
            optimizers[variant] = None
    return optimizers


def time_in_turn(optimizers, num_steps):
    """Median seconds per step of each optimizer, stepping them in turn."""
    times = {variant: [] for variant in optimizers}
    order = list(optimizers)
    for _ in range(num_steps):
        for variant in order:
            start = time.perf_counter()
            optimizers[variant].step()
            times[variant].append(time.perf_counter() - start)
        order = order[1:] + order[:1]  # never the same variant twice
    return {variant: statistics.median(t) for variant, t in times.items()}


def bytes_per_step(optimizer):
    """Bytes a single pass over the data must move: read each parameter,
    its gradient and every state tensor, write the parameter and state."""
    total = 0
    for group in optimizer.param_groups:
        for param in group["params"]:
            buffers = sum(1 for value in optimizer.state[param].values()
                          if torch.is_tensor(value)
                          and value.numel() == param.numel())
            total += ((3 + 2 * buffers) * param.numel()
                      * param.element_size())
    return total


def run(quick=False, repeats=5):
    torch.manual_seed(SEED)
    model = make_model(quick)
    num_params = sum(p.numel() for p in model.parameters())
    grads = [GRAD_SCALE * torch.randn_like(p) for p in model.parameters()]
    num_steps = 5 if quick else 50
    array_elements = 2**20 if quick else BANDWIDTH_ELEMENTS
    bandwidth_repeats = 3 if quick else 10
    rates = bandwidth.measure(array_elements, bandwidth_repeats)
    array_mib = array_elements * 4 / 2**20  # float32
    kernel, rate = bandwidth.floor_rate(rates)

    section = Section(
        "optim", "Optimizer step: lib.optim vs torch.optim (CPU)",
        ["optimizer", "lib ms", "torch ms", "lib/torch", "foreach ms",
         "fused ms", "MB moved", "floor ms"])
    worst = 0.0
    for label, name, hyper in OPTIMIZERS:
        optimizers = build(name, hyper, model, grads)
        present = {v: o for v, o in optimizers.items() if o is not None}
        for _ in range(2):  # warm-up, not timed
            for optimizer in present.values():
                optimizer.step()
        medians = [time_in_turn(present, num_steps) for _ in range(repeats)]
        step = {v: statistics.median(m[v] for m in medians) for v in present}
        ratio = statistics.median(m["lib"] / m["torch"] for m in medians)
        worst = max(worst, ratio)
        moved = bytes_per_step(optimizers["torch"])

        def ms(variant):
            return (f"{1e3 * step[variant]:.3f}" if variant in step
                    else "n/a")

        section.rows.append([
            label, ms("lib"), ms("torch"), f"{ratio:.2f}",
            ms("torch foreach"), ms("torch fused"), f"{moved / 1e6:.1f}",
            f"{1e3 * moved / (rate * 1e9):.3f}"])

    section.goals.append(Goal(
        f"lib.optim within {GOAL_RATIO}x of torch.optim's default",
        worst <= GOAL_RATIO, f"worst ratio {worst:.2f}"))
    section.notes += [
        f"Model: MLP {num_params:,} parameters in float32, fixed gradients; "
        f"{repeats} repeat(s) of {num_steps} steps each, the variants "
        "stepping in turn, the order rotating by one every step (no "
        "variant steps twice in a row); median step time of each repeat, "
        "then the median over repeats. lib/torch is the median of the "
        "per-repeat ratios.",
        "torch = torch.optim with default arguments, which on a CPU is "
        "its per-tensor loop (foreach=False, fused=False), the same kind "
        "of loop as lib.optim; foreach/fused = foreach=True / fused=True, "
        "n/a where PyTorch has no CPU implementation.",
        f"Memory bandwidth on float32 arrays of {array_mib:.0f} MiB, median "
        f"of {bandwidth_repeats} runs, bytes counted as STREAM counts "
        f"them: in-place add (a += s * c) {rates['in-place add']:.1f} "
        f"GB/s, in-place scale (a *= s) {rates['in-place scale']:.1f} "
        f"GB/s; for context, copy (b = a) {rates['copy']:.1f} GB/s and "
        f"triad (a = b + s * c) {rates['triad']:.1f} GB/s, which write to "
        "a separate array. An optimizer step updates its tensors in "
        f"place, so floor = MB moved / the {kernel} rate, the faster "
        "in-place one. MB moved = one pass reading parameters, gradients "
        "and state and writing parameters and state (4 bytes each).",
    ]
    return section
