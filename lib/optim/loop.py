"""What every ``step()`` of ``lib.optim`` shares, written once.

``torch.optim`` keeps the bookkeeping of a step in helpers around each
update function (``_init_group``, ``__setstate__``, ``_use_grad``, the
complex views in each ``_single_tensor_*`` function). ``LoopOptimizer`` is
the same bookkeeping for the book's optimizers, so that each optimizer's
own file holds little more than its formula:

- evaluate the closure, with gradients on, and return its loss;
- skip parameters whose ``grad`` is ``None``, and refuse sparse gradients
  (with ``torch.optim``'s message) before any parameter of the group has
  moved;
- use a 1-element tensor learning rate as a 0-d one, as each of
  ``torch.optim``'s update functions does (``_to_scalar``), leaving the
  param group's value as it was given;
- negate the gradient for ``maximize=True``, and add the L2 penalty's
  gradient ``weight_decay * param`` (every optimizer here has it);
- create the state the first time a parameter has a gradient;
- hand a complex parameter, its gradient and its state to the update as
  real views (``torch.view_as_real``), as ``torch.optim`` does, so that a
  square is taken of each real and imaginary part, never of the complex
  number;
- fill in the options that older ``state_dict`` files lack, and turn an
  older float ``step`` into a tensor, when a state is loaded.

Only the plain per-parameter loop is implemented: ``foreach``, ``fused``,
``capturable`` and ``differentiable`` are accepted where they ask for it
(``None`` or ``False``) and refused otherwise, with a message that says so.
"""

import torch
from torch.optim import Optimizer

# The values that ask torch.optim for its plain for-loop implementation.
PLAIN_LOOP = {"foreach": (None, False), "fused": (None, False),
              "capturable": (False,), "differentiable": (False,)}


def check_plain_loop(name, options):
    """Refuse an implementation option that lib.optim does not have.

    Args:
        name: the optimizer's class name, for the message.
        options: the constructor's keyword arguments; only the keys of
            ``PLAIN_LOOP`` present in it are checked.

    Raises:
        ValueError: e.g. ``foreach=True``. The message names the option,
            says that lib.optim implements only the plain loop, and points
            to ``torch.optim``'s class, which has the faster variants.
    """
    for option, allowed in PLAIN_LOOP.items():
        if option in options and options[option] not in allowed:
            raise ValueError(
                f"lib.optim.{name} implements only the plain per-parameter "
                f"loop, written to be read against its formula, so "
                f"{option}={options[option]!r} is not available; use "
                f"torch.optim.{name}, or {option}="
                f"{allowed[-1]!r}")


def step_counter(value=0.0):
    """A ``state["step"]`` as torch.optim keeps it: a 0-d CPU tensor, so
    that state_dicts can be exchanged with the ``torch.optim`` twin, in
    float64 under a float64 default dtype and float32 otherwise
    (``torch.optim.optimizer._get_scalar_dtype``)."""
    dtype = (torch.float64 if torch.get_default_dtype() == torch.float64
             else torch.float32)
    return torch.tensor(float(value), dtype=dtype)


def to_scalar(value):
    """A tensor with one element of any shape as a 0-d tensor; other values
    unchanged (``torch.optim.optimizer._to_scalar``). Only a 0-d tensor
    can be the ``alpha`` or ``value`` of ``add_``/``addcdiv_``."""
    if torch.is_tensor(value) and value.dim() != 0:
        return value.squeeze()
    return value


def real_views(param, grad, state):
    """``param``, ``grad`` and ``state``'s complex tensors as real views.

    Each complex tensor of shape ``s`` becomes a real one of shape
    ``(*s, 2)`` sharing its memory, so in-place updates reach the complex
    tensors. Real tensors and other values pass through unchanged.
    """
    def view(value):
        if torch.is_tensor(value) and torch.is_complex(value):
            return torch.view_as_real(value)
        return value

    return view(param), view(grad), {key: view(value)
                                     for key, value in state.items()}


class LoopOptimizer(Optimizer):
    """Base class of the book's optimizers: the loop around their update.

    A subclass passes its ``defaults`` to ``__init__`` and defines

    - ``init_state(group, param, state)``: fill the empty dict ``state``
      for ``param`` (called once, at the parameter's first gradient; an
      optimizer that keeps no state for some settings overrides
      ``param_state`` instead);
    - ``update(group, param, grad, state)``: one step of the formula, in
      place on ``param`` and the tensors of ``state``; ``grad`` already
      has the sign ``maximize`` asks for and the weight decay added
      (``gradient``).

    and may set these class attributes:

    - ``old_group_defaults``: options to fill into param groups loaded from
      an older ``state_dict``, the ``setdefault`` list of the
      ``torch.optim`` class's ``__setstate__``;
    - ``sparse_error``: the message for a sparse gradient, ``torch.optim``'s;
      ``None`` where the update handles sparse gradients itself;
    - ``complex_as_real``: ``False`` where ``torch.optim`` updates complex
      tensors directly (its update is linear in the gradient, as SGD's).
    """

    old_group_defaults = {}
    sparse_error = None
    complex_as_real = True

    def __init__(self, params, defaults):
        check_plain_loop(type(self).__name__, defaults)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for key, value in self.old_group_defaults.items():
                group.setdefault(key, value)
        # PyTorch before 1.12 saved ``step`` as a Python number.
        for param_state in self.state.values():
            step = param_state.get("step")
            if step is not None and not torch.is_tensor(step):
                param_state["step"] = step_counter(step)

    @torch.no_grad()
    def step(self, closure=None):
        """Take one step; ``closure`` re-evaluates the model and the loss.

        Returns the closure's loss, or ``None`` without a closure.

        Raises:
            RuntimeError: a parameter has a sparse gradient and the
                optimizer has no sparse update (``torch.optim``'s message);
                no parameter of its group has been changed.
        """
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()

        for group in self.param_groups:
            lr = to_scalar(group["lr"])
            if lr is not group["lr"]:
                # The update sees lr as 0-d; the group keeps what was
                # given. Copied only then, not at every step of every run.
                group = dict(group, lr=lr)
            params = [p for p in group["params"] if p.grad is not None]
            if self.sparse_error and any(p.grad.is_sparse for p in params):
                raise RuntimeError(self.sparse_error)
            for param in params:
                grad = self.gradient(group, param)
                state = self.param_state(group, param)
                if (self.complex_as_real and torch.is_complex(param)
                        and not grad.is_sparse):
                    param, grad, state = real_views(param, grad, state)
                self.update(group, param, grad, state)
        return loss

    def gradient(self, group, param):
        """The gradient the update follows: ``param.grad``, negated for
        ``maximize``, plus ``weight_decay * param`` (the gradient of the L2
        penalty) unless the group's decay is decoupled (AdamW's). Done
        before any complex view, exactly as torch.optim rounds it."""
        grad = -param.grad if group["maximize"] else param.grad
        weight_decay = group.get("weight_decay", 0)
        if weight_decay != 0 and not group.get("decoupled_weight_decay"):
            grad = grad.add(param, alpha=weight_decay)
        return grad

    def param_state(self, group, param):
        """``param``'s state, created by ``init_state`` at its first step."""
        state = self.state[param]
        if not state:
            self.init_state(group, param, state)
        return state

    def init_state(self, group, param, state):
        """Fill ``state`` for ``param``; by default there is none."""

    def update(self, group, param, grad, state):
        raise NotImplementedError
