"""Sphinx 확장: 실행 단추(Colab 등)는 .ipynb 장에만 두고, Colab 단추는 읽기용 판을 엽니다.

1. 시작하기(book/setup.md)처럼 빌드할 때 코드를 실행하는 MyST 마크다운 페이지에도 sphinx-book-theme이
   실행 단추를 붙이는데, 그 주소는 GitHub의 ``.md`` 파일을 가리켜 Colab에서 열리지 않습니다. 이런
   페이지에서는 실행 단추 묶음(label ``launch-buttons``)을 뺍니다. 내려받기 단추는 그대로 둡니다.
2. 테마가 만든 Colab 주소(``…/github/ORG/REPO/blob/<repository.branch>/chapters/07_lenet.ipynb``)의
   브랜치를 읽기용 판의 브랜치(설정 ``reader_edition_branch``, 기본 ``colab``)로 바꿉니다. 소스 노트북은
   MyST 문법과 숨은 검사 셀이 그대로 보이므로, Colab에서는 ``bash .ci/notebooks``가 만든 읽기용 판을
   엽니다. GitHub Actions(.github/workflows/publish.yml)가 main에 올라올 때마다 그 판을 같은 경로로 이
   브랜치에 올립니다.

Launch buttons only on pages made from .ipynb notebooks, and the Colab button opens the generated
reader edition on the ``reader_edition_branch`` branch instead of the source notebook.
"""

from pathlib import Path


def _launch_buttons(app, pagename, templatename, context, doctree):
    if doctree is None:
        return
    buttons = context.get("header_buttons")
    if not buttons:
        return
    if Path(app.env.doc2path(pagename)).suffix != ".ipynb":
        buttons[:] = [b for b in buttons if b.get("label") != "launch-buttons"]
        return
    source_branch = (app.config.html_theme_options.get("repository_branch") or "master").strip("/")
    reader_branch = app.config.reader_edition_branch
    for group in buttons:
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            url = button.get("url", "")
            if button.get("text") == "Colab" and f"/blob/{source_branch}/" in url:
                button["url"] = url.replace(f"/blob/{source_branch}/", f"/blob/{reader_branch}/", 1)


def setup(app):
    app.add_config_value("reader_edition_branch", "colab", "html", types=[str])
    # sphinx-book-theme이 단추를 붙인 뒤(priority 501)에 실행합니다.
    app.connect("html-page-context", _launch_buttons, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
