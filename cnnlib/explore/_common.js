// 세 탐색기가 함께 쓰는 화면 도우미. 파이썬(_common.py의 bundle)이 이 파일을 각 탐색기의
// 자바스크립트 앞에 이어 붙여 한 모듈로 보냅니다 (anywidget은 모듈 하나만 불러옵니다).

/** 작은 도우미: 태그 이름, 속성, 자식(글자나 요소)으로 요소를 만듭니다. */
function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  for (const child of [].concat(children)) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * 값마다 슬라이더 한 줄(이름, 슬라이더, 현재 값)을 만듭니다. 슬라이더를 움직이면
 * onInput(p, 값)을 부릅니다 (기본: 모델 값을 바꾸고 파이썬에 보냄). 화면은 각 탐색기가
 * model.on("change:...")에서 다시 그립니다. 돌려주는 값: { controls, sliders, shown }.
 */
function sliderControls(model, params, onInput) {
  const sliders = {};
  const shown = {};
  const controls = h("div", { class: "cnn-explorer-controls" });
  const input =
    onInput ||
    ((p, value) => {
      model.set(p.name, value);
      model.save_changes();
    });
  for (const p of params) {
    const slider = h("input", {
      type: "range",
      min: p.min,
      max: p.max,
      step: 1,
      "data-param": p.name,
      "aria-label": p.label,
    });
    slider.addEventListener("input", () => input(p, Number(slider.value)));
    // 화살표 키는 슬라이더의 것입니다: JupyterLab 이 가로채 셀 이동에 쓰지 않게 합니다.
    slider.addEventListener("keydown", (event) => event.stopPropagation());
    shown[p.name] = h("output", { class: "cnn-explorer-value", "data-role": `value-${p.name}` });
    sliders[p.name] = slider;
    controls.append(
      h("label", { class: "cnn-explorer-control" }, [
        h("span", { class: "cnn-explorer-label" }, `${p.label} ${p.symbol}`),
        slider,
        shown[p.name],
      ]),
    );
  }
  return { controls, sliders, shown };
}

