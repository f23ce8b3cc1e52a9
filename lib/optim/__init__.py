"""Optimizers written from scratch, mirroring ``torch.optim``.

Each class has the signature of the PyTorch optimizer of the same name,
raises its errors for bad arguments (with its messages), keeps the same
state and param-group options (so ``state_dict`` files cross both ways,
older PyTorch versions' included) and takes the same steps, bit for bit on
the CPU, for real and complex parameters, (SGD, Adagrad) sparse gradients
and numbers given as tensors: a learning rate (or Adam's betas) with one
element, of any shape, used as 0-d as torch.optim does; any other number
as a 0-d tensor, or a 1-element one where torch.optim takes that
(elsewhere both raise the same ``TypeError``).
``tests/test_optim_torch_configs.py`` checks this, and PyTorch's own test
settings. The exceptions, by design:

- only the plain per-parameter loop exists: ``foreach=True``,
  ``fused=True``, ``capturable=True`` and ``differentiable=True`` raise a
  ``ValueError`` that says so (``None``/``False`` are accepted);
- a string or other non-number where a number belongs raises a
  ``TypeError`` naming the argument (PyTorch fails on a comparison).

They are plain loops over the parameters (the shared bookkeeping is in
``lib.optim.loop``), written to be read:

- ``SGD``      -- gradient descent with (Nesterov) momentum
- ``Adagrad``  -- step sizes from the sum of squared gradients
- ``RMSprop``  -- ... from a moving average of squared gradients
- ``Adadelta`` -- ... and of squared updates, with no learning rate needed
- ``Adam``     -- momentum plus RMSprop, bias-corrected (and AMSGrad)
- ``AdamW``    -- Adam with decoupled weight decay

``lib.optim.reference.regression_trajectory`` is the fixed training run
the chapters use to check each of them against its ``torch.optim`` twin
(kept out of ``__all__``, which lists the optimizers only).
"""

from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW"]
