"""모델끼리 비교하기: 모델 하나의 비용(매개변수·MAC·활성값 메모리)과 CPU 지연 시간.

부록의 모델 비교표가 이 모듈로 만들어집니다. 비용은 :mod:`cnnlib.cost`의 규칙을 그대로
따르고(연산량은 곱셈-누산, MAC), 지연 시간은 이미지 한 장(배치 1)을 여러 번 실행해
잰 시간의 중앙값입니다.

>>> from cnnlib import models
>>> c = model_cost(models.create("lenet5_modern"), (1, 1, 28, 28))
>>> c.params, c.macs
(61706, 416520)
"""

from __future__ import annotations

import platform
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from .cost import _cell, _check_input_size, _check_model, _evaluating, _width, count_parameters, layer_table

__all__ = ["MEMORY_KINDS", "ModelCost", "cpu_name", "format_table", "latency_ms", "model_cost", "time_runs"]

# 활성값 메모리에 넣는 층: 가중치가 있는 층(합성곱, 완전 연결)과 풀링 층의 출력.
# 5장의 AlexNet 표와 같은 규칙입니다. 활성 함수·배치 정규화·드롭아웃의 출력은 넣지 않습니다
# (제자리에서 계산하거나 모양이 같은 값을 한 번 더 만드는 층이라, 넣으면 구현마다 값이 달라집니다).
MEMORY_KINDS = (
    "Conv1d", "Conv2d", "Conv3d", "Linear",
    "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d",
    "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d",
)


@dataclass(frozen=True)
class ModelCost:
    """:func:`model_cost`의 결과: 입력 ``input_size`` 전체에 대한 비용."""

    params: int  # 매개변수 원소 수
    macs: int  # 곱셈-누산 횟수
    memory_mb: float  # MEMORY_KINDS 층 출력의 합 (MB, 1 MB = 1024 KB)


def model_cost(model, input_size=(1, 3, 224, 224)) -> ModelCost:
    """모델의 매개변수, MAC, 활성값 메모리를 한 번에 셉니다.

    :func:`cnnlib.cost.layer_table`로 층마다 센 값을 더합니다. 모델을 ``meta`` 장치에서
    만들면(``with torch.device("meta"):``) 실제 계산 없이 모양만 따라가므로 큰 모델도 빠릅니다.
    """
    _check_model(model)
    rows = layer_table(model, input_size)
    return ModelCost(
        params=count_parameters(model),
        macs=sum(r.macs for r in rows),
        memory_mb=sum(r.memory_kb for r in rows if r.kind in MEMORY_KINDS) / 1024,
    )


def _check_count(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}는 정수여야 합니다. 받은 값: {value!r} ({name} must be an int)")
    if value < minimum:
        raise ValueError(f"{name}는 {minimum} 이상이어야 합니다. 받은 값: {value!r} ({name} must be >= {minimum})")
    return value


def time_runs(model, input_size=(1, 3, 224, 224), repeats: int = 5, warmup: int = 1, threads: int = 1) -> list[float]:
    """``model``을 ``warmup``번 먼저 실행한 뒤 ``repeats``번 실행하며 잰 시간들(밀리초).

    평가 모드와 ``torch.inference_mode()``에서 무작위 입력(시드 0) 하나를 되풀이해 넣습니다.
    재는 동안만 PyTorch의 CPU 스레드 수를 ``threads``로 바꾸고, 끝나면 모델의 모드와
    스레드 수를 원래대로 돌려놓습니다.
    """
    _check_model(model)
    shape = _check_input_size(input_size)
    repeats = _check_count(repeats, "repeats", 1)
    warmup = _check_count(warmup, "warmup", 0)
    threads = _check_count(threads, "threads", 1)
    first = next(model.parameters(), None)
    device = first.device if first is not None else torch.device("cpu")
    if device.type == "meta":
        raise ValueError("meta 장치의 모델은 실행 시간을 잴 수 없습니다. 실제 장치(cpu)에서 만드세요. "
                         "(cannot time a model on the meta device)")
    dtype = first.dtype if first is not None and first.is_floating_point() else torch.float32
    x = torch.randn(shape, generator=torch.Generator().manual_seed(0)).to(device=device, dtype=dtype)

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    old_threads = torch.get_num_threads()
    times = []
    torch.set_num_threads(threads)
    try:
        with _evaluating(model, shape), torch.inference_mode():
            for _ in range(warmup):
                model(x)
            sync()
            for _ in range(repeats):
                start = time.perf_counter()
                model(x)
                sync()
                times.append((time.perf_counter() - start) * 1000)
    finally:
        torch.set_num_threads(old_threads)
    return times


def latency_ms(model, input_size=(1, 3, 224, 224), repeats: int = 5, warmup: int = 1, threads: int = 1) -> float:
    """지연 시간: :func:`time_runs`로 잰 ``repeats``번의 시간(밀리초)의 중앙값.

    중앙값을 쓰는 까닭은 다른 프로그램이 잠깐 CPU를 차지해 한두 번이 느려져도 값이
    흔들리지 않게 하려는 것입니다. 배치 1로 재면 이미지 한 장을 처리하는 데 걸리는 시간입니다.
    """
    return statistics.median(time_runs(model, input_size, repeats=repeats, warmup=warmup, threads=threads))


def cpu_name() -> str:
    """이 컴퓨터의 CPU 이름 (Linux는 /proc/cpuinfo, 그 밖에는 platform이 아는 만큼)."""
    info = Path("/proc/cpuinfo")
    if info.is_file():
        for line in info.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name") and ":" in line:
                return " ".join(line.split(":", 1)[1].split())
    return platform.processor() or platform.machine() or "알 수 없는 CPU"



def format_table(header, rows, left: int = 1) -> str:
    """머리글 ``header``와 줄들 ``rows``(문자열의 튜플)를 칸을 맞춘 표 문자열로 만듭니다.

    한글은 두 칸 폭으로 셉니다. 왼쪽 ``left``개 열은 왼쪽에, 나머지는 오른쪽에 붙입니다.

    >>> print(format_table(("모델", "MAC"), [("LeNet", "0.4")]))
    모델   MAC
    ----------
    LeNet  0.4
    """
    if isinstance(header, (str, bytes)) or not isinstance(header, (tuple, list)) or not header:
        raise TypeError(f"header는 열 이름의 튜플이어야 합니다. 받은 값: {header!r} (header must be a tuple)")
    if isinstance(rows, (str, bytes)) or not all(isinstance(row, (tuple, list)) for row in rows):
        raise TypeError("rows는 줄(튜플)의 목록이어야 합니다. (rows must be a list of tuples)")
    header = tuple(str(h) for h in header)
    rows = [tuple(str(v) for v in row) for row in rows]
    if any(len(row) != len(header) for row in rows):
        raise ValueError(f"모든 줄의 칸 수가 머리글({len(header)}칸)과 같아야 합니다. (row length differs from header)")
    widths = [max(_width(line[i]) for line in [header, *rows]) for i in range(len(header))]

    def fmt(line):
        cells = (_cell(text, w, left=i < left) for i, (text, w) in enumerate(zip(line, widths, strict=True)))
        return "  ".join(cells).rstrip()

    rule = "-" * max(_width(fmt(line)) for line in [header, *rows])
    return "\n".join([fmt(header), rule, *(fmt(row) for row in rows)])
