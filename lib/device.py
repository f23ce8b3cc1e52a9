"""Choose the device a chapter runs on: CUDA first, then Apple's MPS, then CPU.

The environment variable ``BOOK_DEVICE`` overrides the automatic choice, so a
reader with a GPU can still force the CPU (the test suite does this, because
the stored notebook outputs were computed on a CPU).
"""

import os

import torch

ENV_VAR = "BOOK_DEVICE"
CHOICES = ("auto", "cpu", "cuda", "mps")


def mps_available() -> bool:
    """True when Apple's Metal backend can be used (never on Linux)."""
    backend = getattr(torch.backends, "mps", None)
    return backend is not None and backend.is_available()


def choose_device(name: str | None = None) -> torch.device:
    """Return the device to train on.

    ``name`` is one of ``"auto"``, ``"cpu"``, ``"cuda"`` (or ``"cuda:N"``)
    and ``"mps"``. When it is None the ``BOOK_DEVICE`` environment variable
    is read, and when that is unset too, ``"auto"`` picks CUDA, then MPS,
    then the CPU.
    """
    source = "argument"
    if name is None:
        name, source = os.environ.get(ENV_VAR, "auto"), f"${ENV_VAR}"
    if not isinstance(name, str):
        raise TypeError(
            f"device name must be a string, not {type(name).__name__}")
    kind, _, index = name.strip().lower().partition(":")
    if kind not in CHOICES or (index and not (kind == "cuda"
                                              and index.isdigit())):
        raise ValueError(
            f"Invalid device {name!r} (from {source}): expected one of "
            f"{', '.join(CHOICES)} or cuda:N")
    if kind == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    if kind == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            f"Device {name!r} was requested (from {source}) but CUDA is not "
            "available: torch.cuda.is_available() is False. Use 'auto' or "
            "'cpu'.")
    if kind == "cuda" and index and int(index) >= torch.cuda.device_count():
        raise RuntimeError(
            f"Device {name!r} was requested (from {source}) but only "
            f"{torch.cuda.device_count()} CUDA device(s) are present.")
    if kind == "mps" and not mps_available():
        raise RuntimeError(
            f"Device 'mps' was requested (from {source}) but Apple's MPS "
            "backend is not available on this machine.")
    return torch.device(name.strip().lower())


def supports_float64(device) -> bool:
    """Whether ``device`` (a ``torch.device`` or its name) computes in
    float64. Apple's MPS has none: torch refuses to move a float64 tensor
    there ("Cannot convert a MPS Tensor to float64 dtype as the MPS
    framework doesn't support float64. Please use float32 instead.",
    ``MPS_ERROR_DOUBLE_NOT_SUPPORTED`` in ATen's MPS sources). CPU and CUDA
    have it."""
    return torch.device(device).type != "mps"


def float64_device(device) -> torch.device:
    """The device for a float64 computation in a chapter that trains on
    ``device``: ``device`` itself where it has float64, else the CPU.

    The book's float64 runs are small (toy problems and exact references),
    so on a Mac they run on the CPU while float32 training uses MPS.
    """
    device = torch.device(device)
    return device if supports_float64(device) else torch.device("cpu")


def describe_device(device: torch.device) -> str:
    """A short human-readable name, e.g. 'cuda (NVIDIA H100)' or 'cpu'."""
    device = torch.device(device)
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return device.type
