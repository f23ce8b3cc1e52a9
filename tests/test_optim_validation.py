"""lib.optim's constructors: torch.optim's signatures, checks and messages."""

import inspect
import re

import pytest
import torch
from torch import nn

import lib.optim

NAMES = lib.optim.__all__

# (optimizer, bad keyword arguments, message); torch.optim must raise a
# ValueError with the same message, since lib.optim copies its wording.
BAD_VALUES = [
    ("SGD", dict(lr=-1), "Invalid learning rate: -1"),
    ("SGD", dict(momentum=-0.1), "Invalid momentum value: -0.1"),
    ("SGD", dict(weight_decay=-1e-4), "Invalid weight_decay value: -0.0001"),
    ("SGD", dict(nesterov=True),
     "Nesterov momentum requires a momentum and zero dampening"),
    ("SGD", dict(momentum=0.9, dampening=0.1, nesterov=True),
     "Nesterov momentum requires a momentum and zero dampening"),
    ("Adagrad", dict(lr=-0.1), "Invalid learning rate: -0.1"),
    ("Adagrad", dict(lr_decay=-1), "Invalid lr_decay value: -1"),
    ("Adagrad", dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    ("Adagrad", dict(initial_accumulator_value=-1),
     "Invalid initial_accumulator_value value: -1"),
    ("Adagrad", dict(eps=-1e-10), "Invalid epsilon value: -1e-10"),
    ("RMSprop", dict(lr=-0.1), "Invalid learning rate: -0.1"),
    ("RMSprop", dict(alpha=-0.5), "Invalid alpha value: -0.5"),
    ("RMSprop", dict(eps=-1.0), "Invalid epsilon value: -1.0"),
    ("RMSprop", dict(momentum=-0.9), "Invalid momentum value: -0.9"),
    ("RMSprop", dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    ("Adadelta", dict(lr=-1.0), "Invalid learning rate: -1.0"),
    ("Adadelta", dict(rho=1.5), "Invalid rho value: 1.5"),
    ("Adadelta", dict(rho=-0.1), "Invalid rho value: -0.1"),
    ("Adadelta", dict(eps=-1e-6), "Invalid epsilon value: -1e-06"),
    ("Adadelta", dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    ("Adam", dict(lr=-1e-3), "Invalid learning rate: -0.001"),
    ("Adam", dict(eps=-1e-8), "Invalid epsilon value: -1e-08"),
    ("Adam", dict(betas=(1.0, 0.999)),
     "Invalid beta parameter at index 0: 1.0"),
    ("Adam", dict(betas=(-0.1, 0.999)),
     "Invalid beta parameter at index 0: -0.1"),
    ("Adam", dict(betas=(0.9, 1.0)),
     "Invalid beta parameter at index 1: 1.0"),
    ("Adam", dict(weight_decay=-0.1), "Invalid weight_decay value: -0.1"),
    ("AdamW", dict(lr=-1e-3), "Invalid learning rate: -0.001"),
    ("AdamW", dict(betas=(0.9, 1.5)), "Invalid beta parameter at index 1: 1.5"),
    ("AdamW", dict(eps=-1.0), "Invalid epsilon value: -1.0"),
    ("AdamW", dict(weight_decay=-0.01), "Invalid weight_decay value: -0.01"),
]


def case_id(case):
    name, kwargs, _ = case
    args = ",".join(f"{key}={value}" for key, value in kwargs.items())
    return f"{name}-{args}"


def params():
    return nn.Linear(2, 1).parameters()


@pytest.mark.parametrize("case", BAD_VALUES, ids=case_id)
def test_bad_value_raises_torchs_value_error(case):
    name, kwargs, message = case
    pattern = f"^{re.escape(message)}$"
    with pytest.raises(ValueError, match=pattern):
        getattr(lib.optim, name)(params(), **kwargs)
    with pytest.raises(ValueError, match=pattern):
        getattr(torch.optim, name)(params(), **kwargs)


@pytest.mark.parametrize("name", NAMES)
def test_nan_lr_is_refused(name):
    # torch.optim.SGD checks ``lr < 0`` and so lets NaN through; the others
    # check ``not 0 <= lr``, as lib.optim does everywhere.
    with pytest.raises(ValueError, match="^Invalid learning rate: nan$"):
        getattr(lib.optim, name)(params(), lr=float("nan"))


# torch.optim fails on these too, but with "'<' not supported between
# instances of 'str' and 'float'"; lib.optim names the argument.
BAD_TYPES = [(name, dict(lr="0.1"), "lr must be a real number or a "
              "1-element tensor, not str") for name in NAMES] + [
    ("SGD", dict(lr=None), "lr must be a real number or a 1-element tensor, "
     "not NoneType"),
    ("SGD", dict(momentum="0.9"), "momentum must be a real number"),
    ("Adagrad", dict(eps="1e-10"), "eps must be a real number"),
    ("RMSprop", dict(alpha=[0.9]),
     "alpha must be a real number or a tensor, not list"),
    ("Adadelta", dict(rho="0.9"), "rho must be a real number"),
    ("Adam", dict(betas=(0.9, "0.999")), r"betas\[1\] must be a real number"),
    ("AdamW", dict(weight_decay="0.01"), "weight_decay must be a real number"),
]


@pytest.mark.parametrize("case", BAD_TYPES, ids=case_id)
def test_non_numeric_argument_raises_type_error(case):
    name, kwargs, message = case
    with pytest.raises(TypeError, match=message):
        getattr(lib.optim, name)(params(), **kwargs)


@pytest.mark.parametrize("name", NAMES)
def test_signature_matches_torch(name):
    """Same names, kinds, order and defaults: code written for torch.optim,
    keyword options included, runs unchanged."""
    ours = inspect.signature(getattr(lib.optim, name)).parameters
    theirs = inspect.signature(getattr(torch.optim, name)).parameters
    assert list(ours) == list(theirs)
    for arg in theirs:
        assert ours[arg].kind == theirs[arg].kind, arg
        assert ours[arg].default == theirs[arg].default, arg


@pytest.mark.parametrize("name", NAMES)
def test_defaults_are_stored_per_group(name):
    optimizer = getattr(lib.optim, name)(params())
    ours = optimizer.param_groups[0]
    theirs = getattr(torch.optim, name)(params()).param_groups[0]
    assert ours.keys() == theirs.keys()
    for key in ours.keys() - {"params"}:
        assert ours[key] == theirs[key], key
    assert isinstance(optimizer, torch.optim.Optimizer)
    # torch.optim's repr lists the class name and every group option.
    assert repr(optimizer) == repr(getattr(torch.optim, name)(params()))


# The implementation options, per class: the values that ask for the plain
# for-loop (accepted) and one that asks for something else (refused).
OPTIONS = {
    name: [option for option in ("foreach", "fused", "capturable",
                                 "differentiable")
           if option in inspect.signature(getattr(torch.optim,
                                                  name)).parameters]
    for name in NAMES}
PLAIN = {"foreach": [None, False], "fused": [None, False],
         "capturable": [False], "differentiable": [False]}


@pytest.mark.parametrize("name", NAMES)
def test_plain_loop_options_are_accepted(name):
    for option in OPTIONS[name]:
        for value in PLAIN[option]:
            optimizer = getattr(lib.optim, name)(params(), **{option: value})
            assert optimizer.defaults[option] is value


@pytest.mark.parametrize("name", NAMES)
def test_other_implementations_are_refused_by_name(name):
    assert OPTIONS[name]  # every class has at least foreach
    for option in OPTIONS[name]:
        message = (f"^lib.optim.{name} implements only the plain "
                   f"per-parameter loop.*{option}=True is not available; "
                   f"use torch.optim.{name}")
        with pytest.raises(ValueError, match=message):
            getattr(lib.optim, name)(params(), **{option: True})


@pytest.mark.parametrize("name", NAMES)
def test_tensor_lr_is_accepted_and_checked(name):
    optimizer = getattr(lib.optim, name)(params(), lr=torch.tensor(0.01))
    assert torch.is_tensor(optimizer.param_groups[0]["lr"])
    with pytest.raises(ValueError, match="^Tensor lr must be 1-element$"):
        getattr(lib.optim, name)(params(), lr=torch.tensor([0.01, 0.02]))


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_betas_follow_torchs_rules(name):
    cls = getattr(lib.optim, name)
    with pytest.raises(ValueError, match="both floats or both Tensors"):
        cls(params(), betas=(0.9, torch.tensor(0.99)))
    with pytest.raises(ValueError, match="both floats or both Tensors"):
        cls(params(), betas=(0, 0.99))  # an int, as torch.optim refuses
    betas = cls(params(), betas=(torch.tensor([0.9]),
                                 torch.tensor(0.99))).defaults["betas"]
    assert [beta.dim() for beta in betas] == [0, 0]  # squeezed, as torch
