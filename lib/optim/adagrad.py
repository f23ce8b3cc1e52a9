"""AdaGrad: per-coordinate step sizes from the sum of squared gradients."""

import torch

from ._validation import check_lr, check_non_negative
from .loop import LoopOptimizer, step_counter


class Adagrad(LoopOptimizer):
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
    offers the 1 / (1 + (t - 1) eta) learning-rate decay. As in PyTorch,
    the state is created when the optimizer is built, and a sparse
    gradient (``nn.Embedding(..., sparse=True)``) updates only the entries
    it holds; weight decay is refused with sparse gradients. Every sum
    starts at the constructor's ``initial_accumulator_value``: a param
    group's own value (given to the constructor or to
    ``add_param_group``) is ignored, as in PyTorch.

    Written as a plain loop over the parameters (no foreach or fused
    kernels) so that each line can be read against the formulas above.
    """

    old_group_defaults = dict(foreach=None, maximize=False,
                              differentiable=False, fused=None)
    sparse_error = None  # the update below handles sparse gradients

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, foreach=None, *,
                 maximize=False, differentiable=False, fused=None):
        check_lr(lr)
        check_non_negative("lr_decay", lr_decay)
        check_non_negative("weight_decay", weight_decay)
        check_non_negative("initial_accumulator_value",
                           initial_accumulator_value)
        check_non_negative("eps", eps, label="epsilon")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps,
                        weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value,
                        foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        # As torch.optim.Adagrad: the state exists from the start (so that
        # share_memory() and an early state_dict work).
        for group in self.param_groups:
            for param in group["params"]:
                self.init_state(group, param, self.state[param])

    def init_state(self, group, param, state):
        # Every sum starts at the constructor's initial_accumulator_value
        # (self.defaults), never a group's own: torch.optim.Adagrad does
        # so in __init__ and, for a group added with add_param_group, at
        # its first step (_init_group in torch/optim/adagrad.py).
        value = self.defaults["initial_accumulator_value"]
        if torch.is_complex(param):
            value = complex(value, value)
        state["step"] = step_counter()
        state["sum"] = torch.full_like(param, value,
                                       memory_format=torch.preserve_format)

    def share_memory(self):
        """Move every ``sum`` to shared memory (``share_memory_()``), as
        ``torch.optim.Adagrad.share_memory`` does, for Hogwild!-style
        training in several processes."""
        for group in self.param_groups:
            for param in group["params"]:
                self.state[param]["sum"].share_memory_()

    def gradient(self, group, param):
        if group["weight_decay"] != 0 and param.grad.is_sparse:
            raise RuntimeError("weight_decay option is not compatible with "
                               "sparse gradients")
        return super().gradient(group, param)

    def update(self, group, param, grad, state):
        state["step"] += 1
        step = state["step"].item()
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])

        if grad.is_sparse:
            # The sum and the step touch only the gradient's entries; the
            # update is not linear, so repeated indices are summed first.
            grad = grad.coalesce()
            indices, values = grad._indices(), grad._values()
            state["sum"].add_(sparse_like(grad, indices, values.pow(2)))
            std = state["sum"].sparse_mask(grad)._values().sqrt_()
            std.add_(group["eps"])
            param.add_(sparse_like(grad, indices, values / std), alpha=-clr)
        else:
            state["sum"].addcmul_(grad, grad, value=1)
            std = state["sum"].sqrt().add_(group["eps"])
            param.addcdiv_(grad, std, value=-clr)


def sparse_like(grad, indices, values):
    """A sparse COO tensor of ``grad``'s shape with these entries."""
    return torch.sparse_coo_tensor(indices, values, grad.size())
