"""``lib.fit`` against the training loop a reader writes from seed 002.

The reader's loop (seed 002's sketch, without its progress bar) iterates
over a ``DataLoader(TensorDataset(X, y))``, moves each batch to the device
and calls ``loss.item()`` after every step. ``lib.fit`` slices batches out
of tensors that it moved to the device once, and reads the losses back
once per epoch. Both train copies of one initial model with the same
optimizer, data, batch size and number of epochs. Without shuffling they
see the same batches in the same order, and the benchmark checks that they
then do the same arithmetic: equal losses at every step, equal final
weights. With shuffling, each draws its own order from a seeded generator.

A third loop, ``bare_loop``, gives the floor: the same steps on batches
that are views of the data (one shuffled copy per epoch), with nothing
else. The time of the steps themselves (forward, backward, ``zero_grad``,
``step``) is the same in every loop, so reader / bare is the largest
speed-up any loop could have over the reader's.
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
SEED = 0


def reader_loop(model, loss_fn, optimizer, X, y, *, num_epochs, batch_size,
                shuffle, device, generator):
    """Seed 002's loop; returns the loss of every step."""
    loader = DataLoader(TensorDataset(X, y), batch_size=batch_size,
                        shuffle=shuffle, generator=generator)
    model.to(device)
    losses = []
    for epoch in range(num_epochs):
        model.train()
        for X_batch, y_batch in loader:
            X_batch, y_batch = X_batch.to(device), y_batch.to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(X_batch), y_batch)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


def lib_loop(model, loss_fn, optimizer, X, y, *, num_epochs, batch_size,
             shuffle, device, generator):
    history = lib.fit(model, loss_fn, optimizer, X, y, num_epochs=num_epochs,
                      batch_size=batch_size, shuffle=shuffle, device=device,
                      generator=generator)
    return history.step_loss


def bare_loop(model, loss_fn, optimizer, X, y, *, num_epochs, batch_size,
              shuffle, device, generator):
    """The training steps and as little else as possible."""
    model.to(device)
    X, y = X.to(device), y.to(device)
    losses = []
    for epoch in range(num_epochs):
        model.train()
        if shuffle:
            order = torch.randperm(len(X), generator=generator).to(device)
            X_epoch, y_epoch = X[order], y[order]
        else:
            X_epoch, y_epoch = X, y
        for start in range(0, len(X), batch_size):
            end = start + batch_size
            loss = loss_fn(model(X_epoch[start:end]), y_epoch[start:end])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.detach())
    return torch.stack(losses).double().cpu().tolist()


LOOPS = {"lib": lib_loop, "reader": reader_loop, "bare": bare_loop}


def regression_case(num_samples):
    X, y, _, _ = lib.make_regression(num_samples, 8, noise=0.5, seed=SEED)
    return dict(name="regression, Linear(8, 1)", X=X, y=y,
                model=nn.Linear(8, 1), loss_fn=nn.MSELoss(),
                make_optimizer=lambda p: torch.optim.SGD(p, lr=0.05),
                batch_size=32)


def classification_case(num_samples):
    # Shaped like the digits data of chapter 'comparing': 64 features,
    # 10 classes, an MLP 64-64-10.
    gen = torch.Generator().manual_seed(SEED)
    X = torch.randn(num_samples, 64, generator=gen)
    y = (X @ torch.randn(64, 10, generator=gen)).argmax(dim=1)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    return dict(name="classification, MLP 64-64-10", X=X, y=y, model=model,
                loss_fn=nn.CrossEntropyLoss(),
                make_optimizer=lambda p: torch.optim.SGD(p, lr=0.01,
                                                         momentum=0.9),
                batch_size=64)


def train_once(loop, case, initial, num_epochs, shuffle, device):
    """Seconds taken, step losses and final weights of one training run."""
    model = copy.deepcopy(initial)
    optimizer = case["make_optimizer"](model.parameters())
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    losses = loop(model, case["loss_fn"], optimizer, case["X"], case["y"],
                  num_epochs=num_epochs, batch_size=case["batch_size"],
                  shuffle=shuffle, device=device,
                  generator=torch.Generator().manual_seed(SEED))
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    weights = [p.detach().cpu() for p in model.parameters()]
    return seconds, losses, weights


def compare(case, num_epochs, shuffle, device, repeats):
    """Median times of both loops, run in turn, and whether they agree."""
    times = {name: [] for name in LOOPS}
    order = list(LOOPS)
    for _ in range(repeats):
        runs = {}
        for name in order:
            seconds, losses, weights = train_once(
                LOOPS[name], case, case["model"], num_epochs, shuffle,
                device)
            times[name].append(seconds)
            runs[name] = (losses, weights)
        order.reverse()
    lib_losses, lib_weights = runs["lib"]
    steps_per_epoch = len(lib_losses) // num_epochs
    final = {name: statistics.mean(losses[-steps_per_epoch:])
             for name, (losses, _) in runs.items()}
    same = {name: losses == lib_losses
            and all(torch.equal(a, b) for a, b in zip(weights, lib_weights))
            for name, (losses, weights) in runs.items()}
    return dict(times={k: statistics.median(v) for k, v in times.items()},
                final=final, same=same, steps=len(lib_losses))


def run(quick=False, repeats=5):
    devices = [torch.device("cpu")]
    if torch.cuda.is_available():
        devices.append(torch.device("cuda"))
    num_samples, num_epochs = (256, 2) if quick else (1024, 20)
    section = Section(
        "trainer", "Trainer: lib.fit vs a DataLoader loop with .item() "
        "every step",
        ["case", "device", "shuffle", "steps", "lib s", "reader s",
         "bare s", "reader/lib", "reader/bare", "final loss lib / reader",
         "same work"])
    speedups = []
    for make_case in (regression_case, classification_case):
        torch.manual_seed(SEED)  # the initial weights
        case = make_case(num_samples)
        for device in devices:
            for shuffle in (False, True):
                result = compare(case, num_epochs, shuffle, device, repeats)
                times = result["times"]
                speedup = times["reader"] / times["lib"]
                speedups.append(speedup)
                same = result["same"]
                if not shuffle:
                    work = ("all identical" if all(same.values())
                            else "DIFFERENT")
                else:
                    work = ("lib = bare" if same["bare"] else "DIFFERENT"
                            ) + "; reader: own order"
                section.rows.append([
                    case["name"], device.type, "yes" if shuffle else "no",
                    str(result["steps"]),
                    f"{times['lib']:.3f}", f"{times['reader']:.3f}",
                    f"{times['bare']:.3f}", f"{speedup:.2f}",
                    f"{times['reader'] / times['bare']:.2f}",
                    f"{result['final']['lib']:.4g} / "
                    f"{result['final']['reader']:.4g}", work])
    section.goals.append(Goal(
        f"lib.fit at least {GOAL_SPEEDUP:g}x faster on small data",
        min(speedups) >= GOAL_SPEEDUP,
        f"smallest speed-up {min(speedups):.1f}x"))
    section.notes += [
        f"{num_samples} samples, {num_epochs} epochs, median of {repeats} "
        "repeat(s) with the three loops run in turn. Times include building "
        "the DataLoader and fit's argument checks. reader = the DataLoader "
        "loop; bare = the training steps alone on views of the data, so "
        "reader/bare is the most any loop could gain over the reader's.",
        "same work: 'identical' means every step's loss and the final "
        "weights are bit-for-bit equal. With shuffling, lib and bare draw "
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
