"""직접 구현한 합성곱·풀링 연산 (가르치기 위한 코드).

PyTorch의 ``torch.nn.functional.conv2d``가 하는 일을 두 가지 방법으로 다시
만듭니다.

* :func:`conv2d_loops` — 출력의 한 칸마다 창(window)을 잘라 가중치와 곱해
  더합니다. 정의를 그대로 옮긴 코드라 읽기 쉽지만 느립니다.
* :func:`conv2d_im2col` — 모든 창을 한 번에 펼쳐 행렬 하나로 만든 뒤
  (im2col), 행렬 곱셈 한 번으로 계산합니다. 실제 라이브러리가 쓰는 방법 중
  하나입니다.

텐서 모양은 PyTorch와 같습니다: 입력 ``(N, C, H, W)``, 가중치
``(C_out, C_in / groups, K_h, K_w)``. 모든 인자는 검사하며, 잘못된 값에는
무엇이 잘못되었는지 한국어로 알려 주는 ``ValueError``/``TypeError``를 냅니다.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = [
    "output_size",
    "pad2d",
    "im2col",
    "conv2d",
    "conv2d_loops",
    "conv2d_im2col",
    "correlate2d",
    "convolve2d",
    "pool2d",
]


# ---------------------------------------------------------------- 인자 검사
def _check_int(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"{name}은(는) 정수여야 합니다. 받은 값: {value!r} ({type(value).__name__}) "
            f"({name} must be an int)"
        )
    if value < minimum:
        raise ValueError(
            f"{name}은(는) {minimum} 이상이어야 합니다. 받은 값: {value} "
            f"({name} must be >= {minimum})"
        )
    return value


def _pair(value, name: str, minimum: int) -> tuple[int, int]:
    """정수 하나나 정수 두 개짜리 튜플을 ``(세로, 가로)`` 쌍으로 바꿉니다."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"{name}은(는) 정수 하나나 (세로, 가로) 두 개여야 합니다. 받은 값: {value!r}"
            )
        return (_check_int(value[0], name, minimum), _check_int(value[1], name, minimum))
    v = _check_int(value, name, minimum)
    return (v, v)


def _check_tensor(x, name: str, ndim: int, hint: str = "") -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name}은(는) torch.Tensor여야 합니다. 받은 타입: {type(x).__name__}")
    if x.dim() != ndim:
        raise ValueError(
            f"{name}은(는) {ndim}차원 텐서여야 합니다{hint}. 받은 모양: {tuple(x.shape)} "
            f"({name} must be {ndim}-D, got {x.dim()}-D)"
        )
    if not x.is_floating_point():
        raise TypeError(f"{name}은(는) 실수 텐서여야 합니다. 받은 dtype: {x.dtype}")
    return x


def _effective(kernel: int, dilation: int) -> int:
    """팽창(dilation)을 적용한 커널이 실제로 덮는 폭: d·(K−1)+1."""
    return dilation * (kernel - 1) + 1


# ---------------------------------------------------------------- 출력 크기
def output_size(size, kernel, padding=0, stride=1, dilation=1):
    """합성곱·풀링 출력 크기 ⌊(W + 2P − d·(K−1) − 1) / S⌋ + 1.

    팽창이 1이면 책에서 쓰는 식 ⌊(W − K + 2P) / S⌋ + 1과 같습니다. 인자는
    정수 하나(정사각형)나 ``(세로, 가로)`` 쌍입니다. 쌍을 하나라도 주면
    ``(H_out, W_out)``을, 모두 정수면 정수 하나를 돌려줍니다.

    >>> output_size(32, 5)
    28
    >>> output_size(227, 11, stride=4)
    55
    """
    pairs = any(isinstance(v, (tuple, list)) for v in (size, kernel, padding, stride, dilation))
    sizes = _pair(size, "입력 크기(size)", 1)
    kernels = _pair(kernel, "커널 크기(kernel)", 1)
    paddings = _pair(padding, "패딩(padding)", 0)
    strides = _pair(stride, "스트라이드(stride)", 1)
    dilations = _pair(dilation, "팽창(dilation)", 1)
    result = []
    for w, k, p, s, d in zip(sizes, kernels, paddings, strides, dilations, strict=True):
        span = _effective(k, d)
        if span > w + 2 * p:
            raise ValueError(
                f"커널이 패딩한 입력보다 큽니다: 커널이 덮는 폭 {span}"
                f"{f' (팽창 {d} 적용)' if d > 1 else ''} > 입력 {w} + 2×패딩 {p} = {w + 2 * p}. "
                "패딩을 늘리거나 커널을 줄이세요. (kernel larger than padded input)"
            )
        result.append((w + 2 * p - span) // s + 1)
    return tuple(result) if pairs else result[0]


# ---------------------------------------------------------------- 패딩과 im2col
def pad2d(x: torch.Tensor, padding=1, value: float = 0.0) -> torch.Tensor:
    """``(N, C, H, W)`` 텐서의 위·아래·왼쪽·오른쪽을 ``value``로 채웁니다."""
    _check_tensor(x, "입력 x", 4, " (N, C, H, W)")
    ph, pw = _pair(padding, "패딩(padding)", 0)
    if ph == 0 and pw == 0:
        return x
    return F.pad(x, (pw, pw, ph, ph), value=value)


def _windows(x, kernel, stride, dilation, out_hw):
    """커널의 각 위치 (i, j)마다 그 위치에 놓이는 입력 값을 모은 조각들.

    반환 모양: ``(N, C, K_h·K_w, H_out, W_out)``.
    """
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, stride, dilation, out_hw
    pieces = []
    for i in range(kh):
        for j in range(kw):
            top, left = i * dh, j * dw
            pieces.append(
                x[:, :, top : top + sh * (ho - 1) + 1 : sh, left : left + sw * (wo - 1) + 1 : sw]
            )
    return torch.stack(pieces, dim=2)


def im2col(x: torch.Tensor, kernel_size, stride=1, padding=0, dilation=1) -> torch.Tensor:
    """입력의 모든 창을 열(column)로 펼칩니다 (``torch.nn.functional.unfold``와 같음).

    반환 모양: ``(N, C·K_h·K_w, H_out·W_out)``.
    """
    _check_tensor(x, "입력 x", 4, " (N, C, H, W)")
    kernel = _pair(kernel_size, "커널 크기(kernel_size)", 1)
    stride, padding, dilation = (
        _pair(stride, "스트라이드(stride)", 1),
        _pair(padding, "패딩(padding)", 0),
        _pair(dilation, "팽창(dilation)", 1),
    )
    out_hw = output_size(tuple(x.shape[2:]), kernel, padding, stride, dilation)
    cols = _windows(pad2d(x, padding), kernel, stride, dilation, out_hw)
    n, c = x.shape[:2]
    return cols.reshape(n, c * kernel[0] * kernel[1], out_hw[0] * out_hw[1])


# ---------------------------------------------------------------- 합성곱
def _conv_args(x, weight, bias, stride, padding, dilation, groups):
    _check_tensor(x, "입력 x", 4, " (N, C, H, W) — 이미지 한 장이면 x.unsqueeze(0)을 쓰세요")
    _check_tensor(weight, "가중치 weight", 4, " (C_out, C_in / groups, K_h, K_w)")
    groups = _check_int(groups, "그룹 수(groups)", 1)
    c_in, c_out, c_per_group = x.shape[1], weight.shape[0], weight.shape[1]
    if c_in % groups or c_out % groups:
        raise ValueError(
            f"입력 채널 {c_in}과 출력 채널 {c_out}은 그룹 수 {groups}로 나누어떨어져야 합니다."
        )
    if c_per_group * groups != c_in:
        raise ValueError(
            f"채널 수가 맞지 않습니다: 입력은 {c_in}채널인데 가중치는 그룹마다 {c_per_group}채널 × "
            f"{groups}그룹 = {c_per_group * groups}채널을 기대합니다. 필터의 깊이는 언제나 입력의 "
            f"깊이(채널 수)와 같아야 합니다. (channel mismatch: expected {c_per_group * groups}, "
            f"got {c_in})"
        )
    if weight.dtype != x.dtype:
        raise TypeError(f"입력({x.dtype})과 가중치({weight.dtype})의 dtype이 다릅니다.")
    if bias is not None:
        _check_tensor(bias, "편향 bias", 1, " (C_out,)")
        if bias.dtype != x.dtype:
            raise TypeError(f"입력({x.dtype})과 편향({bias.dtype})의 dtype이 다릅니다.")
        if bias.shape[0] != c_out:
            raise ValueError(f"편향의 길이 {bias.shape[0]}이 출력 채널 수 {c_out}과 다릅니다.")
    kernel = tuple(weight.shape[2:])
    stride = _pair(stride, "스트라이드(stride)", 1)
    padding = _pair(padding, "패딩(padding)", 0)
    dilation = _pair(dilation, "팽창(dilation)", 1)
    out_hw = output_size(tuple(x.shape[2:]), kernel, padding, stride, dilation)
    return kernel, stride, padding, dilation, groups, out_hw


def conv2d_loops(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """정의대로 계산하는 2차원 합성곱 (실제로는 교차 상관).

    출력의 각 칸 (i, j)마다 입력에서 커널 크기만 한 창을 잘라 내고, 각
    필터와 원소끼리 곱해 모두 더한 뒤 편향을 더합니다.
    """
    kernel, (sh, sw), padding, (dh, dw), groups, (ho, wo) = _conv_args(
        x, weight, bias, stride, padding, dilation, groups
    )
    n = x.shape[0]
    c_out, c_g = weight.shape[:2]
    xp = pad2d(x, padding)
    span_h, span_w = _effective(kernel[0], dh), _effective(kernel[1], dw)
    # 가중치를 (1, 그룹, 그룹당 출력 채널, 그룹당 입력 채널, K_h, K_w)로 나눠 둡니다.
    w = weight.reshape(1, groups, c_out // groups, c_g, *kernel)
    out = x.new_empty(n, c_out, ho, wo)
    for i in range(ho):
        for j in range(wo):
            top, left = i * sh, j * sw
            window = xp[:, :, top : top + span_h : dh, left : left + span_w : dw]
            window = window.reshape(n, groups, 1, c_g, *kernel)
            out[:, :, i, j] = (window * w).sum(dim=(3, 4, 5)).reshape(n, c_out)
    if bias is not None:
        out += bias.view(1, -1, 1, 1)
    return out


def conv2d_im2col(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """im2col과 행렬 곱셈 한 번으로 계산하는 2차원 합성곱.

    창을 모두 펼친 행렬 ``(C·K_h·K_w) × (H_out·W_out)``에 펼친 가중치
    ``C_out × (C·K_h·K_w)``를 곱하면 출력 전체가 한 번에 나옵니다.
    """
    kernel, stride, padding, dilation, groups, (ho, wo) = _conv_args(
        x, weight, bias, stride, padding, dilation, groups
    )
    n = x.shape[0]
    c_out = weight.shape[0]
    cols = _windows(pad2d(x, padding), kernel, stride, dilation, (ho, wo))
    # (N, 그룹, 그룹당 C·K_h·K_w, H_out·W_out)
    cols = cols.reshape(n, groups, -1, ho * wo)
    w = weight.reshape(groups, c_out // groups, -1)
    out = torch.matmul(w, cols).reshape(n, c_out, ho, wo)
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, method="im2col"):
    """직접 구현한 2차원 합성곱. ``method``는 ``"im2col"``(기본)이나 ``"loops"``."""
    impl = {"im2col": conv2d_im2col, "loops": conv2d_loops}.get(method)
    if impl is None:
        raise ValueError(f"method는 'im2col'이나 'loops'여야 합니다. 받은 값: {method!r}")
    return impl(x, weight, bias, stride, padding, dilation, groups)


def _as_image(t, name):
    if not isinstance(t, torch.Tensor):
        t = torch.as_tensor(t, dtype=torch.float32)
    if t.dim() != 2:
        raise ValueError(f"{name}은(는) 2차원(세로 × 가로)이어야 합니다. 받은 모양: {tuple(t.shape)}")
    return t.float()[None, None]


def correlate2d(image, kernel, padding=0, stride=1):
    """흑백 이미지 한 장과 커널 하나의 교차 상관(cross-correlation).

    딥러닝 라이브러리가 '합성곱'이라고 부르는 연산이 바로 이것입니다.
    """
    return conv2d_im2col(
        _as_image(image, "이미지"), _as_image(kernel, "커널"), padding=padding, stride=stride
    )[0, 0]


def convolve2d(image, kernel, padding=0, stride=1):
    """수학에서 말하는 합성곱: 커널을 상하·좌우로 뒤집은 뒤 교차 상관을 합니다."""
    k = _as_image(kernel, "커널")[0, 0]
    return correlate2d(image, torch.flip(k, dims=(0, 1)), padding=padding, stride=stride)


# ---------------------------------------------------------------- 풀링
def pool2d(x, kernel_size, stride=None, padding=0, mode="max"):
    """최대 풀링(``mode="max"``)이나 평균 풀링(``mode="avg"``).

    ``stride``를 주지 않으면 커널 크기와 같게 하여 창이 겹치지 않습니다.
    평균 풀링은 PyTorch의 기본값처럼 패딩한 0도 평균에 넣습니다.
    """
    _check_tensor(x, "입력 x", 4, " (N, C, H, W)")
    if mode not in ("max", "avg"):
        raise ValueError(f"mode는 'max'나 'avg'여야 합니다. 받은 값: {mode!r}")
    kernel = _pair(kernel_size, "커널 크기(kernel_size)", 1)
    stride = kernel if stride is None else _pair(stride, "스트라이드(stride)", 1)
    padding = _pair(padding, "패딩(padding)", 0)
    if padding[0] * 2 > kernel[0] or padding[1] * 2 > kernel[1]:
        raise ValueError(f"패딩 {padding}은 커널 {kernel}의 절반 이하여야 합니다.")
    out_hw = output_size(tuple(x.shape[2:]), kernel, padding, stride)
    fill = float("-inf") if mode == "max" else 0.0
    windows = _windows(pad2d(x, padding, value=fill), kernel, stride, (1, 1), out_hw)
    return windows.amax(dim=2) if mode == "max" else windows.mean(dim=2)
