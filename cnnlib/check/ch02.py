"""2장 합성곱 연산의 연습문제 채점.

정답은 여기에 적어 두지 않고, 채점할 때마다 :mod:`cnnlib.functional`과
PyTorch로 계산합니다. 연습문제 2.1·2.2가 쓰는 작은 입력과 커널은 아래
``EXERCISE_IMAGE``, ``EXERCISE_KERNEL``에 있습니다(2장 본문에도 같은 값이
있습니다).
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .. import functional as cf
from ._core import Verdict, as_function, as_int, as_int_tuple, as_number, as_tensor, shift_zero_fill

__all__ = ["ex2_1", "ex2_2", "ex2_3", "ex2_4", "ex2_5", "ex2_6"]

# 연습문제 2.1·2.2의 입력(4×4)과 커널(3×3).
EXERCISE_IMAGE = [
    [3, 0, 4, 4],
    [2, 4, 2, 1],
    [3, 3, 4, 0],
    [3, 0, 4, 0],
]
EXERCISE_KERNEL = [
    [1, 1, -1],
    [2, 0, -1],
    [1, 2, -1],
]
# 2.1·2.2에서 묻는 출력 칸 (행, 열), 0부터 셉니다.
EXERCISE_POSITION = (1, 0)

# 연습문제 2.3·2.4의 합성곱 층: RGB 사진 16장(64×64)에 5×5 필터 10개, 패딩 없음.
LAYER_INPUT_SHAPE = (16, 3, 64, 64)
LAYER_FILTERS = 10
LAYER_KERNEL = 5


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0.0, abs_tol=1e-6)


def _exercise_tensors():
    return torch.tensor(EXERCISE_IMAGE, dtype=torch.float32), torch.tensor(
        EXERCISE_KERNEL, dtype=torch.float32
    )


# ---------------------------------------------------------------- 2.1
def ex2_1(answer) -> Verdict:
    """연습문제 2.1: 교차 상관(PyTorch의 conv2d)으로 구한 출력 한 칸의 값."""
    value = as_number(answer, "2.1")
    x, k = _exercise_tensors()
    i, j = EXERCISE_POSITION
    corr = cf.correlate2d(x, k)
    if _close(value, float(corr[i, j])):
        return Verdict("2.1", True)
    if _close(value, float(cf.convolve2d(x, k)[i, j])):
        hint = ("커널을 뒤집어 계산한 값입니다. PyTorch의 conv2d(교차 상관)는 커널을 뒤집지 않고 "
                "창에 그대로 겹칩니다.")
    elif any(_close(value, float(v)) for v in corr.flatten()):
        hint = ("출력의 다른 칸 값입니다. 행과 열을 0부터 세어, 출력 (행, 열) 칸은 입력의 같은 "
                "(행, 열)에서 시작하는 3×3 창에서 나온다는 점을 확인하세요.")
    else:
        hint = "창 안의 입력 9개를 커널의 같은 자리 값과 하나씩 곱한 뒤 모두 더하세요."
    return Verdict("2.1", False, hint)


# ---------------------------------------------------------------- 2.2
def ex2_2(answer) -> Verdict:
    """연습문제 2.2: 수학의 합성곱(커널을 뒤집음)으로 구한 출력 한 칸의 값."""
    value = as_number(answer, "2.2")
    x, k = _exercise_tensors()
    i, j = EXERCISE_POSITION
    if _close(value, float(cf.convolve2d(x, k)[i, j])):
        return Verdict("2.2", True)
    if _close(value, float(cf.correlate2d(x, k)[i, j])):
        hint = "커널을 뒤집지 않은 값(교차 상관)입니다. 합성곱은 커널을 먼저 뒤집습니다."
    elif any(_close(value, float(cf.correlate2d(x, k.flip(d))[i, j])) for d in (0, 1)):
        hint = "한 방향으로만 뒤집었습니다. 합성곱은 커널을 상하와 좌우 모두(180° 회전) 뒤집습니다."
    else:
        hint = "커널을 180° 돌린 뒤, 연습문제 2.1과 같은 방법으로 창과 곱해 더하세요."
    return Verdict("2.2", False, hint)


# ---------------------------------------------------------------- 2.3
def ex2_3(answer) -> Verdict:
    """연습문제 2.3: 합성곱 층 출력의 모양 (N, C, H, W)."""
    got = as_int_tuple(answer, 4, "2.3")
    n, c_in, h, w = LAYER_INPUT_SHAPE
    expected = (n, LAYER_FILTERS, *cf.output_size((h, w), LAYER_KERNEL))
    if got == expected:
        return Verdict("2.3", True)
    if got[0] != expected[0]:
        hint = "첫 번째 축은 미니배치의 사진 수입니다. 합성곱은 사진마다 따로 계산하므로 이 값은 변하지 않습니다."
    elif got[1] != expected[1]:
        hint = ("출력 채널 수는 입력 채널 수가 아니라 필터의 개수로 정해집니다."
                if got[1] == c_in else "출력 채널 수(깊이)를 정하는 것이 무엇인지 다시 보세요.")
    elif got[2:] == (h, w):
        hint = "패딩이 없으면 커널이 입력 밖으로 나갈 수 없으므로 출력이 입력보다 작아집니다."
    else:
        hint = "세로·가로 크기는 (입력 크기 − 커널 크기 + 1)입니다."
    return Verdict("2.3", False, hint)


# ---------------------------------------------------------------- 2.4
def ex2_4(answer) -> Verdict:
    """연습문제 2.4: 합성곱 층의 매개변수(가중치 + 편향) 수."""
    value = as_int(answer, "2.4")
    c_in, k, c_out = LAYER_INPUT_SHAPE[1], LAYER_KERNEL, LAYER_FILTERS
    layer = nn.Conv2d(c_in, c_out, k)
    expected = sum(p.numel() for p in layer.parameters())
    if value == expected:
        return Verdict("2.4", True)
    no_bias = layer.weight.numel()
    flat_filter = c_out * k * k  # 필터의 깊이(입력 채널)를 빠뜨린 경우
    if value == no_bias:
        hint = "가중치만 세었습니다. 필터마다 편향이 하나씩 있습니다."
    elif value in (flat_filter, flat_filter + c_out):
        hint = "필터 하나는 k×k가 아니라 (입력 채널 수)×k×k개의 가중치를 가집니다."
    else:
        hint = "(필터 하나의 가중치 수 + 편향 1개) × 필터 수를 계산하세요. 입력의 세로·가로 크기는 상관없습니다."
    return Verdict("2.4", False, hint)


# ---------------------------------------------------------------- 2.5
def _shift_probe():
    g = torch.Generator().manual_seed(25)
    return torch.rand(6, 7, generator=g)


def ex2_5(kernel) -> Verdict:
    """연습문제 2.5: 패딩 1인 교차 상관으로 이미지를 오른쪽으로 한 칸 옮기는 3×3 커널."""
    k = as_tensor(kernel, "2.5")
    if tuple(k.shape) != (3, 3):
        return Verdict("2.5", False, f"커널은 3×3이어야 합니다. 받은 모양: {tuple(k.shape)}")
    img = _shift_probe()
    out = cf.correlate2d(img, k, padding=1)

    def same(t):
        return bool((out - t).abs().max() <= 1e-5)

    if same(shift_zero_fill(img, 0, 1)):
        return Verdict("2.5", True)
    if same(shift_zero_fill(img, 0, -1)):
        hint = ("사진이 왼쪽으로 옮겨졌습니다. 교차 상관은 커널을 뒤집지 않습니다: 출력 (i, j)를 "
                "만들 때 커널의 각 칸이 입력의 어느 칸과 곱해지는지 따져 보세요.")
    elif same(img):
        hint = "이 커널은 사진을 그대로 둡니다(항등 커널). 여기서 출발해 1의 자리를 옮겨 보세요."
    elif any(same(shift_zero_fill(img, dy, dx)) for dy in (-1, 1) for dx in (-1, 0, 1)):
        hint = "사진이 위나 아래로도 옮겨졌습니다. 가로 방향으로만 옮겨야 합니다."
    else:
        hint = "출력의 각 칸이 입력 한 칸을 그대로 베끼려면 커널에 1이 하나, 나머지는 0이어야 합니다."
    return Verdict("2.5", False, hint)


# ---------------------------------------------------------------- 2.6
# (이미지 세로, 가로, 커널 세로, 가로): 정사각형이 아닌 경우와 출력이 1×1인 경우도 넣습니다.
_CASES = [(5, 5, 3, 3), (6, 9, 2, 3), (7, 4, 3, 1), (4, 4, 4, 4), (8, 6, 1, 2)]


def ex2_6(func) -> Verdict:
    """연습문제 2.6: 반복문으로 구현한 2차원 교차 상관 함수 ``func(image, kernel)``."""
    as_function(func, "2.6", "my_correlate2d")
    g = torch.Generator().manual_seed(26)
    for h, w, kh, kw in _CASES:
        img = torch.randn(h, w, generator=g)
        ker = torch.randn(kh, kw, generator=g)
        expected = F.conv2d(img[None, None], ker[None, None])[0, 0]
        try:
            result = func(img.clone(), ker.clone())
            got = as_tensor(result, "2.6")
        except Exception as exc:  # 독자의 함수가 낸 오류를 힌트로 돌려줍니다.
            return Verdict("2.6", False, f"이미지 {h}×{w}, 커널 {kh}×{kw}에서 오류가 났습니다: "
                                         f"{type(exc).__name__}: {exc}")
        if tuple(got.shape) != tuple(expected.shape):
            return Verdict("2.6", False, f"이미지 {h}×{w}, 커널 {kh}×{kw}에서 출력 모양이 "
                                         f"{tuple(got.shape)}입니다. 세로와 가로를 따로 "
                                         "(입력 − 커널 + 1)로 계산하세요.")
        if not bool((got - expected).abs().max() <= 1e-4):
            flipped = F.conv2d(img[None, None], ker.flip(0, 1)[None, None])[0, 0]
            if bool((got - flipped).abs().max() <= 1e-4):
                hint = "커널을 뒤집었습니다(수학의 합성곱). 여기서는 뒤집지 않는 교차 상관을 구현하세요."
            else:
                hint = (f"이미지 {h}×{w}, 커널 {kh}×{kw}에서 모양은 맞지만 값이 다릅니다. "
                        "창의 위치와 곱한 뒤 더하는 범위를 확인하세요.")
            return Verdict("2.6", False, hint)
    return Verdict("2.6", True)
