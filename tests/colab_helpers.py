"""Colab을 흉내 낸 깨끗한 환경: cnnlib이 없는 새 가상 환경과 그 파이썬으로 도는 커널.

tests/test_colab_install.py(소스 장의 설치 셀)와 tests/test_reader_colab.py(읽기용 판)가 함께 씁니다.

* :func:`clone_head` — 이 저장소의 커밋된 HEAD를 임시 폴더에 ``git clone``합니다 (커밋하지 않은 변경은
  들어가지 않습니다). 설치 셀의 ``git+https://…`` 주소를 이 클론의 ``git+file://…``로 바꿔 씁니다.
* :func:`clean_venv` — ``python -m venv --without-pip``로 새 가상 환경을 만들고, PyTorch(수 GB)를 다시
  받지 않도록 그 ``site-packages``에 ``.pth`` 한 줄로 프로젝트 가상 환경의 ``site-packages``를 덧붙입니다.
  프로젝트 가상 환경에는 cnnlib이 설치되어 있지 않으므로(``.ci/setup``은 ``PYTHONPATH``로 저장소를
  가리킬 뿐입니다) 이 환경에서 ``import cnnlib``은 실패합니다. ``block``에 적은 모듈(예: ``myst_nb``)은
  이 환경에서 ``import``하면 ImportError가 나게 해 Colab처럼 "없는" 것으로 만듭니다.
* :func:`use_kernel` — 그 파이썬으로 도는 커널을 등록하고 Colab처럼 환경 변수를 정리합니다
  (``PYTHONPATH`` 없음, ``CNNLIB_PROFILE=ci``, 스레드 1개, 오프라인 데이터 ``../shared/data``).
* :func:`execute` — nbclient로 노트북 전체를 그 커널에서 실행합니다 (작업 폴더는 저장소 밖).

pip은 빌려 온 프로젝트 가상 환경의 것을 쓰고, 빌드 격리를 꺼서(``PIP_NO_BUILD_ISOLATION=0``) setuptools도
빌려 온 것을 씁니다. 그래서 네트워크 없는 네임스페이스(.ci/test)에서도 돕니다.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
#: 설치 셀이 쓰는 주소 (``_config.yml``의 저장소 주소)
REPO_URL = "git+" + CONFIG["repository"]["url"]
KERNEL = "cnnlib-clean-venv"
SHARED_DATA = ROOT.parent / "shared" / "data"


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)
    assert result.returncode == 0, f"{cmd} 실패:\n{result.stdout}\n{result.stderr}"
    return result


def clean_env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    # 빌드 격리를 끄면 pip이 setuptools를 색인에서 받지 않고 빌려 온 환경의 것을 씁니다. 그래서 이
    # 테스트는 네트워크 없는 네임스페이스(.ci/test)에서도, 패키지 미러가 없는 기계에서도 돕니다.
    # (설치 셀의 명령 자체는 그대로입니다; pip 설정만 환경 변수로 바꿉니다.)
    env["PIP_NO_BUILD_ISOLATION"] = "0"
    return {**env, **extra}


def cell_seconds(cell) -> float:
    """nbclient가 기록한 셀 실행 시각(execute_input → execute_reply)으로 잰 실행 시간."""
    from datetime import datetime

    timing = cell.metadata["execution"]
    start, end = (datetime.fromisoformat(timing[k].replace("Z", "+00:00"))
                  for k in ("iopub.execute_input", "shell.execute_reply"))
    return (end - start).total_seconds()


def clone_head(dest: Path) -> str:
    """이 저장소의 HEAD를 ``dest``에 클론하고 그 커밋을 돌려줍니다."""
    run(["git", "clone", "--quiet", str(ROOT), str(dest)])
    return run(["git", "rev-parse", "HEAD"], cwd=dest).stdout.strip()


def clean_venv(folder: Path, block: tuple[str, ...] = ()) -> tuple[Path, Path]:
    """cnnlib이 없는 새 가상 환경: ``(python, site-packages)``."""
    run([sys.executable, "-m", "venv", "--without-pip", str(folder)], env=clean_env())
    python = folder / "bin" / "python"
    purelib = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (purelib / "project-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    for module in block:  # 이 환경의 site-packages가 빌려 온 것보다 앞에 있으므로 먼저 찾힙니다.
        (purelib / f"{module}.py").write_text(
            f'raise ImportError("{module}은(는) Colab처럼 이 환경에 없습니다 (blocked by the test)")\n', encoding="utf-8")
    return python, purelib


def find_spec(python: Path, module: str, cwd: Path) -> str:
    """새 환경의 파이썬이 ``module``을 찾는지: ``importlib.util.find_spec``의 출력."""
    probe = f"import importlib.util; print(importlib.util.find_spec({module!r}))"
    return run([str(python), "-c", probe], cwd=cwd, env=clean_env()).stdout.strip()


def use_kernel(monkeypatch, folder: Path, python: Path) -> str:
    """``python``으로 도는 커널을 ``folder``에 등록하고 Colab처럼 환경 변수를 정리합니다. 커널 이름을 돌려줍니다."""
    kernels = folder / "jupyter" / "kernels" / KERNEL
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "cnnlib 없는 새 가상 환경", "language": "python",
    }), encoding="utf-8")
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.setenv("JUPYTER_PATH", str(folder / "jupyter"))
    monkeypatch.setenv("CNNLIB_PROFILE", "ci")
    monkeypatch.setenv("CNNLIB_THREADS", "1")
    monkeypatch.setenv("PIP_NO_BUILD_ISOLATION", "0")  # clean_env의 설명: 네트워크 없이 빌드
    if SHARED_DATA.is_dir():  # CI와 같은 오프라인 데이터
        monkeypatch.setenv("CNNLIB_DATA", str(SHARED_DATA))
    return KERNEL


def execute(nb, work: Path, kernel: str = KERNEL, timeout: int = 300):
    """``nb``를 ``kernel``에서 처음부터 끝까지 실행합니다 (오류가 나면 CellExecutionError)."""
    from nbclient import NotebookClient

    NotebookClient(nb, kernel_name=kernel, timeout=timeout, resources={"metadata": {"path": str(work)}}).execute()
    return nb


def installed_commit(purelib: Path) -> dict:
    """새 환경에 설치된 cnnlib의 ``direct_url.json`` (설치한 주소와 커밋)."""
    dist = next(purelib.glob("cnnlib-*.dist-info"))
    return json.loads((dist / "direct_url.json").read_text(encoding="utf-8"))
