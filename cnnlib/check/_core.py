"""연습문제 채점의 공통 부분: 답을 숫자·텐서로 바꾸고 판정을 보여 줍니다.

채점 함수는 정답을 화면에 내보이지 않습니다. 틀렸을 때는 어디를 다시 볼지
알려 주는 힌트만 줍니다.
"""

from __future__ import annotations

import html
import math
import numbers


class Verdict:
    """채점 결과. ``bool(verdict)``는 정답 여부이고, 노트북에는 메시지로 보입니다.

    셀의 마지막 줄에 ``check.ex2_1(답)``을 두면 결과가 표시됩니다.
    """

    def __init__(self, exercise: str, correct: bool, hint: str = ""):
        self.exercise = exercise
        self.correct = bool(correct)
        self.hint = "" if self.correct else hint  # 정답이면 힌트를 보이지 않습니다

    def __bool__(self) -> bool:
        return self.correct

    @property
    def message(self) -> str:
        if self.correct:
            return f"[연습문제 {self.exercise}] 정답입니다! ✅"
        return f"[연습문제 {self.exercise}] 오답입니다. ❌ 힌트: {self.hint}"

    def __repr__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        color = "#1b7f3b" if self.correct else "#b3261e"
        return f'<div style="color:{color};font-weight:600">{html.escape(self.message)}</div>'


def as_number(answer, exercise: str) -> float:
    """답을 실수로 바꿉니다. 숫자가 아니면 한국어 ``TypeError``를 냅니다."""
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        try:
            import torch

            if isinstance(answer, torch.Tensor) and answer.numel() == 1:
                return float(answer.item())
        except ImportError:  # pragma: no cover
            pass
        raise TypeError(
            f"[연습문제 {exercise}] 답은 숫자여야 합니다. 받은 값: {answer!r} "
            f"({type(answer).__name__}) (answer must be a number)"
        )
    value = float(answer)
    if math.isnan(value):
        raise ValueError(f"[연습문제 {exercise}] 답이 NaN입니다.")
    return value


def as_int(answer, exercise: str) -> int:
    """답을 정수로 바꿉니다 (2.0처럼 정수인 실수는 받습니다)."""
    value = as_number(answer, exercise)
    if value != int(value):
        raise ValueError(f"[연습문제 {exercise}] 답은 정수여야 합니다. 받은 값: {answer!r}")
    return int(value)


def as_function(answer, exercise: str, name: str):
    """답이 함수(호출할 수 있는 것)인지 확인합니다. 독자가 직접 쓴 함수를 시험하는 연습문제에 씁니다."""
    if not callable(answer):
        call = f"check.ex{exercise.replace('.', '_')}({name})"
        raise TypeError(
            f"[연습문제 {exercise}] 답은 함수여야 합니다: {call}처럼 함수 이름을 괄호 없이 넘기세요. "
            f"받은 값: {answer!r} (answer must be a function)"
        )
    return answer


def as_tensor(answer, exercise: str):
    """답을 float 텐서로 바꿉니다 (리스트, NumPy 배열, 텐서)."""
    import torch

    try:
        return torch.as_tensor(answer).detach().float().cpu()
    except Exception as exc:
        raise TypeError(
            f"[연습문제 {exercise}] 답을 텐서로 바꿀 수 없습니다: {type(answer).__name__} "
            "(answer must be array-like)"
        ) from exc


def as_int_tuple(answer, length: int, exercise: str) -> tuple[int, ...]:
    """답을 정수 ``length``개짜리 튜플로 바꿉니다 (텐서 모양 등)."""
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__"):
        raise TypeError(
            f"[연습문제 {exercise}] 답은 정수 {length}개짜리 튜플이어야 합니다. 받은 값: {answer!r}"
        )
    if len(answer) != length:
        raise ValueError(
            f"[연습문제 {exercise}] 답은 정수 {length}개여야 합니다. 받은 개수: {len(answer)}"
        )
    return tuple(as_int(a, exercise) for a in answer)


def tensor_matches(answer, expected, exercise: str, atol: float = 1e-4) -> tuple[bool, str]:
    """텐서 답이 기대값과 같은지 보고, 다르면 모양·값 중 무엇이 다른지 힌트를 줍니다."""
    got = as_tensor(answer, exercise)
    expected = expected.detach().float().cpu()
    if tuple(got.shape) != tuple(expected.shape):
        return False, f"모양이 다릅니다 — 받은 모양 {tuple(got.shape)}. 출력 크기 공식을 먼저 확인하세요."
    if not bool((got - expected).abs().max() <= atol):
        return False, "모양은 맞지만 값이 다릅니다."
    return True, ""


def shift_zero_fill(x, dy: int, dx: int):
    """텐서의 마지막 두 축(세로, 가로)을 아래로 dy, 오른쪽으로 dx칸 옮기고 빈 곳을 0으로 채웁니다.

    채점 함수들이 '옮긴 이미지'의 기준값을 만들 때 씁니다 (1장의 연습문제 1.5 답과 같은 일을
    하므로 책의 공개 API에는 두지 않습니다).
    """
    out = x.new_zeros(x.shape)
    h, w = x.shape[-2:]
    if abs(dx) >= w or abs(dy) >= h:
        return out
    dst = (..., slice(max(dy, 0), h + min(dy, 0)), slice(max(dx, 0), w + min(dx, 0)))
    src = (..., slice(max(-dy, 0), h + min(-dy, 0)), slice(max(-dx, 0), w + min(-dx, 0)))
    out[dst] = x[src]
    return out
