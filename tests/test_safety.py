"""안전한 불러오기: 패키지와 모든 장의 코드를 AST로 읽어 위험한 호출을 찾습니다.

* ``torch.load``는 반드시 ``weights_only=True``와 함께 (임의 코드를 실행하는 pickle을 막습니다)
* ``eval``/``exec``/``compile``, ``pickle``·``dill``·``joblib``·``marshal``로 불러오기, ``torch.hub.load``
  (남의 코드를 내려받아 실행), ``numpy.load(..., allow_pickle=True)``, ``yaml.load``는 쓰지 않습니다
* 가중치를 URL에서 받을 때(``load_state_dict_from_url``, ``WeightsEnum.get_state_dict``)는
  ``check_hash=True``, ``download_url_to_file``은 ``hash_prefix``를 줍니다
* 코드 안의 URL은 https만 씁니다

문자열 검색(grep)이 아니라 AST를 쓰는 이유: 주석이나 설명문에 나온 이름에 속지 않고, 호출의
키워드 인자까지 확인할 수 있어서입니다. 아래 ``test_scanner_catches_*``가 검사기 자체를 시험합니다.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_CALLS = {
    "eval", "exec", "compile", "__import__",
    "pickle.load", "pickle.loads", "pickle.Unpickler", "dill.load", "dill.loads", "joblib.load",
    "marshal.load", "marshal.loads", "torch.hub.load", "yaml.load", "shelve.open",
    "cloudpickle.load", "cloudpickle.loads",
}
HASHED_DOWNLOADS = {"load_state_dict_from_url": "check_hash", "get_state_dict": "check_hash",
                    "download_url_to_file": "hash_prefix"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value) or '?'}.{node.attr}"  # f().eval → "?.eval" (내장 eval이 아님)
    return ""


def _kw_is_true(call: ast.Call, key: str) -> bool:
    return any(k.arg == key and isinstance(k.value, ast.Constant) and k.value.value is True
               for k in call.keywords)


def problems_in(source: str, where: str) -> list[str]:
    """``source``(파이썬 코드)의 위험한 호출 목록: ``"where:줄: 설명"``."""
    found = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            short = name.rsplit(".", 1)[-1]
            line = f"{where}:{node.lineno}"
            if name in FORBIDDEN_CALLS:
                found.append(f"{line}: {name}(...) 금지")
            if name in {"torch.load", "th.load"} and not _kw_is_true(node, "weights_only"):
                found.append(f"{line}: torch.load에 weights_only=True가 없습니다")
            if name in {"np.load", "numpy.load"} and _kw_is_true(node, "allow_pickle"):
                found.append(f"{line}: numpy.load(allow_pickle=True) 금지")
            if short in HASHED_DOWNLOADS and not _kw_is_true(node, HASHED_DOWNLOADS[short]):
                found.append(f"{line}: {short}에 {HASHED_DOWNLOADS[short]}=True가 없습니다")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for url in re.findall(r"http://[^\s'\"]+", node.value):
                if not url.startswith(("http://127.0.0.1", "http://localhost", "http://www.w3.org/")):
                    found.append(f"{where}:{node.lineno}: https가 아닌 URL {url}")
    return found


def _notebook_code(path: Path) -> list[tuple[int, str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        # IPython 매직(%matplotlib, !pip)은 파이썬 문법이 아니므로 주석으로 바꿔 줄 번호를 지킵니다.
        src = "\n".join("#" + ln if ln.lstrip().startswith(("%", "!")) else ln for ln in src.splitlines())
        cells.append((i, src))
    return cells


PY_FILES = sorted((ROOT / "cnnlib").rglob("*.py")) + sorted((ROOT / "benchmarks").rglob("*.py")) \
    + sorted((ROOT / "book" / "_ext").rglob("*.py"))
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "book").glob("*.ipynb"))


@pytest.mark.parametrize("path", PY_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_package_code_is_safe(path):
    assert problems_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_code_is_safe(path):
    found = []
    for index, src in _notebook_code(path):
        found += problems_in(src, f"{path.name} 셀 {index}")
    assert found == []


def test_there_is_code_to_scan():
    assert len(PY_FILES) >= 10 and len(NOTEBOOKS) >= 6


@pytest.mark.parametrize(("source", "expected"), [
    ("import torch\nsd = torch.load('w.pt')", "weights_only"),
    ("import torch\nsd = torch.load('w.pt', weights_only=False)", "weights_only"),
    ("x = eval('1+1')", "eval"),
    ("exec(open('a.py').read())", "exec"),
    ("import pickle\nobj = pickle.load(open('a.pkl', 'rb'))", "pickle.load"),
    ("import numpy as np\na = np.load('a.npy', allow_pickle=True)", "allow_pickle"),
    ("import torch\nm = torch.hub.load('pytorch/vision', 'resnet18')", "torch.hub.load"),
    ("from torch.hub import load_state_dict_from_url\nload_state_dict_from_url('https://x/y.pth')", "check_hash"),
    ("w.get_state_dict(progress=True)", "check_hash"),
    ("url = 'http://example.com/data.tar.gz'", "https가 아닌 URL"),
])
def test_scanner_catches_unsafe_code(source, expected):
    found = problems_in(source, "sample.py")
    assert found and expected in found[0]


@pytest.mark.parametrize("source", [
    "import torch\nsd = torch.load('w.pt', weights_only=True)",
    "model.eval()",
    "net = make()(x).eval()",
    "w.get_state_dict(progress=True, check_hash=True)",
    "url = 'https://download.pytorch.org/models/resnet18-f37072fd.pth'",
    "# torch.load('x') 는 주석이라 괜찮습니다",
])
def test_scanner_accepts_safe_code(source):
    assert problems_in(source, "sample.py") == []
