"""14장 더 나아가기(SENet, EfficientNet, Inception-ResNet)의 연습문제 채점.

기대하는 답은 손으로 적어 두지 않고, 문제의 설정(아래 ``EX14_*`` 상수)에서
:class:`cnnlib.models.senet.SEBlock`, :class:`~cnnlib.models.senet.InceptionResNetA`와 식으로
그때그때 계산합니다. 상수는 14장 노트북의 문제 문장과 같아야 하며, 노트북의 숨은 테스트 셀이
이를 확인합니다.
"""

from __future__ import annotations

import math

from ._core import Verdict, as_function, as_int, as_number

__all__ = ["ex14_1", "ex14_2", "ex14_3", "ex14_4"]

# 문제 14.1: SEBlock(256, reduction=16)의 매개변수 (두 1×1 합성곱 모두 편향 포함)
EX14_1 = {"channels": 256, "reduction": 16}
# 문제 14.2: 독자의 se_weights(x, fc1, fc2)를 시험할 (배치, 채널, 높이, 너비, 가운데 폭)
EX14_2 = {"cases": ((2, 8, 5, 5, 2), (1, 16, 7, 3, 4), (3, 6, 1, 1, 3), (2, 12, 4, 6, 1))}
# 문제 14.3: α=1.2, β=1.1, γ=1.15, φ=3일 때 연산량(MAC)은 B0의 몇 배인가 (식의 값)
EX14_3 = {"alpha": 1.2, "beta": 1.1, "gamma": 1.15, "phi": 3}
# 문제 14.4: InceptionResNetA(channels=256)의 매개변수
EX14_4 = {"channels": 256}



def _params(module) -> int:
    return sum(p.numel() for p in module.parameters())


def ex14_1(answer) -> Verdict:
    """14.1 SE 블록의 매개변수 수(정수)를 채점합니다."""
    import torch

    from ..models.senet import SEBlock

    got = as_int(answer, "14.1")
    c, r = EX14_1["channels"], EX14_1["reduction"]
    with torch.device("meta"):
        expected = _params(SEBlock(c, reduction=r))
    if got == expected:
        return Verdict("14.1", True)
    h = c // r
    if got == 2 * c * h:
        hint = "가중치는 맞습니다. 두 층의 편향(가운데 층과 마지막 층에 하나씩)도 세세요."
    elif got in (2 * c * h + c, 2 * c * h + h):
        hint = "편향은 두 층에 모두 있습니다. 첫 층은 가운데 폭만큼, 둘째 층은 채널 수만큼입니다."
    elif got in (2 * c * c + c + c, 2 * c * c, c * c + c):
        hint = "가운데 층의 폭은 C가 아니라 C/r입니다."
    elif got in (c * h + h, h * c + c):
        hint = "완전 연결 층이 두 개입니다(C → C/r, C/r → C). 둘을 더하세요."
    elif got == 0:
        hint = "전역 평균 풀링과 시그모이드에는 매개변수가 없지만, 두 완전 연결 층에는 있습니다."
    else:
        hint = "SE 블록의 매개변수 = C·(C/r) + C/r + (C/r)·C + C 입니다."
    return Verdict("14.1", False, hint)


def ex14_2(se_weights) -> Verdict:
    """14.2 독자의 함수 ``se_weights(x, fc1, fc2)``가 SE 블록의 채널 가중치를 계산하는지 시험합니다."""
    as_function(se_weights, "14.2", "se_weights")
    import torch
    from torch import nn

    generator = torch.Generator().manual_seed(14)
    for n, c, h, w, hidden in EX14_2["cases"]:
        fc1, fc2 = nn.Linear(c, hidden), nn.Linear(hidden, c)
        with torch.no_grad():
            for layer in (fc1, fc2):
                layer.weight.copy_(torch.randn(layer.weight.shape, generator=generator))
                layer.bias.copy_(torch.randn(layer.bias.shape, generator=generator))
            x = torch.randn(n, c, h, w, generator=generator) + 0.5
            z = x.mean(dim=(2, 3))
            expected = torch.sigmoid(fc2(torch.relu(fc1(z))))
        call = f"se_weights(x: {tuple(x.shape)}, fc1: Linear({c}, {hidden}), fc2: Linear({hidden}, {c}))"
        x_before = x.clone()
        try:
            with torch.no_grad():
                got = se_weights(x, fc1, fc2)
        except Exception as exc:  # 독자의 함수에서 난 오류를 힌트로 알려 줍니다.
            return Verdict("14.2", False, f"{call}에서 {type(exc).__name__} 오류가 났습니다: {exc}")
        if not torch.equal(x, x_before):
            return Verdict("14.2", False, "함수가 입력 x를 바꾸었습니다(제자리 연산). x는 그대로 두세요.")
        if not isinstance(got, torch.Tensor):
            return Verdict("14.2", False, f"{call}이(가) {type(got).__name__}을(를) 돌려주었습니다. 텐서를 돌려주세요.")
        if tuple(got.shape) == (n, c, 1, 1):
            got = got.flatten(1)
        if tuple(got.shape) == (n, c, h, w):
            return Verdict("14.2", False, "특징 맵 모양의 텐서를 돌려주었습니다. x에 곱하기(스케일) 전의 채널 가중치만 "
                                           "(배치, 채널) 모양으로 돌려주세요.")
        if tuple(got.shape) != (n, c):
            return Verdict("14.2", False, f"{call}의 결과 모양이 {tuple(got.shape)}입니다. (배치, 채널) = {(n, c)}"
                                           "이어야 합니다. 공간 축(높이, 너비)을 평균 냈는지 확인하세요.")
        if torch.allclose(got, expected, atol=1e-5):
            continue
        with torch.no_grad():
            no_sigmoid = fc2(torch.relu(fc1(z)))
            no_relu = torch.sigmoid(fc2(fc1(z)))
            max_pool = torch.sigmoid(fc2(torch.relu(fc1(x.amax(dim=(2, 3))))))
        if torch.allclose(got, no_sigmoid, atol=1e-5):
            hint = "마지막에 시그모이드를 씌워 가중치를 0~1로 만드세요."
        elif torch.allclose(got, no_relu, atol=1e-5):
            hint = "두 완전 연결 층 사이에 ReLU가 있습니다."
        elif torch.allclose(got, max_pool, atol=1e-5):
            hint = "스퀴즈는 최댓값이 아니라 전역 평균 풀링(공간 축의 평균)입니다."
        elif ((got < 0) | (got > 1)).any():
            hint = "가중치가 0~1 밖에 있습니다. 시그모이드를 마지막에 씌웠는지 확인하세요."
        else:
            hint = f"{call}: 결과가 다릅니다. 공간 평균 → fc1 → ReLU → fc2 → 시그모이드 순서인지 확인하세요."
        return Verdict("14.2", False, hint)
    return Verdict("14.2", True)


def _ex14_3_expected() -> float:
    a, b, g, phi = (EX14_3[k] for k in ("alpha", "beta", "gamma", "phi"))
    return (a * b ** 2 * g ** 2) ** phi


def ex14_3(answer) -> Verdict:
    """14.3 복합 스케일링에서 연산량이 몇 배가 되는지(실수, 상대 오차 0.5%)를 채점합니다."""
    got = as_number(answer, "14.3")
    expected = _ex14_3_expected()
    if math.isclose(got, expected, rel_tol=5e-3):
        return Verdict("14.3", True)
    a, b, g, phi = (EX14_3[k] for k in ("alpha", "beta", "gamma", "phi"))
    if math.isclose(got, 2 ** phi, rel_tol=1e-3):
        hint = "2^φ는 어림값입니다. α·β²·γ²이 정확히 2가 아니므로 그 값을 φ제곱하세요."
    elif math.isclose(got, (a * b * g) ** phi, rel_tol=5e-3):
        hint = "너비와 해상도는 연산량에 제곱으로 들어갑니다(채널 수 두 번, 높이와 너비)."
    elif math.isclose(got, a * b ** 2 * g ** 2, rel_tol=5e-3):
        hint = "φ = 1일 때의 값입니다. φ = 3이므로 φ제곱하세요."
    elif math.isclose(got, phi * a * b ** 2 * g ** 2, rel_tol=5e-3):
        hint = "곱하지 말고 거듭제곱하세요: (α·β²·γ²)^φ."
    elif math.isclose(got, 224 * g ** phi, rel_tol=5e-3):
        hint = "그것은 해상도입니다. 묻는 것은 연산량이 B0의 몇 배인지입니다."
    else:
        hint = "연산량은 깊이에 비례하고 너비와 해상도의 제곱에 비례합니다. (α·β²·γ²)^φ를 계산하세요."
    return Verdict("14.3", False, hint)


def _ex14_4_expected() -> int:
    import torch

    from ..models.senet import InceptionResNetA

    with torch.device("meta"):
        return _params(InceptionResNetA(EX14_4["channels"]))


def ex14_4(answer) -> Verdict:
    """14.4 Inception-ResNet-A 블록의 매개변수 수(정수)를 채점합니다."""
    got = as_int(answer, "14.4")
    expected = _ex14_4_expected()
    if got == expected:
        return Verdict("14.4", True)
    c = EX14_4["channels"]
    bn = 2 * (32 + 32 + 32 + 32 + 48 + 64)       # 배치 정규화의 γ, β
    final = 128 * c + c                           # 마지막 1×1 합성곱 (편향 포함)
    if got == expected - bn:
        hint = "합성곱은 맞습니다. 가지 안의 합성곱마다 붙은 배치 정규화(채널마다 γ, β 두 개)도 세세요."
    elif got == expected - c:
        hint = "마지막 1×1 합성곱(128 → C)에는 편향이 있습니다."
    elif got == expected - final:
        hint = "가지들을 이어 붙인 128채널을 입력 채널 수로 되돌리는 1×1 합성곱을 빠뜨렸습니다."
    elif got == expected - bn - c:
        hint = "배치 정규화의 매개변수와 마지막 1×1 합성곱의 편향을 빠뜨렸습니다."
    elif got == _params_for_320():
        hint = "채널이 320이 아니라 256인 블록입니다."
    else:
        hint = ("가지 셋(1×1 | 1×1→3×3 | 1×1→3×3→3×3)의 합성곱(편향 없음)과 배치 정규화, 그리고 마지막 1×1 "
                "합성곱(편향 있음)을 차례로 세어 더하세요.")
    return Verdict("14.4", False, hint)


def _params_for_320() -> int:
    import torch

    from ..models.senet import InceptionResNetA

    with torch.device("meta"):
        return _params(InceptionResNetA(320))
