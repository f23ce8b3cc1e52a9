"""A small, fixed training run for checking an optimizer against its twin.

The chapters that build an optimizer check it against ``torch.optim`` by
running both on the same problem and comparing the weights after every
step. This module is that problem, defined once.
"""

import torch


def regression_trajectory(optimizer_class, num_steps=60, **hyper):
    """Weights of a seeded ``nn.Linear(3, 1)`` after each step of
    full-batch mean-squared-error training, in float64.

    The data are 64 inputs from ``torch.randn`` (generator seed 1) with
    targets ``x @ [1, -2, 0.5] + 0.3``; the model's initial weights come
    from ``torch.manual_seed(2)`` (which this function sets, so call it
    where the global random state does not matter). float64 keeps the
    round-off of ``addcmul_``, which fuses its multiply and add on CPUs
    with fused multiply-add (AVX2, AVX-512) and so differs between CPUs,
    far below any printed digit.

    Args:
        optimizer_class: a ``torch.optim.Optimizer`` subclass.
        num_steps: int >= 1, number of optimizer steps.
        **hyper: passed to ``optimizer_class(model.parameters(), ...)``.

    Returns a float64 tensor of shape ``(num_steps, 4)``: row ``t`` holds
    the weight (3 numbers) and the bias after step ``t + 1``.

    Raises:
        TypeError: ``num_steps`` is not an int.
        ValueError: ``num_steps < 1``. Invalid hyperparameters raise the
            optimizer's own error.
    """
    if isinstance(num_steps, bool) or not isinstance(num_steps, int):
        raise TypeError(f"num_steps must be an int, not "
                        f"{type(num_steps).__name__}")
    if num_steps < 1:
        raise ValueError(f"Invalid num_steps: {num_steps} (expected >= 1)")
    gen = torch.Generator().manual_seed(1)
    inputs = torch.randn(64, 3, generator=gen, dtype=torch.float64)
    true_weights = torch.tensor([[1.0], [-2.0], [0.5]], dtype=torch.float64)
    targets = inputs @ true_weights + 0.3
    torch.manual_seed(2)
    model = torch.nn.Linear(3, 1, dtype=torch.float64)
    optimizer = optimizer_class(model.parameters(), **hyper)
    loss_fn = torch.nn.MSELoss()
    weights = []
    for _ in range(num_steps):
        optimizer.zero_grad()
        loss_fn(model(inputs), targets).backward()
        optimizer.step()
        weights.append(torch.cat([p.detach().flatten()
                                  for p in model.parameters()]))
    return torch.stack(weights)
