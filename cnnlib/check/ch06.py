"""6장 활성 함수·정규화·역전파의 연습문제 채점.

기대하는 답은 손으로 적어 두지 않고, 문제의 설정(아래 ``EX6_*`` 상수)에서 PyTorch의
자동 미분과 ``nn.BatchNorm1d``로 그때그때 계산합니다. 상수는 6장 노트북의 문제 문장과
같아야 하며, 노트북의 숨은 테스트 셀이 이를 확인합니다.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ._core import Verdict, as_function, as_number, as_tensor, tensor_matches

__all__ = ["ex6_1", "ex6_2", "ex6_3", "ex6_4", "ex6_5", "ex6_6"]

# 문제 6.1: 시그모이드의 국소 기울기 σ'(z)를 z = 0에서
EX6_1 = {"z": 0.0}
# 문제 6.2: ε = (σ(x·w + b) − t)²에서 ∂ε/∂w
EX6_2 = {"x": 4.0, "w": -0.5, "b": 2.0, "t": 1.0}
# 문제 6.3: 채널 하나, 미니배치 4개의 값에 학습 모드 배치 정규화 (γ, β, ε)
EX6_3 = {"batch": (0.0, 0.0, 4.0, 4.0), "gamma": 3.0, "beta": 0.5, "eps": 1e-5}
# 문제 6.4: relu_backward(grad_out, x)를 시험할 입력 모양
EX6_4 = {"shapes": ((7,), (3, 5), (2, 3, 4, 4), (1, 8, 6, 6))}
# 문제 6.5: 드롭아웃 확률 p, 학습 모드에서 값이 모두 x인 입력
EX6_5 = {"p": 0.2, "x": 1.0}
# 문제 6.6: 1차원 교차 상관 y = x ⋆ w (패딩 없음)와 출력 기울기 g = ∂ε/∂y
EX6_6 = {"x": (3.0, 1.0, 4.0, 1.0, 5.0), "w": (1.0, 2.0, -1.0), "g": (1.0, 0.0, 2.0)}



def _close(a: float, b: float, tol: float = 1e-3) -> bool:
    return math.isclose(a, b, rel_tol=0.0, abs_tol=tol)


# ---------------------------------------------------------------- 6.1
def ex6_1(answer) -> Verdict:
    """6.1 시그모이드의 도함수 σ'(0)(숫자)을 채점합니다."""
    got = as_number(answer, "6.1")
    z = torch.tensor(EX6_1["z"], dtype=torch.float64, requires_grad=True)
    a = torch.sigmoid(z)
    (expected,) = torch.autograd.grad(a, z)
    if _close(got, float(expected)):
        return Verdict("6.1", True)
    if _close(got, float(a.detach())):
        hint = "σ(0), 곧 함수의 값을 구했습니다. 물은 것은 그 자리에서의 기울기(도함수)입니다."
    elif _close(got, 1.0):
        hint = "기울기가 1인 것은 tanh(0)이나 양수 쪽 ReLU입니다. 시그모이드는 훨씬 완만합니다."
    elif _close(got, 0.0):
        hint = "시그모이드는 z = 0에서 가장 가파르게 올라갑니다. 평평하지 않습니다."
    else:
        hint = "σ'(z) = σ(z)·(1 − σ(z))에 σ(0)을 넣어 보세요."
    return Verdict("6.1", False, hint)


# ---------------------------------------------------------------- 6.2
def _ex6_2_parts() -> dict:
    """6.2 그래프의 값과 기울기 (float64 자동 미분)."""
    c = EX6_2
    x = torch.tensor(c["x"], dtype=torch.float64)
    w = torch.tensor(c["w"], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(c["b"], dtype=torch.float64)
    z = x * w + b
    a = torch.sigmoid(z)
    eps = (a - c["t"]) ** 2
    (grad_w,) = torch.autograd.grad(eps, w)
    a_, z_ = float(a.detach()), float(z.detach())
    return {"grad_w": float(grad_w), "d_a": 2 * (a_ - c["t"]), "local": a_ * (1 - a_), "x": c["x"], "z": z_}


def ex6_2(answer) -> Verdict:
    """6.2 ∂ε/∂w(숫자)를 채점합니다."""
    got = as_number(answer, "6.2")
    p = _ex6_2_parts()
    if _close(got, p["grad_w"]):
        return Verdict("6.2", True)
    if _close(got, -p["grad_w"]):
        hint = "부호가 반대입니다. ∂ε/∂a = 2(a − t)에서 a가 t보다 작으면 음수입니다."
    elif _close(got, p["d_a"] * p["x"]):
        hint = "시그모이드 노드의 국소 기울기 σ'(z)를 곱하는 것을 빠뜨렸습니다."
    elif _close(got, p["d_a"] * p["local"]):
        hint = "그것은 ∂ε/∂z입니다. 곱셈 노드 z = x·w의 국소 기울기 ∂z/∂w = x를 한 번 더 곱하세요."
    elif _close(got, p["grad_w"] / 2):
        hint = "손실이 (a − t)²이므로 ∂ε/∂a = 2(a − t)입니다. 2를 빠뜨리지 않았나요?"
    else:
        hint = "z, a, ε를 먼저 구한 뒤, 뒤에서부터 ∂ε/∂a, σ'(z), ∂z/∂w를 차례로 곱하세요."
    return Verdict("6.2", False, hint)


# ---------------------------------------------------------------- 6.3
def _ex6_3_expected(unbiased: bool = False) -> torch.Tensor:
    c = EX6_3
    x = torch.tensor(c["batch"], dtype=torch.float32)
    if unbiased:  # 흔한 실수: 정규화에 표본 분산(n − 1로 나눔)을 씀
        x_hat = (x - x.mean()) / torch.sqrt(x.var(correction=1) + c["eps"])
        return c["gamma"] * x_hat + c["beta"]
    bn = nn.BatchNorm1d(1, eps=c["eps"])
    with torch.no_grad():
        bn.weight.fill_(c["gamma"])
        bn.bias.fill_(c["beta"])
        return bn.train()(x[:, None])[:, 0]


def ex6_3(answer) -> Verdict:
    """6.3 학습 모드 배치 정규화의 출력(값 4개)을 채점합니다."""
    got = as_tensor(answer, "6.3").flatten()
    expected = _ex6_3_expected()
    ok, hint = tensor_matches(got, expected, "6.3", atol=1e-3)
    if ok:
        return Verdict("6.3", True)
    if got.shape == expected.shape:
        c = EX6_3
        x = torch.tensor(c["batch"])
        x_hat = (expected - c["beta"]) / c["gamma"]
        if tensor_matches(got, _ex6_3_expected(unbiased=True), "6.3", atol=1e-3)[0]:
            hint = "분산을 n − 1로 나누었습니다. 정규화에는 n으로 나눈 미니배치 분산을 씁니다."
        elif tensor_matches(got, x_hat, "6.3", atol=1e-3)[0]:
            hint = "정규화한 값 x̂에서 멈추었습니다. 마지막에 γ를 곱하고 β를 더하세요."
        elif tensor_matches(got, c["gamma"] * x / torch.sqrt(x.var(correction=0)) + c["beta"], "6.3",
                            atol=1e-3)[0]:
            hint = "평균을 빼는 단계를 빠뜨렸습니다."
        elif tensor_matches(got, c["gamma"] * (x - x.mean()) + c["beta"], "6.3", atol=1e-3)[0]:
            hint = "표준편차로 나누는 단계를 빠뜨렸습니다."
        else:
            hint = "평균 μ, (n으로 나눈) 분산 σ²를 구하고 (x − μ)/√(σ² + ε)에 γ를 곱해 β를 더하세요."
    return Verdict("6.3", False, hint)


# ---------------------------------------------------------------- 6.4
def _ex6_4_cases():
    g = torch.Generator().manual_seed(64)
    cases = []
    for shape in EX6_4["shapes"]:
        x = torch.randn(shape, generator=g)
        grad_out = torch.randn(shape, generator=g)
        cases.append((x, grad_out))
    # 정확히 0인 입력: PyTorch처럼 기울기 0
    x0 = torch.tensor([-1.0, 0.0, 2.0, 0.0, -3.0, 0.5])
    cases.append((x0, torch.tensor([1.0, 2.0, 3.0, -4.0, 5.0, -6.0])))
    return cases


def _relu_grad(x, grad_out):
    x = x.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.relu(x), x, grad_out)
    return grad


def ex6_4(relu_backward) -> Verdict:
    """6.4 독자가 쓴 ``relu_backward(grad_out, x)``를 여러 입력에서 자동 미분과 비교합니다."""
    as_function(relu_backward, "6.4", "relu_backward")
    for x, grad_out in _ex6_4_cases():
        call = f"모양 {tuple(x.shape)}인 입력"
        try:
            result = relu_backward(grad_out.clone(), x.clone())
            if result is None:
                return Verdict("6.4", False, "함수가 아무것도 돌려주지 않았습니다. return을 빠뜨리지 않았나요?")
            got = as_tensor(result, "6.4")
        except Exception as exc:  # 독자의 함수에서 난 오류를 힌트로 알려 줍니다.
            return Verdict("6.4", False, f"{call}에서 {type(exc).__name__} 오류가 났습니다: {exc}")
        expected = _relu_grad(x, grad_out)
        ok, hint = tensor_matches(got, expected, "6.4", atol=1e-6)
        if ok:
            continue
        if got.shape == expected.shape:
            if tensor_matches(got, (x > 0).float(), "6.4", atol=1e-6)[0]:
                hint = "국소 기울기(0 또는 1)만 돌려주었습니다. 출력 기울기 grad_out을 곱해야 합니다."
            elif tensor_matches(got, grad_out * F.relu(x), "6.4", atol=1e-6)[0]:
                hint = "ReLU의 출력값을 곱했습니다. 곱할 것은 ReLU의 도함수(양수면 1, 아니면 0)입니다."
            elif tensor_matches(got, grad_out * (grad_out > 0), "6.4", atol=1e-6)[0]:
                hint = "grad_out의 부호로 골랐습니다. 통과 여부는 순전파의 입력 x의 부호로 정해집니다."
            elif tensor_matches(got, grad_out * (x >= 0), "6.4", atol=1e-6)[0]:
                hint = "x가 정확히 0인 곳에서는 PyTorch처럼 기울기를 0으로 두세요 (x > 0일 때만 통과)."
            else:
                hint = f"{call}에서 값이 다릅니다. x > 0인 곳은 grad_out을 그대로, 나머지는 0을 돌려주세요."
        else:
            hint = f"{call}에서 돌려준 모양이 {tuple(got.shape)}입니다. grad_out과 같은 모양이어야 합니다."
        return Verdict("6.4", False, hint)
    return Verdict("6.4", True)


# ---------------------------------------------------------------- 6.5
def _ex6_5_expected() -> float:
    """nn.Dropout이 학습 모드에서 살아남은 원소에 남기는 값."""
    p, x = EX6_5["p"], EX6_5["x"]
    with torch.random.fork_rng(devices=[]):  # 독자의 난수 상태를 건드리지 않습니다
        out = nn.Dropout(p).train()(torch.full((1000,), x))
    return float(out[out != 0][0])


def ex6_5(answer) -> Verdict:
    """6.5 학습 모드 드롭아웃에서 살아남은 원소의 값(숫자)을 채점합니다."""
    got = as_number(answer, "6.5")
    p, x = EX6_5["p"], EX6_5["x"]
    if _close(got, _ex6_5_expected(), 1e-4):
        return Verdict("6.5", True)
    if _close(got, x * (1 - p), 1e-4):
        hint = ("(1 − p)를 곱한 값은 원래 AlexNet이 추론할 때 쓰던 방법입니다. PyTorch는 학습할 때 "
                "살아남은 값을 키워서 평균을 맞춥니다.")
    elif _close(got, x, 1e-4):
        hint = "값을 그대로 두면 평균이 (1 − p)배로 줄어듭니다. 살아남은 값은 얼마나 커져야 할까요?"
    elif _close(got, x / p, 1e-4):
        hint = "p는 0이 될 확률입니다. 살아남을 확률로 나누세요."
    elif _close(got, 0.0, 1e-4):
        hint = "0이 된 원소가 아니라 살아남은 원소의 값을 물었습니다."
    else:
        hint = "학습 모드의 평균이 입력의 평균과 같아지려면 살아남은 값에 무엇을 곱해야 할지 생각해 보세요."
    return Verdict("6.5", False, hint)


# ---------------------------------------------------------------- 6.6
def _ex6_6_tensors():
    c = EX6_6
    return (torch.tensor(c["x"]).view(1, 1, -1), torch.tensor(c["w"]).view(1, 1, -1),
            torch.tensor(c["g"]).view(1, 1, -1))


def _ex6_6_expected() -> torch.Tensor:
    x, w, g = _ex6_6_tensors()
    x = x.clone().requires_grad_(True)
    (grad_x,) = torch.autograd.grad(F.conv1d(x, w), x, g)
    return grad_x.flatten()


def ex6_6(answer) -> Verdict:
    """6.6 1차원 교차 상관의 입력 기울기 ∂ε/∂x(값 5개)를 채점합니다."""
    got = as_tensor(answer, "6.6").flatten()
    expected = _ex6_6_expected()
    ok, hint = tensor_matches(got, expected, "6.6", atol=1e-4)
    if ok:
        return Verdict("6.6", True)
    x, w, g = _ex6_6_tensors()
    k = w.shape[-1]
    grad_w = F.conv1d(x, g).flatten()
    if got.shape == expected.shape:
        unflipped = F.conv1d(F.pad(g, (k - 1, k - 1)), w).flatten()
        if tensor_matches(got, unflipped, "6.6", atol=1e-4)[0]:
            hint = ("커널을 뒤집지 않았습니다. x[p]는 y[i]에 w[p − i]로 곱해지므로, 덧댄 g와 교차 상관할 "
                    "때는 뒤집은 커널을 씁니다.")
        else:
            hint = ("x[p]가 쓰이는 출력 y[i]마다 g[i]·w[p − i]를 더하세요. 가장자리 원소는 출력 하나에만 "
                    "쓰입니다.")
    elif got.shape == grad_w.shape:
        hint = ("값이 3개입니다. 물은 것은 가중치가 아니라 입력 x에 대한 기울기이므로 x와 같은 5개여야 합니다."
                if not tensor_matches(got, grad_w, "6.6")[0] else
                "그것은 가중치 기울기 ∂ε/∂w입니다. 입력 x에 대한 기울기(5개)를 구하세요.")
    return Verdict("6.6", False, hint)
