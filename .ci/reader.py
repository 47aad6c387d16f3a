"""읽기용 판(reader edition): 장 노트북을 Colab·JupyterLab에서 그대로 읽히는 노트북으로 바꿉니다.

장 노트북(``chapters/*.ipynb``, 부록 ``book/model_comparison.ipynb``)은 웹사이트 빌드를 위한 소스라
MyST 문법(``{glue:text}`` 값 자리, ``{term}``·``{numref}``·``{doc}``·``{cite}`` 역할, ``{exercise}``·
``{solution}``·``{note}`` 지시문)과 숨은 검사 셀(태그 ``remove-cell``)이 들어 있습니다. 이 스크립트는
웹사이트 빌드가 끝난 뒤 그 빌드의 결과를 읽어, 목차의 노트북마다 읽기용 판을 만듭니다.

* 마크다운은 보통의 Jupyter 마크다운이 됩니다: glue 값은 웹사이트 빌드가 실행한 노트북
  (``<빌드>/jupyter_execute/…``, myst-nb가 ``scrapbook.name`` 메타데이터를 단 출력)의 값으로 채우고,
  ``{numref}``는 웹사이트에 적힌 그림 번호(``<빌드>/html``에서 읽습니다)로, ``{doc}``은 그 장의 제목으로
  바꾸어 웹사이트 주소에 잇고, ``{term}``은 용어 그대로, ``{cite}``는 ``book/references.bib``의
  저자·연도로 씁니다. 글상자(``{note}`` 등, ``:::`` 울타리도)는 제목을 단 인용 블록이 됩니다.
* 연습문제는 문제를 그대로 보이고, 풀이는 접힌 ``<details><summary>풀이 보기</summary>…</details>``
  안에 넣습니다. 채점 셀(``check.exN_M(...)``)은 그대로 둡니다.
* 숨은 셀(``remove-cell``)은 뺍니다. 나머지 코드 셀은 소스 그대로이고(출력만 비웁니다), 두 번째 셀인
  설치 셀만 이 노트북을 만든 커밋에 고정한 주소(``cnnlib @ git+<저장소>@<커밋>``)로 바꿉니다.
  ``hide-cell``/``hide-input`` 셀은 남기되 JupyterLab이 코드를 접어 보이도록 ``jupyter.source_hidden``을
  답니다(Colab은 이 메타데이터를 쓰지 않아 펼쳐 보입니다).
* 그림 셀(``mystnb.figure.caption``) 뒤에는 ``**그림 N** 설명`` 마크다운 셀을 넣습니다.
* 제목 셀 뒤에 안내 셀 하나: 이 판이 무엇인지, 본문의 숫자가 어느 프로필의 실행 값인지, Colab에서
  GPU를 고르는 법. 노트북 메타데이터는 Colab에 GPU 런타임을 요청합니다(``accelerator: GPU``).

잘못된 소스(모르는 역할·지시문, 빌드에 없는 glue 이름, 숨은 셀에서만 정의한 이름을 쓰는 보이는 셀,
빌드보다 새로운 소스)는 노트북과 셀 번호(0부터, 마크다운 포함)를 밝힌 한국어 오류로 멈추고, 출력 폴더는
건드리지 않습니다. 모두 임시 폴더에 만든 뒤 검사하고 한 번에 바꿔 넣으므로, 반쯤 쓴 노트북이 남지 않습니다.

    bash .ci/notebooks                                  # cpu 웹사이트(_build) → _build/notebooks
    bash .ci/notebooks --build _build/ci/_build         # ci 웹사이트의 값으로

Builds the reader edition of every notebook in the TOC from the sources and a finished website build.
"""

from __future__ import annotations

import argparse
import ast
import copy
import hashlib
import html
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import yaml

from cnnlib.book import GLUE_PREFIX  # myst-nb가 glue(display=False)의 MIME 앞에 붙이는 접두사

ROOT = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------- MyST 문법 (남은 것 찾기에도 씁니다)
#: 역할 ``{name}`…``` 또는 그냥 코드 조각 ```…``` (코드 조각 안은 바꾸지 않습니다).
INLINE = re.compile(r"(?P<role>\{(?P<name>[A-Za-z][\w:.+-]*)\})?(?P<ticks>`+)(?P<body>.+?)(?<!`)(?P=ticks)(?!`)", re.S)
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
DIRECTIVE_INFO = re.compile(r"^\{(?P<name>[\w:.-]+)\}\s*(?P<arg>.*)$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
TARGET = re.compile(r"^\s*\((?P<label>[^()\s]+)\)=\s*$")

#: 읽기용 판에 남으면 안 되는 MyST 문법 (tests/test_reader.py도 씁니다).
LEFTOVERS = (
    ("역할", re.compile(r"\{[A-Za-z][\w:.+-]*\}`")),
    ("지시문", re.compile(r"^ {0,3}(?:`{3,}|~{3,})\s*\{", re.M)),
    ("콜론 지시문", re.compile(r":::+\s*\{")),
    ("glue", re.compile(r"\{glue")),
)


def myst_leftovers(text: str) -> list[str]:
    """``text``에 남은 MyST 문법 조각들 (없으면 빈 목록)."""
    found = []
    for kind, pattern in LEFTOVERS:
        for m in pattern.finditer(text):
            line = text[text.rfind("\n", 0, m.start()) + 1:].split("\n", 1)[0]
            found.append(f"{kind}: {line.strip()[:100]}")
    return found


#: Sphinx(한국어)가 글상자에 붙이는 제목.
ADMONITION_TITLES = {
    "note": "참고", "tip": "팁", "hint": "힌트", "important": "중요", "warning": "경고", "caution": "주의",
    "attention": "주의", "danger": "위험", "error": "오류", "seealso": "더 보기",
}
PROFILE_WORDS = {
    "ci": "모든 셀이 도는지만 보는 아주 작은 크기",
    "cpu": "노트북 CPU에서 몇 분 걸리는 크기",
    "gpu": "GPU에서 도는 전체 크기",
}


class ReaderError(Exception):
    """소스를 읽기용 판으로 바꿀 수 없습니다. 메시지는 노트북과 셀을 밝힙니다."""


# ---------------------------------------------------------------- 설정과 빌드에서 읽는 것
def load_config(root: Path) -> dict:
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))


def repository_url(config: dict) -> str:
    """``_config.yml``의 저장소 주소 (``https://github.com/ORG/REPO``)."""
    return config["repository"]["url"].rstrip("/").removesuffix(".git")


def site_url(config: dict) -> str:
    """GitHub Pages 주소: ``https://github.com/ORG/REPO`` → ``https://ORG.github.io/REPO/``."""
    parts = urlsplit(repository_url(config))
    org, repo = parts.path.strip("/").split("/")[:2]
    if parts.netloc != "github.com":
        raise ReaderError(f"_config.yml의 저장소 주소가 GitHub가 아닙니다: {repository_url(config)}")
    return f"https://{org.lower()}.github.io/{repo}/"


def toc_docs(root: Path) -> list[str]:
    """목차(``_toc.yml``)의 ``.ipynb`` 항목 (확장자 없는 문서 이름, 목차 순서)."""

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("root", "file") and isinstance(value, str):
                    yield re.sub(r"\.(md|ipynb)$", "", value)
                else:
                    yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return [doc for doc in walk(toc) if (root / f"{doc}.ipynb").is_file()]


def git_commit(root: Path) -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def git_dirty(root: Path) -> bool:
    try:
        out = subprocess.run(["git", "status", "--porcelain", "--", "chapters", "book", "cnnlib"], cwd=root,
                             capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return False
    return bool(out.stdout.strip())


@dataclass
class Label:
    page: str  # 문서 이름 (chapters/07_lenet)
    number: str  # "그림 7.1" (그림이 아니면 "")
    title: str  # 그림 설명 또는 절 제목


_FIGURE = re.compile(r'<figure\b[^>]*\bid="(?P<id>[^"]+)"[^>]*>(?P<body>.*?)</figure>', re.S)
_CAPTION_NUMBER = re.compile(r'<span class="caption-number">(?P<n>.*?)</span>', re.S)
_CAPTION_TEXT = re.compile(r'<span class="caption-text">(?P<t>.*?)</span>', re.S)
_SECTION = re.compile(r'<section\b[^>]*\bid="(?P<id>[^"]+)"[^>]*>\s*<h[1-6][^>]*>(?P<title>.*?)</h[1-6]>', re.S)
_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment)).replace("#", "").strip()


def html_labels(html_dir: Path, docs: list[str]) -> dict[str, Label]:
    """웹사이트의 그림 번호와 절 제목: ``{id: Label}`` (``{numref}``·``{ref}``가 가리키는 것)."""
    labels: dict[str, Label] = {}
    for doc in docs:
        page = html_dir / f"{doc}.html"
        if not page.is_file():
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        for m in _SECTION.finditer(text):
            labels.setdefault(m["id"], Label(doc, "", _text(m["title"]).rstrip("¶").strip()))
        for m in _FIGURE.finditer(text):
            number = _CAPTION_NUMBER.search(m["body"])
            caption = _CAPTION_TEXT.search(m["body"])
            labels[m["id"]] = Label(doc, _text(number["n"]) if number else "", _text(caption["t"]) if caption else "")
    return labels


@dataclass
class Executed:
    """웹사이트 빌드가 실행한 노트북 하나: glue 값, 실행 프로필, 빌드가 읽은 코드 셀."""

    path: Path
    glue: dict[str, dict]  # 이름 → {"data": mime bundle, "metadata": …}
    profile: str
    code: list[str]  # 코드 셀 소스 (소스 노트북과 같은지 봅니다)


_PROFILE = re.compile(r"실행 프로필: (?P<p>\w+)")


def read_executed(build: Path, doc: str) -> Executed:
    """빌드 폴더에서 문서 하나의 실행 결과를 읽습니다.

    myst-nb는 ``<빌드>/jupyter_execute/<문서>.ipynb``에 빌드가 읽은 노트북을, 그 옆
    ``<문서>.glue.json``에 glue 값(``scrapbook.name``을 단 display_data 출력)을 씁니다. 캐시에서 나온
    노트북은 ``.ipynb``에 출력이 없을 수 있으므로 glue 값은 ``.glue.json``에서, 없으면 ``.ipynb``의 출력에서
    읽습니다. 실행 프로필은 웹사이트 페이지에 찍힌 ``cnnlib.setup()``의 출력("실행 프로필: cpu (…)")에서 읽습니다.
    """
    path = build / "jupyter_execute" / f"{doc}.ipynb"
    nb = nbformat.read(path, as_version=4)
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]
    glue_file = path.with_name(path.name.removesuffix(".ipynb") + ".glue.json")
    if glue_file.is_file():
        import json

        outputs = list(json.loads(glue_file.read_text(encoding="utf-8")).values()) + outputs
    glue: dict[str, dict] = {}
    for out in outputs:
        name = out.get("metadata", {}).get("scrapbook", {}).get("name")
        if name and out.get("output_type") == "display_data" and name not in glue:
            # glue(..., display=False)는 mime 이름 앞에 GLUE_PREFIX를 붙여 둡니다 (myst-nb).
            data = {k.removeprefix(GLUE_PREFIX): v for k, v in out.get("data", {}).items()}
            glue[name] = {"data": data, "metadata": out.get("metadata", {})}
    profile = ""
    page = build / "html" / f"{doc}.html"
    texts = [page.read_text(encoding="utf-8", errors="replace")] if page.is_file() else []
    texts += [out.get("text", "") for out in outputs if out.get("output_type") == "stream"]
    for text in texts:
        m = _PROFILE.search(text)
        if m:
            profile = m["p"]
            break
    return Executed(path, glue, profile, [c.source for c in nb.cells if c.cell_type == "code"])


@dataclass
class Bibliography:
    entries: dict[str, tuple[str, str]]  # key → (저자, 연도)

    @classmethod
    def read(cls, path: Path) -> Bibliography:
        from pybtex.database import parse_file

        entries = {}
        for key, entry in parse_file(str(path), bib_format="bibtex").entries.items():
            people = entry.persons.get("author", [])
            last = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in people]
            last = [_latex_accents(name) for name in last]
            if len(last) >= 3:
                author = f"{last[0]} et al."
            elif len(last) == 2:
                author = f"{last[0]} and {last[1]}"
            else:
                author = last[0] if last else key
            entries[key] = (author, entry.fields.get("year", ""))
        return cls(entries)


def _latex_accents(text: str) -> str:
    """``L\\'eon`` 같은 BibTeX 악센트를 글자로 (저자 성에 쓰이는 몇 가지만)."""
    accents = {"'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303"}
    import unicodedata

    def repl(m):
        return unicodedata.normalize("NFC", m[2] + accents[m[1]])

    return re.sub(r"\\([`'\"^~])\{?([A-Za-z])\}?", repl, text)


# ---------------------------------------------------------------- 한 노트북 바꾸기
@dataclass
class Book:
    """모든 노트북이 함께 쓰는 것: 설정, 빌드의 그림 번호, 장 제목, 참고문헌, 실행한 노트북."""

    root: Path
    build: Path
    config: dict
    commit: str
    docs: list[str]
    labels: dict[str, Label] = field(default_factory=dict)
    bib: Bibliography | None = None
    executed: dict[str, Executed] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)

    @property
    def site(self) -> str:
        return site_url(self.config)

    def executed_for(self, doc: str) -> Executed:
        if doc not in self.executed:
            path = self.build / "jupyter_execute" / f"{doc}.ipynb"
            if not path.is_file():
                raise ReaderError(
                    f"{doc}.ipynb: 웹사이트 빌드가 실행한 노트북 {path}이(가) 없습니다. 먼저 웹사이트를 빌드하세요 "
                    "(bash .ci/book, ci 프로필이면 --build _build/ci/_build) (executed notebook missing)")
            self.executed[doc] = read_executed(self.build, doc)
        return self.executed[doc]

    def title(self, doc: str) -> str:
        """문서의 제목 (첫 ``# `` 줄), ``{doc}``이 웹사이트에 쓰는 글자."""
        if doc not in self.titles:
            for suffix in (".ipynb", ".md"):
                path = self.root / f"{doc}{suffix}"
                if path.is_file():
                    if suffix == ".ipynb":
                        nb = nbformat.read(path, as_version=4)
                        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
                    else:
                        text = path.read_text(encoding="utf-8")
                    m = re.search(r"^# (.+)$", text, re.M)
                    if m:
                        self.titles[doc] = m[1].strip()
                        break
            else:
                raise KeyError(doc)
        return self.titles[doc]


class Converter:
    """노트북 하나의 마크다운을 바꿉니다. 오류는 모아 두었다가 한꺼번에 알립니다."""

    def __init__(self, book: Book, doc: str, executed: Executed):
        self.book = book
        self.doc = doc
        self.executed = executed
        self.cell = -1
        self.errors: list[str] = []
        self.in_solution = 0
        self.glue_used: dict[str, set[str]] = {}  # glue 이름 → {"solution", "text"}

    # ------------------------------------------------ 오류
    def fail(self, message: str) -> str:
        where = f"{self.doc}.ipynb 셀 {self.cell}" if self.cell >= 0 else f"{self.doc}.ipynb"
        self.errors.append(f"{where}: {message}")
        return ""

    # ------------------------------------------------ 블록
    def markdown(self, text: str) -> str:
        return "\n".join(self.blocks(text.split("\n"))).strip("\n")

    def blocks(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        para: list[str] = []

        def flush():
            if para:
                out.extend(self.inline("\n".join(para)).split("\n"))
                para.clear()

        i = 0
        while i < len(lines):
            line = lines[i]
            m = FENCE.match(line)
            if m and not (m["fence"][0] == "`" and "`" in m["info"]):
                flush()
                fence = m["fence"]
                close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
                j = i + 1
                while j < len(lines) and not close.match(lines[j]):
                    j += 1
                info = m["info"].strip()
                d = DIRECTIVE_INFO.match(info)
                if d:
                    if j >= len(lines):
                        self.fail(f"닫히지 않은 지시문 {{{d['name']}}} (unclosed directive)")
                    out.extend(self.directive(d["name"], d["arg"].strip(), lines[i + 1:j]))
                elif fence[0] == ":":
                    self.fail(f"알 수 없는 콜론 울타리 {line.strip()!r} (colon fence without a directive)")
                else:  # 보통의 코드 블록: 그대로
                    out.extend(lines[i:j + 1])
                i = j + 1
                continue
            t = TARGET.match(line)
            if t:  # (label)= : 웹사이트의 닻. 노트북 안에서도 링크할 수 있게 같은 id의 닻으로 둡니다.
                flush()
                out.append(f'<a id="{html.escape(t["label"])}"></a>')
            elif line.startswith("%"):  # MyST 주석 줄
                pass
            elif line.strip() == "+++":
                flush()
            else:
                para.append(line)
            i += 1
        flush()
        return out

    def directive(self, name: str, arg: str, body: list[str]) -> list[str]:
        options: dict[str, str] = {}
        k = 0
        if body and body[0].strip() == "---":  # YAML 옵션 블록
            end = next((n for n in range(1, len(body)) if body[n].strip() == "---"), None)
            if end is None:
                self.fail(f"{{{name}}}의 YAML 옵션 블록이 닫히지 않았습니다")
                end = len(body) - 1
            options = {str(a): str(b) for a, b in (yaml.safe_load("\n".join(body[1:end])) or {}).items()}
            k = end + 1
        else:
            while k < len(body) and OPTION.match(body[k]):
                m = OPTION.match(body[k])
                options[m["key"]] = m["value"]
                k += 1
        content = body[k:]
        while content and not content[0].strip():
            content = content[1:]
        while content and not content[-1].strip():
            content = content[:-1]
        if name == "exercise":
            title = self.inline(arg)
            m = re.match(r"^(\d+(?:\.\d+)*)\s+(.*)$", title)
            head = f"**연습문제 {m[1]}** {m[2]}" if m else f"**연습문제** {title}"
            anchor = f'<a id="{html.escape(options["label"])}"></a>' if options.get("label") else ""
            return [anchor + head, "", *self.blocks(content)]
        if name == "solution":
            self.in_solution += 1
            try:
                inner = self.blocks(content)
            finally:
                self.in_solution -= 1
            return ["<details>", "<summary>풀이 보기</summary>", "", *inner, "", "</details>"]
        if name in ADMONITION_TITLES or name == "admonition":
            if name == "admonition":
                title, lines = self.inline(arg) or "참고", content
            else:
                title, lines = ADMONITION_TITLES[name], ([arg] if arg else []) + content
            inner = self.blocks(lines)
            quoted = [f"> **{title}**", ">"] + [f"> {ln}" if ln.strip() else ">" for ln in inner]
            return quoted
        if name == "math":
            return ["$$", *content, "$$"]
        return [self.fail(f"알 수 없는 MyST 지시문 {{{name}}} (unknown directive)")]

    # ------------------------------------------------ 인라인 역할
    def inline(self, text: str) -> str:
        return INLINE.sub(self._role, text)

    def _role(self, m: re.Match) -> str:
        if not m["role"]:
            return m[0]
        name, body = m["name"], m["body"]
        handler = {
            "glue:text": self.glue_text, "glue:": self.glue_any, "glue": self.glue_any, "glue:any": self.glue_any,
            "glue:md": self.glue_md, "term": self.term, "numref": self.numref, "doc": self.doc_role,
            "ref": self.ref, "cite": self.cite, "cite:p": self.cite, "cite:t": self.cite_t, "math": self.math,
            "sub": lambda b: f"<sub>{b}</sub>", "sup": lambda b: f"<sup>{b}</sup>",
            "abbr": lambda b: re.sub(r"\s*\(.*\)\s*$", "", b),
        }.get(name)
        if handler is None:
            return self.fail(f"알 수 없는 MyST 역할 {{{name}}}`{body}` (unknown role)")
        return handler(body)

    # glue ------------------------------------------------------------
    def _glued(self, key: str) -> dict | None:
        doc_key = key.split("::", 1)
        if len(doc_key) == 2:  # 다른 노트북: 'path.ipynb::name' (이 노트북 기준 상대 경로)
            other = posixpath.normpath(posixpath.join(posixpath.dirname(self.doc), doc_key[0]))
            other = re.sub(r"\.(ipynb|md)$", "", other)
            try:
                executed = self.book.executed_for(other)
            except ReaderError as error:
                self.fail(str(error))
                return None
            key = doc_key[1]
        else:
            executed = self.executed
        self.glue_used.setdefault(key, set()).add("solution" if self.in_solution else "text")
        if key not in executed.glue:
            self.fail(f"glue 이름 {key!r}이(가) 웹사이트 빌드의 {executed.path}에 없습니다: glue(\"{key}\", …)를 "
                      "부르는 셀이 없거나 빌드가 오래되었습니다 (glue name never set)")
            return None
        return executed.glue[key]

    def glue_text(self, body: str) -> str:
        from myst_nb.core.variables import format_plain_text

        key_format = body.rsplit(":", 1)
        if len(key_format) == 2 and not key_format[0].endswith(":"):
            key, fmt = key_format
        else:
            key, fmt = body, "s"
        glued = self._glued(key)
        if glued is None:
            return ""
        if "text/plain" not in glued["data"]:
            return self.fail(f"glue 값 {key!r}에 text/plain이 없습니다")
        try:
            return escape(format_plain_text(glued["data"]["text/plain"], fmt))
        except Exception as error:  # myst-nb와 같은 형식 지정 (format spec)
            return self.fail(f"glue 값 {key!r}을(를) 형식 {fmt!r}로 쓸 수 없습니다: {error}")

    def glue_any(self, body: str) -> str:
        glued = self._glued(body)
        if glued is None:
            return ""
        data, meta = glued["data"], glued["metadata"]
        if "text/markdown" in data:
            return data["text/markdown"]
        if "text/latex" in data:
            return "$" + data["text/latex"].strip().strip("$") + "$"
        if "text/plain" in data and not ({"image/png", "image/svg+xml", "text/html"} & set(data)):
            text = data["text/plain"]
            if meta.get("strip_text_quotes") and re.fullmatch(r"(['\"]).*\1", text, re.S):
                text = text[1:-1]
            return escape(text)
        return self.fail(f"glue 값 {body!r}은(는) 글자가 아니라 본문에 넣을 수 없습니다 (mime {sorted(data)})")

    def glue_md(self, body: str) -> str:
        key = body.rsplit(":", 1)[0] if body.count(":") % 2 == 1 and "::" not in body[-2:] else body
        glued = self._glued(key)
        if glued is None:
            return ""
        if "text/markdown" not in glued["data"]:
            return self.fail(f"glue 값 {key!r}에 text/markdown이 없습니다")
        return glued["data"]["text/markdown"]

    # 참조 ------------------------------------------------------------
    @staticmethod
    def _split(body: str) -> tuple[str | None, str]:
        m = re.fullmatch(r"(?P<text>.*?)\s*<(?P<target>[^<>]+)>", body, re.S)
        return (m["text"], m["target"].strip()) if m else (None, body.strip())

    def term(self, body: str) -> str:
        text, target = self._split(body)
        return text if text is not None else target

    def url(self, doc: str, anchor: str = "") -> str:
        return f"{self.book.site}{doc}.html" + (f"#{anchor}" if anchor else "")

    def numref(self, body: str) -> str:
        text, target = self._split(body)
        label = self.book.labels.get(target)
        if label is None or not label.number:
            return self.fail(f"{{numref}}이 가리키는 그림 {target!r}이(가) 웹사이트 빌드에 없습니다 (unknown figure label)")
        if text is not None:
            number = re.search(r"[\d.]+", label.number)
            shown = text.replace("%s", number[0] if number else label.number).replace("{name}", label.title)
        else:
            shown = label.number
        return f"[{shown}]({self.url(label.page, target)})"

    def ref(self, body: str) -> str:
        text, target = self._split(body)
        label = self.book.labels.get(target)
        if label is None:
            return self.fail(f"{{ref}}이 가리키는 이름표 {target!r}이(가) 웹사이트 빌드에 없습니다 (unknown label)")
        return f"[{text if text is not None else label.title}]({self.url(label.page, target)})"

    def doc_role(self, body: str) -> str:
        text, target = self._split(body)
        target = re.sub(r"\.(ipynb|md)$", "", target)
        doc = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(posixpath.dirname(self.doc), target))
        try:
            title = self.book.title(doc)
        except KeyError:
            return self.fail(f"{{doc}}이 가리키는 문서 {target!r}이(가) 없습니다 (unknown document)")
        return f"[{text if text is not None else title}]({self.url(doc)})"

    def _cite_keys(self, body: str) -> list[tuple[str, str]]:
        out = []
        for key in (k.strip() for k in body.split(",") if k.strip()):
            if self.book.bib is None or key not in self.book.bib.entries:
                self.fail(f"{{cite}}의 {key!r}이(가) book/references.bib에 없습니다 (unknown citation)")
                continue
            out.append(self.book.bib.entries[key])
        return out

    def cite(self, body: str) -> str:
        found = self._cite_keys(body)
        if not found:
            return ""
        # 웹사이트(sphinxcontrib-bibtex, author_year)처럼 "[LeCun et al., 1998]", 참고문헌 페이지로 잇습니다.
        inner = "; ".join(f"{author}, {year}" for author, year in found)
        return f"[[{inner}]({self.url('book/references')})]"

    def cite_t(self, body: str) -> str:
        found = self._cite_keys(body)
        return ", ".join(f"[{author} ({year})]({self.url('book/references')})" for author, year in found)

    def math(self, body: str) -> str:
        return f"${body}$"


_MD_SPECIAL = re.compile(r"([\\`*_$|])")


def escape(text: str) -> str:
    """본문에 끼워 넣는 값: 마크다운·수식으로 읽히지 않도록 특수 문자를 막습니다.

    대괄호는 막지 않습니다: ``\\[``는 수식 구분자로 읽는 렌더러가 있고, 뒤에 ``(``가 없는 대괄호는 그대로 보입니다.
    """
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


# ---------------------------------------------------------------- 숨은 셀에만 있는 이름
class _Names(ast.NodeVisitor):
    """모듈 수준에서 정의하는 이름과, 모듈 수준의 이름으로 읽는 이름 (함수의 지역 변수는 빼고)."""

    def __init__(self):
        self.bound: set[str] = set()
        self.loaded: set[str] = set()
        self.scopes: list[set[str]] = []

    def bind(self, name: str):
        (self.scopes[-1] if self.scopes else self.bound).add(name)

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load):
            if not any(node.id in scope for scope in self.scopes):
                self.loaded.add(node.id)
        else:
            self.bind(node.id)

    def _scope(self, node, names: set[str], body):
        self.scopes.append(set(names) | {n.id for b in body for n in ast.walk(b)
                                         if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)})
        for b in body:
            self.visit(b)
        self.scopes.pop()

    def _function(self, node):
        self.bind(node.name)
        for d in node.decorator_list + node.args.defaults + [d for d in node.args.kw_defaults if d]:
            self.visit(d)
        a = node.args
        args = {x.arg for x in a.posonlyargs + a.args + a.kwonlyargs} | {x.arg for x in (a.vararg, a.kwarg) if x}
        self._scope(node, args, node.body)

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node):
        a = node.args
        self._scope(node, {x.arg for x in a.posonlyargs + a.args + a.kwonlyargs}, [node.body])

    def visit_ClassDef(self, node):
        self.bind(node.name)
        for b in node.bases + node.decorator_list:
            self.visit(b)
        self._scope(node, set(), node.body)

    def _comprehension(self, node):
        targets = {n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
        self.scopes.append(targets)
        for g in node.generators:
            self.visit(g.iter)
            for cond in g.ifs:
                self.visit(cond)
        for part in ("elt", "key", "value"):
            if getattr(node, part, None) is not None:
                self.visit(getattr(node, part))
        self.scopes.pop()

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    def visit_AugAssign(self, node):  # x += 1 읽고 나서 씁니다
        if isinstance(node.target, ast.Name):
            self.visit_Name(ast.Name(node.target.id, ast.Load()))
        self.generic_visit(node)

    def visit_Import(self, node):
        for alias in node.names:
            self.bind((alias.asname or alias.name).split(".")[0])

    visit_ImportFrom = visit_Import

    def visit_ExceptHandler(self, node):
        if node.name:
            self.bind(node.name)
        self.generic_visit(node)


def _cell_names(source: str) -> tuple[set[str], set[str]]:
    """(셀이 모듈 수준에서 정의하는 이름, 셀이 읽는 모듈 수준의 이름). 매직(%…)은 IPython이 파이썬으로 바꾼 뒤 읽습니다."""
    from IPython.core.inputtransformer2 import TransformerManager

    names = _Names()
    names.visit(ast.parse(TransformerManager().transform_cell(source)))
    return names.bound, names.loaded


def hidden_name_uses(nb) -> list[tuple[int, dict[str, int]]]:
    """보이는 셀이 숨은 셀(``remove-cell``)에서만 정의된 이름을 읽는 곳: ``[(셀, {이름: 숨은 셀})]``.

    읽기용 판에서는 숨은 셀이 빠지므로 그런 셀은 NameError로 멈춥니다. 보이는 셀이 앞에서(또는 그 셀
    안에서) 같은 이름을 정의했으면 문제 삼지 않습니다. 정적 검사라 모든 경우를 잡지는 못합니다
    (예: 숨은 셀이 모듈의 상태를 바꾸는 경우).
    """
    kept: set[str] = set()
    hidden: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            bound, loaded = _cell_names(cell.source)
        except SyntaxError:
            continue  # 문법 오류는 웹사이트 빌드가 먼저 잡습니다
        if "remove-cell" in cell.metadata.get("tags", []):
            for name in bound - kept:
                hidden.setdefault(name, index)
            continue
        bad = {name: hidden[name] for name in sorted(loaded - bound - kept) if name in hidden}
        if bad:
            problems.append((index, bad))
        kept |= bound
    return problems


# ---------------------------------------------------------------- 노트북 만들기
INSTALL_URL = re.compile(r"git\+(?P<url>https://[^\s\"'@]+?)(?P<ref>@[^\s\"']+)?(?=[\"'])")


def _cell_id(*parts: str) -> str:
    return "reader-" + hashlib.sha1("/".join(parts).encode()).hexdigest()[:12]


def reader_note(book: Book, doc: str, profile: str) -> str:
    commit = book.commit[:12]
    words = PROFILE_WORDS.get(profile, "")
    return "\n".join([
        f"> **읽기용 판입니다.** 이 노트북은 [웹사이트의 이 장]({book.site}{doc}.html)을 만든 장 노트북에서 "
        f"저절로 만들었습니다 (커밋 `{commit}`). 숨은 검사 셀은 빠졌고, 연습문제의 풀이는 접혀 있습니다"
        "(**풀이 보기**를 누르면 펼쳐집니다).",
        ">",
        f"> **본문의 숫자**는 웹사이트를 만든 실행(`{profile}` 프로필{': ' + words if words else ''})의 값입니다. "
        "여러분이 실행한 결과는 셀 출력에서 보세요. 실행 환경이 다르면(특히 GPU에서) 숫자가 조금씩 다릅니다.",
        ">",
        "> **Colab에서 GPU로 실행하기:** 메뉴 **런타임 → 런타임 유형 변경**에서 하드웨어 가속기를 **GPU**(예: T4)로 "
        "고른 뒤 **런타임 → 모두 실행**을 누르세요. 아래 첫 코드 셀은 `cnnlib`이 없을 때만 이 커밋의 `cnnlib`을 "
        "설치합니다. GPU가 보이면 실행 프로필은 저절로 `gpu`가 됩니다.",
    ])


def convert(book: Book, doc: str) -> tuple[nbformat.NotebookNode, list[str], dict[str, set[str]]]:
    """소스 노트북 하나 → (읽기용 판, 오류 목록, glue 이름이 쓰인 곳)."""
    src = book.root / f"{doc}.ipynb"
    nb = nbformat.read(src, as_version=4)
    try:
        executed = book.executed_for(doc)
    except ReaderError as error:
        return nb, [str(error)], {}
    conv = Converter(book, doc, executed)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    if code != executed.code:
        code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        differs = [i for n, i in enumerate(code_cells) if n >= len(executed.code) or code[n] != executed.code[n]]
        conv.cell = differs[0] if differs else len(nb.cells) - 1
        conv.fail(f"소스가 웹사이트 빌드({executed.path})와 다릅니다: 이 코드 셀부터 다릅니다. 웹사이트를 다시 "
                  "빌드하세요 (bash .ci/book) (the build is older than the source)")
        return nb, conv.errors, {}
    for index, bad in hidden_name_uses(nb):
        conv.cell = index
        names = ", ".join(f"{name}(숨은 셀 {where})" for name, where in bad.items())
        conv.fail(f"이 셀이 읽는 이름 {names}은(는) remove-cell 태그가 붙은 숨은 셀에서만 정의됩니다. 읽기용 판에서는 "
                  "숨은 셀이 빠지므로 NameError가 납니다. 정의를 보이는 셀로 옮기세요 "
                  "(a kept cell uses a name defined only in a removed cell)")
    if len(nb.cells) < 2 or nb.cells[0].cell_type != "markdown" or not nb.cells[0].source.startswith("# "):
        conv.cell = 0
        conv.fail("첫 셀이 '# 제목'으로 시작하는 마크다운이 아닙니다 (chapters/README.md의 구조)")
        return nb, conv.errors, {}
    install = nb.cells[1]
    if install.cell_type != "code" or not INSTALL_URL.search(install.source) or "find_spec" not in install.source:
        conv.cell = 1
        conv.fail("두 번째 셀이 cnnlib 설치 셀이 아닙니다 (chapters/README.md의 구조)")
        return nb, conv.errors, {}

    cells = []
    for index, cell in enumerate(nb.cells):
        conv.cell = index
        tags = list(cell.metadata.get("tags", []))
        if "remove-cell" in tags:
            continue
        if cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(conv.markdown(cell.source), id=cell.get("id") or _cell_id(doc, str(index)))
            cells.append(new)
            if index == 0:
                cells.append(nbformat.v4.new_markdown_cell(reader_note(book, doc, executed.profile),
                                                           id=_cell_id(doc, "note")))
            continue
        if cell.cell_type != "code":
            cells.append(copy.deepcopy(cell))
            continue
        new = copy.deepcopy(cell)
        new.outputs = []
        new.execution_count = None
        meta = new.metadata
        meta.pop("execution", None)
        if index == 1:
            url = repository_url(book.config)
            new.source = INSTALL_URL.sub(f"git+{url}@{book.commit}", cell.source, count=1)
            new.source = new.source.replace(
                "(로컬·책 빌드에서는 아무 일도 하지 않습니다)",
                f"(읽기용 판: 이 노트북을 만든 커밋 {book.commit[:12]}의 cnnlib)")
            tags = [t for t in tags if t != "hide-cell"]
        if {"hide-cell", "hide-input", "remove-input"} & set(tags):
            meta.setdefault("jupyter", {})["source_hidden"] = True
        if {"hide-output", "remove-output"} & set(tags):
            meta.setdefault("jupyter", {})["outputs_hidden"] = True
        if tags:
            meta["tags"] = tags
        else:
            meta.pop("tags", None)
        figure = meta.pop("mystnb", {}).get("figure")
        cells.append(new)
        if figure and figure.get("caption"):
            name = figure.get("name", "")
            label = book.labels.get(name) if name else None
            if name and (label is None or not label.number):
                conv.fail(f"그림 {name!r}의 번호가 웹사이트 빌드에 없습니다 (figure missing from the build)")
            number = label.number if label else "그림"
            anchor = f'<a id="{html.escape(name)}"></a>' if name else ""
            caption = conv.inline(figure["caption"])
            cells.append(nbformat.v4.new_markdown_cell(f"{anchor}**{number}** {caption}".strip(),
                                                       id=_cell_id(doc, "caption", str(index))))
    conv.cell = -1
    out = nbformat.v4.new_notebook(cells=cells)
    out.metadata = {
        "kernelspec": nb.metadata.get("kernelspec", {"display_name": "Python 3", "language": "python", "name": "python3"}),
        "language_info": nb.metadata.get("language_info", {"name": "python"}),
        # Colab: 처음 열 때 GPU 런타임을 요청하고 목차를 보입니다.
        "accelerator": "GPU",
        "colab": {"provenance": [], "gpuType": "T4", "toc_visible": True},
        "cnn_book": {"source": f"{doc}.ipynb", "commit": book.commit, "profile": executed.profile,
                     "edition": "reader"},
    }
    for index, cell in enumerate(out.cells):
        if cell.cell_type == "markdown":
            for problem in myst_leftovers(cell.source):
                conv.errors.append(f"{doc}.ipynb (읽기용 판의 셀 {index}): MyST 문법이 남았습니다: {problem}")
    try:
        nbformat.validate(out)
    except nbformat.ValidationError as error:
        conv.errors.append(f"{doc}.ipynb: 읽기용 판이 올바른 nbformat이 아닙니다: {error.message}")
    return out, conv.errors, conv.glue_used


#: 연습문제의 답과 풀이에 쓰는 값의 glue 이름 (``ex71_answer``, ``ex1_2_conv``, ``ex36_used`` …).
EXERCISE_GLUE = re.compile(r"^ex\d+(?:_\d+)*_\w+$")
_GLUE_CALL = re.compile(r"""\bglue\(\s*["']([A-Za-z_]\w*)["']""")


def glue_calls(source: str) -> set[str]:
    """코드 셀이 ``glue("이름", …)``으로 붙이는 이름들."""
    return set(_GLUE_CALL.findall(source))


def answer_glue_names(book: Book, doc: str) -> set[str]:
    """연습문제의 답을 담은 glue 이름: 이름이 ``exN…_``로 시작하거나, 숨은 셀에서만 glue하고 풀이에서만 쓰는 이름."""
    nb = nbformat.read(book.root / f"{doc}.ipynb", as_version=4)
    hidden, kept = set(), set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            (hidden if "remove-cell" in cell.metadata.get("tags", []) else kept).update(glue_calls(cell.source))
    _, _, used = convert(book, doc)
    solution_only = {name for name, where in used.items() if where == {"solution"}}
    return {name for name in hidden | kept if EXERCISE_GLUE.match(name)} | ((solution_only & hidden) - kept)


README = """# 읽기용 판 (reader edition)

이 브랜치의 노트북은 `{repo}`의 `{commit}` 커밋에서 `bash .ci/notebooks`가 저절로 만든 것입니다.
손으로 고치지 마세요: 다음 빌드가 통째로 덮어씁니다. 웹사이트: {site}

- 본문의 숫자는 웹사이트를 만든 실행(`{profile}` 프로필)의 값입니다.
- 숨은 검사 셀은 빠졌고, 연습문제 풀이는 접혀 있습니다.
- 첫 코드 셀은 `cnnlib`이 없을 때만 이 커밋의 `cnnlib`을 설치합니다.

Generated reader edition of the notebooks (plain Markdown, no test cells, solutions collapsed). Do not edit.
"""


def build_book(root: Path, build: Path, commit: str, docs: list[str]) -> Book:
    config = load_config(root)
    all_docs = toc_docs(root)
    book = Book(root=root, build=build, config=config, commit=commit, docs=docs)
    html_dir = build / "html"
    if not html_dir.is_dir():
        raise ReaderError(f"웹사이트 빌드 {build}에 html 폴더가 없습니다. 먼저 bash .ci/book 을 실행하세요 "
                          "(ci 프로필이면 --build _build/ci/_build) (no website build)")
    book.labels = html_labels(html_dir, all_docs)
    bib = root / "book" / "references.bib"
    book.bib = Bibliography.read(bib) if bib.is_file() else Bibliography({})
    return book


def generate(root: Path, build: Path, out: Path, commit: str, docs: list[str] | None = None) -> list[Path]:
    """읽기용 판을 ``out``에 만듭니다. 잘못된 소스가 있으면 ``out``을 건드리지 않고 ReaderError."""
    docs = docs or toc_docs(root)
    book = build_book(root, build, commit, docs)
    errors: list[str] = []
    made: dict[str, nbformat.NotebookNode] = {}
    profiles = set()
    for doc in docs:
        nb, problems, _ = convert(book, doc)
        errors += problems
        if not problems:
            made[doc] = nb
            profiles.add(nb.metadata["cnn_book"]["profile"])
    if errors:
        raise ReaderError("\n".join(errors))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        written = []
        for doc, nb in made.items():
            path = tmp / f"{doc}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
            nbformat.validate(nbformat.read(path, as_version=4))
            written.append(out / f"{doc}.ipynb")
        (tmp / "README.md").write_text(README.format(
            repo=repository_url(book.config), commit=commit, site=book.site,
            profile=", ".join(sorted(profiles))), encoding="utf-8")
        old = None
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            out.rename(old)
        tmp.rename(out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="읽기용 판(reader edition) 노트북을 만듭니다.")
    parser.add_argument("--build", type=Path, default=None,
                        help="웹사이트 빌드 폴더 (html/, jupyter_execute/가 있는 곳). 기본: _build (cpu 빌드); "
                             "ci 빌드는 _build/ci/_build")
    parser.add_argument("--out", type=Path, default=None, help="출력 폴더 (기본: _build/notebooks)")
    parser.add_argument("--root", type=Path, default=ROOT, help="책의 뿌리 폴더 (_config.yml, _toc.yml이 있는 곳)")
    parser.add_argument("--ref", default=os.environ.get("CNN_BOOK_READER_REF"),
                        help="설치 셀이 고정할 커밋이나 태그 (기본: git rev-parse HEAD)")
    parser.add_argument("--only", nargs="*", default=None, help="이 문서만 (예: chapters/07_lenet)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    build = (args.build if args.build is not None else root / "_build")
    build = (build if build.is_absolute() else Path.cwd() / build).resolve()
    out = args.out if args.out is not None else root / "_build" / "notebooks"
    out = (out if out.is_absolute() else Path.cwd() / out).resolve()
    commit = args.ref or git_commit(root)
    if not commit:
        branch = load_config(root)["repository"].get("branch", "main")
        print(f"== git 커밋을 알 수 없어 설치 셀을 브랜치 {branch}에 고정합니다 (--ref로 정할 수 있습니다)")
        commit = branch
    elif not args.ref and git_dirty(root):
        print(f"== 주의: 커밋하지 않은 변경이 있습니다. 설치 셀은 커밋 {commit[:12]}의 cnnlib을 설치합니다")
    only = [re.sub(r"\.ipynb$", "", d) for d in args.only] if args.only else None
    t0 = time.monotonic()
    try:
        written = generate(root, build, out, commit, only)
    except ReaderError as error:
        print("읽기용 판을 만들지 못했습니다 (reader edition failed):", file=sys.stderr)
        print(str(error), file=sys.stderr)
        return 1
    print(f"읽기용 판 {len(written)}개를 {out}에 만들었습니다 ({time.monotonic() - t0:.1f}초, 값: {build}, "
          f"커밋 {commit[:12]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
