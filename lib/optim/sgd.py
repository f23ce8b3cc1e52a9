"""Stochastic gradient descent with optional (Nesterov) momentum."""

import torch
from torch.optim import Optimizer

from ._validation import check_lr, check_non_negative, check_number


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum.

    With learning rate ``lr`` (gamma), momentum mu, dampening tau and weight
    decay lambda, one step on parameters theta with gradient g_t is::

        g_t <- g_t + lambda * theta_{t-1}               (if lambda != 0)
        b_t <- g_t                                      (t = 1)
        b_t <- mu * b_{t-1} + (1 - tau) * g_t           (t > 1)
        g_t <- g_t + mu * b_t     (nesterov)   or   g_t <- b_t
        theta_t <- theta_{t-1} - gamma * g_t

    The momentum lines run only when mu != 0, and ``maximize`` negates g_t
    first.

    Papers: heavy-ball momentum, B. T. Polyak, "Some methods of speeding up
    the convergence of iteration methods" (1964),
    https://doi.org/10.1016/0041-5553(64)90137-5 ; Nesterov momentum as
    used in deep learning, Sutskever, Martens, Dahl and Hinton, "On the
    importance of initialization and momentum in deep learning" (ICML 2013),
    https://proceedings.mlr.press/v28/sutskever13.html

    How this maps to other forms: Sutskever et al. write
    ``v <- mu v - lr g; theta <- theta + v``; PyTorch keeps the learning
    rate out of the buffer, which is the same for a constant ``lr`` but
    differs once a scheduler changes it. An exponential moving average
    ``v <- beta v + (1 - beta) g`` is ``momentum=beta, dampening=beta``,
    except that PyTorch starts the buffer at g_1 rather than at 0. Nesterov
    uses the "look-ahead" gradient in the form ``g + mu * b``.

    Written as a plain loop over the parameters (no foreach or fused
    kernels) so that each line can be read against the formulas above.
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0,
                 weight_decay=0, nesterov=False, *, maximize=False):
        check_lr(lr)
        check_non_negative("momentum", momentum)
        check_number("dampening", dampening)
        check_non_negative("weight_decay", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(
                "Nesterov momentum requires a momentum and zero dampening"
            )
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov,
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
            momentum = group["momentum"]
            for param in group["params"]:
                if param.grad is None:
                    continue
                if param.grad.is_sparse:
                    raise RuntimeError(
                        "SGD does not support sparse gradients; "
                        "torch.optim.SGD does")
                grad = -param.grad if group["maximize"] else param.grad
                if group["weight_decay"] != 0:
                    grad = grad.add(param, alpha=group["weight_decay"])

                if momentum != 0:
                    state = self.state[param]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        # No zeros to average in on the first step.
                        buf = state["momentum_buffer"] = grad.clone()
                    else:
                        buf.mul_(momentum).add_(
                            grad, alpha=1 - group["dampening"])
                    if group["nesterov"]:
                        grad = grad.add(buf, alpha=momentum)
                    else:
                        grad = buf

                param.add_(grad, alpha=-group["lr"])
        return loss
