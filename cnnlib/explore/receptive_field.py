"""수용 영역 탐색기 (receptive field explorer).

같은 합성곱 층을 여러 개 쌓을 때 맨 위 층의 한 칸이 입력의 몇 칸을 보는지(수용 영역)를
보여 줍니다. 슬라이더로 층 수·커널·스트라이드·팽창을 바꾸면 1차원 그림(맨 아래가 입력, 위로
층마다 한 줄)과 층마다의 계산표가 바로 바뀝니다. 위 칸에 마우스를 올리면 그 칸이 읽는 아래
칸들이 층마다 칠해집니다. 표는 다음 점화식을 층마다 계산합니다.

    r_l = r_{l−1} + (k − 1)·d·j_{l−1},    j_l = j_{l−1}·s,    r_0 = 1, j_0 = 1

(r: 수용 영역, j: 점프 — 이웃한 두 칸이 입력에서 떨어진 거리)

화면과 계산은 모두 ``receptive_field.js`` 에 있습니다. 그래서 커널이 없는 정적 웹사이트에서도
JupyterLab·Colab 에서처럼 움직입니다.

>>> from cnnlib.explore import ReceptiveField
>>> w = ReceptiveField(layers=3, kernel=3)
>>> w.stride = 2             # 파이썬에서 바꾸면 화면도 바뀝니다
>>> w.pool = True            # 2층마다 2×2 풀링 (1차원으로는 창 2, 스트라이드 2)

브라우저 테스트가 찾는 표시 (HTML 속성)
-------------------------------------
* 슬라이더: ``input[data-param="layers" | "kernel" | "stride" | "dilation"]``, 옆의 값은
  ``data-role="value-layers"`` 처럼 ``value-이름``. 풀링 상자: ``input[data-param="pool"]``.
* ``data-role="formula"``: 점화식. ``data-role="rf-table"``: 계산표 (``tbody tr[data-layer]``,
  칸 ``td[data-role="jump"]``·``td[data-role="rf"]``; 고른 층의 줄은 ``is-selected`` 클래스).
* ``data-role="rf-size"``: 맨 위 층 한 칸의 수용 영역 문장. ``data-value`` 에 r,
  ``data-used`` 에 실제로 읽는 입력 칸 수.
* ``data-role="diagram"``: 그림 (SVG). 칸은 ``rect[data-layer][data-unit]`` (0층이 입력),
  고른 칸은 ``data-selected="1"``, 고른 칸이 읽는 칸은 ``data-dep="1"``.
  칸이 너무 촘촘한 줄은 ``rect[data-role="band"][data-layer][data-count]`` 띠 하나로 그리고,
  ``data-role="band-note"`` 에 그 설명이 나옵니다.
* ``data-role="rf-bracket"``: 입력 줄 아래 괄호 (``data-first``·``data-last``: 입력 칸 번호).
* ``data-role="status"``: 고른 칸 설명 (``data-layer``·``data-unit``).
* ``data-role="prev"`` / ``data-role="next"``: 맨 위 층의 칸을 하나씩 옮기는 단추.
"""

from __future__ import annotations

import anywidget
import traitlets

from ._common import bundle, check_in_limits

__all__ = ["ReceptiveField", "LIMITS", "check_params"]

#: 값마다 (한국어 이름, 최솟값, 최댓값). 슬라이더 범위와 같습니다 (receptive_field.js 의 PARAMS).
LIMITS = {
    "layers": ("층 수", 1, 6),
    "kernel": ("커널", 1, 7),
    "stride": ("스트라이드", 1, 3),
    "dilation": ("팽창", 1, 3),
}


def _check_one(name: str, value) -> int:
    """값 하나가 정수이고 슬라이더 범위 안에 있는지 확인합니다."""
    return check_in_limits(LIMITS, name, value)


def _check_pool(value) -> bool:
    if not isinstance(value, bool):
        raise TypeError(
            f"풀링(pool)은 True 나 False 여야 합니다. 받은 값: {value!r} ({type(value).__name__}) "
            "(pool must be a bool)"
        )
    return value


def check_params(layers: int, kernel: int, stride: int, dilation: int, pool: bool = False) -> None:
    """값들을 검사합니다: 범위를 벗어나거나 타입이 틀리면 ``ValueError``/``TypeError``."""
    for name, value in {"layers": layers, "kernel": kernel, "stride": stride, "dilation": dilation}.items():
        _check_one(name, value)
    _check_pool(pool)


class ReceptiveField(anywidget.AnyWidget):
    """수용 영역 탐색기.

    매개변수
    --------
    layers : 합성곱 층 수 L (1–6). 모든 층이 같은 커널·스트라이드·팽창을 씁니다.
    kernel : 커널 크기 k (1–7)
    stride : 스트라이드 s (1–3)
    dilation : 팽창 d (1–3)
    pool : 참이면 합성곱 2층마다 2×2 풀링 (1차원 그림에서는 창 2, 스트라이드 2)을 넣습니다.

    층은 패딩 없이 쌓습니다. 패딩은 층마다 칸 수만 바꾸고 수용 영역의 크기는 바꾸지 않습니다.
    """

    _esm = bundle("receptive_field.js")
    _css = bundle("receptive_field.css")

    layers = traitlets.Int(3).tag(sync=True)
    kernel = traitlets.Int(3).tag(sync=True)
    stride = traitlets.Int(1).tag(sync=True)
    dilation = traitlets.Int(1).tag(sync=True)
    pool = traitlets.Bool(False).tag(sync=True)

    def __init__(
        self, layers: int = 3, kernel: int = 3, stride: int = 1, dilation: int = 1, pool: bool = False
    ):
        check_params(layers, kernel, stride, dilation, pool)
        super().__init__(layers=layers, kernel=kernel, stride=stride, dilation=dilation, pool=pool)

    @traitlets.validate(*LIMITS)
    def _validate_range(self, proposal):
        # 만든 뒤에 파이썬에서 값을 바꿀 때도 (w.kernel = 9) 범위를 확인합니다.
        return _check_one(proposal["trait"].name, proposal["value"])

    def __repr__(self) -> str:
        return (
            f"ReceptiveField(layers={self.layers}, kernel={self.kernel}, stride={self.stride}, "
            f"dilation={self.dilation}, pool={self.pool})"
        )
