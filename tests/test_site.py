"""The website, tested in a real browser (headless Debian Chromium + chromedriver, via Selenium).

The site is the ``ci`` profile build (``CNNLIB_PROFILE=ci bash .ci/book`` → ``_build/ci/_build/html``),
served on 127.0.0.1 (random free port) by a thread of this process. The session fixture runs that
build every time: Sphinx and jupyter-cache redo only what changed, so an up-to-date site costs
seconds, and the tests can never look at a stale one. ``CNN_BOOK_SITE=<folder>`` tests a site that
is already built instead (no build), e.g. a copy with a deliberate fault.

What is checked, on every page found from ``_toc.yml`` (plus index, genindex, search):

* the page loads: no console error (level SEVERE) and no failed request, MathJax and every
  widget finish rendering;
* no request leaves 127.0.0.1 (Chrome performance log), and no page or style sheet names an
  outside resource (fonts, theme assets, scripts);
* Hangul is drawn with a Korean font: a probe span of Hangul put inside the first paragraph
  inherits the body text's ``font-family``; DevTools ``CSS.getPlatformFontsForNode`` says which
  installed fonts Chromium really used for it, and each must be one that fontconfig lists for
  ``:lang=ko`` (with Debian ``fonts-nanum`` that is NanumGothic). This is exact where
  ``document.fonts.check`` is not (it answers true for any installed system font);
* math renders: every ``.math`` element has MathJax output (``mjx-container``), no MathJax error,
  and no raw ``$…$``, ``\\(`` or ``\\[`` in the visible text outside code;
* every chapter has the Colab launch button for its own reader-edition notebook (same path, on the
  ``reader_edition_branch`` of ``_config.yml``'s repository);
* every anywidget explorer on every page responds (found generically from the page's widget
  state: model module ``anywidget``, kind = last part of ``_anywidget_id``); each kind also has a
  driver in ``EXPLORER_DRIVERS`` that checks exact values against ``cnnlib.functional``;
* kernel-backed widgets (ipywidgets with an ``Image``, e.g. ``cnnlib.plot.interactive_figure``)
  show their first image, after a note that mentions Colab;
* exercise solutions are hidden until their toggle is clicked;
* no broken internal link, image or ``#fragment`` anywhere in the built HTML (static crawl);
* page weight: the heaviest chapter page (HTML + everything it loads) stays under 5 MB.

Screenshots go to ``_build/screenshots/`` (the front page and every explorer), and a report
(page weights, fonts, counts) to ``_build/site-report.txt``.

All tests here carry the ``browser`` marker: ``bash .ci/test -m "not browser"`` leaves them out.
Without Chromium they fail with a Korean message when ``CI`` is set, and are skipped otherwise.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import site_helpers as sh

pytestmark = pytest.mark.browser

MAX_CHAPTER_BYTES = 5 * 1024 * 1024
PAGES = sh.expected_pages()
CHAPTER_PAGES = sh.chapter_pages()
page_param = pytest.mark.parametrize("page", PAGES)
#: Chromium asks every server for /favicon.ico when a page names no icon; not the site's doing.
IGNORED_REQUESTS = re.compile(r"^\S+ https?://127\.0\.0\.1:\d+/favicon\.ico$")
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'


def slug(page: str) -> str:
    return page.removesuffix(".html").replace("/", "_")


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    log = tmp_path_factory.mktemp("site") / "build.log"
    try:
        return sh.build_site(log)
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def crawled(site):
    return sh.crawl(site)


@pytest.fixture(scope="session")
def report():
    """A dict the tests fill; written to _build/site-report.txt at the end of the session."""
    data: dict = {"sections": {}}
    yield data
    lines = [f"웹사이트 브라우저 테스트 보고서 (tests/test_site.py) — {time.strftime('%Y-%m-%d %H:%M:%S')}"]
    for title, body in data["sections"].items():
        lines += ["", f"## {title}", *body]
    sh.REPORT.parent.mkdir(parents=True, exist_ok=True)
    sh.REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def chromium() -> tuple[str, str]:
    return sh.chromium_or_skip()


@pytest.fixture(scope="session")
def server(site):
    with sh.serve(site) as base:
        yield base


@pytest.fixture(scope="session")
def browser(chromium, tmp_path_factory):
    """One headless Chromium for the session, with a fresh profile (no stored theme, no cache)."""
    drv = sh.start_chromium(*chromium, str(tmp_path_factory.mktemp("chromium-profile")))
    yield drv
    drv.quit()


@pytest.fixture(scope="session")
def visits(browser, server, site, report) -> dict[str, sh.Visit]:
    """Every page visited once, in a fresh browser profile, front page first."""
    sh.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in sh.SCREENSHOTS.glob("*.png"):
        old.unlink()
    out = {}
    for page in dict.fromkeys(["index.html", *sh.html_pages(site)]):
        try:
            out[page] = sh.visit(browser, server, page)
        except Exception as error:  # one broken page must not hide the others
            out[page] = sh.Visit(page, server + page, [f"페이지를 열지 못했습니다: {error!r}"], [], [], [], {}, [], 0)
        if page == "index.html":
            browser.save_screenshot(str(sh.SCREENSHOTS / "front.png"))
    t = sum(v.seconds for v in out.values())
    fonts = sorted({f["familyName"] for v in out.values() for f in v.fonts})
    report["sections"]["페이지"] = [
        f"페이지 {len(out)}개를 {t:.1f}초에 열었습니다. 한글 본문 글꼴: {', '.join(fonts) or '없음'}",
        *(f"  {v.seconds:5.1f}초  {p}" for p, v in out.items()),
    ]
    return out


def page_visit(visits, page) -> sh.Visit:
    if page not in visits:  # test_site_has_exactly_the_toc_pages fails for it; one failure is enough
        pytest.skip(f"{page}: 빌드한 웹사이트에 이 페이지가 없습니다 (page missing from the built site)")
    return visits[page]


def reload(browser, server, page):
    """Opens ``page`` again (fresh state) and waits for MathJax and the widgets."""
    browser.get(server + page)
    problems = browser.execute_async_script(sh.READY_JS, 30)
    assert not problems, f"{page}: {problems}"


def view_element(browser, index: int):
    return browser.execute_script(
        f"return document.querySelectorAll('{WIDGET_VIEW}')[arguments[0]].previousElementSibling", index
    )


def widget_models(info: dict) -> dict:
    return info.get("models") or {}


def explorer_kind(model: dict) -> str | None:
    """The explorer's class name for an anywidget model (``cnnlib.explore.x.ConvArithmetic`` → ``ConvArithmetic``)."""
    state = model.get("state", {})
    if model.get("model_module") != "anywidget" and state.get("_model_module") != "anywidget":
        return None
    return str(state.get("_anywidget_id") or "AnyWidget").rsplit(".", 1)[-1]


def model_tree(models: dict, model_id: str) -> list[dict]:
    """A model and every model it refers to (children, layout ...), depth first."""
    seen, out, stack = set(), [], [model_id]
    while stack:
        mid = stack.pop()
        if mid in seen or mid not in models:
            continue
        seen.add(mid)
        out.append(models[mid])
        for value in models[mid].get("state", {}).values():
            refs = value if isinstance(value, list) else [value]
            stack += [r.removeprefix("IPY_MODEL_") for r in refs if isinstance(r, str) and r.startswith("IPY_MODEL_")]
    return out


# ---------------------------------------------------------------- static checks of the built HTML
def test_site_has_exactly_the_toc_pages(site):
    built = set(sh.html_pages(site))
    missing = sorted(set(PAGES) - built)
    extra = sorted(built - set(PAGES))
    assert not missing, f"_toc.yml의 페이지가 빌드되지 않았습니다 (pages missing): {missing}"
    assert not extra, (
        f"목차에 없는 페이지가 빌드되었습니다 (pages not in _toc.yml): {extra} — 지난 빌드에서 남은 파일이면 "
        f"{site} 를 지우고 다시 빌드하세요 (Sphinx does not delete pages of removed documents)"
    )


def test_no_broken_internal_links(site, crawled, report):
    """Every local href/src names a file of the site, and every #fragment an id of the target page."""
    problems, links, fragments = [], 0, 0
    for page, info in crawled.items():
        for ref in info.refs:
            if sh.EXTERNAL.match(ref.url) or ref.url == "#":
                continue
            links += 1
            target, fragment, problem = sh.resolve_local(site, page, ref.url)
            if problem:
                problems.append(f"{page}: <{ref.tag} {ref.attr}={ref.url!r}> {problem}")
                continue
            if fragment and target.endswith(".html"):
                fragments += 1
                ids = crawled[target].ids if target in crawled else sh.crawl_one(site, target).ids
                if fragment not in ids:
                    problems.append(f"{page}: <{ref.tag} {ref.attr}={ref.url!r}> {target}에 id {fragment!r}가 없습니다")
    # Files that the pages' style sheets load (fonts, images).
    css_files = {
        sh.resolve_local(site, page, ref.url)[0]
        for page, info in crawled.items()
        for ref in info.refs
        if ref.resource and ref.url.split("?")[0].endswith(".css") and not sh.EXTERNAL.match(ref.url)
    } - {None}
    for css in sorted(css_files):
        for url in sh.css_urls((site / css).read_text(encoding="utf-8", errors="replace")):
            if sh.EXTERNAL.match(url) or url.startswith("#"):
                continue
            links += 1
            if sh.resolve_local(site, css, url)[2]:
                problems.append(f"{css}: url({url}) 파일이 없습니다 (missing file)")
    report["sections"]["링크"] = [
        f"HTML 페이지 {len(crawled)}개, 스타일시트 {len(css_files)}개에서 사이트 안 주소 {links}개 "
        f"(#조각 {fragments}개)를 확인했습니다. 깨진 것: {len(problems)}개"
    ]
    assert links > 0
    assert not problems, f"깨진 내부 링크·이미지 {len(problems)}개 (broken internal links):\n" + "\n".join(problems[:50])


def test_no_outside_resources_in_html_or_css(site, crawled):
    """Pages and their style sheets name no outside script, style sheet, font or image."""
    problems = []
    for page, info in crawled.items():
        problems += [f"{page}: <{r.tag} {r.attr}={r.url}>" for r in info.refs if r.resource and sh.EXTERNAL.match(r.url)
                     and not r.url.startswith("data:")]
    for css in sorted(site.rglob("*.css")):
        for url in sh.css_urls(css.read_text(encoding="utf-8", errors="replace")):
            if re.match(r"^(https?:)?//", url):
                problems.append(f"{css.relative_to(site)}: url({url})")
    assert not problems, "사이트 밖의 자원을 불러옵니다 (outside resources):\n" + "\n".join(problems[:50])


# ---------------------------------------------------------------- every page in the browser
@page_param
def test_page_loads_without_errors(visits, page):
    v = page_visit(visits, page)
    errors = [
        f"콘솔 {e['level']}: {e['message'][:300]}"
        for e in v.console
        if e["level"] == "SEVERE"
        and not any(re.search(pattern, e["message"]) for pattern, _ in sh.ALLOWED_CONSOLE_ERRORS)
        and not ("favicon.ico" in e["message"] and e.get("source") == "network")
    ]
    errors += [f"실패한 요청: {f}" for f in v.failed if not IGNORED_REQUESTS.match(f)]
    errors += [f"준비되지 않음: {p}" for p in v.ready_problems]
    assert not errors, f"{page}:\n" + "\n".join(errors)


@page_param
def test_no_request_leaves_localhost(visits, server, page):
    v = page_visit(visits, page)
    assert v.requests, f"{page}: 요청이 기록되지 않았습니다 (no requests in the performance log)"
    outside = sorted({u for u in v.requests if not sh.is_local(u, server)})
    assert not outside, f"{page}: 127.0.0.1 밖으로 나간 요청 (requests leaving 127.0.0.1): {outside}"


@page_param
def test_hangul_renders_in_a_korean_font(visits, page):
    korean = sh.korean_font_families()
    assert korean, "fontconfig가 한국어 글꼴을 하나도 찾지 못했습니다: fonts-nanum을 설치하세요 (fc-list :lang=ko is empty)"
    v = page_visit(visits, page)
    assert v.fonts, f"{page}: 본문 글꼴을 알아내지 못했습니다 (no platform fonts for the Hangul probe)"
    used = {f["familyName"]: f["glyphCount"] for f in v.fonts}
    not_korean = sorted(name for name in used if name not in korean)
    assert not not_korean, (
        f"{page}: 한글을 한국어 글꼴이 아닌 {not_korean}로 그렸습니다 (body font-family {v.info.get('body_font')!r}); "
        f"한국어 글꼴: {sorted(korean)[:6]}"
    )
    assert sum(used.values()) == len(sh.HANGUL_PROBE), used


@page_param
def test_math_renders(visits, page):
    info = page_visit(visits, page).info
    assert info, f"{page}: 페이지를 읽지 못했습니다"
    assert info["mjx"] >= info["math_sources"], (
        f"{page}: 수식 {info['math_sources']}개 중 MathJax가 그린 것은 {info['mjx']}개입니다 (math not typeset)"
    )
    assert info["mjx_errors"] == 0, f"{page}: MathJax 오류 {info['mjx_errors']}개 (TeX errors)"
    raw = re.findall(r"\\[(\[]|\$\$|\$[^\s$][^$\n]{0,120}\$", info["text"])
    assert not raw, f"{page}: 그려지지 않은 수식 문법이 보입니다 (raw math in visible text): {raw[:5]}"


def test_math_is_found_somewhere(visits):
    assert sum(v.info.get("mjx", 0) for v in visits.values()) > 0, "어느 페이지에도 수식이 없습니다 (no math anywhere?)"


# ---------------------------------------------------------------- chapters: launch buttons
@pytest.mark.parametrize("page", CHAPTER_PAGES)
def test_chapter_has_colab_button(browser, server, visits, page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page_visit(visits, page)
    reload(browser, server, page)
    expected = sh.colab_url(page)
    links = browser.find_elements(By.CSS_SELECTOR, ".dropdown-launch-buttons a[href*='colab']")
    hrefs = [a.get_attribute("href") for a in links]
    assert hrefs == [expected], f"{page}: Colab 실행 단추 주소 {hrefs}, 기대한 주소 {expected}"
    browser.find_element(By.CSS_SELECTOR, ".dropdown-launch-buttons button").click()
    WebDriverWait(browser, 5).until(lambda d: links[0].is_displayed(), f"{page}: 로켓 단추를 눌러도 Colab 항목이 보이지 않습니다")


# ---------------------------------------------------------------- explorers (anywidget)
def _read(drv, root, script: str):
    return drv.execute_script("const r = arguments[0];\n" + script, root)


def _press(drv, element, key):
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", element)
    element.send_keys(key)


def _nudge(drv, root, name: str, state: dict, low: int, high: int) -> int:
    """Moves slider ``name`` one step (right, or left at the top) with the keyboard; returns the new value."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    old = state[name]
    new = old + 1 if old < high else old - 1
    assert low <= new <= high
    slider = root.find_element(By.CSS_SELECTOR, f'input[data-param="{name}"]')
    _press(drv, slider, Keys.ARROW_RIGHT if new > old else Keys.ARROW_LEFT)
    WebDriverWait(drv, 5).until(
        lambda d: _read(d, root, f"return r.querySelector('[data-role=value-{name}]')?.textContent") == str(new),
        f"슬라이더 {name}을(를) 움직여도 값 표시가 {new}(으)로 바뀌지 않습니다",
    )
    return new


def drive_conv_arithmetic(drv, root, state: dict) -> str:
    """Padding slider one step → formula and output grid show cnnlib.functional.output_size."""
    from cnnlib.explore.conv_arithmetic import LIMITS
    from cnnlib.functional import output_size

    p = {k: int(state[k]) for k in ("size", "kernel", "padding", "stride", "dilation")}
    read = """const g = r.querySelector('[data-role=output-grid]'), i = r.querySelector('[data-role=input-grid]');
      return {formula: r.querySelector('[data-role=formula-general]')?.textContent ?? null,
              out: g ? Number(g.dataset.rows) : null, cells: g ? g.querySelectorAll('.cnn-ca-cell').length : 0,
              inp: i ? Number(i.dataset.rows) : null, pads: r.querySelectorAll('[data-pad="1"]').length};"""

    def check(p, seen):
        W, K, P, S, D = p["size"], p["kernel"], p["padding"], p["stride"], p["dilation"]
        out = output_size(W, K, P, S, D)
        assert seen["formula"] is not None, "식(formula-general)이 없습니다"
        assert f"({W} + {2 * P} − {D * (K - 1)} − 1) / {S}⌋" in seen["formula"], (p, seen["formula"])
        assert seen["formula"].endswith(f"= {out}"), (p, seen["formula"])
        assert (seen["out"], seen["cells"]) == (out, out * out), (p, seen)
        assert seen["inp"] == W + 2 * P and seen["pads"] == (W + 2 * P) ** 2 - W * W, (p, seen)
        return seen

    before = check(p, _read(drv, root, read))
    _, low, high = LIMITS["padding"]
    p["padding"] = _nudge(drv, root, "padding", p, low, high)
    after = check(p, _read(drv, root, read))
    assert after["formula"] != before["formula"]
    return f"패딩 {state['padding']}→{p['padding']}: 출력 {before['out']}→{after['out']}"


def drive_pooling(drv, root, state: dict) -> str:
    """Stride slider one step → output size; 평균 button → every output equals cnnlib.functional.pool2d."""
    import torch
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from cnnlib.explore.pooling import LIMITS
    from cnnlib.functional import output_size, pool2d

    p = {k: int(state[k]) for k in ("size", "kernel", "stride", "padding")}
    _, low, high = LIMITS["stride"]
    p["stride"] = _nudge(drv, root, "stride", p, low, high)
    button = root.find_element(By.CSS_SELECTOR, 'button[data-param="mode"][data-value="avg"]')
    drv.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    WebDriverWait(drv, 5).until(lambda d: button.get_attribute("aria-pressed") == "true", "평균 단추가 눌리지 않습니다")
    seen = _read(drv, root, """const g = r.querySelector('[data-role=output-grid]');
      const cells = (sel) => [...r.querySelectorAll(sel)];
      return {rows: g ? Number(g.dataset.rows) : null, message: r.querySelector('[data-role=message]')?.textContent ?? null,
        inputs: cells('[data-role=input-cell]').map((c) => [Number(c.dataset.row), Number(c.dataset.col), Number(c.value)]),
        outputs: cells('[data-role=output-cell]').map((c) => [Number(c.dataset.row), Number(c.dataset.col), Number(c.dataset.value)])};""")
    W, K, S, P = p["size"], p["kernel"], p["stride"], p["padding"]
    try:
        out = output_size(W, K, P, S)
    except ValueError:
        assert seen["message"], (p, seen)
        return f"스트라이드 {state['stride']}→{S}: 안내문"
    assert seen["rows"] == out, (p, seen["rows"], out)
    grid = torch.zeros(1, 1, W, W)
    for r, c, value in seen["inputs"]:
        grid[0, 0, r - P, c - P] = value
    expected = pool2d(grid, K, stride=S, padding=P, mode="avg")[0, 0]
    assert len(seen["outputs"]) == out * out
    for r, c, value in seen["outputs"]:
        assert abs(value - float(expected[r, c])) < 1e-6, (p, (r, c), value, float(expected[r, c]))
    return f"스트라이드 {state['stride']}→{S}, 평균 풀링: 출력 {out}×{out} 값 모두 pool2d와 같음"


def drive_receptive_field(drv, root, state: dict) -> str:
    """Layers slider one step → the receptive field equals cnnlib.functional.receptive_field."""
    from cnnlib.explore.receptive_field import LIMITS
    from cnnlib.functional import receptive_field

    p = {k: int(state[k]) for k in ("layers", "kernel", "stride", "dilation")}
    pool = bool(state.get("pool"))

    def expected(p):
        layers = []
        for i in range(p["layers"]):
            layers.append((p["kernel"], p["stride"], p["dilation"]))
            if pool and i % 2 == 1:
                layers.append((2, 2))
        return receptive_field(layers)

    read = "return Number(r.querySelector('[data-role=rf-size]')?.dataset.value);"
    before = _read(drv, root, read)
    assert before == expected(p), (p, before, expected(p))
    _, low, high = LIMITS["layers"]
    p["layers"] = _nudge(drv, root, "layers", p, low, high)
    after = _read(drv, root, read)
    assert after == expected(p), (p, after, expected(p))
    rows = _read(drv, root, "return r.querySelectorAll('[data-role=rf-table] tbody tr[data-layer]').length;")
    assert rows >= p["layers"], (p, rows)
    return f"층 {state['layers']}→{p['layers']}: 수용 영역 {before}→{after}"


#: Explorer kind (the widget class name) → driver(webdriver, root element, initial model state) → summary.
#: A new explorer needs a driver here; test_every_explorer_kind_has_a_driver says so when one is missing.
EXPLORER_DRIVERS = {
    "ConvArithmetic": drive_conv_arithmetic,
    "Pooling": drive_pooling,
    "ReceptiveField": drive_receptive_field,
}


def explorers_on(visit: sh.Visit) -> list[tuple[int, str, dict]]:
    """(view index, kind, model state) of every anywidget explorer on a visited page."""
    models = widget_models(visit.info)
    found = []
    for view in visit.info.get("views", []):
        kind = explorer_kind(models.get(view["model_id"], {}))
        if kind:
            found.append((view["index"], kind, models[view["model_id"]]["state"]))
    return found


@page_param
def test_explorers_respond(browser, server, visits, report, page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    explorers = explorers_on(page_visit(visits, page))
    if not explorers:
        return
    done = report["sections"].setdefault("탐색기", [])
    for n, (index, kind, state) in enumerate(explorers):
        # 1. Generic: it drew something with controls, and moving the first control changes it.
        reload(browser, server, page)
        root = view_element(browser, index)
        assert root is not None and root.text.strip(), f"{page}: 탐색기 {kind}가 그려지지 않았습니다"
        browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", root)
        shot = sh.SCREENSHOTS / f"explorer-{slug(page)}-{n}-{kind}.png"
        browser.save_screenshot(str(shot))
        controls = root.find_elements(By.CSS_SELECTOR, "input[type=range]") or root.find_elements(By.TAG_NAME, "button")
        assert controls, f"{page}: 탐색기 {kind}에 슬라이더도 단추도 없습니다"
        before = root.get_attribute("innerHTML")
        first = controls[0]
        if first.get_attribute("type") == "range":
            at_max = first.get_attribute("value") == first.get_attribute("max")
            _press(browser, first, Keys.ARROW_LEFT if at_max else Keys.ARROW_RIGHT)
        else:
            first.click()
        WebDriverWait(browser, 5).until(
            lambda d, root=root, before=before: root.get_attribute("innerHTML") != before, f"{page}: 탐색기 {kind}가 조작에 반응하지 않습니다"
        )
        # 2. Kind-specific driver, on a fresh page.
        driver = EXPLORER_DRIVERS.get(kind)
        assert driver, f"{page}: 탐색기 {kind}의 드라이버가 없습니다: tests/test_site.py의 EXPLORER_DRIVERS에 추가하세요"
        reload(browser, server, page)
        summary = driver(browser, view_element(browser, index), state)
        done.append(f"  {page} #{n} {kind}: {summary} (스크린숏 {shot.relative_to(sh.ROOT)})")


def test_explorers_are_found(visits, report):
    """The generic search must find the book's explorers (ConvArithmetic in chapter 3 at least)."""
    kinds = [kind for v in visits.values() for _, kind, _ in explorers_on(v)]
    report["sections"].setdefault("탐색기", []).insert(0, f"탐색기 {len(kinds)}개: {sorted(set(kinds))}")
    assert "ConvArithmetic" in kinds, f"탐색기를 찾지 못했습니다: {kinds}"
    missing = sorted(set(kinds) - set(EXPLORER_DRIVERS))
    assert not missing, f"드라이버가 없는 탐색기: {missing} (tests/test_site.py의 EXPLORER_DRIVERS에 추가하세요)"


# ---------------------------------------------------------------- kernel-backed widgets
def kernel_widgets_on(visit: sh.Visit) -> list[dict]:
    """Rendered views whose model tree holds an ipywidgets Image and no anywidget."""
    models = widget_models(visit.info)
    found = []
    for view in visit.info.get("views", []):
        tree = model_tree(models, view["model_id"])
        if any(explorer_kind(m) for m in tree):
            continue
        if any(m.get("model_name") == "ImageModel" for m in tree):
            found.append(view)
    return found


@page_param
def test_kernel_widgets_show_first_image_and_colab_note(visits, page):
    for view in kernel_widgets_on(page_visit(visits, page)):
        assert view["rendered"], f"{page}: 위젯이 그려지지 않았습니다 ({view['model_id']})"
        assert view["images"] and all(i["w"] > 0 and i["h"] > 0 and i["shown"] for i in view["images"]), (
            f"{page}: 위젯의 첫 그림이 보이지 않습니다: {view['images']}"
        )
        assert view["colab_note_before"], f"{page}: 커널이 필요한 위젯 앞에 Colab을 안내하는 글상자(note)가 없습니다"


def test_kernel_widgets_are_found(visits, report):
    found = {p: len(kernel_widgets_on(v)) for p, v in visits.items() if kernel_widgets_on(v)}
    report["sections"]["커널 위젯"] = [f"그림 위젯 {sum(found.values())}개: {found}"]
    assert found, "커널이 필요한 그림 위젯(interactive_figure)을 하나도 찾지 못했습니다 (2장에 있어야 합니다)"


# ---------------------------------------------------------------- exercises: hidden solutions
@page_param
def test_solutions_hidden_until_clicked(browser, server, visits, report, page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    if not page_visit(visits, page).info.get("solutions"):
        return
    reload(browser, server, page)
    solutions = browser.find_elements(By.CSS_SELECTOR, ".solution.dropdown")
    for n, solution in enumerate(solutions):
        parts = solution.find_elements(By.CSS_SELECTOR, ":scope > :not(.admonition-title)")
        assert parts, f"{page}: 해답 {n + 1}에 내용이 없습니다"
        shown = [p.text[:40] for p in parts if p.is_displayed()]
        assert not shown, f"{page}: 해답 {n + 1}이(가) 누르기 전에 보입니다: {shown}"
        # The toggle button (sphinx-togglebutton); the title's own link jumps to the exercise instead.
        buttons = solution.find_elements(By.CSS_SELECTOR, ".admonition-title button.toggle-button")
        button = buttons[0] if buttons else solution.find_element(By.CSS_SELECTOR, ".admonition-title")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        WebDriverWait(browser, 5).until(
            lambda d, parts=parts: all(p.is_displayed() for p in parts), f"{page}: 해답 {n + 1}을(를) 눌러도 보이지 않습니다"
        )
    report["sections"].setdefault("해답", []).append(f"  {page}: 해답 {len(solutions)}개")


def test_solutions_are_found(visits):
    assert sum(v.info.get("solutions", 0) for v in visits.values()) > 0, "해답(solution)을 하나도 찾지 못했습니다"


# ---------------------------------------------------------------- page weight
def test_page_weight(visits, site, server, crawled, report):
    """Bytes a reader downloads for each page: the HTML and every file of the site it loads.

    A page's files are the requests Chromium made (scripts, style sheets, fonts, images, modules
    loaded later by require.js or MathJax) plus every resource its HTML names (so a lazily loaded
    image still counts). Two sizes are reported: the files as they are, and as they travel over
    HTTP from a static host that gzips text (GitHub Pages and the usual hosts do; images and
    fonts are already compressed and count as they are). The limit applies to the second.
    """
    loads = {}
    for page, v in visits.items():
        files = {sh.site_path(server, u) for u in v.requests} | {page}
        if page in crawled:
            files |= {sh.resolve_local(site, page, r.url)[0] for r in crawled[page].refs if r.resource}
        loads[page] = {f for f in files if f and (site / f).is_file()}
    shared = set.intersection(*loads.values()) if loads else set()
    raw = {page: sum(sh.file_size(site / f) for f in files) for page, files in loads.items()}
    wire = {page: sum(sh.wire_size(site / f) for f in files) for page, files in loads.items()}
    mb = lambda b: f"{b / 1024 / 1024:.2f} MB"  # noqa: E731
    lines = [
        f"모든 페이지가 함께 쓰는 파일 {len(shared)}개: {mb(sum(sh.file_size(site / f) for f in shared))} "
        f"(gzip 전송 {mb(sum(sh.wire_size(site / f) for f in shared))})",
        "페이지마다: gzip 전송 크기 / 파일 그대로의 크기, 그 페이지만 쓰는 큰 파일",
    ]
    for page in sorted(loads, key=lambda p: -wire[p]):
        own = sorted(loads[page] - shared, key=lambda f: -sh.file_size(site / f))[:3]
        lines.append(
            f"  {mb(wire[page]):>8} / {mb(raw[page]):>8}  {page} (파일 {len(loads[page])}개; "
            + ", ".join(f"{f} {sh.file_size(site / f) / 1024:.0f} KB" for f in own)
            + ")"
        )
    report["sections"]["페이지 무게"] = lines
    chapters = {p: wire[p] for p in CHAPTER_PAGES if p in wire}
    assert chapters, "장 페이지가 없습니다"
    heaviest = max(chapters, key=chapters.get)
    report["sections"]["페이지 무게"].insert(
        0, f"가장 무거운 장: {heaviest} — gzip 전송 {mb(wire[heaviest])}, 파일 그대로 {mb(raw[heaviest])} (한도: 전송 5 MB)"
    )
    assert chapters[heaviest] < MAX_CHAPTER_BYTES, (
        f"가장 무거운 장 {heaviest}: 전송 {mb(wire[heaviest])} (한도 5 MB; 파일 그대로 {mb(raw[heaviest])})"
    )


def test_only_local_schemes_count_as_local():
    base = "http://127.0.0.1:8123/"
    assert sh.is_local(base + "chapters/07_lenet.html", base)
    assert sh.is_local("data:image/png;base64,AAAA", base) and sh.is_local("chrome://resources/images/add.svg", base)
    assert not sh.is_local("https://cdn.jsdelivr.net/npm/mathjax@3", base)
    assert not sh.is_local("http://127.0.0.1:9999/other", base)
