"""Optimizers written from scratch, mirroring ``torch.optim``.

Each class takes the same arguments, raises the same errors and keeps the
same state (so ``state_dict`` can be loaded by its ``torch.optim`` twin) as
the PyTorch optimizer of the same name, and follows its update to the
rounding. They are plain loops over the parameters, written to be read:

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
