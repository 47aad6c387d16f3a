"""용어집(book/glossary.md)이 용어의 유일한 출처인지, 그리고 책이 '쓰지 않는 말'을 쓰지 않는지 검사합니다.

용어집의 항목 형식 (chapters/README.md의 Glossary 문단에도 있습니다)::

    합성곱
      convolution. 작은 가중치 배열을 … 연산입니다.

      쓰지 않는 말: 컨볼루션, 콘볼루션, 콘벌루션

린트는 각 용어의 '쓰지 않는 말'을 장 노트북(``chapters/*.ipynb``: 마크다운 셀, 코드 셀의 주석과
문자열), ``book/**/*.md``, ``README.md``, ``chapters/README.md``에서 찾아 ``파일:줄``(노트북은
``파일:cellN:줄``, N은 0부터 센 셀 번호)과 바꿀 용어를 알려 주며 실패합니다. 다음은 허용합니다.

* 용어 바로 뒤 괄호 안: ``합성곱(컨볼루션)``, ``층 (not 레이어)``
* 마크다운에서 따옴표('…', "…", ‘…’, “…”) 안: 원문을 그대로 옮길 때
* '쓰지 않는 말:' 줄 자체

변형어는 낱말의 처음에서만 셉니다: ``파라미터``는 ``하이퍼파라미터`` 안에서 걸리지 않습니다.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "book" / "glossary.md"
VARIANTS_LABEL = "쓰지 않는 말:"
MIN_TERMS = 60

#: 변형어 앞에 이 글자가 있으면 낱말 중간이므로 세지 않습니다 (한글 음절, 로마자, 숫자).
#: 마크다운에서 원문 인용으로 보는 따옴표 쌍 (한 문단 안에서만).
QUOTED = re.compile(r"'[^'\n]*(?:\n[^'\n]*)*?'|\"[^\"]*\"|‘[^’]*’|“[^”]*”")
OPENING, CLOSING = "(（", ")）"


# ---------------------------------------------------------------- glossary
@dataclass
class Entry:
    term: str
    english: str
    definition: str
    variants: list[str] = field(default_factory=list)
    line: int = 0


def parse_glossary(text: str) -> list[Entry]:
    """```{glossary} 블록 안의 항목을 차례로 읽습니다 (용어 줄 = 블록 안에서 들여 쓰지 않은 줄)."""
    entries: list[Entry] = []
    bodies: list[list[str]] = []
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            inside = line.startswith("```{glossary}")
        elif inside and line and not line[0].isspace():
            entries.append(Entry(line.strip(), "", "", [], number))
            bodies.append([])
        elif inside and entries and line.strip():
            bodies[-1].append(line.strip())
    for entry, body in zip(entries, bodies, strict=True):
        first, *rest = body or [""]
        entry.english, _, definition = first.partition(". ")
        entry.definition = " ".join([definition] + [ln for ln in rest if not ln.startswith(VARIANTS_LABEL)])
        for ln in rest:
            if ln.startswith(VARIANTS_LABEL):
                entry.variants += [v.strip() for v in ln[len(VARIANTS_LABEL):].split(",") if v.strip()]
    return entries


@pytest.fixture(scope="module")
def glossary() -> list[Entry]:
    return parse_glossary(GLOSSARY.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- lint
@dataclass
class Finding:
    where: str
    variant: str
    term: str
    text: str

    def __str__(self):
        return f"{self.where}: '{self.variant}' → '{self.term}' 로 쓰세요: {self.text.strip()[:100]}"


def _blank_variant_lines(text: str) -> str:
    """'쓰지 않는 말:' 줄을 같은 길이의 공백으로 바꿉니다 (위치와 줄 번호는 그대로)."""
    return re.sub(rf"^[ \t]*{VARIANTS_LABEL}.*$", lambda m: " " * len(m.group(0)), text, flags=re.M)


def _paragraph_start(text: str, pos: int) -> int:
    """``pos``가 든 문단(빈 줄로 나뉜 덩어리)의 시작 위치."""
    starts = [m.end() for m in re.finditer(r"\n[ \t]*\n", text[:pos])]
    return starts[-1] if starts else 0


def _inside_parentheses_after(text: str, pos: int, term: str) -> bool:
    """``pos``가 '용어(…)'처럼 용어 바로 뒤의 괄호 안에 있으면 True."""
    depth = 0
    for i in range(pos - 1, _paragraph_start(text, pos) - 1, -1):
        ch = text[i]
        if ch in CLOSING:
            depth += 1
        elif ch in OPENING:
            if depth == 0:
                before = text[:i].rstrip().rstrip("`*_").rstrip()
                return before.endswith(term)
            depth -= 1
    return False


def _inside_quotes(text: str, pos: int) -> bool:
    start = _paragraph_start(text, pos)
    end = text.find("\n\n", pos)
    paragraph = text[start : len(text) if end < 0 else end]
    return any(m.start() < pos - start < m.end() for m in QUOTED.finditer(paragraph))


WORD_CHAR = re.compile(r"[가-힣A-Za-z0-9]")


def _part_of_a_term(text: str, pos: int, variant: str, glossary: list[Entry]) -> bool:
    """``pos``의 ``variant``가 용어집의 다른 용어(예: 하이퍼파라미터 안의 파라미터)의 일부인지.

    낱말 중간의 변형도 찾습니다(디컨볼루션 안의 컨볼루션). 다만 그 낱말이 이 책이 쓰는 용어라면 괜찮습니다.
    """
    for entry in glossary:
        start = entry.term.find(variant)
        if start >= 0 and entry.term != variant and text.startswith(entry.term, pos - start):
            return True
    return False


def lint_text(text: str, glossary: list[Entry], where: str, *, markdown: bool = True) -> list[Finding]:
    """``text``에서 쓰지 않는 말을 찾습니다. ``where``는 위치 이름(줄 번호가 붙습니다)."""
    text = _blank_variant_lines(text)
    lines = text.splitlines()
    findings = []
    for entry in glossary:
        for variant in entry.variants:
            for m in re.finditer(re.escape(variant), text):
                pos = m.start()
                if pos > 0 and WORD_CHAR.match(text[pos - 1]) and (
                        len(variant) < 3 or _part_of_a_term(text, pos, variant, glossary)):
                    # 낱말 중간: 두 글자 변형은 흔한 낱말의 일부일 때가 많아(시스템 안의 스템) 보지 않고, 세 글자
                    # 이상이면 찾되(디컨볼루션 안의 컨볼루션) 이 책의 용어의 일부(하이퍼파라미터 안의 파라미터)면 괜찮습니다.
                    continue
                if _inside_parentheses_after(text, pos, entry.term):
                    continue
                if markdown and _inside_quotes(text, pos):
                    continue
                line = text.count("\n", 0, pos) + 1
                findings.append(Finding(f"{where}:{line}", variant, entry.term, lines[line - 1]))
    return sorted(findings, key=lambda f: f.where)


def scanned_files() -> list[Path]:
    files = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "book").glob("*.ipynb"))
    files += sorted(p for p in (ROOT / "book").rglob("*.md") if "vendor" not in p.relative_to(ROOT).parts)
    files += [ROOT / "README.md", ROOT / "chapters" / "README.md"]
    return [f for f in files if f.is_file()]


def lint_file(path: Path, glossary: list[Entry], root: Path = ROOT) -> list[Finding]:
    name = path.relative_to(root).as_posix()
    if path.suffix != ".ipynb":
        return lint_text(path.read_text(encoding="utf-8"), glossary, name)
    notebook = json.loads(path.read_text(encoding="utf-8"))
    findings = []
    for index, cell in enumerate(notebook["cells"]):
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        findings += lint_text(source, glossary, f"{name}:cell{index}", markdown=cell["cell_type"] == "markdown")
    return findings


# ---------------------------------------------------------------- tests of the glossary itself
def test_glossary_has_enough_terms(glossary):
    assert len(glossary) >= MIN_TERMS, f"용어집 용어 {len(glossary)}개 (최소 {MIN_TERMS}개)"


def test_every_term_has_english_original_and_definition(glossary):
    bad = [
        f"book/glossary.md:{e.line} {e.term}: 영어 원어 {e.english!r}, 정의 {e.definition[:30]!r}"
        for e in glossary
        if not re.match(r"^[A-Za-z0-9]", e.english) or not re.search(r"[가-힣]", e.definition)
    ]
    assert not bad, "영어 원어('english. 정의…')나 한국어 정의가 없는 항목:\n" + "\n".join(bad)


def test_terms_are_unique(glossary):
    terms = [e.term for e in glossary]
    duplicated = sorted({t for t in terms if terms.count(t) > 1})
    assert not duplicated, f"용어집에 두 번 나오는 용어: {duplicated}"


def test_variants_are_well_formed(glossary):
    terms = {e.term for e in glossary}
    owner: dict[str, str] = {}
    problems = []
    for e in glossary:
        for v in e.variants:
            if v in terms:
                problems.append(f"{e.term}: 쓰지 않는 말 '{v}'이(가) 용어집의 용어입니다")
            if v in owner:
                problems.append(f"'{v}'이(가) '{owner[v]}'와 '{e.term}' 두 곳에 있습니다")
            if e.term.startswith(v):
                problems.append(f"{e.term}: 쓰지 않는 말 '{v}'이(가) 용어 자신의 앞부분입니다")
            owner[v] = e.term
    assert not problems, "\n".join(problems)
    assert len(owner) >= 40, f"쓰지 않는 말이 {len(owner)}개뿐입니다"
    for term, variant in [("합성곱", "컨볼루션"), ("합성곱", "콘벌루션"), ("LeNet", "르넷"), ("매개변수", "파라미터"),
                          ("학습", "교육")]:
        assert owner.get(variant) == term, f"'{variant}' → '{term}'가 용어집에 없습니다"


def test_parse_glossary_reads_format():
    text = (
        "# 용어집\n\n```{glossary}\n합성곱\n  convolution. 밀어 가며 곱해 더합니다.\n  둘째 줄입니다.\n\n"
        "  쓰지 않는 말: 컨볼루션, 콘벌루션\n\n풀링\n  pooling. 요약합니다.\n```\n\n```{glossary}\nReLU\n"
        "  rectified linear unit. $\\max(0, z)$입니다.\n```\n"
    )
    entries = parse_glossary(text)
    assert [(e.term, e.english, e.variants, e.line) for e in entries] == [
        ("합성곱", "convolution", ["컨볼루션", "콘벌루션"], 4),
        ("풀링", "pooling", [], 10),
        ("ReLU", "rectified linear unit", [], 15),
    ]
    assert entries[0].definition == "밀어 가며 곱해 더합니다. 둘째 줄입니다."


# ---------------------------------------------------------------- tests of the lint
SAMPLE = [Entry("합성곱", "convolution", "…", ["컨볼루션", "콘벌루션"]), Entry("매개변수", "parameter", "…", ["파라미터"]),
          Entry("층", "layer", "…", ["레이어"]), Entry("LeNet", "LeNet-5", "…", ["르넷"]),
          Entry("하이퍼파라미터", "hyperparameter", "…", []), Entry("줄기", "stem", "…", ["스템"])]


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("컨볼루션은 곱해 더합니다.", ["컨볼루션"]),
        ("첫 줄\n둘째 줄의 콘벌루션을 봅니다.", ["콘벌루션"]),
        ("르넷과 파라미터", ["르넷", "파라미터"]),
        ("합성곱(컨볼루션)은 곱해 더합니다.", []),
        ("{term}`합성곱`(convolution, 컨볼루션)", []),
        ("층 (not\n  레이어)", []),
        ("필터(컨볼루션 커널)", ["컨볼루션"]),  # 괄호 앞이 용어가 아닙니다
        ("합성곱 층(레이어)", []),  # 괄호 바로 앞이 '층'으로 끝납니다
        ("노트에는 '컨볼루션 레이어'라고 적혀 있습니다.", []),
        ("노트에는 \"파라미터가 없는\n단순한 연산\"이라고 적혀 있습니다.", []),
        ("“르넷”이라고 씁니다", []),
        ("하이퍼파라미터는 사람이 정합니다.", []),
        ("ZFNet의 디컨볼루션 네트워크", ["컨볼루션"]),  # 낱말 중간의 세 글자 이상 변형도 찾습니다 (이슈 #19)
        ("이 시스템은 줄기가 없습니다", []),  # 두 글자 변형(스템)은 낱말 중간이면 보지 않습니다
        ("  쓰지 않는 말: 컨볼루션, 콘벌루션", []),
        ("'열린 따옴표\n\n컨볼루션'", ["컨볼루션"]),  # 따옴표는 문단을 넘지 않습니다
    ],
)
def test_lint_text(text, flagged):
    found = [f.variant for f in lint_text(text, SAMPLE, "x.md")]
    assert sorted(found) == sorted(flagged), (text, found)


def test_lint_reports_line_and_term():
    (finding,) = lint_text("첫 줄\n\n셋째 줄에 컨볼루션이 있습니다.", SAMPLE, "book/x.md")
    assert finding.where == "book/x.md:3" and finding.term == "합성곱"
    assert "book/x.md:3" in str(finding) and "'컨볼루션' → '합성곱'" in str(finding)


def test_lint_code_cells_ignore_quotes(tmp_path):
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# 제목\n", "'컨볼루션'은 인용입니다."]},
            {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
             "source": ["x = 1\n", "# 파라미터 수\n", "print(\"르넷\")"]},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    found = sorted((f.where, f.variant) for f in lint_file(path, SAMPLE, root=tmp_path))
    assert found == [("nb.ipynb:cell1:2", "파라미터"), ("nb.ipynb:cell1:3", "르넷")]


# ---------------------------------------------------------------- the lint over the book
def test_scanned_files_cover_the_book():
    names = {p.relative_to(ROOT).as_posix() for p in scanned_files()}
    assert {"book/glossary.md", "book/setup.md", "README.md", "chapters/README.md"} <= names
    assert sum(n.endswith(".ipynb") for n in names) >= 6


def test_book_uses_no_banned_variants(glossary):
    findings = [f for path in scanned_files() for f in lint_file(path, glossary)]
    assert not findings, (
        f"용어집(book/glossary.md)의 '쓰지 않는 말' {len(findings)}곳. 용어로 바꾸거나, 원문 인용이면 따옴표로 감싸세요:\n"
        + "\n".join(map(str, findings))
    )
