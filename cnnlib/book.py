"""책과 노트북을 잇는 작은 도구: 본문 숫자를 코드에서 가져오는 ``glue``.

본문의 숫자는 손으로 적지 않고 셀에서 계산합니다. 셀에서
``glue("n_params", 2_432)``라고 하면 마크다운에서 ``{glue:}`n_params```로
그 값을 씁니다(웹사이트 빌드에서 myst-nb가 채웁니다). myst-nb가 없는
환경(Colab, JupyterLab)에서는 이름과 값을 한 줄로 출력해 독자가 볼 수 있게
합니다.
"""

from __future__ import annotations

__all__ = ["glue"]


def glue(name: str, value, display: bool = False):
    """값에 이름을 붙여 본문에서 쓸 수 있게 하고, 값을 그대로 돌려줍니다."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"glue 이름은 파이썬 식별자 형태의 문자열이어야 합니다. 받은 값: {name!r}")
    try:
        from myst_nb import glue as _glue
    except ImportError:
        print(f"{name} = {value}")
        return value
    _glue(name, value, display=display)
    return value
