"""연습문제 채점: ``check.ex{장}_{번호}(답)``은 정답/오답과 힌트를 보여 줍니다.

정답은 절대 보여 주지 않습니다. 풀이는 각 장의 '풀이' 상자를 펼쳐 보세요.

>>> from cnnlib import check
>>> check.ex3_1(28)   # doctest: +SKIP
[연습문제 3.1] 정답입니다! ✅
"""

from importlib import import_module
from pathlib import Path

from ._core import Verdict

# 장마다 모듈 하나(chNN.py)가 ex{장}_{번호} 함수들을 __all__에 적어 둡니다. 이 폴더의 chNN.py를
# 모두 장 번호 순서로 불러옵니다 (새 장은 파일만 더하면 됩니다).
_CHAPTERS = tuple(sorted(p.stem for p in Path(__file__).parent.glob("ch[0-9][0-9].py")))

__all__ = ["Verdict"]
for _name in _CHAPTERS:
    _module = import_module(f".{_name}", __name__)
    globals()[_name] = _module
    for _fn in _module.__all__:
        globals()[_fn] = getattr(_module, _fn)
    __all__ += list(_module.__all__)
del _name, _module
