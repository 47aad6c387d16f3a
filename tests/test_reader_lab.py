"""읽기용 판을 진짜 JupyterLab에서 열어 봅니다 (헤드리스 Chromium, pytest 표시 ``browser``).

ci 웹사이트의 값으로 7장의 읽기용 판을 만들고, 이 가상 환경의 JupyterLab을 127.0.0.1의 임의 포트에
임의 토큰으로 띄워 그 노트북을 엽니다. 독자가 보는 화면에서:

* 모든 마크다운 셀이 그려졌고, 그 글에 MyST 문법(``{glue``, ``{term}``, ``{numref}``, ``{cite}``, ``{doc}``,
  지시문 울타리)이 보이지 않습니다. 수식은 MathJax가 그렸습니다.
* 연습문제 풀이는 모두 접혀 있어 내용이 보이지 않다가, **풀이 보기**를 누르면 펼쳐져 보입니다.

스크린숏: ``_build/screenshots/jupyterlab/07_lenet.png``(처음 화면)와 ``07_lenet-solution.png``(풀이를 편 화면).
"""

from __future__ import annotations

import re

import nbformat
import pytest
import site_helpers as sh

pytestmark = pytest.mark.browser

DOC = "chapters/07_lenet"
SHOTS = sh.SCREENSHOTS / "jupyterlab"
LEFTOVERS = ("{glue", "{term}", "{numref}", "{cite}", "{doc}", "{exercise}", "{solution}", ":::{")


@pytest.fixture(scope="module")
def chromium():
    return sh.chromium_or_skip()


def test_reader_notebook_reads_cleanly_in_jupyterlab(tmp_path, chromium):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        build = sh.build_site(tmp_path / "build.log").parent
        edition, _ = sh.reader_edition(build, tmp_path / "notebooks", only=[DOC])
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    nb = nbformat.read(edition / f"{DOC}.ipynb", as_version=4)
    n_markdown = sum(c.cell_type == "markdown" for c in nb.cells)
    n_solutions = sum(c.source.count("<details>") for c in nb.cells if c.cell_type == "markdown")
    SHOTS.mkdir(parents=True, exist_ok=True)

    with sh.jupyterlab(edition, tmp_path / "lab") as (base, token):
        drv = sh.start_chromium(*chromium, str(tmp_path / "chromium-profile"))
        try:
            drv.set_script_timeout(180)
            drv.get(f"{base}lab/tree/{DOC}.ipynb?token={token}")
            state = drv.execute_async_script(sh.LAB_READY_JS, 150)
            assert state == "ok", f"JupyterLab이 노트북을 다 그리지 못했습니다: {state}"
            drv.save_screenshot(str(SHOTS / "07_lenet.png"))
            info = drv.execute_script(sh.LAB_INSPECT_JS)

            assert info["markdown_cells"] == n_markdown, info["markdown_cells"]
            shown = [piece for piece in LEFTOVERS if piece in info["text"]]
            assert not shown, f"JupyterLab 화면에 MyST 문법이 보입니다: {shown}"
            assert not re.search(r"^\s*```", info["text"], re.M), "지시문 울타리가 보입니다"
            assert info["mathjax"] > 0, "수식이 그려지지 않았습니다 (no MathJax output)"
            assert "본문의 숫자" in info["text"] and "런타임 유형 변경" in info["text"]

            assert len(info["details"]) == n_solutions >= 4, info["details"]
            assert all(not d["open"] and d["summary"] == "풀이 보기" for d in info["details"]), info["details"]
            details = drv.find_elements(By.CSS_SELECTOR, ".jp-RenderedMarkdown details")
            first = details[0]
            body = first.find_elements(By.CSS_SELECTOR, ":scope > p")
            assert body, "풀이에 문단이 없습니다"
            drv.execute_script("arguments[0].scrollIntoView({block: 'center'});", first)
            assert not any(p.is_displayed() for p in body), "누르기 전에 풀이가 보입니다"
            first.find_element(By.TAG_NAME, "summary").click()
            WebDriverWait(drv, 10).until(lambda d: first.get_attribute("open") is not None and body[0].is_displayed(),
                                         "풀이 보기를 눌러도 풀이가 펼쳐지지 않습니다")
            drv.save_screenshot(str(SHOTS / "07_lenet-solution.png"))
            assert all(d.get_attribute("open") is None for d in details[1:]), "다른 풀이까지 펼쳐졌습니다"
        finally:
            drv.quit()
