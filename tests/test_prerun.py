"""웹사이트 빌드의 미리 실행(.ci/prerun.py): 목차의 노트북을 찾고, 성공한 노트북만 jupyter-cache에 넣습니다.

myst-nb가 그 캐시를 실제로 찾아 쓰는지(장을 다시 실행하지 않는지)는 ci 웹사이트를 빌드하는
tests/site_helpers.py의 build_site가 빌드 기록으로 확인합니다.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
# 일꾼 프로세스(spawn)도 prerun 모듈을 이름으로 불러와야 하므로 .ci를 sys.path에 넣고 import합니다
sys.path.insert(0, str(ROOT / ".ci"))
import prerun  # noqa: E402


def test_toc_notebooks_are_every_notebook_page_in_toc_order():
    found = prerun.toc_notebooks(ROOT / "_toc.yml")
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    entries = re.findall(r"(?:file|root):\s*(\S+)", toc)
    expected = [ROOT / f"{e}.ipynb" for e in entries if (ROOT / f"{e}.ipynb").is_file()]
    assert found == expected
    assert len(found) == len(list((ROOT / "chapters").glob("*.ipynb"))) + len(list((ROOT / "book").glob("*.ipynb")))


def _notebook(path: Path, code: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)
    return path


def test_only_notebooks_that_ran_are_cached(tmp_path, capsys):
    from jupyter_cache import get_cache

    good = _notebook(tmp_path / "good.ipynb", "print(6 * 7)")
    bad = _notebook(tmp_path / "bad.ipynb", "raise ValueError('일부러 낸 오류')")
    cache_dir = tmp_path / "cache"
    # good은 다른 노트북과 겹치지 않게 혼자(--alone), bad는 동시 실행 묶음에서 실행합니다
    rc = prerun.main([str(good), str(bad), "--cache", str(cache_dir), "--jobs", "2", "--timeout", "60",
                      "--alone", str(good)])
    out, err = capsys.readouterr()
    assert rc == 1
    assert "실패" in err and "일부러 낸 오류" in err and str(bad) in err
    assert "그다음 1개는 혼자" in out
    cache = get_cache(str(cache_dir))
    record = cache.match_cache_notebook(nbformat.read(good, as_version=4))
    executed = cache.get_cache_bundle(record.pk).nb
    assert executed.cells[0].outputs[0]["text"] == "42\n"
    with pytest.raises(KeyError):
        cache.match_cache_notebook(nbformat.read(bad, as_version=4))
    # 실행 시간(다음 빌드의 순서)은 끝까지 돈 노트북만 적습니다
    import json

    timing = json.loads((tmp_path / ".prerun-seconds.json").read_text(encoding="utf-8"))
    assert str(good) in timing and str(bad) not in timing
    # 다시 부르면 캐시에 있는 노트북은 실행하지 않습니다
    assert prerun.main([str(good), "--cache", str(cache_dir)]) == 0
    assert "모두 캐시에 있습니다" in capsys.readouterr().out
