"""9장 VGGNet의 연습문제 채점.

기대하는 답은 손으로 적어 두지 않고, 문제의 설정(아래 ``EX9_*`` 상수)에서
:mod:`cnnlib.models`의 VGG, :func:`cnnlib.cost.layer_table`,
:func:`cnnlib.functional.receptive_field`로 그때그때 계산합니다. 모델은 ``meta``
장치에서 만들므로 가중치를 실제로 만들지 않고 모양만 따라갑니다. 상수는 9장 노트북의
문제 문장과 같아야 하며, 노트북의 숨은 테스트 셀이 이를 확인합니다.
"""

from __future__ import annotations

import math

from ._core import Verdict, as_function, as_int, as_int_tuple

__all__ = ["ex9_1", "ex9_2", "ex9_3", "ex9_4", "ex9_5"]

# 문제 9.1: C채널을 유지하는 3×3 합성곱(편향 포함, 패딩 1) 세 층의 매개변수 수
EX9_1 = {"channels": 256, "layers": 3, "kernel": 3}
# 문제 9.2: 독자가 쓴 vgg_rf(cfg)를 시험할 설정표들 (정수 = 3×3 합성곱, "M" = 2×2 최대 풀링)
EX9_2 = {
    "cases": (
        (64,),
        (64, 64),
        (64, "M"),
        (64, 64, "M", 128),
        ("M", "M", 8),
        (16, 16, "M", 32, 32, "M", 64, 64, "M"),
        (64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
        (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"),
        (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
         512, 512, 512, 512, "M"),
    )
}
# 문제 9.3: VGG-16의 특징 추출부(features)에 3×200×300 이미지를 넣었을 때 출력 모양 (C, H, W)
EX9_3 = {"depth": 16, "input": (3, 200, 300)}
# 문제 9.4: VGG-16의 셋째 단계 첫 층 — 128×56×56 입력에 nn.Conv2d(128, 256, 3, padding=1)의 MAC
EX9_4 = {"input": (128, 56, 56), "c_out": 256, "kernel": 3, "padding": 1}
# 문제 9.5: VGG-16의 첫 완전 연결 층 nn.Linear(512 * 7 * 7, 4096)의 매개변수 수 (편향 포함)
EX9_5 = {"in_features": 512 * 7 * 7, "out_features": 4096}



def _rows(model, input_size):
    from ..cost import layer_table

    return layer_table(model, input_size)


def _meta(build):
    import torch

    with torch.device("meta"):
        return build()


# ---------------------------------------------------------------- 9.1
def _ex9_1_expected() -> int:
    from torch import nn

    c, n, k = EX9_1["channels"], EX9_1["layers"], EX9_1["kernel"]
    stack = _meta(lambda: nn.Sequential(*[nn.Conv2d(c, c, k, padding=k // 2) for _ in range(n)]))
    return sum(r.params for r in _rows(stack, (1, c, 8, 8)))


def ex9_1(answer) -> Verdict:
    """9.1 3×3 합성곱 세 층의 매개변수 수(정수)를 채점합니다."""
    got = as_int(answer, "9.1")
    expected = _ex9_1_expected()
    if got == expected:
        return Verdict("9.1", True)
    c, n, k = EX9_1["channels"], EX9_1["layers"], EX9_1["kernel"]
    big = 2 * n + 1  # 같은 수용 영역을 보는 큰 커널 한 층
    if got == n * k * k * c * c:
        hint = "가중치는 맞습니다. 층마다 출력 채널 수만큼 있는 편향을 더하세요."
    elif got in (k * k * c * c + c, k * k * c * c):
        hint = "한 층만 센 것 같습니다. 같은 층이 세 번 쌓여 있습니다."
    elif got in (big * big * c * c + c, big * big * c * c):
        hint = "같은 수용 영역을 보는 7×7 한 층의 매개변수입니다. 문제는 3×3 세 층입니다."
    elif got in (n * (k * k * c + c), n * k * k * c, n * (k * k + 1) * c):
        hint = "필터 하나는 K×K가 아니라 C_in×K×K개의 가중치를 가집니다. 입력 채널 수를 곱했는지 보세요."
    else:
        hint = "한 층의 매개변수는 C_out × C_in × K × K + C_out입니다. 세 층 모두 C_in = C_out = 256입니다."
    return Verdict("9.1", False, hint)


# ---------------------------------------------------------------- 9.2
def _cfg_rf(cfg) -> int:
    from ..functional import receptive_field
    from ..models._common import make_features

    return receptive_field(_meta(lambda: make_features(list(cfg), 1)))


def ex9_2(vgg_rf) -> Verdict:
    """9.2 독자가 쓴 함수 ``vgg_rf(cfg)``를 여러 VGG 설정표에서 시험합니다.

    ``cfg``는 정수(3×3 합성곱, 스트라이드 1)와 ``"M"``(2×2 최대 풀링, 스트라이드 2)의 목록이고,
    함수는 마지막 층 출력 한 칸의 수용 영역의 폭을 돌려주어야 합니다. 기대값은
    :func:`cnnlib.functional.receptive_field`로 계산합니다.
    """
    as_function(vgg_rf, "9.2", "vgg_rf")
    for cfg in EX9_2["cases"]:
        call = f"vgg_rf({list(cfg)})"
        try:
            result = vgg_rf(list(cfg))
        except Exception as exc:  # 독자의 함수에서 난 오류를 힌트로 알려 줍니다.
            return Verdict("9.2", False, f"{call}에서 {type(exc).__name__} 오류가 났습니다: {exc}")
        try:
            got = as_int(result, "9.2")
        except (TypeError, ValueError):
            return Verdict("9.2", False, f"{call}이(가) {result!r}을(를) 돌려주었습니다. 정수를 돌려주세요.")
        if got == _cfg_rf(cfg):
            continue
        n_conv = sum(1 for item in cfg if item != "M")
        if got == 1 + 2 * n_conv:
            hint = (f"{call}의 값이 틀립니다. 풀링을 건너뛴 것 같습니다. 2×2 풀링도 수용 영역을 넓히고, "
                    "무엇보다 그 뒤 층들의 점프 j를 두 배로 만듭니다.")
        elif got == _no_jump(cfg):
            hint = f"{call}의 값이 틀립니다. 풀링 뒤에서는 3×3 층 하나가 2가 아니라 2·j만큼 넓힙니다."
        else:
            hint = (f"{call}의 값이 틀립니다. 층마다 r ← r + (k − 1)·j, j ← j·s를 차례로 적용하세요. "
                    "3×3 합성곱은 k = 3, s = 1이고, \"M\"은 k = 2, s = 2입니다.")
        return Verdict("9.2", False, hint)
    return Verdict("9.2", True)


def _no_jump(cfg) -> int:
    """점프를 잊은 흔한 오답: 합성곱마다 2, 풀링마다 1을 더한 값."""
    return 1 + sum(1 if item == "M" else 2 for item in cfg)


# ---------------------------------------------------------------- 9.3
def _ex9_3_expected() -> tuple[int, int, int]:
    from ..models import vgg

    model = _meta(lambda: vgg(EX9_3["depth"]))
    c, h, w = EX9_3["input"]
    (*_, last) = _rows(model.features, (1, c, h, w))
    return tuple(last.output_shape[1:])


def ex9_3(answer) -> Verdict:
    """9.3 VGG-16 특징 추출부의 출력 모양 ``(C, H, W)``를 채점합니다."""
    got = as_int_tuple(answer, 3, "9.3")
    expected = _ex9_3_expected()
    if got == expected:
        return Verdict("9.3", True)
    _, h, w = EX9_3["input"]
    c_exp = expected[0]
    if got[1:] == expected[1:]:
        hint = "높이와 너비는 맞습니다. 마지막 단계의 채널 수를 설정표에서 다시 보세요 (512에서 더 늘리지 않습니다)."
    elif got[1:] == (math.ceil(h / 32), math.ceil(w / 32)):
        hint = "풀링마다 올림을 한 것 같습니다. 홀수 크기를 2×2 풀링(스트라이드 2)하면 내림입니다: ⌊(W − 2)/2⌋ + 1."
    elif got[1:] == (h // 16, w // 16) or got[1:] == (_halve(h, 4), _halve(w, 4)):
        hint = "풀링을 네 번만 적용한 것 같습니다. VGG에는 단계가 다섯 개이고 단계마다 풀링이 하나씩 있습니다."
    elif got[1:] == (7, 7):
        hint = ("7×7은 avgpool(AdaptiveAvgPool2d)을 지난 뒤의 크기입니다. 문제는 features의 출력입니다. "
                "3×3 합성곱은 크기를 바꾸지 않으니 풀링만 따라가세요.")
    elif got[1:] == (h, w):
        hint = "합성곱은 크기를 유지하지만 2×2 최대 풀링은 크기를 반으로 줄입니다."
    elif got[0] != c_exp:
        hint = "채널 수부터 다시 보세요. 마지막 합성곱 층의 출력 채널 수가 특징 맵의 채널 수입니다."
    else:
        hint = "3×3 합성곱(패딩 1)은 크기를 그대로 두고, 풀링은 한 변을 ⌊W/2⌋로 줄입니다. 다섯 번 따라가세요."
    return Verdict("9.3", False, hint)


def _halve(size: int, times: int) -> int:
    for _ in range(times):
        size //= 2
    return size


# ---------------------------------------------------------------- 9.4
def _ex9_4_row():
    from torch import nn

    c_in, h, w = EX9_4["input"]
    conv = _meta(lambda: nn.Conv2d(c_in, EX9_4["c_out"], EX9_4["kernel"], padding=EX9_4["padding"]))
    (row,) = _rows(conv, (1, c_in, h, w))
    return row


def ex9_4(answer) -> Verdict:
    """9.4 VGG-16 셋째 단계 첫 합성곱 층의 MAC 수(정수)를 채점합니다."""
    got = as_int(answer, "9.4")
    row = _ex9_4_row()
    if got == row.macs:
        return Verdict("9.4", True)
    c_in, h, w = EX9_4["input"]
    c_out, k = EX9_4["c_out"], EX9_4["kernel"]
    n_out = math.prod(row.output_shape)
    if got == 2 * row.macs:  # 입력 채널을 C_out(256)으로 센 답도 정확히 2배가 됩니다 (C_out = 2·C_in).
        hint = ("정답의 정확히 2배입니다. 곱셈과 덧셈을 따로 센 FLOPs이거나(이 책은 곱셈-누산 한 번을 1 MAC으로 "
                "셉니다), 입력 채널을 256으로 센 것 같습니다. 이 층은 채널을 두 배로 늘리는 단계의 첫 층이라 "
                "입력 채널이 128입니다.")
    elif got == n_out * k * k:
        hint = "출력 한 칸을 만들 때 입력 채널마다 K×K번씩, 모두 C_in×K×K번 곱합니다."
    elif got == row.macs + n_out:
        hint = "편향 덧셈은 MAC으로 세지 않습니다."
    elif got in (c_out * (2 * h) * (2 * w) * c_in * k * k, c_out * (h - 2) * (w - 2) * c_in * k * k):
        hint = "출력 크기를 확인하세요. 패딩 1인 3×3 합성곱은 56×56을 그대로 56×56으로 냅니다."
    else:
        hint = "MAC = (출력 원소 수 C_out·H_out·W_out) × (출력 한 칸당 곱셈 C_in·K·K)입니다."
    return Verdict("9.4", False, hint)


# ---------------------------------------------------------------- 9.5
def _ex9_5_expected() -> int:
    from torch import nn

    n_in, n_out = EX9_5["in_features"], EX9_5["out_features"]
    (row,) = _rows(_meta(lambda: nn.Linear(n_in, n_out)), (1, n_in))
    return row.params


def ex9_5(answer) -> Verdict:
    """9.5 VGG-16 첫 완전 연결 층의 매개변수 수(정수)를 채점합니다."""
    got = as_int(answer, "9.5")
    expected = _ex9_5_expected()
    if got == expected:
        return Verdict("9.5", True)
    n_in, n_out = EX9_5["in_features"], EX9_5["out_features"]
    channels = n_in // 49
    if got == n_in * n_out:
        hint = "가중치는 맞습니다. 출력마다 하나씩 있는 편향을 더하세요."
    elif got in (channels * n_out + n_out, channels * n_out):
        hint = "입력은 채널 512개가 아니라 512×7×7 특징 맵을 펼친 벡터입니다."
    elif got in (n_in + n_out, n_in):
        hint = "완전 연결 층은 입력 하나하나를 출력 하나하나와 모두 잇습니다. 곱해야 합니다."
    elif got == n_in * n_out + n_in:
        hint = "편향은 입력이 아니라 출력마다 하나씩 있습니다."
    else:
        hint = "완전 연결 층의 매개변수는 n_in × n_out + n_out입니다. n_in은 512 × 7 × 7입니다."
    return Verdict("9.5", False, hint)
