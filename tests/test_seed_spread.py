"""시드·정밀도에 따른 흩어짐의 측정(``benchmarks/seed_spread.json``)이 본문의 비교 문장을 받쳐 주는지.

장의 숨은 셀은 ``cnnlib.book.measured("NN_이름")``으로 이 측정을 읽어, 비교 문장(A가 B보다 낫다, 비슷하다)이
모든 실행에서 성립하는지 확인하고 흩어짐을 본문에 glue합니다 (DESIGN §12). 이 테스트는 그 측정 자체를 봅니다:

* 측정을 읽는 장마다 시드 3개 이상 × 정밀도 두 가지(float32, bfloat16 흉내)의 실행이 있고,
* 어느 실행에서도 숨은 셀의 검사가 실패하지 않았으며(다른 시드·정밀도에서도 본문의 주장이 성립),
* 측정이 지금의 코드로 잰 것입니다 (숨은 셀을 뺀 코드 셀의 해시가 같음).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

from cnnlib import book

ROOT = Path(__file__).resolve().parents[1]
SPREAD = ROOT / "benchmarks" / "seed_spread.json"
sys.path.insert(0, str(ROOT / "benchmarks"))
import seed_spread  # noqa: E402


def chapters_that_read_spreads() -> list[str]:
    found = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and re.search(r"measured\(\s*[\"']" + re.escape(path.stem), cell.source):
                found.append(path.stem)
                break
    return found


READERS = chapters_that_read_spreads()


def test_some_chapters_read_the_measured_spread():
    assert len(READERS) >= 5, READERS


@pytest.mark.parametrize("chapter", READERS)
def test_spread_has_three_seeds_in_both_precisions_without_errors(chapter):
    record = json.loads(SPREAD.read_text(encoding="utf-8"))
    assert chapter in record, f"{chapter}: benchmarks/seed_spread.py chapters/{chapter}.ipynb 로 재세요"
    runs = record[chapter]["runs"]
    seeds = {int(k.split(",")[0].split("=")[1]) for k in runs}
    for amp in ("0", "emulate"):
        have = {int(k.split(",")[0].split("=")[1]) for k in runs if k.endswith(f"amp={amp}")}
        assert len(have) >= 3, f"{chapter}: amp={amp}의 시드가 {sorted(have)}뿐입니다"
    assert len(seeds) >= 3
    # 측정하는 동안 실패한 숨은 검사는, 그 뒤에 고쳐 썼어야 합니다 (그 셀의 코드가 지금 노트북에 그대로 있으면
    # 그 검사는 다른 시드·정밀도에서 실패하는 것입니다). 고쳐 쓴 검사의 조건은 측정을 읽는 셀이
    # spread.holds(...)로 모든 실행에서 확인합니다.
    current = {seed_spread.source_sha(c.source) for c in nbformat.read(ROOT / "chapters" / f"{chapter}.ipynb",
                                                                       as_version=4).cells if c.cell_type == "code"}
    still_failing = {k: [e["error"] for e in r["errors"] if e["source_sha"] in current]
                     for k, r in runs.items()}
    still_failing = {k: v for k, v in still_failing.items() if v}
    assert not still_failing, f"{chapter}: 숨은 셀의 검사가 다른 시드·정밀도에서 실패합니다: {still_failing}"


@pytest.mark.parametrize("chapter", READERS)
def test_spread_was_measured_on_the_current_code(chapter):
    record = json.loads(SPREAD.read_text(encoding="utf-8"))
    current = seed_spread.code_hash(ROOT / "chapters" / f"{chapter}.ipynb")
    assert record[chapter]["code_hash"] == current, (
        f"{chapter}: 실험 코드가 측정 뒤에 바뀌었습니다. "
        f"`python benchmarks/seed_spread.py chapters/{chapter}.ipynb`로 다시 재세요 (measurements are stale)")


def test_measured_reads_numbers_and_ranges(tmp_path):
    spread = {"07_demo": {"code_hash": "x", "runs": {
        "seed=0,amp=0": {"values": {"acc": "99.10%", "steps": "약 31단계"}, "errors": []},
        "seed=1,amp=emulate": {"values": {"acc": "98.90%", "steps": "44단계"}, "errors": []},
    }}}
    path = tmp_path / "spread.json"
    path.write_text(json.dumps(spread), encoding="utf-8")
    m = book.measured("07_demo", path)
    assert m.values("acc") == [99.10, 98.90]
    assert m.range("acc") == "98.90–99.10" and m.range("steps", "{:.0f}") == "31–44"
    assert m.seeds == [0, 1] and m.precisions == ["float32", "bfloat16(흉내)"]
    assert m.holds(lambda v: v["acc"] > 98.5, "acc") and not m.holds(lambda v: v["acc"] > 99, "acc")
    assert m.derive("gap_range", lambda v: v["acc"] - 98, "acc", fmt="{:.1f}") == "0.9–1.1"
    with pytest.raises(KeyError, match="없습니다"):
        m.values("nope")
    with pytest.raises(KeyError, match="측정이 없습니다"):
        book.measured("99_none", path)


def test_glued_values_read_hidden_glue_outputs():
    """myst-nb의 glue(display=False)는 MIME 형식 앞에 접두사를 붙입니다. 그 값도 읽습니다."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("...")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"application/papermill.record/text/plain": "'91.46'"},
                               metadata={"scrapbook": {"name": "acc", "mime_prefix": "application/papermill.record/"}}),
        nbformat.v4.new_output("display_data", data={"text/plain": "3"},
                               metadata={"scrapbook": {"name": "n", "mime_prefix": ""}}),
        nbformat.v4.new_output("stream", name="stdout", text="보통 출력\n"),
    ]
    nb.cells = [cell]
    assert seed_spread.glued_values(nb) == {"acc": "91.46", "n": "3"}


def test_code_hash_ignores_asserts_glue_comments_but_not_experiments(tmp_path):
    def write(*codes):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell("# 제목")] + [nbformat.v4.new_code_cell(c) for c in codes]
        path = tmp_path / "nb.ipynb"
        nbformat.write(nb, path)
        return seed_spread.code_hash(path)

    base = write("%matplotlib inline\nepochs = 2\nacc = train(epochs)", "glue('acc', acc)")
    assert base == write("%matplotlib inline\nimport torch\nepochs = 2  # 주석\n\nacc = train(epochs)\nprint(acc)\n"
                         "glue('acc', f'{acc}')",
                         "assert acc > 0.9", "spread = cnnlib.book.measured('x')\nassert spread.holds(f)",
                         "if cnnlib.profile() != 'ci':\n    assert acc > 0.9\n    print(acc)",
                         "for n in (1, 2):\n    assert n > 0")
    # 검사만 든 if는 빠지지만, 실험 코드가 든 if는 남습니다
    assert base != write("%matplotlib inline\nepochs = 2\nacc = train(epochs)", "if fast:\n    acc = 0")
    assert base != write("%matplotlib inline\nepochs = 3\nacc = train(epochs)", "glue('acc', acc)")
