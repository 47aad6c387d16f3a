// 이 책의 웹사이트 전용: 위젯 자바스크립트를 인터넷(CDN) 대신 이 사이트의 vendor/ 폴더에서
// 불러오게 합니다. 이 파일은 require.js 다음, embed-amd.js 앞에 옵니다
// (_config.yml 의 nb_ipywidgets_js 순서). 자세한 내용은 book/vendor/update.sh.
//
// Serve widget JavaScript from this site instead of a CDN. Must load after require.js
// and before @jupyter-widgets/html-manager's embed-amd.js.
(function () {
  "use strict";
  var script = document.currentScript;
  // 이 파일이 있는 폴더의 절대 주소. 페이지가 어느 폴더에 있든, 사이트가 하위 경로
  // (예: https://example.github.io/cnn-book/)에 있든 맞는 주소가 됩니다.
  var vendor = new URL(".", script.src).href;

  // html-manager 는 data-jupyter-widgets-cdn 속성이 있는 마지막 <script> 의 값을
  // 모듈 주소의 앞부분으로 씁니다 (기본값: https://cdn.jsdelivr.net/npm/).
  // 그래서 모르는 모듈이 있어도 인터넷이 아니라 이 사이트에 먼저 묻습니다.
  script.setAttribute("data-jupyter-widgets-cdn", vendor);

  var dist = vendor + "@jupyter-widgets/html-manager@1.0.15/dist/";
  window.requirejs.config({
    paths: {
      // anywidget 모듈은 html-manager 가 CDN 주소를 만들기 전에 require.js 로 먼저 찾습니다.
      // 그 이름을 여기 둔 파일에 연결합니다. (CDN 주소에는 "anywidget@~0.11.*" 처럼 '*'가
      // 들어가는데, 그런 폴더 이름은 Windows에서 체크아웃할 수 없어서 이렇게 합니다.)
      anywidget: vendor + "anywidget@0.11.0/dist/index",
      // embed-amd.js 안의 모듈들(@jupyter-widgets/base, controls, html-manager ...)은 이미
      // 들어 있어 새로 받지 않지만, 자기 CSS의 글꼴(Font Awesome 5) 주소를 모듈 주소에서
      // 정합니다. 모두 embed-amd.js 옆(dist/)을 가리키게 해서 그 글꼴을 찾게 합니다.
      // 이것이 없으면 페이지 옆 폴더(chapters/@jupyter-widgets/...)에서 찾다가 404가 납니다.
      "@jupyter-widgets": dist.slice(0, -1),
      "@jupyter-widgets/html-manager/dist/libembed-amd": dist + "libembed-amd",
    },
  });
})();

// ipywidgets 8의 html-manager는 위젯 글자를 MathJax 2의 MathJax.Hub.Queue로 조판합니다. 이 책은
// MathJax 3을 쓰므로 그 자리에 MathJax 3의 typesetPromise를 부르는 작은 대역을 둡니다.
// (없으면 설명 글자가 있는 위젯마다 콘솔에 TypeError: reading 'Queue' 가 납니다.)
document.addEventListener("DOMContentLoaded", function () {
  var mj = window.MathJax;
  if (!mj || mj.Hub) return;
  mj.Hub = {
    Queue: function (job) {
      var el = job && job[2];
      var ready = (mj.startup && mj.startup.promise) || Promise.resolve();
      ready.then(function () {
        return mj.typesetPromise ? mj.typesetPromise(el ? [el] : undefined) : null;
      }).catch(function () {});
    },
  };
});
