"""Adam (optionally AMSGrad) and AdamW, its decoupled-weight-decay form."""

import torch
from torch.optim import Optimizer

from ._validation import check_betas, check_lr, check_non_negative


class Adam(Optimizer):
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
    Reddi et al. use no bias correction at all. Weight decay here is an L2
    term added to the gradient, so Adam rescales it; see ``AdamW``.

    Written as a plain loop over the parameters (no foreach or fused
    kernels) so that each line can be read against the formulas above.
    """

    # AdamW sets this: shrink the weights directly instead of adding
    # lambda * theta to the gradient.
    decoupled_weight_decay = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                 weight_decay=0, amsgrad=False, *, maximize=False):
        check_lr(lr)
        check_non_negative("eps", eps, label="epsilon")
        check_betas(betas)
        check_non_negative("weight_decay", weight_decay)
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps,
                        weight_decay=weight_decay, amsgrad=amsgrad,
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
            lr, weight_decay = group["lr"], group["weight_decay"]
            beta1, beta2 = group["betas"]
            for param in group["params"]:
                if param.grad is None:
                    continue
                if param.grad.is_sparse:
                    raise RuntimeError(
                        f"{type(self).__name__} does not support sparse "
                        "gradients, please consider SparseAdam instead")
                grad = -param.grad if group["maximize"] else param.grad
                state = self.state[param]
                if not state:
                    # A 0-d tensor, as in PyTorch, so that state_dicts can
                    # be exchanged with torch.optim.Adam.
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(param)
                    state["exp_avg_sq"] = torch.zeros_like(param)
                    if group["amsgrad"]:
                        state["max_exp_avg_sq"] = torch.zeros_like(param)

                state["step"] += 1
                step = state["step"].item()
                if weight_decay != 0:
                    if self.decoupled_weight_decay:
                        param.mul_(1 - lr * weight_decay)
                    else:
                        grad = grad.add(param, alpha=weight_decay)

                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                # lerp_ is beta1 * m + (1 - beta1) * g, rounded exactly as
                # PyTorch rounds it.
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
                denom = (second_moment.sqrt() / bias_correction2 ** 0.5)
                denom.add_(group["eps"])
                param.addcdiv_(exp_avg, denom, value=-lr / bias_correction1)
        return loss


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

    decoupled_weight_decay = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                 weight_decay=1e-2, amsgrad=False, *, maximize=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad,
                         maximize=maximize)
