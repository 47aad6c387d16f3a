"""책과 노트북을 잇는 작은 도구: 본문 숫자를 코드에서 가져오는 ``glue``.

본문의 숫자는 손으로 적지 않고 셀에서 계산합니다. 셀에서
``glue("n_params", 2_432)``라고 하면 마크다운에서 ``{glue:}`n_params```로
그 값을 씁니다(웹사이트 빌드에서 myst-nb가 채웁니다). myst-nb가 없는
환경(Colab, JupyterLab)에서는 아무것도 출력하지 않고 값만 돌려줍니다: 연습문제의
답을 glue하는 셀도 있으므로 "모두 실행"이 답을 화면에 내놓으면 안 됩니다.
그런 환경의 독자는 읽기용 판(``bash .ci/notebooks``)을 읽는데, 거기에는 웹사이트
빌드의 값이 본문에 이미 적혀 있습니다.
"""

from __future__ import annotations

__all__ = ["glue", "glued_outputs", "measured", "Measured"]


def glue(name: str, value, display: bool = False):
    """값에 이름을 붙여 본문에서 쓸 수 있게 하고, 값을 그대로 돌려줍니다.

    myst-nb가 있으면(웹사이트 빌드) ``myst_nb.glue``로 값을 출력에 남겨 본문의 ``{glue:text}`name```이
    읽게 합니다. myst-nb가 없으면(Colab, JupyterLab) 아무것도 출력하지 않고 값만 돌려줍니다.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"glue 이름은 파이썬 식별자 형태의 문자열이어야 합니다. 받은 값: {name!r}")
    try:
        from myst_nb import glue as _glue
    except ImportError:
        return value
    _glue(name, value, display=display)
    return value


GLUE_PREFIX = "application/papermill.record/"


def glued_outputs(nb) -> dict[str, dict]:
    """실행한 노트북(또는 ``{"cells": [...]}`` 꼴의 사전)에서 glue된 값을 모읍니다: 이름 → MIME 형식별 값.

    myst-nb의 ``glue(..., display=False)``는 MIME 형식 앞에 ``application/papermill.record/``를 붙여
    출력에 남기는데, 돌려주는 사전에서는 그 접두사를 뗍니다. 같은 이름이 여러 번 나오면 처음 것을 씁니다.
    반복성 테스트(``tests/test_repeatable.py``)와 시드 흩어짐 측정(``benchmarks/seed_spread.py``)이 함께 씁니다.
    읽기용 판(``.ci/reader.py``)은 출력의 메타데이터까지 읽으므로 접두사(``GLUE_PREFIX``)만 함께 씁니다.
    """
    values: dict[str, dict] = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name and out.get("output_type", "display_data") == "display_data" and name not in values:
                values[name] = {k.removeprefix(GLUE_PREFIX): v for k, v in out.get("data", {}).items()}
    return values


# ---------------------------------------------------------------- 시드·정밀도에 따른 흩어짐
_NUMBER = None


def _number(text: str) -> float:
    """glue된 문자열에서 첫 수를 읽습니다: ``"91.46"``, ``"약 2.3배"``, ``"+0.45"``, ``"1,234"``, ``"12.5%"``."""
    import re

    global _NUMBER
    if _NUMBER is None:
        _NUMBER = re.compile(r"[-+−]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?")
    match = _NUMBER.search(str(text))
    if match is None:
        raise ValueError(f"수가 없는 값입니다: {text!r}")
    return float(match.group().replace(",", "").replace("−", "-"))


class Measured:
    """한 장을 시드 여러 개 × 정밀도 두 가지로 실행해 잰 glue 값들 (``benchmarks/seed_spread.json``).

    장의 숨은 셀이 씁니다. 두 학습을 비교하는 문장은 이 흩어짐보다 효과가 클 때만 "A가 낫다"고 씁니다
    (DESIGN §12)::

        spread = measured("08_alexnet_zfnet")
        glue("relu_steps_range", spread.range("relu_steps_n"))      # "31–44"
        assert spread.holds(lambda v: v["tanh_steps_n"] > 1.2 * v["relu_steps_n"])
    """

    def __init__(self, chapter: str, runs: dict[str, dict[str, str]]):
        self.chapter = chapter
        self.runs = runs

    def __len__(self) -> int:
        return len(self.runs)

    @property
    def seeds(self) -> list[int]:
        return sorted({int(k.split(",")[0].split("=")[1]) for k in self.runs})

    @property
    def precisions(self) -> list[str]:
        names = {"0": "float32", "emulate": "bfloat16(흉내)", "1": "bfloat16"}
        found = {k.split("amp=")[1] for k in self.runs}
        return [names[a] for a in names if a in found] + sorted(a for a in found if a not in names)

    def describe(self) -> str:
        """``"cpu 프로필, 시드 3개 × 정밀도 2가지(float32, bfloat16(흉내))로 6번"``."""
        return (f"cpu 프로필, 시드 {len(self.seeds)}개 × 정밀도 {len(self.precisions)}가지"
                f"({', '.join(self.precisions)})로 {len(self)}번")

    def values(self, name: str) -> list[float]:
        """실행마다 glue된 ``name``의 수 (실행 순서는 시드, 정밀도 순)."""
        out = []
        for key in sorted(self.runs):
            values = self.runs[key]
            if name not in values:
                raise KeyError(f"{self.chapter}의 측정에 {name!r}이(가) 없습니다 (실행 {key}). "
                               "benchmarks/seed_spread.py로 다시 재세요.")
            out.append(_number(values[name]))
        return out

    def table(self, *names: str) -> list[dict[str, float]]:
        """실행마다 ``{이름: 수}``."""
        columns = {name: self.values(name) for name in names}
        return [{name: columns[name][i] for name in names} for i in range(len(self))]

    def range(self, name: str, fmt: str = "{:.2f}", scale: float = 1.0) -> str:
        """``"최솟값–최댓값"`` 문자열."""
        return _span([scale * v for v in self.values(name)], fmt)

    def glue(self, name: str, fmt: str = "{:.2f}", scale: float = 1.0, as_name: str | None = None) -> str:
        """``name``의 범위(``"최솟값–최댓값"``)를 ``as_name``(기본 ``<name>_range``)으로 glue하고 돌려줍니다."""
        text = self.range(name, fmt, scale)
        glue(as_name or f"{name}_range", text)
        return text

    def derive(self, as_name: str, value, *names: str, fmt: str = "{:.2f}") -> str:
        """실행마다 ``value(실행의 값 사전)``을 계산해 그 범위를 ``as_name``으로 glue하고 돌려줍니다.

        두 glue 값의 차이처럼 장이 따로 glue하지 않은 양의 흩어짐을 보일 때 씁니다::

            spread.derive("bn_gap_range", lambda v: v["bn_acc_on"] - v["bn_acc_off"], "bn_acc_on", "bn_acc_off")
        """
        text = _span([value(row) for row in self.table(*names)], fmt)
        glue(as_name, text)
        return text

    def holds(self, claim, *names: str) -> bool:
        """``claim(실행의 값 사전)``이 모든 실행에서 참인지. ``names``를 주면 그 값만 읽습니다."""
        rows = self.table(*names) if names else [
            {k: _number(v) for k, v in values.items() if _is_number(v)} for _, values in sorted(self.runs.items())]
        return all(claim(row) for row in rows)


def _span(values: list[float], fmt: str) -> str:
    """``"최솟값–최댓값"``."""
    return f"{fmt.format(min(values))}–{fmt.format(max(values))}"


def _is_number(text) -> bool:
    try:
        _number(text)
    except ValueError:
        return False
    return True


def measured(chapter: str, path=None) -> Measured:
    """``benchmarks/seed_spread.json``에서 한 장의 측정을 읽습니다.

    숨은 셀의 검사가 실패한 실행도 값은 그대로 읽습니다. 모든 실행이 오류 없이 끝났는지는
    ``tests/test_seed_spread.py``가 확인합니다.

    ``path``가 없으면 현재 폴더에서 위로 올라가며 ``benchmarks/seed_spread.json``을 찾습니다
    (장은 ``chapters/``에서 실행되므로 저장소의 것을 찾습니다).
    """
    import json
    from pathlib import Path

    if path is None:
        here = Path.cwd().resolve()
        for folder in (here, *here.parents):
            candidate = folder / "benchmarks" / "seed_spread.json"
            if candidate.is_file():
                path = candidate
                break
        else:
            raise FileNotFoundError("benchmarks/seed_spread.json을 찾지 못했습니다. 저장소 안에서 실행하세요 "
                                    "(seed-spread measurements not found)")
    record = json.loads(Path(path).read_text(encoding="utf-8"))
    if chapter not in record:
        raise KeyError(f"{chapter}의 측정이 없습니다. benchmarks/seed_spread.py {chapter}로 재세요.")
    runs = {key: run["values"] for key, run in record[chapter]["runs"].items()}
    return Measured(chapter, runs)
