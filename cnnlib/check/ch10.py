"""10장 NiN과 GoogLeNet의 연습문제 채점.

기대하는 답은 손으로 적어 두지 않고, 문제의 설정(아래 ``EX10_*`` 상수)에서
:func:`cnnlib.cost.layer_table`과 :class:`cnnlib.models.googlenet.Inception`으로 그때그때
계산합니다(모델은 ``meta`` 장치에서 만들어 모양만 따라갑니다). 상수는 10장 노트북의 문제
문장과 같아야 하며, 노트북의 숨은 테스트 셀이 이를 확인합니다.
"""

from __future__ import annotations

import math

from ._core import Verdict, as_function, as_int, as_int_tuple, as_number

__all__ = ["ex10_1", "ex10_2", "ex10_3", "ex10_4", "ex10_5"]

# 문제 10.1: 480채널 14×14 특징 맵에 nn.Conv2d(480, 96, kernel_size=1) (편향 포함)의 매개변수
EX10_1 = {"c_in": 480, "c_out": 96, "size": 14}
# 문제 10.2: inception4a의 5×5 가지 — 480×14×14 입력 → 1×1로 16채널 → 5×5(패딩 2)로 48채널, MAC
EX10_2 = {"input": (480, 14, 14), "reduce": 16, "c_out": 48, "kernel": 5}
# 문제 10.3: inception4e = Inception(528, 256, 160, 320, 32, 128, 128)에 528×14×14 입력, 출력 (C, H, W)
EX10_3 = {"args": (528, 256, 160, 320, 32, 128, 128), "size": 14}
# 문제 10.4: 1024×7×7을 펴서 Linear(…, 1000) 대신 전역 평균 풀링 + Linear(1024, 1000): 줄어드는 매개변수
EX10_4 = {"features": (1024, 7, 7), "classes": 1000}
# 문제 10.5: 독자의 to_linear(conv)를 시험할 1×1 합성곱들 (입력 채널, 출력 채널, 편향, 입력 크기)
EX10_5 = {"cases": ((6, 4, True, 5), (5, 5, True, 3), (3, 8, False, 4), (7, 7, False, 2), (1, 3, True, 6))}



def _meta_rows(module_fn, input_size):
    """``module_fn()``을 meta 장치에서 만들어 ``layer_table``의 줄들을 돌려줍니다."""
    import torch

    from ..cost import layer_table

    with torch.device("meta"):
        module = module_fn()
    return layer_table(module, input_size)


def ex10_1(answer) -> Verdict:
    """10.1 1×1 합성곱 층의 매개변수 수(정수)를 채점합니다."""
    from torch import nn

    got = as_int(answer, "10.1")
    c_in, c_out, size = EX10_1["c_in"], EX10_1["c_out"], EX10_1["size"]
    (row,) = _meta_rows(lambda: nn.Conv2d(c_in, c_out, kernel_size=1), (1, c_in, size, size))
    expected = row.params
    if got == expected:
        return Verdict("10.1", True)
    weights = c_in * c_out
    if got == weights:
        hint = "가중치는 맞습니다. 필터마다 하나씩 있는 편향을 잊지 않았나요?"
    elif got in (expected * size * size, weights * size * size):
        hint = "위치마다 같은 가중치를 씁니다(가중치 공유). 매개변수는 특징 맵의 크기(14×14)와 상관이 없습니다."
    elif got in (weights * 9 + c_out, weights * 9, weights * 25 + c_out):
        hint = "커널이 1×1이므로 필터 하나에는 입력 채널마다 가중치가 하나씩만 있습니다."
    elif got in (c_in + c_out, c_in + 1, c_out * 2):
        hint = "필터 하나가 입력 채널 수만큼의 가중치를 가지고, 그런 필터가 출력 채널 수만큼 있습니다."
    else:
        hint = "1×1 합성곱의 매개변수 = C_in × C_out + C_out입니다."
    return Verdict("10.1", False, hint)


def _ex10_2_rows():
    from torch import nn

    c_in, h, w = EX10_2["input"]
    red, c_out, k = EX10_2["reduce"], EX10_2["c_out"], EX10_2["kernel"]
    return _meta_rows(lambda: nn.Sequential(nn.Conv2d(c_in, red, 1), nn.Conv2d(red, c_out, k, padding=k // 2)),
                      (1, c_in, h, w))


def ex10_2(answer) -> Verdict:
    """10.2 병목 가지(1×1로 줄인 뒤 5×5)의 MAC(정수)을 채점합니다."""
    got = as_int(answer, "10.2")
    reduce_row, conv_row = _ex10_2_rows()
    expected = reduce_row.macs + conv_row.macs
    if got == expected:
        return Verdict("10.2", True)
    c_in, h, w = EX10_2["input"]
    c_out, k = EX10_2["c_out"], EX10_2["kernel"]
    direct = h * w * c_out * c_in * k * k
    if got == 2 * expected:
        hint = "곱셈과 덧셈을 따로 센 FLOPs 같습니다. 이 책은 곱셈-누산(MAC)을 한 번으로 셉니다."
    elif got == conv_row.macs:
        hint = "5×5 합성곱은 맞습니다. 채널을 줄이는 1×1 합성곱도 이 가지의 일부입니다."
    elif got == reduce_row.macs:
        hint = "1×1 합성곱만 셌습니다. 그 뒤의 5×5 합성곱을 더하세요."
    elif got == direct:
        hint = "480채널에 5×5 합성곱을 바로 건 값입니다. 이 가지의 5×5 합성곱은 줄인 뒤의 채널만 봅니다."
    elif got == expected // (h * w):
        hint = "출력 한 위치의 MAC입니다. 출력 위치의 수(14×14)를 곱하세요."
    elif got in (reduce_row.macs + h * w * c_out * EX10_2["reduce"] * 9,):
        hint = "5×5 합성곱의 커널은 25칸입니다."
    else:
        hint = ("합성곱 하나의 MAC = H_out·W_out·C_out·C_in·K²입니다. 1×1(480→16)과 5×5(16→48)를 따로 세어 "
                "더하세요. 패딩 2 덕분에 출력은 14×14 그대로입니다.")
    return Verdict("10.2", False, hint)


def _ex10_3_shape():
    import torch

    from ..models.googlenet import Inception

    args, size = EX10_3["args"], EX10_3["size"]
    with torch.device("meta"):
        out = Inception(*args)(torch.zeros(1, args[0], size, size, device="meta"))
    return tuple(out.shape[1:])


def ex10_3(answer) -> Verdict:
    """10.3 인셉션 모듈 출력 한 장의 모양 ``(C, H, W)``를 채점합니다."""
    got = as_int_tuple(answer, 3, "10.3")
    expected = _ex10_3_shape()
    if got == expected:
        return Verdict("10.3", True)
    c_in, ch1, red3, ch3, red5, ch5, proj = EX10_3["args"]
    if got[0] == expected[0]:
        hint = ("채널 수는 맞습니다. 모든 가지가 스트라이드 1이고 패딩으로 크기를 유지하므로 높이와 너비는 "
                "입력과 같습니다.")
    elif got[0] == ch1 + red3 + ch3 + red5 + ch5 + proj:
        hint = "줄이는 1×1 합성곱의 채널(3×3·5×5 앞)은 가지 안에서만 쓰입니다. 각 가지의 마지막 출력만 이어 붙이세요."
    elif got[0] == ch1 + ch3 + ch5 + c_in:
        hint = "순진한 모듈처럼 풀링 가지가 입력 채널을 그대로 넘긴다고 보았습니다. 이 모듈은 풀링 뒤에 1×1 투영이 있습니다."
    elif got[0] == ch1 + ch3 + ch5:
        hint = "풀링 가지(풀링 투영)의 채널도 이어 붙입니다."
    elif got[0] == c_in:
        hint = "출력 채널은 입력 채널과 상관없이 네 가지의 출력 채널을 더한 것입니다."
    else:
        hint = "출력 채널 = 1×1 가지 + 3×3 가지 + 5×5 가지 + 풀링 투영의 출력 채널입니다."
    return Verdict("10.3", False, hint)


def _ex10_4_counts():
    import torch
    from torch import nn

    c, h, w = EX10_4["features"]
    k = EX10_4["classes"]
    with torch.device("meta"):
        flat = sum(p.numel() for p in nn.Linear(c * h * w, k).parameters())
        gap = sum(p.numel() for p in nn.Linear(c, k).parameters())
    return flat, gap


def ex10_4(answer) -> Verdict:
    """10.4 전역 평균 풀링으로 줄어드는 매개변수 수(정수)를 채점합니다."""
    got = as_number(answer, "10.4")
    flat, gap = _ex10_4_counts()
    expected = flat - gap
    if got == expected:
        return Verdict("10.4", True)
    c, h, w = EX10_4["features"]
    k = EX10_4["classes"]
    if got == flat:
        hint = "펴서 잇는 층의 매개변수입니다. 전역 평균 풀링 뒤의 층과의 차이를 구하세요."
    elif got == gap:
        hint = "전역 평균 풀링 뒤의 층의 매개변수입니다. 펴서 잇는 층과의 차이를 구하세요."
    elif math.isclose(got, flat / gap, rel_tol=1e-3) or math.isclose(got, gap / flat, rel_tol=1e-3):
        hint = "비율이 아니라 줄어드는 매개변수의 개수를 답하세요."
    elif got in (c * h * w * k, c * k):
        hint = "한쪽 층의 가중치만 셌습니다. 두 층의 매개변수(가중치와 편향)를 각각 세어 빼세요."
    elif got in (c * h * w - c, (c * h * w - c) * k + k):
        hint = "가중치는 (입력 수 × 출력 수)입니다. 두 층의 입력 수가 1024·7·7과 1024로 다릅니다."
    elif got < 0:
        hint = "전역 평균 풀링 쪽이 더 작습니다. (펴서 잇는 층) − (전역 평균 풀링 뒤의 층)을 구하세요."
    else:
        hint = "완전 연결 층의 매개변수 = 입력 수 × 출력 수 + 출력 수입니다. 두 층을 각각 세어 빼세요."
    return Verdict("10.4", False, hint)


def ex10_5(to_linear) -> Verdict:
    """10.5 독자의 함수 ``to_linear(conv)``가 1×1 합성곱과 같은 ``nn.Linear``를 만드는지 시험합니다."""
    as_function(to_linear, "10.5", "to_linear")
    import torch
    from torch import nn

    generator = torch.Generator().manual_seed(10)
    for c_in, c_out, bias, size in EX10_5["cases"]:
        conv = nn.Conv2d(c_in, c_out, kernel_size=1, bias=bias)
        with torch.no_grad():
            conv.weight.copy_(torch.randn(conv.weight.shape, generator=generator))
            if bias:
                conv.bias.copy_(torch.randn(c_out, generator=generator))
        before = {k: v.clone() for k, v in conv.state_dict().items()}
        x = torch.randn(2, c_in, size, size, generator=generator)
        call = f"to_linear(nn.Conv2d({c_in}, {c_out}, 1, bias={bias}))"
        try:
            linear = to_linear(conv)
        except Exception as exc:  # 독자의 함수에서 난 오류를 힌트로 알려 줍니다.
            return Verdict("10.5", False, f"{call}에서 {type(exc).__name__} 오류가 났습니다: {exc}")
        if not isinstance(linear, nn.Linear):
            return Verdict("10.5", False, f"{call}이(가) {type(linear).__name__}을(를) 돌려주었습니다. "
                                           "nn.Linear를 돌려주세요.")
        if (linear.in_features, linear.out_features) != (c_in, c_out):
            return Verdict("10.5", False, f"{call}의 Linear 크기가 ({linear.in_features} → {linear.out_features})입니다. "
                                           "입력은 conv의 입력 채널, 출력은 출력 채널이어야 합니다.")
        if any(not torch.equal(before[k], v) for k, v in conv.state_dict().items()):
            return Verdict("10.5", False, "함수가 conv의 가중치를 바꾸었습니다. conv는 그대로 두고 새 Linear에 복사하세요.")
        with torch.no_grad():
            expected = conv(x)
            got = linear(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
            if torch.allclose(got, expected, atol=1e-5):
                continue
            w = conv.weight.view(c_out, c_in)
            b = conv.bias if bias else torch.zeros(c_out)
            no_bias = torch.einsum("oi,nihw->nohw", w, x)
            own_bias = linear.bias.view(1, -1, 1, 1) if linear.bias is not None else 0
            if bias and torch.allclose(got - own_bias, no_bias, atol=1e-4):
                hint = f"{call}: 가중치는 맞지만 편향이 다릅니다. conv.bias를 Linear의 bias에 복사하세요."
            elif not bias and linear.bias is not None and torch.allclose(got - own_bias, expected, atol=1e-4):
                hint = (f"{call}: conv에 편향이 없는데 Linear에는 0이 아닌 편향이 있습니다. "
                        "bias=False로 만들거나 편향을 0으로 두세요.")
            elif c_in == c_out and torch.allclose(got, torch.einsum("io,nihw->nohw", w, x) + b.view(1, -1, 1, 1),
                                                  atol=1e-4):
                hint = f"{call}: 가중치 행렬이 전치되었습니다. Linear의 weight는 (출력, 입력) 모양이고 conv.weight도 그렇습니다."
            else:
                hint = (f"{call}: 결과가 conv(x)와 다릅니다. conv.weight의 (C_out, C_in, 1, 1)을 (C_out, C_in) "
                        "행렬로 바꿔 Linear의 weight에 복사했는지 확인하세요.")
            return Verdict("10.5", False, hint)
    return Verdict("10.5", True)
