"""3장 패딩과 스트라이드의 연습문제 채점.

기대하는 답은 손으로 적어 두지 않고, 문제의 설정(아래 ``EX3_*`` 상수)에서
:func:`cnnlib.functional.output_size`로 그때그때 계산합니다. 상수는 3장
노트북의 문제 문장과 같아야 하며, 노트북의 숨은 테스트 셀이 이를 확인합니다.
"""

from __future__ import annotations

from ..functional import output_size
from ._core import Verdict, as_function, as_int, as_int_tuple, as_number

__all__ = ["ex3_1", "ex3_2", "ex3_3", "ex3_4", "ex3_5", "ex3_6"]

# 문제 3.1: 31×31 입력, 4×4 커널, 패딩 1, 스트라이드 2의 출력 크기
EX3_1 = {"size": 31, "kernel": 4, "padding": 1, "stride": 2}
# 문제 3.2: 7×7 커널, 스트라이드 1에서 크기를 유지하는 패딩
EX3_2 = {"kernel": 7, "sizes": (8, 28, 224)}
# 문제 3.3: (3, 64, 64) 입력에 세 합성곱 층 (출력 채널, 커널, 스트라이드, 패딩)
EX3_3 = {"input": (3, 64, 64), "layers": ((16, 3, 1, 1), (32, 3, 2, 1), (64, 5, 2, 0))}
# 문제 3.4: 96×96 입력, 3×3 커널, 패딩 1, 스트라이드 3에서 남는 특징 맵의 비율
EX3_4 = {"size": 96, "kernel": 3, "padding": 1, "stride": 3, "tolerance": 5e-3}
# 문제 3.5: same_padding(k, d)를 시험할 (커널, 팽창) 쌍과 입력 크기
EX3_5 = {"cases": ((1, 1), (3, 1), (5, 1), (7, 1), (11, 1), (3, 2), (3, 3), (5, 2), (7, 4)), "size": 32}
# 문제 3.6: 10×10 입력, 3×3 커널, 스트라이드 4, 패딩 0에서 한 번도 쓰이지 않는 픽셀 수
EX3_6 = {"size": 10, "kernel": 3, "stride": 4}



def ex3_1(answer) -> Verdict:
    """3.1 출력 크기 하나(정수)를 채점합니다."""
    got = as_int(answer, "3.1")
    w, k, p, s = EX3_1["size"], EX3_1["kernel"], EX3_1["padding"], EX3_1["stride"]
    if got == output_size(w, k, padding=p, stride=s):
        return Verdict("3.1", True)
    if got == -(-(w - k + 2 * p) // s) + 1:
        hint = "나눗셈이 나누어떨어지지 않을 때 올림을 했나요? 마지막 창이 입력 밖으로 나가면 안 됩니다."
    elif got == w - k + 2 * p + 1:
        hint = "스트라이드로 나누는 단계를 빠뜨리지 않았나요?"
    elif got == (w - k) // s + 1:
        hint = "패딩을 빠뜨리지 않았나요? 패딩은 양쪽에 붙으므로 2P를 더합니다."
    else:
        hint = "⌊(W − K + 2P) / S⌋ + 1에 W, K, P, S를 차례로 넣어 보세요."
    return Verdict("3.1", False, hint)


def ex3_2(answer) -> Verdict:
    """3.2 크기를 유지하는 패딩(정수)을 채점합니다."""
    got = as_int(answer, "3.2")
    k = EX3_2["kernel"]
    if got < 0:
        return Verdict("3.2", False, "패딩은 0 이상의 정수입니다.")
    if all(output_size(w, k, padding=got) == w for w in EX3_2["sizes"]):
        return Verdict("3.2", True)
    if got == k - 1:
        hint = "패딩은 왼쪽과 오른쪽(위와 아래)에 모두 붙습니다. 한쪽에 몇 칸인지 물었습니다."
    else:
        out = output_size(EX3_2["sizes"][-1], k, padding=got)
        change = "커집니다" if out > EX3_2["sizes"][-1] else "작아집니다"
        hint = f"그 패딩이면 출력이 입력보다 {change}. W − K + 2P + 1 = W를 P에 대해 풀어 보세요."
    return Verdict("3.2", False, hint)


def _ex3_3_expected() -> tuple[int, int, int]:
    c, h, w = EX3_3["input"]
    for c_out, k, s, p in EX3_3["layers"]:
        c, (h, w) = c_out, output_size((h, w), k, padding=p, stride=s)
    return (c, h, w)


def ex3_3(answer) -> Verdict:
    """3.3 세 층을 지난 출력 모양 (C, H, W)를 채점합니다."""
    if hasattr(answer, "__len__") and not isinstance(answer, (str, bytes)) and len(answer) == 4:
        return Verdict("3.3", False, "배치 차원 N은 빼고 (C, H, W) 세 값만 주세요.")
    c, h, w = as_int_tuple(answer, 3, "3.3")
    ec, eh, ew = _ex3_3_expected()
    if (c, h, w) == (ec, eh, ew):
        return Verdict("3.3", True)
    hints = []
    if c != ec:
        hints.append("채널 수는 마지막 층의 필터 개수(출력 채널 수)로 정해집니다.")
    if (h, w) != (eh, ew):
        if h != w:
            hints.append("입력과 커널이 모두 정사각형이니 높이와 너비는 같아야 합니다.")
        hints.append("층마다 출력 크기 공식을 차례로 적용하세요. 한 층의 출력이 다음 층의 입력이고, "
                     "나누어떨어지지 않으면 버림합니다.")
    return Verdict("3.3", False, " ".join(hints))


def ex3_4(answer) -> Verdict:
    """3.4 스트라이드 3에서 남는 특징 맵의 비율(0과 1 사이의 수)을 채점합니다."""
    got = as_number(answer, "3.4")
    w = EX3_4["size"]
    out = output_size(w, EX3_4["kernel"], padding=EX3_4["padding"], stride=EX3_4["stride"])
    expected = out**2 / w**2
    tol = EX3_4["tolerance"]
    if abs(got - expected) <= tol:
        return Verdict("3.4", True)
    if got > 1:
        hint = "비율은 0과 1 사이의 수로 주세요. 백분율(%)이라면 100으로 나누세요."
    elif abs(got - out / w) <= tol:
        hint = "한 방향만 계산하지 않았나요? 특징 맵은 가로와 세로가 함께 줄어듭니다."
    elif abs(got - (1 - expected)) <= tol:
        hint = "버려지는 비율이 아니라 남는 비율을 물었습니다."
    else:
        hint = "출력 크기를 공식으로 구한 뒤 (출력 넓이) / (입력 넓이)를 계산하세요."
    return Verdict("3.4", False, hint)


def ex3_5(same_padding) -> Verdict:
    """3.5 독자가 쓴 함수 ``same_padding(k, d)``를 여러 (커널, 팽창)에서 시험합니다.

    함수가 돌려준 패딩으로 스트라이드 1 합성곱을 했을 때 출력 크기가 입력
    크기와 같은지를 :func:`output_size`로 확인합니다.
    """
    as_function(same_padding, "3.5", "same_padding")
    size = EX3_5["size"]
    for k, d in EX3_5["cases"]:
        call = f"same_padding({k}, {d})"
        try:
            result = same_padding(k, d)
        except Exception as exc:  # 독자의 함수에서 난 오류를 힌트로 알려 줍니다.
            return Verdict("3.5", False, f"{call}에서 {type(exc).__name__} 오류가 났습니다: {exc}")
        try:
            p = as_int(result, "3.5")
        except (TypeError, ValueError):
            return Verdict("3.5", False, f"{call}이(가) {result!r}을(를) 돌려주었습니다. 정수를 돌려주세요.")
        if p < 0:
            return Verdict("3.5", False, f"{call}이(가) 음수를 돌려주었습니다. 패딩은 0 이상입니다.")
        if output_size(size, k, padding=p, dilation=d) != size:
            hint = f"{call}의 결과로는 크기가 유지되지 않습니다."
            if d > 1:
                hint += " 팽창이 있으면 커널이 실제로 덮는 폭 d·(K−1)+1을 생각하세요."
            return Verdict("3.5", False, hint)
    return Verdict("3.5", True)


def _ex3_6_expected() -> int:
    w, k, s = EX3_6["size"], EX3_6["kernel"], EX3_6["stride"]
    n = output_size(w, k, stride=s)
    visited = {i * s + j for i in range(n) for j in range(k)}
    return w * w - len(visited) ** 2


def ex3_6(answer) -> Verdict:
    """3.6 한 번도 쓰이지 않는 입력 픽셀의 개수(정수)를 채점합니다."""
    got = as_int(answer, "3.6")
    expected = _ex3_6_expected()
    if got == expected:
        return Verdict("3.6", True)
    w, k, s = EX3_6["size"], EX3_6["kernel"], EX3_6["stride"]
    n = output_size(w, k, stride=s)
    unused_1d = w - len({i * s + j for i in range(n) for j in range(k)})
    if got == unused_1d:
        hint = "한 줄(1차원)에서 센 값 같습니다. 2차원 입력에서 픽셀 개수를 물었습니다."
    elif got < 0 or got > w * w:
        hint = f"픽셀 개수는 0과 {w * w} 사이입니다."
    else:
        hint = ("창이 시작하는 위치 0, S, 2S, …를 적고 각 창이 덮는 열을 표시해 보세요. "
                "한 픽셀은 그 행과 그 열이 모두 어떤 창에 덮일 때만 쓰입니다.")
    return Verdict("3.6", False, hint)
