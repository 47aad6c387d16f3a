"""15장 전이 학습과 미세 조정의 연습문제 채점.

기대하는 답은 손으로 적어 두지 않고, 문제의 설정(아래 ``EX15_*`` 상수)에서
:mod:`cnnlib.transfer`, :mod:`cnnlib.models`, :func:`cnnlib.cost.layer_table`로 그때그때 계산합니다.
상수는 15장 노트북의 문제 문장과 같아야 하며, 노트북의 숨은 테스트 셀이 이를 확인합니다.
"""

from __future__ import annotations

import math

from ._core import Verdict, as_function, as_int, as_int_tuple, as_number

__all__ = ["ex15_1", "ex15_2", "ex15_3", "ex15_4"]

# 문제 15.1: 오늘날의 LeNet-5(28×28, 10클래스)를 freeze(until="C3")로 고정했을 때 학습할 매개변수 수
EX15_1 = {"model": "lenet5_modern", "until": "C3"}
# 문제 15.2: ResNet-18의 머리를 37클래스로 바꿨을 때 새 층의 가중치(weight) 모양
EX15_2 = {"model": "resnet18", "num_classes": 37}
# 문제 15.3: 독자가 쓴 linear_cka(x, y)를 시험할 (표본 수, x의 특징 수, y의 특징 수, 시드)
EX15_3 = {"cases": ((50, 8, 5, 0), (200, 30, 30, 1), (20, 64, 3, 2), (300, 4, 16, 3))}
# 문제 15.4: 오늘날의 LeNet-5에서 C1부터 C5까지를 고정할 때, 28×28 이미지 한 장의 순전파 MAC 가운데
# 고정한 층의 몫 (0과 1 사이)
EX15_4 = {"model": "lenet5_modern", "until": "C5", "input": (1, 1, 28, 28)}



def _model(name: str):
    from .. import models

    return models.create(name)


def _frozen_prefixes(model, until: str) -> list[str]:
    names = [n for n, _ in model.named_children()]
    return names[: names.index(until) + 1]


def ex15_1(answer) -> Verdict:
    """15.1 ``freeze(until="C3")`` 뒤에 학습할 매개변수 수(정수)를 채점합니다."""
    from .. import transfer

    got = as_int(answer, "15.1")
    net = _model(EX15_1["model"])
    total = sum(p.numel() for p in net.parameters())
    transfer.freeze(net, until=EX15_1["until"])
    expected = sum(p.numel() for p in transfer.trainable_parameters(net))
    if got == expected:
        return Verdict("15.1", True)
    rows = {name: (n, t) for name, n, t in transfer.layer_status(net)}
    weights_only = sum(p.numel() for name, p in net.named_parameters() if p.requires_grad and name.endswith("weight"))
    if got == total:
        hint = "모델 전체의 매개변수 수입니다. C1, S2, C3에 있는 매개변수는 고정되어 학습하지 않습니다."
    elif got == total - expected:
        hint = "고정된(학습하지 않는) 매개변수의 수를 구했습니다. 물음은 학습할 매개변수입니다."
    elif got == rows["OUT"][0] or got == rows["OUT"][0] + rows["F6"][0]:
        hint = "고정하는 층은 C3까지입니다. 그 뒤의 C5도 학습합니다."
    elif got == weights_only:
        hint = "가중치는 맞습니다. 층마다 출력 채널(단위)마다 하나씩 있는 편향을 더하세요."
    else:
        hint = ("C3 뒤에 남는 층은 C5(16→120, 5×5 합성곱), F6(120→84), OUT(84→10)입니다. 합성곱 층은 "
                "C_out × (C_in × K × K) + C_out, 완전 연결 층은 출력 × 입력 + 출력입니다. 풀링에는 매개변수가 없습니다.")
    return Verdict("15.1", False, hint)


def ex15_2(answer) -> Verdict:
    """15.2 ResNet-18의 새 머리의 가중치 모양(정수 두 개)을 채점합니다."""
    from .. import transfer

    got = as_int_tuple(answer, 2, "15.2")
    net = _model(EX15_2["model"])
    old = tuple(net.fc.weight.shape)
    expected = tuple(transfer.replace_head(net, EX15_2["num_classes"]).weight.shape)
    if got == expected:
        return Verdict("15.2", True)
    if got == expected[::-1]:
        hint = "순서가 바뀌었습니다. nn.Linear의 weight 모양은 (출력 특징 수, 입력 특징 수)입니다."
    elif got == old:
        hint = "원래 ImageNet 머리(1000클래스)의 모양입니다. 새 머리는 클래스 37개를 냅니다."
    elif got[0] == expected[0]:
        hint = ("출력 수는 맞습니다. 입력 특징 수는 마지막 합성곱 단계의 채널 수(전역 평균 풀링 뒤의 벡터 길이)입니다. "
                "ResNet-18의 기본 블록은 채널을 늘리지 않습니다(병목 블록을 쓰는 ResNet-50과 다릅니다).")
    else:
        hint = "nn.Linear의 weight 모양은 (출력 특징 수, 입력 특징 수)입니다. ResNet-18의 fc가 받는 벡터의 길이를 확인하세요."
    return Verdict("15.2", False, hint)


def ex15_3(linear_cka) -> Verdict:
    """15.3 독자가 쓴 ``linear_cka(x, y)``를 여러 입력에서 :func:`cnnlib.transfer.linear_cka`와 비교합니다."""
    import torch

    from .. import transfer

    as_function(linear_cka, "15.3", "linear_cka")
    for n, p, q, seed in EX15_3["cases"]:
        g = torch.Generator().manual_seed(seed)
        x = torch.randn(n, p, generator=g) + 3.0                      # 평균이 0이 아닌 특징
        y = x[:, :1].repeat(1, q) * 0.5 + torch.randn(n, q, generator=g)
        call = f"linear_cka(x, y) (x: {n}×{p}, y: {n}×{q})"
        expected = transfer.linear_cka(x, y)
        try:
            result = linear_cka(x.clone(), y.clone())
        except Exception as exc:  # 독자의 함수에서 난 오류를 힌트로 알려 줍니다.
            return Verdict("15.3", False, f"{call}에서 {type(exc).__name__} 오류가 났습니다: {exc}")
        try:
            got = float(torch.as_tensor(result).detach().double().item())
        except Exception:
            return Verdict("15.3", False, f"{call}이(가) 숫자 하나가 아닌 {type(result).__name__}을(를) 돌려주었습니다.")
        if math.isclose(got, expected, rel_tol=1e-4, abs_tol=1e-5):
            continue
        xc, yc = x.double(), y.double()
        uncentered = float((yc.T @ xc).norm() ** 2 / ((xc.T @ xc).norm() * (yc.T @ yc).norm()))
        if math.isclose(got, uncentered, rel_tol=1e-4):
            hint = "열(특징)마다 평균을 빼는 중심화를 잊었습니다: x = x - x.mean(0)."
        elif math.isclose(got, math.sqrt(expected), rel_tol=1e-4):
            hint = "분자는 ‖YᵀX‖_F의 제곱입니다."
        elif got > 1 + 1e-6 or got < -1e-6:
            hint = f"{call}이(가) {got:.4g}을(를) 돌려주었습니다. CKA는 0과 1 사이입니다. 분모의 노름을 확인하세요."
        else:
            hint = f"{call}의 값이 다릅니다. 중심화한 뒤 ‖YᵀX‖²_F / (‖XᵀX‖_F · ‖YᵀY‖_F)를 계산하세요."
        return Verdict("15.3", False, hint)
    return Verdict("15.3", True)


def ex15_4(answer) -> Verdict:
    """15.4 C1~C5를 고정할 때 고정한 층이 차지하는 순전파 MAC의 비율(0과 1 사이)을 채점합니다."""
    from ..cost import layer_table

    got = as_number(answer, "15.4")
    net = _model(EX15_4["model"])
    frozen = set(_frozen_prefixes(net, EX15_4["until"]))
    rows = layer_table(net, EX15_4["input"])
    total = sum(r.macs for r in rows)
    frozen_macs = sum(r.macs for r in rows if r.name.split(".")[0] in frozen)
    expected = frozen_macs / total
    if math.isclose(got, expected, abs_tol=2e-3):
        return Verdict("15.4", True)
    params = {name: p for name, p in ((n, sum(q.numel() for q in c.parameters())) for n, c in net.named_children())}
    param_share = sum(params[n] for n in frozen) / sum(params.values())
    if math.isclose(got, 100 * expected, abs_tol=0.2):
        hint = "백분율이 아니라 0과 1 사이의 비율로 답하세요."
    elif math.isclose(got, param_share, abs_tol=2e-3):
        hint = "매개변수의 비율을 구했습니다. 물음은 곱셈-누산(MAC) 횟수의 비율입니다."
    elif math.isclose(got, 1 - expected, abs_tol=2e-3):
        hint = "학습하는 층(F6, OUT)의 몫을 구했습니다. 물음은 고정한 층의 몫입니다."
    else:
        hint = ("합성곱 층의 MAC은 출력 높이 × 너비 × C_out × C_in × K × K, 완전 연결 층은 입력 × 출력입니다. "
                "C1의 출력은 28×28(패딩 2), C3은 10×10, C5는 1×1입니다.")
    return Verdict("15.4", False, hint)
