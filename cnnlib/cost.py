"""층마다 계산 비용 세기: 출력 모양, 활성값 메모리, 매개변수, 연산량(MAC).

5장에서 배우는 공식을 그대로 코드로 옮겼습니다. 모델에 0으로 채운 입력을 한 번
흘려보내면서, 자식이 없는 모듈(층)이 불릴 때마다 forward hook으로 출력을 보고
한 줄씩 적습니다.

* 출력 모양 — 층이 내놓은 텐서의 모양 (배치 차원 포함)
* 메모리(KB) — 출력 원소 수 × 원소 하나의 바이트 수(float32는 4) / 1024
* 매개변수 — 그 층의 가중치와 편향 원소 수. 합성곱이면 C_out·(C_in/groups)·K_h·K_w + C_out
* MAC — 곱셈-누산 횟수. 이 책의 규칙:

  - 합성곱(``Conv1d``/``Conv2d``/``Conv3d``): 출력 원소 수 × (C_in/groups) × 커널 크기.
    2차원이면 C_out·H_out·W_out·(C_in/groups)·K_h·K_w
  - ``Linear``: 출력 원소 수 × 입력 특징 수 (배치 1이면 in·out)
  - 그 밖의 층(풀링, 활성 함수, 배치 정규화, 드롭아웃 …)은 0. 이 층들은 가중치와 곱하지
    않고 비교나 원소별 연산만 하므로 MAC으로 세지 않습니다. 편향 덧셈도 세지 않습니다.

  PyTorch의 ``torch.utils.flop_counter.FlopCounterMode``도 같은 규칙으로 세되 곱셈과 덧셈을
  따로 세므로, 그 값(FLOPs)은 여기의 MAC의 정확히 2배입니다.

값은 모두 ``input_size``로 준 입력 전체(배치 포함)에 대한 것입니다. 기본값은 배치 1이라
이미지 한 장의 비용입니다. 모델을 ``meta`` 장치에서 만들면(``with torch.device("meta"):``)
실제 계산 없이 모양만 따라가므로 큰 모델도 순식간에 셉니다.

>>> from torch import nn
>>> rows = layer_table(nn.Conv2d(3, 8, kernel_size=3), input_size=(1, 3, 6, 6))
>>> rows[0].output_shape, rows[0].params, rows[0].macs
((1, 8, 4, 4), 224, 3456)
"""

from __future__ import annotations

import contextlib
import math
import unicodedata
from dataclasses import dataclass

import torch
from torch import nn

__all__ = ["LayerCost", "layer_table", "layer_macs", "print_table", "total_macs", "count_parameters"]


@dataclass(frozen=True)
class LayerCost:
    """:func:`layer_table`의 한 줄: 층 하나가 한 번 불린 비용."""

    name: str  # 모델 안에서의 이름, 예: "features.0"
    kind: str  # 층의 종류(클래스 이름), 예: "Conv2d"
    output_shape: tuple[int, ...]
    memory_kb: float
    params: int
    macs: int


# ---------------------------------------------------------------- 인자 검사
def _check_model(model) -> nn.Module:
    if not isinstance(model, nn.Module):
        raise TypeError(
            f"model은 torch.nn.Module이어야 합니다. 받은 타입: {type(model).__name__} "
            "(model must be an nn.Module)"
        )
    return model


def _check_input_size(input_size) -> tuple[int, ...]:
    if isinstance(input_size, (str, bytes)) or not isinstance(input_size, (tuple, list, torch.Size)):
        raise TypeError(
            "input_size는 (N, C, H, W)처럼 정수의 튜플이어야 합니다. "
            f"받은 값: {input_size!r} (input_size must be a tuple of ints)"
        )
    if len(input_size) == 0:
        raise ValueError("input_size가 비어 있습니다. 예: (1, 3, 224, 224) (input_size is empty)")
    for n in input_size:
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"input_size의 값은 정수여야 합니다. 받은 값: {input_size!r}")
        if n < 1:
            raise ValueError(f"input_size의 값은 1 이상이어야 합니다. 받은 값: {input_size!r}")
    return tuple(input_size)


# ---------------------------------------------------------------- 층 하나의 MAC
def layer_macs(module: nn.Module, output: torch.Tensor) -> int:
    """층 하나가 ``output``을 만드는 데 쓴 곱셈-누산(MAC) 횟수 (모듈 설명의 규칙)."""
    if isinstance(module, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
        # 출력 한 칸 = 필터 하나와 입력 창의 내적: (C_in/groups)·K_h·K_w번의 곱셈-누산
        return output.numel() * (module.in_channels // module.groups) * math.prod(module.kernel_size)
    if isinstance(module, nn.Linear):
        return output.numel() * module.in_features
    return 0


def _first_tensor(output):
    """층의 출력이 튜플이나 리스트이면 그 안의 첫 텐서를 꺼냅니다."""
    if isinstance(output, torch.Tensor):
        return output
    if isinstance(output, (tuple, list)):
        for item in output:
            found = _first_tensor(item)
            if found is not None:
                return found
    return None


# ---------------------------------------------------------------- 표 만들기
def layer_table(model, input_size=(1, 3, 224, 224)) -> list[LayerCost]:
    """``model``에 ``input_size`` 모양의 입력을 넣고 층마다 비용을 적은 목록.

    자식 모듈이 없는 모듈(Conv2d, ReLU, Linear …)이 불릴 때마다 한 줄을 적습니다.
    같은 층을 두 번 부르면(ResNet 블록의 ReLU처럼) 두 줄이 생기고, 매개변수는 처음
    줄에만 셉니다. 그래서 ``sum(r.params for r in rows)``는 실제로 쓰인 매개변수의
    총수와 같습니다. ``torch.flatten``이나 ``x + y``처럼 모듈이 아닌 연산은 적히지
    않습니다(MAC도 0입니다).

    입력은 모델의 첫 매개변수와 같은 장치·dtype에 0으로 만듭니다. 배치 정규화가
    배치 1에서도 돌도록 잠시 평가 모드(``eval()``)로 실행하고, 끝나면 원래 모드로
    돌려놓습니다. 모델의 가중치는 바꾸지 않습니다.
    """
    _check_model(model)
    shape = _check_input_size(input_size)
    first = next(model.parameters(), None)
    device = first.device if first is not None else torch.device("cpu")
    dtype = first.dtype if first is not None and first.is_floating_point() else torch.float32
    x = torch.zeros(shape, device=device, dtype=dtype)

    rows: list[LayerCost] = []
    counted: set[int] = set()  # 이미 센 매개변수 텐서 (같은 층을 다시 부를 때 두 번 세지 않도록)

    def recorder(name):
        def hook(module, inputs, output):
            out = _first_tensor(output)
            params = sum(p.numel() for p in module.parameters() if id(p) not in counted)
            counted.update(id(p) for p in module.parameters())
            rows.append(LayerCost(
                name=name,
                kind=type(module).__name__,
                output_shape=tuple(out.shape) if out is not None else (),
                memory_kb=out.numel() * out.element_size() / 1024 if out is not None else 0.0,
                params=params,
                macs=layer_macs(module, out) if out is not None else 0,
            ))
        return hook

    leaves = [(name or type(m).__name__, m) for name, m in model.named_modules() if next(m.children(), None) is None]
    handles = [m.register_forward_hook(recorder(name)) for name, m in leaves]
    try:
        with _evaluating(model, shape), torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return rows


@contextlib.contextmanager
def _evaluating(model: nn.Module, shape):
    """``with`` 블록 동안 ``model``을 평가 모드로 두고, 끝나면 모듈마다 원래 모드로 돌려놓습니다.

    블록 안에서 모델을 실행하다 난 ``RuntimeError``(대개 입력 모양이 모델과 맞지 않을 때)는
    입력 모양 ``shape``을 밝힌 한국어 ``ValueError``로 바꿉니다.
    """
    modes = {m: m.training for m in model.modules()}
    model.eval()
    try:
        yield model
    except RuntimeError as exc:
        raise ValueError(
            f"입력 모양 {shape}으로 모델을 실행하지 못했습니다. 채널 수나 크기가 모델에 맞는지 "
            f"확인하세요. PyTorch의 오류: {exc}"
        ) from exc
    finally:
        for m, training in modes.items():
            m.training = training


def total_macs(model, input_size=(1, 3, 224, 224)) -> int:
    """모델 전체의 MAC 수 (:func:`layer_table`의 MAC 열의 합)."""
    return sum(r.macs for r in layer_table(model, input_size))


def count_parameters(model, trainable_only: bool = False) -> int:
    """모델의 매개변수 원소 수. 공유된 매개변수는 한 번만 셉니다."""
    _check_model(model)
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


# ---------------------------------------------------------------- 표 출력
def _width(text: str) -> int:
    """한글처럼 넓은 글자를 두 칸으로 센 화면 폭."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, width: int, left: bool) -> str:
    pad = " " * max(0, width - _width(text))
    return text + pad if left else pad + text


def print_table(rows, title: str | None = None) -> None:
    """:func:`layer_table`의 결과를 한국어 표로 출력하고 맨 아래에 합계를 붙입니다.

    출력 모양은 배치 차원을 빼고 ``C×H×W``로 적습니다. 메모리·매개변수·MAC은
    표의 값 그대로(입력 전체 기준)입니다.
    """
    rows = list(rows) if isinstance(rows, (list, tuple)) else rows
    if not isinstance(rows, list) or not all(isinstance(r, LayerCost) for r in rows):
        raise TypeError(
            "print_table에는 layer_table(...)이 돌려준 목록을 주세요. "
            f"받은 타입: {type(rows).__name__} (expected a list of LayerCost)"
        )
    header = ("층", "출력 모양", "메모리(KB)", "매개변수", "MAC")
    lines = [
        (f"{r.name} ({r.kind})", "×".join(map(str, r.output_shape[1:])) or "-",
         f"{r.memory_kb:,.1f}", f"{r.params:,}", f"{r.macs:,}")
        for r in rows
    ]
    total = ("합계", "", f"{sum(r.memory_kb for r in rows):,.1f}",
             f"{sum(r.params for r in rows):,}", f"{sum(r.macs for r in rows):,}")
    widths = [max(_width(line[i]) for line in [header, *lines, total]) for i in range(len(header))]

    def fmt(line):
        return "  ".join(_cell(text, w, left=i < 2) for i, (text, w) in enumerate(zip(line, widths, strict=True)))

    if title:
        print(title)
    print(fmt(header))
    print("-" * _width(fmt(header)))
    for line in lines:
        print(fmt(line))
    print("-" * _width(fmt(header)))
    print(fmt(total))
