"""Sphinx 확장: 'Colab에서 열기' 같은 실행 단추는 .ipynb 장에만 둡니다.

시작하기(book/setup.md)처럼 빌드할 때 코드를 실행하는 MyST 마크다운 페이지에도 sphinx-book-theme이
실행 단추를 붙이는데, 그 주소는 GitHub의 ``.md`` 파일을 가리켜 Colab에서 열리지 않습니다.
이런 페이지에서는 실행 단추 묶음(label ``launch-buttons``)을 뺍니다. 내려받기 단추는 그대로 둡니다.

Launch buttons (Colab, Binder) only on pages made from .ipynb notebooks: for a MyST Markdown
notebook the theme links the .md file, which Colab cannot open.
"""

from pathlib import Path


def _drop_launch_buttons(app, pagename, templatename, context, doctree):
    if doctree is None or Path(app.env.doc2path(pagename)).suffix == ".ipynb":
        return
    buttons = context.get("header_buttons")
    if buttons:
        buttons[:] = [b for b in buttons if b.get("label") != "launch-buttons"]


def setup(app):
    # sphinx-book-theme이 단추를 붙인 뒤(priority 501)에 실행합니다.
    app.connect("html-page-context", _drop_launch_buttons, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
