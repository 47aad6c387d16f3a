/**
 * 합성곱 산술 탐색기 (convolution arithmetic explorer)
 *
 * cnnlib.explore.ConvArithmetic 의 화면과 계산은 이 파일에 있습니다 (공통 화면 도우미만 _common.js). 파이썬 쪽은
 * 다섯 값(size, kernel, padding, stride, dilation)만 들고 있으므로, 커널이 없는 정적
 * 웹사이트에서도 JupyterLab·Colab 에서와 똑같이 움직입니다.
 *
 * 형식은 anywidget 의 ES 모듈입니다: `export default { render }`.
 * 아래의 이름 있는 내보내기(outputSize, formulaLines 등)는 계산만 하는 순수 함수라서
 * 테스트가 node 로 직접 불러 파이썬의 cnnlib.functional.output_size 와 비교합니다.
 */

// h()와 sliderControls()는 _common.js에 있습니다 (파이썬이 두 파일을 이어 붙여 보냅니다).

// 슬라이더 다섯 개. 범위는 파이썬의 LIMITS 와 같아야 합니다 (tests/test_explore.py 가 확인).
export const PARAMS = [
  { name: "size", label: "입력 크기", symbol: "W", min: 1, max: 16 },
  { name: "kernel", label: "커널 크기", symbol: "K", min: 1, max: 7 },
  { name: "padding", label: "패딩", symbol: "P", min: 0, max: 4 },
  { name: "stride", label: "스트라이드", symbol: "S", min: 1, max: 4 },
  { name: "dilation", label: "팽창", symbol: "D", min: 1, max: 3 },
];

const STEP_MS = 700; // 애니메이션에서 한 칸에 머무는 시간 (밀리초)
const TOO_BIG = "커널이 패딩한 입력보다 큽니다";

// ------------------------------------------------------------------ 계산 (DOM 없음)

/** 팽창을 적용한 커널이 실제로 덮는 폭: D·(K−1) + 1 */
export function span({ kernel, dilation }) {
  return dilation * (kernel - 1) + 1;
}

/** 출력 크기 ⌊(W + 2P − D·(K−1) − 1) / S⌋ + 1. 커널이 패딩한 입력보다 크면 null. */
export function outputSize(p) {
  const padded = p.size + 2 * p.padding;
  if (span(p) > padded) return null;
  return Math.floor((padded - span(p)) / p.stride) + 1;
}

/** 출력 칸 하나(index번째 위치)를 계산할 때 커널이 놓인 곳 (패딩한 입력의 좌표). */
export function windowAt(p, index) {
  const out = outputSize(p);
  const row = Math.floor(index / out);
  const col = index % out;
  const top = row * p.stride;
  const left = col * p.stride;
  // 커널의 K×K 칸이 실제로 닿는 행·열: 팽창 D 만큼 띄엄띄엄
  const taps = [];
  for (let i = 0; i < p.kernel; i++) taps.push(i * p.dilation);
  return {
    row,
    col,
    rows: taps.map((t) => top + t),
    cols: taps.map((t) => left + t),
    top,
    left,
    bottom: top + span(p) - 1,
    right: left + span(p) - 1,
  };
}

/** 패딩한 입력의 한 축에서, 어떤 출력 칸도 쓰지 않는 위치들 (스트라이드 때문에 남는 칸). */
export function unusedPositions(p) {
  const out = outputSize(p);
  const padded = p.size + 2 * p.padding;
  const used = new Set();
  for (let o = 0; o < out; o++) {
    for (let i = 0; i < p.kernel; i++) used.add(o * p.stride + i * p.dilation);
  }
  const unused = [];
  for (let x = 0; x < padded; x++) if (!used.has(x)) unused.push(x);
  return unused;
}

/**
 * 화면에 보이는 식 (글자 그대로). 같은 값에는 언제나 같은 글자를 돌려줍니다.
 * 돌려주는 값: { general, simple, span } — simple 은 팽창이 1일 때만, span 은 1보다 클 때만.
 */
export function formulaLines(p) {
  const { size: W, kernel: K, padding: P, stride: S, dilation: D } = p;
  const out = outputSize(p);
  const reach = D * (K - 1); // D·(K−1)
  const numerator = W + 2 * P - reach - 1; // 바닥 함수 안의 분자
  let general =
    `⌊(W + 2P − D·(K−1) − 1) / S⌋ + 1 = ` + `⌊(${W} + ${2 * P} − ${reach} − 1) / ${S}⌋ + 1`;
  general += out === null ? ` → ${TOO_BIG}` : ` = ⌊${numerator} / ${S}⌋ + 1 = ${out}`;

  let simple = null;
  if (D === 1) {
    simple = `⌊(W − K + 2P) / S⌋ + 1 = ⌊(${W} − ${K} + ${2 * P}) / ${S}⌋ + 1`;
    simple += out === null ? ` → ${TOO_BIG}` : ` = ⌊${W - K + 2 * P} / ${S}⌋ + 1 = ${out}`;
  }

  let spanLine = null;
  if (D > 1) {
    spanLine = `커널이 덮는 폭 D·(K−1) + 1 = ${D}·${K - 1} + 1 = ${span(p)}`;
  }
  return { general, simple, span: spanLine };
}

/** 커널이 너무 클 때 보여 줄 안내문 (한국어). 문제가 없으면 null. */
export function problem(p) {
  if (outputSize(p) !== null) return null;
  const padded = p.size + 2 * p.padding;
  return (
    `${TOO_BIG}: 커널이 덮는 폭 ${span(p)} > 패딩한 입력 ` +
    `${p.size} + 2·${p.padding} = ${padded}. 패딩을 늘리거나 커널·팽창을 줄이세요.`
  );
}

// ------------------------------------------------------------------ 화면 (DOM)


/** 칸 크기(px): 격자가 클수록 작게 */
function cellSize(n) {
  return n <= 12 ? 24 : n <= 18 ? 18 : 14;
}

/**
 * 정사각 격자 하나를 만듭니다. 위쪽·왼쪽에 번호(labels)를 붙이고, 칸마다
 * data-row / data-col 을 답니다. decorate(cell, r, c) 로 칸을 꾸밉니다.
 */
function grid(role, n, labels, decorate) {
  const px = cellSize(n);
  const node = h("div", {
    class: "cnn-ca-grid",
    "data-role": role,
    "data-rows": n,
    "data-cols": n,
    style: `grid-template-columns: repeat(${n + 1}, ${px}px); grid-auto-rows: ${px}px;`,
  });
  node.append(h("span", { class: "cnn-ca-axis" }));
  for (let c = 0; c < n; c++) node.append(h("span", { class: "cnn-ca-axis" }, labels[c]));
  for (let r = 0; r < n; r++) {
    node.append(h("span", { class: "cnn-ca-axis" }, labels[r]));
    for (let c = 0; c < n; c++) {
      const cell = h("span", { class: "cnn-ca-cell", "data-row": r, "data-col": c });
      decorate(cell, r, c);
      node.append(cell);
    }
  }
  return node;
}

function render({ model, el }) {
  const current = () => Object.fromEntries(PARAMS.map((p) => [p.name, model.get(p.name)]));

  // 슬라이더: 움직이면 모델 값을 바꾸고(커널이 있으면 파이썬에도 전해짐), 화면은 아래
  // model.on("change:...") 에서 다시 그립니다.
  const { controls, sliders, shown: values } = sliderControls(model, PARAMS);

  const formula = h("div", { class: "cnn-ca-formula", "data-role": "formula" });
  const playButton = h("button", { type: "button", "data-role": "play" }, "재생");
  const stepButton = h("button", { type: "button", "data-role": "step" }, "한 칸 앞으로");
  const status = h("span", { class: "cnn-ca-status", "data-role": "status" });
  const buttons = h("div", { class: "cnn-ca-buttons" }, [playButton, stepButton, status]);
  const stage = h("div", { class: "cnn-ca-stage", "data-role": "stage" });
  const legend = h("div", { class: "cnn-ca-legend" }, [
    h("span", { class: "cnn-ca-cell is-pad" }, "0"),
    " 패딩  ",
    h("span", { class: "cnn-ca-cell is-tap" }),
    " 커널이 곱하는 칸  ",
    h("span", { class: "cnn-ca-cell is-window" }),
    " 팽창으로 건너뛰는 칸  ",
    h("span", { class: "cnn-ca-cell is-unused" }),
    " 쓰이지 않는 칸",
  ]);
  const root = h("div", { class: "cnn-explorer cnn-ca" }, [controls, formula, buttons, stage, legend]);
  el.append(root);

  let step = 0; // 지금 계산하는 출력 칸의 번호 (행 우선)
  let timer = null;
  let inputGrid = null;
  let outputGrid = null;

  /** 값이 바뀌면 식과 두 격자를 새로 만듭니다. */
  function rebuild() {
    const p = current();
    for (const q of PARAMS) {
      sliders[q.name].value = String(p[q.name]);
      values[q.name].textContent = String(p[q.name]);
    }
    const lines = formulaLines(p);
    formula.replaceChildren(
      h("div", { "data-role": "formula-general" }, `출력 크기 = ${lines.general}`),
    );
    if (lines.simple) formula.append(h("div", { "data-role": "formula-simple" }, `팽창이 1이면 ${lines.simple}`));
    if (lines.span) formula.append(h("div", { "data-role": "formula-span" }, lines.span));

    const out = outputSize(p);
    const message = problem(p);
    if (message) {
      // 격자 대신 안내문만 보여 주고, 애니메이션은 멈춥니다.
      stop();
      inputGrid = outputGrid = null;
      stage.replaceChildren(h("div", { class: "cnn-ca-message", "data-role": "message" }, message));
      playButton.disabled = stepButton.disabled = true;
      status.textContent = "";
      legend.hidden = true;
      return;
    }
    playButton.disabled = stepButton.disabled = false;
    legend.hidden = false;

    const n = p.size + 2 * p.padding;
    // 번호는 원래 입력의 좌표(0부터). 패딩 칸에는 번호가 없습니다.
    const inLabels = Array.from({ length: n }, (_, x) =>
      x < p.padding || x >= p.padding + p.size ? "" : x - p.padding,
    );
    const unused = new Set(unusedPositions(p));
    inputGrid = grid("input-grid", n, inLabels, (cell, r, c) => {
      const isPad = r < p.padding || c < p.padding || r >= p.padding + p.size || c >= p.padding + p.size;
      if (isPad) {
        cell.classList.add("is-pad");
        cell.dataset.pad = "1";
        cell.textContent = "0";
      }
      if (unused.has(r) || unused.has(c)) cell.classList.add("is-unused");
    });
    outputGrid = grid("output-grid", out, Array.from({ length: out }, (_, x) => x), () => {});

    const paddedNote = p.padding > 0 ? `, 패딩 ${p.padding} → ${n}×${n}` : "";
    stage.replaceChildren(
      h("figure", { class: "cnn-ca-figure" }, [
        h("figcaption", { "data-role": "input-caption" }, `입력 ${p.size}×${p.size}${paddedNote}`),
        inputGrid,
      ]),
      h("div", { class: "cnn-ca-arrow" }, "→"),
      h("figure", { class: "cnn-ca-figure" }, [
        h("figcaption", { "data-role": "output-caption" }, `출력 ${out}×${out}`),
        outputGrid,
      ]),
    );
    highlight();
  }

  /** 지금 칸(step)에 맞게 색만 바꿉니다. */
  function highlight() {
    if (!inputGrid) return;
    const p = current();
    const out = outputSize(p);
    const w = windowAt(p, step);
    const rows = new Set(w.rows);
    const cols = new Set(w.cols);
    for (const cell of inputGrid.querySelectorAll(".cnn-ca-cell")) {
      const r = Number(cell.dataset.row);
      const c = Number(cell.dataset.col);
      const inWindow = r >= w.top && r <= w.bottom && c >= w.left && c <= w.right;
      cell.classList.toggle("is-window", inWindow);
      cell.classList.toggle("is-tap", rows.has(r) && cols.has(c));
    }
    for (const cell of outputGrid.querySelectorAll(".cnn-ca-cell")) {
      const index = Number(cell.dataset.row) * out + Number(cell.dataset.col);
      cell.classList.toggle("is-current", index === step);
      cell.classList.toggle("is-done", index < step);
    }
    status.textContent =
      `출력 (${w.row}, ${w.col}) ← 패딩한 입력의 행 ${w.top}–${w.bottom}, 열 ${w.left}–${w.right}` +
      ` (${p.kernel}×${p.kernel}칸을 곱해 더함)`;
  }

  function advance() {
    const out = outputSize(current());
    if (out === null) return;
    step = (step + 1) % (out * out);
    highlight();
  }

  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    playButton.textContent = "재생";
    playButton.dataset.playing = "0";
  }

  playButton.addEventListener("click", () => {
    if (timer !== null) return stop();
    timer = setInterval(advance, STEP_MS);
    playButton.textContent = "일시정지";
    playButton.dataset.playing = "1";
  });
  stepButton.addEventListener("click", () => {
    stop();
    advance();
  });

  const onChange = () => {
    step = 0;
    rebuild();
  };
  for (const p of PARAMS) model.on(`change:${p.name}`, onChange);
  rebuild();

  // 화면이 사라질 때 타이머와 이벤트를 정리합니다 (anywidget 이 이 함수를 부릅니다).
  return () => {
    stop();
    for (const p of PARAMS) model.off(`change:${p.name}`, onChange);
  };
}

export default { render };
