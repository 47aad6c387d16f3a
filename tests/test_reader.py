"""읽기용 판(``bash .ci/notebooks``, .ci/reader.py): Colab·JupyterLab에서 그대로 읽히는 노트북.

ci 웹사이트(``CNNLIB_PROFILE=ci bash .ci/book``, tests/site_helpers.py의 ``build_site``)를 빌드한 뒤
그 빌드의 값으로 목차의 모든 노트북의 읽기용 판을 임시 폴더에 만들고 검사합니다.

* 모든 목차 노트북에 읽기용 판이 있고, 올바른 nbformat입니다.
* 마크다운에 MyST 문법(역할 ``{name}`…```, 지시문 울타리, ``:::{``, ``{glue``)이 남지 않았습니다.
* 숨은 셀(``remove-cell``)은 하나도 남지 않았고, 어느 셀의 소스도 숨은 셀의 소스가 아닙니다.
* 나머지 코드 셀은 소스 그대로이고 출력이 없습니다. 첫 코드 셀은 만든 커밋에 고정한 설치 셀입니다.
* 노트북 메타데이터가 Colab에 GPU를 요청하고, 안내 셀이 프로필과 런타임 바꾸는 법을 말합니다.
* 연습문제의 풀이는 모두 접힌 ``<details>`` 안에 있고, 그림마다 번호와 설명 셀이 있으며, 본문의 glue
  값이 웹사이트 빌드의 값으로 적혀 있습니다.
* 풀이에만 쓰는 glue 이름(연습문제의 답)을 보이는 셀이 glue하지 않습니다.

잘못된 소스(모르는 역할·지시문, 없는 glue 이름, 숨은 셀에서만 정의한 이름, 빌드보다 새로운 소스)는
노트북과 셀을 밝힌 한국어 오류로 실패하고 출력 폴더를 건드리지 않는지, 작은 가짜 책으로 봅니다.

``CNN_BOOK_READER_DIR=<폴더>``를 주면 만들지 않고 그 폴더를 검사합니다.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import site_helpers as sh
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / ".ci"))
import reader  # noqa: E402

DOCS = reader.toc_docs(ROOT)
CONFIG = reader.load_config(ROOT)
doc_param = pytest.mark.parametrize("doc", DOCS)


def tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


@pytest.fixture(scope="session")
def ci_build(tmp_path_factory) -> Path:
    try:
        return sh.build_site(tmp_path_factory.mktemp("site") / "build.log").parent
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def edition(ci_build, tmp_path_factory) -> Path:
    try:
        out, seconds = sh.reader_edition(ci_build, tmp_path_factory.mktemp("reader") / "notebooks")
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / "reader-report.txt").write_text(
        f"읽기용 판 {len(list(out.rglob('*.ipynb')))}개를 {seconds:.1f}초에 만들었습니다 (ci 빌드 {ci_build})\n",
        encoding="utf-8")
    return out


def read_pair(edition: Path, doc: str):
    path = edition / f"{doc}.ipynb"
    assert path.is_file(), f"{doc}: 읽기용 판이 없습니다 ({path})"
    return nbformat.read(path, as_version=4), nbformat.read(ROOT / f"{doc}.ipynb", as_version=4)


# ---------------------------------------------------------------- 모든 노트북
def test_every_toc_notebook_has_a_reader_edition(edition):
    made = sorted(p.relative_to(edition).with_suffix("").as_posix() for p in edition.rglob("*.ipynb"))
    assert made == sorted(DOCS)
    assert (edition / "README.md").is_file()


@doc_param
def test_reader_markdown_is_plain(edition, doc):
    nb, _ = read_pair(edition, doc)
    nbformat.validate(nb)
    leftovers = [f"셀 {i}: {p}" for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
                 for p in reader.myst_leftovers(c.source)]
    assert not leftovers, f"{doc}: MyST 문법이 남았습니다: {leftovers[:10]}"


@doc_param
def test_reader_has_no_hidden_cells_and_keeps_the_rest(edition, doc):
    nb, src = read_pair(edition, doc)
    hidden = {c.source.strip() for c in src.cells if "remove-cell" in tags(c)}
    assert hidden, f"{doc}: 소스에 숨은 셀이 없습니다 (the test expects some)"
    assert not [i for i, c in enumerate(nb.cells) if "remove-cell" in tags(c)]
    survived = [i for i, c in enumerate(nb.cells) if c.source.strip() in hidden]
    assert not survived, f"{doc}: 숨은 셀의 소스가 읽기용 판의 셀 {survived}에 있습니다"
    kept = [c.source for c in src.cells if c.cell_type == "code" and "remove-cell" not in tags(c)]
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.source for c in code[1:]] == kept[1:], f"{doc}: 보이는 코드 셀이 소스와 다릅니다"
    assert all(not c.outputs and c.execution_count is None for c in code), f"{doc}: 출력이 남은 코드 셀이 있습니다"


@doc_param
def test_reader_install_cell_gpu_runtime_and_note(edition, doc):
    nb, _ = read_pair(edition, doc)
    meta = nb.metadata
    commit = meta["cnn_book"]["commit"]
    assert re.fullmatch(r"[0-9a-f]{40}", commit), commit
    install = next(c for c in nb.cells if c.cell_type == "code").source
    url = reader.repository_url(CONFIG)
    assert f'"cnnlib @ git+{url}@{commit}"' in install, install
    assert 'importlib.util.find_spec("cnnlib") is None' in install
    assert meta["accelerator"] == "GPU" and meta["colab"]["gpuType"], meta
    assert meta["kernelspec"]["name"] == "python3"
    assert nb.cells[0].source.startswith("# ")
    note = nb.cells[1].source
    profile = meta["cnn_book"]["profile"]
    assert profile == "ci", f"{doc}: ci 빌드에서 만든 판인데 프로필이 {profile!r}입니다"
    assert f"`{profile}` 프로필" in note and "런타임 → 런타임 유형 변경" in note and "GPU" in note, note
    assert sum("**본문의 숫자**" in c.source for c in nb.cells if c.cell_type == "markdown") == 1


@doc_param
def test_reader_solutions_are_collapsed(edition, doc):
    nb, src = read_pair(edition, doc)
    md_src = "\n".join(c.source for c in src.cells if c.cell_type == "markdown")
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    n_solutions = len(re.findall(r"^`{3,}\{solution\}", md_src, re.M))
    n_exercises = len(re.findall(r"^`{3,}\{exercise\}", md_src, re.M))
    assert md.count("<details>") == md.count("</details>") == n_solutions
    assert md.count("<summary>풀이 보기</summary>") == n_solutions
    assert "<details open" not in md
    assert len(re.findall(r"\*\*연습문제 \d+\.\d+\*\*", md)) == n_exercises
    if doc.startswith("chapters/"):
        assert n_exercises >= 4 and n_solutions == n_exercises
        assert sum("check.ex" in c.source for c in nb.cells if c.cell_type == "code") >= n_exercises


@doc_param
def test_reader_figures_have_numbered_captions(edition, doc):
    nb, _ = read_pair(edition, doc)
    for i, cell in enumerate(nb.cells):
        figure = cell.metadata.get("mystnb", {}).get("figure")
        assert not figure, f"{doc}: 셀 {i}에 mystnb 메타데이터가 남았습니다"
    src = nbformat.read(ROOT / f"{doc}.ipynb", as_version=4)
    captions = [c.metadata["mystnb"]["figure"] for c in src.cells
                if c.cell_type == "code" and "remove-cell" not in tags(c) and c.metadata.get("mystnb", {}).get("figure")]
    shown = [c.source for c in nb.cells if c.cell_type == "markdown" and re.match(r'(<a id="[^"]+"></a>)?\*\*그림 \d+\*\*', c.source)]
    assert len(shown) == len(captions), f"{doc}: 그림 설명 셀 {len(shown)}개, 소스의 그림 {len(captions)}개"
    for figure, text in zip(captions, shown, strict=True):
        assert f'<a id="{figure["name"]}"></a>' in text


@doc_param
def test_reader_glued_values_come_from_the_build(edition, ci_build, doc):
    from myst_nb.core.variables import format_plain_text

    nb, src = read_pair(edition, doc)
    executed = reader.read_executed(ci_build, doc)
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    md_src = "\n".join(c.source for c in src.cells if c.cell_type == "markdown")
    # {glue:text}`이름` / {glue:text}`이름:형식` (myst-nb의 format_plain_text) 와 {glue:}`이름` (text/plain 그대로)
    expected = {}
    for role, key, fmt in re.findall(r"\{(glue:text|glue:|glue)\}`([A-Za-z_]\w*)(?::([^`]+))?`", md_src):
        text = executed.glue[key]["data"]["text/plain"]
        expected[key] = reader.escape(format_plain_text(text, fmt or "s") if role == "glue:text" else text)
    assert expected or doc == "book/model_comparison", f"{doc}: 본문에 glue 값이 없습니다"
    missing = [k for k, value in sorted(expected.items()) if value not in md]
    assert not missing, f"{doc}: 웹사이트 빌드의 값이 본문에 없습니다: {missing[:10]}"


def test_exercise_answers_are_glued_only_in_hidden_cells(edition, ci_build):
    """연습문제의 답(``exN…_`` 이름, 또는 숨은 셀에서만 glue해 풀이에서만 쓰는 값)을 보이는 셀이 glue하지 않습니다."""
    book = reader.build_book(ROOT, ci_build, "0" * 40, DOCS)
    found = {}
    for doc in DOCS:
        answers = reader.answer_glue_names(book, doc)
        nb = nbformat.read(edition / f"{doc}.ipynb", as_version=4)
        glued = set().union(*(reader.glue_calls(c.source) for c in nb.cells if c.cell_type == "code"))
        assert not answers & glued, f"{doc}: 보이는 셀이 연습문제의 답을 glue합니다: {sorted(answers & glued)}"
        found[doc] = answers
    chapters = [doc for doc in DOCS if doc.startswith("chapters/")]
    assert all(found[doc] for doc in chapters), f"답을 glue하지 않는 장: {[d for d in chapters if not found[d]]}"


# ---------------------------------------------------------------- 잘못된 소스 (작은 가짜 책)
INSTALL = (ROOT / "chapters" / "03_padding_stride.ipynb")


def fake_book(tmp: Path, cells: list, build_cells: list | None = None, glue: dict | None = None) -> tuple[Path, Path]:
    """장 하나(chapters/99_test)의 책과 그 '웹사이트 빌드'를 만듭니다."""
    root, build = tmp / "book", tmp / "build"
    (root / "chapters").mkdir(parents=True)
    (root / "_config.yml").write_text(yaml.safe_dump(
        {"repository": {"url": "https://github.com/example-org/example-book", "branch": "main"}}), encoding="utf-8")
    (root / "_toc.yml").write_text("format: jb-book\nroot: chapters/99_test\n", encoding="utf-8")
    install = nbformat.read(INSTALL, as_version=4).cells[1].source.replace(
        reader.repository_url(CONFIG), "https://github.com/example-org/example-book")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 99. 시험 장\n\n작은 장입니다."),
        nbformat.v4.new_code_cell(install, metadata={"tags": ["hide-cell"]}),
        nbformat.v4.new_code_cell("from cnnlib import glue\n\nglue(\"known\", \"1,234\");"),
        *cells,
    ])
    nbformat.write(nb, root / "chapters" / "99_test.ipynb")
    executed = build / "jupyter_execute" / "chapters"
    executed.mkdir(parents=True)
    built = nb if build_cells is None else nbformat.v4.new_notebook(cells=nb.cells[:3] + build_cells)
    nbformat.write(built, executed / "99_test.ipynb")
    data = {"known": {"data": {"text/plain": "'1,234'"}, "output_type": "display_data",
                      "metadata": {"scrapbook": {"name": "known", "mime_prefix": reader.GLUE_PREFIX}}}}
    (executed / "99_test.glue.json").write_text(json.dumps({**data, **(glue or {})}), encoding="utf-8")
    page = build / "html" / "chapters" / "99_test.html"
    page.parent.mkdir(parents=True)
    page.write_text('<pre>실행 프로필: ci (시험)</pre><figure class="align-default" id="fig-test"><img src="x.png"/>'
                    '<figcaption><p><span class="caption-number">그림 1 </span><span class="caption-text">시험 그림'
                    '</span></p></figcaption></figure>', encoding="utf-8")
    return root, build


def run_cli(root: Path, build: Path, out: Path, capsys) -> tuple[int, str]:
    code = reader.main(["--root", str(root), "--build", str(build), "--out", str(out), "--ref", "a" * 40])
    captured = capsys.readouterr()
    return code, captured.err + captured.out


md = nbformat.v4.new_markdown_cell
code_cell = nbformat.v4.new_code_cell

BAD = {
    "모르는 역할": ([md("값은 {foo}`bar`입니다.")], None, ["셀 3", "알 수 없는 MyST 역할 {foo}"]),
    "모르는 지시문": ([md("```{sidebar} 옆글\n내용\n```")], None, ["셀 3", "알 수 없는 MyST 지시문 {sidebar}"]),
    "없는 glue 이름": ([md("값은 {glue:text}`never_set`입니다.")], None, ["셀 3", "glue 이름 'never_set'"]),
    "다른 장의 없는 glue": ([md("{glue:text}`98_other.ipynb::x:s`")], None, ["셀 3", "98_other"]),
    "없는 그림": ([md("{numref}`fig-nowhere`를 보세요.")], None, ["셀 3", "fig-nowhere"]),
    "숨은 셀에서만 정의한 이름": (
        [code_cell("secret = 41", metadata={"tags": ["remove-cell"]}), code_cell("print(secret + 1)")], None,
        ["셀 4", "secret(숨은 셀 3)", "NameError"]),
    "빌드보다 새로운 소스": ([code_cell("x = 2")], [code_cell("x = 1")], ["셀 3", "웹사이트 빌드"]),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_source_fails_with_korean_message_and_leaves_output_alone(tmp_path, capsys, case):
    cells, build_cells, expected = BAD[case]
    root, build = fake_book(tmp_path, cells, build_cells)
    out = tmp_path / "out" / "notebooks"
    out.mkdir(parents=True)
    (out / "earlier.txt").write_text("전에 만든 판", encoding="utf-8")
    code, text = run_cli(root, build, out, capsys)
    assert code == 1, text
    assert "읽기용 판을 만들지 못했습니다" in text and "chapters/99_test.ipynb" in text, text
    for piece in expected:
        assert piece in text, f"{case}: {piece!r}이(가) 오류에 없습니다:\n{text}"
    assert sorted(p.name for p in out.iterdir()) == ["earlier.txt"], "실패했는데 출력 폴더가 바뀌었습니다"
    assert sorted(p.name for p in out.parent.iterdir()) == ["notebooks"], "임시 폴더가 남았습니다"


def test_good_fake_book_replaces_the_output_folder_at_once(tmp_path, capsys):
    cells = [md("값은 {glue:text}`known`이고 {term}`합성곱`입니다 ({numref}`fig-test`).\n\n"
                ":::{note}\n콜론 울타리 글상자\n:::\n"),
             code_cell("x = 1\nx", metadata={"mystnb": {"figure": {"caption": "시험 그림", "name": "fig-test"}}})]
    root, build = fake_book(tmp_path, cells)
    out = tmp_path / "out" / "notebooks"
    out.mkdir(parents=True)
    (out / "earlier.txt").write_text("전에 만든 판", encoding="utf-8")
    code, text = run_cli(root, build, out, capsys)
    assert code == 0, text
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "README.md", "chapters/99_test.ipynb"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["notebooks"]
    nb = nbformat.read(out / "chapters" / "99_test.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "값은 1,234이고 합성곱입니다 ([그림 1](https://example-org.github.io/example-book/chapters/99_test.html#fig-test))" in text
    assert "> **참고**\n>\n> 콜론 울타리 글상자" in text
    assert '<a id="fig-test"></a>**그림 1** 시험 그림' in text
    assert "git+https://github.com/example-org/example-book@" + "a" * 40 in text


def test_bash_command_reports_a_bad_source(tmp_path):
    root, build = fake_book(tmp_path, [md("{foo}`bar`")])
    out = tmp_path / "out"
    proc = subprocess.run(["bash", ".ci/notebooks", "--root", str(root), "--build", str(build), "--out", str(out),
                           "--ref", "b" * 40], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "chapters/99_test.ipynb 셀 3: 알 수 없는 MyST 역할 {foo}" in proc.stderr
    assert not out.exists()


def test_hidden_name_check_allows_names_that_kept_cells_define():
    nb = nbformat.v4.new_notebook(cells=[
        code_cell("h = 1"), code_cell("h = 2\nsecret = 3", metadata={"tags": ["remove-cell"]}),
        code_cell("print(h)"), code_cell("def f(secret):\n    return secret\n"),
        code_cell("%matplotlib inline\nprint(secret)")])
    assert reader.hidden_name_uses(nb) == [(4, {"secret": 1})]


def test_glue_is_silent_without_myst_nb(monkeypatch, capsys):
    """Colab·JupyterLab(myst-nb 없음)에서 glue는 아무것도 출력하지 않고 값만 돌려줍니다 (답이 화면에 나오지 않게)."""
    from cnnlib.book import glue

    monkeypatch.setitem(sys.modules, "myst_nb", None)  # import myst_nb → ImportError
    assert glue("ex71_answer", (32, 16, 12, 6, 2)) == (32, 16, 12, 6, 2)
    assert glue("n_train", "512") == "512"
    assert capsys.readouterr().out == ""
