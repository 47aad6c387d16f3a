"""Colab의 첫 셀: cnnlib이 없는 새 가상 환경에서 장 하나가 처음부터 끝까지 돌아가는지 봅니다.

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
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "chapters" / "03_padding_stride.ipynb"
REPO_URL = "git+https://github.com/cnn-book-ko/cnn-book"
REPORT = ROOT / "_build" / "colab-install-report.txt"
KERNEL = "cnnlib-clean-venv"
SHARED_DATA = ROOT.parent / "shared" / "data"


def _run(cmd, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)
    assert result.returncode == 0, f"{cmd} 실패:\n{result.stdout}\n{result.stderr}"
    return result


def _clean_env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    # 빌드 격리를 끄면 pip이 setuptools를 색인에서 받지 않고 빌려 온 환경의 것을 씁니다. 그래서 이
    # 테스트는 네트워크 없는 네임스페이스(.ci/test)에서도, 패키지 미러가 없는 기계에서도 돕니다.
    # (설치 셀의 명령 자체는 그대로입니다; pip 설정만 환경 변수로 바꿉니다.)
    env["PIP_NO_BUILD_ISOLATION"] = "0"
    return {**env, **extra}


def _cell_seconds(cell) -> float:
    """nbclient가 기록한 셀 실행 시각(execute_input → execute_reply)으로 잰 실행 시간."""
    from datetime import datetime

    timing = cell.metadata["execution"]
    start, end = (datetime.fromisoformat(timing[k].replace("Z", "+00:00"))
                  for k in ("iopub.execute_input", "shell.execute_reply"))
    return (end - start).total_seconds()


def test_colab_first_cell_installs_cnnlib_and_runs_a_chapter(tmp_path, monkeypatch):
    if shutil.which("git") is None:
        pytest.fail("git이 없습니다 (the Colab install test needs git)")
    assert not tmp_path.resolve().is_relative_to(ROOT), "임시 폴더가 저장소 안에 있습니다"
    times: dict[str, float] = {}
    t0 = time.monotonic()

    # 1. HEAD의 클론
    clone = tmp_path / "clone"
    _run(["git", "clone", "--quiet", str(ROOT), str(clone)])
    head = _run(["git", "rev-parse", "HEAD"], cwd=clone).stdout.strip()
    times["git clone"] = time.monotonic() - t0

    # 2. 새 가상 환경 + 프로젝트 가상 환경의 site-packages(.pth)
    t = time.monotonic()
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], env=_clean_env())
    python = venv / "bin" / "python"
    purelib = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    project_site = sysconfig.get_paths()["purelib"]
    (purelib / "project-venv.pth").write_text(project_site + "\n", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    probe = "import importlib.util; print(importlib.util.find_spec('cnnlib'))"
    before = _run([str(python), "-c", probe], cwd=work, env=_clean_env()).stdout.strip()
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
    kernels = tmp_path / "jupyter" / "kernels" / KERNEL
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "cnnlib 없는 새 가상 환경", "language": "python",
    }), encoding="utf-8")
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("CNNLIB_PROFILE", "ci")
    monkeypatch.setenv("CNNLIB_THREADS", "1")
    monkeypatch.setenv("PIP_NO_BUILD_ISOLATION", "0")  # _clean_env의 설명: 네트워크 없이 빌드
    if SHARED_DATA.is_dir():  # 이 장은 데이터를 쓰지 않지만, CI와 같은 환경에서 돌립니다.
        monkeypatch.setenv("CNNLIB_DATA", str(SHARED_DATA))
    from nbclient import NotebookClient

    t = time.monotonic()
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=300, resources={"metadata": {"path": str(work)}})
    client.execute()
    times["커널 시작 + 설치 셀 + 장 실행 (nbclient)"] = time.monotonic() - t
    times["그중 설치 셀 (pip install)"] = _cell_seconds(nb.cells[1])

    # 5. 무엇이 실제로 일어났는지
    where = json.loads(nb.cells[-1].outputs[0]["text"])
    assert Path(where["python"]).parent == python.parent, where
    assert Path(where["cnnlib"]).is_relative_to(purelib), f"커널이 새 가상 환경의 cnnlib이 아닌 것을 불렀습니다: {where}"
    dist = next(purelib.glob("cnnlib-*.dist-info"))
    direct = json.loads((dist / "direct_url.json").read_text(encoding="utf-8"))
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
