"""cnnlib — 합성곱 신경망 인터랙티브 교과서의 실습 패키지.

``import cnnlib``은 가볍습니다: PyTorch와 matplotlib은 하위 모듈을 처음 쓸 때
불러옵니다. 자주 쓰는 함수는 여기서 바로 부를 수 있습니다.

>>> import cnnlib
>>> device = cnnlib.setup()                       # 프로필·시드·스레드·장치
>>> epochs = cnnlib.pick(ci=1, cpu=3, gpu=15)      # 프로필에 맞는 크기
"""

from __future__ import annotations

import importlib

from .book import glue
from .runtime import PROFILES, device, pick, profile, report, seed_everything, set_threads, setup

__version__ = "0.1.0"

_SUBMODULES = ("runtime", "data", "functional", "cost", "models", "parallel", "plot", "train", "check", "explore", "book", "visualize", "transfer", "compare", "precision")

__all__ = [
    "PROFILES",
    "device",
    "glue",
    "pick",
    "profile",
    "report",
    "seed_everything",
    "set_threads",
    "setup",
    *_SUBMODULES,
]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"cnnlib에는 {name!r}이(가) 없습니다. (module 'cnnlib' has no attribute {name!r})")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
