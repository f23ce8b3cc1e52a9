"""Adam (optionally AMSGrad) and AdamW, its decoupled-weight-decay form."""

import torch

from ._validation import check_betas, check_lr, check_non_negative
from .loop import LoopOptimizer, step_counter


class Adam(LoopOptimizer):
    r"""Adam, optionally with the AMSGrad maximum.

    With learning rate gamma, betas (beta1, beta2), eps and weight decay
    lambda, starting from m_0 = 0, v_0 = 0 and vmax_0 = 0::

        g_t <- g_t + lambda * theta_{t-1}              (if lambda != 0)
        m_t <- beta1 * m_{t-1} + (1 - beta1) * g_t
        v_t <- beta2 * v_{t-1} + (1 - beta2) * g_t^2
        mhat_t <- m_t / (1 - beta1^t)
        if amsgrad:
            vmax_t <- max(vmax_{t-1}, v_t)
            vhat_t <- vmax_t / (1 - beta2^t)
        else:
            vhat_t <- v_t / (1 - beta2^t)
        theta_t <- theta_{t-1} - gamma * mhat_t / (sqrt(vhat_t) + eps)

    ``maximize`` negates g_t first; all operations are elementwise.

    Papers: Kingma and Ba, "Adam: A Method for Stochastic Optimization"
    (ICLR 2015), https://arxiv.org/abs/1412.6980 ; AMSGrad: Reddi, Kale and
    Kumar, "On the Convergence of Adam and Beyond" (ICLR 2018),
    https://openreview.net/forum?id=ryQu7f-RZ

    How this maps to PyTorch: identical to ``torch.optim.Adam``. eps is
    added to sqrt(vhat_t), after the bias correction, as in Algorithm 1 of
    the paper (the paper's "more efficient" ordering in Section 2 uses a
    differently scaled eps). For AMSGrad, PyTorch takes the maximum of the
    raw averages v_t and bias-corrects that maximum with the current t;
    Reddi et al. use no bias correction at all. Weight decay is by default
    an L2 term added to the gradient, so Adam rescales it; with
    ``decoupled_weight_decay=True`` (as in ``torch.optim.Adam``) the weights
    shrink by (1 - gamma * lambda) instead, which is ``AdamW``.
    ``lr`` and ``betas`` may be 1-element tensors, ``eps`` and
    ``weight_decay`` 0-d tensors, as in PyTorch.

    Written as a plain loop over the parameters (``LoopOptimizer``; no
    foreach, fused or capturable kernels) so that each line can be read
    against the formulas above. Complex parameters are updated as pairs of
    real numbers (``torch.view_as_real``), as in PyTorch.
    """

    old_group_defaults = dict(amsgrad=False, maximize=False, foreach=None,
                              capturable=False, differentiable=False,
                              decoupled_weight_decay=False, fused=None)
    sparse_error = ("Adam does not support sparse gradients, please "
                    "consider SparseAdam instead")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                 weight_decay=0, amsgrad=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False,
                 fused=None, decoupled_weight_decay=False):
        # torch.optim.Adam's own refusals come before lib's plain-loop one.
        tensor_lr_foreach = foreach and not capturable
        if torch.is_tensor(lr) and tensor_lr_foreach:
            raise ValueError("lr as a Tensor is not supported for "
                             "capturable=False and foreach=True")
        check_lr(lr)
        check_non_negative("eps", eps, label="epsilon")
        betas = check_betas(betas)
        for index, beta in enumerate(betas):
            if torch.is_tensor(beta) and tensor_lr_foreach:
                raise ValueError(f"betas[{index}] as a Tensor is not "
                                 "supported for capturable=False and "
                                 "foreach=True")
        check_non_negative("weight_decay", weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps,
                        weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable,
                        fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def init_state(self, group, param, state):
        state["step"] = step_counter()
        state["exp_avg"] = torch.zeros_like(param)
        state["exp_avg_sq"] = torch.zeros_like(param)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = torch.zeros_like(param)

    def update(self, group, param, grad, state):
        lr, weight_decay = group["lr"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        state["step"] += 1
        step = state["step"].item()
        if weight_decay != 0 and group["decoupled_weight_decay"]:
            # AdamW's decay; the L2 form is already in grad (gradient()).
            param.mul_(1 - lr * weight_decay)

        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        # lerp_ is beta1 * m + (1 - beta1) * g, rounded exactly as PyTorch
        # rounds it.
        if torch.is_tensor(beta1):  # as torch.optim: on param's dtype
            exp_avg.lerp_(grad, 1 - beta1.to(param.device, param.dtype))
        else:
            exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)

        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        if group["amsgrad"]:
            max_sq = state["max_exp_avg_sq"]
            torch.maximum(max_sq, exp_avg_sq, out=max_sq)
            second_moment = max_sq
        else:
            second_moment = exp_avg_sq
        denom = second_moment.sqrt() / bias_correction2 ** 0.5
        denom.add_(group["eps"])
        param.addcdiv_(exp_avg, denom, value=-lr / bias_correction1)


class AdamW(Adam):
    r"""AdamW: Adam with decoupled weight decay.

    Identical to ``Adam`` (including ``amsgrad``) except for the weight
    decay, which no longer passes through the moment estimates::

        theta_{t-1} <- theta_{t-1} - gamma * lambda * theta_{t-1}
        (then the Adam step, with g_t the plain gradient)

    With an L2 term in the gradient, Adam divides the decay by sqrt(vhat),
    so weights with large gradients are barely regularised; decoupling
    shrinks every weight by the same factor (1 - gamma * lambda).

    Paper: Loshchilov and Hutter, "Decoupled Weight Decay Regularization"
    (ICLR 2019), https://arxiv.org/abs/1711.05101

    How this maps to PyTorch: identical to ``torch.optim.AdamW``. The paper
    writes the decay as eta_t * lambda * theta with a separate schedule
    multiplier eta_t; PyTorch (and this class) multiply by the learning
    rate instead, so ``weight_decay`` is relative to ``lr``.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                 weight_decay=1e-2, amsgrad=False, *, maximize=False,
                 foreach=None, capturable=False, differentiable=False,
                 fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad,
                         foreach=foreach, maximize=maximize,
                         capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        # As torch.optim.AdamW: loaded state is always decoupled.
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
