"""인터랙티브 탐색기 (interactive explorers).

탐색기는 anywidget 으로 만들고, 계산과 화면은 모두 자바스크립트에 있습니다. 그래서
JupyterLab·Colab 은 물론, 커널이 없는 책 웹사이트에서도 슬라이더가 움직입니다.

* :class:`ConvArithmetic` — 입력·커널·패딩·스트라이드·팽창과 출력 크기 (3장)
* :class:`Pooling` — 창·스트라이드·최대/평균 풀링을 고칠 수 있는 작은 격자에서 (4장)
* :class:`ReceptiveField` — 층을 쌓을 때 수용 영역이 자라는 모습 (5장)

``import cnnlib.explore`` 는 가볍습니다: anywidget 은 탐색기를 처음 쓸 때 불러옵니다.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .conv_arithmetic import ConvArithmetic
    from .pooling import Pooling
    from .receptive_field import ReceptiveField

__all__ = ["ConvArithmetic", "Pooling", "ReceptiveField"]

# 이름 → 그 이름이 있는 하위 모듈
_LAZY = {"ConvArithmetic": "conv_arithmetic", "Pooling": "pooling", "ReceptiveField": "receptive_field"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(
        f"cnnlib.explore에는 {name!r}이(가) 없습니다. (module 'cnnlib.explore' has no attribute {name!r})"
    )


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
