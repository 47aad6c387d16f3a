"""합성곱 산술 탐색기(cnnlib.explore)와, 웹사이트가 스스로 제공하는 위젯 자바스크립트(book/vendor).

* 파이썬 쪽: 기본값, 잘못된 인자의 한국어 오류, 값 동기화.
* 자바스크립트 쪽: anywidget 형식(`export default { render }`), 슬라이더 범위가 파이썬과
  같은지, 그리고 node 가 있으면 출력 크기 계산과 식의 글자를 파이썬과 직접 비교합니다.
* 정적 웹사이트: SHA256SUMS 의 해시, _config.yml 의 nb_ipywidgets_js 가 인터넷 주소 없이
  저장소 안의 파일만 가리키는지, anywidget 번들이 파이썬 anywidget 과 맞는 버전인지.
"""

from __future__ import annotations

import hashlib
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
def test_js_is_an_anywidget_module():
    text = JS.read_text(encoding="utf-8")
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
