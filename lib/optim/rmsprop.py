"""RMSprop: divide the gradient by a running root mean square."""

import torch

from ._validation import check_lr, check_non_negative
from .loop import LoopOptimizer, step_counter


class RMSprop(LoopOptimizer):
    r"""RMSprop, optionally centered and with momentum.

    With learning rate gamma, smoothing constant alpha, eps, weight decay
    lambda and momentum mu, starting from v_0 = 0, gbar_0 = 0, b_0 = 0::

        g_t <- g_t + lambda * theta_{t-1}              (if lambda != 0)
        v_t <- alpha * v_{t-1} + (1 - alpha) * g_t^2
        a_t <- sqrt(v_t) + eps
        if centered:
            gbar_t <- alpha * gbar_{t-1} + (1 - alpha) * g_t
            a_t <- sqrt(v_t - gbar_t^2) + eps
        if mu > 0:
            b_t <- mu * b_{t-1} + g_t / a_t
            theta_t <- theta_{t-1} - gamma * b_t
        else:
            theta_t <- theta_{t-1} - gamma * g_t / a_t

    ``maximize`` negates g_t first; all operations are elementwise.

    Source: G. Hinton, Neural Networks for Machine Learning, Coursera
    lecture 6e (2012), whose slide credits the method to Tijmen Tieleman
    (unpublished; usually cited as Tieleman and Hinton, 2012),
    https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf
    ; the centered variant is from A. Graves, "Generating Sequences With
    Recurrent Neural Networks" (2013), https://arxiv.org/abs/1308.0850

    How this maps to other forms: as in ``torch.optim.RMSprop``, eps is
    added after the square root (other libraries and some write-ups put
    it inside; the two differ only while v is tiny), and momentum
    accumulates the already-scaled step g_t / a_t with no (1 - mu) factor.
    The centered form divides by an estimate of the gradient's standard
    deviation instead of its root mean square.

    Written as a plain loop over the parameters (no foreach or fused
    kernels) so that each line can be read against the formulas above.
    """

    old_group_defaults = dict(momentum=0, centered=False, foreach=None,
                              maximize=False, differentiable=False,
                              capturable=False)
    sparse_error = "RMSprop does not support sparse gradients"

    # All positional, in torch.optim.RMSprop's order (maximize after
    # foreach).
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8,
                 weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        check_lr(lr)
        check_non_negative("eps", eps, label="epsilon")
        check_non_negative("momentum", momentum)
        check_non_negative("weight_decay", weight_decay)
        check_non_negative("alpha", alpha)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps,
                        centered=centered, weight_decay=weight_decay,
                        capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def init_state(self, group, param, state):
        state["step"] = step_counter()
        state["square_avg"] = torch.zeros_like(param)
        if group["momentum"] > 0:
            state["momentum_buffer"] = torch.zeros_like(param)
        if group["centered"]:
            state["grad_avg"] = torch.zeros_like(param)

    def update(self, group, param, grad, state):
        alpha, eps = group["alpha"], group["eps"]
        state["step"] += 1

        square_avg = state["square_avg"]
        square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        if group["centered"]:
            # lerp_ is alpha * avg + (1 - alpha) * grad, rounded exactly as
            # PyTorch rounds it.
            grad_avg = state["grad_avg"].lerp_(grad, 1 - alpha)
            avg = square_avg.addcmul(grad_avg, grad_avg, value=-1)
            avg = avg.sqrt_().add_(eps)
        else:
            avg = square_avg.sqrt().add_(eps)

        if group["momentum"] > 0:
            buf = state["momentum_buffer"]
            buf.mul_(group["momentum"]).addcdiv_(grad, avg)
            param.add_(buf, alpha=-group["lr"])
        else:
            param.addcdiv_(grad, avg, value=-group["lr"])
