"""웹사이트 빌드 검사(.ci/check_build.py): 셀 시간 예산과 건너뛴 검사.

미리 실행(.ci/prerun.py)이 셀마다 잰 시간을 적는지, 예산을 넘은 셀이 장과 셀 번호를 밝힌 한국어 메시지로
빌드를 실패시키는지, CI에서 허락하지 않는 이유로 건너뛴 장이 빌드를 실패시키는지 봅니다.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

from cnnlib import runtime

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / ".ci"))
import check_build  # noqa: E402
import prerun  # noqa: E402


def _notebook(path: Path, *codes: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# 제목"), *(nbformat.v4.new_code_cell(c) for c in codes)]
    nbformat.write(nb, path)
    return path


def _toc(tmp_path: Path, *names: str) -> Path:
    toc = tmp_path / "_toc.yml"
    toc.write_text("format: jb-book\nroot: intro\nchapters:\n" + "".join(f"  - file: {n}\n" for n in names),
                   encoding="utf-8")
    return toc


def test_prerun_records_seconds_of_every_code_cell(tmp_path):
    nb = _notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(1.2)", "x = 1")
    rc = prerun.main([str(nb), "--cache", str(tmp_path / "build" / ".jupyter_cache"), "--jobs", "1",
                      "--timeout", "60"])
    assert rc == 0
    cells = json.loads((tmp_path / "build" / ".prerun-cells.json").read_text(encoding="utf-8"))
    rows = cells[str(nb)]["cells"]
    assert [r["cell"] for r in rows] == [1, 2]                      # 마크다운 셀을 포함한 셀 번호
    assert 1.1 < rows[0]["seconds"] < 30 and rows[0]["first_line"] == "time.sleep(1.2)"
    assert rows[1]["seconds"] < rows[0]["seconds"]


def _cells_file(build: Path, nb: Path, seconds: list[float]) -> None:
    build.mkdir(parents=True, exist_ok=True)
    record = {str(nb): {"threads": 1, "jobs": 2,
                        "cells": [{"cell": i + 1, "seconds": s, "first_line": f"step_{i}()"}
                                  for i, s in enumerate(seconds)]}}
    (build / ".prerun-cells.json").write_text(json.dumps(record), encoding="utf-8")


def test_budget_fails_with_the_chapter_and_cell_in_korean(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    nb = _notebook(tmp_path / "11_resnet.ipynb", "pass")
    _toc(tmp_path, "11_resnet")
    _cells_file(tmp_path / "build", nb, [12.0, 301.5, 40.0])
    assert check_build.main(["--build", "build", "--profile", "cpu"]) == 1
    out, err = capsys.readouterr()
    assert "11_resnet 셀 [2] 302초" in out                           # 가장 느린 셀 목록
    assert "셀 시간 예산 초과" in err and "11_resnet 셀 [2]" in err and "step_1()" in err
    # ci·gpu 프로필에는 예산을 적용하지 않고, 예산 안이면 통과합니다
    assert check_build.main(["--build", "build", "--profile", "ci"]) == 0
    _cells_file(tmp_path / "build", nb, [12.0, 239.0])
    assert check_build.main(["--build", "build", "--profile", "cpu"]) == 0


def test_markdown_table_lists_slowest_cells(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    nb = _notebook(tmp_path / "07_lenet.ipynb", "pass")
    _toc(tmp_path, "07_lenet")
    _cells_file(tmp_path / "build", nb, [5.0, 80.0, 20.0])
    assert check_build.main(["--build", "build", "--markdown", "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert "| 07_lenet | 105 | [2] 80, [3] 20, [1] 5 | 1 · 2 |" in out
    assert "| 07_lenet [2] | 80.0 | `step_1()` |" in out and "[1] | 5.0" not in out


def _with_skips(build: Path, nb: Path, *lines: str) -> dict:
    build.mkdir(parents=True, exist_ok=True)
    record = {str(nb): {"threads": 1, "jobs": 2, "cells": [], "skips": list(lines)}}
    (build / ".prerun-cells.json").write_text(json.dumps(record), encoding="utf-8")
    return record


def test_prerun_records_skip_lines(tmp_path):
    nb = _notebook(tmp_path / "skip.ipynb", "import cnnlib\ncnnlib.runtime.skipped('두 GPU 학습', 'gpus')",
                   "print('[건너뜀 · 인터넷 없음] 직접 쓴 줄')")
    assert prerun.main([str(nb), "--cache", str(tmp_path / "b" / ".jupyter_cache"), "--jobs", "1"]) == 0
    record = json.loads((tmp_path / "b" / ".prerun-cells.json").read_text(encoding="utf-8"))[str(nb)]
    assert record["skips"] == ["[건너뜀 · GPU가 2개 미만] 두 GPU 학습", "[건너뜀 · 인터넷 없음] 직접 쓴 줄"]


def test_skip_lines_come_from_cnnlib_skipped(capsys):
    line = runtime.skipped("ResNet-18의 필터", "internet", "서버에 연결하지 못했습니다")
    assert capsys.readouterr().out == line + "\n"
    assert check_build.SKIP_LINE.fullmatch(line).groups() == ("인터넷 없음", "ResNet-18의 필터 — 서버에 연결하지 못했습니다")
    with pytest.raises(ValueError, match="이유는"):
        runtime.skipped("무엇", "bored")
    # 출력하는 이유 문구마다 CI의 허락 목록에 짝이 있고, 미리 실행이 찾는 줄의 시작도 같습니다
    assert set(check_build.CI_ALLOWED) == set(runtime.SKIP_REASONS.values())
    assert prerun.SKIP_PREFIX == runtime.SKIP_PREFIX


@pytest.mark.parametrize(("reason", "gpus", "allowed"), [
    ("인터넷 없음", 0, True), ("GPU 없음", 0, True), ("GPU 없음", 1, False), ("GPU가 2개 미만", 1, True),
    ("GPU가 2개 미만", 2, False), ("다른 실행 프로필에서만", 0, True), ("데이터 없음", 0, False),
])
def test_ci_allows_only_skips_for_what_ci_lacks(tmp_path, reason, gpus, allowed):
    record = _with_skips(tmp_path, tmp_path / "15_transfer_learning.ipynb", f"[건너뜀 · {reason}] 무엇 — 왜")
    found = check_build.skips(record)
    assert found == [("15_transfer_learning", reason, "무엇 — 왜")]
    assert (check_build.disallowed_skips(found, gpus) == []) is allowed


def test_ci_build_fails_on_a_disallowed_skip(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    nb = _notebook(tmp_path / "16_multi_gpu.ipynb", "pass")
    _toc(tmp_path, "16_multi_gpu")
    _with_skips(tmp_path / "build", nb, "[건너뜀 · 데이터 없음] 두 프로세스 학습")
    monkeypatch.setenv("CI", "true")
    assert check_build.main(["--build", "build", "--profile", "cpu"]) == 1
    assert "16_multi_gpu: [데이터 없음] 두 프로세스 학습" in capsys.readouterr().err
    monkeypatch.setenv("CI", "false")                      # CI가 아니면 보여 주기만 합니다
    assert check_build.main(["--build", "build", "--profile", "cpu"]) == 0
