"""``lib.fit`` against the training loop a reader writes from seed 002.

Three loops train copies of one initial model with the same optimizer,
data, batch size and number of epochs:

- reader: seed 002's loop (without its progress bar): a
  ``DataLoader(TensorDataset(X, y))``, each batch moved to the device,
  ``loss.item()`` after every step;
- lib: ``lib.fit``, which slices batches out of tensors moved to the
  device once and reads the losses back once per epoch;
- bare: the training steps on batches that are views of the data (one
  shuffled copy per epoch) and nothing else. Forward, backward,
  ``zero_grad`` and ``step`` cost the same in every loop, so reader / bare
  is the largest speed-up any loop could have over the reader's.

The loops advance one epoch at a time, in turn (``lib.fit`` is called with
``num_epochs=1``, as chapter 'lr_schedules' does), so a burst of load on a
busy machine hits all three alike. A loop runs measurably slower right
after some of the others (measured here: with the order merely rotating,
lib.fit nearly always followed the same loop, and its lib/bare came out
1.12 to 1.17 against 1.06 in a random order), so the orders follow a
Williams design (see :func:`balanced_orders`): over every four epochs
each loop runs right after each other loop exactly once, and no loop ever
runs two epochs back to back. Times are medians over epochs. Without
shuffling all three see the same batches in the same order, and the
benchmark checks that they do the same arithmetic (equal losses at every
step and equal final weights); if not, it fails.
"""

import copy
import statistics
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import lib

from .report import Goal, Section

GOAL_SPEEDUP = 2.0
# lib.fit may cost at most this much more than the bare training steps
# (issue 13): its checks, the shuffled copy and the once-per-epoch readback.
GOAL_OVERHEAD = 1.10
SEED = 0


# Each loop is set up once, outside the timing, and returns a function
# that trains one epoch and returns that epoch's step losses.

def reader_loop(model, loss_fn, optimizer, X, y, *, batch_size, shuffle,
                device, generator):
    loader = DataLoader(TensorDataset(X, y), batch_size=batch_size,
                        shuffle=shuffle, generator=generator)
    model.to(device)

    def epoch():
        model.train()
        losses = []
        for X_batch, y_batch in loader:
            X_batch, y_batch = X_batch.to(device), y_batch.to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(X_batch), y_batch)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return losses

    return epoch


def lib_loop(model, loss_fn, optimizer, X, y, *, batch_size, shuffle,
             device, generator):
    # fit would move them on every call; a single fit call moves them once.
    X, y = X.to(device), y.to(device)

    def epoch():
        return lib.fit(model, loss_fn, optimizer, X, y, num_epochs=1,
                       batch_size=batch_size, shuffle=shuffle,
                       device=device, generator=generator).step_loss

    return epoch


def bare_loop(model, loss_fn, optimizer, X, y, *, batch_size, shuffle,
              device, generator):
    model.to(device)
    X, y = X.to(device), y.to(device)

    def epoch():
        model.train()
        X_epoch, y_epoch = X, y
        if shuffle:
            order = torch.randperm(len(X), generator=generator).to(device)
            X_epoch, y_epoch = X[order], y[order]
        losses = []
        for start in range(0, len(X), batch_size):
            end = start + batch_size
            loss = loss_fn(model(X_epoch[start:end]), y_epoch[start:end])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.detach())
        return torch.stack(losses).double().cpu().tolist()

    return epoch


def loader_only(model, loss_fn, optimizer, X, y, *, batch_size, shuffle,
                device, generator):
    """Not a training loop: the reader's DataLoader alone, batches moved
    to the device and nothing else, to show what the loader costs."""
    loader = DataLoader(TensorDataset(X, y), batch_size=batch_size,
                        shuffle=shuffle, generator=generator)

    def epoch():
        for X_batch, y_batch in loader:
            X_batch, y_batch = X_batch.to(device), y_batch.to(device)
        return []

    return epoch


LOOPS = {"lib": lib_loop, "reader": reader_loop, "bare": bare_loop}
TIMED = dict(LOOPS, loader=loader_only)


def regression_case(num_samples, batch_size):
    X, y, _, _ = lib.make_regression(num_samples, 8, noise=0.5, seed=SEED)
    return dict(name=f"regression, Linear(8, 1), batch {batch_size}",
                X=X, y=y, model=nn.Linear(8, 1), loss_fn=nn.MSELoss(),
                make_optimizer=lambda p: torch.optim.SGD(p, lr=0.05),
                batch_size=batch_size)


def classification_case(num_samples, batch_size):
    # Shaped like the digits data of chapter 'comparing': 64 features,
    # 10 classes, an MLP 64-64-10.
    gen = torch.Generator().manual_seed(SEED)
    X = torch.randn(num_samples, 64, generator=gen)
    y = (X @ torch.randn(64, 10, generator=gen)).argmax(dim=1)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    return dict(name=f"classification, MLP 64-64-10, batch {batch_size}",
                X=X, y=y, model=model, loss_fn=nn.CrossEntropyLoss(),
                make_optimizer=lambda p: torch.optim.SGD(p, lr=0.01,
                                                         momentum=0.9),
                batch_size=batch_size)


# The book's batch sizes (32 in 'optim_sgd', 64 in 'comparing'), and a
# larger one, where loading a batch sample by sample costs more.
CASES = [(regression_case, 32), (classification_case, 64),
         (classification_case, 256)]


def balanced_orders(names):
    """The rows of a Williams design for an even number of ``names``:
    ``len(names)`` orders in which every name comes right after every other
    name exactly once (Williams, 1949, "Experimental designs balanced for
    the estimation of residual effects of treatments")."""
    n = len(names)
    if n % 2:
        raise ValueError(f"a Williams square needs an even number of "
                         f"names, not {n}")
    first = [0]
    for k in range(1, n):  # 0, 1, n-1, 2, n-2, ...
        first.append((k + 1) // 2 if k % 2 else n - k // 2)
    return [[names[(i + r) % n] for i in first] for r in range(n)]


def train_in_turn(case, num_epochs, shuffle, device):
    """Train with every loop, one epoch each in turn. Returns each loop's
    epoch times, step losses and final weights."""
    models, epochs = {}, {}
    for name, make_loop in TIMED.items():
        models[name] = copy.deepcopy(case["model"])
        epochs[name] = make_loop(
            models[name], case["loss_fn"],
            case["make_optimizer"](models[name].parameters()),
            case["X"], case["y"], batch_size=case["batch_size"],
            shuffle=shuffle, device=device,
            generator=torch.Generator().manual_seed(SEED))
    times = {name: [] for name in TIMED}
    losses = {name: [] for name in TIMED}
    orders = balanced_orders(list(TIMED))
    for epoch in range(num_epochs):
        for name in orders[epoch % len(orders)]:
            if device.type == "cuda":
                torch.cuda.synchronize()
            start = time.perf_counter()
            losses[name] += epochs[name]()
            if device.type == "cuda":
                torch.cuda.synchronize()
            times[name].append(time.perf_counter() - start)
    weights = {name: [p.detach().cpu() for p in model.parameters()]
               for name, model in models.items()}
    return times, losses, weights


def gap(losses, weights, ref_losses, ref_weights):
    """Largest difference in step losses or final weights between two
    runs; 0.0 means that they did the same arithmetic."""
    if len(losses) != len(ref_losses):
        return float("inf")
    return max([abs(a - b) for a, b in zip(losses, ref_losses)]
               + [(a - b).abs().max().item()
                  for a, b in zip(weights, ref_weights)])


def compare(case, num_epochs, shuffle, device, repeats):
    """Median epoch time of each loop, and how far each is from lib."""
    times = {name: [] for name in TIMED}
    for _ in range(repeats):
        run_times, losses, weights = train_in_turn(case, num_epochs,
                                                   shuffle, device)
        for name in TIMED:
            times[name] += run_times[name][1:]  # the first is a warm-up
    gaps = {name: gap(losses[name], weights[name], losses["lib"],
                      weights["lib"]) for name in LOOPS}
    steps_per_epoch = len(losses["lib"]) // num_epochs
    final = {name: statistics.mean(losses[name][-steps_per_epoch:])
             for name in LOOPS}
    return dict(ms={name: 1e3 * statistics.median(t)
                    for name, t in times.items()},
                final=final, gaps=gaps, steps=steps_per_epoch)


def describe_work(gaps, shuffle):
    def same(name):
        return ("identical" if gaps[name] == 0
                else f"differs by up to {gaps[name]:.2g}")

    if shuffle:
        return f"lib, bare: {same('bare')}; reader: own order"
    if gaps["reader"] == gaps["bare"] == 0:
        return "all identical"
    return f"bare: {same('bare')}; reader: {same('reader')}"


def explain(speedup, bound, name, ms):
    """The slowest case, split into what its reader's epoch spends;
    ``bound`` is its reader/bare."""
    rest = ms["reader"] - ms["bare"] - ms["loader"]
    text = (f"smallest speed-up {speedup:.2f}x, {name}: of the reader's "
            f"epoch of {ms['reader']:.2f} ms, the training steps alone "
            f"(bare) take {ms['bare']:.2f} ms and its DataLoader alone "
            f"{ms['loader']:.2f} ms, which leaves {rest:+.2f} ms for "
            ".item() and the rest")
    if bound < GOAL_SPEEDUP:
        text += (f"; the steps alone are only {bound:.2f}x faster than "
                 f"the reader's loop, so no loop could be "
                 f"{GOAL_SPEEDUP:g}x faster there")
    return text


def run(quick=False, repeats=5):
    devices = [torch.device("cpu")]
    if torch.cuda.is_available():
        devices.append(torch.device("cuda"))
    num_samples, num_epochs = (256, 3) if quick else (1024, 20)
    section = Section(
        "trainer", "Trainer: lib.fit vs a DataLoader loop with .item() "
        "every step",
        ["case", "device", "shuffle", "steps/epoch", "lib ms", "reader ms",
         "bare ms", "loader ms", "reader/lib", "reader/bare", "lib/bare",
         "final loss lib / reader", "same work"])
    speedups, overheads = [], []
    for make_case, batch_size in CASES:
        torch.manual_seed(SEED)  # the initial weights
        case = make_case(num_samples, batch_size)
        for device in devices:
            for shuffle in (False, True):
                result = compare(case, num_epochs, shuffle, device, repeats)
                ms = result["ms"]
                speedup = ms["reader"] / ms["lib"]
                bound = ms["reader"] / ms["bare"]
                where = f"{case['name']} on {device.type}, shuffle={shuffle}"
                speedups.append((speedup, bound, where, ms))
                overheads.append((ms["lib"] / ms["bare"], where, ms))
                work = describe_work(result["gaps"], shuffle)
                # Without shuffling, any difference is a bug in a loop.
                if not shuffle and max(result["gaps"].values()) != 0:
                    section.failures.append(
                        f"{where}: lib, reader and bare should be bit-for-"
                        f"bit identical without shuffling, but {work}")
                section.rows.append([
                    case["name"], device.type, "yes" if shuffle else "no",
                    str(result["steps"]), f"{ms['lib']:.2f}",
                    f"{ms['reader']:.2f}", f"{ms['bare']:.2f}",
                    f"{ms['loader']:.2f}", f"{speedup:.2f}", f"{bound:.2f}",
                    f"{ms['lib'] / ms['bare']:.2f}",
                    f"{result['final']['lib']:.4g} / "
                    f"{result['final']['reader']:.4g}", work])
    speedup, bound, name, ms = min(speedups, key=lambda row: row[0])
    section.goals.append(Goal(
        f"lib.fit at least {GOAL_SPEEDUP:g}x faster on small data",
        speedup >= GOAL_SPEEDUP, explain(speedup, bound, name, ms)))
    overhead, name, ms = max(overheads, key=lambda row: row[0])
    section.goals.append(Goal(
        f"lib.fit within {GOAL_OVERHEAD:.2f}x of the bare training steps",
        overhead <= GOAL_OVERHEAD,
        f"largest lib/bare {overhead:.2f}x, {name}: {ms['lib']:.2f} vs "
        f"{ms['bare']:.2f} ms per epoch, i.e. "
        f"{1e3 * (ms['lib'] - ms['bare']):+.0f} us per call of fit"))
    section.notes += [
        f"{num_samples} samples, {num_epochs} epochs, {repeats} repeat(s); "
        "ms = median time of one epoch (the first epoch of each run is a "
        "warm-up and not counted), the loops taking their epochs in turn, "
        "in a balanced order (each loop right after each other loop "
        "once every four epochs). "
        "reader = the DataLoader loop; bare = the training steps "
        "alone on views of the data, so reader/bare is the most any loop "
        "could gain over the reader's; loader = iterating the reader's "
        "DataLoader with no training at all.",
        "lib.fit is called once per epoch (num_epochs=1), so its argument "
        "and data checks are paid every epoch, not once; lib/bare is what "
        "fit costs beyond the training steps (checks, the shuffled copy "
        "per epoch, reading the losses back once), largest where an epoch "
        "has only a few steps.",
        "same work: 'identical' means every step's loss and the final "
        "weights are bit-for-bit equal; without shuffling all three loops "
        "must be, or the benchmark fails. With shuffling, lib and bare draw "
        "the same order from the same seeded generator and the "
        "DataLoader draws its own; the final losses (mean of the last "
        "epoch's step losses) show that it reaches the same place.",
        "The reader's loop leaves out seed 002's tqdm bar, whose per-step "
        "update would only slow it further.",
    ]
    if not torch.cuda.is_available():
        section.notes.append("No CUDA device here: the GPU rows were not "
                             "measured.")
    return section
