"""탐색기(cnnlib.explore: 합성곱 산술·풀링·수용 영역)와, 웹사이트가 스스로 제공하는 위젯 자바스크립트(book/vendor).

* 파이썬 쪽: 기본값, 잘못된 인자의 한국어 오류, 값 동기화 (풀링은 화면에서 고친 격자까지).
* 자바스크립트 쪽: anywidget 형식(`export default { render }`), 슬라이더 범위가 파이썬과
  같은지, 브라우저 테스트용 data-role 표시, 그리고 node 가 있으면 순수 함수를 파이썬과 직접
  비교합니다: 출력 크기와 식의 글자, 풀링 값과 최댓값 위치(PyTorch), 수용 영역 점화식과
  칠하는 칸(PyTorch 의 기울기가 0 이 아닌 칸).
* 정적 웹사이트: SHA256SUMS 의 해시, _config.yml 의 nb_ipywidgets_js 가 인터넷 주소 없이
  저장소 안의 파일만 가리키는지, anywidget 번들이 파이썬 anywidget 과 맞는 버전인지.
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import json
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
JS = ROOT / "cnnlib" / "explore" / "conv_arithmetic.js"
VENDOR = ROOT / "book" / "vendor"
SUMS = VENDOR / "SHA256SUMS"
SHIM = VENDOR / "site" / "vendor" / "widgets-offline.js"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
SPHINX = CONFIG["sphinx"]["config"]
HANGUL = re.compile("[가-힣]")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def vendored() -> dict[str, str]:
    """SHA256SUMS 를 {book/vendor 기준 경로: 해시} 로 읽습니다."""
    entries = {}
    for line in SUMS.read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        entries[name.lstrip("*")] = digest
    return entries


# ---------------------------------------------------------------- 파이썬 위젯
def test_import_is_cheap():
    # `import cnnlib.explore` 만으로는 anywidget(ipywidgets)을 불러오지 않아야 합니다.
    code = "import sys, cnnlib.explore; print('anywidget' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_defaults_and_state():
    from cnnlib.explore import ConvArithmetic

    w = ConvArithmetic()
    assert (w.size, w.kernel, w.padding, w.stride, w.dilation) == (7, 3, 1, 2, 1)
    state = w.get_state()
    for name in ("size", "kernel", "padding", "stride", "dilation"):
        assert name in w.keys, f"{name}이(가) 동기화되지 않습니다"
    assert state["padding"] == 1
    assert "export default" in state["_esm"] and ".cnn-ca" in state["_css"]
    assert state["_model_module"] == "anywidget"
    # JupyterLab·Colab 이 그리는 경로: 위젯 보기 MIME 이 있어야 합니다.
    data, _ = w._repr_mimebundle_()
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == w.model_id
    assert repr(w) == "ConvArithmetic(size=7, kernel=3, padding=1, stride=2, dilation=1)"


def test_values_sync_both_ways():
    from cnnlib.explore import ConvArithmetic

    w = ConvArithmetic(size=5, kernel=3, padding=0, stride=1)
    w.padding = 2  # 파이썬 → 화면
    assert w.get_state()["padding"] == 2
    w.set_state({"stride": 3, "dilation": 2})  # 화면(슬라이더) → 파이썬
    assert (w.stride, w.dilation) == (3, 2)
    with pytest.raises(ValueError, match="패딩"):
        w.padding = 9
    assert w.padding == 2


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"size": 7.0}, TypeError, "입력 크기.*정수"),
        ({"stride": True}, TypeError, "스트라이드.*정수"),
        ({"dilation": "2"}, TypeError, "팽창.*정수"),
        ({"kernel": 0}, ValueError, "커널 크기.*1 이상 7 이하"),
        ({"padding": 5}, ValueError, "패딩.*0 이상 4 이하"),
        ({"size": 17}, ValueError, "입력 크기.*1 이상 16 이하"),
        ({"size": 3, "kernel": 7, "padding": 0}, ValueError, "커널이 패딩한 입력보다 큽니다"),
        ({"size": 4, "kernel": 3, "padding": 0, "dilation": 3}, ValueError, "커널이 패딩한 입력보다 큽니다"),
    ],
)
def test_bad_arguments_raise_korean_errors(kwargs, error, words):
    from cnnlib.explore import ConvArithmetic

    with pytest.raises(error, match=words) as info:
        ConvArithmetic(**kwargs)
    assert HANGUL.search(str(info.value))


# ---------------------------------------------------------------- 자바스크립트
def shipped_js(path) -> str:
    """위젯이 실제로 보내는 모듈: _common.js 뒤에 탐색기 파일을 이어 붙인 글."""
    from cnnlib.explore._common import bundle

    return bundle(path.name)


def test_js_is_an_anywidget_module():
    text = shipped_js(JS)
    assert len(text) > 1000
    assert re.search(r"^export default \{\s*render\s*\};?\s*$", text, re.M), (
        "export default { render } 가 없습니다"
    )
    assert re.search(r"^function render\(\{ model, el \}\)", text, re.M)
    # 다른 도구가 찾을 수 있도록 붙인 표시들
    for marker in (
        '"data-role": "formula"',
        'grid("output-grid"',
        'grid("input-grid"',
        '"data-param": p.name',
        "재생",
        "일시정지",
    ):
        assert marker in text, marker
    # 인터넷에서 무엇도 불러오지 않습니다.
    assert not re.search(r"https?://|import\s.*from\s", text)


def test_js_slider_ranges_match_python():
    from cnnlib.explore.conv_arithmetic import LIMITS

    text = JS.read_text(encoding="utf-8")
    found = {
        m["name"]: (m["label"], int(m["min"]), int(m["max"]))
        for m in re.finditer(
            r'\{ name: "(?P<name>\w+)", label: "(?P<label>[^"]+)", symbol: "\w", '
            r"min: (?P<min>\d+), max: (?P<max>\d+) \}",
            text,
        )
    }
    assert found == LIMITS


NODE_SCRIPT = """
import { PARAMS, outputSize, formulaLines, problem } from "./widget.mjs";
const names = PARAMS.map((p) => p.name);
const combos = JSON.parse(process.argv[2]);
const out = combos.map((c) => {
  const p = Object.fromEntries(names.map((n, i) => [n, c[i]]));
  return [outputSize(p), formulaLines(p), problem(p)];
});
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def run_js(tmp_path_factory):
    """conv_arithmetic.js 의 순수 함수를 node 로 부릅니다 (node 가 없으면 건너뜀)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node가 없어 자바스크립트 계산을 직접 확인하지 못합니다 (node not found)")
    folder = tmp_path_factory.mktemp("js")
    shutil.copy(JS, folder / "widget.mjs")
    (folder / "check.mjs").write_text(NODE_SCRIPT, encoding="utf-8")

    def run(combos):
        result = subprocess.run(
            [node, "check.mjs", json.dumps(combos)], capture_output=True, text=True, cwd=folder, check=True
        )
        return json.loads(result.stdout)

    return run


def test_js_output_size_matches_python_everywhere(run_js):
    from cnnlib.explore.conv_arithmetic import LIMITS
    from cnnlib.functional import output_size

    ranges = [range(low, high + 1) for _, low, high in LIMITS.values()]
    combos = list(itertools.product(*ranges))
    results = run_js(combos)
    mismatches = []
    for combo, (js_out, lines, message) in zip(combos, results, strict=True):
        try:
            expected = output_size(*combo)
        except ValueError:
            expected = None
        if js_out != expected or (message is None) != (expected is not None):
            mismatches.append((combo, js_out, expected))
        if expected is not None:
            assert lines["general"].endswith(f"= {expected}"), (combo, lines)
        assert (lines["simple"] is not None) == (combo[4] == 1)
    assert not mismatches, mismatches[:5]
    assert len(combos) == 16 * 7 * 5 * 4 * 3


def test_js_formula_text_is_exact(run_js):
    default, dilated, too_big = run_js([[7, 3, 1, 2, 1], [7, 3, 2, 2, 2], [3, 7, 0, 1, 1]])
    assert default[1] == {
        "general": "⌊(W + 2P − D·(K−1) − 1) / S⌋ + 1 = ⌊(7 + 2 − 2 − 1) / 2⌋ + 1 = ⌊6 / 2⌋ + 1 = 4",
        "simple": "⌊(W − K + 2P) / S⌋ + 1 = ⌊(7 − 3 + 2) / 2⌋ + 1 = ⌊6 / 2⌋ + 1 = 4",
        "span": None,
    }
    assert dilated[0] == 4 and dilated[1]["span"] == "커널이 덮는 폭 D·(K−1) + 1 = 2·2 + 1 = 5"
    assert too_big[0] is None and too_big[2].startswith("커널이 패딩한 입력보다 큽니다")


# ---------------------------------------------------------------- 웹사이트용 자바스크립트 (book/vendor)
def test_vendored_files_match_sha256sums():
    entries = vendored()
    assert len(entries) >= 3
    for name, digest in entries.items():
        path = VENDOR / name
        assert path.is_file(), f"{name}이(가) 없습니다. book/vendor/update.sh 를 실행하세요"
        assert sha256(path) == digest, f"{name}의 해시가 SHA256SUMS와 다릅니다"
    packages = {re.match(r"site/vendor/((?:@[^/]+/)?[^/@]+)@", name)[1] for name in entries}
    assert {"requirejs", "@jupyter-widgets/html-manager", "anywidget"} <= packages


def site_file(url: str) -> Path:
    """nb_ipywidgets_js 의 주소(_static/ 기준)를 저장소 안의 파일로 바꿉니다."""
    site_path = posixpath.normpath(posixpath.join("_static", url.split("?")[0]))
    for extra in SPHINX["html_extra_path"]:
        candidate = ROOT / extra / site_path
        if candidate.is_file():
            return candidate
    raise AssertionError(f"{url} → {site_path}: html_extra_path 안에 그런 파일이 없습니다")


def test_config_points_only_at_vendored_files():
    scripts = list(SPHINX["nb_ipywidgets_js"])
    assert len(scripts) == 3
    for url in scripts:
        assert not re.match(r"(https?:)?//", url), f"인터넷 주소입니다: {url}"
        assert not url.startswith("/"), f"사이트 루트 기준 주소는 하위 경로에서 깨집니다: {url}"
    files = [site_file(url) for url in scripts]
    # 순서: require.js → widgets-offline.js → embed-amd.js
    assert [f.name for f in files] == ["require.js", "widgets-offline.js", "embed-amd.js"]
    hashed = {VENDOR / name for name in vendored()}
    assert files[0] in hashed and files[2] in hashed
    # 속성에도 인터넷 주소가 없어야 합니다 (기본값은 cdn.jsdelivr.net 입니다).
    for attrs in SPHINX["nb_ipywidgets_js"].values():
        assert not any("//" in str(value) for value in (attrs or {}).values())


def test_offline_shim_points_at_own_folder():
    text = SHIM.read_text(encoding="utf-8")
    code = "\n".join(line for line in text.splitlines() if not line.strip().startswith("//"))
    assert "http" not in code
    assert 'setAttribute("data-jupyter-widgets-cdn", vendor)' in code
    # 연결한 파일들이 실제로 있어야 합니다.
    for target in re.findall(r'vendor \+ "([^"]+)"', code):
        path = SHIM.parent / target
        assert path.is_dir() or path.with_suffix(".js").is_file(), target


def test_anywidget_bundle_matches_python_anywidget():
    import anywidget

    from cnnlib.explore import ConvArithmetic

    text = SHIM.read_text(encoding="utf-8")
    target = re.search(r'anywidget: vendor \+ "(anywidget@([\d.]+)/dist/index)"', text)
    assert target, "widgets-offline.js 에 anywidget 경로가 없습니다"
    bundle = SHIM.parent / f"{target[1]}.js"
    version = target[2]
    assert f"site/vendor/{target[1]}.js" in vendored()
    # 위젯 상태에 적히는 버전 범위(예: ~0.11.*)를 이 번들이 만족해야 합니다.
    spec = ConvArithmetic().get_state()["_model_module_version"]
    major_minor = re.fullmatch(r"~(\d+\.\d+)\.\*", spec)
    assert major_minor and version.startswith(major_minor[1] + "."), (spec, version)
    # 같은 버전이면 파이썬 패키지에 든 번들(nbextension/index.js)과 바이트까지 같아야 합니다.
    if anywidget.__version__ == version:
        shipped = Path(anywidget.__file__).parent / "nbextension" / "index.js"
        assert sha256(bundle) == sha256(shipped)
    text = bundle.read_text(encoding="utf-8")
    assert 'define(["@jupyter-widgets/base"]' in text  # html-manager 가 부르는 AMD 모듈


# ================================================================ 풀링 탐색기 (Pooling)
POOL_JS = ROOT / "cnnlib" / "explore" / "pooling.js"
RF_JS = ROOT / "cnnlib" / "explore" / "receptive_field.js"
EXPLORERS = {
    "conv_arithmetic": ROOT / "cnnlib" / "explore" / "conv_arithmetic.js",
    "pooling": POOL_JS,
    "receptive_field": RF_JS,
}
# SVG 요소를 만들 때 쓰는 이름공간. 주소처럼 생겼지만 아무것도 내려받지 않습니다.
SVG_NS = "http://www.w3.org/2000/svg"


def test_pooling_defaults_and_state():
    from cnnlib.explore import Pooling
    from cnnlib.explore.pooling import default_values

    w = Pooling()
    assert (w.size, w.kernel, w.stride, w.padding, w.mode) == (6, 2, 2, 0, "max")
    assert w.values == default_values(6)
    assert all(isinstance(v, int) and 0 <= v <= 9 for row in w.values for v in row)
    state = w.get_state()
    for name in ("size", "kernel", "stride", "padding", "mode", "values"):
        assert name in w.keys, f"{name}이(가) 동기화되지 않습니다"
    assert state["values"] == default_values(6)
    assert "export default" in state["_esm"] and ".cnn-pool" in state["_css"]
    assert state["_model_module"] == "anywidget"
    data, _ = w._repr_mimebundle_()
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == w.model_id
    assert repr(w) == "Pooling(size=6, kernel=2, stride=2, padding=0, mode='max')"


def test_pooling_values_argument():
    import numpy as np
    import torch

    from cnnlib.explore import Pooling

    w = Pooling(values=[[1, 2.5], [3, 4]], kernel=2, stride=1)
    assert w.size == 2 and w.values == [[1, 2.5], [3, 4]]
    assert isinstance(w.values[0][0], int) and isinstance(w.values[0][1], float)
    # 넘파이 배열과 텐서도 받습니다 (JSON 으로 보낼 수 있는 파이썬 숫자로 바뀜).
    assert Pooling(values=np.arange(9).reshape(3, 3), kernel=3).values[2] == [6, 7, 8]
    assert Pooling(values=torch.ones(4, 4), mode="avg").values[0] == [1.0] * 4


def test_pooling_values_sync_both_ways():
    from cnnlib.explore import Pooling
    from cnnlib.explore.pooling import default_values, resize_values

    w = Pooling(size=4, kernel=2, stride=2)
    # 화면에서 칸 하나를 고치면 (JupyterLab) 파이썬의 w.values 에 보입니다.
    edited = [row[:] for row in w.values]
    edited[1][2] = -7.5
    w.set_state({"values": edited})
    assert w.values[1][2] == -7.5
    # 화면의 크기 슬라이더는 크기와 격자를 함께 보냅니다: 고친 값이 남아 있어야 합니다.
    bigger = resize_values(w.values, 5)
    w.set_state({"size": 5, "values": bigger})
    assert w.size == 5 and w.values == bigger and w.values[1][2] == -7.5
    # 파이썬에서 크기만 바꾸면 격자를 맞춥니다 (겹치는 칸은 그대로, 새 칸은 처음 격자).
    w.size = 7
    assert len(w.values) == 7 and w.values[1][2] == -7.5 and w.values[6] == default_values(7)[6]
    assert w.get_state()["values"] == w.values
    w.size = 3
    assert w.values == [row[:3] for row in bigger[:3]]
    w.mode = "avg"  # 파이썬 → 화면
    assert w.get_state()["mode"] == "avg"
    with pytest.raises(ValueError, match="입력 값.*3×3"):
        w.values = [[1, 2], [3, 4]]
    with pytest.raises(ValueError, match="풀링 방식"):
        w.mode = "min"
    with pytest.raises(ValueError, match="창 크기.*1 이상 4 이하"):
        w.kernel = 5
    assert (w.mode, w.kernel, len(w.values)) == ("avg", 2, 3)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"size": 11}, ValueError, "입력 크기.*2 이상 10 이하"),
        ({"size": 1}, ValueError, "입력 크기.*2 이상 10 이하"),
        ({"kernel": 0}, ValueError, "창 크기.*1 이상 4 이하"),
        ({"stride": 2.0}, TypeError, "스트라이드.*정수"),
        ({"padding": 2, "kernel": 4}, ValueError, "패딩.*0 이상 1 이하"),
        ({"mode": "min"}, ValueError, "풀링 방식.*'max'.*'avg'"),
        ({"kernel": 1, "padding": 1}, ValueError, "패딩은 창 크기의 절반 이하"),
        (
            {"size": 3, "kernel": 4},
            ValueError,
            "풀링 창이 입력에 들어가지 않습니다.*커널이 패딩한 입력보다 큽니다",
        ),
        ({"size": 3, "values": [[1, 2], [3, 4]]}, ValueError, "입력 값.*3×3"),
        ({"values": [[1, "2"], [3, 4]]}, TypeError, r"\(0, 1\) 칸은 숫자"),
        ({"values": [[1, True], [3, 4]]}, TypeError, r"\(0, 1\) 칸은 숫자"),
        ({"values": [[1, float("nan")], [3, 4]]}, ValueError, "유한한 숫자"),
        ({"values": "1234"}, ValueError, "숫자 격자"),
    ],
)
def test_pooling_bad_arguments_raise_korean_errors(kwargs, error, words):
    from cnnlib.explore import Pooling

    with pytest.raises(error, match=words) as info:
        Pooling(**kwargs)
    assert HANGUL.search(str(info.value))


# ================================================================ 수용 영역 탐색기 (ReceptiveField)
def test_receptive_field_defaults_and_state():
    from cnnlib.explore import ReceptiveField

    w = ReceptiveField()
    assert (w.layers, w.kernel, w.stride, w.dilation, w.pool) == (3, 3, 1, 1, False)
    state = w.get_state()
    for name in ("layers", "kernel", "stride", "dilation", "pool"):
        assert name in w.keys, f"{name}이(가) 동기화되지 않습니다"
    assert "export default" in state["_esm"] and ".cnn-rf" in state["_css"]
    data, _ = w._repr_mimebundle_()
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == w.model_id
    assert repr(w) == "ReceptiveField(layers=3, kernel=3, stride=1, dilation=1, pool=False)"


def test_receptive_field_values_sync_both_ways():
    from cnnlib.explore import ReceptiveField

    w = ReceptiveField(layers=2, kernel=5)
    w.stride = 2  # 파이썬 → 화면
    assert w.get_state()["stride"] == 2
    w.set_state({"layers": 6, "dilation": 3, "pool": True})  # 화면 → 파이썬
    assert (w.layers, w.dilation, w.pool) == (6, 3, True)
    with pytest.raises(ValueError, match="층 수.*1 이상 6 이하"):
        w.layers = 7
    assert w.layers == 6


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"layers": 0}, ValueError, "층 수.*1 이상 6 이하"),
        ({"layers": 7}, ValueError, "층 수.*1 이상 6 이하"),
        ({"kernel": 8}, ValueError, "커널.*1 이상 7 이하"),
        ({"stride": 1.5}, TypeError, "스트라이드.*정수"),
        ({"stride": 4}, ValueError, "스트라이드.*1 이상 3 이하"),
        ({"dilation": "2"}, TypeError, "팽창.*정수"),
        ({"dilation": 0}, ValueError, "팽창.*1 이상 3 이하"),
        ({"pool": 1}, TypeError, "풀링.*True 나 False"),
    ],
)
def test_receptive_field_bad_arguments_raise_korean_errors(kwargs, error, words):
    from cnnlib.explore import ReceptiveField

    with pytest.raises(error, match=words) as info:
        ReceptiveField(**kwargs)
    assert HANGUL.search(str(info.value))


# ================================================================ 두 탐색기의 자바스크립트
@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_explorer_js_is_a_self_contained_anywidget_module(name):
    text = shipped_js(EXPLORERS[name])
    assert re.search(r"^export default \{\s*render\s*\};?\s*$", text, re.M), (
        "export default { render } 가 없습니다"
    )
    assert re.search(r"^function render\(\{ model, el \}\)", text, re.M)
    # 인터넷에서 무엇도 불러오지 않습니다 (SVG 이름공간은 주소가 아니라 이름입니다).
    assert not re.search(r"https?://|import\s.*from\s|\bimport\(|fetch\(", text.replace(SVG_NS, ""))
    # 슬라이더의 키보드 입력을 JupyterLab 이 가로채지 않게 하는 처리
    assert '"keydown", (event) => event.stopPropagation()' in text
    from cnnlib.explore._common import bundle

    css = bundle(EXPLORERS[name].with_suffix(".css").name)
    assert "http" not in css and "@import" not in css


def js_roles(text: str) -> set[str]:
    """자바스크립트가 붙이는 data-role 값들 (value-이름 처럼 만들어지는 것은 빼고)."""
    roles = set(re.findall(r'"data-role": "([\w-]+)"', text))
    roles |= set(re.findall(r'grid\("([\w-]+)"', text))
    return roles


@pytest.mark.parametrize(
    ("name", "roles", "params"),
    [
        (
            "pooling",
            {
                "formula",
                "input-grid",
                "output-grid",
                "input-cell",
                "output-cell",
                "status",
                "step",
                "reset",
                "message",
                "edit-note",
            },
            {"mode"},
        ),
        (
            "receptive_field",
            {
                "formula",
                "diagram",
                "rf-table",
                "rf-size",
                "rf-bracket",
                "band",
                "band-note",
                "status",
                "prev",
                "next",
                "jump",
                "rf",
            },
            {"pool"},
        ),
    ],
)
def test_js_marks_elements_for_browser_tests(name, roles, params):
    text = shipped_js(EXPLORERS[name])
    found = js_roles(text)
    assert roles <= found, roles - found
    assert '"data-param": p.name' in text
    for param in params:
        assert f'"data-param": "{param}"' in text
    # 파이썬 docstring 이 모든 표시를 적어 둡니다 (브라우저 테스트를 쓰는 사람이 읽는 곳).
    doc = importlib.import_module(f"cnnlib.explore.{name}").__doc__
    missing = {role for role in found if f'"{role}"' not in doc}
    assert not missing, f"{name}.py docstring 에 없는 data-role: {missing}"


def js_params(text: str) -> dict[str, tuple[str, int, int]]:
    return {
        m["name"]: (m["label"], int(m["min"]), int(m["max"]))
        for m in re.finditer(
            r'\{ name: "(?P<name>\w+)", label: "(?P<label>[^"]+)", symbol: "\w", '
            r"min: (?P<min>\d+), max: (?P<max>\d+) \}",
            text,
        )
    }


def test_pooling_and_rf_slider_ranges_match_python():
    from cnnlib.explore import pooling, receptive_field

    assert js_params(POOL_JS.read_text(encoding="utf-8")) == pooling.LIMITS
    assert js_params(RF_JS.read_text(encoding="utf-8")) == receptive_field.LIMITS
    modes = dict(re.findall(r'\{ name: "(\w+)", label: "([^"]+)" \}', POOL_JS.read_text(encoding="utf-8")))
    assert modes == pooling.MODES


@pytest.fixture(scope="module")
def node_module(tmp_path_factory):
    """탐색기 JS 하나를 node 로 불러 스크립트를 돌립니다. 입력·출력은 JSON (표준 입출력)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node가 없어 자바스크립트 계산을 직접 확인하지 못합니다 (node not found)")

    def run(js: Path, script: str, payload):
        folder = tmp_path_factory.mktemp("js")
        shutil.copy(js, folder / "widget.mjs")
        (folder / "check.mjs").write_text(
            'import * as m from "./widget.mjs";\n'
            'import { readFileSync } from "node:fs";\n'
            'const input = JSON.parse(readFileSync(0, "utf8"));\n' + script,
            encoding="utf-8",
        )
        result = subprocess.run(
            [node, "check.mjs"],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            cwd=folder,
            check=True,
        )
        return json.loads(result.stdout)

    return run


# ---------------------------------------------------------------- 풀링: JS 와 파이썬·PyTorch
POOL_SCRIPT = """
const [combos, grids] = input;
const out = {
  defaults: [2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => m.defaultValues(n)),
  resized: [m.resizeValues(grids[1].slice(0, 3).map((r) => r.slice(0, 3)), 5), m.resizeValues(grids[1], 4)],
  combos: combos.map(([size, kernel, stride, padding, mode]) => {
    const p = { size, kernel, stride, padding, mode };
    const pooled = grids.map((g) => {
      const r = m.pool(p, g.slice(0, size).map((row) => row.slice(0, size)));
      return r && r.cells.map((c) => [c.value, c.argmax && [c.argmax.row, c.argmax.col]]);
    });
    return { out: m.outputSize(p), problem: m.problem(p), formula: m.formulaLine(p), pooled };
  }),
  text: {
    format: [3, 2.5, 10 / 3, -2.345, -0.001, -Infinity, 1e-9].map(m.formatNumber),
    parse: ["7", " -3.5 ", "−2", "1,5", "+.5", "2e2", "", "abc", "1.2.3", "0x10", "Infinity"].map(m.parseNumber),
    describe: [
      m.describe({ mode: "max" }, m.pool({ size: 6, kernel: 2, stride: 2, padding: 0, mode: "max" }, m.defaultValues(6)).cells[0]),
      m.describe({ mode: "avg" }, m.pool({ size: 6, kernel: 2, stride: 2, padding: 0, mode: "avg" }, m.defaultValues(6)).cells[1]),
    ],
    unused: m.unusedPositions({ size: 7, kernel: 2, stride: 3, padding: 0 }),
  },
};
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def pool_js(node_module):
    from cnnlib.explore.pooling import LIMITS, MODES

    ranges = [range(low, high + 1) for _, low, high in LIMITS.values()]
    combos = [[*c, mode] for c in itertools.product(*ranges) for mode in MODES]
    generator = __import__("random").Random(0)
    noisy = [[round(generator.uniform(-5, 5), 3) for _ in range(10)] for _ in range(10)]
    from cnnlib.explore.pooling import default_values

    grids = [default_values(10), noisy]
    return combos, grids, node_module(POOL_JS, POOL_SCRIPT, [combos, grids])


def test_js_pooling_default_grid_matches_python(pool_js):
    from cnnlib.explore.pooling import default_values, resize_values

    _, grids, result = pool_js
    assert result["defaults"] == [default_values(n) for n in range(2, 11)]
    noisy = grids[1]
    assert result["resized"] == [resize_values([r[:3] for r in noisy[:3]], 5), resize_values(noisy, 4)]


def test_js_pooling_fit_rules_match_python(pool_js):
    from cnnlib.explore.pooling import check_params

    combos, _, result = pool_js
    for combo, js in zip(combos, result["combos"], strict=True):
        try:
            expected, reason = check_params(*combo), None
        except ValueError as error:
            expected, reason = None, str(error)
        if reason is None:
            assert js["problem"] is None and js["out"] == expected, (combo, js)
            assert js["formula"].endswith(f"= {expected}")
        else:
            assert js["problem"] is not None, (combo, reason)
            # 같은 까닭을 같은 말로 알립니다.
            key = "패딩은 창 크기의 절반 이하" if "절반" in reason else "풀링 창이 입력에 들어가지 않습니다"
            assert key in reason and key in js["problem"], (combo, reason, js["problem"])


def test_js_pooling_formula_text_is_exact(pool_js):
    combos, _, result = pool_js
    by_combo = {tuple(c): js for c, js in zip(combos, result["combos"], strict=True)}
    assert (
        by_combo[(6, 2, 2, 0, "max")]["formula"] == "⌊(W − K) / S⌋ + 1 = ⌊(6 − 2) / 2⌋ + 1 = ⌊4 / 2⌋ + 1 = 3"
    )
    assert by_combo[(7, 3, 2, 1, "avg")]["formula"] == (
        "⌊(W + 2P − K) / S⌋ + 1 = ⌊(7 + 2 − 3) / 2⌋ + 1 = ⌊6 / 2⌋ + 1 = 4"
    )
    assert by_combo[(3, 4, 1, 0, "max")]["formula"].endswith("→ 창이 입력보다 큽니다")
    text = result["text"]
    assert text["format"] == ["3", "2.5", "3.33", "−2.35", "0", "−∞", "0"]
    assert text["parse"] == [7, -3.5, -2, 1.5, 0.5, 200, None, None, None, None, None]
    assert text["describe"] == ["최대 max(3, 9, 2, 0) = 9", "평균 (4 + 8 + 0 + 2) / 4 = 3.5"]
    assert text["unused"] == [2, 5, 6]


def test_js_pooling_matches_pytorch_everywhere(pool_js):
    """모든 값 조합·두 격자에서 JS 의 풀링 값과 최댓값 위치가 PyTorch 와 같습니다."""
    import torch
    import torch.nn.functional as F

    from cnnlib.functional import pool2d

    combos, grids, result = pool_js
    checked = 0
    for (size, kernel, stride, padding, mode), js in zip(combos, result["combos"], strict=True):
        if js["problem"] is not None:
            assert js["pooled"] == [None, None]
            continue
        for grid, pooled in zip(grids, js["pooled"], strict=True):
            x = torch.tensor([row[:size] for row in grid[:size]], dtype=torch.float64)[None, None]
            expected = pool2d(x, kernel, stride, padding, mode)[0, 0].flatten().tolist()
            values = [v for v, _ in pooled]
            assert values == pytest.approx(expected, abs=1e-12), (size, kernel, stride, padding, mode)
            if mode == "max":
                _, index = F.max_pool2d(x, kernel, stride, padding, return_indices=True)
                # JS 는 패딩한 격자의 (행, 열), PyTorch 는 원래 입력을 편 번호
                js_index = [(r - padding) * size + (c - padding) for _, (r, c) in pooled]
                assert js_index == index.flatten().tolist(), (size, kernel, stride, padding)
            else:
                assert all(a is None for _, a in pooled)
            checked += 1
    assert checked > 400


# ---------------------------------------------------------------- 수용 영역: JS 와 파이썬·PyTorch
RF_SCRIPT = """
const out = input.map(([layers, kernel, stride, dilation, pool]) => {
  const p = { layers, kernel, stride, dilation, pool };
  const lay = m.layout(p);
  const L = lay.stack.length;
  const unit = Math.floor((lay.top - 1) / 2);
  const deps = m.dependencies(lay.stack, L, unit);
  return {
    stack: lay.stack.map((s) => [s.kind, s.name, s.kernel, s.stride, s.dilation]),
    rows: lay.rows.map((row) => [row.r, row.j]),
    lengths: lay.lengths,
    n0: lay.n0,
    top: lay.top,
    unit,
    input: deps[0],
    sizes: deps.map((d) => d.length),
    span: m.rfSpan(lay.rows, L, unit),
    summary: m.summary(p),
    formulas: m.formulaRows(lay.stack),
  };
});
console.log(JSON.stringify(out));
"""


def reference_stack(layers, kernel, stride, dilation, pool):
    """파이썬으로 다시 쓴 층 목록: 합성곱 layers 개, pool 이면 2층마다 (2, 2, 1) 풀링."""
    stack = []
    for i in range(1, layers + 1):
        stack.append(("conv", kernel, stride, dilation))
        if pool and i % 2 == 0:
            stack.append(("pool", 2, 2, 1))
    return stack


def reference_rf(stack):
    """r_l = r_{l−1} + (k−1)·d·j_{l−1}, j_l = j_{l−1}·s 를 그대로 계산합니다."""
    r, j = 1, 1
    rows = [[r, j]]
    for _, k, s, d in stack:
        r, j = r + (k - 1) * d * j, j * s
        rows.append([r, j])
    return rows


@pytest.fixture(scope="module")
def rf_js(node_module):
    from cnnlib.explore.receptive_field import LIMITS

    ranges = [range(low, high + 1) for _, low, high in LIMITS.values()]
    combos = [[*c, pool] for c in itertools.product(*ranges) for pool in (False, True)]
    return combos, node_module(RF_JS, RF_SCRIPT, combos)


def test_js_receptive_field_matches_formula(rf_js):
    combos, result = rf_js
    assert len(combos) == 6 * 7 * 3 * 3 * 2
    for combo, js in zip(combos, result, strict=True):
        stack = reference_stack(*combo)
        assert [s[0] for s in js["stack"]] == [s[0] for s in stack]
        assert [s[2:] for s in js["stack"]] == [list(s[1:]) for s in stack]
        assert js["rows"] == reference_rf(stack), combo
        r = js["rows"][-1][0]
        assert js["summary"]["r"] == r and f"입력 {r}칸" in js["summary"]["text"]
        # 그림의 괄호(rfSpan)와 실제로 읽는 칸의 양 끝이 같고, 그 폭이 r 입니다.
        assert js["span"] == {"first": js["input"][0], "last": js["input"][-1]}
        assert js["input"][-1] - js["input"][0] + 1 == r
        assert js["summary"]["used"] == len(js["input"])
        # 맨 위 층이 고른 칸 수가 되도록 입력 크기를 잡았습니다: n0 = r + (top − 1)·j.
        assert js["lengths"][-1] == js["top"] >= 3 and js["n0"] == r + (js["top"] - 1) * js["rows"][-1][1]


def test_js_receptive_field_optional_cnnlib_agrees(rf_js):
    """cnnlib.functional.receptive_field 가 있으면 그것과도 같아야 합니다 (없으면 건너뜀)."""
    from cnnlib import functional

    if not hasattr(functional, "receptive_field"):
        pytest.skip("cnnlib.functional.receptive_field 가 아직 없습니다")
    combos, result = rf_js
    for combo, js in zip(combos, result, strict=True):
        layers = [(k, s, d) for _, k, s, d in reference_stack(*combo)]
        assert functional.receptive_field(layers) == js["rows"][-1][0], combo


def test_js_dependencies_match_pytorch_gradients(rf_js):
    """고른 칸의 기울기가 0 이 아닌 입력 칸 = JS 가 칠하는 입력 칸 (모든 값 조합).

    가중치를 모두 1 로 둔 Conv1d 와 평균 풀링을 쌓고, 맨 위 층의 고른 칸을 입력으로 미분합니다.
    모든 값이 양수라 서로 지워지지 않으므로, 기울기가 0 이 아닌 곳이 곧 그 칸이 읽는 곳입니다.
    """
    import torch

    combos, result = rf_js
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # 작은 연산 수백 번: 스레드가 여럿이면 바쁜 기계에서 오히려 느립니다
    try:
        check_gradients(combos, result)
    finally:
        torch.set_num_threads(threads)


def check_gradients(combos, result):
    """모든 조합에서 층마다 칸 수와, 고른 칸의 기울기가 0 이 아닌 입력 칸을 JS 와 비교합니다."""
    import torch
    import torch.nn.functional as F

    for combo, js in zip(combos, result, strict=True):
        x = torch.ones(1, 1, js["n0"], dtype=torch.float64, requires_grad=True)
        y = x
        lengths = [js["n0"]]
        for kind, k, s, d in reference_stack(*combo):
            if kind == "pool":
                y = F.avg_pool1d(y, 2, 2)
            else:
                y = F.conv1d(y, torch.ones(1, 1, k, dtype=torch.float64), stride=s, dilation=d)
            lengths.append(y.shape[-1])
        assert js["lengths"] == lengths, combo
        y[0, 0, js["unit"]].backward()
        assert torch.nonzero(x.grad[0, 0]).flatten().tolist() == js["input"], combo


def test_js_receptive_field_text_is_exact(rf_js):
    combos, result = rf_js
    by_combo = {tuple(c): js for c, js in zip(combos, result, strict=True)}
    default = by_combo[(3, 3, 1, 1, False)]
    assert default["rows"] == [[1, 1], [3, 1], [5, 1], [7, 1]]
    assert default["formulas"][2] == {"r": "5 + (3 − 1)·1·1 = 7", "j": "1·1 = 1"}
    assert default["summary"]["text"] == "맨 위 층(합성곱 3) 한 칸의 수용 영역: 입력 7칸 (2차원이면 7×7)"
    dilated = by_combo[(3, 3, 1, 2, False)]
    assert dilated["summary"]["r"] == 13 and dilated["summary"]["used"] == 7
    assert dilated["summary"]["text"].endswith("실제로 읽는 칸은 7개 (건너뛰는 칸이 있습니다)")
    pooled = by_combo[(2, 3, 1, 1, True)]
    assert [s[1] for s in pooled["stack"]] == ["합성곱 1", "합성곱 2", "풀링 1"]
    assert pooled["formulas"][2] == {"r": "5 + (2 − 1)·1·1 = 6", "j": "1·2 = 2"}
