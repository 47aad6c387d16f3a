"""5장 수용 영역과 계산 비용의 연습문제 채점.

기대하는 답은 손으로 적어 두지 않고, 문제의 설정(아래 ``EX5_*`` 상수)에서
:func:`cnnlib.functional.receptive_field`와 :func:`cnnlib.cost.layer_table`로
그때그때 계산합니다. 상수는 5장 노트북의 문제 문장과 같아야 하며, 노트북의 숨은
테스트 셀이 이를 확인합니다.
"""

from __future__ import annotations

import math

from ._core import Verdict, as_function, as_int, as_number

__all__ = ["ex5_1", "ex5_2", "ex5_3", "ex5_4", "ex5_5"]

# 문제 5.1: 5×5 합성곱 → 3×3 최대 풀링(s2) → 3×3 → 3×3(s2) → 3×3의 수용 영역, 층마다 (kernel, stride)
EX5_1 = {"layers": ((5, 1), (3, 2), (3, 1), (3, 2), (3, 1))}
# 문제 5.2: nn.Conv2d(64, 128, kernel_size=3)의 매개변수 수 (편향 포함)
EX5_2 = {"c_in": 64, "c_out": 128, "kernel": 3}
# 문제 5.3·5.4: 64×56×56 입력에 nn.Conv2d(64, 128, kernel_size=3, stride=2, padding=1)
EX5_3 = {"input": (64, 56, 56), "c_out": 128, "kernel": 3, "stride": 2, "padding": 1}
# 문제 5.5: 독자가 쓴 rf(layers)를 시험할 (kernel, stride) 목록들
EX5_5 = {
    "cases": (
        ((3, 1),),
        ((1, 1), (1, 1)),
        ((3, 1),) * 4,
        ((5, 1), (3, 1)),
        ((3, 2), (3, 2)),
        ((2, 2),) * 3,
        ((7, 2), (3, 2), (3, 1), (3, 1)),
        ((11, 4), (3, 2), (5, 1), (3, 2), (3, 1), (3, 1), (3, 1), (3, 2)),
    )
}



def _receptive_field(layers) -> int:
    from ..functional import receptive_field

    return receptive_field(list(layers))


def _conv_row(c_in: int, c_out: int, kernel: int, size: tuple[int, int], stride: int = 1, padding: int = 0):
    """``layer_table``이 센 합성곱 층 하나의 줄 (meta 장치에서 모양만 계산)."""
    import torch
    from torch import nn

    from ..cost import layer_table

    with torch.device("meta"):
        conv = nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding)
    (row,) = layer_table(conv, (1, c_in, *size))
    return row


def ex5_1(answer) -> Verdict:
    """5.1 다섯 층을 쌓은 뒤의 수용 영역 폭(정수)을 채점합니다."""
    got = as_int(answer, "5.1")
    layers = EX5_1["layers"]
    if got == _receptive_field(layers):
        return Verdict("5.1", True)
    no_jump = 1 + sum(k - 1 for k, _ in layers)
    if got == no_jump:
        hint = ("스트라이드를 무시하고 (k − 1)만 더하지 않았나요? 스트라이드 2인 층 뒤에서는 출력의 이웃한 두 칸이 "
                "입력에서 2칸씩 떨어져 있으므로, 그 뒤 층이 넓히는 폭은 (k − 1) × j입니다.")
    elif got in [_receptive_field(layers[:n]) for n in range(1, len(layers))]:
        hint = "중간 층까지만 계산한 값 같습니다. 다섯 층을 모두 지나야 합니다."
    elif got < 1:
        hint = "수용 영역의 폭은 1 이상입니다."
    else:
        hint = "r ← r + (k − 1)·j, j ← j·s를 층마다 차례로 적용하세요 (처음에는 r = 1, j = 1)."
    return Verdict("5.1", False, hint)


def ex5_2(answer) -> Verdict:
    """5.2 합성곱 층의 매개변수 수(정수)를 채점합니다."""
    got = as_int(answer, "5.2")
    c_in, c_out, k = EX5_2["c_in"], EX5_2["c_out"], EX5_2["kernel"]
    expected = _conv_row(c_in, c_out, k, (k, k)).params
    if got == expected:
        return Verdict("5.2", True)
    if got == c_out * c_in * k * k:
        hint = "가중치는 맞습니다. 필터마다 하나씩 있는 편향을 잊지 않았나요?"
    elif got in (c_out * k * k + c_out, c_out * k * k):
        hint = "필터 하나는 K×K 커널 하나가 아니라 입력 채널 수만큼의 커널(C_in×K×K)입니다."
    elif got in (c_in * k * k + c_in, c_in * c_out + c_out):
        hint = "필터 하나의 크기(C_in×K×K)와 필터의 개수(C_out)를 모두 곱했는지 확인하세요."
    else:
        hint = "매개변수 = C_out × C_in × K × K + C_out입니다. 입력 크기는 매개변수 수와 상관이 없습니다."
    return Verdict("5.2", False, hint)


def _ex5_3_row():
    c_in, h, w = EX5_3["input"]
    return _conv_row(c_in, EX5_3["c_out"], EX5_3["kernel"], (h, w), EX5_3["stride"], EX5_3["padding"])


def ex5_3(answer) -> Verdict:
    """5.3 합성곱 층의 MAC 수(정수)를 채점합니다."""
    got = as_int(answer, "5.3")
    row = _ex5_3_row()
    if got == row.macs:
        return Verdict("5.3", True)
    c_in, h, w = EX5_3["input"]
    k, c_out = EX5_3["kernel"], EX5_3["c_out"]
    per_output = c_in * k * k
    if got == 2 * row.macs:
        hint = "곱셈과 덧셈을 따로 센 FLOPs 같습니다. 이 책은 곱셈-누산(MAC)을 한 번으로 셉니다."
    elif got == c_out * h * w * per_output:
        hint = "입력 크기로 계산하지 않았나요? 스트라이드 2 때문에 출력은 입력보다 작습니다. 출력 크기부터 구하세요."
    elif got == math.prod(row.output_shape) * k * k:
        hint = "출력 한 칸을 만들 때 입력 채널마다 K×K번씩, 모두 C_in×K×K번 곱합니다."
    elif got == row.macs + math.prod(row.output_shape):
        hint = "편향 덧셈은 MAC으로 세지 않습니다."
    else:
        hint = "MAC = (출력 원소 수 C_out·H_out·W_out) × (출력 한 칸당 곱셈 C_in·K·K)입니다."
    return Verdict("5.3", False, hint)


def ex5_4(answer) -> Verdict:
    """5.4 합성곱 층 출력의 활성값 메모리(KB, 실수)를 채점합니다."""
    got = as_number(answer, "5.4")
    row = _ex5_3_row()
    expected = row.memory_kb
    if math.isclose(got, expected, rel_tol=1e-3):
        return Verdict("5.4", True)
    n = math.prod(row.output_shape)
    if math.isclose(got, n * 4, rel_tol=1e-3):
        hint = "바이트 수를 그대로 주었습니다. KB로 바꾸려면 1024로 나누세요."
    elif math.isclose(got, n / 1024, rel_tol=1e-3):
        hint = "원소 하나가 float32로 4바이트라는 점을 빠뜨리지 않았나요?"
    elif math.isclose(got, expected / 1024, rel_tol=1e-3):
        hint = "MB 단위로 준 것 같습니다. KB로 답하세요."
    elif math.isclose(got, EX5_3["c_out"] * EX5_3["input"][1] * EX5_3["input"][2] * 4 / 1024, rel_tol=1e-3):
        hint = "입력 크기로 계산하지 않았나요? 스트라이드 2 때문에 출력 특징 맵은 더 작습니다."
    else:
        hint = "메모리(KB) = C_out × H_out × W_out × 4 / 1024입니다. 먼저 출력 모양을 구하세요."
    return Verdict("5.4", False, hint)


def ex5_5(rf) -> Verdict:
    """5.5 독자가 쓴 함수 ``rf(layers)``를 여러 층 목록에서 시험합니다.

    ``layers``는 ``(kernel, stride)`` 튜플의 목록이고, 함수는 수용 영역의 폭을
    돌려주어야 합니다. 기대값은 :func:`cnnlib.functional.receptive_field`로 계산합니다.
    """
    as_function(rf, "5.5", "rf")
    for layers in EX5_5["cases"]:
        call = f"rf({list(layers)})"
        try:
            result = rf([tuple(layer) for layer in layers])
        except Exception as exc:  # 독자의 함수에서 난 오류를 힌트로 알려 줍니다.
            return Verdict("5.5", False, f"{call}에서 {type(exc).__name__} 오류가 났습니다: {exc}")
        try:
            got = as_int(result, "5.5")
        except (TypeError, ValueError):
            return Verdict("5.5", False, f"{call}이(가) {result!r}을(를) 돌려주었습니다. 정수를 돌려주세요.")
        if got != _receptive_field(layers):
            if got == 1 + sum(k - 1 for k, _ in layers):
                hint = f"{call}의 값이 틀립니다. 스트라이드가 있는 층 뒤에서는 j(스트라이드의 곱)를 곱해야 합니다."
            elif got == sum(k for k, _ in layers):
                hint = f"{call}의 값이 틀립니다. 층마다 k가 아니라 k − 1만큼 넓어지고, 처음 값은 1입니다."
            else:
                hint = f"{call}의 값이 틀립니다. r ← r + (k − 1)·j 다음에 j ← j·s 순서로 갱신하세요."
            return Verdict("5.5", False, hint)
    return Verdict("5.5", True)
