"""Shared fixtures for the cnnlib and book-structure tests.

* ``repo_root`` — the repository root (this file's parent's parent).
* ``shared_data`` — the offline MNIST/FashionMNIST folder ``../shared/data``
  next to the repository; sets ``CNNLIB_DATA`` to it, or skips when it is absent.
* an autouse fixture that runs every test in the ``ci`` profile with one thread
  (a test may override with ``monkeypatch``) and closes matplotlib figures.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

# matplotlib은 화면 없이 그립니다 (pyplot을 불러오기 전에 정해야 합니다).
os.environ["MPLBACKEND"] = "Agg"
# hypothesis keeps its cache outside the repository (a .hypothesis/ folder in the root makes
# its pytest plugin warn, because pyproject's norecursedirs replaces pytest's default '.*').
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "cnn-book-hypothesis"))

REPO_ROOT = Path(__file__).resolve().parents[1]
# 저장소 옆의 오프라인 데이터 폴더 (../shared/data). 절대 경로를 적지 않습니다.
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

if str(REPO_ROOT) not in sys.path:  # `pytest` run without `source .ci/setup`
    sys.path.insert(0, str(REPO_ROOT))


def pytest_configure(config):
    # koreanize_matplotlib 0.1.1 uses distutils' LooseVersion; the warning is not ours.
    config.addinivalue_line("filterwarnings", "ignore:distutils Version classes:DeprecationWarning")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_data_path() -> Path:
    """The offline data folder, without touching the environment."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"오프라인 데이터 폴더가 없습니다: {SHARED_DATA} "
            "(offline MNIST/FashionMNIST folder ../shared/data not found)"
        )
    return SHARED_DATA


@pytest.fixture
def shared_data(shared_data_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Points ``CNNLIB_DATA`` at ``../shared/data`` for one test."""
    monkeypatch.setenv("CNNLIB_DATA", str(shared_data_path))
    return shared_data_path


@pytest.fixture(autouse=True)
def _ci_environment(monkeypatch: pytest.MonkeyPatch):
    """Every test starts in the ``ci`` profile with one CPU thread.

    Tests that need something else call ``monkeypatch.setenv``/``delenv``
    themselves; the same ``monkeypatch`` undoes both afterwards.
    """
    monkeypatch.setenv("CNNLIB_PROFILE", "ci")
    monkeypatch.setenv("CNNLIB_THREADS", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    torch = sys.modules.get("torch")
    threads = torch.get_num_threads() if torch is not None else None
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    torch = sys.modules.get("torch")
    if torch is not None and threads is not None and torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
