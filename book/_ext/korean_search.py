"""Sphinx 확장: 한국어 검색 (html_search_language = "ko").

Sphinx에는 한국어 검색 언어가 없어서, 낱말을 띄어쓰기로만 나눕니다. 그러면 '합성곱은',
'합성곱을', '합성곱의'가 서로 다른 낱말로 색인되고, '합성곱'을 찾으면 이들을 놓칩니다. 두 글자
검색어('패딩', '풀링')는 부분 일치도 하지 않으므로 '패딩을'만 있는 쪽을 찾지 못합니다.

이 확장은 Sphinx의 ``SearchLanguage`` API로 한국어 검색 언어를 등록합니다.

* ``split``: ``\\w+`` 낱말을 한글 부분과 그 밖(로마자·숫자) 부분으로 나눕니다. 'ResNet의'는
  'ResNet'이 되고(로마자 뒤에 붙은 조사는 버립니다), 'im2col을'은 'im2col'이 됩니다.
* ``stem``: 한글 낱말 끝의 조사와 어미(은, 는, 을, 를, 의, 에서, 으로, 입니다, 합니다, …)를 더 뗄 것이
  없을 때까지 뗍니다: '합성곱에서는' → '합성곱', '필터들을' → '필터'. '결과', '정도'처럼 조사로
  끝나 보이는 흔한 낱말은 그대로 둡니다(``KEEP``). 한글이 없는 낱말은 영어처럼 Porter 어간으로 바꿉니다.
* 브라우저 쪽(``language_data.js``)에는 같은 규칙을 JavaScript로 넣습니다. 목록(``ENDINGS``,
  ``KEEP``)은 이 파일 하나에서 JSON으로 옮기므로 색인과 검색어가 어긋나지 않습니다
  (tests/test_search.py가 Node.js와 Chromium에서 둘을 비교합니다).
* Sphinx의 검색은 두 글자 이하 낱말을 '모두 들어 있어야 하는 낱말'에서 빼는데, 한국어에서는
  '배치', '영역'처럼 두 글자 낱말이 핵심어입니다. 그래서 여러 낱말 검색은 모든 낱말이 든 페이지만
  남기고, 문서 제목에 검색어가 있는 페이지를 맨 앞에 둡니다(``Scorer.score``).

Korean search language for Sphinx: Hangul words are indexed by their stem (particles and
endings stripped), other words by their Porter stem; the same rules run in the browser.
"""

from __future__ import annotations

import json
import re

import snowballstemmer
from sphinx.search import SearchLanguage
from sphinx.search.en import english_stopwords, js_porter_stemmer

#: 낱말 끝에서 떼는 조사·어미 (긴 것부터 봅니다). 떼고 남은 것이 한 글자 이상일 때만 뗍니다.
ENDINGS_BY_KIND = {
    "조사": """
        은 는 이 가 을 를 의 에 와 과 도 만 로 나 들
        에서 에게 으로 로서 로써 까지 부터 보다 처럼 만큼 마다 이나 이며 이고 이다 이라 이란 라는 라고
        인가 인지 이든 에는 에도 와는 과는 로는 만은 만을 이면 으로는 으로도 으로서 으로써
        에서는 에서도 에게는 이라는 이라고 입니다 이었다 이므로 이지만
    """,
    "어미": """
        하다 한다 하는 하고 하며 하면 하여 해서 했다 하지 합니다 했습니다 하므로 하려면 할 한
        된다 되는 되어 되고 되며 되면 됩니다 되었다 되었습니다 된 될
    """,
}
ENDINGS: list[str] = sorted(
    {e for kind in ENDINGS_BY_KIND.values() for e in kind.split()}, key=lambda e: (-len(e), e)
)

#: 조사나 어미로 끝나 보이지만 한 낱말인 흔한 말: 더 떼지 않습니다.
KEEP: list[str] = sorted(
    set(
        """
        결과 효과 통과 초과 정의 논의 주의 임의 회의 합의 동의 편의 강의 평가 추가 증가 국가 대가
        차이 사이 높이 길이 깊이 넓이 아이 나이 정도 속도 각도 밀도 강도 빈도 온도 용도 한도 시도 지도
        경로 회로 통로 제로 최고 참고 하나 제한 무한 권한 기한
        """.split()
    )
)

HANGUL = "\uac00-\ud7a3"
_WORD = re.compile(r"\w+")
_PIECE = re.compile(rf"[{HANGUL}]+|[^\W{HANGUL}]+")
_IS_HANGUL = re.compile(rf"[{HANGUL}]")
_ENDING_SET = frozenset(ENDINGS)
_KEEP_SET = frozenset(KEEP)


def stem_korean(word: str) -> str:
    """한글 낱말 끝의 조사·어미를 더 뗄 것이 없을 때까지 뗍니다 ('합성곱에서는' → '합성곱')."""
    while word not in _KEEP_SET:
        ending = next((e for e in ENDINGS if len(word) > len(e) and word.endswith(e)), None)
        if ending is None:
            break
        word = word[: -len(ending)]
    return word


def split_korean(text: str) -> list[str]:
    """색인할 낱말: ``\\w+``를 한글 부분과 그 밖 부분으로 나누고, 로마자 뒤에 붙은 조사는 버립니다."""
    words = []
    for token in _WORD.findall(text):
        for i, piece in enumerate(_PIECE.findall(token)):
            if i > 0 and piece in _ENDING_SET and _IS_HANGUL.match(piece):
                continue  # 'ResNet의'의 '의'
            words.append(piece)
    return words


#: 브라우저 쪽 어간 추출기: Sphinx의 영어 Porter 어간 추출기 + 위와 같은 한국어 규칙.
JS_STEMMER = (
    js_porter_stemmer
    + """
/* 한국어 검색 (book/_ext/korean_search.py): 색인을 만들 때와 같은 규칙입니다. */
var KO_ENDINGS = __ENDINGS__;
var KO_KEEP = new Set(__KEEP__);
var KO_ENDING_SET = new Set(KO_ENDINGS);
var KO_HANGUL = /[\\uac00-\\ud7a3]/;
var koStem = function(word) {
  while (!KO_KEEP.has(word)) {
    const ending = KO_ENDINGS.find((e) => word.length > e.length && word.endsWith(e));
    if (ending === undefined) break;
    word = word.slice(0, -ending.length);
  }
  return word;
};
var PorterStemmer = Stemmer;
Stemmer = function() {
  const porter = new PorterStemmer();
  this.stemWord = (word) => (KO_HANGUL.test(word) ? koStem(word) : porter.stemWord(word));
};
""".replace("__ENDINGS__", json.dumps(ENDINGS, ensure_ascii=False)).replace("__KEEP__", json.dumps(KEEP, ensure_ascii=False))
)

#: 검색어 나누기, 여러 낱말 검색의 '모두 포함' 규칙, 문서 제목 가산점.
JS_SPLITTER = r"""
/* 한국어 검색 (book/_ext/korean_search.py): 검색어를 색인과 같은 규칙으로 나눕니다. */
var koLastQuery = "";
var splitQuery = function(query) {
  koLastQuery = query;
  return query
    .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
    .filter((token) => token)
    .flatMap((token) =>
      (token.match(/[\uac00-\ud7a3]+|[^\uac00-\ud7a3]+/g) || []).filter(
        (piece, i) => !(i > 0 && KO_HANGUL.test(piece) && KO_ENDING_SET.has(piece))
      )
    );
};

/* 문서 제목에 검색어의 모든 낱말(어간)이 있으면 가산점을 줍니다: 그 주제의 장이 맨 앞에 옵니다.
   절 제목 결과('문서 > 절')는 문서 제목 부분만 봅니다. 점수: 제목에 검색어가 있는 문서 ≥ 35(15 + 20),
   용어집 항목 30, 절 제목 15, 본문 5. */
var koQueryStems = function() {
  const stemmer = new Stemmer();
  return splitQuery(koLastQuery.toLowerCase().trim())
    .filter((w) => stopwords.indexOf(w) === -1 && !/^\d+$/.test(w))
    .map((w) => [w, stemmer.stemWord(w)]);
};
var Scorer = {
  score: (result) => {
    const [, title, anchor, , score] = result;
    // 용어집 항목(색인 항목, 기본 점수 최대 100)은 제목에 검색어가 있는 장 바로 다음에 둡니다.
    if (typeof anchor === "string" && anchor.startsWith("#term-")) return Math.min(score, Scorer.glossaryTerm);
    const lower = (title || "").split(" > ")[0].toLowerCase();
    const words = koQueryStems();
    const inTitle = words.length > 0 && words.every(([w, s]) => lower.includes(w) || lower.includes(s));
    return score + (inTitle ? Scorer.documentTitle : 0);
  },
  documentTitle: 20,
  glossaryTerm: 30,
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: {0: 15, 1: 5, 2: -5},
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};

/* Sphinx는 두 글자 이하 낱말을 필수 낱말에서 빼므로('배치 정규화'가 '정규화'만 있는 페이지도 찾음),
   검색어의 낱말이 모두 든 페이지만 남깁니다. 색인 어디에도 없는 낱말은 Sphinx처럼 건너뜁니다. */
var koInstallAllWords = function() {
  if (typeof Search === "undefined" || !Search.performTermsSearch || Search.koAllWords) return;
  const original = Search.performTermsSearch;
  const inFiles = (files, i) => files !== undefined && (files === i || (Array.isArray(files) && files.includes(i)));
  const filesWith = (mapping, word) => {
    if (mapping.hasOwnProperty(word)) return [mapping[word]];
    if (word.length <= 2) return [];
    return Object.keys(mapping).filter((k) => k.includes(word)).map((k) => mapping[k]);
  };
  Search.performTermsSearch = (searchTerms, excludedTerms) => {
    const results = original(searchTerms, excludedTerms);
    const index = Search._index;
    const words = [...searchTerms].map((w) => [...filesWith(index.terms, w), ...filesWith(index.titleterms, w)])
      .filter((found) => found.length > 0);
    if (words.length < 2) return results;
    return results.filter((result) => {
      const i = index.docnames.indexOf(result[0]);
      return words.every((found) => found.some((files) => inFiles(files, i)));
    });
  };
  Search.koAllWords = true;
};
koInstallAllWords();
if (typeof document !== "undefined") document.addEventListener("DOMContentLoaded", koInstallAllWords);
"""


class SearchKorean(SearchLanguage):
    """한국어 검색 언어: 한글 낱말은 조사·어미를 뗀 어간으로, 그 밖의 낱말은 Porter 어간으로 색인합니다."""

    lang = "ko"
    language_name = "Korean"
    stopwords = english_stopwords
    js_stemmer_code = JS_STEMMER
    js_splitter_code = JS_SPLITTER

    def init(self, options: dict[str, str]) -> None:
        self.porter = snowballstemmer.stemmer("porter")

    def split(self, input: str) -> list[str]:
        return split_korean(input)

    def stem(self, word: str) -> str:
        if _IS_HANGUL.search(word):
            return stem_korean(word)
        # 브라우저의 Porter(Sphinx의 JS)는 세 글자 미만을 그대로 두므로 같게 합니다 ('vs'가 'v'가 되지 않게).
        word = word.lower()
        return word if len(word) < 3 else self.porter.stemWord(word)


def setup(app):
    app.add_search_language(SearchKorean)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
