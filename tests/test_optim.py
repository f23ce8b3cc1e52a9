"""lib.optim against torch.optim: same model, same batches, same trajectory.

Each test trains two identical small MLPs, one with ``lib.optim.X`` and one
with ``torch.optim.X(..., foreach=False)`` (PyTorch's plain per-tensor
loop), and asserts that the parameters and the optimizer state agree.
Gradients come from a real loss on the same mini-batches, so a wrong update
changes every gradient after it and the difference grows.
"""

import io
import math

import pytest
import torch
from torch import nn

import lib.optim

NUM_STEPS = 50
NUM_SAMPLES = 64
BATCH_SIZE = 16
NUM_FEATURES = 3
NUM_HIDDEN = 8
INIT_SCALE = 0.5
# float32. The updates are written op for op like PyTorch's and agree bit
# for bit on CPU; the slack allows a harmless reordering (m.lerp_(g, 0.1)
# vs m.mul_(0.9).add_(g, alpha=0.1) drifts ~2e-7 in 50 steps), while eps
# inside the square root instead of outside drifts ~1e-3.
TOL = dict(rtol=1e-5, atol=1e-6)

CASES = [
    ("SGD", "plain", dict(lr=0.1)),
    ("SGD", "momentum", dict(lr=0.05, momentum=0.9)),
    ("SGD", "dampening", dict(lr=0.05, momentum=0.9, dampening=0.5)),
    ("SGD", "nesterov", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", "nesterov+weight_decay",
     dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", "maximize", dict(lr=0.01, maximize=True)),
    ("SGD", "momentum+maximize",
     dict(lr=0.01, momentum=0.5, weight_decay=0.1, maximize=True)),
    ("Adagrad", "default", dict()),
    ("Adagrad", "lr_decay", dict(lr=0.1, lr_decay=0.05)),
    ("Adagrad", "initial_accumulator_value",
     dict(lr=0.1, initial_accumulator_value=0.5)),
    ("Adagrad", "weight_decay", dict(lr=0.1, weight_decay=0.1)),
    ("Adagrad", "eps", dict(lr=0.1, eps=1e-2)),
    ("Adagrad", "maximize", dict(maximize=True)),
    ("RMSprop", "default", dict()),
    ("RMSprop", "alpha", dict(alpha=0.9)),
    ("RMSprop", "centered", dict(centered=True)),
    ("RMSprop", "momentum", dict(lr=1e-3, momentum=0.9)),
    ("RMSprop", "centered+momentum+weight_decay",
     dict(lr=1e-3, centered=True, momentum=0.9, weight_decay=0.1)),
    ("RMSprop", "eps", dict(eps=1e-2)),
    ("RMSprop", "maximize", dict(lr=1e-3, maximize=True)),
    ("Adadelta", "default", dict()),
    ("Adadelta", "rho", dict(rho=0.5)),
    ("Adadelta", "weight_decay", dict(weight_decay=0.1)),
    ("Adadelta", "lr", dict(lr=0.1)),
    ("Adadelta", "eps", dict(eps=1e-3)),
    ("Adadelta", "maximize", dict(maximize=True)),
    ("Adam", "default", dict()),
    ("Adam", "lr", dict(lr=0.02)),
    ("Adam", "betas", dict(lr=0.01, betas=(0.8, 0.99))),
    ("Adam", "weight_decay", dict(lr=0.01, weight_decay=0.1)),
    ("Adam", "eps", dict(lr=0.01, eps=1e-2)),
    ("Adam", "amsgrad", dict(lr=0.01, amsgrad=True)),
    ("Adam", "amsgrad+weight_decay",
     dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    ("Adam", "maximize", dict(maximize=True)),
    ("AdamW", "default", dict()),
    ("AdamW", "amsgrad", dict(lr=0.01, amsgrad=True)),
    ("AdamW", "large_weight_decay", dict(lr=0.01, weight_decay=0.5)),
    ("AdamW", "maximize", dict(lr=0.01, maximize=True)),
]

# One setting per optimizer that creates every kind of state it has.
FULL_STATE = {
    "SGD": dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    "Adagrad": dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.1),
    "RMSprop": dict(lr=1e-3, centered=True, momentum=0.9),
    "Adadelta": dict(weight_decay=0.1),
    "Adam": dict(lr=0.01, amsgrad=True, weight_decay=0.1),
    "AdamW": dict(lr=0.01, amsgrad=True),
}
NAMES = list(FULL_STATE)


def case_id(case):
    name, label, _ = case
    return f"{name}-{label}"


def make_data():
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(NUM_SAMPLES, NUM_FEATURES, generator=gen)
    y = torch.sin(X).sum(dim=1, keepdim=True)
    return X, y


X, Y = make_data()


def make_model():
    """The same small MLP every call: 4 parameter tensors, 4 shapes."""
    model = nn.Sequential(nn.Linear(NUM_FEATURES, NUM_HIDDEN), nn.Tanh(),
                          nn.Linear(NUM_HIDDEN, 1))
    gen = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(INIT_SCALE * torch.randn(p.shape, generator=gen))
    return model


def batch(step):
    start = (step * BATCH_SIZE) % NUM_SAMPLES
    return X[start:start + BATCH_SIZE], Y[start:start + BATCH_SIZE]


def make_optimizer(kind, name, params, kwargs):
    if kind == "lib":
        return getattr(lib.optim, name)(params, **kwargs)
    return getattr(torch.optim, name)(params, **kwargs, foreach=False)


def train(model, optimizer, steps, before_step=None):
    for step in steps:
        if before_step is not None:
            before_step(step, optimizer)
        xb, yb = batch(step)
        optimizer.zero_grad()
        nn.functional.mse_loss(model(xb), yb).backward()
        optimizer.step()


def run(kind, name, kwargs, groups=None, before_step=None):
    """Train a fresh model for NUM_STEPS; ``groups(model)`` -> param groups."""
    model = make_model()
    params = groups(model) if groups else model.parameters()
    optimizer = make_optimizer(kind, name, params, kwargs)
    train(model, optimizer, range(NUM_STEPS), before_step)
    return model, optimizer


def assert_same(ours, theirs):
    """Same parameters and, key for key, the same optimizer state."""
    (model, optimizer), (ref_model, ref_optimizer) = ours, theirs
    for p, q in zip(model.parameters(), ref_model.parameters()):
        torch.testing.assert_close(p, q, **TOL)
        state = optimizer.state.get(p, {})
        ref_state = ref_optimizer.state.get(q, {})
        assert state.keys() == ref_state.keys()
        for key in ref_state:
            # assert_close also compares dtypes: the 0-d float32 ``step``.
            torch.testing.assert_close(state[key], ref_state[key], **TOL,
                                       msg=lambda m, key=key: f"{key}: {m}")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_trajectory_matches_torch(case):
    name, _, kwargs = case
    ours = run("lib", name, kwargs)
    assert_same(ours, run("torch", name, kwargs))
    moved = [not torch.equal(p, q) for p, q in
             zip(ours[0].parameters(), make_model().parameters())]
    assert all(moved), "some parameter never moved: the test shows nothing"


def test_every_optimizer_is_covered():
    assert {name for name, _, _ in CASES} == set(lib.optim.__all__)


# First layer and last layer with different hyperparameters.
GROUPS = {
    "SGD": (dict(lr=0.05, momentum=0.5),
            dict(lr=0.1, momentum=0.9, nesterov=True),
            dict(dampening=0.3, weight_decay=0.1)),
    "Adagrad": (dict(lr=0.1),
                dict(lr=0.05, lr_decay=0.1),
                dict(eps=1e-3, weight_decay=0.01)),
    "RMSprop": (dict(lr=1e-3),
                dict(centered=True, momentum=0.9),
                dict(lr=1e-2, alpha=0.9, weight_decay=0.1)),
    "Adadelta": (dict(),
                 dict(rho=0.5),
                 dict(lr=0.5, weight_decay=0.1, eps=1e-4)),
    "Adam": (dict(lr=1e-3),
             dict(amsgrad=True, betas=(0.8, 0.9)),
             dict(lr=1e-2, weight_decay=0.1, maximize=True)),
    "AdamW": (dict(lr=1e-3),
              dict(weight_decay=0.5),
              dict(lr=1e-2, amsgrad=True, eps=1e-3)),
}


@pytest.mark.parametrize("name", NAMES)
def test_param_groups_match_torch(name):
    defaults, first, last = GROUPS[name]

    def groups(model):
        return [dict(params=model[0].parameters(), **first),
                dict(params=model[2].parameters(), **last)]

    ours = run("lib", name, defaults, groups)
    assert_same(ours, run("torch", name, defaults, groups))
    assert len(ours[1].param_groups) == 2


def halve_lr_every_10_steps(step, optimizer):
    if step > 0 and step % 10 == 0:
        for group in optimizer.param_groups:
            group["lr"] /= 2


@pytest.mark.parametrize("name", NAMES)
def test_lr_changed_between_steps_matches_torch(name):
    kwargs = FULL_STATE[name]
    ours = run("lib", name, kwargs, before_step=halve_lr_every_10_steps)
    theirs = run("torch", name, kwargs, before_step=halve_lr_every_10_steps)
    assert_same(ours, theirs)
    assert ours[1].param_groups[0]["lr"] == kwargs.get(
        "lr", ours[1].defaults["lr"]) / 2 ** 4


def run_with_scheduler(kind, name, kwargs):
    model = make_model()
    optimizer = make_optimizer(kind, name, model.parameters(), kwargs)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10,
                                                gamma=0.5)
    for step in range(NUM_STEPS):
        train(model, optimizer, [step])
        scheduler.step()
    return model, optimizer


@pytest.mark.parametrize("name", NAMES)
def test_works_with_an_lr_scheduler(name):
    kwargs = FULL_STATE[name]
    ours = run_with_scheduler("lib", name, kwargs)
    assert_same(ours, run_with_scheduler("torch", name, kwargs))
    first_lr = kwargs.get("lr", ours[1].defaults["lr"])
    assert ours[1].param_groups[0]["lr"] == first_lr * 0.5 ** 5


def run_with_closure(kind, name, kwargs):
    model = make_model()
    optimizer = make_optimizer(kind, name, model.parameters(), kwargs)
    losses = []
    for step in range(NUM_STEPS):
        xb, yb = batch(step)

        def closure():
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(xb), yb)
            loss.backward()
            return loss

        losses.append(optimizer.step(closure))
    return (model, optimizer), torch.stack(losses)


@pytest.mark.parametrize("name", NAMES)
def test_step_with_closure_returns_the_loss(name):
    kwargs = FULL_STATE[name]
    ours, losses = run_with_closure("lib", name, kwargs)
    theirs, ref_losses = run_with_closure("torch", name, kwargs)
    assert_same(ours, theirs)
    torch.testing.assert_close(losses, ref_losses, **TOL)


def test_step_without_closure_returns_none():
    model = make_model()
    optimizer = lib.optim.SGD(model.parameters(), lr=0.1)
    assert optimizer.step() is None


def save(model, optimizer):
    """A checkpoint as a file would hold it, sharing no tensors."""
    buffer = io.BytesIO()
    torch.save(dict(model=model.state_dict(),
                    optimizer=optimizer.state_dict()), buffer)
    buffer.seek(0)
    return torch.load(buffer)


@pytest.mark.parametrize("first, second", [
    ("lib", "lib"), ("lib", "torch"), ("torch", "lib")])
@pytest.mark.parametrize("name", NAMES)
def test_state_dict_round_trip(name, first, second):
    """20 steps, save, load into a fresh optimizer, 20 more == 40 at once."""
    kwargs = FULL_STATE[name]
    half = NUM_STEPS // 2
    model = make_model()
    optimizer = make_optimizer(first, name, model.parameters(), kwargs)
    train(model, optimizer, range(half))
    checkpoint = save(model, optimizer)

    model = make_model()
    model.load_state_dict(checkpoint["model"])
    # Different hyperparameters on purpose: loading must restore them.
    optimizer = make_optimizer(second, name, model.parameters(), dict())
    optimizer.load_state_dict(checkpoint["optimizer"])
    train(model, optimizer, range(half, 2 * half))

    uninterrupted = make_model()
    ref_optimizer = make_optimizer("lib", name, uninterrupted.parameters(),
                                   kwargs)
    train(uninterrupted, ref_optimizer, range(2 * half))
    assert_same((model, optimizer), (uninterrupted, ref_optimizer))


SPARSE = ["SGD", "Adagrad"]  # the classes torch.optim lets take them


def sparse_run(kind, name, kwargs, num_steps=5):
    """An nn.Embedding with sparse gradients, some rows looked up twice."""
    torch.manual_seed(0)
    embedding = nn.Embedding(6, 3, sparse=True)
    optimizer = make_optimizer(kind, name, embedding.parameters(), kwargs)
    for step in range(num_steps):
        rows = torch.tensor([step % 6, (2 * step) % 6, step % 6])
        optimizer.zero_grad()
        (embedding(rows) ** 2).sum().backward()
        assert embedding.weight.grad.is_sparse
        optimizer.step()
    return embedding.weight.detach(), optimizer


@pytest.mark.parametrize("name, kwargs", [
    ("SGD", dict(lr=0.1)), ("SGD", dict(lr=0.1, maximize=True)),
    ("Adagrad", dict(lr=0.5)), ("Adagrad", dict(lr=0.5, lr_decay=0.1)),
    ("Adagrad", dict(lr=0.5, initial_accumulator_value=0.2)),
    # lr 1-element 1-d, as torch.optim squeezed to 0-d before the update.
    ("SGD", dict(lr=torch.tensor([0.1]))),
    ("Adagrad", dict(lr=torch.tensor([0.5]), lr_decay=torch.tensor(0.1)))])
def test_sparse_gradients_match_torch(name, kwargs):
    ours, optimizer = sparse_run("lib", name, kwargs)
    theirs, ref_optimizer = sparse_run("torch", name, kwargs)
    torch.testing.assert_close(ours, theirs, rtol=0, atol=0)
    for p, q in zip(optimizer.state.values(), ref_optimizer.state.values()):
        assert p.keys() == q.keys()
        for key in p:
            torch.testing.assert_close(p[key], q[key], rtol=0, atol=0)


def test_sparse_gradients_with_weight_decay_are_refused_as_in_torch():
    for kind in ("lib", "torch"):
        with pytest.raises(RuntimeError, match="^weight_decay option is "
                           "not compatible with sparse gradients$"):
            sparse_run(kind, "Adagrad", dict(weight_decay=0.1))


@pytest.mark.parametrize("name", [n for n in NAMES if n not in SPARSE])
def test_sparse_gradients_are_refused_with_torchs_message(name):
    dense = nn.Linear(2, 2)
    embedding = nn.Embedding(4, 2, sparse=True)
    (dense(embedding(torch.tensor([0, 2])))).sum().backward()
    before = [p.detach().clone() for p in (dense.weight, dense.bias,
                                           embedding.weight)]
    # The dense parameters come first in the group: none may move.
    params = [dense.weight, dense.bias, embedding.weight]
    messages = []
    for module in (lib.optim, torch.optim):
        optimizer = getattr(module, name)(params)
        with pytest.raises(RuntimeError, match="does not support sparse") as e:
            optimizer.step()
        messages.append(str(e.value))
        for p, q in zip(params, before):
            assert torch.equal(p, q)
    assert messages[0] == messages[1]


def test_complex_adam_works_on_real_and_imaginary_parts():
    """The issue's case: two Adam(lr=0.1) steps, gradient 1 + 1j."""
    results = []
    for module in (lib.optim, torch.optim):
        w = torch.tensor([1 + 1j], requires_grad=True)
        optimizer = module.Adam([w], lr=0.1)
        for _ in range(2):
            w.grad = torch.tensor([1 + 1j])
            optimizer.step()
        results.append(w.detach())
    torch.testing.assert_close(results[0], torch.tensor([0.8 + 0.8j]))
    assert torch.equal(results[0], results[1])


def test_adamw_state_into_adam_stays_decoupled():
    """The issue's case: AdamW(lr=0.1, weight_decay=0.5) state loaded into
    Adam, zero gradient, one step: 1.0 -> 0.95 (L2 would give 0.90)."""
    results = []
    for module in (lib.optim, torch.optim):
        w = torch.tensor([1.0], requires_grad=True)
        state = module.AdamW([w], lr=0.1, weight_decay=0.5).state_dict()
        optimizer = module.Adam([w])
        optimizer.load_state_dict(state)
        w.grad = torch.zeros(1)
        optimizer.step()
        results.append(w.item())
    assert results[0] == results[1]
    assert math.isclose(results[0], 0.95, rel_tol=1e-6)


def test_adam_decoupled_weight_decay_is_adamw():
    kwargs = dict(lr=0.01, weight_decay=0.3)
    ours = run("lib", "Adam", dict(kwargs, decoupled_weight_decay=True))
    theirs = run("lib", "AdamW", kwargs)
    for p, q in zip(ours[0].parameters(), theirs[0].parameters()):
        assert torch.equal(p, q)


def test_adagrad_state_exists_from_the_start_and_can_be_shared():
    model = make_model()
    for module in (lib.optim, torch.optim):
        optimizer = module.Adagrad(model.parameters(),
                                   initial_accumulator_value=0.3)
        for p in model.parameters():
            assert torch.equal(optimizer.state[p]["sum"],
                               torch.full_like(p, 0.3))
        optimizer.share_memory()
        assert all(optimizer.state[p]["sum"].is_shared()
                   for p in model.parameters())
    ours = lib.optim.Adagrad(model.parameters()).state_dict()
    theirs = torch.optim.Adagrad(model.parameters()).state_dict()
    assert ours["param_groups"] == theirs["param_groups"]
    assert ours["state"].keys() == theirs["state"].keys()


@pytest.mark.parametrize("default_value", [0, 1.0])
def test_adagrad_sums_start_at_the_constructors_value_as_in_torch(
        default_value):
    """torch.optim.Adagrad ignores a group's own initial_accumulator_value,
    for a group given to the constructor and for one added later with
    add_param_group (_init_group fills the sum from self.defaults at the
    group's first step); lib does the same, step for step."""
    runs = []
    for kind in ("lib", "torch"):
        model = make_model()
        optimizer = make_optimizer(kind, "Adagrad", [dict(
            params=model[0].parameters(), initial_accumulator_value=0.3)],
            dict(lr=0.1, initial_accumulator_value=default_value))
        optimizer.add_param_group(dict(params=model[2].parameters(),
                                       initial_accumulator_value=0.5))
        train(model, optimizer, range(NUM_STEPS))
        runs.append((model, optimizer))
    assert_same(*runs)

    # One step with gradient 1: the added group's sum is default + 1.
    for module in (lib.optim, torch.optim):
        w = torch.zeros(1, requires_grad=True)
        optimizer = module.Adagrad(
            [torch.zeros(1, requires_grad=True)],
            initial_accumulator_value=default_value)
        optimizer.add_param_group(dict(params=[w],
                                       initial_accumulator_value=0.5))
        w.sum().backward()
        optimizer.step()
        assert optimizer.state[w]["sum"].item() == default_value + 1


def test_sgd_takes_a_tensor_lr_as_torch_does():
    """The issue's case: SGD(params, lr=torch.tensor(0.01))."""
    kwargs = dict(lr=torch.tensor(0.01), momentum=0.9)
    ours, theirs = run("lib", "SGD", kwargs), run("torch", "SGD", kwargs)
    for p, q in zip(ours[0].parameters(), theirs[0].parameters()):
        assert torch.equal(p, q)
