"""LeNet-5 (LeCun et al., 1998, "Gradient-based learning applied to document recognition").

층 이름은 논문 그대로 C1, S2, C3, S4, C5, F6, OUT입니다(C는 합성곱, S는 서브샘플링, F는 완전 연결).

* ``variant="original"`` — 논문에 가까운 형태.

  - 활성 함수는 논문의 시그모이드형 압축 함수 :math:`1.7159\\tanh(\\tfrac{2}{3}a)` (:class:`ScaledTanh`).
  - S2·S4는 학습되는 서브샘플링: 2×2 합에 채널마다 계수 하나를 곱하고 편향 하나를 더합니다.
  - C3은 논문 표 1의 연결표대로 S2의 여섯 맵 가운데 일부만 봅니다 (매개변수 1,516개).
  - C5는 5×5 합성곱입니다 (입력이 5×5라 출력이 1×1).
  - 논문의 출력층은 고정된 코드와의 거리를 재는 RBF 단위이지만, 여기서는 보통의 ``Linear``로
    바꿨습니다 (교차 엔트로피로 학습하려고).
* ``variant="modern"`` — 오늘날 흔한 형태: ReLU, 2×2 최대 풀링, C3의 완전 연결.

입력은 32×32(논문) 또는 28×28(MNIST 그대로)입니다. 28×28이면 C1에 패딩 2를 둬서 나머지
층의 크기가 논문과 같게 합니다.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

from ._common import check_choice, check_positive_int, guard_input

__all__ = ["lenet5", "C3_TABLE", "ScaledTanh", "Subsampling", "SparseConv2d"]

# 논문 표 1: C3의 맵 i가 보는 S2 맵들의 번호
C3_TABLE: tuple[tuple[int, ...], ...] = (
    (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (0, 4, 5), (0, 1, 5),
    (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (0, 3, 4, 5), (0, 1, 4, 5), (0, 1, 2, 5),
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5),
    (0, 1, 2, 3, 4, 5),
)


class ScaledTanh(nn.Module):
    """LeCun의 압축 함수 f(a) = 1.7159·tanh(2a/3). f(±1) ≈ ±1이 되도록 고른 상수입니다."""

    def forward(self, x):
        return 1.7159 * torch.tanh(x * (2.0 / 3.0))


class Subsampling(nn.Module):
    """학습되는 서브샘플링: 2×2 칸의 합 × 채널별 계수 + 채널별 편향 (매개변수 2·채널 수)."""

    def __init__(self, channels: int):
        super().__init__()
        self.weight = nn.Parameter(torch.full((channels,), 0.25))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        total = nn.functional.avg_pool2d(x, 2) * 4  # 2×2 칸의 합
        return total * self.weight.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)


class SparseConv2d(nn.Module):
    """출력 맵마다 입력 맵의 일부만 보는 합성곱 (LeNet-5의 C3).

    ``table[i]``는 출력 맵 i가 보는 입력 맵 번호들입니다. 출력 맵마다 작은 ``Conv2d``
    하나를 두므로 매개변수 수는 Σ(len(table[i])·K·K + 1)입니다.
    """

    def __init__(self, table, kernel_size: int):
        super().__init__()
        self.table = tuple(tuple(t) for t in table)
        self.convs = nn.ModuleList(nn.Conv2d(len(t), 1, kernel_size) for t in self.table)

    def forward(self, x):
        return torch.cat([conv(x[:, list(t)]) for conv, t in zip(self.convs, self.table, strict=True)], dim=1)


def lenet5(variant: str = "modern", in_channels: int = 1, num_classes: int = 10,
           input_size: int = 28) -> nn.Sequential:
    """LeNet-5를 만듭니다. ``variant``는 ``"original"`` 또는 ``"modern"``, ``input_size``는 28 또는 32."""
    check_choice(variant, ("original", "modern"), "variant")
    check_choice(input_size, (28, 32), "input_size")
    check_positive_int(in_channels, "in_channels")
    check_positive_int(num_classes, "num_classes")
    original = variant == "original"
    act = ScaledTanh if original else (lambda: nn.ReLU(inplace=True))
    pad = (32 - input_size) // 2

    def pool(ch):
        return Subsampling(ch) if original else nn.MaxPool2d(2)

    c3 = SparseConv2d(C3_TABLE, 5) if original else nn.Conv2d(6, 16, 5)
    model = nn.Sequential(OrderedDict([
        ("C1", nn.Sequential(nn.Conv2d(in_channels, 6, 5, padding=pad), act())),  # 6@28×28
        ("S2", nn.Sequential(pool(6), act()) if original else pool(6)),            # 6@14×14
        ("C3", nn.Sequential(c3, act())),                                           # 16@10×10
        ("S4", nn.Sequential(pool(16), act()) if original else pool(16)),          # 16@5×5
        ("C5", nn.Sequential(nn.Conv2d(16, 120, 5), act(), nn.Flatten())),         # 120
        ("F6", nn.Sequential(nn.Linear(120, 84), act())),                           # 84
        ("OUT", nn.Linear(84, num_classes)),
    ]))
    return guard_input(model, f"LeNet-5({variant})", in_channels, exact_size=input_size)
