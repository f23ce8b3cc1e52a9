import math

import pytest
import torch
from torch import nn

from lib.seeding import seed_everything
from lib.training import History, TrainingDiverged, batches, evaluate, fit


def line_data(n=64):
    """y = 3x - 1 plus a little noise: a problem any optimizer solves."""
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(n, 1, generator=gen)
    y = 3 * X - 1 + 0.01 * torch.randn(n, 1, generator=gen)
    return X, y


def make_run(lr=0.1):
    seed_everything(0)
    model = nn.Linear(1, 1)
    return model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=lr)


def test_fit_learns_a_line():
    X, y = line_data()
    model, loss_fn, opt = make_run()
    history = fit(model, loss_fn, opt, X, y, num_epochs=30, batch_size=8,
                  device="cpu")
    assert isinstance(history, History)
    assert history.loss[-1] < 1e-3 < history.loss[0]
    assert model.weight.item() == pytest.approx(3, abs=0.01)
    assert model.bias.item() == pytest.approx(-1, abs=0.01)


def test_history_counts_updates_and_epochs():
    X, y = line_data(n=10)
    model, loss_fn, opt = make_run()
    history = fit(model, loss_fn, opt, X, y, num_epochs=3, batch_size=4,
                  device="cpu")
    # 10 samples in batches of 4: 4 + 4 + 2, three updates per epoch.
    assert history.num_steps == 9
    assert len(history.loss) == len(history.epoch_time) == 3


def test_epoch_loss_weights_the_partial_batch():
    X, y = line_data(n=10)
    model, loss_fn, opt = make_run(lr=0.0)  # lr 0: the loss stays fixed
    history = fit(model, loss_fn, opt, X, y, num_epochs=1, batch_size=4,
                  shuffle=False, device="cpu")
    assert history.loss[0] == pytest.approx(loss_fn(model(X), y).item())


def test_full_batch_equals_hand_written_gradient_descent():
    X, y = line_data()
    model, loss_fn, opt = make_run()
    fit(model, loss_fn, opt, X, y, num_epochs=5, device="cpu")
    seed_everything(0)
    twin = nn.Linear(1, 1)
    for _ in range(5):
        twin.zero_grad()
        loss_fn(twin(X), y).backward()
        with torch.no_grad():
            for p in twin.parameters():
                p -= 0.1 * p.grad
    torch.testing.assert_close(model.weight, twin.weight)
    torch.testing.assert_close(model.bias, twin.bias)


def test_same_seed_same_run():
    X, y = line_data()
    runs = []
    for _ in range(2):
        model, loss_fn, opt = make_run()
        runs.append(fit(model, loss_fn, opt, X, y, num_epochs=3,
                        batch_size=5, device="cpu").step_loss)
    assert runs[0] == runs[1]


def test_generator_controls_shuffling():
    first = [b.tolist() for b in batches(
        10, 3, True, torch.Generator().manual_seed(1))]
    again = [b.tolist() for b in batches(
        10, 3, True, torch.Generator().manual_seed(1))]
    assert first == again
    assert sorted(sum(first, [])) == list(range(10))


def test_validation_loss_recorded():
    X, y = line_data()
    model, loss_fn, opt = make_run()
    history = fit(model, loss_fn, opt, X, y, num_epochs=2, device="cpu",
                  valid_data=(X[:8], y[:8]))
    assert len(history.valid_loss) == 2
    assert history.valid_loss[-1] == pytest.approx(
        evaluate(model, loss_fn, X[:8], y[:8]))


def test_divergence_stops_with_a_clear_message():
    X, y = line_data()
    model, loss_fn, opt = make_run(lr=10.0)
    with pytest.raises(TrainingDiverged) as info:
        fit(model, loss_fn, opt, X, y, num_epochs=200, device="cpu")
    message = str(info.value)
    assert "loss became" in message
    assert "lr=10" in message
    assert "smaller learning rate" in message


def test_divergence_is_a_floating_point_error():
    assert issubclass(TrainingDiverged, FloatingPointError)


def test_progress_bar_shows_final_loss(capsys):
    X, y = line_data()
    model, loss_fn, opt = make_run()
    history = fit(model, loss_fn, opt, X, y, num_epochs=4, device="cpu",
                  progress=True)
    out = capsys.readouterr().out
    assert "4/4" in out
    assert f"loss={history.loss[-1]:.4g}" in out
    assert "it/s" not in out  # no timing: output is the same every run


def test_no_progress_bar_by_default(capsys):
    X, y = line_data()
    fit(*make_run(), X, y, num_epochs=2, device="cpu")
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("kwargs, error, pattern", [
    (dict(num_epochs=0), ValueError, "Invalid num_epochs: 0"),
    (dict(num_epochs=2.5), TypeError, "num_epochs must be an int"),
    (dict(num_epochs=True), TypeError, "num_epochs must be an int"),
    (dict(num_epochs=1, batch_size=0), ValueError, "Invalid batch_size: 0"),
    (dict(num_epochs=1, batch_size="8"), TypeError,
     "batch_size must be an int"),
])
def test_bad_loop_settings(kwargs, error, pattern):
    X, y = line_data()
    with pytest.raises(error, match=pattern):
        fit(*make_run(), X, y, device="cpu", **kwargs)


def test_bad_objects():
    X, y = line_data()
    model, loss_fn, opt = make_run()
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        fit(lambda x: x, loss_fn, opt, X, y, num_epochs=1)
    with pytest.raises(TypeError, match="loss_fn must be callable"):
        fit(model, "mse", opt, X, y, num_epochs=1)
    with pytest.raises(TypeError, match="optimizer must be a torch.optim"):
        fit(model, loss_fn, [0.1], X, y, num_epochs=1)


def test_bad_data():
    X, y = line_data()
    with pytest.raises(TypeError, match="X must be a torch.Tensor"):
        fit(*make_run(), X.tolist(), y, num_epochs=1)
    with pytest.raises(ValueError, match="different numbers of samples"):
        fit(*make_run(), X, y[:-1], num_epochs=1)
    with pytest.raises(ValueError, match="empty"):
        fit(*make_run(), X[:0], y[:0], num_epochs=1)
    bad = X.clone()
    bad[3] = math.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        fit(*make_run(), bad, y, num_epochs=1)
    with pytest.raises(TypeError, match="validation y"):
        fit(*make_run(), X, y, num_epochs=1, valid_data=(X, y[:, 0].tolist()))


def test_closure_only_optimizers_are_refused_up_front():
    model = nn.Linear(2, 1)
    with pytest.raises(TypeError, match=r"^LBFGS\.step\(\) needs a closure"):
        fit(model, nn.MSELoss(), torch.optim.LBFGS(model.parameters()),
            torch.randn(4, 2), torch.randn(4, 1), num_epochs=1)


def test_batches_moves_the_order_once_and_keeps_it():
    on_cpu = [b.tolist() for b in batches(
        10, 4, True, torch.Generator().manual_seed(3))]
    moved = list(batches(10, 4, True, torch.Generator().manual_seed(3),
                         device="meta"))
    assert [b.device.type for b in moved] == ["meta"] * 3
    assert [len(b) for b in moved] == [len(b) for b in on_cpu] == [4, 4, 2]
    # Slices of one tensor: the epoch's order was copied once.
    base = moved[0].untyped_storage().data_ptr()
    assert all(b.untyped_storage().data_ptr() == base for b in moved)


def test_fit_shuffles_differently_every_epoch(monkeypatch):
    seen = []
    real_batches = batches

    def recording(*args, **kwargs):
        order = list(real_batches(*args, **kwargs))
        seen.append(torch.cat(order).tolist())
        return iter(order)

    monkeypatch.setattr("lib.training.batches", recording)
    model = nn.Linear(2, 1)
    fit(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.01),
        torch.randn(20, 2), torch.randn(20, 1), num_epochs=3, batch_size=5,
        generator=torch.Generator().manual_seed(0), device="cpu")
    assert all(sorted(order) == list(range(20)) for order in seen)
    assert seen[0] != list(range(20))  # not the identity order
    assert len({tuple(order) for order in seen}) == 3


def test_mode_fit_leaves_the_model_in_as_documented():
    for valid, expect_training in ((False, True), (True, False)):
        model = nn.Linear(2, 1)
        valid_data = (torch.randn(4, 2), torch.randn(4, 1)) if valid else None
        fit(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1),
            torch.randn(8, 2), torch.randn(8, 1), num_epochs=1,
            valid_data=valid_data, device="cpu")
        assert model.training is expect_training
