"""4장 풀링의 연습문제 채점.

기대하는 답은 손으로 적어 두지 않고, 문제의 설정(아래 ``EX4_*`` 상수)에서 PyTorch와
:func:`cnnlib.functional.output_size`로 그때그때 계산합니다. 상수는 4장 노트북의 문제
문장과 같아야 하며, 노트북의 숨은 테스트 셀이 이를 확인합니다.
"""

from __future__ import annotations

from ..functional import output_size
from ._core import Verdict, as_function, as_int, as_int_tuple, as_tensor, tensor_matches

__all__ = ["ex4_1", "ex4_2", "ex4_3", "ex4_4", "ex4_5"]

# 문제 4.1: 이 4×4 특징 맵에 2×2 최대 풀링(스트라이드 2)을 손으로 합니다.
EX4_1 = {
    "grid": ((3, 1, 0, 6),
             (2, 8, 5, 4),
             (7, 0, 1, 1),
             (4, 9, 2, 3)),
    "kernel": 2,
}
# 문제 4.2: 112×112 특징 맵에 3×3 최대 풀링, 스트라이드 2, 패딩 1 (ResNet 첫머리)
EX4_2 = {"size": 112, "kernel": 3, "stride": 2, "padding": 1}
# 문제 4.3: 2048×7×7 특징 맵을 1000개 클래스로 — 완전 연결 층 하나 vs 전역 평균 풀링 + 완전 연결 층
EX4_3 = {"channels": 2048, "size": 7, "classes": 1000}
# 문제 4.4: avg_pool_1d(x, k)를 시험할 (길이, 창 크기) 쌍
EX4_4 = {"cases": ((8, 2), (9, 2), (10, 3), (12, 4), (7, 7), (5, 1), (11, 5))}
# 문제 4.5: 값이 모두 다른 8×8 특징 맵에 2×2 최대 풀링(스트라이드 2) 뒤 출력의 합을 역전파
EX4_5 = {"size": 8, "kernel": 2}



def _torch():
    import torch
    import torch.nn.functional as F

    return torch, F


# ---------------------------------------------------------------- 4.1
def _ex4_1_input():
    torch, _ = _torch()
    return torch.tensor(EX4_1["grid"], dtype=torch.float32)[None, None]


def ex4_1(answer) -> Verdict:
    """4.1 손으로 구한 2×2 최대 풀링 결과(2×2 텐서나 중첩 리스트)를 채점합니다."""
    _, F = _torch()
    got = as_tensor(answer, "4.1")
    x, k = _ex4_1_input(), EX4_1["kernel"]
    expected = F.max_pool2d(x, k)[0, 0]
    ok, hint = tensor_matches(got, expected, "4.1")
    if ok:
        return Verdict("4.1", True)
    if got.shape == expected.shape:
        if tensor_matches(got, F.avg_pool2d(x, k)[0, 0], "4.1")[0]:
            hint = "창 안의 평균을 구했습니다. 최대 풀링은 창 안의 가장 큰 값 하나를 고릅니다."
        elif tensor_matches(got, expected.T, "4.1")[0]:
            hint = "행과 열이 바뀌었습니다. 첫 행은 위쪽 두 창(왼쪽, 오른쪽)의 결과입니다."
        elif tensor_matches(got, -F.max_pool2d(-x, k)[0, 0], "4.1")[0]:
            hint = "가장 작은 값을 골랐습니다. 최대 풀링은 가장 큰 값을 고릅니다."
        else:
            hint = "모양은 맞지만 값이 다릅니다. 입력을 겹치지 않는 2×2 창 네 개로 나누고 창마다 최댓값을 적으세요."
    elif tuple(got.shape) == tuple(F.max_pool2d(x, k, stride=1)[0, 0].shape):
        hint = "창을 한 칸씩 옮겼나요? 스트라이드가 2이므로 창은 겹치지 않고 출력은 2×2입니다."
    elif got.dim() == 4 and got.shape[-2:] == expected.shape:
        hint = "배치와 채널 차원은 빼고 2×2 텐서만 주세요."
    return Verdict("4.1", False, hint)


# ---------------------------------------------------------------- 4.2
def ex4_2(answer) -> Verdict:
    """4.2 풀링 출력의 한 변(정수)을 채점합니다."""
    got = as_int(answer, "4.2")
    w, k, s, p = EX4_2["size"], EX4_2["kernel"], EX4_2["stride"], EX4_2["padding"]
    expected = output_size(w, k, padding=p, stride=s)
    if got == expected:
        return Verdict("4.2", True)
    if got == -(-(w - k + 2 * p) // s) + 1:
        hint = "올림을 했나요? PyTorch 풀링의 기본값(ceil_mode=False)은 합성곱처럼 버림입니다."
    elif got == output_size(w, k, stride=s):
        hint = "패딩을 빠뜨리지 않았나요? 패딩은 양쪽에 붙으므로 2P를 더합니다."
    elif got == output_size(w, k, padding=p):
        hint = "스트라이드로 나누는 단계를 빠뜨리지 않았나요?"
    else:
        hint = "풀링의 출력 크기도 합성곱과 같은 공식 ⌊(W − K + 2P) / S⌋ + 1을 따릅니다."
    return Verdict("4.2", False, hint)


# ---------------------------------------------------------------- 4.3
def _ex4_3_expected() -> tuple[int, int]:
    torch, _ = _torch()
    c, h, n = EX4_3["channels"], EX4_3["size"], EX4_3["classes"]
    with torch.device("meta"):  # 모양만 필요하므로 가중치를 실제로 만들지 않습니다
        fc = torch.nn.Linear(c * h * h, n)
        gap_fc = torch.nn.Sequential(torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(c, n))
    return (sum(p.numel() for p in fc.parameters()), sum(p.numel() for p in gap_fc.parameters()))


def ex4_3(answer) -> Verdict:
    """4.3 (완전 연결 머리의 매개변수 수, 전역 평균 풀링 머리의 매개변수 수)를 채점합니다."""
    fc, gap = as_int_tuple(answer, 2, "4.3")
    e_fc, e_gap = _ex4_3_expected()
    if (fc, gap) == (e_fc, e_gap):
        return Verdict("4.3", True)
    n = EX4_3["classes"]
    hints = []
    if (fc, gap) == (e_gap, e_fc):
        hints.append("두 값의 순서가 바뀌었습니다. (완전 연결 층 하나, 전역 평균 풀링 + 완전 연결 층) 순서입니다.")
    else:
        if (fc, gap) == (e_fc - n, e_gap - n) or fc == e_fc - n or gap == e_gap - n:
            hints.append("편향을 빠뜨리지 않았나요? 출력 하나마다 편향이 하나씩 있습니다.")
        elif fc != e_fc:
            hints.append("완전 연결 층의 입력은 특징 맵을 펼친 벡터이므로 길이가 C·H·W입니다.")
        if gap == 0:
            hints.append("전역 평균 풀링 자체에는 매개변수가 없지만, 그 뒤의 완전 연결 층(C → 클래스 수)은 셉니다.")
        elif gap != e_gap and gap != e_gap - n:
            hints.append("전역 평균 풀링 뒤에는 길이가 C인 벡터가 남습니다. 그 벡터를 받는 완전 연결 층을 세세요.")
    return Verdict("4.3", False, " ".join(hints) or "두 머리의 매개변수를 (입력 길이 × 출력 수 + 편향)으로 세세요.")


# ---------------------------------------------------------------- 4.4
def ex4_4(avg_pool_1d) -> Verdict:
    """4.4 독자가 쓴 함수 ``avg_pool_1d(x, k)``를 여러 입력에서 ``F.avg_pool1d``와 비교합니다."""
    as_function(avg_pool_1d, "4.4", "avg_pool_1d")
    torch, F = _torch()
    g = torch.Generator().manual_seed(4)
    for n, k in EX4_4["cases"]:
        x = torch.randint(-9, 10, (n,), generator=g).float()
        call = f"avg_pool_1d(길이 {n}인 텐서, {k})"
        try:
            result = avg_pool_1d(x.clone(), k)
        except Exception as exc:  # 독자의 함수에서 난 오류를 힌트로 알려 줍니다.
            return Verdict("4.4", False, f"{call}에서 {type(exc).__name__} 오류가 났습니다: {exc}")
        if result is None:
            return Verdict("4.4", False, f"{call}이(가) None을 돌려주었습니다. 결과 텐서를 return 하세요.")
        try:
            got = as_tensor(result, "4.4").flatten()
        except TypeError:
            return Verdict("4.4", False, f"{call}이(가) 텐서로 바꿀 수 없는 값을 돌려주었습니다.")
        expected = F.avg_pool1d(x[None, None], k)[0, 0]
        if tuple(got.shape) == tuple(expected.shape) and bool((got - expected).abs().max() <= 1e-4):
            continue
        if got.numel() != expected.numel():
            if got.numel() == -(-n // k):
                hint = f"{call}의 길이가 {got.numel()}입니다. 끝에 남는 k보다 짧은 조각은 버립니다(버림)."
            elif got.numel() == n - k + 1:
                hint = f"{call}: 창을 한 칸씩 옮겼나요? 창은 겹치지 않게 k칸씩 옮깁니다(스트라이드 = k)."
            else:
                hint = f"{call}의 길이는 {n} // {k}여야 합니다. 받은 길이: {got.numel()}"
        elif torch.allclose(got, expected * k, atol=1e-4):
            hint = f"{call}: 창 안의 합을 돌려주었습니다. k로 나누어 평균을 내세요."
        elif torch.allclose(got, F.max_pool1d(x[None, None], k)[0, 0], atol=1e-4):
            hint = f"{call}: 최댓값을 돌려주었습니다. 평균 풀링은 창 안의 평균을 냅니다."
        else:
            hint = f"{call}의 값이 다릅니다. i번째 출력은 x[i·k : (i+1)·k]의 평균입니다."
        return Verdict("4.4", False, hint)
    return Verdict("4.4", True)


# ---------------------------------------------------------------- 4.5
def _ex4_5_expected() -> int:
    torch, F = _torch()
    n, k = EX4_5["size"], EX4_5["kernel"]
    g = torch.Generator().manual_seed(5)
    x = torch.randperm(n * n, generator=g).float().reshape(1, 1, n, n).requires_grad_()
    F.max_pool2d(x, k).sum().backward()
    return int((x.grad == 0).sum())


def ex4_5(answer) -> Verdict:
    """4.5 기울기가 0인 입력 칸의 개수(정수)를 채점합니다."""
    got = as_int(answer, "4.5")
    expected = _ex4_5_expected()
    if got == expected:
        return Verdict("4.5", True)
    n, k = EX4_5["size"], EX4_5["kernel"]
    n_out = output_size(n, k, stride=k) ** 2
    if got == n_out:
        hint = "기울기가 0이 아닌 칸을 센 것 같습니다. 기울기가 0인 칸의 개수를 물었습니다."
    elif got == 0:
        hint = "평균 풀링이라면 모든 칸이 기울기를 받습니다. 최대 풀링에서 최댓값이 아닌 칸은 출력에 영향을 주나요?"
    elif not 0 <= got <= n * n:
        hint = f"입력은 {n}×{n} = {n * n}칸이므로 답은 0과 {n * n} 사이입니다."
    else:
        hint = "출력 한 칸을 바꾸는 입력은 그 창의 최댓값 하나뿐입니다. 창의 개수와 창 하나의 칸 수를 세어 보세요."
    return Verdict("4.5", False, hint)
