"""The CUDA path of lib. Runs only where a CUDA device is present."""

import pytest
import torch
from torch import nn

from lib.device import choose_device, describe_device
from lib.seeding import seed_everything
from lib.training import fit

pytestmark = [pytest.mark.gpu, pytest.mark.skipif(
    not torch.cuda.is_available(), reason="needs a CUDA device")]


def test_auto_picks_cuda():
    assert choose_device("auto").type == "cuda"
    assert describe_device(torch.device("cuda")).startswith("cuda (")


def test_fit_on_cuda_matches_cpu():
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(256, 4, generator=gen)
    y = X @ torch.tensor([[1.0], [-2.0], [0.5], [3.0]])
    results = {}
    for device in ("cpu", "cuda"):
        seed_everything(0)
        model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1))
        opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        history = fit(model, nn.MSELoss(), opt, X, y, num_epochs=5,
                      batch_size=32, device=device,
                      generator=torch.Generator().manual_seed(1))
        assert next(model.parameters()).device.type == device
        results[device] = history.loss
    assert results["cuda"] == pytest.approx(results["cpu"], rel=1e-4)



def test_fit_never_waits_for_the_gpu_inside_an_epoch(monkeypatch):
    """Every call that makes the CPU wait for the GPU raises while fit runs
    an epoch's updates (the epoch's one readback comes after them)."""
    import lib.training
    real_batches = lib.training.epoch_batches

    def strict_batches(*args, **kwargs):
        inner = real_batches(*args, **kwargs)
        torch.cuda.set_sync_debug_mode("error")
        try:
            yield from inner
        finally:
            torch.cuda.set_sync_debug_mode(0)

    X, y = torch.randn(256, 4), torch.randn(256, 1)
    model = nn.Linear(4, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    # Warm-up: CUDA's lazy initialisation synchronises.
    fit(model, nn.MSELoss(), opt, X, y, num_epochs=1, batch_size=32,
        device="cuda")
    monkeypatch.setattr(lib.training, "epoch_batches", strict_batches)
    fit(model, nn.MSELoss(), opt, X, y, num_epochs=2, batch_size=32,
        device="cuda")


def test_fit_moves_state_the_optimizer_made_before_the_move():
    # Adagrad makes its sums in its constructor, here on the CPU; fit moves
    # the model to CUDA, and the sums must follow or step() fails.
    model = nn.Linear(4, 1)
    opt = torch.optim.Adagrad(model.parameters(), lr=0.1)
    X, y = torch.randn(64, 4), torch.randn(64, 1)
    history = fit(model, nn.MSELoss(), opt, X, y, num_epochs=2,
                  batch_size=16, device="cuda")
    assert all(opt.state[p]["sum"].device.type == "cuda"
               for p in model.parameters())
    assert history.loss[1] < history.loss[0]
