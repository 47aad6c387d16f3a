"""읽기용 판을 Colab처럼 깨끗한 환경에서 처음부터 끝까지 실행합니다: 3장, 7장, 11장 (ci 프로필).

tests/test_colab_install.py와 같은 환경(tests/colab_helpers.py)을 씁니다: 이 저장소의 HEAD를 클론하고,
cnnlib이 없는 새 가상 환경의 커널에서 읽기용 판을 실행합니다. 첫 코드 셀의 설치 주소(``git+<저장소>@<커밋>``)만
그 클론(``git+file://<클론>@<커밋>``)으로 바꿉니다. Colab처럼 ``myst_nb``도 없게 막아, ``cnnlib.glue``가
아무것도 출력하지 않는 길을 지납니다. 첫 장의 설치 셀이 cnnlib을 설치하고, 다음 장들은 설치된 것을 씁니다.

확인하는 것:

* 오류 없이 끝까지 돌고, 설치 셀이 노트북에 적힌 커밋의 cnnlib을 설치했습니다.
* 어느 출력에도 연습문제의 답(풀이에 쓰는 glue 값, .ci/reader.py의 ``answer_glue_names``)이 나오지 않습니다:
  답의 이름이 출력에 없고, 눈에 띄는 값(숫자가 든 네 글자 이상)은 본문이 풀이 밖에서 이미 말한 것이 아니면
  출력에 없습니다. ``glue``가 ``이름 = 값``을 찍던 예전 동작도 없습니다.

걸린 시간은 ``_build/reader-colab-report.txt``에 적습니다.
"""

from __future__ import annotations

import re
import shutil
import sys
import time

import colab_helpers as ch
import nbformat
import pytest
import site_helpers as sh

ROOT = ch.ROOT
sys.path.insert(0, str(ROOT / ".ci"))
import reader  # noqa: E402

CHAPTERS = ["chapters/03_padding_stride", "chapters/07_lenet", "chapters/11_resnet"]
REPORT = ROOT / "_build" / "reader-colab-report.txt"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.fail("git이 없습니다 (the Colab test needs git)")
    tmp = tmp_path_factory.mktemp("reader-colab")
    times = {}
    t0 = time.monotonic()
    try:
        build = sh.build_site(tmp / "build.log").parent
        edition, _ = sh.reader_edition(build, tmp / "notebooks", only=CHAPTERS)
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    times["ci 웹사이트 확인 + 읽기용 판"] = time.monotonic() - t0
    t = time.monotonic()
    clone = tmp / "clone"
    head = ch.clone_head(clone)
    python, purelib = ch.clean_venv(tmp / "venv", block=("myst_nb",))
    work = tmp / "work"
    work.mkdir()
    assert ch.find_spec(python, "cnnlib", work) == "None", "새 가상 환경에서 이미 cnnlib이 보입니다"
    times["클론 + 가상 환경"] = time.monotonic() - t
    book = reader.build_book(ROOT, build, head, reader.toc_docs(ROOT))
    yield {"tmp": tmp, "build": build, "edition": edition, "clone": clone, "head": head, "python": python,
           "purelib": purelib, "work": work, "book": book, "times": times}
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(f"읽기용 판 Colab 실행 (tests/test_reader_colab.py) — {time.strftime('%Y-%m-%d %H:%M:%S')}\n"
                      + "".join(f"  {k}: {v:.1f}초\n" for k, v in times.items()), encoding="utf-8")


def output_texts(nb) -> list[tuple[int, str]]:
    """(셀 번호, 출력의 글자): 스트림, 글자로 된 mime 데이터, 오류."""
    found = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "stream":
                found.append((index, out.get("text", "")))
            elif out.get("output_type") == "error":
                found.append((index, "\n".join(out.get("traceback", []))))
            for mime, value in out.get("data", {}).items():
                if isinstance(value, str) and not mime.startswith("image/"):
                    found.append((index, value))
    return found


def answer_values(book, doc: str) -> dict[str, str]:
    """연습문제의 답 이름 → 웹사이트 빌드의 값(본문에 쓰는 글자)."""
    from myst_nb.core.variables import format_plain_text

    executed = book.executed_for(doc)
    values = {}
    for name in reader.answer_glue_names(book, doc):
        data = executed.glue.get(name, {}).get("data", {})
        if "text/plain" in data:
            values[name] = format_plain_text(data["text/plain"], "s")
    return values


@pytest.mark.parametrize("doc", CHAPTERS)
def test_reader_edition_runs_like_colab_and_prints_no_answer(prepared, doc, monkeypatch):
    p = prepared
    nb = nbformat.read(p["edition"] / f"{doc}.ipynb", as_version=4)
    install = next(c for c in nb.cells if c.cell_type == "code")
    pinned = f"git+{reader.repository_url(reader.load_config(ROOT))}@{p['head']}"
    assert pinned in install.source, f"{doc}: 설치 셀이 HEAD({p['head'][:12]})에 고정되어 있지 않습니다"
    install.source = install.source.replace(pinned, f"git+file://{p['clone']}@{p['head']}")
    kernel = ch.use_kernel(monkeypatch, p["tmp"] / doc.replace("/", "_"), p["python"])
    t = time.monotonic()
    try:
        ch.execute(nb, p["work"], kernel)
    except Exception as error:  # nbclient.CellExecutionError: 어느 셀이 왜 실패했는지 보입니다
        pytest.fail(f"{doc}: 읽기용 판이 실행 중에 실패했습니다:\n{error}", pytrace=False)
    p["times"][f"{doc} 실행"] = time.monotonic() - t

    direct = ch.installed_commit(p["purelib"])
    assert direct["vcs_info"]["commit_id"] == p["head"], direct
    texts = output_texts(nb)
    errors = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
              for o in c.outputs if o.get("output_type") == "error"]
    assert not errors, f"{doc}: 오류 출력이 있는 셀 {errors}"

    answers = answer_values(p["book"], doc)
    assert answers, f"{doc}: 연습문제의 답 glue 이름을 찾지 못했습니다"
    named = [(i, name) for i, text in texts for name in answers if re.search(rf"\b{name}\b", text)]
    assert not named, f"{doc}: 출력에 연습문제의 답 이름이 나옵니다: {named[:5]}"
    # 본문이 풀이 밖에서 이미 말한 값은 비밀이 아닙니다 (예: 7장 본문의 C3 매개변수 1,516개가 연습문제 7.2의 답).
    prose = "\n".join(re.sub(r"<details>.*?</details>", "", c.source, flags=re.S)
                      for c in nb.cells if c.cell_type == "markdown")
    secret = {name: value for name, value in answers.items()
              if len(value) >= 4 and re.search(r"\d", value) and reader.escape(value) not in prose}
    shown = [(i, name, value) for i, text in texts for name, value in secret.items() if value in text]
    assert not shown, f"{doc}: 출력에 연습문제의 답이 나옵니다 (셀, 이름, 값): {shown[:5]}"
    glued = set(p["book"].executed_for(doc).glue)
    printed = [(i, m[1]) for i, text in texts for m in re.finditer(r"^(\w+) = ", text, re.M) if m[1] in glued]
    assert not printed, f"{doc}: glue가 값을 출력했습니다 (glue prints in Colab): {printed[:5]}"
