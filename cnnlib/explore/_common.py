"""탐색기들이 함께 쓰는 파이썬 쪽 검사 (자바스크립트 쪽은 탐색기마다 한 파일에 모두 있습니다)."""

from __future__ import annotations


def check_in_limits(limits: dict, name: str, value) -> int:
    """``limits[name] = (한국어 이름, 최솟값, 최댓값)``에 맞는 정수인지 확인하고 값을 돌려줍니다."""
    label, low, high = limits[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"{label}({name})은(는) 정수여야 합니다. 받은 값: {value!r} ({type(value).__name__}) "
            f"({name} must be an int)"
        )
    if not low <= value <= high:
        raise ValueError(
            f"{label}({name})은(는) {low} 이상 {high} 이하여야 합니다. 받은 값: {value} "
            f"({name} must be in {low}..{high})"
        )
    return value
