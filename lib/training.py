"""A small, fast training loop: ``fit(model, loss_fn, optimizer, X, y, ...)``.

The data live in two tensors that are moved to the device once; mini-batches
are slices of them, indexed by an order that is drawn on the CPU (so that a
seeded generator gives the same batches on every device) and copied to the
device once per epoch. Losses stay on the device during an epoch and are
read back once per epoch. So on a GPU the CPU waits for the device once or
twice per epoch, never at every update (calling ``loss.item()`` each step,
or copying each batch's indices, would make it wait there).
"""

import inspect
import sys
import time
from dataclasses import dataclass, field

import torch
from torch import nn
from tqdm.std import tqdm

from .device import choose_device

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


def _check_data(X, y, what="training"):
    for name, t in (("X", X), ("y", y)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{what} {name} must be a torch.Tensor, "
                            f"not {type(t).__name__}")
        if t.ndim == 0:
            raise ValueError(f"{what} {name} must have a batch dimension")
        if t.is_floating_point() and not torch.isfinite(t).all():
            raise ValueError(f"{what} {name} contains NaN or inf values")
    if len(X) != len(y):
        raise ValueError(f"{what} X and y hold different numbers of "
                         f"samples: {len(X)} and {len(y)}")
    if len(X) == 0:
        raise ValueError(f"{what} data are empty")


def _check_args(model, loss_fn, optimizer, num_epochs, batch_size):
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, "
                        f"not {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError("loss_fn must be callable, e.g. nn.MSELoss()")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, "
                        f"not {type(optimizer).__name__}")
    closure = inspect.signature(optimizer.step).parameters.get("closure")
    if closure is not None and closure.default is inspect.Parameter.empty:
        raise TypeError(
            f"{type(optimizer).__name__}.step() needs a closure, which "
            "lib.fit does not pass: train such an optimizer with your own "
            "loop, calling optimizer.step(closure)")
    _check_positive_int("num_epochs", num_epochs)
    _check_positive_int("batch_size", batch_size, allow_none=True)


def _diverged(epoch, step, value, optimizer):
    lr = optimizer.param_groups[0].get("lr")
    return TrainingDiverged(
        f"Training diverged: the loss became {value} at epoch {epoch}, "
        f"update {step}. The parameters grew until the arithmetic "
        f"overflowed, which usually means the learning rate (lr={lr:g}) is "
        f"too large for this problem: try a smaller learning rate.")


def batches(num_samples, batch_size, shuffle, generator=None, device=None):
    """Yield index tensors (int64) that cover ``range(num_samples)`` once.

    The order is drawn on the CPU from ``generator`` (PyTorch's global one
    if ``None``), so it is the same for every device, and then moved to
    ``device`` (default: the CPU) in one copy; every batch is a slice of it.
    """
    order = (torch.randperm(num_samples, generator=generator) if shuffle
             else torch.arange(num_samples))
    if device is not None and torch.device(device).type == "cuda":
        # From pinned memory, non-blocking: the CPU does not wait for the
        # GPU to finish the previous epoch before queueing this one.
        order = order.pin_memory().to(device, non_blocking=True)
    elif device is not None:
        order = order.to(device)
    for start in range(0, num_samples, batch_size):
        yield order[start:start + batch_size]


@torch.no_grad()
def evaluate(model, loss_fn, X, y, batch_size=None):
    """Mean loss of ``model`` on ``(X, y)``, without touching gradients."""
    model.eval()
    batch_size = batch_size or len(X)
    total = torch.zeros((), device=X.device)
    for idx in batches(len(X), batch_size, shuffle=False, device=X.device):
        total += loss_fn(model(X[idx]), y[idx]) * len(idx)
    return (total / len(X)).item()


def fit(model, loss_fn, optimizer, X, y, *, num_epochs, batch_size=None,
        shuffle=True, valid_data=None, device=None, generator=None,
        progress=False):
    """Train ``model`` on ``(X, y)`` and return a :class:`History`.

    Args:
        model: an ``nn.Module``; moved to ``device`` in place, and left in
            ``eval()`` mode if ``valid_data`` is given (``evaluate``
            switches it after every epoch), in ``train()`` mode otherwise.
        loss_fn: ``loss_fn(model(X[idx]), y[idx])`` must return the *mean*
            loss of a batch as a 0-d tensor, as PyTorch's losses do.
        optimizer: a ``torch.optim.Optimizer`` over ``model``'s parameters
            whose ``step()`` needs no closure (``LBFGS`` is refused).
        X, y: tensors with the samples along dimension 0, ``len(X) ==
            len(y)``, any dtype the model and loss accept (e.g. float32
            ``X`` of shape ``(N, features)``; float or int64 ``y``); moved to
            ``device`` once.
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
    ``valid_data``), never at every update.

    Raises:
        TypeError, ValueError: bad arguments or data (named in the message).
        TrainingDiverged: as soon as an epoch's loss is NaN or inf.
    """
    _check_args(model, loss_fn, optimizer, num_epochs, batch_size)
    _check_data(X, y)
    if valid_data is not None:
        _check_data(*valid_data, what="validation")
    device = torch.device(device) if device is not None else choose_device()
    model.to(device)
    X, y = X.to(device), y.to(device)
    if valid_data is not None:
        valid_data = tuple(t.to(device) for t in valid_data)
    batch_size = batch_size or len(X)
    history = History()
    bar = tqdm(total=num_epochs, desc="training", disable=not progress,
               file=sys.stdout, bar_format=PROGRESS_FORMAT, ncols=72)
    with bar:
        for epoch in range(1, num_epochs + 1):
            start = time.perf_counter()
            model.train()
            losses, sizes = [], []
            # One copy of the epoch's order to the device, not one per batch.
            for idx in batches(len(X), batch_size, shuffle, generator,
                               device=device):
                loss = loss_fn(model(X[idx]), y[idx])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.detach())
                sizes.append(len(idx))
            # One transfer per epoch instead of one per update.
            # float64 only on the CPU: Apple's MPS has no float64.
            step_losses = torch.stack(losses).cpu().double()
            bad = (~torch.isfinite(step_losses)).nonzero()
            if len(bad):
                step = int(bad[0])
                raise _diverged(epoch, step + 1, step_losses[step].item(),
                                optimizer)
            weights = torch.tensor(sizes, dtype=torch.float64)
            epoch_loss = float((step_losses * weights).sum() / weights.sum())
            history.step_loss.extend(step_losses.tolist())
            history.loss.append(epoch_loss)
            if valid_data is not None:
                history.valid_loss.append(
                    evaluate(model, loss_fn, *valid_data))
            history.epoch_time.append(time.perf_counter() - start)
            bar.set_postfix(loss=f"{epoch_loss:.4g}", refresh=False)
            bar.update(1)
    return history


__all__ = ["History", "TrainingDiverged", "batches", "evaluate", "fit"]
