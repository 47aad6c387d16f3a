"""16장 여러 GPU로 학습하기의 연습문제 채점.

기대하는 답은 손으로 적어 두지 않고, 문제의 설정(아래 ``EX16_*`` 상수)에서 PyTorch로
그때그때 계산합니다: 매개변수 수는 ``meta`` 장치에서 만든 모듈로, 표본 나누기는
``torch.utils.data.DistributedSampler``로, 기울기의 배율은 작은 모델에서 직접 잽니다.
상수는 16장 노트북의 문제 문장과 같아야 하며, 노트북의 숨은 테스트 셀이 이를 확인합니다.
"""

from __future__ import annotations

import math

from ._core import Verdict, as_function, as_int_tuple, as_number

__all__ = ["ex16_1", "ex16_2", "ex16_3", "ex16_4", "ex16_5"]

# 문제 16.1: nn.Linear(4096, 4096)(편향 포함)의 기울기를 float32로 올리듀스할 때의 크기 (MB = 10⁶바이트)
EX16_1 = {"in_features": 4096, "out_features": 4096, "bytes": 4}
# 문제 16.2: 표본 10개를 프로세스 3개에 DistributedSampler(drop_last=False)로 나눌 때
#            (프로세스마다 받는 표본 수, 두 번 쓰이는 표본 번호의 수)
EX16_2 = {"n": 10, "world_size": 3}
# 문제 16.3: 독자의 shard(n, world_size, rank)를 DistributedSampler(shuffle=False)와 견줄 경우들
EX16_3 = {"cases": ((10, 2), (10, 3), (7, 4), (16, 4), (5, 8), (1, 2), (12, 5), (3, 8), (1, 3))}
# 문제 16.4: 프로세스 4개가 reduction="sum" 손실로 DDP 학습할 때, DDP 기울기 ÷ (한 프로세스가 4B 배치의
#            합 손실로 얻는 기울기)
EX16_4 = {"world_size": 4, "batch_per_process": 8}
# 문제 16.5: 링 올리듀스 — 프로세스 4개, ResNet-50의 float32 기울기, 프로세스마다 보내는 대역폭 10 GB/s
#            (10¹⁰바이트/초)일 때 한 걸음의 통신 시간(밀리초)
EX16_5 = {"world_size": 4, "model": "resnet50", "bytes": 4, "bandwidth": 10e9}



def _close(got: float, expected: float, rel: float = 2e-3) -> bool:
    return math.isclose(got, expected, rel_tol=rel)


def _ex16_1_counts():
    import torch
    from torch import nn

    with torch.device("meta"):
        layer = nn.Linear(EX16_1["in_features"], EX16_1["out_features"])
    return layer.weight.numel(), layer.bias.numel()


def ex16_1(answer) -> Verdict:
    """16.1 완전 연결 층 하나의 기울기 올리듀스 크기(MB)를 채점합니다."""
    got = as_number(answer, "16.1")
    weights, biases = _ex16_1_counts()
    b = EX16_1["bytes"]
    expected = (weights + biases) * b / 1e6
    if _close(got, expected, 1e-4):
        return Verdict("16.1", True)
    if _close(got, weights * b / 1e6, 1e-6):
        hint = "가중치는 맞습니다. 출력마다 하나씩 있는 편향의 기울기도 함께 보냅니다."
    elif _close(got, expected * 1e6 / 2**20, 1e-4):
        hint = "2²⁰바이트(MiB)로 나눈 값입니다. 이 책은 MB = 10⁶바이트로 셉니다."
    elif _close(got, expected * 8, 1e-4) or _close(got, expected * 8 * 1e6 / 2**20, 1e-4):
        hint = "비트로 센 것 같습니다. float32 하나는 4바이트입니다."
    elif _close(got, expected / b, 1e-4) or _close(got, weights / 1e6, 1e-4):
        hint = "매개변수의 개수(백만 단위)입니다. 값 하나가 몇 바이트인지 곱하세요."
    elif _close(got, expected / 2, 1e-4):
        hint = "float16(2바이트) 기준입니다. 문제는 float32입니다."
    else:
        hint = "기울기의 크기 = 매개변수 수(가중치 + 편향) × 4바이트이고, MB는 10⁶바이트입니다."
    return Verdict("16.1", False, hint)


def _ex16_2_expected():
    from torch.utils.data import DistributedSampler

    n, ws = EX16_2["n"], EX16_2["world_size"]
    shards = [list(DistributedSampler(range(n), num_replicas=ws, rank=r, shuffle=False)) for r in range(ws)]
    every = [i for s in shards for i in s]
    return len(shards[0]), len(every) - len(set(every))


def ex16_2(answer) -> Verdict:
    """16.2 ``(프로세스마다 받는 표본 수, 두 번 쓰이는 표본 수)``를 채점합니다."""
    got = as_int_tuple(answer, 2, "16.2")
    expected = _ex16_2_expected()
    if got == expected:
        return Verdict("16.2", True)
    n, ws = EX16_2["n"], EX16_2["world_size"]
    if got[0] == n // ws:
        hint = ("나머지를 버린 값입니다. drop_last=False이면 모든 표본을 쓰도록 프로세스마다 받는 수를 "
                "올림하고, 모자란 자리는 앞의 표본을 다시 써서 채웁니다.")
    elif got[0] == expected[0]:
        hint = "프로세스마다 받는 수는 맞습니다. 모두 합치면 몇 자리이고, 표본은 몇 개뿐인지 비교해 보세요."
    elif got[0] == n:
        hint = "프로세스마다 데이터 전체를 주지 않습니다. 표본을 나누어 맡깁니다."
    else:
        hint = "DistributedSampler는 프로세스마다 같은 수(⌈N / 프로세스 수⌉)를 주고, 모자라면 앞의 표본을 다시 씁니다."
    return Verdict("16.2", False, hint)


def ex16_3(shard) -> Verdict:
    """16.3 독자의 함수 ``shard(n, world_size, rank)``가 ``DistributedSampler``처럼 나누는지 시험합니다."""
    as_function(shard, "16.3", "shard")
    from torch.utils.data import DistributedSampler

    for n, ws in EX16_3["cases"]:
        for rank in range(ws):
            expected = list(DistributedSampler(range(n), num_replicas=ws, rank=rank, shuffle=False))
            call = f"shard({n}, {ws}, {rank})"
            try:
                got = shard(n, ws, rank)
                got = [int(i) for i in got]
            except Exception as exc:  # 독자의 함수에서 난 오류를 힌트로 알려 줍니다.
                return Verdict("16.3", False, f"{call}에서 {type(exc).__name__} 오류가 났습니다: {exc}")
            if got == expected:
                continue
            size = math.ceil(n / ws)
            if sorted(got) == list(range(rank * size, min(n, (rank + 1) * size))) or got == list(
                    range(rank * size, (rank + 1) * size)):
                hint = (f"{call}: 앞에서부터 덩어리로 잘랐습니다. DistributedSampler는 번호를 번갈아 나눕니다 "
                        "(순위 r은 r, r + 프로세스 수, …).")
            elif got == list(range(rank, n, ws)):
                hint = (f"{call}: 번갈아 나누는 것은 맞지만, 프로세스마다 받는 수가 같도록 모자란 자리를 "
                        "앞의 번호로 채우지 않았습니다.")
            elif len(got) != size:
                hint = f"{call}: {len(got)}개를 돌려주었습니다. 프로세스마다 ⌈n / world_size⌉개를 받습니다."
            else:
                hint = (f"{call}의 결과가 다릅니다. 번호 0…n−1 뒤에 앞의 번호를 다시 이어 붙여 길이를 "
                        "프로세스 수의 배수로 맞춘 다음, 순위 r은 r번째부터 프로세스 수 간격으로 가져갑니다.")
            return Verdict("16.3", False, hint)
    return Verdict("16.3", True)


def _ex16_4_ratio() -> float:
    """작은 선형 모델에서 'DDP 평균(합 손실)' ÷ '한 프로세스의 합 손실 기울기'를 잽니다."""
    import torch

    ws, b = EX16_4["world_size"], EX16_4["batch_per_process"]
    g = torch.Generator().manual_seed(16)
    x, y = torch.randn(ws * b, 3, generator=g), torch.randn(ws * b, generator=g)
    w = torch.randn(3, generator=g)

    def grad(xs, ys):
        w_ = w.clone().requires_grad_(True)
        ((xs @ w_ - ys) ** 2).sum().backward()
        return w_.grad

    ddp = torch.stack([grad(x[r * b:(r + 1) * b], y[r * b:(r + 1) * b]) for r in range(ws)]).mean(0)
    single = grad(x, y)
    return (ddp / single).mean().item()


def ex16_4(answer) -> Verdict:
    """16.4 합 손실을 쓸 때 DDP 기울기가 한 프로세스 기울기의 몇 배인지(실수)를 채점합니다."""
    got = as_number(answer, "16.4")
    expected = _ex16_4_ratio()
    if _close(got, expected, 1e-3):
        return Verdict("16.4", True)
    ws = EX16_4["world_size"]
    if _close(got, 1.0, 1e-6):
        hint = ("평균 손실이라면 1배가 맞습니다. 합 손실에서는 프로세스마다의 기울기가 이미 합인데, DDP는 "
                "그것들을 더한 뒤 무엇으로 나누는지 생각해 보세요.")
    elif _close(got, float(ws), 1e-6):
        hint = "방향이 거꾸로입니다. DDP의 기울기가 더 작은지 큰지 다시 보세요."
    elif _close(got, 1 / EX16_4["batch_per_process"], 1e-6) or _close(got, 1 / (ws * EX16_4["batch_per_process"]), 1e-6):
        hint = "배치 크기는 상관이 없습니다. DDP가 기울기를 모은 뒤 나누는 수를 보세요."
    else:
        hint = "DDP는 기울기를 모든 프로세스에서 더한 뒤 프로세스 수로 나눕니다(평균)."
    return Verdict("16.4", False, hint)


def _ex16_5_parts():
    import torch

    from .. import models

    with torch.device("meta"):
        model = models.create(EX16_5["model"])
    size = sum(p.numel() for p in model.parameters()) * EX16_5["bytes"]
    n = EX16_5["world_size"]
    return size, n, EX16_5["bandwidth"]


def ex16_5(answer) -> Verdict:
    """16.5 링 올리듀스 한 번의 통신 시간(밀리초)을 채점합니다."""
    got = as_number(answer, "16.5")
    size, n, bw = _ex16_5_parts()
    expected = 2 * (n - 1) / n * size / bw * 1e3
    if _close(got, expected, 1e-2):
        return Verdict("16.5", True)
    if _close(got, size / bw * 1e3, 1e-2):
        hint = "기울기를 한 번 보내는 시간입니다. 링 올리듀스는 흩어 더하기와 모아 돌리기, 두 단계로 보냅니다."
    elif _close(got, 2 * size / bw * 1e3, 1e-2) or _close(got, 2 * (n - 1) * size / bw * 1e3, 1e-2):
        hint = "두 단계에서 프로세스마다 보내는 양은 조각 (N − 1)개씩, 조각 하나는 전체의 1/N입니다."
    elif _close(got, expected / 1e3, 1e-2):
        hint = "초 단위로 답한 것 같습니다. 밀리초로 답하세요."
    elif _close(got, expected * 8, 1e-2) or _close(got, expected / 4, 1e-2):
        hint = "기울기의 크기는 매개변수 수 × 4바이트입니다(비트나 개수가 아니라 바이트)."
    else:
        hint = "시간 = 2(N − 1)/N × (매개변수 수 × 4바이트) ÷ 대역폭입니다."
    return Verdict("16.5", False, hint)
