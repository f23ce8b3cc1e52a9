"""A small, fast training loop: ``fit(model, loss_fn, optimizer, X, y, ...)``.

The data live in two tensors that are moved to the device once. Each epoch's
order is drawn on the CPU (so that a seeded generator gives the same batches
on every device) and copied to the device once; the data are gathered in
that order once per epoch, and every mini-batch is then a slice of the
gathered copy, a view that costs no copy at all. Losses stay on the device
during an epoch and are read back once per epoch. So on a GPU the CPU waits
for the device once or twice per epoch (and a few times per call, before
the first), never at every update (calling ``loss.item()`` each step, or
copying each batch's indices, would make it wait there).
"""

import contextlib
import functools
import inspect
import itertools
import math
import sys
import time
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.utils.weak import WeakIdKeyDictionary
from tqdm.std import tqdm

from .device import choose_device, supports_float64

# No elapsed time or rate in the bar: its final state is then the same on
# every run, so notebooks that show it stay comparable by nbval.
PROGRESS_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt}{postfix}"


@dataclass
class History:
    """What ``fit`` records; every list has one entry per epoch or update."""

    loss: list[float] = field(default_factory=list)         # per epoch
    step_loss: list[float] = field(default_factory=list)    # per update
    valid_loss: list[float] = field(default_factory=list)   # per epoch
    epoch_time: list[float] = field(default_factory=list)   # seconds

    @property
    def num_steps(self) -> int:
        return len(self.step_loss)


class TrainingDiverged(FloatingPointError):
    """Raised when the loss becomes NaN or infinite during training."""


def _check_positive_int(name, value, allow_none=False):
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"Invalid {name}: {value} (must be at least 1)")


# Tensors already found finite, with their version counter at the time.
# fit is often called once per epoch on the same data; every in-place
# change bumps a tensor's version (and its views'), so an unchanged
# version means the scan, and on a GPU its wait, can be skipped.
_FOUND_FINITE = WeakIdKeyDictionary()


def _all_finite(t):
    if _FOUND_FINITE.get(t) == t._version:
        return True
    if t.is_complex():
        finite = bool(torch.isfinite(t).all())
    else:
        # The smallest and largest element are finite exactly when all
        # are (NaN propagates through both); one reduction is about fifteen
        # times faster on the CPU than isfinite(t).all(), which builds a
        # bool tensor.
        low, high = torch.aminmax(t)
        finite = math.isfinite(low.item()) and math.isfinite(high.item())
    if finite:
        _FOUND_FINITE[t] = t._version
    return finite


def _check_data(X, y, what="training"):
    for name, t in (("X", X), ("y", y)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{what} {name} must be a torch.Tensor, "
                            f"not {type(t).__name__}")
        if t.ndim == 0:
            raise ValueError(f"{what} {name} must have a batch dimension")
        if t.is_floating_point() or t.is_complex():
            if t.numel() and not _all_finite(t):
                raise ValueError(f"{what} {name} contains NaN or inf values")
    if len(X) != len(y):
        raise ValueError(f"{what} X and y hold different numbers of "
                         f"samples: {len(X)} and {len(y)}")
    if len(X) == 0:
        raise ValueError(f"{what} data are empty")


@functools.cache
def _needs_closure(optimizer_class):
    # Cached per class: inspecting a signature costs more than a small
    # model's training step, and fit is often called once per epoch.
    step = inspect.signature(optimizer_class.step).parameters
    closure = step.get("closure")
    return closure is not None and closure.default is inspect.Parameter.empty


def _check_args(model, loss_fn, optimizer, num_epochs, batch_size):
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, "
                        f"not {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError("loss_fn must be callable, e.g. nn.MSELoss()")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, "
                        f"not {type(optimizer).__name__}")
    if _needs_closure(type(optimizer)):
        raise TypeError(
            f"{type(optimizer).__name__}.step() needs a closure, which "
            "lib.fit does not pass: train such an optimizer with your own "
            "loop, calling optimizer.step(closure)")
    _check_positive_int("num_epochs", num_epochs)
    _check_positive_int("batch_size", batch_size, allow_none=True)


def _check_float64(device, model, X, y, valid_data):
    # Refused before anything moves, with the cause and the way out; torch
    # itself would fail at the first float64 tensor moved to MPS.
    if supports_float64(device):
        return
    tensors = itertools.chain(model.parameters(), model.buffers(), (X, y),
                              valid_data or ())
    if any(t.dtype in (torch.float64, torch.complex128) for t in tensors):
        raise TypeError(
            f"{device.type} has no float64, but the model or the data are "
            "float64: train in float32 (model.float(), X.float()) or on "
            "a device that has it (device=lib.float64_device(device))")


def _all_on(model, device):
    # model.to walks every tensor even when nothing moves, which costs
    # more than a small model's training step; looking is cheaper.
    tensors = itertools.chain(model.parameters(), model.buffers())
    return all(t.device == device for t in tensors)


def _state_follows_params(optimizer):
    """Put optimizer state made before the model moved on its parameters'
    device and dtype.

    Most optimizers make their state at the first step, but ``Adagrad``
    makes its sums in its constructor, on the parameters' device at that
    moment; after ``model.to(device)`` they would sit on the old one, and
    the first step fails with "Expected all tensors to be on the same
    device". ``Optimizer.load_state_dict`` places every state tensor as
    PyTorch wants it (on the parameter's device and, if floating point, in
    its dtype; the step counter stays where it is unless the optimizer is
    capturable or fused: ``_process_value_according_to_param_policy`` in
    ``torch/optim/optimizer.py``), so a round trip through it moves them.
    """
    if any(optimizer.state.values()):
        optimizer.load_state_dict(optimizer.state_dict())


def _diverged(epoch, step, value, optimizer):
    lr = optimizer.param_groups[0].get("lr")
    return TrainingDiverged(
        f"Training diverged: the loss became {value} at epoch {epoch}, "
        f"update {step}. The parameters grew until the arithmetic "
        f"overflowed, which usually means the learning rate (lr={lr:g}) is "
        f"too large for this problem: try a smaller learning rate.")


def epoch_order(num_samples, shuffle, generator=None, device=None):
    """The order in which one epoch visits the samples: an int64 tensor.

    A random permutation of ``range(num_samples)`` if ``shuffle``, drawn on
    the CPU from ``generator`` (PyTorch's global one if ``None``) so that it
    is the same for every device; else ``range(num_samples)`` in order. It
    is then moved to ``device`` (default: the CPU) in one copy.
    """
    order = (torch.randperm(num_samples, generator=generator) if shuffle
             else torch.arange(num_samples))
    if device is not None and torch.device(device).type == "cuda":
        # From pinned memory, non-blocking: the CPU does not wait for the
        # GPU to finish the previous epoch before queueing this one.
        order = order.pin_memory().to(device, non_blocking=True)
    elif device is not None:
        order = order.to(device)
    return order


def batches(num_samples, batch_size, shuffle, generator=None, device=None):
    """Yield index tensors (int64) that cover ``range(num_samples)`` once.

    Slices of one :func:`epoch_order` (see there for ``shuffle``,
    ``generator`` and ``device``), ``batch_size`` indices each, the last
    one possibly fewer. For a loop that indexes the data itself,
    ``X[idx]``; :func:`epoch_batches` hands out the batches directly.
    """
    order = epoch_order(num_samples, shuffle, generator, device)
    for start in range(0, num_samples, batch_size):
        yield order[start:start + batch_size]


def epoch_batches(X, y, batch_size, shuffle, generator=None):
    """Yield ``(X_batch, y_batch)`` pairs that cover ``(X, y)`` once.

    The same batches, in the same order, as ``X[idx], y[idx]`` for each
    ``idx`` of :func:`batches` with the same ``generator``, but cheaper:
    with ``shuffle`` the data are gathered in the epoch's order once (one
    copy of ``X`` and ``y`` per epoch, on their device) and every batch is
    a slice of that copy, a view; without ``shuffle`` the batches are views
    of ``X`` and ``y`` themselves. Gathering each batch instead costs one
    indexing operation per update (about 15-35 microseconds on a CPU,
    comparable to a small model's whole step).
    """
    if shuffle:
        order = epoch_order(len(X), True, generator, X.device)
        X, y = X[order], y[order]
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]


@torch.no_grad()
def evaluate(model, loss_fn, X, y, batch_size=None):
    """Mean loss of ``model`` on ``(X, y)`` as a Python float, without
    touching gradients.

    ``loss_fn`` must return a batch's mean loss (as in :func:`fit`); the
    batches (``batch_size`` samples each, default all of them) are weighted
    by their sizes, in the losses' dtype. Leaves ``model`` in ``eval()``
    mode.
    """
    model.eval()
    batch_size = batch_size or len(X)
    # Summed in the losses' own dtype (a float32 zero to start from would
    # round a float64 model's loss to float32).
    total = sum(loss_fn(model(X_batch), y_batch) * len(X_batch)
                for X_batch, y_batch in epoch_batches(X, y, batch_size,
                                                      shuffle=False))
    return (total / len(X)).item()


def fit(model, loss_fn, optimizer, X, y, *, num_epochs, batch_size=None,
        shuffle=True, valid_data=None, device=None, generator=None,
        progress=False):
    """Train ``model`` on ``(X, y)`` and return a :class:`History`.

    Args:
        model: an ``nn.Module``; moved to ``device`` in place (with any
            state the optimizer already holds, such as ``Adagrad``'s sums,
            which it makes in its constructor), and left in
            ``eval()`` mode if ``valid_data`` is given (``evaluate``
            switches it after every epoch), in ``train()`` mode otherwise.
        loss_fn: ``loss_fn(model(X_batch), y_batch)`` must return the *mean*
            loss of a batch as a 0-d tensor, as PyTorch's losses do.
        optimizer: a ``torch.optim.Optimizer`` over ``model``'s parameters
            whose ``step()`` needs no closure (``LBFGS`` is refused).
        X, y: tensors with the samples along dimension 0, ``len(X) ==
            len(y)``, any dtype the model and loss accept (e.g. float32
            ``X`` of shape ``(N, features)``; float or int64 ``y``); moved to
            ``device`` once. With ``shuffle`` each epoch also holds one
            shuffled copy of both (see :func:`epoch_batches`).
        num_epochs: passes over the data, an int >= 1.
        batch_size: samples per update, an int >= 1; ``None`` (default)
            means full-batch gradient descent, ``1`` per-sample SGD. The
            last batch of an epoch may be smaller.
        shuffle: visit the samples in a new random order each epoch
            (default ``True``), drawn on the CPU from ``generator`` (or
            PyTorch's global generator, which ``seed_everything`` seeds).
        valid_data: optional ``(X_valid, y_valid)``, evaluated after every
            epoch.
        device: where to train; default ``choose_device()``.
        progress: show a progress bar with the epoch loss.

    Returns a ``History``: ``loss`` (mean training loss of each epoch,
    weighted by batch size, float), ``step_loss`` (the loss of every
    update, on its batch, before that update), ``valid_loss`` (after each
    epoch, if ``valid_data``) and ``epoch_time`` (seconds per epoch).

    On a GPU the CPU waits for the device once per epoch (twice with
    ``valid_data``), never at every update; each call also waits a few
    times before the first epoch, while it checks and moves the model and
    the data (data it has already found finite, unchanged since, are not
    scanned again).

    Raises:
        TypeError, ValueError: bad arguments or data (named in the message),
            including float64 tensors for a device without float64 (MPS).
        TrainingDiverged: as soon as an epoch's loss is NaN or inf.
    """
    _check_args(model, loss_fn, optimizer, num_epochs, batch_size)
    _check_data(X, y)
    if valid_data is not None:
        _check_data(*valid_data, what="validation")
    device = torch.device(device) if device is not None else choose_device()
    _check_float64(device, model, X, y, valid_data)
    if not _all_on(model, device):
        model.to(device)
        _state_follows_params(optimizer)
    X, y = X.to(device), y.to(device)
    if valid_data is not None:
        valid_data = tuple(t.to(device) for t in valid_data)
    batch_size = batch_size or len(X)
    history = History()
    # No bar object at all unless asked for: even a disabled tqdm costs
    # about as much as a small model's training step.
    bar = (tqdm(total=num_epochs, desc="training", file=sys.stdout,
                bar_format=PROGRESS_FORMAT, ncols=72)
           if progress else contextlib.nullcontext())
    with bar:
        for epoch in range(1, num_epochs + 1):
            start = time.perf_counter()
            model.train()
            losses, sizes = [], []
            # Batches are views of the data, gathered in the epoch's order
            # at most once: no copy per update.
            for X_batch, y_batch in epoch_batches(X, y, batch_size, shuffle,
                                                  generator):
                loss = loss_fn(model(X_batch), y_batch)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.detach())
                sizes.append(len(X_batch))
            # One transfer per epoch instead of one per update; the rest
            # is arithmetic on a few Python floats (float64, exact copies
            # of the float32 losses), cheaper than more tensor operations.
            step_losses = torch.stack(losses).tolist()
            for step, value in enumerate(step_losses, start=1):
                if not math.isfinite(value):
                    raise _diverged(epoch, step, value, optimizer)
            epoch_loss = math.fsum(value * size for value, size
                                   in zip(step_losses, sizes)) / len(X)
            history.step_loss.extend(step_losses)
            history.loss.append(epoch_loss)
            if valid_data is not None:
                history.valid_loss.append(
                    evaluate(model, loss_fn, *valid_data))
            history.epoch_time.append(time.perf_counter() - start)
            if progress:
                bar.set_postfix(loss=f"{epoch_loss:.4g}", refresh=False)
                bar.update(1)
    return history


__all__ = ["History", "TrainingDiverged", "batches", "epoch_batches",
           "epoch_order", "evaluate", "fit"]
