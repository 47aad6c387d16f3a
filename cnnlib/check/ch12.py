"""12장 DenseNet의 연습문제 채점.

기대하는 답은 손으로 적어 두지 않고, 문제의 설정(아래 ``EX12_*`` 상수)에서
:mod:`cnnlib.models.densenet`의 블록과 ``nn.Conv2d``를 ``meta`` 장치에 만들어 그때그때
계산합니다. 상수는 12장 노트북의 문제 문장과 같아야 하며, 노트북의 숨은 테스트 셀이 이를
확인합니다.
"""

from __future__ import annotations

import functools
import math

from ._core import Verdict, as_function, as_int, as_int_tuple, as_number

__all__ = ["ex12_1", "ex12_2", "ex12_3", "ex12_4", "ex12_5"]

# 문제 12.1: 입력 24채널, 층 16개, 성장률 12인 밀집 블록의 출력 채널 수
EX12_1 = {"in_channels": 24, "layers": 16, "growth_rate": 12}
# 문제 12.2: 입력 128채널, 성장률 32, 병목 4k인 DenseLayer(BN-ReLU-1×1-BN-ReLU-3×3)의 매개변수
EX12_2 = {"in_channels": 128, "growth_rate": 32, "bn_size": 4}
# 문제 12.3: 128×28×28 입력 → 층 12개·성장률 32인 밀집 블록 → 전이 층(θ = 0.5), 출력 (C, H, W)
EX12_3 = {"input": (128, 28, 28), "layers": 12, "growth_rate": 32, "compression": 0.5}
# 문제 12.4: 독자의 dense_forward(x, layers)를 시험할 블록들 (입력 채널, 성장률, 층 수, 입력 크기)
EX12_4 = {"cases": ((3, 2, 3, 5), (4, 4, 1, 4), (2, 3, 4, 3), (5, 1, 2, 6))}
# 문제 12.5: 성장률 32에서 병목 층(1×1로 4k → 3×3으로 k)이 3×3 하나(→ k)보다 매개변수가 적어지는
#            가장 작은 입력 채널 수 (편향과 배치 정규화는 세지 않음)
EX12_5 = {"growth_rate": 32, "bn_size": 4}



def _meta_out_shape(module_fn, input_shape):
    """``module_fn()``을 meta 장치에서 만들어 ``input_shape``(배치 제외) 입력의 출력 모양을 돌려줍니다."""
    import torch

    with torch.device("meta"):
        module = module_fn()
        out = module(torch.zeros(1, *input_shape, device="meta"))
    return tuple(out.shape[1:])


def _n_params(module_fn) -> int:
    import torch

    with torch.device("meta"):
        return sum(p.numel() for p in module_fn().parameters())


def ex12_1(answer) -> Verdict:
    """12.1 밀집 블록의 출력 채널 수(정수)를 채점합니다."""
    from ..models.densenet import DenseBlock

    got = as_int(answer, "12.1")
    c0, n, k = EX12_1["in_channels"], EX12_1["layers"], EX12_1["growth_rate"]
    expected = _meta_out_shape(lambda: DenseBlock(n, c0, k), (c0, 8, 8))[0]
    if got == expected:
        return Verdict("12.1", True)
    if got == n * k:
        hint = "층들이 새로 만든 특징 맵은 맞게 셌습니다. 블록의 출력에는 블록의 입력도 그대로 이어 붙습니다."
    elif got == k:
        hint = "마지막 층 하나의 출력만 셌습니다. 블록은 입력과 모든 층의 출력을 이어 붙여 내보냅니다."
    elif got in (c0 + n * 4 * k, c0 + n * (4 * k + k)):
        hint = "병목 층의 1×1 합성곱이 내는 4k채널은 층 안에서만 쓰입니다. 층 하나가 보태는 것은 k채널입니다."
    elif got in (c0 + (n - 1) * k, c0 + (n + 1) * k):
        hint = "층 수를 하나 다르게 셌습니다. 층마다 k채널씩, 층 수만큼 보탭니다."
    elif got == (c0 + n * k) // 2:
        hint = "전이 층의 압축까지 적용했습니다. 묻는 것은 밀집 블록 바로 뒤의 채널 수입니다."
    elif got == c0 * k or got == c0 + k:
        hint = "층 하나가 k채널을 보태고, 층이 여러 개입니다: 출력 채널 = k0 + L·k."
    else:
        hint = "블록의 출력 채널 = 입력 채널 k0 + 층 수 L × 성장률 k입니다."
    return Verdict("12.1", False, hint)


def ex12_2(answer) -> Verdict:
    """12.2 병목 DenseLayer의 매개변수 수(정수)를 채점합니다."""
    from ..models.densenet import DenseLayer

    got = as_int(answer, "12.2")
    c, k, b = EX12_2["in_channels"], EX12_2["growth_rate"], EX12_2["bn_size"]
    expected = _n_params(lambda: DenseLayer(c, k, b))
    if got == expected:
        return Verdict("12.2", True)
    conv1, conv2 = c * b * k, b * k * k * 9
    bn = 2 * c + 2 * b * k
    if got == conv1 + conv2:
        hint = "두 합성곱은 맞습니다. 두 배치 정규화에도 채널마다 학습되는 γ와 β가 있습니다."
    elif got in (expected + b * k + k, conv1 + conv2 + b * k + k):
        hint = "DenseNet의 합성곱에는 편향이 없습니다(bias=False). 뒤따르는 배치 정규화의 β가 그 역할을 합니다."
    elif got in (expected + 2 * c + 2 * b * k, conv1 + conv2 + 4 * c + 4 * b * k):
        hint = ("배치 정규화의 running_mean과 running_var는 학습되지 않는 버퍼라서 매개변수가 아닙니다. "
                "채널마다 γ와 β 두 개만 셉니다.")
    elif got in (c * k * 9, c * k * 9 + 2 * c):
        hint = "병목이 없는 층(3×3 하나)을 셌습니다. 이 층은 1×1 합성곱으로 4k채널을 만든 뒤 3×3 합성곱을 합니다."
    elif got == 2 * c + c * k + 2 * k + k * k * 9:
        hint = "1×1 합성곱이 내는 채널은 k가 아니라 bn_size·k = 4k입니다."
    elif got in (conv1 + bn, conv2 + bn, conv1, conv2):
        hint = "두 합성곱(1×1과 3×3)과 두 배치 정규화를 모두 더하세요."
    else:
        hint = ("BN(입력 채널) → 1×1 합성곱(입력 → 4k) → BN(4k) → 3×3 합성곱(4k → k)의 매개변수를 차례로 더하세요. "
                "합성곱에는 편향이 없습니다.")
    return Verdict("12.2", False, hint)


def _ex12_3_shape():
    from torch import nn

    from ..models.densenet import DenseBlock, Transition

    c0, h, w = EX12_3["input"]
    n, k, theta = EX12_3["layers"], EX12_3["growth_rate"], EX12_3["compression"]
    c = c0 + n * k
    return _meta_out_shape(lambda: nn.Sequential(DenseBlock(n, c0, k), Transition(c, int(c * theta))), (c0, h, w))


def ex12_3(answer) -> Verdict:
    """12.3 밀집 블록과 전이 층을 지난 출력 한 장의 모양 ``(C, H, W)``를 채점합니다."""
    got = as_int_tuple(answer, 3, "12.3")
    expected = _ex12_3_shape()
    if got == expected:
        return Verdict("12.3", True)
    c0, h, w = EX12_3["input"]
    n, k = EX12_3["layers"], EX12_3["growth_rate"]
    block_c = c0 + n * k
    if got[0] == expected[0]:
        hint = "채널 수는 맞습니다. 전이 층의 2×2 평균 풀링(스트라이드 2)이 높이와 너비를 반으로 줄입니다."
    elif got[0] == block_c:
        hint = "밀집 블록의 출력 채널은 맞습니다. 전이 층의 1×1 합성곱이 채널을 θ배로 압축합니다."
    elif got[0] == (n * k) // 2 or got[0] == n * k:
        hint = "밀집 블록의 출력에는 블록의 입력 채널도 그대로 이어 붙어 있습니다."
    elif got[0] == c0 // 2 or got[0] == c0:
        hint = "밀집 블록이 층마다 k채널씩 보탠 것을 잊지 않았나요?"
    else:
        hint = "블록의 출력 채널 = k0 + L·k, 전이 층은 채널을 θ배로 줄이고 해상도를 반으로 줄입니다."
    return Verdict("12.3", False, hint)


def _reference_dense_forward(x, layers):
    import torch

    features = [x]
    for layer in layers:
        features.append(layer(torch.cat(features, 1)))
    return torch.cat(features, 1)


def ex12_4(dense_forward) -> Verdict:
    """12.4 독자의 함수 ``dense_forward(x, layers)``가 밀집 블록의 순전파를 하는지 시험합니다."""
    as_function(dense_forward, "12.4", "dense_forward")
    import torch
    from torch import nn

    generator = torch.Generator().manual_seed(12)
    for c0, k, n, size in EX12_4["cases"]:
        layers = [nn.Conv2d(c0 + i * k, k, 3, padding=1) for i in range(n)]
        with torch.no_grad():
            for layer in layers:
                layer.weight.copy_(torch.randn(layer.weight.shape, generator=generator) * 0.3)
                layer.bias.copy_(torch.randn(k, generator=generator))
        x = torch.randn(2, c0, size, size, generator=generator)
        x_before = x.clone()
        call = f"입력 채널 {c0}, 성장률 {k}, 층 {n}개인 블록"
        try:
            with torch.no_grad():
                got = dense_forward(x, layers)
        except Exception as exc:  # 독자의 함수에서 난 오류를 힌트로 알려 줍니다.
            hint = f"{call}에서 {type(exc).__name__} 오류가 났습니다: {exc}"
            if "channels" in str(exc) or "size" in str(exc):
                hint += (" — 층 i는 입력과 앞선 모든 층의 출력을 채널 방향으로 이어 붙인 텐서"
                         f"({c0} + i·{k}채널)를 받아야 합니다.")
            return Verdict("12.4", False, hint)
        if not torch.equal(x, x_before):
            return Verdict("12.4", False, "함수가 입력 x를 바꾸었습니다. x는 그대로 두세요.")
        if not isinstance(got, torch.Tensor):
            return Verdict("12.4", False, f"{call}에서 텐서가 아니라 {type(got).__name__}을(를) 돌려주었습니다. "
                                           "torch.cat으로 이어 붙인 텐서 하나를 돌려주세요.")
        with torch.no_grad():
            expected = _reference_dense_forward(x, layers)
        if got.shape == expected.shape and torch.allclose(got, expected, atol=1e-5):
            continue
        want = tuple(expected.shape)
        if got.shape == (2, k, size, size):
            hint = f"{call}: 마지막 층의 출력만 돌려주었습니다. 입력과 모든 층의 출력을 이어 붙인 {want}를 돌려주세요."
        elif got.shape == (2, n * k, size, size):
            hint = f"{call}: 층들의 출력만 이어 붙였습니다. 블록의 입력 x도 맨 앞에 이어 붙이세요."
        elif got.shape != expected.shape and got.numel() == expected.numel():
            hint = f"{call}: 모양이 {tuple(got.shape)}입니다. 채널 축(dim=1)으로 이어 붙여 {want}를 만드세요."
        elif got.shape != expected.shape:
            hint = f"{call}: 출력 모양이 {tuple(got.shape)}인데 {want}여야 합니다."
        else:
            hint = (f"{call}: 모양은 맞지만 값이 다릅니다. 이어 붙이는 순서가 [x, 층1의 출력, 층2의 출력, …]인지, "
                    "층마다 그때까지의 특징 맵을 모두 이어 붙여 넣는지 확인하세요.")
        return Verdict("12.4", False, hint)
    return Verdict("12.4", True)


def _ex12_5_counts(c: int) -> tuple[int, int]:
    """입력 채널 c에서 (3×3 하나, 병목 층)의 합성곱 매개변수 (편향 없음)."""
    from torch import nn

    k, b = EX12_5["growth_rate"], EX12_5["bn_size"]
    plain = _n_params(lambda: nn.Conv2d(c, k, 3, padding=1, bias=False))
    bottleneck = _n_params(lambda: nn.Sequential(nn.Conv2d(c, b * k, 1, bias=False),
                                                 nn.Conv2d(b * k, k, 3, padding=1, bias=False)))
    return plain, bottleneck


@functools.lru_cache(maxsize=1)
def _ex12_5_expected() -> int:
    # 입력 채널을 하나씩 늘려 가며 병목 층이 처음으로 더 적어지는 곳을 찾습니다 (meta 장치, 모양만).
    # 두 식 모두 c에 대한 일차식이므로 2의 거듭제곱으로 범위를 좁힌 뒤 이분 탐색합니다.
    hi = 1
    while _ex12_5_counts(hi)[1] >= _ex12_5_counts(hi)[0]:
        hi *= 2
    lo = hi // 2
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        plain, bottleneck = _ex12_5_counts(mid)
        if bottleneck < plain:
            hi = mid
        else:
            lo = mid
    return hi


def ex12_5(answer) -> Verdict:
    """12.5 병목 층이 더 싸지는 가장 작은 입력 채널 수(정수)를 채점합니다."""
    got = as_number(answer, "12.5")
    expected = _ex12_5_expected()
    if got == expected:
        return Verdict("12.5", True)
    k, b = EX12_5["growth_rate"], EX12_5["bn_size"]
    ratio = 9 * b * k / (9 - b)  # 경계값 c* = 9bk/(9 - b)
    if math.isclose(got, ratio, rel_tol=1e-6):
        hint = "경계값을 정확히 구했습니다. 채널 수는 정수이고, 병목 층이 '더 적은' 가장 작은 정수를 답하세요."
    elif got == expected - 1:
        hint = ("그 채널 수에서는 병목 층의 매개변수가 아직 3×3 하나보다 많습니다. 병목 층이 '더 적은' "
                "가장 작은 정수를 찾으세요.")
    elif math.isclose(got, ratio / k, rel_tol=1e-3):
        hint = "경계가 k의 몇 배인지까지는 맞습니다. k = 32를 넣어 채널 수로 답하세요."
    elif got in (b * k, 9 * k, 9 * b * k / 9):
        hint = "두 층의 매개변수를 c에 대한 식으로 쓰세요: 3×3 하나는 9ck, 병목 층은 4k·c + 9·4k·k입니다."
    elif got < expected:
        hint = "그 입력 채널 수에서는 병목 층의 매개변수가 더 많습니다. 두 식을 같게 놓고 c를 풀어 보세요."
    else:
        hint = "그보다 작은 채널 수에서도 이미 병목 층이 더 적습니다. 9ck > 4kc + 36k²를 c에 대해 푸세요."
    return Verdict("12.5", False, hint)
