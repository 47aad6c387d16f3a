"""나쁜 입력 테스트가 함께 쓰는 확인: 오류 메시지가 한국어이고, 예외가 cnnlib 코드에서 직접 났는지."""

from __future__ import annotations

import re
import traceback
from pathlib import Path

import cnnlib

PACKAGE = Path(cnnlib.__file__).resolve().parent
HANGUL = re.compile("[가-힣]")


def assert_korean_and_ours(exc: BaseException, pattern: str) -> None:
    """메시지에 한글과 ``pattern``이 있고, 예외가 PyTorch 깊은 곳이 아니라 cnnlib 안에서 났는지 확인합니다."""
    message = str(exc)
    assert HANGUL.search(message), f"한국어 메시지가 아닙니다: {message!r}"
    assert re.search(pattern, message), f"{pattern!r}이(가) 메시지에 없습니다: {message!r}"
    raised_in = Path(traceback.extract_tb(exc.__traceback__)[-1].filename).resolve()
    assert PACKAGE in raised_in.parents, f"cnnlib 밖에서 난 오류입니다: {raised_in}"
