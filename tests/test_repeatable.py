"""되풀이해도 같은 결과: 모든 장을 ``ci`` 프로필로 두 번 실행해 비교합니다 (이슈 #9).

비교하는 것
* ``nbval-check-output`` 태그가 붙은 셀의 출력: 두 실행이 서로 같고, 저장된 출력과도 같아야 합니다.
* ``glue``로 본문에 넘긴 모든 값(정확도, 손실, 매개변수 수, 연산량 …): 두 실행이 같아야 합니다.
  다만 걸린 시간처럼 본래 흔들리는 값은 이름으로 뺍니다: 이름에 ``time``, ``sec``, ``seconds``,
  ``ips``, ``speed``, ``wall``, ``latency``, ``ms``가 한 단어로 들어 있으면 비교하지 않습니다
  (chapters/README.md의 규칙).

시드는 ``cnnlib.setup()``이 정하고(0), CPU의 PyTorch 연산은 스레드 수가 같으면 결정적입니다
(``.ci/test``는 노트북마다 스레드 1개).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from cnnlib.book import glued_outputs

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "book").glob("*.ipynb"))
UNSTABLE = re.compile(r"(^|_)(time|times|sec|secs|seconds|ips|speed|wall|latency|ms)(_|$)")


def execute(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(copy.deepcopy(nb), timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    return client.execute()


def _text(outputs) -> list[str]:
    """출력의 글자. 이어진 stream 조각은 하나로 합칩니다(조각이 나뉘는 곳은 타이밍에 달렸습니다)."""
    texts, last_stream = [], None
    for out in outputs:
        if out.get("output_type") == "stream":
            if last_stream == out["name"]:
                texts[-1] += out["text"]
            else:
                texts.append(out["text"])
            last_stream = out["name"]
            continue
        last_stream = None
        if "data" in out and "text/plain" in out["data"]:
            texts.append(out["data"]["text/plain"])
    return texts


def checked_outputs(nb) -> list[list[str]]:
    return [_text(c.outputs) for c in nb.cells
            if c.cell_type == "code" and "nbval-check-output" in c.metadata.get("tags", [])]


def glued_values(nb) -> dict[str, str]:
    return {name: json.dumps(data, sort_keys=True, ensure_ascii=False) for name, data in glued_outputs(nb).items()}


def stable(values: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in values.items() if not UNSTABLE.search(k.lower())}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_gives_the_same_results_twice(path):
    first, second = execute(path), execute(path)
    stored = nbformat.read(path, as_version=4)
    assert checked_outputs(first) == checked_outputs(second) == checked_outputs(stored)
    a, b = stable(glued_values(first)), stable(glued_values(second))
    assert a.keys() == b.keys()
    diff = {k: (a[k], b[k]) for k in a if a[k] != b[k]}
    assert diff == {}, f"두 실행에서 값이 다릅니다: {diff}"


def test_unstable_names_rule():
    assert stable({"train_seconds": 1, "lenet_ips": 2, "acc": 3, "time": 4, "wall_s": 5, "n_mse": 6}) == {
        "acc": 3, "n_mse": 6}


def test_stream_chunks_are_merged_before_comparing():
    chunks = [{"output_type": "stream", "name": "stdout", "text": "a\n"},
              {"output_type": "stream", "name": "stdout", "text": "b\n"},
              {"output_type": "execute_result", "data": {"text/plain": "3"}}]
    assert _text(chunks) == ["a\nb\n", "3"]
    assert _text(chunks[:1]) != _text(chunks[1:2])
