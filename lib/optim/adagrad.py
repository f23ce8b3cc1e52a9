"""AdaGrad: per-coordinate step sizes from the sum of squared gradients."""

import torch
from torch.optim import Optimizer

from ._validation import check_lr, check_non_negative


class Adagrad(Optimizer):
    r"""AdaGrad.

    With learning rate gamma, learning-rate decay eta, weight decay lambda
    and eps, starting from ``sum = initial_accumulator_value``, step t is::

        g_t <- g_t + lambda * theta_{t-1}              (if lambda != 0)
        gamma_t <- gamma / (1 + (t - 1) * eta)
        s_t <- s_{t-1} + g_t * g_t
        theta_t <- theta_{t-1} - gamma_t * g_t / (sqrt(s_t) + eps)

    ``maximize`` negates g_t first; all operations are elementwise.

    Paper: Duchi, Hazan and Singer, "Adaptive Subgradient Methods for Online
    Learning and Stochastic Optimization", JMLR 12 (2011),
    https://jmlr.org/papers/v12/duchi11a.html

    How this maps to PyTorch: identical to ``torch.optim.Adagrad``, which
    adds eps after the square root (not inside it) and, unlike the paper,
    offers the 1 / (1 + (t - 1) eta) learning-rate decay. PyTorch creates
    the state when the optimizer is built; here it is created at the first
    step, from the group's own ``initial_accumulator_value``.

    Written as a plain loop over the parameters (no foreach or fused
    kernels) so that each line can be read against the formulas above.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, *, maximize=False):
        check_lr(lr)
        check_non_negative("lr_decay", lr_decay)
        check_non_negative("weight_decay", weight_decay)
        check_non_negative("initial_accumulator_value",
                           initial_accumulator_value)
        check_non_negative("eps", eps, label="epsilon")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps,
                        weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value,
                        maximize=maximize)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        """Take one step; ``closure`` re-evaluates the model and the loss."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()

        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is None:
                    continue
                if param.grad.is_sparse:
                    raise RuntimeError(
                        "Adagrad does not support sparse gradients; "
                        "torch.optim.Adagrad does")
                grad = -param.grad if group["maximize"] else param.grad
                state = self.state[param]
                if not state:
                    # A 0-d tensor, as in PyTorch, so that state_dicts can
                    # be exchanged with torch.optim.Adagrad.
                    state["step"] = torch.tensor(0.0)
                    state["sum"] = torch.full_like(
                        param, group["initial_accumulator_value"])

                state["step"] += 1
                step = state["step"].item()
                if group["weight_decay"] != 0:
                    grad = grad.add(param, alpha=group["weight_decay"])
                clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])

                state["sum"].addcmul_(grad, grad, value=1)
                std = state["sum"].sqrt().add_(group["eps"])
                param.addcdiv_(grad, std, value=-clr)
        return loss
