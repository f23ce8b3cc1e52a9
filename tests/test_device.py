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
