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

from dataclasses import dataclass

import torch
import torch.nn.functional as F

__all__ = [
    "output_size",
    "pad2d",
    "im2col",
    "conv2d",
    "conv2d_loops",
    "conv2d_im2col",
    "conv2d_grouped",
    "depthwise_conv2d",
    "pointwise_conv2d",
    "separable_conv2d",
    "correlate2d",
    "convolve2d",
    "pool2d",
    "receptive_field",
    "RFStep",
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

    펼친 행렬은 입력보다 K_h·K_w배 큽니다. 그래서 Caffe처럼 이미지 한 장씩
    펼치고 곱합니다: 배치 전체를 한꺼번에 펼치면 큰 메모리를 새로 받느라
    (페이지 할당) 행렬 곱셈만큼의 시간이 더 듭니다 (benchmarks/bench_conv2d.py).
    """
    kernel, stride, padding, dilation, groups, (ho, wo) = _conv_args(
        x, weight, bias, stride, padding, dilation, groups
    )
    n = x.shape[0]
    c_out = weight.shape[0]
    xp = pad2d(x, padding)
    w = weight.reshape(groups, c_out // groups, -1)
    outs = []
    for k in range(n):
        cols = _windows(xp[k : k + 1], kernel, stride, dilation, (ho, wo))
        # (그룹, 그룹당 C·K_h·K_w, H_out·W_out)
        cols = cols.reshape(groups, -1, ho * wo)
        outs.append(torch.matmul(w, cols))
    out = torch.stack(outs).reshape(n, c_out, ho, wo)
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, method="im2col"):
    """직접 구현한 2차원 합성곱. ``method``는 ``"im2col"``(기본)이나 ``"loops"``."""
    impl = {"im2col": conv2d_im2col, "loops": conv2d_loops}.get(method)
    if impl is None:
        raise ValueError(f"method는 'im2col'이나 'loops'여야 합니다. 받은 값: {method!r}")
    return impl(x, weight, bias, stride, padding, dilation, groups)


# ---------------------------------------------------------------- 그룹·깊이별·1×1 합성곱 (13장)
def conv2d_grouped(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """그룹 합성곱을 정의대로 계산합니다: 나누고, 따로 합성곱하고, 이어 붙이기.

    입력 채널을 ``groups``개 조각으로, 필터(출력 채널)도 ``groups``개 조각으로 나눈 뒤, g번째
    필터 조각은 g번째 입력 조각만 보고 보통 합성곱(``groups=1``)을 합니다. 조각들의 출력을 채널
    방향으로 이어 붙이면 ``F.conv2d(..., groups=groups)``와 같습니다. 가중치 모양은 PyTorch와 같은
    ``(C_out, C_in / groups, K_h, K_w)``입니다.
    """
    _, stride, padding, dilation, groups, _ = _conv_args(x, weight, bias, stride, padding, dilation, groups)
    xs = x.split(x.shape[1] // groups, dim=1)
    ws = weight.split(weight.shape[0] // groups, dim=0)
    bs = bias.split(weight.shape[0] // groups) if bias is not None else [None] * groups
    outs = [conv2d_im2col(xg, wg, bg, stride, padding, dilation, 1) for xg, wg, bg in zip(xs, ws, bs, strict=True)]
    return torch.cat(outs, dim=1)


def depthwise_conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """깊이별 합성곱: 채널마다 자기 커널 하나로만 합성곱하고 채널끼리 더하지 않습니다.

    가중치 모양은 ``(C·m, 1, K_h, K_w)``입니다(``m``은 채널마다 만드는 출력 수, 보통 1).
    ``F.conv2d(x, weight, groups=C)``와 같지만, 행렬 곱 없이 창과 커널을 원소끼리 곱해
    커널 칸(K_h·K_w)에 대해서만 더합니다. 출력 한 칸에 드는 곱셈-누산은 K_h·K_w번뿐입니다.
    """
    _check_tensor(x, "입력 x", 4, " (N, C, H, W) — 이미지 한 장이면 x.unsqueeze(0)을 쓰세요")
    _check_tensor(weight, "가중치 weight", 4, " (C·m, 1, K_h, K_w)")
    c = x.shape[1]
    if weight.shape[1] != 1 or weight.shape[0] % c:
        raise ValueError(
            f"깊이별 합성곱의 가중치는 (C·m, 1, K_h, K_w) 모양이어야 합니다: 채널마다 깊이 1인 커널을 m개씩. "
            f"입력은 {c}채널인데 받은 가중치 모양은 {tuple(weight.shape)}입니다. "
            f"(depthwise weight must be (C*m, 1, kh, kw) with C={c}, got {tuple(weight.shape)})"
        )
    kernel, stride, padding, dilation, _, out_hw = _conv_args(x, weight, bias, stride, padding, dilation, c)
    windows = _windows(pad2d(x, padding), kernel, stride, dilation, out_hw)  # (N, C, K_h·K_w, H_out, W_out)
    m = weight.shape[0] // c
    if m > 1:
        windows = windows.repeat_interleave(m, dim=1)  # 출력 채널 c·m + j는 입력 채널 c를 봅니다
    out = (windows * weight.reshape(1, c * m, -1, 1, 1)).sum(dim=2)
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out


def pointwise_conv2d(x, weight, bias=None):
    """1×1 합성곱: 위치마다 채널 벡터에 같은 행렬 ``W``(C_out × C_in)를 곱합니다.

    ``weight``는 ``(C_out, C_in, 1, 1)``이나 ``(C_out, C_in)``입니다. 공간 방향으로는 아무것도
    섞지 않고 채널만 섞습니다.
    """
    _check_tensor(x, "입력 x", 4, " (N, C, H, W) — 이미지 한 장이면 x.unsqueeze(0)을 쓰세요")
    if isinstance(weight, torch.Tensor) and weight.dim() == 4:
        if tuple(weight.shape[2:]) != (1, 1):
            raise ValueError(
                f"1×1 합성곱의 가중치는 (C_out, C_in, 1, 1)이어야 합니다. 받은 모양: {tuple(weight.shape)} "
                "(pointwise weight must be 1x1)"
            )
        weight = weight.flatten(1)
    _check_tensor(weight, "가중치 weight", 2, " (C_out, C_in) 또는 (C_out, C_in, 1, 1)")
    _conv_args(x, weight[:, :, None, None], bias, 1, 0, 1, 1)
    out = torch.einsum("oc,nchw->nohw", weight, x)
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out


def separable_conv2d(x, depthwise_weight, pointwise_weight, stride=1, padding=0, dilation=1):
    """깊이별 분리 합성곱: :func:`depthwise_conv2d`(공간) 다음 :func:`pointwise_conv2d`(채널).

    MobileNet의 블록에서 배치 정규화와 활성 함수를 뺀 핵심입니다. 같은 출력 모양의 보통
    K×K 합성곱에 견주면 곱셈-누산이 약 ``1/C_out + 1/(K_h·K_w)``배입니다.
    """
    hidden = depthwise_conv2d(x, depthwise_weight, None, stride, padding, dilation)
    return pointwise_conv2d(hidden, pointwise_weight)


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


# ---------------------------------------------------------------- 수용 영역
@dataclass(frozen=True)
class RFStep:
    """:func:`receptive_field`가 층마다 돌려주는 값 (한 방향 기준).

    ``size``는 수용 영역의 폭 r, ``jump``는 이 층 출력의 이웃한 두 칸이 입력에서
    떨어진 거리 j(지금까지 스트라이드의 곱), ``start``는 출력의 첫 칸(0번)이 보는
    입력 구간의 첫 좌표입니다. 패딩이 있으면 ``start``가 음수가 되어 덧댄 칸을
    가리킬 수 있습니다.
    """

    layer: str
    kernel: int
    stride: int
    dilation: int
    padding: int
    size: int
    jump: int
    start: int


def _square(value, name: str, layer: str, minimum: int) -> int:
    """모듈의 ``kernel_size`` 같은 값에서 정수 하나를 꺼냅니다 (가로·세로가 같아야 함)."""
    if isinstance(value, (tuple, list)):
        if len(set(value)) != 1:
            raise ValueError(
                f"{layer}의 {name} {tuple(value)}가 가로·세로로 다릅니다. 정사각형 층만 읽을 수 있으니 "
                "한 방향의 값을 (kernel, stride, dilation, padding) 튜플로 주세요. (non-square layer)"
            )
        value = value[0]
    return _check_int(value, f"{layer}의 {name}", minimum)


def _rf_layers(layers) -> list[tuple[str, int, int, int, int]]:
    """``layers``를 (이름, 커널, 스트라이드, 팽창, 패딩) 목록으로 바꿉니다."""
    from torch import nn

    kinds = (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)
    if isinstance(layers, nn.Module):
        items = [(name or type(m).__name__, m) for name, m in layers.named_modules() if isinstance(m, kinds)]
        if not items:
            raise ValueError(
                f"{type(layers).__name__}에 Conv2d·MaxPool2d·AvgPool2d 층이 없습니다. "
                "(no Conv2d/MaxPool2d/AvgPool2d layers found)"
            )
    elif isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
        raise TypeError(
            "layers는 (kernel, stride[, dilation[, padding]]) 튜플의 목록이나 nn.Module이어야 합니다. "
            f"받은 타입: {type(layers).__name__} (layers must be a sequence of tuples or an nn.Module)"
        )
    else:
        items = [(f"{i}번 층", item) for i, item in enumerate(layers)]
        if not items:
            raise ValueError("layers가 비어 있습니다. 층을 하나 이상 주세요. (layers is empty)")
    result = []
    for name, item in items:
        if isinstance(item, kinds):
            desc = f"{name} ({type(item).__name__})"
            k = _square(item.kernel_size, "커널 크기", desc, 1)
            s = _square(item.stride, "스트라이드", desc, 1)
            d = _square(getattr(item, "dilation", 1), "팽창", desc, 1)  # AvgPool2d에는 팽창이 없습니다
            p = item.padding
            if p in ("same", "valid"):
                raise ValueError(f"{desc}의 padding={p!r}는 지원하지 않습니다. 정수 패딩을 쓰세요.")
            p = _square(p, "패딩", desc, 0)
        elif isinstance(item, (tuple, list)):
            if not 2 <= len(item) <= 4:
                raise ValueError(
                    f"{name}은(는) (kernel, stride), (kernel, stride, dilation) 또는 "
                    f"(kernel, stride, dilation, padding)이어야 합니다. 받은 값: {item!r}"
                )
            where = f"{name} {tuple(item)}"
            k = _check_int(item[0], f"{where}의 커널 크기", 1)
            s = _check_int(item[1], f"{where}의 스트라이드", 1)
            d = _check_int(item[2], f"{where}의 팽창", 1) if len(item) > 2 else 1
            p = _check_int(item[3], f"{where}의 패딩", 0) if len(item) > 3 else 0
            desc = f"k={k}, s={s}" + (f", d={d}" if d > 1 else "") + (f", p={p}" if p else "")
        else:
            raise TypeError(
                f"{name}은(는) 튜플이나 Conv2d·MaxPool2d·AvgPool2d 모듈이어야 합니다. "
                f"받은 타입: {type(item).__name__}"
            )
        result.append((desc, k, s, d, p))
    return result


def receptive_field(layers, per_layer: bool = False):
    """층을 차례로 쌓았을 때 마지막 출력 한 칸의 수용 영역 폭.

    ``layers``는 ``(kernel, stride)``, ``(kernel, stride, dilation)``,
    ``(kernel, stride, dilation, padding)`` 튜플의 목록이거나, ``nn.Module``
    (``nn.Sequential`` 등)입니다. 모듈이면 그 안의 ``Conv2d``, ``MaxPool2d``,
    ``AvgPool2d``를 등록된 순서대로 읽고, 나머지 층(ReLU, 배치 정규화, 드롭아웃,
    ``AdaptiveAvgPool2d``, ``Linear`` …)은 무시합니다. 층들을 한 줄로 이어진 경로로
    보므로, 가지가 갈라지는 모델(ResNet의 지름길 등)에는 맞지 않습니다.

    입력에서 출발해(r₀ = 1, j₀ = 1) 층마다

    * r_l = r_{l−1} + (k_l − 1)·d_l·j_{l−1}   (수용 영역의 폭)
    * j_l = j_{l−1}·s_l                       (출력 한 칸이 입력에서 건너뛰는 거리)

    로 갱신합니다. 가로와 세로가 같은(정사각형) 층만 다룹니다.

    ``per_layer=False``(기본)이면 마지막 층의 수용 영역 폭(정수)을, ``True``이면
    층마다 :class:`RFStep`의 목록을 돌려줍니다.

    >>> receptive_field([(3, 1), (3, 1)])
    5
    >>> receptive_field([(3, 1), (2, 2), (3, 1)])
    8
    """
    if not isinstance(per_layer, bool):
        raise TypeError(f"per_layer는 True나 False여야 합니다. 받은 값: {per_layer!r}")
    size, jump, start = 1, 1, 0
    steps = []
    for desc, k, s, d, p in _rf_layers(layers):
        size += (k - 1) * d * jump
        start -= p * jump
        jump *= s
        steps.append(RFStep(desc, k, s, d, p, size, jump, start))
    return steps if per_layer else size
