"""The book speaks in its own voice: no reader-facing text mentions the private study notes ("학습 노트").

The chapters were written from study notes that readers never see. A misconception the notes held is
shown as a "흔한 오해" admonition, and anything else is said in the book's own words, so no markdown cell of
a notebook (``chapters/*.ipynb``, ``book/*.ipynb``) and no page (``book/**/*.md``) names the notes. The
check also catches the phrase broken over a line ("학습\\n노트").
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PHRASE = re.compile(r"학습\s+노트")


def _notebooks() -> list[Path]:
    return sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("book/*.ipynb"))


def _pages() -> list[Path]:
    return sorted(ROOT.glob("book/**/*.md"))


def _hits(text: str) -> list[str]:
    """Each occurrence as 'line N: …context…' (line numbers from 1)."""
    found = []
    for m in PHRASE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        context = text[max(0, m.start() - 30):m.end() + 30].replace("\n", " ")
        found.append(f"line {line}: …{context}…")
    return found


def test_there_is_something_to_check():
    assert _notebooks(), "no notebooks found under chapters/ or book/"


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_markdown_cells_do_not_mention_study_notes(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        problems += [f"{path.relative_to(ROOT)} cell {index} (markdown), {hit}" for hit in _hits(source)]
    assert not problems, (
        "'학습 노트' in reader-facing text; state a common belief in a ```{admonition} 흔한 오해 box or say it "
        "in the book's own words:\n" + "\n".join(problems))


@pytest.mark.parametrize("path", _pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_do_not_mention_study_notes(path):
    problems = [f"{path.relative_to(ROOT)}, {hit}" for hit in _hits(path.read_text(encoding="utf-8"))]
    assert not problems, "'학습 노트' in a book page:\n" + "\n".join(problems)
