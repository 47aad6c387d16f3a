/**
 * 수용 영역 탐색기 (receptive field explorer)
 *
 * cnnlib.explore.ReceptiveField 의 화면과 계산은 이 파일에 있습니다 (공통 화면 도우미만 _common.js). 파이썬 쪽은 값
 * (layers, kernel, stride, dilation, pool)만 들고 있으므로, 커널이 없는 정적 웹사이트에서도
 * JupyterLab·Colab 에서와 똑같이 움직입니다.
 *
 * 그림은 1차원입니다: 맨 아래 줄이 입력, 그 위로 층마다 한 줄. 패딩 없이(valid) 쌓으므로 위로
 * 갈수록 칸이 줄어듭니다. 위 칸을 고르면 그 칸이 값을 얻으려고 읽는 아래 칸들이 층마다 칠해집니다.
 * 맨 아래(입력)에서 칠해진 폭이 수용 영역입니다.
 *
 * 형식은 anywidget 의 ES 모듈입니다: `export default { render }`.
 * 아래의 이름 있는 내보내기(receptiveFields, dependencies 등)는 계산만 하는 순수 함수라서
 * 테스트가 node 로 직접 불러 파이썬(그리고 PyTorch 의 기울기)과 비교합니다.
 */

// h()와 sliderControls()는 _common.js에 있습니다 (파이썬이 두 파일을 이어 붙여 보냅니다).

// 슬라이더 네 개. 범위는 파이썬의 LIMITS 와 같아야 합니다 (tests/test_explore.py 가 확인).
export const PARAMS = [
  { name: "layers", label: "층 수", symbol: "L", min: 1, max: 6 },
  { name: "kernel", label: "커널", symbol: "k", min: 1, max: 7 },
  { name: "stride", label: "스트라이드", symbol: "s", min: 1, max: 3 },
  { name: "dilation", label: "팽창", symbol: "d", min: 1, max: 3 },
];

// "2층마다 풀링" 을 켜면 합성곱 두 층마다 넣는 풀링 층 (2×2 풀링을 1차원으로: 창 2, 스트라이드 2).
export const POOL = { kernel: 2, stride: 2, dilation: 1 };

// 그림의 치수 (px)
const LABEL_W = 78; // 왼쪽 층 이름 칸
const PLOT_W = 600; // 그림 폭: 입력 줄 전체가 여기에 들어갑니다
const ROW_H = 40; // 한 층의 높이
const UNIT_H = 14; // 칸 하나의 높이
const TOP = 8;
const BOTTOM = 40; // 입력 줄 아래 괄호와 글자 자리
const MAX_PITCH = 20; // 입력 칸 하나의 최대 폭
const MIN_PITCH = 3.5; // 칸 하나가 이보다 좁으면 그 줄은 띠로 그립니다
const VIEW_POSITIONS = 28; // 입력 칸이 이 정도가 되도록 맨 위 층의 칸 수를 고릅니다
const MIN_TOP = 3; // 맨 위 층의 칸 수: 적어도 세 칸 (칸을 옮기면 수용 영역이 점프만큼 움직임)
const MAX_TOP = 28;
const MAX_EDGES = 1500; // 이보다 많으면 연결선을 그리지 않습니다
const SVG_NS = "http://www.w3.org/2000/svg"; // SVG 요소의 이름공간 (내려받는 주소가 아닙니다)

// ------------------------------------------------------------------ 계산 (DOM 없음)

/**
 * 층 목록. 합성곱 층은 모두 같은 커널·스트라이드·팽창을 씁니다. pool 이 참이면 합성곱
 * 2층마다 풀링 층 (창 2, 스트라이드 2)을 하나 넣습니다.
 * 돌려주는 값: [{ kind: "conv" | "pool", name, kernel, stride, dilation }, ...] (아래층부터)
 */
export function layerStack({ layers, kernel, stride, dilation, pool }) {
  const stack = [];
  let pools = 0;
  for (let i = 1; i <= layers; i++) {
    stack.push({ kind: "conv", name: `합성곱 ${i}`, kernel, stride, dilation });
    if (pool && i % 2 === 0) {
      pools += 1;
      stack.push({ kind: "pool", name: `풀링 ${pools}`, ...POOL });
    }
  }
  return stack;
}

/**
 * 층마다 수용 영역 r 과 점프 j (이웃한 두 칸이 입력에서 떨어진 거리).
 *   r_0 = 1, j_0 = 1 (입력 칸 하나는 자기 자신만 봄)
 *   r_l = r_{l−1} + (k − 1)·d·j_{l−1}
 *   j_l = j_{l−1}·s
 * 돌려주는 값: [{ r, j }, ...] — 0번이 입력, l번이 l번째 층 (길이 = 층 수 + 1)
 */
export function receptiveFields(stack) {
  const rows = [{ r: 1, j: 1 }];
  for (const layer of stack) {
    const prev = rows[rows.length - 1];
    rows.push({
      r: prev.r + (layer.kernel - 1) * layer.dilation * prev.j,
      j: prev.j * layer.stride,
    });
  }
  return rows;
}

/** 표에 쓰는 계산 (글자 그대로): 층마다 { r: "1 + (3 − 1)·1·1 = 3", j: "1·1 = 1" }. */
export function formulaRows(stack) {
  const rows = receptiveFields(stack);
  return stack.map((layer, i) => {
    const prev = rows[i];
    const next = rows[i + 1];
    return {
      r: `${prev.r} + (${layer.kernel} − 1)·${layer.dilation}·${prev.j} = ${next.r}`,
      j: `${prev.j}·${layer.stride} = ${next.j}`,
    };
  });
}

/** 입력이 n0 칸일 때 층마다 칸 수 (패딩 없음): n_l = ⌊(n_{l−1} − d·(k−1) − 1) / s⌋ + 1. */
export function rowLengths(stack, n0) {
  const lengths = [n0];
  for (const layer of stack) {
    const prev = lengths[lengths.length - 1];
    const span = layer.dilation * (layer.kernel - 1) + 1;
    lengths.push(prev >= span ? Math.floor((prev - span) / layer.stride) + 1 : 0);
  }
  return lengths;
}

/**
 * 그림에 쓸 크기를 정합니다. 맨 위 층이 top 칸이 되도록 입력 칸 수를 n0 = r + (top − 1)·j 로
 * 잡습니다 (맨 위 층의 i번 칸은 입력의 i·j … i·j + r − 1 을 보기 때문입니다).
 * 돌려주는 값: { stack, rows, lengths, n0, top }
 */
export function layout(p) {
  const stack = layerStack(p);
  const rows = receptiveFields(stack);
  const { r, j } = rows[rows.length - 1];
  const top = Math.min(MAX_TOP, Math.max(MIN_TOP, Math.floor((VIEW_POSITIONS - r) / j) + 1));
  const n0 = r + (top - 1) * j;
  return { stack, rows, lengths: rowLengths(stack, n0), n0, top };
}

/**
 * layer 층의 unit 번 칸이 값을 얻으려고 읽는 칸들 (층마다, 정의를 그대로 따라 내려감).
 * l 층의 칸 i 는 l−1 층의 칸 i·s + t·d (t = 0 … k−1) 를 읽습니다.
 * 돌려주는 값: 길이 layer + 1 의 배열. [l] 은 l 층에서 읽히는 칸 번호 (오름차순).
 */
export function dependencies(stack, layer, unit) {
  const result = new Array(layer + 1);
  let current = [unit];
  result[layer] = current;
  for (let l = layer; l >= 1; l--) {
    const { kernel, stride, dilation } = stack[l - 1];
    const below = new Set();
    for (const i of current) for (let t = 0; t < kernel; t++) below.add(i * stride + t * dilation);
    current = [...below].sort((a, b) => a - b);
    result[l - 1] = current;
  }
  return result;
}

/** layer 층 unit 번 칸의 수용 영역이 입력에서 차지하는 칸 [first, last] (양끝 포함). */
export function rfSpan(rows, layer, unit) {
  const { r, j } = rows[layer];
  return { first: unit * j, last: unit * j + r - 1 };
}

/**
 * 맨 위 층 한 칸의 수용 영역 요약.
 * 돌려주는 값: { r, used, text } — used 는 수용 영역 안에서 실제로 읽히는 입력 칸 수
 * (팽창이나 스트라이드 때문에 건너뛰는 칸이 있으면 r 보다 작습니다).
 */
export function summary(p) {
  const stack = layerStack(p);
  const rows = receptiveFields(stack);
  const { r } = rows[rows.length - 1];
  const used = dependencies(stack, stack.length, 0)[0].length;
  const name = stack[stack.length - 1].name;
  let text = `맨 위 층(${name}) 한 칸의 수용 영역: 입력 ${r}칸 (2차원이면 ${r}×${r})`;
  if (used < r) text += ` · 그 안에서 실제로 읽는 칸은 ${used}개 (건너뛰는 칸이 있습니다)`;
  return { r, used, text };
}

// ------------------------------------------------------------------ 화면 (DOM)


/** h 와 같지만 SVG 요소를 만듭니다. */
function s(tag, attrs = {}, children = []) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  for (const child of [].concat(children)) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** 아래첨자가 붙은 기호 (예: r 과 l−1 → r<sub>l−1</sub>) */
function sub(symbol, index) {
  return [symbol, h("sub", {}, index)];
}

function render({ model, el }) {
  const current = () => ({
    ...Object.fromEntries(PARAMS.map((p) => [p.name, model.get(p.name)])),
    pool: model.get("pool"),
  });

  // --- 슬라이더와 풀링 상자
  const { controls, sliders, shown } = sliderControls(model, PARAMS);
  const poolBox = h("input", { type: "checkbox", "data-param": "pool" });
  poolBox.addEventListener("change", () => {
    model.set("pool", poolBox.checked);
    model.save_changes();
  });
  poolBox.addEventListener("keydown", (event) => event.stopPropagation());
  controls.append(
    h("label", { class: "cnn-explorer-control cnn-rf-check" }, [poolBox, " 2층마다 2×2 풀링 (창 2, 스트라이드 2)"]),
  );

  const formula = h("div", { class: "cnn-rf-formula", "data-role": "formula" }, [
    ...sub("r", "l"), " = ", ...sub("r", "l−1"), " + (k − 1)·d·", ...sub("j", "l−1"), ",   ",
    ...sub("j", "l"), " = ", ...sub("j", "l−1"), "·s,   처음에는 ", ...sub("r", "0"), " = 1, ", ...sub("j", "0"), " = 1",
  ]);
  const prevButton = h("button", { type: "button", "data-role": "prev" }, "◀ 이전 칸");
  const nextButton = h("button", { type: "button", "data-role": "next" }, "다음 칸 ▶");
  const status = h("span", { class: "cnn-rf-status", "data-role": "status" });
  const buttons = h("div", { class: "cnn-rf-buttons" }, [prevButton, nextButton, status]);
  const figure = h("div", { class: "cnn-rf-figure" });
  const bandNote = h("div", { class: "cnn-rf-note", "data-role": "band-note" });
  const rfSize = h("div", { class: "cnn-rf-size", "data-role": "rf-size" });
  const table = h("table", { class: "cnn-rf-table", "data-role": "rf-table" });
  const note = h(
    "div",
    { class: "cnn-rf-note" },
    "층은 패딩 없이(valid) 쌓았습니다. 패딩은 칸 수만 바꾸고 수용 영역의 크기는 바꾸지 않습니다.",
  );
  const root = h("div", { class: "cnn-explorer cnn-rf" }, [controls, formula, buttons, figure, bandNote, rfSize, table, note]);
  el.append(root);

  let lay = null; // layout() 의 결과
  let svg = null;
  let pitch = 1; // 입력 칸 하나의 폭 (px)
  let unitsByLayer = []; // 칸을 하나씩 그린 줄: 칸 요소들. 띠로 그린 줄: null
  let edgesGroup = null; // 연결선 (선택에 따라 다시 그림)
  let overlay = null; // 선택에 따라 다시 그리는 부분 (띠의 칠, 괄호)
  let selected = { layer: 0, unit: 0 };

  const rowCount = () => lay.stack.length + 1;
  const rowY = (l) => TOP + (rowCount() - 1 - l) * ROW_H + ROW_H / 2; // l 층 줄의 가운데 높이
  const unitX = (l, i) => LABEL_W + (i * lay.rows[l].j + (lay.rows[l].r - 1) / 2 + 0.5) * pitch; // 칸의 가운데
  const unitPitch = (l) => lay.rows[l].j * pitch; // l 층에서 이웃한 칸 사이 거리 (px)
  const isBand = (l) => unitPitch(l) < MIN_PITCH;

  /** 값이 바뀌면 그림과 표를 새로 만듭니다. */
  function rebuild() {
    const p = current();
    for (const q of PARAMS) {
      sliders[q.name].value = String(p[q.name]);
      shown[q.name].textContent = String(p[q.name]);
    }
    poolBox.checked = Boolean(p.pool);
    lay = layout(p);
    pitch = Math.min(MAX_PITCH, PLOT_W / lay.n0);
    const L = lay.stack.length;
    selected = { layer: L, unit: Math.floor((lay.top - 1) / 2) }; // 맨 위 층의 가운데 칸

    const width = Math.ceil(LABEL_W + lay.n0 * pitch + 4);
    const height = TOP + rowCount() * ROW_H + BOTTOM;
    svg = s("svg", {
      class: "cnn-rf-svg",
      "data-role": "diagram",
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      tabindex: 0,
      "aria-label": "수용 영역 그림: 칸에 마우스를 올리거나 화살표 키로 고르세요",
    });
    edgesGroup = s("g", { class: "cnn-rf-edges" });
    const rowsGroup = s("g");
    overlay = s("g", { class: "cnn-rf-overlay" });
    svg.append(edgesGroup, rowsGroup, overlay);
    unitsByLayer = [];
    const names = ["입력", ...lay.stack.map((layer) => layer.name)];
    for (let l = 0; l <= L; l++) {
      const y = rowY(l);
      const n = lay.lengths[l];
      rowsGroup.append(
        s("text", { x: 4, y: y - 2, class: "cnn-rf-name" }, names[l]),
        s("text", { x: 4, y: y + 11, class: "cnn-rf-count" }, `${n}칸`),
      );
      if (isBand(l)) {
        // 칸이 너무 촘촘하면 한 줄짜리 띠로 그립니다. 칠은 overlay 에서 합니다.
        const left = unitX(l, 0) - unitPitch(l) / 2;
        const right = unitX(l, n - 1) + unitPitch(l) / 2;
        rowsGroup.append(
          s(
            "rect",
            {
              class: "cnn-rf-band",
              "data-role": "band",
              "data-layer": l,
              "data-count": n,
              x: left,
              y: y - UNIT_H / 2,
              width: right - left,
              height: UNIT_H,
            },
            s("title", {}, `${names[l]}: ${n}칸 (너무 촘촘해 띠로 그렸습니다)`),
          ),
        );
        unitsByLayer.push(null);
        continue;
      }
      const w = Math.max(1.5, Math.min(16, unitPitch(l) - Math.min(2, unitPitch(l) * 0.25)));
      const units = [];
      for (let i = 0; i < n; i++) {
        const unit = s("rect", {
          class: `cnn-rf-unit${lay.stack[l - 1]?.kind === "pool" ? " is-pool" : ""}`,
          "data-layer": l,
          "data-unit": i,
          x: unitX(l, i) - w / 2,
          y: y - UNIT_H / 2,
          width: w,
          height: UNIT_H,
          rx: Math.min(3, w / 4),
        });
        units.push(unit);
        rowsGroup.append(unit);
      }
      unitsByLayer.push(units);
    }
    svg.addEventListener("pointermove", pick);
    svg.addEventListener("click", pick);
    svg.addEventListener("keydown", onKey);
    figure.replaceChildren(svg);

    const bands = lay.lengths.filter((_, l) => isBand(l)).length;
    bandNote.textContent =
      bands > 0 ? "칸이 너무 촘촘한 줄은 띠로 그렸습니다: 주황색 부분이 고른 칸이 읽는 곳입니다." : "";

    const info = summary(p);
    rfSize.replaceChildren(info.text);
    rfSize.dataset.value = String(info.r);
    rfSize.dataset.used = String(info.used);
    buildTable();
    highlight();
  }

  /** 층마다 k, s, d, 점프 j, 수용 영역 r 과 그 계산을 보여 주는 표. */
  function buildTable() {
    const formulas = formulaRows(lay.stack);
    const head = h("tr", {}, [
      h("th", {}, "층"),
      h("th", {}, "k"),
      h("th", {}, "s"),
      h("th", {}, "d"),
      h("th", {}, ["점프 ", ...sub("j", "l")]),
      h("th", {}, ["수용 영역 ", ...sub("r", "l")]),
      h("th", {}, "계산"),
    ]);
    const body = [
      h("tr", { "data-layer": 0 }, [
        h("td", {}, "입력"),
        h("td", {}, "–"),
        h("td", {}, "–"),
        h("td", {}, "–"),
        h("td", { "data-role": "jump" }, "1"),
        h("td", { "data-role": "rf" }, "1"),
        h("td", {}, "처음 값"),
      ]),
    ];
    lay.stack.forEach((layer, i) => {
      const l = i + 1;
      body.push(
        h("tr", { "data-layer": l, class: layer.kind === "pool" ? "is-pool" : "" }, [
          h("td", {}, layer.name),
          h("td", {}, layer.kernel),
          h("td", {}, layer.stride),
          h("td", {}, layer.dilation),
          h("td", { "data-role": "jump" }, lay.rows[l].j),
          h("td", { "data-role": "rf" }, lay.rows[l].r),
          h("td", { class: "cnn-rf-calc" }, [...sub("r", l), ` = ${formulas[i].r},  `, ...sub("j", l), ` = ${formulas[i].j}`]),
        ]),
      );
    });
    table.replaceChildren(h("thead", {}, head), h("tbody", {}, body));
  }

  /** 고른 칸(selected)에 맞게 칠하고, 연결선·띠의 칠·괄호를 다시 그립니다. */
  function highlight() {
    const { layer, unit } = selected;
    const deps = dependencies(lay.stack, layer, unit);
    for (let l = 0; l <= lay.stack.length; l++) {
      const units = unitsByLayer[l];
      if (!units) continue;
      const on = new Set(l <= layer ? deps[l] : []);
      units.forEach((node, i) => {
        const dep = on.has(i) && !(l === layer && i === unit);
        node.classList.toggle("is-dep", dep);
        node.classList.toggle("is-selected", l === layer && i === unit);
        if (dep) node.dataset.dep = "1";
        else delete node.dataset.dep;
        if (l === layer && i === unit) node.dataset.selected = "1";
        else delete node.dataset.selected;
      });
    }

    // 연결선: 고른 칸에서 아래로, 읽는 칸마다 한 줄 (두 줄 모두 칸을 하나씩 그렸을 때만)
    const edges = [];
    let edgeCount = 0;
    for (let l = layer; l >= 1; l--) edgeCount += deps[l].length * lay.stack[l - 1].kernel;
    if (edgeCount <= MAX_EDGES) {
      for (let l = layer; l >= 1; l--) {
        if (isBand(l) || isBand(l - 1)) continue;
        const { kernel, stride, dilation } = lay.stack[l - 1];
        for (const i of deps[l]) {
          for (let t = 0; t < kernel; t++) {
            edges.push(
              s("line", {
                x1: unitX(l, i),
                y1: rowY(l) + UNIT_H / 2,
                x2: unitX(l - 1, i * stride + t * dilation),
                y2: rowY(l - 1) - UNIT_H / 2,
              }),
            );
          }
        }
      }
    }
    edgesGroup.replaceChildren(...edges);

    // 띠로 그린 줄: 읽는 칸이 걸친 화소 열을 칠합니다 (칸이 많아도 칠하는 조각은 화소 수 이하).
    const paint = [];
    for (let l = 0; l <= layer; l++) {
      if (!isBand(l)) continue;
      const half = unitPitch(l) / 2;
      const columns = new Uint8Array(Math.ceil(LABEL_W + lay.n0 * pitch) + 2);
      for (const i of deps[l]) {
        const from = Math.floor(unitX(l, i) - half);
        const to = Math.ceil(unitX(l, i) + half);
        for (let x = from; x < to; x++) columns[x] = 1;
      }
      let start = -1;
      for (let x = 0; x <= columns.length; x++) {
        if (x < columns.length && columns[x]) {
          if (start < 0) start = x;
        } else if (start >= 0) {
          paint.push(
            s("rect", {
              class: "cnn-rf-band-dep",
              "data-layer": l,
              x: start,
              y: rowY(l) - UNIT_H / 2,
              width: x - start,
              height: UNIT_H,
            }),
          );
          start = -1;
        }
      }
    }

    // 입력 줄 아래 괄호: 고른 칸의 수용 영역
    const span = rfSpan(lay.rows, layer, unit);
    const x0 = unitX(0, span.first) - pitch / 2;
    const x1 = unitX(0, span.last) + pitch / 2;
    const y = rowY(0) + UNIT_H / 2 + 6;
    const size = span.last - span.first + 1;
    const textX = Math.min(Math.max((x0 + x1) / 2, LABEL_W + 60), LABEL_W + lay.n0 * pitch - 60);
    const bracket = s("g", { class: "cnn-rf-bracket", "data-role": "rf-bracket", "data-first": span.first, "data-last": span.last }, [
      s("path", { d: `M ${x0} ${y - 4} V ${y} H ${x1} V ${y - 4}` }),
      s("text", { x: textX, y: y + 16, "text-anchor": "middle" }, `수용 영역 ${size}칸 (입력 ${span.first}–${span.last}번)`),
    ]);
    overlay.replaceChildren(...paint, bracket);

    // 표에서 고른 층의 줄을 칠하고, 상태 줄을 씁니다.
    for (const row of table.querySelectorAll("tbody tr")) {
      row.classList.toggle("is-selected", Number(row.dataset.layer) === layer);
    }
    const name = layer === 0 ? "입력" : lay.stack[layer - 1].name;
    const used = deps[0].length;
    status.textContent =
      `고른 칸: ${name}의 ${unit}번 → 입력 ${span.first}–${span.last}번 (${size}칸` +
      (used < size ? `, 그중 실제로 읽는 칸 ${used}개)` : ")");
    status.dataset.layer = String(layer);
    status.dataset.unit = String(unit);
  }

  function select(layer, unit) {
    const n = lay.lengths[layer];
    unit = Math.min(n - 1, Math.max(0, unit));
    if (layer === selected.layer && unit === selected.unit) return;
    selected = { layer, unit };
    highlight();
  }

  /** 마우스 위치에서 가장 가까운 칸을 고릅니다 (띠로 그린 줄에서도 됩니다). */
  function pick(event) {
    const box = svg.getBoundingClientRect();
    const scale = box.width / Number(svg.getAttribute("width"));
    const x = (event.clientX - box.left) / scale;
    const y = (event.clientY - box.top) / scale;
    if (x < LABEL_W - 4) return;
    const fromTop = Math.floor((y - TOP) / ROW_H);
    if (fromTop < 0 || fromTop >= rowCount()) return;
    const l = rowCount() - 1 - fromTop;
    const { r, j } = lay.rows[l];
    select(l, Math.round(((x - LABEL_W) / pitch - 0.5 - (r - 1) / 2) / j));
  }

  /** 화살표 키: ←/→ 같은 층의 옆 칸, ↑/↓ 위·아래 층의 가장 가까운 칸 */
  function onKey(event) {
    const { layer, unit } = selected;
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      select(layer, unit + (event.key === "ArrowRight" ? 1 : -1));
    } else if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      const next = layer + (event.key === "ArrowUp" ? 1 : -1);
      if (next < 0 || next > lay.stack.length) return;
      const { r, j } = lay.rows[next];
      const center = (unitX(layer, unit) - LABEL_W) / pitch - 0.5;
      select(next, Math.round((center - (r - 1) / 2) / j));
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation(); // JupyterLab 이 화살표 키로 셀을 옮기지 않게 합니다
  }

  /** 이전/다음 단추: 맨 위 층의 칸을 하나씩 옮깁니다. */
  function stepTop(delta) {
    const top = lay.stack.length;
    const unit = selected.layer === top ? selected.unit + delta : Math.floor((lay.top - 1) / 2);
    select(top, unit);
  }
  prevButton.addEventListener("click", () => stepTop(-1));
  nextButton.addEventListener("click", () => stepTop(1));

  const names = [...PARAMS.map((p) => p.name), "pool"];
  for (const name of names) model.on(`change:${name}`, rebuild);
  rebuild();

  // 화면이 사라질 때 이벤트를 정리합니다 (anywidget 이 이 함수를 부릅니다).
  return () => {
    for (const name of names) model.off(`change:${name}`, rebuild);
  };
}

export default { render };
