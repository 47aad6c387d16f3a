"""한국어 검색 (book/_ext/korean_search.py): 규칙, 색인과 브라우저의 일치, 실제 검색 결과.

* 규칙: 한글 낱말의 조사·어미를 떼고('합성곱에서는' → '합성곱'), 로마자 뒤의 조사를 버립니다('ResNet의').
* 일치: 색인을 만드는 Python 규칙과 브라우저의 JavaScript 규칙이 같은 어간을 냅니다. Node.js가 있으면
  용어집 전체의 낱말로 비교하고, 브라우저 테스트는 빌드된 ``language_data.js``로 다시 비교합니다.
* 작은 시험 사이트(표시 ``browser``): 이 확장만 켠 Sphinx 프로젝트를 임시 폴더에 빌드해, '합성곱은'과
  '합성곱을'만 있는 페이지를 '합성곱'으로 찾는지, 두 글자 검색어, 여러 낱말 검색(모두 포함),
  문서 제목 우선, 영어 낱말을 확인합니다. 책의 내용이 바뀌어도 변하지 않는 검사입니다.
* 책 사이트(표시 ``browser``): ci 웹사이트(``CNNLIB_PROFILE=ci bash .ci/book``)의 search.html을
  헤드리스 Chromium으로 열어 ``QUERIES``의 검색어마다 반드시 찾아야 할 페이지를 찾는지, 문서 제목에
  검색어가 있는 페이지가 먼저 나오는지 봅니다. 결과 표는 ``_build/search-report.txt``에 씁니다
  (``CNN_BOOK_SITE=<폴더>``로 예전에 빌드한 사이트의 표도 만들 수 있습니다).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import site_helpers as sh

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import korean_search as ks  # noqa: E402

SEARCH_REPORT = ROOT / "_build" / "search-report.txt"

#: 검색어 → 반드시 찾아야 할 페이지 (1–6장과, 다른 사람이 동시에 고치지 않는 책 페이지).
#: 괄호 안 주석: 예전 검색(Sphinx 기본)이 놓친 까닭.
QUERIES: dict[str, list[str]] = {
    "합성곱": [
        "chapters/01_why_convolution.html", "chapters/02_convolution.html", "chapters/03_padding_stride.html",
        "chapters/04_pooling.html", "chapters/05_receptive_field_cost.html",
        "chapters/06_activation_normalization_backprop.html", "book/glossary.html", "book/parts/part1.html",
    ],
    "패딩": [
        "chapters/03_padding_stride.html", "chapters/01_why_convolution.html", "chapters/02_convolution.html",
        "chapters/04_pooling.html", "chapters/05_receptive_field_cost.html", "book/glossary.html",
    ],
    "풀링": [
        "chapters/04_pooling.html", "chapters/01_why_convolution.html", "chapters/03_padding_stride.html",
        "chapters/05_receptive_field_cost.html", "chapters/06_activation_normalization_backprop.html",
        "book/glossary.html",
    ],
    "수용 영역": [
        "chapters/05_receptive_field_cost.html", "chapters/01_why_convolution.html",
        "chapters/03_padding_stride.html", "book/glossary.html",
    ],
    "잔차": ["chapters/05_receptive_field_cost.html", "chapters/06_activation_normalization_backprop.html",
             "book/glossary.html", "book/parts/part3.html"],
    "스트라이드": [
        "chapters/03_padding_stride.html", "chapters/02_convolution.html", "chapters/04_pooling.html",
        "chapters/05_receptive_field_cost.html", "book/glossary.html",
    ],
    "배치 정규화": ["chapters/06_activation_normalization_backprop.html", "chapters/05_receptive_field_cost.html",
                "book/glossary.html"],
    # 용어집에는 'ResNet의', 'ResNet이', 'ResNet처럼'만 있습니다.
    "ResNet": ["chapters/03_padding_stride.html", "chapters/04_pooling.html", "chapters/05_receptive_field_cost.html",
               "book/glossary.html", "book/parts/part3.html"],
    # 2장에는 'LeNet이'만 있습니다.
    "LeNet": ["chapters/02_convolution.html", "book/glossary.html"],
    # 4부 소개와 참고문헌에는 'AlexNet을', 'AlexNet과'만 있습니다.
    "AlexNet": ["chapters/05_receptive_field_cost.html", "book/parts/part4.html", "book/references.html"],
    # 3부 소개에는 '매개변수와'만 있습니다.
    "매개변수": ["chapters/02_convolution.html", "chapters/05_receptive_field_cost.html", "book/glossary.html",
             "book/parts/part3.html"],
    # 3부 소개에는 '층을', '층짜리'만 있습니다 (한 글자 검색어).
    "층": ["chapters/05_receptive_field_cost.html", "book/glossary.html", "book/parts/part3.html"],
    "특징 맵": ["chapters/02_convolution.html", "chapters/04_pooling.html", "book/glossary.html"],
    # 2장에는 '퍼셉트론의'만 있습니다.
    "다층 퍼셉트론": ["chapters/01_why_convolution.html", "chapters/02_convolution.html", "book/glossary.html"],
}


# ---------------------------------------------------------------- the rules (no browser)
@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("합성곱은", "합성곱"), ("합성곱을", "합성곱"), ("합성곱의", "합성곱"), ("합성곱에서는", "합성곱"),
        ("합성곱", "합성곱"), ("패딩과", "패딩"), ("풀링이나", "풀링"), ("스트라이드가", "스트라이드"),
        ("필터들을", "필터"), ("층이", "층"), ("층", "층"), ("정규화합니다", "정규화"), ("정규화된", "정규화"),
        ("영역입니다", "영역"), ("결과를", "결과"), ("정도", "정도"), ("제로", "제로"), ("은", "은"),
    ],
)
def test_stem_korean(word, stem):
    assert ks.stem_korean(word) == stem


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("합성곱은 곱해 더합니다.", ["합성곱은", "곱해", "더합니다"]),
        ("ResNet의 잔차 연결", ["ResNet", "잔차", "연결"]),
        ("im2col을 씁니다", ["im2col", "씁니다"]),
        ("3x3 커널(kernel)", ["3x3", "커널", "kernel"]),
        ("VGG16처럼 깊은 망", ["VGG16", "깊은", "망"]),
        ("합성곱ABC", ["합성곱", "ABC"]),
    ],
)
def test_split_korean(text, words):
    assert ks.split_korean(text) == words


def test_search_language_stems_latin_like_english():
    lang = ks.SearchKorean({})
    assert lang.lang == "ko"
    assert [lang.stem(w) for w in ["ResNet", "networks", "Pooling", "합성곱을"]] == ["resnet", "network", "pool", "합성곱"]
    assert not lang.word_filter("the") and lang.word_filter("합")


def test_endings_are_sorted_longest_first():
    # 가장 긴 어미부터 떼야 '에서는'을 '는'만 떼고 멈추지 않습니다 (JS도 같은 순서를 씁니다).
    assert [len(e) for e in ks.ENDINGS] == sorted((len(e) for e in ks.ENDINGS), reverse=True)
    assert all(ks.stem_korean(k) == k for k in ks.KEEP)


def test_config_uses_korean_search():
    config = sh.CONFIG["sphinx"]
    assert config["local_extensions"].get("korean_search") == "book/_ext"
    assert config["config"].get("html_search_language") == "ko"


def _sample_words() -> str:
    """용어집과 1–6장의 마크다운: 수천 개의 실제 낱말."""
    texts = [(ROOT / "book" / "glossary.md").read_text(encoding="utf-8")]
    for path in sorted((ROOT / "chapters").glob("0[1-6]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts += ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    return "\n".join(texts)


def python_query_stems(text: str) -> list[str]:
    lang = ks.SearchKorean({})
    return [lang.stem(w).lower() for w in lang.split(text)]


NODE_SCRIPT = """
const fs = require("fs");
const input = JSON.parse(fs.readFileSync(0, "utf-8"));
eval(input.code);
const stemmer = new Stemmer();
process.stdout.write(JSON.stringify(splitQuery(input.text).map((w) => stemmer.stemWord(w.toLowerCase()))));
"""


def test_javascript_rules_match_python_in_node():
    """같은 글을 Python(색인)과 JavaScript(검색어)로 나누고 어간을 뽑으면 같아야 합니다."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("Node.js가 없습니다 (브라우저 테스트가 빌드된 사이트에서 같은 비교를 합니다)")
    text = _sample_words()
    code = "var stopwords = [];\n" + ks.JS_STEMMER + ks.JS_SPLITTER
    result = subprocess.run([node, "-e", NODE_SCRIPT], input=json.dumps({"code": code, "text": text}),
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    js, py = json.loads(result.stdout), python_query_stems(text)
    assert len(py) > 3000
    differ = [(a, b) for a, b in zip(py, js, strict=False) if a != b][:10]
    assert js == py, f"Python과 JavaScript의 어간이 다릅니다 (Python, JS): {differ} (길이 {len(py)}, {len(js)})"


# ---------------------------------------------------------------- browser helpers
#: 검색 결과가 다 나올 때까지 기다렸다가 (href, 점수, 제목)을 차례대로 돌려줍니다.
SEARCH_JS = r"""
const done = arguments[arguments.length - 1];
const deadline = Date.now() + 30000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const finished = () => {
    const s = document.querySelector("#search-results .search-summary, #search-results p.search-summary");
    return s && s.textContent.trim();
  };
  while (!finished() && Date.now() < deadline) await sleep(50);
  const links = [...document.querySelectorAll("#search-results ul.search li > a")];
  return {
    finished: !!finished(),
    results: links.map((a) => [a.getAttribute("href"), Number(a.dataset.score), a.textContent]),
  };
})().then(done, (e) => done({finished: false, error: String(e), results: []}));
"""


def search(drv, base: str, query: str) -> list[tuple[str, float, str]]:
    """search.html?q=… 의 결과: (페이지, 점수, 제목), 화면에 나온 차례대로, 페이지마다 한 번."""
    drv.get(f"{base}search.html?q={quote(query)}")
    out = drv.execute_async_script(SEARCH_JS)
    assert out["finished"], f"검색이 끝나지 않았습니다: {query!r} {out.get('error', '')}"
    seen, pages = set(), []
    for href, score, title in out["results"]:
        page = href.split("#")[0]
        if page not in seen:
            seen.add(page)
            pages.append((page, score, title))
    return pages


def title_has(title: str, query: str) -> bool:
    """문서 제목(‘문서 > 절’이면 문서 부분)에 검색어의 모든 낱말이 있는지."""
    doc_title = title.split(" > ")[0].lower()
    return all(word.lower() in doc_title for word in query.split())


@pytest.fixture(scope="module")
def chromium() -> tuple[str, str]:
    binary, driver = sh.find_chromium()
    if binary is None or driver is None:
        message = "브라우저 테스트에 필요한 chromium/chromium-driver가 없습니다 (browser tests need chromium)"
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return binary, driver


@pytest.fixture(scope="module")
def browser(chromium, tmp_path_factory):
    drv = sh.start_chromium(*chromium, str(tmp_path_factory.mktemp("chromium-search")))
    yield drv
    drv.quit()


# ---------------------------------------------------------------- a small site: the behaviour itself
MINI_PAGES = {
    "conv": ("합성곱 연산", "합성곱은 작은 커널을 입력 위에서 밀어 가며 곱해 더합니다. 합성곱을 여러 번 쌓습니다."),
    "only": ("다른 주제", "이 페이지는 합성곱을 설명합니다. 합성곱은 곱해 더하는 연산입니다. 패딩을 두기도 합니다."),
    "bare": ("기타", "여기에는 합성곱 한 낱말과 정규화 한 낱말이 있습니다."),
    "batchnorm": ("학습 기법", "배치 정규화를 쓰면 학습이 안정됩니다."),
    "resnet": ("깊은 망", "ResNet의 잔차 연결은 기울기를 흘려 보냅니다."),
    "stride": ("스트라이드", "스트라이드가 2이면 출력이 줄어듭니다."),
}


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("mini-src")
    (src / "conf.py").write_text(
        textwrap.dedent(f"""
            import sys
            sys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})
            extensions = ["korean_search"]
            language = "ko"
            html_search_language = "ko"
            html_theme = "basic"
        """),
        encoding="utf-8",
    )
    (src / "index.rst").write_text("시작\n====\n\n.. toctree::\n\n   " + "\n   ".join(MINI_PAGES) + "\n", encoding="utf-8")
    for name, (title, body) in MINI_PAGES.items():
        (src / f"{name}.rst").write_text(f"{title}\n{'=' * 20}\n\n{body}\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("mini-html")
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(src), str(out)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="module")
def mini_server(mini_site):
    with sh.serve(mini_site) as base:
        yield base


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "must", "must_not", "first"),
    [
        # 'only'에는 '합성곱은'과 '합성곱을'만 있습니다. 'conv'는 문서 제목에 '합성곱'이 있어 맨 앞입니다.
        ("합성곱", {"conv", "only", "bare"}, set(), "conv"),
        ("합성곱을", {"conv", "only", "bare"}, set(), "conv"),
        ("패딩", {"only"}, set(), "only"),  # 두 글자, '패딩을'만 있음
        ("배치 정규화", {"batchnorm"}, {"bare"}, "batchnorm"),  # 'bare'에는 '정규화'만 있음
        ("ResNet", {"resnet"}, set(), "resnet"),  # 'ResNet의'만 있음
        ("스트라이드", {"stride"}, set(), "stride"),
    ],
)
def test_mini_site_search(browser, mini_server, query, must, must_not, first):
    found = [page.removesuffix(".html") for page, _, _ in search(browser, mini_server, query)]
    assert must <= set(found), f"{query!r}: {sorted(must - set(found))}을(를) 찾지 못했습니다 (찾은 것: {found})"
    assert not must_not & set(found), f"{query!r}: 낱말이 다 있지 않은 {sorted(must_not & set(found))}도 찾았습니다"
    assert found[0] == first, f"{query!r}: 맨 앞이 {found[0]}입니다 ({first}이어야 합니다): {found}"


@pytest.mark.browser
def test_built_javascript_matches_python(browser, mini_server):
    """빌드된 language_data.js의 규칙이 색인의 Python 규칙과 같은 어간을 냅니다 (Chromium에서)."""
    browser.get(f"{mini_server}search.html")
    text = _sample_words()
    js = browser.execute_script(
        "const s = new Stemmer(); return splitQuery(arguments[0]).map((w) => s.stemWord(w.toLowerCase()));", text
    )
    assert js == python_query_stems(text)


# ---------------------------------------------------------------- the book's site
@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    try:
        return sh.build_site(tmp_path_factory.mktemp("site") / "build.log")
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="module")
def server(site):
    with sh.serve(site) as base:
        yield base


@pytest.fixture(scope="module")
def book_results(browser, server, site) -> dict[str, list[tuple[str, float, str]]]:
    """QUERIES의 검색어마다 책 사이트의 검색 결과. 표를 _build/search-report.txt에 씁니다."""
    results, t0 = {}, time.monotonic()
    for query in QUERIES:
        results[query] = search(browser, server, query)
    lines = [f"검색 결과 표 (tests/test_search.py) — {site} — {time.strftime('%Y-%m-%d %H:%M:%S')}",
             f"검색어 {len(QUERIES)}개, {time.monotonic() - t0:.1f}초. 표시: * 반드시 찾아야 할 페이지, ! 찾지 못함", ""]
    for query, found in results.items():
        pages = [p for p, _, _ in found]
        missing = [p for p in QUERIES[query] if p not in pages]
        shown = [("*" if p in QUERIES[query] else "") + p.removesuffix(".html").split("/")[-1] for p in pages]
        lines.append(f"{query}: {len(pages)}쪽 — " + ", ".join(shown)
                     + (f"  ! 못 찾음: {', '.join(m.removesuffix('.html') for m in missing)}" if missing else ""))
    SEARCH_REPORT.parent.mkdir(parents=True, exist_ok=True)
    SEARCH_REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return results


def test_queries_are_enough():
    assert len(QUERIES) >= 10
    assert {"합성곱", "패딩", "풀링", "수용 영역", "잔차", "스트라이드", "배치 정규화", "ResNet"} <= set(QUERIES)


@pytest.mark.browser
@pytest.mark.parametrize("query", list(QUERIES))
def test_book_search_finds_pages(book_results, site, query):
    pages = [p for p, _, _ in book_results[query]]
    expected = [p for p in QUERIES[query] if (site / p).is_file()]
    assert expected, f"{query!r}: 찾아야 할 페이지가 사이트에 없습니다"
    missing = [p for p in expected if p not in pages]
    assert not missing, f"{query!r}: {missing}을(를) 찾지 못했습니다. 찾은 것: {pages}"


@pytest.mark.browser
@pytest.mark.parametrize("query", list(QUERIES))
def test_book_search_ranks_title_pages_first(book_results, query):
    """문서 제목에 검색어의 낱말이 모두 있는 페이지가 그렇지 않은 페이지보다 앞에 옵니다."""
    flags = [title_has(title, query) for _, _, title in book_results[query]]
    if any(flags):
        first_other = flags.index(False) if False in flags else len(flags)
        assert all(flags[:first_other]) and not any(flags[first_other:]), (
            f"{query!r}: 제목에 검색어가 있는 페이지가 뒤에 있습니다: {[t for _, _, t in book_results[query]]}"
        )
