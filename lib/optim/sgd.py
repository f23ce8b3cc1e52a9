"""Stochastic gradient descent with optional (Nesterov) momentum."""

from ._validation import check_lr, check_non_negative, check_number
from .loop import LoopOptimizer


class SGD(LoopOptimizer):
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

    # torch.optim.SGD.__setstate__'s list.
    old_group_defaults = dict(nesterov=False, maximize=False, foreach=None,
                              differentiable=False, fused=False)
    # SGD's update is linear in the gradient: complex tensors need no view.
    complex_as_real = False

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0,
                 weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False, fused=None):
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
                        maximize=maximize, foreach=foreach,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    def param_state(self, group, param):
        # As torch.optim.SGD: no state at all without momentum.
        return self.state[param] if group["momentum"] != 0 else {}

    def update(self, group, param, grad, state):
        lr, momentum = group["lr"], group["momentum"]

        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                # No zeros to average in on the first step. A copy, so
                # that the buffer never shares memory with param.grad.
                buf = state["momentum_buffer"] = grad.detach().clone()
            else:
                buf.mul_(momentum).add_(grad, alpha=1 - group["dampening"])
            if group["nesterov"]:
                grad = grad.add(buf, alpha=momentum)
            else:
                grad = buf

        param.add_(grad, alpha=-lr)
