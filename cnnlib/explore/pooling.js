/**
 * 풀링 탐색기 (pooling explorer)
 *
 * cnnlib.explore.Pooling 의 화면과 계산은 이 파일에 있습니다 (공통 화면 도우미만 _common.js). 파이썬 쪽은 값
 * (size, kernel, stride, padding, mode, values)만 들고 있으므로, 커널이 없는 정적
 * 웹사이트에서도 JupyterLab·Colab 에서와 똑같이 움직입니다.
 *
 * 형식은 anywidget 의 ES 모듈입니다: `export default { render }`.
 * 아래의 이름 있는 내보내기(outputSize, pool 등)는 계산만 하는 순수 함수라서
 * 테스트가 node 로 직접 불러 파이썬(cnnlib.functional.pool2d, PyTorch)과 비교합니다.
 */

// h()와 sliderControls()는 _common.js에 있습니다 (파이썬이 두 파일을 이어 붙여 보냅니다).

// 슬라이더 네 개. 범위는 파이썬의 LIMITS 와 같아야 합니다 (tests/test_explore.py 가 확인).
export const PARAMS = [
  { name: "size", label: "입력 크기", symbol: "W", min: 2, max: 10 },
  { name: "kernel", label: "창 크기", symbol: "K", min: 1, max: 4 },
  { name: "stride", label: "스트라이드", symbol: "S", min: 1, max: 4 },
  { name: "padding", label: "패딩", symbol: "P", min: 0, max: 1 },
];

// 풀링 방식 두 가지 (파이썬의 MODES 와 같음).
export const MODES = [
  { name: "max", label: "최대" },
  { name: "avg", label: "평균" },
];

const TOO_BIG = "풀링 창이 입력에 들어가지 않습니다";

// ------------------------------------------------------------------ 계산 (DOM 없음)

/**
 * 처음 격자의 (row, col) 칸 값: 0–9 의 정수 (파이썬의 default_value 와 같은 식).
 * 칸 번호 k = 10·row + col 을 섞어 무작위처럼 보이게 합니다. 격자 크기와 무관합니다.
 */
export function defaultValue(row, col) {
  const k = 10 * row + col;
  return (((73 * k + 41) * (k + 7)) % 97) % 10;
}

/** n×n 의 처음 격자 */
export function defaultValues(n) {
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => defaultValue(r, c)));
}

/** 격자를 n×n 으로: 겹치는 칸은 그대로, 새 칸은 처음 격자의 값 (파이썬의 resize_values). */
export function resizeValues(values, n) {
  return Array.from({ length: n }, (_, r) =>
    Array.from({ length: n }, (_, c) =>
      r < values.length && c < values[r].length ? values[r][c] : defaultValue(r, c),
    ),
  );
}

/** values 가 n×n 격자인가? */
export function hasShape(values, n) {
  return Array.isArray(values) && values.length === n && values.every((row) => Array.isArray(row) && row.length === n);
}

/** 출력 크기 ⌊(W + 2P − K) / S⌋ + 1. 창이 패딩한 입력보다 크면 null. */
export function outputSize({ size, kernel, stride, padding }) {
  const padded = size + 2 * padding;
  if (kernel > padded) return null;
  return Math.floor((padded - kernel) / stride) + 1;
}

/** 계산할 수 없는 값이면 그 까닭(한국어), 괜찮으면 null. 파이썬의 check_params 와 같은 규칙. */
export function problem(p) {
  if (2 * p.padding > p.kernel) {
    return (
      `패딩은 창 크기의 절반 이하여야 합니다 (PyTorch 규칙): 패딩 ${p.padding} > 창 크기 ${p.kernel} / 2. ` +
      "창을 키우거나 패딩을 0으로 하세요."
    );
  }
  if (outputSize(p) === null) {
    const input = p.padding > 0 ? `입력 ${p.size} + 2·패딩 ${p.padding} = ${p.size + 2 * p.padding}` : `입력 ${p.size}`;
    return `${TOO_BIG}: 창 크기 ${p.kernel} > ${input}. 창을 줄이거나 입력을 키우세요.`;
  }
  return null;
}

/** 화면에 보이는 출력 크기 식 (글자 그대로). 패딩이 0 이면 P 를 뺀 짧은 식입니다. */
export function formulaLine({ size: W, kernel: K, stride: S, padding: P }) {
  const out = outputSize({ size: W, kernel: K, stride: S, padding: P });
  let line =
    P === 0
      ? `⌊(W − K) / S⌋ + 1 = ⌊(${W} − ${K}) / ${S}⌋ + 1`
      : `⌊(W + 2P − K) / S⌋ + 1 = ⌊(${W} + ${2 * P} − ${K}) / ${S}⌋ + 1`;
  line += out === null ? " → 창이 입력보다 큽니다" : ` = ⌊${W + 2 * P - K} / ${S}⌋ + 1 = ${out}`;
  return line;
}

/** 패딩 칸의 값: 최대 풀링은 −∞ (절대 뽑히지 않음), 평균 풀링은 0 (PyTorch 의 기본값). */
export function padValue(mode) {
  return mode === "max" ? -Infinity : 0;
}

/**
 * 풀링을 계산합니다. 계산할 수 없는 값이면 null.
 * 돌려주는 값: { size: 출력 크기, padded: 패딩한 입력 크기, cells: [...] }
 * cells 는 출력 칸마다 (행 우선) { row, col, top, left, taps, value, argmax }:
 *   taps — 창에 든 칸들 { row, col, value } (패딩한 입력의 좌표, 행 우선)
 *   argmax — 최대 풀링에서 가장 큰 칸 { row, col } (같은 값이 여럿이면 처음 것, PyTorch 와 같음)
 */
export function pool(p, values) {
  const out = outputSize(p);
  if (out === null || problem(p) !== null) return null;
  const padded = p.size + 2 * p.padding;
  const at = (r, c) => {
    const rr = r - p.padding;
    const cc = c - p.padding;
    const inside = rr >= 0 && cc >= 0 && rr < p.size && cc < p.size;
    return inside ? values[rr][cc] : padValue(p.mode);
  };
  const cells = [];
  for (let row = 0; row < out; row++) {
    for (let col = 0; col < out; col++) {
      const top = row * p.stride;
      const left = col * p.stride;
      const taps = [];
      for (let i = 0; i < p.kernel; i++) {
        for (let j = 0; j < p.kernel; j++) taps.push({ row: top + i, col: left + j, value: at(top + i, left + j) });
      }
      let value;
      let argmax = null;
      if (p.mode === "max") {
        let best = taps[0];
        for (const tap of taps) if (tap.value > best.value) best = tap; // '>' 라서 같으면 처음 것
        value = best.value;
        argmax = { row: best.row, col: best.col };
      } else {
        let sum = 0;
        for (const tap of taps) sum += tap.value;
        value = sum / taps.length;
      }
      cells.push({ row, col, top, left, taps, value, argmax });
    }
  }
  return { size: out, padded, cells };
}

/** 패딩한 입력의 한 축에서, 어떤 창에도 들지 않는 위치들 (스트라이드가 창보다 크거나 끝이 남을 때). */
export function unusedPositions(p) {
  const out = outputSize(p);
  const padded = p.size + 2 * p.padding;
  const used = new Set();
  for (let o = 0; o < (out ?? 0); o++) for (let i = 0; i < p.kernel; i++) used.add(o * p.stride + i);
  const unused = [];
  for (let x = 0; x < padded; x++) if (!used.has(x)) unused.push(x);
  return unused;
}

/** 숫자를 화면용 글자로: 소수 둘째 자리까지, 음수는 '−', 패딩의 −∞ 는 '−∞'. */
export function formatNumber(x) {
  if (x === -Infinity) return "−∞";
  if (x === Infinity) return "∞";
  let rounded = Math.round(x * 100) / 100;
  if (Object.is(rounded, -0)) rounded = 0;
  return String(rounded).replace("-", "−");
}

/** 사람이 친 글자를 숫자로. 숫자가 아니면 null. '−'(빼기 기호)와 소수점 ','도 받습니다. */
export function parseNumber(text) {
  const clean = String(text).trim().replace(/−/g, "-").replace(",", ".");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(clean)) return null;
  const x = Number(clean);
  return Number.isFinite(x) ? x : null;
}

/** 출력 칸 하나의 계산을 글자로 (예: "최대 max(3, 9, 2, 0) = 9"). */
export function describe(p, cell) {
  const numbers = cell.taps.map((t) => formatNumber(t.value));
  if (p.mode === "max") return `최대 max(${numbers.join(", ")}) = ${formatNumber(cell.value)}`;
  return `평균 (${numbers.join(" + ")}) / ${cell.taps.length} = ${formatNumber(cell.value)}`;
}

// ------------------------------------------------------------------ 화면 (DOM)


const CELL_PX = 30; // 칸 한 변 (숫자를 고칠 수 있을 만큼)

/** 정사각 격자의 틀: 위쪽·왼쪽에 번호(labels)를 붙이고, makeCell(r, c) 이 만든 칸을 채웁니다. */
function grid(role, n, labels, makeCell) {
  const node = h("div", {
    class: "cnn-pool-grid",
    "data-role": role,
    "data-rows": n,
    "data-cols": n,
    style: `grid-template-columns: 16px repeat(${n}, ${CELL_PX}px); grid-auto-rows: ${CELL_PX}px;`,
  });
  node.append(h("span", { class: "cnn-pool-axis" }));
  for (let c = 0; c < n; c++) node.append(h("span", { class: "cnn-pool-axis" }, labels[c]));
  for (let r = 0; r < n; r++) {
    node.append(h("span", { class: "cnn-pool-axis" }, labels[r]));
    for (let c = 0; c < n; c++) node.append(makeCell(r, c));
  }
  return node;
}

function render({ model, el }) {
  const current = () => ({
    ...Object.fromEntries(PARAMS.map((p) => [p.name, model.get(p.name)])),
    mode: model.get("mode"),
  });
  // 크기를 바꾸는 중에는 잠깐 격자가 맞지 않을 수 있습니다: 그때는 맞춘 격자를 씁니다.
  const currentValues = () => {
    const values = model.get("values");
    const n = model.get("size");
    return hasShape(values, n) ? values : resizeValues(Array.isArray(values) ? values : [], n);
  };
  const save = () => model.save_changes();

  // --- 슬라이더: 움직이면 모델 값을 바꾸고(커널이 있으면 파이썬에도 전해짐), 화면은 아래
  // model.on("change:...") 에서 다시 그립니다.
  const { controls, sliders, shown } = sliderControls(model, PARAMS, (p, value) => {
    if (p.name === "size") {
      // 격자도 함께 바꿔 보냅니다: 겹치는 칸은 그대로, 새 칸은 처음 격자의 값.
      model.set("values", resizeValues(currentValues(), value));
    }
    model.set(p.name, value);
    save();
  });

  // --- 최대/평균 단추
  const modeButtons = {};
  const modeGroup = h("div", { class: "cnn-pool-modes", role: "group", "aria-label": "풀링 방식" }, [
    h("span", { class: "cnn-explorer-label" }, "풀링 방식"),
  ]);
  for (const m of MODES) {
    const button = h("button", { type: "button", "data-param": "mode", "data-value": m.name }, m.label);
    button.addEventListener("click", () => {
      model.set("mode", m.name);
      save();
    });
    modeButtons[m.name] = button;
    modeGroup.append(button);
  }
  const resetButton = h("button", { type: "button", "data-role": "reset" }, "처음 값으로");
  resetButton.addEventListener("click", () => {
    model.set("values", defaultValues(model.get("size")));
    save();
  });
  modeGroup.append(resetButton);
  controls.append(modeGroup);

  const formula = h("div", { class: "cnn-pool-formula", "data-role": "formula" });
  const stepButton = h("button", { type: "button", "data-role": "step" }, "다음 칸");
  const status = h("span", { class: "cnn-pool-status", "data-role": "status" });
  const buttons = h("div", { class: "cnn-pool-buttons" }, [stepButton, status]);
  const stage = h("div", { class: "cnn-pool-stage", "data-role": "stage" });
  const editNote = h("div", { class: "cnn-pool-note", "data-role": "edit-note", "aria-live": "polite" });
  const legend = h("div", { class: "cnn-pool-legend" });
  const root = h("div", { class: "cnn-explorer cnn-pool" }, [controls, formula, buttons, stage, editNote, legend]);
  el.append(root);

  let step = 0; // 지금 고른 출력 칸의 번호 (행 우선)
  let result = null; // pool() 의 결과
  let inputGrid = null;
  let outputGrid = null;

  /** 입력 칸 하나: 눌러서 숫자를 고칠 수 있는 글상자 (패딩 칸은 고칠 수 없는 글자). */
  function inputCell(p, r, c) {
    const rr = r - p.padding;
    const cc = c - p.padding;
    if (rr < 0 || cc < 0 || rr >= p.size || cc >= p.size) {
      return h(
        "span",
        { class: "cnn-pool-cell is-pad", "data-row": r, "data-col": c, "data-pad": "1", title: "패딩" },
        formatNumber(padValue(p.mode)),
      );
    }
    const box = h("input", {
      type: "text",
      inputmode: "decimal",
      class: "cnn-pool-cell cnn-pool-input",
      "data-role": "input-cell",
      "data-row": r,
      "data-col": c,
      "aria-label": `입력 (${rr}, ${cc})`,
      title: "눌러서 숫자를 고치세요 (↑/↓: 1씩)",
    });
    const original = () => String(currentValues()[rr][cc]);
    const commit = () => {
      const x = parseNumber(box.value);
      if (x === null) {
        editNote.textContent = `숫자만 넣을 수 있습니다: '${box.value}'. 원래 값(${original()})을 되살렸습니다.`;
        box.value = original();
        return;
      }
      editNote.textContent = "";
      if (x === currentValues()[rr][cc]) return;
      const values = currentValues().map((row) => row.slice()); // 새 배열이어야 변화가 전해집니다
      values[rr][cc] = x;
      model.set("values", values);
      save();
    };
    box.addEventListener("focus", () => box.select());
    box.addEventListener("change", commit);
    box.addEventListener("keydown", (event) => {
      // 글자를 치는 동안 JupyterLab 의 단축키(셀 이동·삭제 등)가 끼어들지 않게 합니다.
      event.stopPropagation();
      if (event.key === "Enter") {
        commit();
        box.select();
      } else if (event.key === "Escape") {
        box.value = original();
        box.blur();
      } else if (event.key === "ArrowUp" || event.key === "ArrowDown") {
        event.preventDefault();
        const x = parseNumber(box.value) ?? Number(original());
        box.value = String(x + (event.key === "ArrowUp" ? 1 : -1));
        commit();
      }
    });
    return box;
  }

  /** 출력 칸 하나: 마우스를 올리거나, 누르거나, 키보드로 고르면 그 창을 보여 줍니다. */
  function outputCell(out, r, c) {
    const cell = h("span", {
      class: "cnn-pool-cell cnn-pool-out",
      "data-role": "output-cell",
      "data-row": r,
      "data-col": c,
      tabindex: 0,
    });
    const index = r * out + c;
    cell.addEventListener("mouseenter", () => choose(index));
    cell.addEventListener("click", () => choose(index));
    cell.addEventListener("focus", () => choose(index));
    cell.addEventListener("keydown", (event) => {
      const moves = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0] };
      if (!(event.key in moves)) return;
      event.stopPropagation();
      event.preventDefault();
      const [dr, dc] = moves[event.key];
      const nr = Math.min(out - 1, Math.max(0, r + dr));
      const nc = Math.min(out - 1, Math.max(0, c + dc));
      outputGrid.querySelector(`[data-row="${nr}"][data-col="${nc}"]`).focus();
    });
    return cell;
  }

  /** 값(격자 말고)이 바뀌면 식과 두 격자를 새로 만듭니다. */
  function rebuild() {
    const p = current();
    for (const q of PARAMS) {
      sliders[q.name].value = String(p[q.name]);
      shown[q.name].textContent = String(p[q.name]);
    }
    for (const m of MODES) modeButtons[m.name].setAttribute("aria-pressed", String(p.mode === m.name));
    editNote.textContent = ""; // 지난 입력에 대한 안내는 지웁니다
    formula.replaceChildren(
      h("div", { "data-role": "formula-line" }, `출력 크기 = ${formulaLine(p)}`),
    );

    const message = problem(p);
    if (message) {
      // 격자 대신 안내문만 보여 줍니다.
      result = inputGrid = outputGrid = null;
      stage.replaceChildren(h("div", { class: "cnn-pool-message", "data-role": "message" }, message));
      stepButton.disabled = true;
      status.textContent = "";
      legend.hidden = true;
      return;
    }
    stepButton.disabled = false;
    legend.hidden = false;

    const out = outputSize(p);
    const n = p.size + 2 * p.padding;
    step = Math.min(step, out * out - 1);
    // 번호는 원래 입력의 좌표(0부터). 패딩 칸에는 번호가 없습니다.
    const inLabels = Array.from({ length: n }, (_, x) =>
      x < p.padding || x >= p.padding + p.size ? "" : x - p.padding,
    );
    const unused = new Set(unusedPositions(p));
    inputGrid = grid("input-grid", n, inLabels, (r, c) => {
      const cell = inputCell(p, r, c);
      if (unused.has(r) || unused.has(c)) {
        cell.classList.add("is-unused");
        cell.dataset.unused = "1";
      }
      return cell;
    });
    outputGrid = grid("output-grid", out, Array.from({ length: out }, (_, x) => x), (r, c) => outputCell(out, r, c));

    const modeLabel = p.mode === "max" ? "최대 풀링" : "평균 풀링";
    const padNote = p.padding > 0 ? `, 패딩 ${p.padding} → ${n}×${n}` : "";
    stage.replaceChildren(
      h("figure", { class: "cnn-pool-figure" }, [
        h("figcaption", { "data-role": "input-caption" }, `입력 ${p.size}×${p.size}${padNote} · 칸을 눌러 고치기`),
        inputGrid,
      ]),
      h("div", { class: "cnn-pool-arrow" }, [h("span", {}, modeLabel), h("span", {}, "→")]),
      h("figure", { class: "cnn-pool-figure" }, [
        h("figcaption", { "data-role": "output-caption" }, `출력 ${out}×${out}`),
        outputGrid,
      ]),
    );
    legend.replaceChildren(
      h("span", { class: "cnn-pool-swatch is-window" }),
      " 지금 창  ",
      ...(p.mode === "max"
        ? [h("span", { class: "cnn-pool-swatch is-current-argmax" }), " 지금 창의 최댓값  ",
           h("span", { class: "cnn-pool-swatch is-argmax" }), " 다른 창의 최댓값  "]
        : []),
      ...(p.padding > 0 ? [h("span", { class: "cnn-pool-swatch is-pad" }), ` 패딩 (${formatNumber(padValue(p.mode))})  `] : []),
      ...(unused.size > 0 ? [h("span", { class: "cnn-pool-swatch is-unused" }), " 어떤 창에도 들지 않는 칸"] : []),
    );
    refresh();
  }

  /** 격자 값이 바뀌면: 입력 칸의 글자와 출력 값을 새로 씁니다 (격자는 그대로 둡니다). */
  function refresh() {
    if (!inputGrid) return;
    const p = current();
    const values = currentValues();
    result = pool(p, values);
    for (const box of inputGrid.querySelectorAll("input")) {
      const text = String(values[Number(box.dataset.row) - p.padding][Number(box.dataset.col) - p.padding]);
      // 지금 고치고 있는 칸은 건드리지 않습니다.
      if (box !== document.activeElement && box.value !== text) box.value = text;
    }
    for (const cell of outputGrid.querySelectorAll("[data-role=output-cell]")) {
      const value = result.cells[Number(cell.dataset.row) * result.size + Number(cell.dataset.col)].value;
      cell.textContent = formatNumber(value);
      cell.dataset.value = String(value);
    }
    highlight();
  }

  /** 지금 칸(step)에 맞게 색과 표시만 바꿉니다. */
  function highlight() {
    if (!result) return;
    const p = current();
    const cell = result.cells[step];
    const key = (r, c) => `${r},${c}`;
    const inWindow = new Set(cell.taps.map((t) => key(t.row, t.col)));
    const argmaxes = new Set(p.mode === "max" ? result.cells.map((o) => key(o.argmax.row, o.argmax.col)) : []);
    const mine = cell.argmax ? key(cell.argmax.row, cell.argmax.col) : null;
    for (const node of inputGrid.querySelectorAll(".cnn-pool-cell")) {
      const k = key(node.dataset.row, node.dataset.col);
      mark(node, "in-window", inWindow.has(k));
      mark(node, "argmax", argmaxes.has(k));
      mark(node, "current-argmax", k === mine);
    }
    for (const node of outputGrid.querySelectorAll(".cnn-pool-cell")) {
      mark(node, "current", Number(node.dataset.row) * result.size + Number(node.dataset.col) === step);
    }
    const last = cell.top + p.kernel - 1;
    const right = cell.left + p.kernel - 1;
    const where = p.padding > 0 ? "패딩한 입력의 " : "입력의 ";
    status.textContent =
      `출력 (${cell.row}, ${cell.col}) ← ${where}행 ${cell.top}–${last}, 열 ${cell.left}–${right}: ` +
      describe(p, cell);
  }

  /** 표시 하나를 켜고 끕니다: data-이름="1" 속성과 is-이름 클래스. */
  function mark(node, name, on) {
    node.classList.toggle(`is-${name}`, on);
    const attr = name.replace(/-(\w)/g, (_, ch) => ch.toUpperCase());
    if (on) node.dataset[attr] = "1";
    else delete node.dataset[attr];
  }

  function choose(index) {
    if (!result || index === step) return;
    step = index;
    highlight();
  }

  stepButton.addEventListener("click", () => {
    if (!result) return;
    step = (step + 1) % result.cells.length;
    highlight();
  });

  const onParams = () => rebuild();
  const onValues = () => (hasShape(model.get("values"), model.get("size")) ? refresh() : rebuild());
  const names = [...PARAMS.map((p) => p.name), "mode"];
  for (const name of names) model.on(`change:${name}`, onParams);
  model.on("change:values", onValues);
  rebuild();

  // 화면이 사라질 때 이벤트를 정리합니다 (anywidget 이 이 함수를 부릅니다).
  return () => {
    for (const name of names) model.off(`change:${name}`, onParams);
    model.off("change:values", onValues);
  };
}

export default { render };
