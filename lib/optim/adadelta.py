"""Adadelta: AdaGrad's step sizes without a global learning rate."""

import torch

from ._validation import check_lr, check_non_negative, check_number
from .loop import LoopOptimizer, step_counter


class Adadelta(LoopOptimizer):
    r"""Adadelta.

    With learning rate gamma, decay rho, eps and weight decay lambda,
    starting from v_0 = 0 (squared gradients) and u_0 = 0 (squared
    updates)::

        g_t <- g_t + lambda * theta_{t-1}              (if lambda != 0)
        v_t <- rho * v_{t-1} + (1 - rho) * g_t^2
        d_t <- sqrt(u_{t-1} + eps) / sqrt(v_t + eps) * g_t
        u_t <- rho * u_{t-1} + (1 - rho) * d_t^2
        theta_t <- theta_{t-1} - gamma * d_t

    ``maximize`` negates g_t first; all operations are elementwise.

    Paper: M. D. Zeiler, "ADADELTA: An Adaptive Learning Rate Method"
    (2012), https://arxiv.org/abs/1212.5701

    How this maps to PyTorch: identical to ``torch.optim.Adadelta``. The
    paper has no learning rate (gamma = 1, the default here). Unlike Adam
    and RMSprop, eps sits inside both square roots; the one in the
    numerator, sqrt(u_{t-1} + eps), is what lets the first steps move at
    all: with u_0 = 0 the numerator would otherwise be 0 and no step could
    ever grow u.

    Written as a plain loop over the parameters (no foreach or fused
    kernels) so that each line can be read against the formulas above.
    """

    old_group_defaults = dict(foreach=None, maximize=False,
                              differentiable=False, capturable=False)
    sparse_error = "Adadelta does not support sparse gradients"

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0,
                 foreach=None, *, capturable=False, maximize=False,
                 differentiable=False):
        check_lr(lr)
        check_number("rho", rho)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_non_negative("eps", eps, label="epsilon")
        check_non_negative("weight_decay", weight_decay)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, capturable=capturable,
                        foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def init_state(self, group, param, state):
        state["step"] = step_counter()
        state["square_avg"] = torch.zeros_like(param)
        state["acc_delta"] = torch.zeros_like(param)

    def update(self, group, param, grad, state):
        rho, eps = group["rho"], group["eps"]
        state["step"] += 1

        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
        std = square_avg.add(eps).sqrt_()
        delta = acc_delta.add(eps).sqrt_().div_(std).mul_(grad)
        acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
        param.add_(delta, alpha=-group["lr"])
