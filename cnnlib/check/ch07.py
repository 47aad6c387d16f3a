"""7장 LeNet-5의 연습문제 채점.

기대하는 답은 손으로 적어 두지 않고, 문제의 설정(아래 ``EX7_*`` 상수)에서
:func:`cnnlib.functional.output_size`, :data:`cnnlib.models.lenet.C3_TABLE`,
:func:`cnnlib.train.confusion_matrix`로 그때그때 계산합니다. 상수는 7장 노트북의
문제 문장과 같아야 하며, 노트북의 숨은 테스트 셀이 이를 확인합니다.
"""

from __future__ import annotations

import math

from ._core import Verdict, as_function, as_int, as_int_tuple, as_number

__all__ = ["ex7_1", "ex7_2", "ex7_3", "ex7_4"]

# 문제 7.1: 논문의 LeNet-5(C1 패딩 없음)에 36×36 이미지를 넣을 때 C1·S2·C3·S4·C5 출력의 한 변.
# 층마다 (이름, 커널, 스트라이드)
EX7_1 = {"input": 36, "layers": (("C1", 5, 1), ("S2", 2, 2), ("C3", 5, 1), ("S4", 2, 2), ("C5", 5, 1))}
# 문제 7.2: 연결표대로 만든 C3(5×5 커널, 맵마다 편향 하나)의 매개변수 수
EX7_2 = {"kernel": 5}
# 문제 7.3: 독자가 쓴 confusion(preds, targets, num_classes)을 시험할 (표본 수, 클래스 수, 시드)
EX7_3 = {"cases": ((6, 3, 0), (50, 4, 1), (200, 10, 2), (1, 5, 3), (30, 2, 4))}
# 문제 7.4: 세 클래스(숫자 4, 7, 9)의 혼동 행렬(행: 실제, 열: 예측)에서 '9'의 정밀도
EX7_4 = {"classes": (4, 7, 9), "matrix": ((50, 2, 8), (1, 45, 4), (6, 3, 41)), "target": 9}



def _sizes(size: int, layers, pool: bool = True) -> tuple[int, ...]:
    """층을 차례로 지날 때의 출력 한 변. ``pool=False``면 풀링 층을 건너뛴 것처럼 셉니다."""
    from ..functional import output_size

    sizes = []
    for name, k, s in layers:
        if name.startswith("S") and not pool:
            sizes.append(size)
            continue
        size = output_size(size, k, stride=s)
        sizes.append(size)
    return tuple(sizes)


def ex7_1(answer) -> Verdict:
    """7.1 36×36 입력에서 C1, S2, C3, S4, C5의 출력 한 변(정수 다섯 개)을 채점합니다."""
    layers = EX7_1["layers"]
    got = as_int_tuple(answer, len(layers), "7.1")
    expected = _sizes(EX7_1["input"], layers)
    if got == expected:
        return Verdict("7.1", True)
    wrong = [name for (name, _, _), g, e in zip(layers, got, expected, strict=True) if g != e]
    if got == _sizes(32, layers):
        hint = "32×32 입력일 때의 값입니다. 이 문제의 입력은 36×36입니다."
    elif got == _sizes(EX7_1["input"], layers, pool=False):
        hint = "서브샘플링 층(S2, S4)은 2×2 칸을 겹치지 않게 묶으므로 한 변을 절반으로 줄입니다."
    elif got == tuple(x + 1 for x in expected) or got == tuple(x - 1 for x in expected):
        hint = "합성곱 뒤의 크기는 W − K + 1입니다 (패딩 0, 스트라이드 1). 1만큼 어긋나지 않았는지 보세요."
    else:
        hint = (f"{wrong[0]}부터 값이 다릅니다. 합성곱은 ⌊(W − K + 2P)/S⌋ + 1, 2×2 서브샘플링은 절반입니다. "
                "앞 층의 출력이 다음 층의 입력입니다.")
    return Verdict("7.1", False, hint)


def _c3_params(kernel: int) -> int:
    from ..models.lenet import C3_TABLE

    return sum(len(inputs) * kernel * kernel + 1 for inputs in C3_TABLE)


def ex7_2(answer) -> Verdict:
    """7.2 연결표를 따르는 C3의 매개변수 수(정수)를 채점합니다."""
    from ..models.lenet import C3_TABLE

    got = as_int(answer, "7.2")
    k = EX7_2["kernel"]
    expected = _c3_params(k)
    if got == expected:
        return Verdict("7.2", True)
    links = sum(len(inputs) for inputs in C3_TABLE)
    maps = len(C3_TABLE)
    if got == links * k * k:
        hint = "가중치는 맞습니다. C3의 맵마다 하나씩 있는 편향을 더하세요."
    elif got in (maps * 6 * k * k + maps, maps * 6 * k * k):
        hint = "모든 S2 맵과 연결된 경우(완전 연결)의 값입니다. 연결표에서 맵마다 보는 입력 맵의 수를 세세요."
    elif got in (links, links + maps):
        hint = "연결 하나마다 5×5 커널 하나, 곧 가중치 25개가 있습니다."
    elif got == links * k * k + links:
        hint = "편향은 연결마다가 아니라 C3의 출력 맵마다 하나입니다."
    else:
        hint = "매개변수 = Σ(맵 i가 보는 입력 맵 수 × 5 × 5 + 1)입니다. 3개, 4개, 6개를 보는 맵이 각각 몇 개인지 세세요."
    return Verdict("7.2", False, hint)


def ex7_3(confusion) -> Verdict:
    """7.3 독자가 쓴 ``confusion(preds, targets, num_classes)``를 여러 입력에서 시험합니다.

    기대값은 :func:`cnnlib.train.confusion_matrix`(행: 실제 클래스, 열: 예측한 클래스)로 계산합니다.
    """
    import torch

    from ..train import confusion_matrix

    as_function(confusion, "7.3", "confusion")
    for n, k, seed in EX7_3["cases"]:
        g = torch.Generator().manual_seed(seed)
        targets = torch.randint(0, k, (n,), generator=g)
        preds = torch.where(torch.rand(n, generator=g) < 0.6, targets, torch.randint(0, k, (n,), generator=g))
        call = f"confusion(preds, targets, {k}) (표본 {n}개)"
        expected = confusion_matrix(preds, targets, k)
        try:
            result = confusion(preds.clone(), targets.clone(), k)
        except Exception as exc:  # 독자의 함수에서 난 오류를 힌트로 알려 줍니다.
            return Verdict("7.3", False, f"{call}에서 {type(exc).__name__} 오류가 났습니다: {exc}")
        if result is None:
            return Verdict("7.3", False, f"{call}이(가) None을 돌려주었습니다. 행렬을 return 하세요.")
        try:
            got = torch.as_tensor(result).detach().cpu()
        except Exception:
            return Verdict("7.3", False, f"{call}이(가) 텐서로 바꿀 수 없는 {type(result).__name__}을(를) 돌려주었습니다.")
        if tuple(got.shape) != (k, k):
            return Verdict("7.3", False, f"{call}의 모양이 {tuple(got.shape)}입니다. ({k}, {k}) 행렬이어야 합니다.")
        if torch.equal(got.long(), expected):
            continue
        if torch.equal(got.long(), expected.T):
            hint = "행과 열이 바뀌었습니다. 행(첫째 번호)이 실제 클래스, 열(둘째 번호)이 예측한 클래스입니다."
        elif int(got.sum()) != n:
            hint = f"{call}: 모든 칸의 합은 표본 수 {n}이어야 합니다. 표본마다 한 칸에 1을 더하세요."
        else:
            hint = f"{call}의 값이 틀립니다. m[정답, 예측] += 1을 표본마다 하세요."
        return Verdict("7.3", False, hint)
    return Verdict("7.3", True)


def ex7_4(answer) -> Verdict:
    """7.4 혼동 행렬에서 읽은 정밀도(0과 1 사이의 비율)를 채점합니다."""
    got = as_number(answer, "7.4")
    classes, matrix = EX7_4["classes"], EX7_4["matrix"]
    c = classes.index(EX7_4["target"])
    column = sum(row[c] for row in matrix)
    row = sum(matrix[c])
    expected = matrix[c][c] / column
    if math.isclose(got, expected, abs_tol=1e-3):
        return Verdict("7.4", True)
    total = sum(map(sum, matrix))
    if math.isclose(got, 100 * expected, abs_tol=0.1):
        hint = "백분율이 아니라 0과 1 사이의 비율로 답하세요."
    elif math.isclose(got, matrix[c][c] / row, abs_tol=1e-3):
        hint = ("그 값은 실제로 9인 이미지 가운데 맞힌 비율(재현율)입니다. '9라고 예측한' 이미지는 "
                "9의 열에 모여 있습니다.")
    elif math.isclose(got, sum(matrix[i][i] for i in range(len(classes))) / total, abs_tol=1e-3):
        hint = "전체 정확도입니다. 9라고 예측한 이미지(9의 열)만 보세요."
    elif math.isclose(got, 1 - expected, abs_tol=1e-3):
        hint = "틀린 비율을 구했습니다. 9라고 예측한 것 가운데 맞은 비율을 구하세요."
    else:
        hint = "정밀도 = (9를 9로 예측한 수) / (9라고 예측한 수 = 9의 열의 합)입니다. 행은 실제, 열은 예측입니다."
    return Verdict("7.4", False, hint)
