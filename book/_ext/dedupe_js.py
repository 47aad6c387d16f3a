"""Sphinx 확장: 페이지에 같은 인라인 스크립트가 두 번 들어가는 것을 막습니다.

Sphinx 7.4에서는 빌더가 시작된 뒤 추가된 인라인 스크립트(thebe, togglebutton 설정 등)가
페이지마다 두 번 들어가, 브라우저 콘솔에 "Identifier 'THEBE_JS_URL' has already been
declared" 같은 SyntaxError가 납니다. 같은 (파일 이름, 속성)의 스크립트는 하나만 남깁니다.

Sphinx 7.4 emits inline scripts added after Builder.init() twice on every page; keep one.
"""


def _dedupe(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for js in context.get("script_files", []):
        key = (js.filename or "", tuple(sorted(js.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"][:] = unique


def setup(app):
    app.connect("html-page-context", _dedupe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
