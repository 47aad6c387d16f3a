"""연습문제 채점: ``check.ex{장}_{번호}(답)``은 정답/오답과 힌트를 보여 줍니다.

정답은 절대 보여 주지 않습니다. 풀이는 각 장의 '풀이' 상자를 펼쳐 보세요.

>>> from cnnlib import check
>>> check.ex3_1(28)   # doctest: +SKIP
[연습문제 3.1] 정답입니다! ✅
"""

from ._core import Verdict
from .ch02 import *  # noqa: F403
from .ch02 import __all__ as _ch02
from .ch03 import *  # noqa: F403
from .ch03 import __all__ as _ch03

__all__ = ["Verdict", *_ch02, *_ch03]
