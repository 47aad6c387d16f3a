"""The book's structure: table of contents, chapter notebooks, exercises, glossary, citations, config.

Fast and static: nothing is executed. Notebooks are read as JSON.
"""

from __future__ import annotations

import json
import re
import sys
from functools import cache
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))

REQUIRED_BIB_KEYS = (
    "lecun1998 krizhevsky2012 zeiler2014 simonyan2014 lin2013 szegedy2015 ioffe2015 he2016 huang2017 "
    "howard2017 sandler2018 hu2018 tan2019"
).split()
LOCAL_PATHS = ("/work/", "/root/", "/home/", "C:\\")
CHECK_OUTPUT_TAG = "nbval-check-output"
MIN_EXERCISES = 4
MIN_GLOSSARY_TERMS = 30


# ---------------------------------------------------------------- helpers
def toc_entries(node=TOC) -> list[str]:
    """Every ``file:`` (and the ``root:``) in _toc.yml, in order."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("root", "file") and isinstance(value, str):
                found.append(value)
            else:
                found += toc_entries(value)
    elif isinstance(node, list):
        for item in node:
            found += toc_entries(item)
    return found


def resolve(entry: str) -> Path | None:
    for suffix in ("", ".md", ".ipynb"):
        path = ROOT / f"{entry}{suffix}"
        if path.is_file():
            return path
    return None


def _chapter_ids() -> list[str]:
    """Chapters listed in the TOC plus chapter notebooks on disk (so that neither can hide)."""
    listed = {e.removesuffix(".ipynb") for e in toc_entries() if e.startswith("chapters/")}
    on_disk = {f"chapters/{p.stem}" for p in (ROOT / "chapters").glob("*.ipynb")}
    return sorted(listed | on_disk)


def _book_notebook_ids() -> list[str]:
    """Notebook pages outside chapters/ (e.g. the appendix book/model_comparison.ipynb), on disk or in the TOC."""
    listed = {e.removesuffix(".ipynb") for e in toc_entries()
              if e.startswith("book/") and resolve(e) is not None and resolve(e).suffix == ".ipynb"}
    on_disk = {f"book/{p.stem}" for p in (ROOT / "book").glob("*.ipynb")}
    return sorted(listed | on_disk)


CHAPTERS = _chapter_ids()
chapter_param = pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.split("/")[-1] for c in CHAPTERS])
# 연습문제를 뺀 노트북 위생 규칙(설치 셀, 프로필 줄, 저장된 출력, 제목, 용어)은 부록 노트북에도 적용합니다.
NOTEBOOKS = CHAPTERS + _book_notebook_ids()
notebook_param = pytest.mark.parametrize("chapter", NOTEBOOKS, ids=[c.split("/")[-1] for c in NOTEBOOKS])


@cache
def _read_notebook(chapter: str) -> dict:
    return json.loads((ROOT / f"{chapter}.ipynb").read_text(encoding="utf-8"))


def notebook(chapter: str) -> dict:
    path = ROOT / f"{chapter}.ipynb"
    if not path.is_file():
        pytest.fail(f"{chapter}.ipynb is listed in _toc.yml but does not exist")
    return _read_notebook(chapter)


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def code_cells(nb: dict) -> list[tuple[int, dict]]:
    return [(i, c) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]


def markdown(nb: dict) -> str:
    return "\n\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")


def chapter_number(chapter: str) -> int:
    m = re.match(r"(\d+)_", chapter.split("/")[-1])
    assert m, f"chapter file name should start with its number: {chapter}"
    return int(m.group(1))


def code_without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def book_pages() -> list[Path]:
    pages = (ROOT / "book").rglob("*.md")
    return sorted(p for p in pages if "vendor" not in p.relative_to(ROOT / "book").parts)


def all_text_sources() -> list[tuple[str, str]]:
    """(name, MyST text) of every chapter's markdown cells and every book/*.md page."""
    out = [(f"{c}.ipynb", markdown(_read_notebook(c))) for c in CHAPTERS if (ROOT / f"{c}.ipynb").is_file()]
    out += [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in book_pages()]
    return out


# ---- MyST directives: ```{name} arg / :::{name} arg, then :key: value options or a --- YAML block
OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|:{3,}|~{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>.*)$")
OPTION = re.compile(r"^[ \t]*:(?P<key>[\w-]+):[ \t]*(?P<value>.*)$")


def directives(text: str) -> list[dict]:
    lines = text.splitlines()
    found = []
    for i, line in enumerate(lines):
        m = OPEN.match(line)
        if not m:
            continue
        options, j = {}, i + 1
        if j < len(lines) and lines[j].strip() == "---":  # YAML options block
            end = next((k for k in range(j + 1, len(lines)) if lines[k].strip() == "---"), None)
            if end is not None:
                loaded = yaml.safe_load("\n".join(lines[j + 1 : end])) or {}
                options = {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
                j = end + 1
        while j < len(lines) and (o := OPTION.match(lines[j])):
            options[o["key"]] = o["value"].strip()
            j += 1
        body = []
        closing = re.compile(rf"^[ \t]*{re.escape(m['fence'][0])}{{{len(m['fence'])},}}[ \t]*$")
        for k in range(j, len(lines)):
            if closing.match(lines[k]):
                break
            body.append(lines[k])
        found.append({"name": m["name"], "arg": m["arg"].strip(), "options": options, "body": body})
    return found


CITE = r"\{cite(?::[a-z]+)?\}`([^`]+)`"


def roles(text: str, name: str) -> list[str]:
    return re.findall(rf"\{{{name}\}}`([^`]+)`", text)


def term_target(role_text: str) -> str:
    m = re.match(r"^(.*?)\s*<([^<>]+)>\s*$", role_text, re.S)
    return normalize_term(m.group(2) if m else role_text)


def normalize_term(term: str) -> str:
    return " ".join(term.split()).lower()


@cache
def glossary_entries() -> tuple[tuple[str, ...], ...]:
    """Entries of the {glossary} directive in book/glossary.md; each entry is a tuple of its terms."""
    path = ROOT / "book" / "glossary.md"
    if not path.is_file():
        pytest.fail("book/glossary.md does not exist")
    blocks = [d for d in directives(path.read_text(encoding="utf-8")) if d["name"] == "glossary"]
    assert blocks, "book/glossary.md has no {glossary} directive (the {term} role needs one)"
    entries, current = [], []
    for block in blocks:
        for line in block["body"]:
            if not line.strip() or OPTION.match(line):
                if current:
                    entries.append(tuple(current))
                    current = []
                continue
            if line[0] in " \t":  # definition text
                if current:
                    entries.append(tuple(current))
                    current = []
                continue
            current.append(normalize_term(line.split(" : ")[0]))
        if current:
            entries.append(tuple(current))
            current = []
    return tuple(entries)


@cache
def bib_keys() -> frozenset[str]:
    path = ROOT / "book" / "references.bib"
    if not path.is_file():
        pytest.fail("book/references.bib does not exist")
    text = path.read_text(encoding="utf-8")
    keys = re.findall(r"^\s*@(?!comment|string|preamble)\w+\s*[{(]\s*([^,\s]+)\s*,", text, re.M | re.I)
    return frozenset(keys)


# ---------------------------------------------------------------- table of contents
@pytest.mark.parametrize("entry", toc_entries())
def test_toc_entry_exists(entry):
    assert resolve(entry) is not None, f"_toc.yml lists {entry}, but no {entry}.md or {entry}.ipynb exists"


def test_toc_entries_are_unique():
    entries = [e.removesuffix(".md").removesuffix(".ipynb") for e in toc_entries()]
    assert len(entries) == len(set(entries))


def test_every_chapter_notebook_is_in_toc():
    listed = {e.removesuffix(".ipynb") for e in toc_entries()}
    missing = [p.name for p in sorted((ROOT / "chapters").glob("*.ipynb")) if f"chapters/{p.stem}" not in listed]
    missing += [f"book/{p.name}" for p in sorted((ROOT / "book").glob("*.ipynb")) if f"book/{p.stem}" not in listed]
    assert not missing, f"notebooks missing from _toc.yml: {missing}"


def test_there_are_chapters():
    assert CHAPTERS, "no chapter notebooks in _toc.yml or chapters/"


def test_four_parts_in_order():
    captions = [part.get("caption", "") for part in TOC.get("parts", [])]
    positions = []
    for numeral in ("I", "II", "III", "IV"):
        hits = [i for i, c in enumerate(captions) if c.startswith(f"{numeral}. ")]
        assert len(hits) == 1, f"expected one part caption starting with '{numeral}. ': {captions}"
        positions.append(hits[0])
    assert positions == sorted(positions)


def test_chapters_sit_in_their_parts_in_number_order():
    numbers = [chapter_number(e) for e in toc_entries() if e.startswith("chapters/")]
    assert numbers == sorted(numbers) and len(numbers) == len(set(numbers))


# ---------------------------------------------------------------- chapter notebooks
@notebook_param
def test_notebook_is_valid_nbformat(chapter):
    notebook(chapter)
    nb = nbformat.read(ROOT / f"{chapter}.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("language", "python") == "python"


@notebook_param
def test_install_cell_url_matches_config(chapter):
    nb = notebook(chapter)
    expected = CONFIG["repository"]["url"]
    # `%pip install git+URL` or `subprocess.check_call([..., "pip", "install", "cnnlib @ git+URL"])`
    installs = [(i, source(c)) for i, c in code_cells(nb)
                if re.search(r"\bpip\b", source(c)) and "install" in source(c) and "git+" in source(c)]
    assert installs, "no install cell (pip install ... git+<repository url>)"
    for i, src in installs:
        urls = re.findall(r"git\+(https?://[^\s\"'#@]+)", src)
        assert urls, f"cell {i}: no git+https URL in {src!r}"
        for url in urls:
            assert url == expected, f"cell {i}: install URL {url} differs from _config.yml repository.url {expected}"
    setup = [i for i, c in code_cells(nb) if re.search(r"\bcnnlib\.setup\(", code_without_comments(source(c)))]
    if setup:
        assert installs[0][0] <= setup[0], "the install cell must come before cnnlib.setup()"


@notebook_param
def test_chapter_calls_setup(chapter):
    nb = notebook(chapter)
    calls = [i for i, c in code_cells(nb) if re.search(r"\bcnnlib\.setup\(", code_without_comments(source(c)))]
    assert calls, "no code cell calls cnnlib.setup() (it prints the run profile)"


@notebook_param
def test_outputs_only_in_check_output_cells(chapter):
    nb = notebook(chapter)
    problems = []
    for i, cell in code_cells(nb):
        tags = cell.get("metadata", {}).get("tags", [])
        first_line = source(cell).strip().splitlines()[0][:60] if source(cell).strip() else ""
        if CHECK_OUTPUT_TAG in tags and not cell.get("outputs"):
            problems.append(f"cell {i} is tagged {CHECK_OUTPUT_TAG} but stores no output: {first_line}")
        if CHECK_OUTPUT_TAG not in tags and cell.get("outputs"):
            problems.append(f"cell {i} stores output but is not tagged {CHECK_OUTPUT_TAG}: {first_line}")
    assert not problems, "\n".join(problems)


@notebook_param
def test_no_absolute_local_paths(chapter):
    nb = notebook(chapter)
    hits = [(i, p) for i, c in enumerate(nb["cells"]) for p in LOCAL_PATHS if p in source(c)]
    assert not hits, f"absolute local paths (cell, path): {hits}"


@notebook_param
def test_chapter_starts_with_one_title(chapter):
    """One H1 title first and no skipped heading levels (myst warns; the -W build fails)."""
    levels, fence = [], None
    for line in markdown(notebook(chapter)).splitlines():
        m = re.match(r"^\s*(`{3,}|~{3,})(.*)$", line)
        if m:
            if fence is None and not m.group(2).strip().startswith("{"):
                fence = m.group(1)
            elif fence is not None and line.strip().startswith(fence) and not m.group(2).strip():
                fence = None
            continue
        if fence is None and (h := re.match(r"^(#{1,6})\s+\S", line)):
            levels.append(len(h.group(1)))
    assert levels and levels[0] == 1, f"the first heading must be an H1 title, got levels {levels[:3]}"
    assert levels.count(1) == 1, "exactly one H1 title per chapter"
    jumps = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert not jumps, f"heading levels skip: {jumps}"


# ---------------------------------------------------------------- exercises
@chapter_param
def test_exercises_have_solutions_and_checkers(chapter):
    from cnnlib import check

    found = directives(markdown(notebook(chapter)))
    exercises = [d for d in found if d["name"] in ("exercise", "exercise-start")]
    solutions = [d for d in found if d["name"] in ("solution", "solution-start")]
    assert len(exercises) >= MIN_EXERCISES, f"{len(exercises)} exercises, expected at least {MIN_EXERCISES}"
    labels = [d["options"].get("label", "") for d in exercises]
    assert len(labels) == len(set(labels)), f"duplicate exercise labels: {labels}"
    number = chapter_number(chapter)
    problems = []
    for label in labels:
        m = re.fullmatch(r"ex(\d+)-(\d+)", label)
        if not m:
            problems.append(f"exercise label {label!r} is not exN-M")
            continue
        if int(m.group(1)) != number:
            problems.append(f"exercise label {label} does not carry the chapter number {number}")
        matching = [s for s in solutions if s["arg"] == label]
        if len(matching) != 1:
            problems.append(f"{label}: {len(matching)} solutions, expected one")
        elif "dropdown" not in matching[0]["options"].get("class", "").split():
            problems.append(f"{label}: solution is not ':class: dropdown'")
        func = f"ex{m.group(1)}_{m.group(2)}"
        if not callable(getattr(check, func, None)):
            problems.append(f"{label}: cnnlib.check has no function {func}")
    orphans = [s["arg"] for s in solutions if s["arg"] not in labels]
    if orphans:
        problems.append(f"solutions for unknown exercises: {orphans}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- glossary
def test_glossary_has_enough_terms():
    entries = glossary_entries()
    terms = [t for entry in entries for t in entry]
    assert len(entries) >= MIN_GLOSSARY_TERMS, f"{len(entries)} glossary entries, expected {MIN_GLOSSARY_TERMS}+"
    assert len(terms) == len(set(terms)), "a glossary term is defined twice"


@notebook_param
def test_chapter_terms_are_in_glossary(chapter):
    known = {t for entry in glossary_entries() for t in entry}
    used = {term_target(r) for r in roles(markdown(notebook(chapter)), "term")}
    missing = sorted(used - known)
    assert not missing, f"{{term}} targets missing from book/glossary.md: {missing}"


def test_book_page_terms_are_in_glossary():
    known = {t for entry in glossary_entries() for t in entry}
    missing = [(p.name, term_target(r)) for p in book_pages() for r in roles(p.read_text(encoding="utf-8"), "term")
               if term_target(r) not in known]
    assert not missing, f"{{term}} targets missing from book/glossary.md: {missing}"


# ---------------------------------------------------------------- references
def test_bib_has_required_keys():
    missing = sorted(set(REQUIRED_BIB_KEYS) - bib_keys())
    assert not missing, f"book/references.bib lacks {missing}"


def test_bibfiles_in_config_exist():
    for bib in CONFIG.get("bibtex_bibfiles", []):
        assert (ROOT / bib).is_file(), bib


def test_references_page_has_bibliography():
    page = ROOT / "book" / "references.md"
    assert page.is_file(), "book/references.md does not exist"
    assert any(d["name"] == "bibliography" for d in directives(page.read_text(encoding="utf-8")))


def test_every_cite_key_is_in_bib():
    keys = bib_keys()
    missing = []
    for name, text in all_text_sources():
        for role in re.findall(CITE, text):
            missing += [(name, k.strip()) for k in role.split(",") if k.strip() not in keys]
    assert not missing, f"(file, key) cited but not in book/references.bib: {missing}"


# ---------------------------------------------------------------- configuration
def test_config_language_is_korean():
    assert CONFIG["sphinx"]["config"]["language"] == "ko"
    assert "language" not in CONFIG  # a top-level language is silently ignored


def test_config_execution():
    execute = CONFIG["execute"]
    assert execute["execute_notebooks"] == "cache"
    assert execute["stderr_output"] in ("warn", "error", "severe")
    assert execute.get("allow_errors", False) is False


def test_config_launch_buttons_and_repository():
    assert CONFIG["launch_buttons"]["colab_url"].startswith("https://colab.research.google.com")
    url = CONFIG["repository"]["url"]
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url), url
    assert not url.endswith(".git")


def test_config_extensions():
    extensions = CONFIG["sphinx"]["extra_extensions"]
    assert "sphinx_exercise" in extensions
    # Jupyter Book이 이미 켜는 확장은 다시 넣지 않습니다 (설정이 두 군데 생깁니다).
    # 인라인 스크립트가 두 번 들어가는 것은 Sphinx 7.4의 문제로, book/_ext/dedupe_js.py가 막습니다.
    local = CONFIG["sphinx"]["local_extensions"]
    assert local.get("dedupe_js") == "book/_ext"
    # 한국어 검색(korean_search)과 실행 단추 정리(launch_ipynb_only)도 book/_ext의 파일입니다.
    assert {"korean_search", "launch_ipynb_only"} <= set(local)
    assert all((ROOT / folder / f"{name}.py").is_file() for name, folder in local.items()), local
    assert not {"sphinx_togglebutton", "sphinx_design"} & set(extensions)
    assert "colon_fence" in CONFIG["parse"]["myst_enable_extensions"]


def test_build_folder_is_not_collected(pytestconfig):
    # the settings pytest really uses (from pyproject.toml)
    assert "_build" in pytestconfig.getini("norecursedirs")
    assert set(pytestconfig.getini("testpaths")) == {"tests", "chapters", "book/model_comparison.ipynb"}
    assert "_build" in CONFIG["exclude_patterns"]


# ---------------------------------------------------------------- the parsers above, on a known sample
SAMPLE = """
# 제목

```{exercise} 출력 크기
:label: ex3-1

{term}`합성곱 <Convolution>`과 {term}`패딩`을 씁니다 {cite:p}`lecun1998,he2016`.
```

````{solution} ex3-1
:class: dropdown

```python
print(1)
```
````

:::{exercise}
---
label: ex3-2
---
둘째 문제
:::

```{glossary}
:sorted:

합성곱
convolution
  정의 한 줄.

패딩 : 기법
  정의.
```
"""


def test_parsers_on_sample():
    found = directives(SAMPLE)
    assert [(d["name"], d["arg"]) for d in found] == [
        ("exercise", "출력 크기"), ("solution", "ex3-1"), ("exercise", ""), ("glossary", "")]
    assert found[0]["options"] == {"label": "ex3-1"}
    assert found[1]["options"] == {"class": "dropdown"} and "print(1)" in found[1]["body"]
    assert found[2]["options"] == {"label": "ex3-2"} and found[2]["body"] == ["둘째 문제"]
    assert [term_target(r) for r in roles(SAMPLE, "term")] == ["convolution", "패딩"]
    assert re.findall(CITE, SAMPLE) == ["lecun1998,he2016"]
    assert found[3]["options"] == {"sorted": ""}


def test_glossary_parser_on_sample(monkeypatch, tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "glossary.md").write_text(SAMPLE, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    glossary_entries.cache_clear()
    try:
        assert glossary_entries() == (("합성곱", "convolution"), ("패딩",))
    finally:
        glossary_entries.cache_clear()


def test_math_and_widget_js_are_served_by_the_site():
    """수식(MathJax)과 위젯 JS는 CDN이 아니라 book/vendor/site 에서 나옵니다 (인터넷 없이 동작)."""
    config = CONFIG["sphinx"]["config"]
    site = ROOT / "book" / "vendor" / "site"
    paths = [config["mathjax_path"], *config["nb_ipywidgets_js"]]
    for path in paths:
        assert not path.startswith(("http://", "https://", "//")), path
        # 경로는 _static/ 기준이므로 "../" 를 떼면 사이트 맨 위 기준이 됩니다.
        assert path.startswith("../vendor/"), path
        assert (site / path.removeprefix("../")).is_file(), f"{path}가 book/vendor/site 에 없습니다"
    assert "https://" not in (ROOT / "_config.yml").read_text(encoding="utf-8").split("repository:")[0]
