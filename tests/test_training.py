import copy
import math

import pytest
import torch
from torch import nn

from lib.seeding import seed_everything
import lib.optim
import lib.training
from lib.training import (History, TrainingDiverged, _all_finite,
                          _state_follows_params, batches, epoch_batches,
                          epoch_order, evaluate, fit)


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


def test_divergence_names_the_first_bad_update():
    # The check runs once per epoch, on the read-back losses; it must still
    # name the first update whose loss was not finite, counted within its
    # epoch. Calls 7 and 8 of the loss (epoch 3 of 3 updates) give NaN.
    calls = []

    def loss_fn(output, target):
        calls.append(1)
        loss = nn.functional.mse_loss(output, target)
        return loss * math.nan if len(calls) in (7, 8) else loss

    model = nn.Linear(2, 1)
    with pytest.raises(TrainingDiverged, match=r"became nan at epoch 3, "
                                               r"update 1\."):
        fit(model, loss_fn, torch.optim.SGD(model.parameters(), lr=0.0),
            torch.randn(10, 2), torch.randn(10, 1), num_epochs=5,
            batch_size=4, device="cpu")
    assert len(calls) == 9  # the epoch ran to its end, then fit stopped


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


def test_fit_shuffles_differently_every_epoch():
    # A model that records the batches it sees: X holds each sample's index,
    # so the inputs show the order in which fit visited the samples.
    class Recorder(nn.Linear):
        seen = []

        def forward(self, x):
            self.seen.append(x[:, 0].long().tolist())
            return super().forward(x)

    X = torch.arange(20.0).repeat(2, 1).T
    model = Recorder(2, 1)
    fit(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.0),
        X, torch.zeros(20, 1), num_epochs=3, batch_size=5,
        generator=torch.Generator().manual_seed(0), device="cpu")
    epochs = [sum(model.seen[i:i + 4], []) for i in (0, 4, 8)]
    assert [len(batch) for batch in model.seen] == [5] * 12
    assert all(sorted(order) == list(range(20)) for order in epochs)
    assert epochs[0] != list(range(20))  # not the identity order
    assert len({tuple(order) for order in epochs}) == 3


def test_fit_visits_the_samples_in_order_without_shuffle():
    class Recorder(nn.Linear):
        seen = []

        def forward(self, x):
            self.seen.append(x[:, 0].long().tolist())
            return super().forward(x)

    X = torch.arange(10.0).repeat(2, 1).T
    model = Recorder(2, 1)
    fit(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.0),
        X, torch.zeros(10, 1), num_epochs=2, batch_size=4, shuffle=False,
        device="cpu")
    assert model.seen == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]] * 2


def test_epoch_batches_are_the_indexed_batches_as_views():
    X, y = torch.randn(10, 3), torch.arange(10)
    for shuffle in (False, True):
        expected = [(X[idx], y[idx]) for idx in batches(
            10, 4, shuffle, torch.Generator().manual_seed(5))]
        got = list(epoch_batches(X, y, 4, shuffle,
                                 torch.Generator().manual_seed(5)))
        assert len(got) == len(expected) == 3
        for (xb, yb), (xe, ye) in zip(got, expected):
            assert torch.equal(xb, xe) and torch.equal(yb, ye)
        # Views of one tensor: X itself, or one gathered copy per epoch.
        bases = {xb.untyped_storage().data_ptr() for xb, _ in got}
        assert len(bases) == 1
        assert (X.untyped_storage().data_ptr() in bases) is not shuffle


def test_epoch_order_on_another_device_is_the_cpu_order():
    on_cpu = epoch_order(10, True, torch.Generator().manual_seed(2))
    moved = epoch_order(10, True, torch.Generator().manual_seed(2),
                        device="meta")
    assert moved.device.type == "meta" and moved.shape == on_cpu.shape
    assert sorted(on_cpu.tolist()) == list(range(10))
    assert epoch_order(4, False).tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64,
                                   torch.float16, torch.bfloat16,
                                   torch.complex64])
def test_all_finite_finds_every_kind_of_bad_value(dtype):
    good = torch.linspace(-3, 3, 12).to(dtype).reshape(3, 4)
    assert _all_finite(good)
    for bad in (math.nan, math.inf, -math.inf):
        for where in ((0, 0), (1, 2), (2, 3)):
            t = good.clone()
            t[where] = bad
            assert not _all_finite(t), (bad, where)
    if dtype.is_complex:
        t = good.clone()
        t[1, 1] = complex(0, math.inf)  # only the imaginary part
        assert not _all_finite(t)


def test_all_finite_scans_again_only_after_a_change(monkeypatch):
    scans = []
    real = torch.aminmax
    monkeypatch.setattr(torch, "aminmax",
                        lambda t: scans.append(1) or real(t))
    X = torch.randn(6, 2)
    assert _all_finite(X) and _all_finite(X)
    assert len(scans) == 1                  # unchanged: not scanned again
    X[1:3].mul_(2)                          # in place, through a view
    assert _all_finite(X) and len(scans) == 2
    view = X[4:]
    assert _all_finite(view)
    X[5, 1] = math.nan                      # the base changes the view
    assert not _all_finite(view) and not _all_finite(X)
    assert not _all_finite(X) and len(scans) == 6   # bad: never cached
    fresh = X.nan_to_num()
    assert _all_finite(fresh)


def test_evaluate_keeps_a_float64_models_precision():
    torch.manual_seed(0)
    model = nn.Linear(2, 1, dtype=torch.float64)
    X = torch.randn(10, 2, dtype=torch.float64)
    y = torch.randn(10, 1, dtype=torch.float64)
    with torch.no_grad():
        direct = nn.functional.mse_loss(model(X), y).item()
        halves = [nn.functional.mse_loss(model(X[i:i + 5]), y[i:i + 5])
                  for i in (0, 5)]
    assert math.isclose(evaluate(model, nn.MSELoss(), X, y), direct,
                        rel_tol=1e-14)
    # batches of 4, 4 and 2, weighted by size
    assert math.isclose(evaluate(model, nn.MSELoss(), X, y, batch_size=4),
                        direct, rel_tol=1e-14)
    assert math.isclose(sum(h.item() for h in halves) / 2, direct,
                        rel_tol=1e-14)


def test_fit_refuses_data_that_became_nan_since_the_last_call():
    X, y = torch.randn(8, 2), torch.randn(8, 1)
    model = nn.Linear(2, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    fit(model, nn.MSELoss(), opt, X, y, num_epochs=1, device="cpu")
    y[3] = math.inf
    with pytest.raises(ValueError, match="training y contains NaN or inf"):
        fit(model, nn.MSELoss(), opt, X, y, num_epochs=1, device="cpu")


def test_fit_moves_the_model_unless_all_of_it_is_there(monkeypatch):
    # fit skips model.to when every parameter and buffer is already on the
    # device; one tensor elsewhere, even an unused buffer, means a move.
    moves = []
    monkeypatch.setattr(nn.Module, "to",
                        lambda self, *args: moves.append(args) or self)
    model = nn.Linear(2, 1)
    data = torch.randn(8, 2), torch.randn(8, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    fit(model, nn.MSELoss(), opt, *data, num_epochs=1, device="cpu")
    assert moves == []
    model.register_buffer("elsewhere", torch.zeros(1, device="meta"))
    fit(model, nn.MSELoss(), opt, *data, num_epochs=1, device="cpu")
    assert moves == [(torch.device("cpu"),)]


@pytest.mark.parametrize("make", [torch.optim.Adagrad, lib.optim.Adagrad])
def test_state_made_before_a_move_follows_the_parameters(make):
    # Adagrad makes its sums in its constructor. A change of dtype stands
    # in for a change of device here (both replace each parameter's data
    # in place); the GPU test moves to CUDA.
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    opt = make(model.parameters(), lr=0.1, initial_accumulator_value=0.5)
    model.double()
    _state_follows_params(opt)
    reference = copy.deepcopy(model)
    fresh = torch.optim.Adagrad(reference.parameters(), lr=0.1,
                                initial_accumulator_value=0.5)
    X, y = torch.randn(8, 3, dtype=torch.float64), torch.randn(
        8, 1, dtype=torch.float64)
    for _ in range(3):
        for m, o in ((model, opt), (reference, fresh)):
            o.zero_grad()
            nn.functional.mse_loss(m(X), y).backward()
            o.step()
    for p, q in zip(model.parameters(), reference.parameters()):
        assert opt.state[p]["sum"].dtype == torch.float64
        assert torch.equal(opt.state[p]["sum"], fresh.state[q]["sum"])
        assert torch.equal(p, q)


def test_fit_moves_the_optimizer_state_with_the_model(monkeypatch):
    calls = []
    real = lib.training._state_follows_params
    monkeypatch.setattr(lib.training, "_state_follows_params",
                        lambda opt: calls.append(opt) or real(opt))
    model = nn.Linear(2, 1)
    opt = torch.optim.Adagrad(model.parameters(), lr=0.1)
    data = torch.randn(8, 2), torch.randn(8, 1)
    fit(model, nn.MSELoss(), opt, *data, num_epochs=1, device="cpu")
    assert calls == []                      # nothing moved
    model.register_buffer("elsewhere", torch.zeros(1, device="meta"))
    monkeypatch.setattr(nn.Module, "to", lambda self, *args: self)
    fit(model, nn.MSELoss(), opt, *data, num_epochs=1, device="cpu")
    assert calls == [opt]


def test_mode_fit_leaves_the_model_in_as_documented():
    for valid, expect_training in ((False, True), (True, False)):
        model = nn.Linear(2, 1)
        valid_data = (torch.randn(4, 2), torch.randn(4, 1)) if valid else None
        fit(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1),
            torch.randn(8, 2), torch.randn(8, 1), num_epochs=1,
            valid_data=valid_data, device="cpu")
        assert model.training is expect_training
