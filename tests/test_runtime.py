"""cnnlib.runtime and the package entry point: profiles, seeds, threads, setup, report."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys

import numpy as np
import pytest
import torch

import cnnlib
from cnnlib import runtime

HANGUL = r"[가-힣]"


@pytest.fixture
def no_accelerator(monkeypatch):
    """Pretend neither CUDA nor MPS is present (the test may also run on a GPU machine)."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)


# ---------------------------------------------------------------- profile
@pytest.mark.parametrize(
    ("env", "expected"),
    [("ci", "ci"), ("cpu", "cpu"), ("gpu", "gpu"), ("CI", "ci"), ("Gpu", "gpu"), (" cpu\n", "cpu")],
    ids=["ci", "cpu", "gpu", "upper-CI", "mixed-Gpu", "whitespace-cpu"],
)
def test_profile_from_env(monkeypatch, env, expected):
    monkeypatch.setenv("CNNLIB_PROFILE", env)
    assert runtime.profile() == expected
    assert cnnlib.profile() == expected


@pytest.mark.parametrize("unset", ["delete", "empty"])
def test_default_profile_is_cpu_without_accelerator(monkeypatch, no_accelerator, unset):
    if unset == "delete":
        monkeypatch.delenv("CNNLIB_PROFILE")
    else:
        monkeypatch.setenv("CNNLIB_PROFILE", "")
    assert runtime.profile() == "cpu"
    assert runtime.device() == torch.device("cpu")


def test_default_profile_is_gpu_with_cuda(monkeypatch, no_accelerator):
    monkeypatch.delenv("CNNLIB_PROFILE")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert runtime.profile() == "gpu"
    assert runtime.device() == torch.device("cuda")


def test_default_profile_is_gpu_with_mps(monkeypatch, no_accelerator):
    monkeypatch.delenv("CNNLIB_PROFILE")
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert runtime.profile() == "gpu"
    assert runtime.device() == torch.device("mps")


def test_default_profile_on_this_machine(monkeypatch):
    monkeypatch.delenv("CNNLIB_PROFILE")
    has_gpu = torch.cuda.is_available() or torch.backends.mps.is_available()
    assert runtime.profile() == ("gpu" if has_gpu else "cpu")


@pytest.mark.parametrize("bad", ["tpu", "fast", "c i"])
def test_unknown_profile_raises_korean(monkeypatch, bad):
    monkeypatch.setenv("CNNLIB_PROFILE", bad)
    with pytest.raises(ValueError, match=HANGUL) as info:
        runtime.profile()
    assert bad in str(info.value)
    with pytest.raises(ValueError):
        cnnlib.pick(ci=1, cpu=2, gpu=3)


@pytest.mark.parametrize(("profile", "expected"), [("ci", 1), ("cpu", 3), ("gpu", 15)])
def test_pick_follows_profile(monkeypatch, profile, expected):
    monkeypatch.setenv("CNNLIB_PROFILE", profile)
    assert cnnlib.pick(ci=1, cpu=3, gpu=15) == expected
    assert runtime.pick(ci="a", cpu="b", gpu="c") == {"ci": "a", "cpu": "b", "gpu": "c"}[profile]


def test_pick_requires_all_three_keywords():
    with pytest.raises(TypeError):
        cnnlib.pick(1, 3, 15)
    with pytest.raises(TypeError):
        cnnlib.pick(ci=1, cpu=3)


# ---------------------------------------------------------------- seeds
def test_seed_everything_makes_random_repeatable():
    def draw():
        return torch.randn(5), np.random.rand(3), random.random()

    assert runtime.seed_everything(123) == 123
    first = draw()
    runtime.seed_everything(123)
    second = draw()
    runtime.seed_everything(124)
    third = draw()
    assert torch.equal(first[0], second[0])
    assert np.array_equal(first[1], second[1]) and first[2] == second[2]
    assert not torch.equal(first[0], third[0])


def test_seed_offset_from_env_shifts_every_seed(monkeypatch):
    monkeypatch.setenv("CNNLIB_SEED", "2")
    assert runtime.seed_offset() == 2
    assert runtime.seed_everything(0) == 2
    shifted = torch.randn(3)
    monkeypatch.delenv("CNNLIB_SEED")
    assert runtime.seed_everything(2) == 2
    assert torch.equal(torch.randn(3), shifted)


@pytest.mark.parametrize("bad", ["-1", "one", "1.5"])
def test_seed_offset_rejects_bad_env(monkeypatch, bad):
    monkeypatch.setenv("CNNLIB_SEED", bad)
    with pytest.raises(ValueError, match="CNNLIB_SEED는"):
        runtime.seed_offset()


def test_seed_everything_rewinds_loader_order(monkeypatch):
    monkeypatch.delenv("CNNLIB_SEED", raising=False)
    data = torch.utils.data.TensorDataset(torch.arange(20))
    loader = torch.utils.data.DataLoader(data, batch_size=4, shuffle=True, generator=torch.Generator())
    runtime.seed_everything(5, loader)
    first = [b[0].tolist() for b in loader]
    next(iter(loader))                        # 순서를 흩뜨립니다
    runtime.seed_everything(5, loader)
    assert [b[0].tolist() for b in loader] == first
    with pytest.raises(TypeError, match="DataLoader"):
        runtime.seed_everything(0, [1, 2, 3])


def test_seed_everything_accepts_large_seed():
    assert runtime.seed_everything(2**40) == 2**40


@pytest.mark.parametrize("bad", [1.5, "0", None, True], ids=["float", "string", "none", "bool"])
def test_seed_everything_rejects_non_int(bad):
    with pytest.raises(TypeError, match=HANGUL):
        runtime.seed_everything(bad)


# ---------------------------------------------------------------- threads
def test_default_threads_from_env(monkeypatch):
    monkeypatch.setenv("CNNLIB_THREADS", "3")
    assert runtime.default_threads() == 3


def test_default_threads_ci_is_one(monkeypatch):
    monkeypatch.delenv("CNNLIB_THREADS")
    monkeypatch.setenv("CNNLIB_PROFILE", "ci")
    assert runtime.default_threads() == 1


def test_default_threads_cpu_uses_cores(monkeypatch):
    monkeypatch.delenv("CNNLIB_THREADS")
    monkeypatch.setenv("CNNLIB_PROFILE", "cpu")
    assert runtime.default_threads() == max(1, min(os.cpu_count() or 1, 8))


@pytest.mark.parametrize("bad", ["0", "-2", "two", "1.5"])
def test_default_threads_bad_env_raises(monkeypatch, bad):
    monkeypatch.setenv("CNNLIB_THREADS", bad)
    with pytest.raises(ValueError, match=HANGUL) as info:
        runtime.default_threads()
    assert bad in str(info.value)


def test_set_threads_sets_torch():
    assert runtime.set_threads(2) == 2
    assert torch.get_num_threads() == 2
    assert runtime.set_threads() == 1  # CNNLIB_THREADS=1 from conftest
    assert torch.get_num_threads() == 1


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"], ids=["zero", "negative", "float", "bool", "string"])
def test_set_threads_rejects_bad_values(bad):
    with pytest.raises(ValueError, match=HANGUL):
        runtime.set_threads(bad)


# ---------------------------------------------------------------- setup / report
def test_setup_prints_one_summary_line(capsys, no_accelerator):
    dev = cnnlib.setup(seed=7)
    out = capsys.readouterr().out
    assert isinstance(dev, torch.device) and dev.type == "cpu"
    assert out.count("\n") == 1  # 각 장의 맨 위에 한 줄
    assert out.startswith("실행 프로필: ci (")
    assert runtime.PROFILE_DESCRIPTIONS["ci"] in out
    assert "장치: cpu · " in out and "CPU 스레드: 1" in out and "시드: 7" in out
    assert f"PyTorch {torch.__version__.split('+')[0]}" in out
    assert out.strip() == runtime.summary_line(seed=7, threads=1)
    assert torch.get_num_threads() == 1


def test_setup_seeds_and_can_be_quiet(capsys):
    cnnlib.setup(seed=5, quiet=True)
    a = torch.randn(4)
    cnnlib.setup(seed=5, quiet=True)
    b = torch.randn(4)
    assert torch.equal(a, b)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("profile", ["cpu", "gpu"])
def test_setup_names_other_profiles(monkeypatch, capsys, profile):
    monkeypatch.setenv("CNNLIB_PROFILE", profile)
    cnnlib.setup()
    assert f"실행 프로필: {profile} ({runtime.PROFILE_DESCRIPTIONS[profile]})" in capsys.readouterr().out


@pytest.fixture
def fake_cuda(monkeypatch, no_accelerator):
    """CUDA GPU 두 개(이름 'Tesla T4', 메모리 15 GiB)가 있는 척합니다."""
    from types import SimpleNamespace

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.setattr(torch.cuda, "get_device_properties",
                        lambda i: SimpleNamespace(name="Tesla T4", total_memory=15 * 1024**3))
    monkeypatch.setattr(torch.version, "cuda", "12.4")


def test_device_description_cpu_cuda_mps(monkeypatch, no_accelerator, fake_cuda):
    assert runtime.device_description() == "cuda (Tesla T4, 메모리 15.0 GB, 모두 2개)"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert runtime.device_description() == "cpu"
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert runtime.device_description() == "mps (Apple 실리콘 GPU)"


def test_summary_line_on_gpu(capsys, fake_cuda, monkeypatch):
    monkeypatch.delenv("CNNLIB_PROFILE")
    cnnlib.setup(seed=0)
    line = capsys.readouterr().out.strip()
    assert line.startswith("실행 프로필: gpu (") and "장치: cuda (Tesla T4, 메모리 15.0 GB, 모두 2개)" in line
    assert "\n" not in line


REPORT_KEYS = ["파이썬", "운영체제", "PyTorch", "torchvision", "CUDA", "MPS", "장치", "실행 프로필",
               "CPU 코어 / PyTorch 스레드", "데이터 폴더", "데이터셋", "위젯"]


def test_report_prints_and_returns_dict(monkeypatch, capsys, tmp_path, no_accelerator):
    monkeypatch.setenv("CNNLIB_DATA", str(tmp_path))
    info = cnnlib.report()
    out = capsys.readouterr().out
    assert list(info) == REPORT_KEYS
    assert out.splitlines()[0] == "cnnlib 실행 환경"
    assert len(out.splitlines()) == 1 + len(REPORT_KEYS)
    for key, value in info.items():
        assert key in out and str(value) in out
        assert re.search(HANGUL, key + value) or key in ("PyTorch", "torchvision") or value[0].isdigit(), (key, value)
    assert info["PyTorch"] == torch.__version__
    assert info["데이터 폴더"] == str(tmp_path)
    assert info["실행 프로필"].startswith("ci ")
    assert info["CUDA"] == "없음" and info["MPS"] == "없음" and info["장치"] == "cpu"
    assert info["데이터셋"].startswith("MNIST 없음 · FashionMNIST 없음 · CIFAR10 없음")
    assert list(tmp_path.iterdir()) == []  # report() only reads


def test_report_short_prints_the_summary_line(capsys):
    info = cnnlib.report(short=True)
    out = capsys.readouterr().out
    assert out.strip() == runtime.summary_line() and out.count("\n") == 1
    assert list(info) == REPORT_KEYS


def test_report_names_cuda_gpu_and_memory(capsys, fake_cuda):
    info = cnnlib.report()
    assert info["CUDA"] == "사용 가능 — Tesla T4, 메모리 15.0 GB (CUDA 12.4)"
    assert info["장치"] == "cuda"
    assert "Tesla T4" in capsys.readouterr().out


def test_report_in_colab_without_gpu_says_how_to_turn_it_on(monkeypatch, capsys, no_accelerator):
    monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    info = cnnlib.report()
    out = capsys.readouterr().out
    assert "런타임 유형 변경" in out
    assert "enable_custom_widget_manager" in info["위젯"]


def test_dataset_status_lists_what_is_present(shared_data):
    assert runtime.dataset_status().startswith("MNIST 있음 · FashionMNIST 있음 · ")


@pytest.mark.parametrize(
    ("versions", "kernel", "expected"),
    [
        ({"ipywidgets": "8.1.7", "anywidget": "0.11.0"}, True, "그려집니다 — 노트북 커널 안입니다 (ipywidgets 8.1.7, anywidget 0.11.0)"),
        ({"ipywidgets": "8.1.7", "anywidget": "0.11.0"}, False, "노트북 밖입니다"),
        ({"ipywidgets": "8.1.7", "anywidget": None}, True, "그려지지 않습니다 — anywidget이(가) 없습니다"),
        ({"ipywidgets": None, "anywidget": None}, True, "그려지지 않습니다 — ipywidgets, anywidget이(가) 없습니다"),
    ],
    ids=["kernel", "script", "no-anywidget", "nothing"],
)
def test_widget_status(monkeypatch, versions, kernel, expected):
    monkeypatch.setattr(runtime, "_package_version", versions.get)
    monkeypatch.setattr(runtime, "_in_notebook_kernel", lambda: kernel)
    assert runtime.widget_status().startswith(expected)


def test_widget_status_here_is_outside_a_kernel():
    # pytest는 노트북 커널이 아니고, 이 가상 환경에는 ipywidgets와 anywidget이 있습니다.
    assert not runtime._in_notebook_kernel()
    assert runtime.widget_status().startswith("노트북 밖입니다")
    assert runtime._package_version("no-such-package-cnnlib") is None


def test_short_path_uses_tilde_under_home(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert runtime._short_path(tmp_path / ".cache" / "cnnlib") == "~/.cache/cnnlib"
    assert runtime._short_path("/somewhere/else") == "/somewhere/else"


# ---------------------------------------------------------------- package entry point
def _run_python(code: str, repo_root, **env) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PYTHONPATH": str(repo_root), **env}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ,
                          timeout=60, check=False)


HEAVY = ("torch", "torchvision", "matplotlib")


def test_import_cnnlib_is_cheap(repo_root):
    code = (
        "import json, sys, cnnlib\n"
        "cnnlib.profile(); cnnlib.pick(ci=1, cpu=2, gpu=3)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}"
        " or m in ('cnnlib.functional', 'cnnlib.data', 'cnnlib.train', 'cnnlib.plot'))))"
    )
    result = _run_python(code, repo_root, CNNLIB_PROFILE="ci")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [], "import cnnlib pulled in heavy modules"


@pytest.mark.parametrize("name", ["functional", "data", "train", "runtime", "book"])
def test_submodules_by_attribute(name):
    import importlib

    assert getattr(cnnlib, name) is importlib.import_module(f"cnnlib.{name}")
    assert name in dir(cnnlib)


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match=HANGUL):
        _ = cnnlib.no_such_thing
    assert not hasattr(cnnlib, "conv2d_typo")
    with pytest.raises(ImportError):
        from cnnlib import no_such_thing  # noqa: F401


def test_public_api():
    for name in cnnlib.__all__:
        assert hasattr(cnnlib, name), name
    assert {"functional", "data", "train", "plot", "check", "runtime"} <= set(dir(cnnlib))
    assert isinstance(cnnlib.__version__, str)
