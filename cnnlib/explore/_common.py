"""탐색기들이 함께 쓰는 것: 범위 검사와, 공통 JS·CSS를 각 탐색기 파일 앞에 잇는 bundle."""

from __future__ import annotations

import pathlib

_HERE = pathlib.Path(__file__).parent


def bundle(filename: str) -> str:
    """``_common.js``(또는 ``_common.css``) 뒤에 탐색기 파일을 이어 붙인 글을 돌려줍니다.

    anywidget은 모듈(과 스타일) 하나만 받으므로, 세 탐색기가 함께 쓰는 화면 도우미
    (``h``, ``sliderControls``)와 모양(상자, 색, 슬라이더 줄)을 이렇게 앞에 붙입니다.
    """
    suffix = pathlib.Path(filename).suffix
    common = (_HERE / f"_common{suffix}").read_text(encoding="utf-8")
    return common + (_HERE / filename).read_text(encoding="utf-8")


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
