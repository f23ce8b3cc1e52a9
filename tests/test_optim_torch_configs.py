"""lib.optim through torch.optim's own test configurations.

PyTorch tests its optimizers (``test/test_optim.py``) on the settings listed
for each class in ``torch.testing._internal.common_optimizers.optim_db``:
``optim_inputs_func`` gives the keyword arguments worth trying (tensor lr,
maximize, amsgrad, centered, ...) and ``optim_error_inputs_func`` the bad
inputs with the errors they must raise. Here every lib.optim class runs
each of its twin's settings beside ``torch.optim`` (its for-loop
implementation, ``foreach=False``) and must agree with it exactly:

- in float32, float64 and complex64;
- with numbers given as tensors: lr 1-element but 1-d, the others 0-d;
- with two parameter groups, one of them at half the learning rate;
- through a step where one parameter has no gradient, and a change of
  every group's learning rate half-way;
- with gradients that ``zero_grad()`` sets to ``None``, that it zeroes in
  place (``set_to_none=False``), and that accumulate over two backward
  passes: a buffer that shares memory with ``param.grad`` fails the last
  two;
- and with state_dicts exchanged both ways, including ones as older
  PyTorch versions wrote them.

``common_optimizers`` needs the ``expecttest`` package (a test dependency).
"""

import copy

import pytest
import torch
from torch.testing._internal.common_optimizers import (OptimizerErrorEnum,
                                                       optim_db)

import lib.optim

NAMES = lib.optim.__all__
INFO = {info.optim_cls.__name__: info for info in optim_db
        if info.optim_cls.__name__ in NAMES}
DTYPES = [torch.float32, torch.float64, torch.complex64]
GRAD_MODES = ["set_to_none", "zeroed_in_place", "accumulated"]
NUM_STEPS = 10
MISSING_GRAD_STEP = 3  # the bias has no gradient at this step
LR_CHANGE_STEP = 6  # every group's lr halves before this step

# Settings PyTorch's list leaves out, added here.
EXTRA_INPUTS = {
    "SGD": [dict(lr=0.05, momentum=0.9, nesterov=True),
            dict(lr=torch.tensor(0.01), momentum=0.5, dampening=0.3)],
    "Adam": [dict(lr=0.01, weight_decay=0.3, decoupled_weight_decay=True),
             dict(lr=0.01, betas=(torch.tensor(0.8), torch.tensor(0.99))),
             dict(lr=torch.tensor(0.01), amsgrad=True)],
    "AdamW": [dict(lr=torch.tensor(0.01), weight_decay=0.5)],
    "RMSprop": [dict(lr=torch.tensor(0.01), centered=True)],
    "Adadelta": [dict(lr=torch.tensor(0.5), rho=0.5)],
    "Adagrad": [dict(lr=0.1, lr_decay=0.1, initial_accumulator_value=0.5)],
}


def as_tensors(lr, **others):
    """lr as a 1-element 1-d tensor, which torch.optim squeezes to 0-d
    inside each update function (``_to_scalar``,
    torch/optim/optimizer.py), and the other floats as 0-d tensors, which
    it passes on as they are."""
    return dict(lr=torch.tensor([lr]),
                **{key: torch.tensor(value) if isinstance(value, float)
                   else value for key, value in others.items()})


# Every number a tensor at once, through all the checks below.
TENSOR_INPUTS = {
    "SGD": [as_tensors(0.05, momentum=0.9, nesterov=True),
            as_tensors(0.05, momentum=0.9, dampening=0.1,
                       weight_decay=0.1)],
    "Adam": [as_tensors(0.01, betas=(torch.tensor([0.8]),
                                     torch.tensor(0.99)),
                        eps=1e-8, weight_decay=0.1, amsgrad=True)],
    "AdamW": [as_tensors(0.01, eps=1e-8, weight_decay=0.5)],
    "RMSprop": [as_tensors(0.01, alpha=0.9, eps=1e-8, weight_decay=0.1,
                           momentum=0.5, centered=True)],
    "Adadelta": [as_tensors(0.5, rho=0.9, eps=1e-6, weight_decay=0.1)],
    "Adagrad": [as_tensors(0.1, lr_decay=0.1, weight_decay=0.1,
                           initial_accumulator_value=0.5, eps=1e-10)],
}


def settings(name):
    """(id, kwargs) for every optim_db input of ``name``, and the extras."""
    inputs = INFO[name].optim_inputs_func(device="cpu", dtype=torch.float32)
    found = [(f"{name}-{i.desc}", i.kwargs) for i in inputs]
    found += [(f"{name}-extra{k}", kwargs)
              for k, kwargs in enumerate(EXTRA_INPUTS.get(name, []))]
    found += [(f"{name}-tensors{k}", kwargs)
              for k, kwargs in enumerate(TENSOR_INPUTS[name])]
    return found


SETTINGS = [setting for name in NAMES for setting in settings(name)]


def make_optimizer(kind, name, params, kwargs):
    """torch.optim's for-loop implementation, asked for by name, or lib's
    (which has no other, and accepts ``foreach=False``)."""
    module = lib.optim if kind == "lib" else torch.optim
    return getattr(module, name)(params, **kwargs, foreach=False)


def make_params(dtype):
    gen = torch.Generator().manual_seed(0)
    weight = torch.randn(3, 2, generator=gen).to(dtype)
    bias = torch.randn(3, generator=gen).to(dtype)
    if dtype.is_complex:
        weight = weight + 1j * torch.randn(3, 2, generator=gen)
        bias = bias + 1j * torch.randn(3, generator=gen)
    return [weight.requires_grad_(), bias.requires_grad_()]


def loss_fn(params, step):
    """A real loss of real or complex parameters, different at each step."""
    weight, bias = params
    gen = torch.Generator().manual_seed(100 + step)
    x = torch.randn(2, 4, generator=gen).to(weight.dtype)
    out = weight @ x + bias[:, None]
    return (out.abs() ** 2).mean() + 0.1 * (weight.abs() ** 4).sum()


def groups(params, kwargs):
    """Two groups: the weight at the setting's lr, the bias at half of it."""
    lr = kwargs.get("lr", None)
    second = {"params": [params[1]]}
    if lr is not None:
        second["lr"] = lr * 0.5
    return [{"params": [params[0]]}, second]


def one_step(params, optimizer, step, grad_mode):
    if grad_mode == "set_to_none":
        optimizer.zero_grad()
    else:
        optimizer.zero_grad(set_to_none=False)
    passes = 2 if grad_mode == "accumulated" else 1
    for _ in range(passes):
        loss_fn(params, step).backward()
    if step == MISSING_GRAD_STEP:
        params[1].grad = None
    if step == LR_CHANGE_STEP:
        for group in optimizer.param_groups:
            group["lr"] = group["lr"] * 0.5
    optimizer.step()


def run(kind, name, kwargs, dtype, grad_mode, steps=range(NUM_STEPS),
        start=None):
    """Params and optimizer after ``steps``; ``start`` = (params, state)."""
    params = make_params(dtype)
    optimizer = make_optimizer(kind, name, groups(params, kwargs), kwargs)
    if start is not None:
        with torch.no_grad():
            for p, q in zip(params, start[0]):
                p.copy_(q)
        optimizer.load_state_dict(start[1])
    for step in steps:
        one_step(params, optimizer, step, grad_mode)
    return params, optimizer


def kinds(value):
    """Shape and dtype of each tensor in a group option (betas: a pair)."""
    values = value if isinstance(value, tuple) else (value,)
    return [(v.shape, v.dtype) for v in values if torch.is_tensor(v)]


def assert_identical(ours, theirs):
    """Same parameters, bit for bit, and the same state and groups."""
    (params, optimizer), (ref_params, ref_optimizer) = ours, theirs
    for p, q in zip(params, ref_params):
        torch.testing.assert_close(p, q, rtol=0, atol=0)
    state, ref_state = optimizer.state_dict(), ref_optimizer.state_dict()
    assert state["param_groups"] == ref_state["param_groups"]
    # == passes tensor([0.01]) for tensor(0.01): compare shapes and dtypes.
    for group, ref_group in zip(state["param_groups"],
                                ref_state["param_groups"]):
        for key, value in ref_group.items():
            assert kinds(group[key]) == kinds(value), key
    assert state["state"].keys() == ref_state["state"].keys()
    for index, values in ref_state["state"].items():
        assert state["state"][index].keys() == values.keys()
        for key, value in values.items():
            torch.testing.assert_close(state["state"][index][key], value,
                                       rtol=0, atol=0)


def setting_id(setting):
    return setting[0]


@pytest.mark.parametrize("grad_mode", GRAD_MODES)
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("setting", SETTINGS, ids=setting_id)
def test_same_steps_as_torch(setting, dtype, grad_mode):
    label, kwargs = setting
    name = label.split("-")[0]
    ours = run("lib", name, kwargs, dtype, grad_mode)
    theirs = run("torch", name, kwargs, dtype, grad_mode)
    assert_identical(ours, theirs)


@pytest.mark.parametrize("first, second", [("lib", "torch"),
                                           ("torch", "lib")])
@pytest.mark.parametrize("dtype", [torch.float32, torch.complex64], ids=str)
@pytest.mark.parametrize("setting", SETTINGS, ids=setting_id)
def test_state_dict_crosses_over(setting, dtype, first, second):
    """Half the steps in one implementation, the rest in the other."""
    label, kwargs = setting
    name = label.split("-")[0]
    half = NUM_STEPS // 2
    params, optimizer = run(first, name, kwargs, dtype, "set_to_none",
                            steps=range(half))
    start = ([p.detach().clone() for p in params],
             copy.deepcopy(optimizer.state_dict()))
    resumed = run(second, name, kwargs, dtype, "set_to_none",
                  steps=range(half, NUM_STEPS), start=start)
    uninterrupted = run("torch", name, kwargs, dtype, "set_to_none")
    assert_identical(resumed, uninterrupted)


def old_state_dict(name, kwargs, drop, float_step):
    """torch.optim's state after 3 steps, made to look older: the group
    options in ``drop`` removed, and ``step`` a float if ``float_step``."""
    params, optimizer = run("torch", name, kwargs, torch.float32,
                            "set_to_none", steps=range(3))
    state = copy.deepcopy(optimizer.state_dict())
    for group in state["param_groups"]:
        for key in drop:
            group.pop(key, None)
    if float_step:
        for values in state["state"].values():
            if "step" in values:
                values["step"] = values["step"].item()
    return [p.detach().clone() for p in params], state


# The options each class's torch.optim.__setstate__ fills in when missing.
NEWER_OPTIONS = ["maximize", "foreach", "differentiable", "fused",
                 "capturable", "decoupled_weight_decay", "amsgrad",
                 "nesterov", "centered"]


@pytest.mark.parametrize("float_step", [False, True])
@pytest.mark.parametrize("name", NAMES)
def test_older_state_dicts_load_as_in_torch(name, float_step):
    kwargs = dict(EXTRA_INPUTS[name][-1])  # an extra, with some state
    start = old_state_dict(name, kwargs, NEWER_OPTIONS, float_step)
    steps = range(3, NUM_STEPS)
    ours = run("lib", name, kwargs, torch.float32, "set_to_none", steps,
               start=copy.deepcopy(start))
    theirs = run("torch", name, kwargs, torch.float32, "set_to_none", steps,
                 start=copy.deepcopy(start))
    assert_identical(ours, theirs)


def error_inputs(name):
    infos = INFO[name].optim_error_inputs_func(device="cpu",
                                               dtype=torch.float32)
    return [(f"{name}-{k}", info) for k, info in enumerate(infos)]


ERROR_INPUTS = [case for name in NAMES for case in error_inputs(name)]


@pytest.mark.parametrize("case", ERROR_INPUTS, ids=lambda case: case[0])
def test_bad_input_raises_torchs_error(case):
    label, info = case
    name = label.split("-")[0]
    given = info.optimizer_error_input
    params = given.params
    if params is None:
        params = [torch.zeros(2, requires_grad=True)]

    def attempt():
        optimizer = getattr(lib.optim, name)(params, **given.kwargs)
        if info.error_on == OptimizerErrorEnum.STEP_ERROR:
            optimizer.step()

    if issubclass(info.error_type, Warning):
        with pytest.warns(info.error_type, match=info.error_regex):
            attempt()
    else:
        with pytest.raises(info.error_type, match=info.error_regex):
            attempt()


# Each number of each class, alone, as a 0-d and as a 1-element 1-d tensor.
NUMBERS = {
    "SGD": dict(lr=0.1, momentum=0.5, dampening=0.3, weight_decay=0.1),
    "Adagrad": dict(lr=0.1, lr_decay=0.1, weight_decay=0.1,
                    initial_accumulator_value=0.5, eps=1e-10),
    "RMSprop": dict(lr=0.01, alpha=0.9, eps=1e-8, weight_decay=0.1,
                    momentum=0.5),
    "Adadelta": dict(lr=0.5, rho=0.9, eps=1e-6, weight_decay=0.1),
    "Adam": dict(lr=0.01, eps=1e-8, weight_decay=0.1),
    "AdamW": dict(lr=0.01, eps=1e-8, weight_decay=0.1),
}
TENSOR_CASES = [(name, key, dims) for name in NAMES for key in NUMBERS[name]
                for dims in (0, 1)]


def outcome(kind, name, kwargs, dtype):
    """(error message or None, run's result or None)."""
    try:
        return None, run(kind, name, kwargs, dtype, "set_to_none")
    except TypeError as error:
        return str(error), None


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("case", TENSOR_CASES,
                         ids=lambda case: "{}-{}-{}d".format(*case))
def test_a_tensor_number_as_in_torch(case, dtype):
    """Where torch.optim steps with the tensor, lib steps the same, bit
    for bit; where it fails (a 1-d tensor where an operation takes a
    number, such as ``add``'s ``alpha``), lib fails with the same
    TypeError. A 0-d tensor, and a 1-element lr of any shape, must step."""
    name, key, dims = case
    value = torch.tensor(NUMBERS[name][key])
    kwargs = dict(NUMBERS[name], **{key: value if dims == 0
                                    else value.reshape(1)})
    their_error, theirs = outcome("torch", name, kwargs, dtype)
    our_error, ours = outcome("lib", name, kwargs, dtype)
    assert our_error == their_error
    if dims == 0 or key == "lr":
        assert their_error is None
    if theirs is not None:
        assert_identical(ours, theirs)
