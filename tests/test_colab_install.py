"""Colab의 첫 셀: cnnlib이 없는 새 가상 환경에서 장 하나가 처음부터 끝까지 돌아가는지 봅니다.

환경을 만드는 도구는 tests/colab_helpers.py에 있습니다 (읽기용 판 테스트 tests/test_reader_colab.py도 씁니다).

하는 일 (모두 저장소 밖의 임시 폴더에서):

1. 이 저장소를 ``git clone``합니다. 그래서 커밋된 HEAD만 시험합니다 (커밋하지 않은 변경은 들어가지
   않습니다).
2. 새 가상 환경을 만듭니다 (``python -m venv --without-pip``). PyTorch(수 GB)를 다시 내려받지 않도록,
   그 ``site-packages``에 ``.pth`` 파일 한 줄로 프로젝트 가상 환경의 ``site-packages``를 덧붙입니다.
   프로젝트 가상 환경에는 cnnlib이 설치되어 있지 않으므로(``.ci/setup``은 ``PYTHONPATH``로 저장소를
   가리킬 뿐입니다) 이 환경에서 ``import cnnlib``은 실패합니다. 테스트가 먼저 이것을 확인합니다.
3. 장 하나(``chapters/03_padding_stride.ipynb``)를 임시 폴더로 복사하고, 설치 셀의 주소
   ``git+https://github.com/…``만 1의 클론을 가리키는 ``git+file://…``로 바꿉니다. 셀의 나머지는
   그대로입니다 (``find_spec("cnnlib") is None``이면 ``python -m pip install -q "cnnlib @ git+…"``).
4. 새 가상 환경의 파이썬으로 도는 커널에서 nbclient로 노트북 전체를 실행합니다
   (``CNNLIB_PROFILE=ci``, ``CNNLIB_DATA``, ``PYTHONPATH`` 없음, 작업 폴더는 저장소 밖).
5. 설치 셀이 실제로 cnnlib을 새 가상 환경에 설치했는지(``direct_url.json``의 커밋이 클론의 HEAD인지),
   커널이 그 cnnlib을 불러왔는지, ``cnnlib.setup()``이 ci 프로필을 출력했는지 확인합니다.

확인하는 것: 설치 셀의 코드 경로(패키지가 없을 때 pip으로 git 주소에서 설치), pyproject.toml로
cnnlib을 빌드·설치하는 것(패키지에 빠진 파일이 있으면 장이 실패합니다, 예: 탐색기의 .js/.css),
저장소 밖에서 설치된 cnnlib만으로 장이 도는 것, 같은 커널에서 설치 직후 import가 되는 것.

확인하지 못하는 것: Colab 자체(그 파이썬·PyTorch 버전, GPU, Google의 위젯 관리자), 인터넷에서
GitHub 주소로 받는 것(여기서는 같은 git 저장소의 로컬 클론), PyTorch·torchvision 등 의존 패키지의 설치
(프로젝트 가상 환경의 것을 ``.pth``로 빌려 씁니다; pip은 그것들이 이미 있다고 보고 건너뜁니다).
pip은 빌려 온 프로젝트 가상 환경의 것을 씁니다. 빌드 격리에 쓰는 setuptools는 pip 설정의 색인
(이 기계에서는 로컬 미러)에서 받습니다.

걸린 시간은 ``_build/colab-install-report.txt``에 적습니다.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import colab_helpers as ch
import nbformat
import pytest

ROOT = ch.ROOT
CHAPTER = ROOT / "chapters" / "03_padding_stride.ipynb"
REPO_URL = ch.REPO_URL
REPORT = ROOT / "_build" / "colab-install-report.txt"


def test_colab_first_cell_installs_cnnlib_and_runs_a_chapter(tmp_path, monkeypatch):
    if shutil.which("git") is None:
        pytest.fail("git이 없습니다 (the Colab install test needs git)")
    assert not tmp_path.resolve().is_relative_to(ROOT), "임시 폴더가 저장소 안에 있습니다"
    times: dict[str, float] = {}
    t0 = time.monotonic()

    # 1. HEAD의 클론
    clone = tmp_path / "clone"
    head = ch.clone_head(clone)
    times["git clone"] = time.monotonic() - t0

    # 2. 새 가상 환경 + 프로젝트 가상 환경의 site-packages(.pth)
    t = time.monotonic()
    python, purelib = ch.clean_venv(tmp_path / "venv")
    work = tmp_path / "work"
    work.mkdir()
    before = ch.find_spec(python, "cnnlib", work)
    assert before == "None", f"새 가상 환경에서 이미 cnnlib이 보입니다: {before}"
    times["가상 환경"] = time.monotonic() - t

    # 3. 장을 저장소 밖으로 복사하고 설치 주소만 로컬 클론으로 바꿉니다.
    nb = nbformat.read(CHAPTER, as_version=4)
    install = nb.cells[1]
    assert install.cell_type == "code" and REPO_URL in install.source, "2번째 셀이 설치 셀이 아닙니다"
    assert 'importlib.util.find_spec("cnnlib") is None' in install.source
    install.source = install.source.replace(REPO_URL, f"git+file://{clone}")
    nb.cells.append(nbformat.v4.new_code_cell(
        "import cnnlib, json, sys\nprint(json.dumps({'cnnlib': cnnlib.__file__, 'python': sys.executable}))"
    ))
    notebook_path = work / CHAPTER.name
    nbformat.write(nb, notebook_path)

    # 4. 새 가상 환경의 커널로 실행합니다.
    kernel = ch.use_kernel(monkeypatch, tmp_path, python)
    t = time.monotonic()
    ch.execute(nb, work, kernel)
    times["커널 시작 + 설치 셀 + 장 실행 (nbclient)"] = time.monotonic() - t
    times["그중 설치 셀 (pip install)"] = ch.cell_seconds(nb.cells[1])

    # 5. 무엇이 실제로 일어났는지
    where = json.loads(nb.cells[-1].outputs[0]["text"])
    assert Path(where["python"]).parent == python.parent, where
    assert Path(where["cnnlib"]).is_relative_to(purelib), f"커널이 새 가상 환경의 cnnlib이 아닌 것을 불렀습니다: {where}"
    direct = ch.installed_commit(purelib)
    assert direct["url"] == f"file://{clone}" and direct["vcs_info"]["commit_id"] == head, direct
    setup_out = "".join(o.get("text", "") for o in nb.cells[2].outputs if o.get("output_type") == "stream")
    assert setup_out.startswith("실행 프로필: ci ("), setup_out
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("output_type") == "error"]
    assert not errors
    times["모두"] = time.monotonic() - t0

    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(
        f"Colab 첫 셀 테스트 (tests/test_colab_install.py) — {time.strftime('%Y-%m-%d %H:%M:%S')}\n"
        f"장: {CHAPTER.name}, 커밋 {head[:12]}\n"
        + "".join(f"  {k}: {v:.1f}초\n" for k, v in times.items()),
        encoding="utf-8",
    )
