#!/usr/bin/env bash
# 위젯 자바스크립트와 수식(MathJax)을 이 저장소에 두고(vendoring) 웹사이트가 스스로 제공하게 합니다.
# 정적 웹사이트는 인터넷(CDN) 없이 이 파일들로 위젯을 그립니다 (DESIGN §7, §8).
#
# 사용법 (관리자용; 책을 빌드할 때는 필요 없습니다. 파일은 저장소에 커밋되어 있습니다):
#   book/vendor/update.sh           npm 레지스트리에서 고정된 버전을 다시 받아 SHA256SUMS와 비교합니다.
#   book/vendor/update.sh --check   받지 않고, 저장소에 있는 파일만 SHA256SUMS와 비교합니다.
#   book/vendor/update.sh --write   버전을 바꾼 뒤: 받은 파일로 SHA256SUMS를 새로 씁니다.
#
# 버전을 올릴 때: 아래 FILES의 버전을 고치고, site/vendor/widgets-offline.js 안의
# anywidget 경로도 고친 뒤 --write 로 실행하고, 예전 폴더는 지웁니다 (git rm).
# ipywidgets 8.1.x ↔ @jupyter-widgets/html-manager 1.0.x, anywidget 은 파이썬 패키지와 같은 버전.
# 라이선스: requirejs (MIT), @jupyter-widgets/html-manager (BSD-3-Clause), anywidget (MIT),
# mathjax (Apache-2.0);
# 각 파일 머리의 라이선스 주석을 지우지 마세요.
#
# Maintainer script: re-fetch the vendored widget JavaScript (pinned versions) from the
# npm registry with `npm pack` and verify it against SHA256SUMS.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"

# npm 패키지@버전 | 패키지 안의 파일 | 저장소 안의 경로 (book/vendor 기준)
FILES=(
  "requirejs@2.3.8|package/require.js|site/vendor/requirejs@2.3.8/require.js"
  "@jupyter-widgets/html-manager@1.0.15|package/dist/embed-amd.js|site/vendor/@jupyter-widgets/html-manager@1.0.15/dist/embed-amd.js"
  # embed-amd.js 의 CSS가 찾는 Font Awesome 5 글꼴 (woff2만; 없으면 콘솔에 404가 찍힙니다)
  "@jupyter-widgets/html-manager@1.0.15|package/dist/1551f4f60c37af51121f.woff2|site/vendor/@jupyter-widgets/html-manager@1.0.15/dist/1551f4f60c37af51121f.woff2"
  "@jupyter-widgets/html-manager@1.0.15|package/dist/d878b0a6a1144760244f.woff2|site/vendor/@jupyter-widgets/html-manager@1.0.15/dist/d878b0a6a1144760244f.woff2"
  "@jupyter-widgets/html-manager@1.0.15|package/dist/7a3337626410ca2f4071.woff2|site/vendor/@jupyter-widgets/html-manager@1.0.15/dist/7a3337626410ca2f4071.woff2"
  "anywidget@0.11.0|package/dist/index.js|site/vendor/anywidget@0.11.0/dist/index.js"
  # 수식: MathJax 3 (Apache-2.0). 합친 파일 하나와, 그 파일이 자기 위치 기준으로 찾는 CHTML 글꼴.
  "mathjax@3.2.2|package/es5/tex-mml-chtml.js|site/vendor/mathjax@3.2.2/tex-mml-chtml.js"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_AMS-Regular.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_AMS-Regular.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Calligraphic-Bold.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Calligraphic-Bold.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Calligraphic-Regular.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Calligraphic-Regular.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Fraktur-Bold.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Fraktur-Bold.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Fraktur-Regular.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Fraktur-Regular.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Main-Bold.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Main-Bold.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Main-Italic.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Main-Italic.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Math-BoldItalic.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Math-BoldItalic.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Math-Italic.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Math-Italic.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Math-Regular.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Math-Regular.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_SansSerif-Bold.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_SansSerif-Bold.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_SansSerif-Italic.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_SansSerif-Italic.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_SansSerif-Regular.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_SansSerif-Regular.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Script-Regular.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Script-Regular.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Size1-Regular.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Size1-Regular.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Size2-Regular.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Size2-Regular.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Size3-Regular.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Size3-Regular.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Size4-Regular.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Size4-Regular.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Typewriter-Regular.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Typewriter-Regular.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Vector-Bold.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Vector-Bold.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Vector-Regular.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Vector-Regular.woff"
  "mathjax@3.2.2|package/es5/output/chtml/fonts/woff-v2/MathJax_Zero.woff|site/vendor/mathjax@3.2.2/output/chtml/fonts/woff-v2/MathJax_Zero.woff"
)

mode="${1:-fetch}"
case "$mode" in
  fetch|--fetch) mode=fetch ;;
  --check) mode=check ;;
  --write) mode=write ;;
  *) echo "알 수 없는 인자: $mode (사용법: update.sh [--check|--write])" >&2; exit 2 ;;
esac

if [ "$mode" != check ]; then
  command -v npm >/dev/null || { echo "npm이 필요합니다 (npm is required)" >&2; exit 1; }
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  for entry in "${FILES[@]}"; do
    IFS='|' read -r spec inner dest <<<"$entry"
    echo "== $spec : $inner → $dest"
    # 패키지마다 한 번만 받습니다. npm pack 은 레지스트리의 sha512 무결성 값을 스스로 확인합니다.
    pkgdir="$tmp/$(echo "$spec" | tr '/@' '__')"
    if [ ! -d "$pkgdir" ]; then
      mkdir -p "$pkgdir"
      tgz="$(cd "$pkgdir" && npm pack --silent "$spec" | tail -n 1)"
      tar -xzf "$pkgdir/$tgz" -C "$pkgdir"
    fi
    mkdir -p "$(dirname "$dest")"
    cp "$pkgdir/$inner" "$dest"
  done
fi

if [ "$mode" = write ]; then
  for entry in "${FILES[@]}"; do
    IFS='|' read -r _ _ dest <<<"$entry"
    sha256sum "$dest"
  done >SHA256SUMS
  echo "SHA256SUMS를 새로 썼습니다:"
  cat SHA256SUMS
fi

# 목록에 있는 모든 파일의 해시를 확인합니다 (하나라도 다르면 실패).
sha256sum --check --strict SHA256SUMS
echo "== 모두 일치합니다 ($(du -ch $(cut -d' ' -f3- SHA256SUMS) | tail -n 1 | cut -f1))"
