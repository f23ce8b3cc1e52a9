import pytest
import torch

from lib.device import choose_device, describe_device


def test_cpu_by_name():
    assert choose_device("cpu") == torch.device("cpu")


def test_name_is_case_and_space_insensitive():
    assert choose_device("  CPU ") == torch.device("cpu")


def test_environment_variable_forces_device(monkeypatch):
    monkeypatch.setenv("BOOK_DEVICE", "cpu")
    assert choose_device() == torch.device("cpu")


def test_auto_prefers_cuda_then_mps_then_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert choose_device("auto").type == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr("lib.device.mps_available", lambda: True)
    assert choose_device("auto").type == "mps"
    monkeypatch.setattr("lib.device.mps_available", lambda: False)
    assert choose_device("auto").type == "cpu"


def test_unset_environment_means_auto(monkeypatch):
    monkeypatch.delenv("BOOK_DEVICE", raising=False)
    assert choose_device() == choose_device("auto")


@pytest.mark.parametrize("name", ["gpu", "tpu", "cuda:x", "cpu:0", ""])
def test_unknown_name_is_a_value_error(name):
    with pytest.raises(ValueError, match="Invalid device"):
        choose_device(name)


def test_bad_environment_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("BOOK_DEVICE", "gpu")
    with pytest.raises(ValueError, match=r"\$BOOK_DEVICE"):
        choose_device()


def test_non_string_is_a_type_error():
    with pytest.raises(TypeError, match="must be a string"):
        choose_device(0)


def test_cuda_requested_without_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        choose_device("cuda")


def test_mps_requested_without_mps(monkeypatch):
    monkeypatch.setattr("lib.device.mps_available", lambda: False)
    with pytest.raises(RuntimeError, match="MPS backend is not available"):
        choose_device("mps")


def test_describe_cpu():
    assert describe_device(torch.device("cpu")) == "cpu"


def test_float64_support_by_device():
    from lib.device import float64_device, supports_float64
    assert supports_float64("cpu") and supports_float64(torch.device("cuda"))
    assert not supports_float64("mps")
    assert float64_device("mps") == torch.device("cpu")
    assert float64_device("cuda:1") == torch.device("cuda:1")
    assert float64_device(torch.device("cpu")) == torch.device("cpu")


def test_fit_refuses_float64_on_mps_before_moving_anything():
    # Testable without a Mac: the check runs before anything is moved.
    from torch import nn
    import lib
    model = nn.Linear(2, 1).double()
    X, y = torch.randn(4, 2, dtype=torch.float64), torch.randn(4, 1).double()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="mps has no float64.*float64_device"):
        lib.fit(model, nn.MSELoss(), opt, X, y, num_epochs=1, device="mps")
    with pytest.raises(TypeError, match="mps has no float64"):
        lib.fit(model.float(), nn.MSELoss(), opt, X.float(), y.float(),
                num_epochs=1, device="mps",
                valid_data=(X, y.float()))
    assert next(model.parameters()).device.type == "cpu"
