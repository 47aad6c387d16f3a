"""풀링 탐색기 (pooling explorer).

작은 입력 격자에 창(window)을 미끄러뜨리며 최대 풀링이나 평균 풀링을 계산합니다. 슬라이더로
입력 크기·창 크기·스트라이드·패딩을 바꾸고, 입력 칸을 눌러 숫자를 고치면 출력이 바로 다시
계산됩니다. 출력 칸 위에 마우스를 올리면 (또는 "다음 칸" 단추를 누르면) 그 칸의 창이 입력에
칠해지고, 최대 풀링이면 창마다 가장 큰 칸(argmax)에 표시가 붙습니다.

화면과 계산은 모두 ``pooling.js`` 에 있습니다. 그래서 커널이 없는 정적 웹사이트에서도
JupyterLab·Colab 에서처럼 움직이고, JupyterLab 에서 고친 입력 값은 ``w.values`` 로 돌아옵니다.

>>> from cnnlib.explore import Pooling
>>> w = Pooling(size=6, kernel=2, stride=2, mode="max")
>>> w.mode = "avg"             # 파이썬에서 바꾸면 화면도 바뀝니다
>>> w.values[0][:3]            # 화면에서 고친 값도 여기에 보입니다
[3, 9, 4]

브라우저 테스트가 찾는 표시 (HTML 속성)
-------------------------------------
* 슬라이더: ``input[data-param="size" | "kernel" | "stride" | "padding"]``, 옆의 값은
  ``data-role="value-size"`` 처럼 ``value-이름``.
* 최대/평균 단추: ``button[data-param="mode"][data-value="max" | "avg"]``,
  누른 단추는 ``aria-pressed="true"``.
* ``data-role="formula"``: 출력 크기 식 (예: ``⌊(6 − 2) / 2⌋ + 1 = … = 3``), 그 안의 한 줄은
  ``data-role="formula-line"``.
* ``data-role="stage"``: 두 격자가 놓이는 곳. 격자 제목은 ``data-role="input-caption"`` /
  ``data-role="output-caption"``.
* ``data-role="input-grid"`` / ``data-role="output-grid"``: 격자. ``data-rows``·``data-cols`` 가
  크기입니다. 칸마다 ``data-row``·``data-col`` (입력 격자는 패딩을 포함한 좌표).
  입력 칸은 ``<input data-role="input-cell">`` (패딩 칸은 ``<span data-pad="1">``),
  출력 칸은 ``data-role="output-cell"`` 이고 ``data-value`` 에 반올림하지 않은 값이 있습니다.
* 지금 고른 출력 칸: ``data-current="1"``. 그 창에 든 입력 칸: ``data-in-window="1"``.
  최대 풀링에서 어느 창이든 최댓값인 칸: ``data-argmax="1"``, 지금 창의 최댓값 칸:
  ``data-current-argmax="1"``. 어떤 창에도 들지 않는 칸: ``data-unused="1"``.
* ``data-role="status"``: 지금 칸의 계산 (예: ``최대 max(3, 9, 2, 0) = 9``).
* ``data-role="step"`` (다음 칸), ``data-role="reset"`` (처음 값으로) 단추.
* ``data-role="message"``: 창이 들어가지 않거나 패딩이 너무 클 때의 안내문 (격자 대신).
* ``data-role="edit-note"``: 잘못 입력한 값에 대한 안내.
"""

from __future__ import annotations

import math
import numbers

import anywidget
import traitlets

from ._common import bundle, check_in_limits

__all__ = ["Pooling", "LIMITS", "MODES", "check_params", "check_values", "default_values", "resize_values"]

#: 값마다 (한국어 이름, 최솟값, 최댓값). 슬라이더 범위와 같습니다 (pooling.js 의 PARAMS).
LIMITS = {
    "size": ("입력 크기", 2, 10),
    "kernel": ("창 크기", 1, 4),
    "stride": ("스트라이드", 1, 4),
    "padding": ("패딩", 0, 1),
}

#: 풀링 방식과 한국어 이름 (pooling.js 의 MODES).
MODES = {"max": "최대", "avg": "평균"}


def default_value(row: int, col: int) -> int:
    """처음 격자의 (row, col) 칸 값: 0–9 의 정수. pooling.js 의 defaultValue 와 같은 식입니다.

    칸 번호 k = 10·row + col 을 섞어 무작위처럼 보이게 합니다. 격자 크기와 무관하므로 크기를
    바꿔도 왼쪽 위의 값은 그대로입니다.
    """
    k = 10 * row + col
    return (73 * k + 41) * (k + 7) % 97 % 10


def default_values(size: int) -> list[list[int]]:
    """size×size 의 처음 격자."""
    return [[default_value(r, c) for c in range(size)] for r in range(size)]


def resize_values(values: list[list[float]], size: int) -> list[list[float]]:
    """격자를 size×size 로 바꿉니다: 겹치는 칸은 그대로 두고, 새 칸은 처음 격자의 값으로 채웁니다.

    입력 크기 슬라이더를 움직일 때 pooling.js 의 resizeValues 가 똑같이 합니다.
    """
    old = len(values)
    return [
        [values[r][c] if r < old and c < len(values[r]) else default_value(r, c) for c in range(size)]
        for r in range(size)
    ]


def _check_one(name: str, value) -> int:
    """값 하나가 정수이고 슬라이더 범위 안에 있는지 확인합니다."""
    return check_in_limits(LIMITS, name, value)


def _check_mode(mode) -> str:
    if mode not in MODES:
        raise ValueError(
            f"풀링 방식(mode)은 'max'(최대)나 'avg'(평균)여야 합니다. 받은 값: {mode!r} "
            "(mode must be 'max' or 'avg')"
        )
    return mode


def check_values(values, size: int) -> list[list[int | float]]:
    """입력 격자를 검사하고 JSON 으로 보낼 수 있는 리스트의 리스트로 돌려줍니다.

    size×size 의 유한한 실수만 받습니다 (넘파이 배열·텐서는 ``tolist()`` 로 바꿉니다).
    정수는 int, 나머지는 float 로 바꿉니다.
    """
    if hasattr(values, "tolist") and not isinstance(values, (list, tuple)):
        values = values.tolist()
    shape_error = ValueError(
        f"입력 값(values)은 {size}×{size} 숫자 격자(리스트의 리스트)여야 합니다. "
        f"받은 값: {values!r:.80} (values must be a {size}x{size} list of lists)"
    )
    if not isinstance(values, (list, tuple)) or len(values) != size:
        raise shape_error
    grid = []
    for r, row in enumerate(values):
        if not isinstance(row, (list, tuple)) or len(row) != size:
            raise shape_error
        clean = []
        for c, v in enumerate(row):
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise TypeError(
                    f"입력 값(values)의 ({r}, {c}) 칸은 숫자여야 합니다. 받은 값: {v!r} "
                    f"({type(v).__name__}) (values must be numbers)"
                )
            if not math.isfinite(v):
                raise ValueError(
                    f"입력 값(values)의 ({r}, {c}) 칸은 유한한 숫자여야 합니다. 받은 값: {v!r} "
                    "(values must be finite)"
                )
            clean.append(int(v) if isinstance(v, numbers.Integral) else float(v))
        grid.append(clean)
    return grid


def check_params(size: int, kernel: int, stride: int, padding: int = 0, mode: str = "max") -> int:
    """값들을 검사하고 출력 크기를 돌려줍니다.

    범위를 벗어나거나 정수가 아니면 ``ValueError``/``TypeError`` 를 냅니다. 패딩은 PyTorch 처럼
    창 크기의 절반 이하여야 하고, 창이 패딩한 입력보다 크면
    :func:`cnnlib.functional.output_size` 의 ``ValueError`` 를 (풀링 설명을 붙여) 냅니다.
    """
    for name, value in {"size": size, "kernel": kernel, "stride": stride, "padding": padding}.items():
        _check_one(name, value)
    _check_mode(mode)
    if 2 * padding > kernel:
        raise ValueError(
            f"패딩은 창 크기의 절반 이하여야 합니다 (PyTorch 규칙): 패딩 {padding} > 창 크기 {kernel} / 2. "
            "창을 키우거나 패딩을 0으로 하세요. (padding must be at most half the kernel size)"
        )
    # PyTorch를 불러오므로 필요할 때만 가져옵니다.
    from cnnlib.functional import output_size

    try:
        return output_size(size, kernel, padding, stride)
    except ValueError as error:
        raise ValueError(f"풀링 창이 입력에 들어가지 않습니다. {error}") from error


class Pooling(anywidget.AnyWidget):
    """풀링 탐색기.

    매개변수
    --------
    size : 입력 크기 W (2–10). 주지 않으면 6, ``values`` 를 주면 그 격자의 크기.
    kernel : 창 크기 K (1–4)
    stride : 스트라이드 S (1–4)
    padding : 패딩 P (0–1, 창 크기의 절반 이하). 최대 풀링은 −∞, 평균 풀링은 0 으로 채웁니다
        (평균에는 패딩 칸도 넣습니다: PyTorch 의 기본값 ``count_include_pad=True``).
    mode : ``"max"`` (최대 풀링) 또는 ``"avg"`` (평균 풀링)
    values : size×size 숫자 격자. 주지 않으면 0–9 의 정수로 된 정해진 격자.

    처음 값은 검사합니다. 화면에서 슬라이더를 움직여 창이 들어가지 않는 값을 만들면 격자 대신
    안내문이 나옵니다. 입력 크기를 바꾸면 (화면에서든 파이썬에서든) 겹치는 칸의 값은 그대로 두고
    새 칸만 처음 격자의 값으로 채웁니다.
    """

    _esm = bundle("pooling.js")
    _css = bundle("pooling.css")

    size = traitlets.Int(6).tag(sync=True)
    kernel = traitlets.Int(2).tag(sync=True)
    stride = traitlets.Int(2).tag(sync=True)
    padding = traitlets.Int(0).tag(sync=True)
    mode = traitlets.Unicode("max").tag(sync=True)
    values = traitlets.List().tag(sync=True)

    def __init__(
        self,
        size: int | None = None,
        kernel: int = 2,
        stride: int = 2,
        mode: str = "max",
        values=None,
        padding: int = 0,
    ):
        if size is None:
            size = len(values) if values is not None and hasattr(values, "__len__") else 6
        check_params(size, kernel, stride, padding, mode)
        grid = default_values(size) if values is None else check_values(values, size)
        super().__init__(size=size, kernel=kernel, stride=stride, padding=padding, mode=mode, values=grid)

    @traitlets.validate(*LIMITS)
    def _validate_range(self, proposal):
        # 만든 뒤에 파이썬에서 값을 바꿀 때도 (w.kernel = 9) 범위를 확인합니다.
        return _check_one(proposal["trait"].name, proposal["value"])

    @traitlets.validate("mode")
    def _validate_mode(self, proposal):
        return _check_mode(proposal["value"])

    @traitlets.validate("values")
    def _validate_values(self, proposal):
        return check_values(proposal["value"], self.size)

    @traitlets.observe("size")
    def _resize(self, change):
        # 파이썬에서 w.size 만 바꾸면 격자도 맞춥니다. 화면은 크기와 격자를 함께 보내므로
        # 이미 맞는 격자는 건드리지 않습니다.
        if len(self.values) != change["new"]:
            self.values = resize_values(self.values, change["new"])

    def __repr__(self) -> str:
        return (
            f"Pooling(size={self.size}, kernel={self.kernel}, stride={self.stride}, "
            f"padding={self.padding}, mode={self.mode!r})"
        )
