"""합성곱 산술 탐색기 (convolution arithmetic explorer).

입력 크기·커널 크기·패딩·스트라이드·팽창을 슬라이더로 바꾸면, 입력 격자 위로 커널이
미끄러지는 모습과 출력 크기 식 ⌊(W + 2P − D·(K−1) − 1) / S⌋ + 1 이 바로 바뀝니다.

화면과 계산은 모두 ``conv_arithmetic.js`` 에 있고, 이 파이썬 클래스는 다섯 값만 들고
있습니다. 그래서 커널이 없는 정적 웹사이트에서도 JupyterLab·Colab 에서처럼 움직입니다.

>>> from cnnlib.explore import ConvArithmetic
>>> w = ConvArithmetic(size=7, kernel=3, padding=1, stride=2)
>>> w.padding = 2          # 파이썬에서 바꾸면 화면도 바뀝니다
"""

from __future__ import annotations

import anywidget
import traitlets

from ._common import bundle, check_in_limits

__all__ = ["ConvArithmetic", "LIMITS", "check_params"]

#: 값마다 (한국어 이름, 최솟값, 최댓값). 슬라이더 범위와 같습니다 (conv_arithmetic.js 의 PARAMS).
LIMITS = {
    "size": ("입력 크기", 1, 16),
    "kernel": ("커널 크기", 1, 7),
    "padding": ("패딩", 0, 4),
    "stride": ("스트라이드", 1, 4),
    "dilation": ("팽창", 1, 3),
}


def _check_one(name: str, value) -> int:
    """값 하나가 정수이고 슬라이더 범위 안에 있는지 확인합니다."""
    return check_in_limits(LIMITS, name, value)


def check_params(size: int, kernel: int, padding: int, stride: int, dilation: int) -> int:
    """다섯 값을 검사하고 출력 크기를 돌려줍니다.

    범위를 벗어나거나 정수가 아니면 ``ValueError``/``TypeError`` 를, 커널이 패딩한
    입력보다 크면 :func:`cnnlib.functional.output_size` 의 ``ValueError`` 를 냅니다.
    """
    values = {"size": size, "kernel": kernel, "padding": padding, "stride": stride, "dilation": dilation}
    for name, value in values.items():
        _check_one(name, value)
    # PyTorch를 불러오므로 필요할 때만 가져옵니다.
    from cnnlib.functional import output_size

    return output_size(size, kernel, padding, stride, dilation)


class ConvArithmetic(anywidget.AnyWidget):
    """합성곱 산술 탐색기.

    매개변수
    --------
    size : 입력 크기 W (1–16)
    kernel : 커널 크기 K (1–7)
    padding : 패딩 P (0–4)
    stride : 스트라이드 S (1–4)
    dilation : 팽창 D (1–3)

    처음 값은 검사합니다: 커널이 패딩한 입력보다 크면 ``ValueError`` 입니다. 화면에서
    슬라이더를 움직여 그런 값을 만들면 격자 대신 안내문이 나옵니다.
    """

    _esm = bundle("conv_arithmetic.js")
    _css = bundle("conv_arithmetic.css")

    size = traitlets.Int(7).tag(sync=True)
    kernel = traitlets.Int(3).tag(sync=True)
    padding = traitlets.Int(1).tag(sync=True)
    stride = traitlets.Int(2).tag(sync=True)
    dilation = traitlets.Int(1).tag(sync=True)

    def __init__(self, size: int = 7, kernel: int = 3, padding: int = 1, stride: int = 2, dilation: int = 1):
        check_params(size, kernel, padding, stride, dilation)
        super().__init__(size=size, kernel=kernel, padding=padding, stride=stride, dilation=dilation)

    @traitlets.validate(*LIMITS)
    def _validate_range(self, proposal):
        # 만든 뒤에 파이썬에서 값을 바꿀 때도 (w.padding = 9) 범위를 확인합니다.
        return _check_one(proposal["trait"].name, proposal["value"])

    def __repr__(self) -> str:
        return (
            f"ConvArithmetic(size={self.size}, kernel={self.kernel}, padding={self.padding}, "
            f"stride={self.stride}, dilation={self.dilation})"
        )
