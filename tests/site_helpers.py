"""Helpers for the website tests (tests/test_site.py): build, serve, crawl, drive Chromium.

Nothing here runs at import time except reading ``_config.yml`` and ``_toc.yml``; the
browser (selenium) is imported only by :func:`start_chromium`.

* :func:`build_site` — builds the ``ci`` site with ``CNNLIB_PROFILE=ci bash .ci/book`` (or
  uses ``CNN_BOOK_SITE`` when set) and returns its folder.
* :func:`serve` — serves a folder on ``127.0.0.1`` (random free port) from a thread.
* :func:`crawl` — every page's local links/resources and ids, read from the built HTML.
* :func:`start_chromium` — headless Debian Chromium with performance and console logs.
* :func:`visit` — loads one page, waits for MathJax and the widgets, and collects what
  the page did (requests, console messages, fonts, math, widgets).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import gzip
import http.server
import json
import os
import posixpath
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))

#: Where ``CNNLIB_PROFILE=ci bash .ci/book`` puts the site (see .ci/book).
CI_SITE = ROOT / "_build" / "ci" / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
REPORT = ROOT / "_build" / "site-report.txt"

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMEDRIVER_CANDIDATES = ("/usr/bin/chromedriver",)
CHROMIUM_FLAGS = (
    # DESIGN §8: flags that work as root in a container.
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
    "--lang=ko-KR",
)

#: Console messages (level SEVERE) that are not the site's own doing. Empty on purpose:
#: add a (regex, reason) pair only with a reason a reviewer would accept.
ALLOWED_CONSOLE_ERRORS: tuple[tuple[str, str], ...] = ()

HANGUL_PROBE = "한글글꼴확인"


# ---------------------------------------------------------------- pages of the book
def toc_files(node=TOC) -> list[str]:
    """Every ``file:`` (and the ``root:``) of _toc.yml, in order, without suffix."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("root", "file") and isinstance(value, str):
                found.append(re.sub(r"\.(md|ipynb)$", "", value))
            else:
                found += toc_files(value)
    elif isinstance(node, list):
        for item in node:
            found += toc_files(item)
    return found


def expected_pages() -> list[str]:
    """Site-relative HTML pages the build must produce: the TOC's pages and Sphinx's own."""
    return ["index.html"] + [f"{f}.html" for f in toc_files()] + ["genindex.html", "search.html"]


def chapter_pages() -> list[str]:
    """HTML pages made from chapter notebooks (``chapters/*.ipynb`` listed in the TOC)."""
    return [f"{f}.html" for f in toc_files() if f.startswith("chapters/") and (ROOT / f"{f}.ipynb").is_file()]


def reader_branch() -> str:
    """The branch that holds the reader edition (``sphinx.config.reader_edition_branch`` in _config.yml)."""
    return CONFIG["sphinx"]["config"]["reader_edition_branch"]


def colab_url(page: str) -> str:
    """The Colab launch URL for ``chapters/xx.html``: the chapter's reader edition, at the same path as
    the source notebook, on the reader-edition branch (book/_ext/launch_ipynb_only.py)."""
    repo = CONFIG["repository"]
    org_repo = urlsplit(repo["url"]).path.strip("/")
    book_path = (repo.get("path_to_book") or "").strip("/")
    notebook = posixpath.join(book_path, page.removesuffix(".html") + ".ipynb")
    base = CONFIG["launch_buttons"]["colab_url"].rstrip("/")
    return f"{base}/github/{org_repo}/blob/{reader_branch()}/{notebook}"


# ---------------------------------------------------------------- build and serve
def build_site(log: Path) -> Path:
    """Builds the ``ci`` site and returns its folder.

    ``CNN_BOOK_SITE=<folder>`` skips the build and tests that folder instead (a site built
    earlier, or a copy with a deliberate fault). Otherwise ``CNNLIB_PROFILE=ci bash .ci/book``
    runs once per pytest run (the first caller builds, under a lock; later callers in the same
    run, on any xdist worker, reuse it): Sphinx rebuilds only changed pages and jupyter-cache
    re-executes only changed notebooks, so an up-to-date site costs seconds, and a stale one
    cannot slip by.
    """
    given = os.environ.get("CNN_BOOK_SITE")
    if given:
        site = Path(given).resolve()
        if not (site / "index.html").is_file():
            raise RuntimeError(f"CNN_BOOK_SITE={given} 에 index.html이 없습니다 (no built site there)")
        return site
    env = dict(os.environ, CNNLIB_PROFILE="ci")
    # 여러 테스트 파일(웹사이트, 읽기용 판)이 pytest-xdist의 다른 작업자에서 동시에 빌드하지 않도록 잠급니다.
    # 같은 pytest 실행(같은 PYTEST_XDIST_TESTRUNUID, 또는 같은 프로세스)에서 이미 성공한 빌드는 다시 하지 않습니다.
    lock_path = ROOT / "_build" / "ci-build.lock"
    stamp = ROOT / "_build" / "ci-build.done"
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid-{os.getpid()}"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.is_file() and stamp.read_text(encoding="utf-8") == run_id and (CI_SITE / "index.html").is_file():
            log.write_text(f"이 pytest 실행({run_id})에서 이미 빌드했습니다 (already built in this run)\n", encoding="utf-8")
            return CI_SITE
        stamp.unlink(missing_ok=True)
        with open(log, "w", encoding="utf-8") as out:
            proc = subprocess.run(["bash", ".ci/book"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        _check_build_log(log, proc.returncode)
        stamp.write_text(run_id, encoding="utf-8")
    return CI_SITE


def _check_build_log(log: Path, returncode: int) -> None:
    if returncode != 0:
        lines = re.sub(r"\x1b\[[0-9;]*m", "", log.read_text(encoding="utf-8", errors="replace")).splitlines()
        # 경고·오류 줄을 먼저 보여 줍니다 (-W 빌드는 경고 하나로도 실패합니다). 같은 줄은 한 번만.
        problems = list(dict.fromkeys(ln for ln in lines if "WARNING:" in ln or "ERROR" in ln))[:30]
        raise RuntimeError(
            "ci 웹사이트 빌드가 실패했습니다 (CNNLIB_PROFILE=ci bash .ci/book). 경고·오류:\n"
            + "\n".join(problems or ["(경고 줄 없음)"]) + "\n--- 끝부분 ---\n" + "\n".join(lines[-15:])
        )
    # .ci/book은 장들을 .ci/prerun.py로 미리 (여럿씩 동시에) 실행해 jupyter-cache에 넣습니다. myst-nb가
    # 그 결과를 찾지 못하면 장을 하나씩 다시 실행해 빌드 시간이 두 배가 되므로, 그런 일이 없었는지 봅니다.
    executed = re.findall(r"(\S+\.ipynb): Executing notebook", log.read_text(encoding="utf-8", errors="replace"))
    if executed:
        raise RuntimeError(
            "jupyter-book이 미리 실행한 결과를 캐시에서 찾지 못하고 이 장들을 다시 실행했습니다 "
            "(.ci/prerun.py와 myst-nb의 캐시 열쇠가 다릅니다): " + ", ".join(executed)
        )


def reader_edition(build: Path, out: Path, only: list[str] | None = None) -> tuple[Path, float]:
    """Runs ``bash .ci/notebooks`` on a finished build (``<site>/..``) into ``out``; (out, seconds).

    ``CNN_BOOK_READER_DIR=<folder>`` skips the generation and returns that folder (an edition made
    earlier, or a copy with a deliberate fault), like ``CNN_BOOK_SITE`` for the website.
    """
    given = os.environ.get("CNN_BOOK_READER_DIR")
    if given:
        return Path(given).resolve(), 0.0
    cmd = ["bash", ".ci/notebooks", "--build", str(build), "--out", str(out)]
    if only:
        cmd += ["--only", *only]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bash .ci/notebooks가 실패했습니다 (reader edition failed):\n{proc.stderr}\n{proc.stdout}")
    return out, time.monotonic() - t0


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no access log on stderr
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """Serves ``folder`` at ``http://127.0.0.1:<free port>/`` from a daemon thread."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- static crawl of the HTML
#: (tag, attribute) pairs whose value is a URL; the second set loads a resource.
LINK_ATTRS = {("a", "href"), ("area", "href"), ("link", "href")}
RESOURCE_ATTRS = {
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("embed", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("object", "data"),
    ("input", "src"),
}
NON_RESOURCE_LINK_RELS = {"next", "prev", "index", "search", "canonical", "alternate", "author", "help", "license"}
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


@dataclass
class Ref:
    page: str  # site-relative page that contains the reference
    tag: str
    attr: str
    url: str
    resource: bool  # loaded by the browser (script, stylesheet, image ...) rather than followed


@dataclass
class PageInfo:
    refs: list[Ref] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)


class _PageParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.info = PageInfo()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id",):
            if attrs.get(key):
                self.info.ids.add(attrs[key])
        if tag == "a" and attrs.get("name"):
            self.info.ids.add(attrs["name"])
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            m = re.search(r"url=(.+)$", attrs.get("content") or "", re.I)
            if m:
                self.info.refs.append(Ref(self.page, tag, "content", m.group(1).strip(" '\""), False))
        for attr, value in attrs.items():
            if value is None:
                continue
            if (tag, attr) in RESOURCE_ATTRS:
                urls = [part.strip().split()[0] for part in value.split(",") if part.strip()] if "srcset" in attr else [value]
                self.info.refs += [Ref(self.page, tag, attr, u, True) for u in urls]
            elif (tag, attr) in LINK_ATTRS:
                rels = set((attrs.get("rel") or "").lower().split())
                resource = tag == "link" and not rels <= NON_RESOURCE_LINK_RELS
                self.info.refs.append(Ref(self.page, tag, attr, value, resource))


def html_pages(site: Path) -> list[str]:
    """Every HTML page of the built site (site-relative, POSIX), not counting _static/_sources."""
    skip = {"_static", "_sources", "_images", "vendor"}
    return sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*.html") if not skip & set(p.relative_to(site).parts[:-1])
    )


def crawl_one(site: Path, page: str) -> PageInfo:
    parser = _PageParser(page)
    parser.feed((site / page).read_text(encoding="utf-8", errors="replace"))
    return parser.info


def crawl(site: Path) -> dict[str, PageInfo]:
    return {page: crawl_one(site, page) for page in html_pages(site)}


def resolve_local(site: Path, page: str, url: str) -> tuple[str | None, str, str | None]:
    """(site-relative target path or None, fragment, problem) of a local URL on ``page``."""
    parts = urlsplit(url)
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    if url.startswith("/"):
        return None, fragment, "사이트 루트 기준 주소는 하위 경로에 올리면 깨집니다 (root-absolute URL)"
    if not path:
        return page, fragment, None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if target.startswith("../") or target == "..":
        return None, fragment, "사이트 밖을 가리킵니다 (points outside the site)"
    full = site / target
    if full.is_dir():
        target = posixpath.join(target, "index.html")
        full = site / target
    if not full.is_file():
        return None, fragment, "파일이 없습니다 (missing file)"
    return target, fragment, None


CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


def css_urls(text: str) -> list[str]:
    return [m.group(2) or m.group(4) for m in CSS_URL.finditer(text)]


# ---------------------------------------------------------------- fonts
@functools.cache
def korean_font_families() -> frozenset[str]:
    """Font family names (every localized name) that fontconfig says cover Korean."""
    fc = shutil.which("fc-list")
    if fc is None:
        return frozenset()
    out = subprocess.run([fc, ":lang=ko", "family"], capture_output=True, text=True, check=False).stdout
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(",") if name.strip())


# ---------------------------------------------------------------- Chromium
def _executable(env: str, candidates: tuple[str, ...], name: str) -> str | None:
    if os.environ.get(env):  # an explicit choice is used as it is (or reported missing)
        path = os.environ[env]
        return path if os.access(path, os.X_OK) else None
    return next((p for p in candidates if os.access(p, os.X_OK)), None) or shutil.which(name)


def find_chromium() -> tuple[str | None, str | None]:
    """(chromium, chromedriver) paths; ``CNN_BOOK_CHROMIUM`` / ``CNN_BOOK_CHROMEDRIVER`` override."""
    return (
        _executable("CNN_BOOK_CHROMIUM", CHROMIUM_CANDIDATES, "chromium"),
        _executable("CNN_BOOK_CHROMEDRIVER", CHROMEDRIVER_CANDIDATES, "chromedriver"),
    )


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def chromium_or_skip() -> tuple[str, str]:
    """(chromium, chromedriver) for a browser test; without them the test fails in CI and is skipped elsewhere."""
    import pytest

    binary, driver = find_chromium()
    problems = []
    if binary is None:
        problems.append("chromium")
    if driver is None:
        problems.append("chromium-driver (chromedriver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        problems.append("selenium (requirements.txt; 가상 환경을 다시 만드세요: source .ci/setup)")
    if problems:
        message = (
            f"브라우저 테스트에 필요한 것이 없습니다: {', '.join(problems)}. "
            "Debian/Ubuntu에서는 `apt-get install -y chromium chromium-driver fonts-nanum` 으로 설치합니다 "
            "(.ci/run 은 없으면 스스로 설치합니다). "
            f"(browser tests need: {', '.join(problems)})"
        )
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return binary, driver


def start_chromium(binary: str, driver_path: str, profile_dir: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={profile_dir}")
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    drv = webdriver.Chrome(service=Service(driver_path), options=opts)
    drv.set_page_load_timeout(60)
    drv.set_script_timeout(60)
    # Every page must list everything it loads, so the browser cache is off.
    drv.execute_cdp_cmd("Network.enable", {})
    drv.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    return drv


#: Waits until the page is loaded, MathJax has typeset, and every widget view has rendered.
READY_JS = r"""
const done = arguments[arguments.length - 1];
const deadline = Date.now() + arguments[0] * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  while (document.readyState !== "complete") await sleep(50);
  const problems = [];
  if (document.querySelector(".math")) {
    while (!(window.MathJax && MathJax.startup && MathJax.startup.promise) && Date.now() < deadline) await sleep(50);
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
    else problems.push("MathJax가 시작되지 않았습니다");
  }
  const views = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')];
  const rendered = (tag) => {
    const area = tag.previousElementSibling;
    if (!area || !area.classList.contains("widget-subarea") || !area.firstElementChild) return false;
    return [...area.querySelectorAll("img")].every((img) => img.complete);
  };
  while (!views.every(rendered) && Date.now() < deadline) await sleep(100);
  if (!views.every(rendered)) problems.push(`위젯 ${views.filter((v) => !rendered(v)).length}/${views.length}개가 그려지지 않았습니다`);
  await sleep(300);  // late requests (fonts, lazily required modules)
  return problems;
})().then(done, (e) => done(["준비 중 오류: " + e]));
"""

#: What the page shows: math, visible text outside code, widgets and their models.
INSPECT_JS = r"""
const article = document.querySelector("article") || document.body;
const clone = article.cloneNode(true);
clone.querySelectorAll("pre, code, script, style, mjx-container, .MathJax, textarea").forEach((n) => n.remove());
const views = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')].map((tag, i) => {
  const area = tag.previousElementSibling;
  const ok = area && area.classList.contains("widget-subarea");
  if (ok) area.setAttribute("data-test-view", String(i));
  const imgs = ok ? [...area.querySelectorAll("img")] : [];
  return {
    index: i,
    model_id: JSON.parse(tag.textContent).model_id,
    rendered: !!(ok && area.firstElementChild),
    text: ok ? area.innerText.slice(0, 200) : "",
    images: imgs.map((img) => ({w: img.naturalWidth, h: img.naturalHeight, shown: img.offsetWidth > 0 && img.offsetHeight > 0})),
    colab_note_before: [...document.querySelectorAll(".admonition")].some(
      (a) => /Colab/.test(a.textContent) && ok && (a.compareDocumentPosition(area) & Node.DOCUMENT_POSITION_FOLLOWING)),
  };
});
const states = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]')].map(
  (tag) => JSON.parse(tag.textContent).state);
return {
  title: document.title,
  math_sources: document.querySelectorAll("span.math, div.math").length,
  mjx: document.querySelectorAll("mjx-container").length,
  mjx_errors: document.querySelectorAll("mjx-merror").length,
  solutions: document.querySelectorAll(".solution.dropdown").length,
  text: clone.innerText,
  views: views,
  models: Object.assign({}, ...states),
  body_font: getComputedStyle(article.querySelector("p") || article).fontFamily,
};
"""


def drain_logs(drv) -> tuple[list[dict], list[dict]]:
    """(network events, console entries) since the last call."""
    events = []
    for entry in drv.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"].startswith("Network."):
            events.append(msg)
    return events, drv.get_log("browser")


def platform_fonts(drv, selector: str) -> list[dict]:
    """Fonts Chromium actually used to draw the text of the first element matching ``selector``."""
    drv.execute_cdp_cmd("DOM.enable", {})
    drv.execute_cdp_cmd("CSS.enable", {})
    root = drv.execute_cdp_cmd("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = drv.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    if not node:
        return []
    return drv.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


@dataclass
class Visit:
    page: str
    url: str
    ready_problems: list[str]
    requests: list[str]  # every URL the page asked for
    failed: list[str]  # requests that failed or answered >= 400
    console: list[dict]
    info: dict  # INSPECT_JS result
    fonts: list[dict]  # platform fonts used for Hangul body text
    seconds: float


def visit(drv, base: str, page: str, timeout: float = 30) -> Visit:
    t0 = time.monotonic()
    drain_logs(drv)  # forget the previous page
    url = base + page
    drv.get(url)
    problems = drv.execute_async_script(READY_JS, timeout)
    info = drv.execute_script(INSPECT_JS)
    # Hangul in the body font: a probe span inside the first paragraph inherits its font-family.
    fonts = []
    if drv.execute_script(
        """const p = document.querySelector("article p") || document.querySelector("article") || document.body;
           const s = document.createElement("span"); s.id = "cnn-font-probe"; s.textContent = arguments[0];
           p.appendChild(s); return true;""",
        HANGUL_PROBE,
    ):
        fonts = platform_fonts(drv, "#cnn-font-probe")
        drv.execute_script("document.getElementById('cnn-font-probe')?.remove()")
    events, console = drain_logs(drv)
    requests, failed, by_id = [], [], {}
    for ev in events:
        params = ev["params"]
        if ev["method"] == "Network.requestWillBeSent":
            by_id[params["requestId"]] = params["request"]["url"]
            requests.append(params["request"]["url"])
        elif ev["method"] == "Network.responseReceived" and params["response"]["status"] >= 400:
            failed.append(f'{params["response"]["status"]} {params["response"]["url"]}')
        elif ev["method"] == "Network.loadingFailed" and not params.get("canceled"):
            failed.append(f'{params.get("errorText")} {by_id.get(params["requestId"], "?")}')
    return Visit(page, url, problems, requests, failed, console, info, fonts, time.monotonic() - t0)


def site_path(base: str, url: str) -> str | None:
    """Site-relative file path of a request URL on our server, or None."""
    if not url.startswith(base):
        return None
    path = unquote(urlsplit(url).path).lstrip("/")
    return path or "index.html"


#: Files a static host sends gzip-compressed (text); everything else travels as it is.
COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".map", ".xml", ".inv", ".ipynb", ".md"}


@functools.cache
def file_size(path: Path) -> int:
    return path.stat().st_size


@functools.cache
def wire_size(path: Path) -> int:
    """Bytes sent for ``path`` by a host that gzips text files."""
    if path.suffix.lower() not in COMPRESSIBLE:
        return file_size(path)
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


#: Schemes that never reach the network: inline data, and Chromium's own pages and resources (its new-tab page
#: sometimes shows up in the performance log with chrome://favicon2/… and chrome://resources/… requests).
LOCAL_SCHEMES = ("data", "blob", "about", "chrome", "chrome-untrusted", "chrome-extension", "devtools")


def is_local(url: str, base: str) -> bool:
    return url.startswith(base) or url.split(":", 1)[0] in LOCAL_SCHEMES



# ---------------------------------------------------------------- JupyterLab (a real notebook client)
@contextlib.contextmanager
def jupyterlab(root_dir: Path, settings_dir: Path, python: str | None = None, timeout: float = 90):
    """Runs JupyterLab on ``127.0.0.1`` (random free port, random token) serving ``root_dir``.

    Yields ``(base_url, token)``. ``python`` is the interpreter that runs it (default: this one), so a
    throwaway environment with extra lab extensions can be measured too. The notebook renders every cell
    (``windowingMode: none``), so the whole page can be read; settings live in ``settings_dir``. The server
    is stopped (by its process id) when the block ends.
    """
    import secrets
    import socket
    import sys
    import urllib.request

    tracker = settings_dir / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}), encoding="utf-8")
    notices = settings_dir / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notices.parent.mkdir(parents=True, exist_ok=True)
    notices.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = secrets.token_hex(16)
    log = open(settings_dir / "jupyterlab.log", "w", encoding="utf-8")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [python or sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
         f"--LabApp.user_settings_dir={settings_dir}", f"--LabApp.workspaces_dir={settings_dir / 'workspaces'}",
         "--ServerApp.terminals_enabled=False", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         *(["--allow-root"] if os.geteuid() == 0 else [])],  # CI runs as root (DESIGN §8)
        stdout=log, stderr=subprocess.STDOUT, cwd=root_dir,
        env=dict(os.environ, JUPYTER_RUNTIME_DIR=str(settings_dir / "runtime"),
                 JUPYTER_CONFIG_DIR=str(settings_dir / "config")),
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError("JupyterLab이 시작하지 못했습니다:\n"
                                   + (settings_dir / "jupyterlab.log").read_text(encoding="utf-8")[-3000:])
            try:
                with urllib.request.urlopen(f"{base}api/status?token={token}", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab이 {timeout:.0f}초 안에 응답하지 않습니다")
            time.sleep(0.5)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


#: Waits until JupyterLab shows the notebook and every markdown cell has rendered (MathJax included).
LAB_READY_JS = r"""
const done = arguments[arguments.length - 1];
const deadline = Date.now() + arguments[0] * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  let last = -1, stable = 0;
  while (Date.now() < deadline) {
    const cells = document.querySelectorAll(".jp-Notebook .jp-Cell");
    const md = document.querySelectorAll(".jp-Notebook .jp-MarkdownCell");
    const rendered = document.querySelectorAll(".jp-Notebook .jp-MarkdownCell .jp-RenderedMarkdown");
    const n = cells.length;
    if (n > 0 && rendered.length === md.length && n === last) { if (++stable >= 6) return "ok"; } else stable = 0;
    last = n;
    await sleep(250);
  }
  return "timeout";
})().then(done, (e) => done("error: " + e));
"""

#: What the notebook shows: the text of every rendered markdown cell, and its exercise solutions.
LAB_INSPECT_JS = r"""
const md = [...document.querySelectorAll(".jp-Notebook .jp-MarkdownCell .jp-RenderedMarkdown")];
const details = [...document.querySelectorAll(".jp-Notebook .jp-RenderedMarkdown details")];
return {
  cells: document.querySelectorAll(".jp-Notebook .jp-Cell").length,
  markdown_cells: md.length,
  text: md.map((m) => m.textContent).join("\n"),
  mathjax: document.querySelectorAll(".jp-Notebook mjx-container").length,
  details: details.map((d) => ({open: d.open, summary: (d.querySelector("summary") || {}).textContent || ""})),
};
"""
