"""13장 MobileNet의 연습문제 채점.

기대하는 답은 손으로 적어 두지 않고, 문제의 설정(아래 ``EX13_*`` 상수)에서
:func:`cnnlib.cost.layer_table`과 :class:`cnnlib.models.mobilenet.InvertedResidual`로 그때그때
계산합니다(모델은 ``meta`` 장치에서 만들어 모양만 따라갑니다). 상수는 13장 노트북의 문제
문장과 같아야 하며, 노트북의 숨은 테스트 셀이 이를 확인합니다.
"""

from __future__ import annotations

import math

from ._core import Verdict, as_function, as_int, as_int_tuple, as_number

__all__ = ["ex13_1", "ex13_2", "ex13_3", "ex13_4", "ex13_5"]

# 문제 13.1: 512×14×14 입력 → 3×3 깊이별(패딩 1) → 1×1로 512채널. 편향 없이 곱셈-누산(MAC) 수
EX13_1 = {"input": (512, 14, 14), "c_out": 512, "kernel": 3}
# 문제 13.2: nn.Conv2d(256, 512, kernel_size=3, groups=8, bias=False)의 매개변수 수
EX13_2 = {"c_in": 256, "c_out": 512, "kernel": 3, "groups": 8}
# 문제 13.3: InvertedResidual(24, 32, stride=2, expand_ratio=6)에 24×56×56 입력, 깊이별 합성곱이 내는 모양
EX13_3 = {"block": (24, 32, 2, 6), "input": (24, 56, 56)}
# 문제 13.4: 독자의 depthwise(x, weight, padding)를 시험할 경우들 (채널, 입력 크기, 커널, 패딩)
EX13_4 = {"cases": ((3, 6, 3, 1), (1, 5, 3, 0), (5, 7, 5, 2), (4, 4, 1, 0), (2, 8, 3, 0))}
# 문제 13.5: 입력·출력 64채널에서 표준 3×3 합성곱의 MAC ÷ 깊이별 분리 3×3 합성곱의 MAC
EX13_5 = {"channels": 64, "kernel": 3}



def _meta_rows(module_fn, input_size):
    """``module_fn()``을 meta 장치에서 만들어 ``layer_table``의 줄들을 돌려줍니다."""
    import torch

    from ..cost import layer_table

    with torch.device("meta"):
        module = module_fn()
    return layer_table(module, input_size)


def _separable_rows(c_in, c_out, k, size):
    from torch import nn

    return _meta_rows(lambda: nn.Sequential(nn.Conv2d(c_in, c_in, k, padding=k // 2, groups=c_in, bias=False),
                                            nn.Conv2d(c_in, c_out, 1, bias=False)), (1, c_in, *size))


def ex13_1(answer) -> Verdict:
    """13.1 깊이별 분리 3×3 합성곱 층의 MAC(정수)을 채점합니다."""
    got = as_int(answer, "13.1")
    c_in, h, w = EX13_1["input"]
    c_out, k = EX13_1["c_out"], EX13_1["kernel"]
    dw, pw = _separable_rows(c_in, c_out, k, (h, w))
    expected = dw.macs + pw.macs
    if got == expected:
        return Verdict("13.1", True)
    standard = h * w * c_out * c_in * k * k
    if got == 2 * expected:
        hint = "곱셈과 덧셈을 따로 센 FLOPs 같습니다. 이 책은 곱셈-누산(MAC)을 한 번으로 셉니다."
    elif got == standard:
        hint = "표준 3×3 합성곱의 MAC입니다. 깊이별 합성곱은 채널마다 3×3 커널 하나만 쓰고 채널끼리 더하지 않습니다."
    elif got == dw.macs:
        hint = "깊이별 합성곱만 셌습니다. 채널을 섞는 1×1 합성곱을 더하세요."
    elif got == pw.macs:
        hint = "1×1 합성곱만 셌습니다. 앞의 3×3 깊이별 합성곱을 더하세요."
    elif got == expected // (h * w):
        hint = "출력 한 위치의 MAC입니다. 위치의 수(14×14)를 곱하세요."
    elif got == h * w * c_in * c_in * k * k + pw.macs:
        hint = "깊이별 합성곱의 필터는 깊이가 1입니다. 출력 한 칸은 K×K번만 곱합니다(입력 채널 수를 곱하지 않습니다)."
    else:
        hint = ("깊이별 합성곱: H·W·C·K², 1×1 합성곱: H·W·C·C_out입니다. 패딩 1 덕분에 출력은 14×14 그대로이고, "
                "두 값을 더하세요.")
    return Verdict("13.1", False, hint)


def ex13_2(answer) -> Verdict:
    """13.2 그룹 합성곱 층의 매개변수 수(정수)를 채점합니다."""
    from torch import nn

    got = as_int(answer, "13.2")
    c_in, c_out, k, g = EX13_2["c_in"], EX13_2["c_out"], EX13_2["kernel"], EX13_2["groups"]
    (row,) = _meta_rows(lambda: nn.Conv2d(c_in, c_out, k, groups=g, bias=False), (1, c_in, 8, 8))
    expected = row.params
    if got == expected:
        return Verdict("13.2", True)
    full = c_out * c_in * k * k
    if got == full:
        hint = "그룹이 하나일 때(보통 합성곱)의 값입니다. 필터 하나는 자기 그룹의 입력 채널만 봅니다."
    elif got == full // (g * g):
        hint = "그룹 수로 두 번 나누었습니다. 필터의 깊이만 C_in/g로 줄고, 필터의 개수는 C_out 그대로입니다."
    elif got in (expected + c_out, full + c_out):
        hint = "bias=False이므로 편향은 없습니다."
    elif got in (expected // (k * k), full // (k * k)):
        hint = "커널이 3×3이므로 입력 채널 하나마다 가중치가 9개입니다."
    elif got == full * g:
        hint = "그룹 수로 곱하지 말고 나누어야 합니다."
    else:
        hint = "그룹 합성곱의 가중치 모양은 (C_out, C_in/groups, K, K)입니다. 원소 수를 세세요."
    return Verdict("13.2", False, hint)


def _ex13_3_shapes():
    from ..models.mobilenet import InvertedResidual

    in_ch, out_ch, stride, t = EX13_3["block"]
    rows = _meta_rows(lambda: InvertedResidual(in_ch, out_ch, stride, t), (1, *EX13_3["input"]))
    convs = [r for r in rows if r.kind == "Conv2d"]
    return tuple(convs[1].output_shape[1:]), tuple(convs[-1].output_shape[1:])


def ex13_3(answer) -> Verdict:
    """13.3 역잔차 블록 안에서 깊이별 합성곱이 내는 모양 ``(C, H, W)``를 채점합니다."""
    got = as_int_tuple(answer, 3, "13.3")
    expected, block_out = _ex13_3_shapes()
    if got == expected:
        return Verdict("13.3", True)
    in_ch, out_ch, stride, t = EX13_3["block"]
    _, h, w = EX13_3["input"]
    if got == block_out:
        hint = "블록 전체의 출력 모양입니다. 깊이별 합성곱은 마지막 1×1 합성곱(좁히기) 전에 있습니다."
    elif got[0] == expected[0] and got[1:] == (h, w):
        hint = "채널은 맞습니다. 스트라이드 2는 블록 안의 어느 합성곱에 있을까요?"
    elif got[0] == expected[0]:
        hint = "채널은 맞습니다. 높이와 너비를 다시 확인하세요(3×3, 패딩 1, 스트라이드 2)."
    elif got[0] in (in_ch, out_ch):
        hint = "깊이별 합성곱은 넓힌 채널(입력 채널 × 넓히는 배수)에서 작동합니다."
    elif got[0] == out_ch * t:
        hint = "넓히는 1×1 합성곱은 블록의 입력 채널에 넓히는 배수를 곱합니다."
    else:
        hint = "블록은 1×1로 t배 넓히기 → 3×3 깊이별(스트라이드 s) → 1×1로 좁히기 순서입니다."
    return Verdict("13.3", False, hint)


def ex13_4(depthwise) -> Verdict:
    """13.4 독자의 함수 ``depthwise(x, weight, padding)``이 깊이별 합성곱과 같은지 시험합니다."""
    as_function(depthwise, "13.4", "depthwise")
    import torch
    import torch.nn.functional as F

    generator = torch.Generator().manual_seed(13)
    for c, size, k, padding in EX13_4["cases"]:
        x = torch.randn(2, c, size, size, generator=generator)
        weight = torch.randn(c, 1, k, k, generator=generator)
        x_before, w_before = x.clone(), weight.clone()
        call = f"depthwise(x: 2×{c}×{size}×{size}, weight: {c}×1×{k}×{k}, padding={padding})"
        try:
            got = depthwise(x, weight, padding)
        except Exception as exc:  # 독자의 함수에서 난 오류를 힌트로 알려 줍니다.
            return Verdict("13.4", False, f"{call}에서 {type(exc).__name__} 오류가 났습니다: {exc}")
        if not isinstance(got, torch.Tensor):
            return Verdict("13.4", False, f"{call}이(가) {type(got).__name__}을(를) 돌려주었습니다. 텐서를 돌려주세요.")
        if not (torch.equal(x, x_before) and torch.equal(weight, w_before)):
            return Verdict("13.4", False, "함수가 입력 x나 weight를 바꾸었습니다. 새 텐서를 만들어 돌려주세요.")
        expected = F.conv2d(x, weight, padding=padding, groups=c)
        got = got.detach().float()
        if tuple(got.shape) != tuple(expected.shape):
            summed = F.conv2d(x, weight.view(1, c, k, k), padding=padding)
            if tuple(got.shape) == tuple(summed.shape) and c > 1:
                hint = (f"{call}: 출력이 1채널입니다. 채널들을 더하면 보통 합성곱이 됩니다. 채널마다 따로 "
                        "합성곱한 결과를 채널 축에 그대로 두세요.")
            else:
                hint = (f"{call}: 출력 모양이 {tuple(got.shape)}입니다. 출력은 입력과 같은 채널 수이고, "
                        "크기는 (W − K + 2P) + 1입니다.")
            return Verdict("13.4", False, hint)
        if torch.allclose(got, expected, atol=1e-4):
            continue
        flipped = F.conv2d(x, weight.flip(-1, -2), padding=padding, groups=c)
        summed = F.conv2d(x, weight.view(1, c, k, k), padding=padding).expand_as(expected)
        if k > 1 and torch.allclose(got, flipped, atol=1e-4):
            hint = f"{call}: 커널을 뒤집었습니다. PyTorch의 합성곱은 뒤집지 않는 교차 상관입니다."
        elif c > 1 and torch.allclose(got, summed, atol=1e-4):
            hint = f"{call}: 채널을 모두 더했습니다. 깊이별 합성곱은 채널끼리 더하지 않습니다."
        else:
            hint = (f"{call}: 모양은 맞지만 값이 다릅니다. 출력 채널 c는 입력 채널 c와 커널 weight[c, 0]만으로 "
                    "계산해야 합니다.")
        return Verdict("13.4", False, hint)
    return Verdict("13.4", True)


def ex13_5(answer) -> Verdict:
    """13.5 표준 3×3 합성곱과 깊이별 분리 3×3 합성곱의 MAC 비율(실수, 1% 이내)을 채점합니다."""
    from torch import nn

    got = as_number(answer, "13.5")
    n, k = EX13_5["channels"], EX13_5["kernel"]
    size = (8, 8)
    (standard,) = _meta_rows(lambda: nn.Conv2d(n, n, k, padding=k // 2, bias=False), (1, n, *size))
    dw, pw = _separable_rows(n, n, k, size)
    expected = standard.macs / (dw.macs + pw.macs)
    if math.isclose(got, expected, rel_tol=0.01):
        return Verdict("13.5", True)
    if got > 0 and math.isclose(1 / got, expected, rel_tol=0.01):
        hint = "거꾸로 나누었습니다. 표준 합성곱이 몇 배 더 많은지(1보다 큰 수)를 답하세요."
    elif math.isclose(got, k * k, rel_tol=0.01):
        hint = "9배는 채널이 아주 많을 때의 한계입니다. 1×1 합성곱의 몫(1/N)도 넣으세요."
    elif math.isclose(got, n, rel_tol=0.01) or math.isclose(got, 1 / n + 1 / (k * k), rel_tol=0.01):
        hint = "비율은 1/N + 1/K²의 역수입니다. 두 항을 모두 더한 뒤 뒤집으세요."
    elif math.isclose(got, standard.macs / pw.macs, rel_tol=0.01) or math.isclose(got, standard.macs / dw.macs,
                                                                                   rel_tol=0.01):
        hint = "분모에 깊이별 합성곱과 1×1 합성곱을 모두 넣으세요."
    else:
        hint = ("표준: H·W·N·N·K², 깊이별 분리: H·W·N·K² + H·W·N·N. 나누면 H·W가 지워지고 "
                "1/(1/N + 1/K²)가 남습니다.")
    return Verdict("13.5", False, hint)
