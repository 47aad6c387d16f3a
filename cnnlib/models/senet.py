"""채널 주의(attention)와 그 뒤: SE 블록, EfficientNet, Inception-ResNet 블록.

* :class:`SEBlock` — 스퀴즈-익사이테이션 (Hu et al., 2018). 전역 평균 풀링(squeeze) → 1×1(C→C/r)
  → 활성 함수 → 1×1(C/r→C) → 시그모이드(excitation)로 채널마다 0~1의 가중치를 만들어 곱합니다.
  ResNet 블록에 넣으려면 ``models.resnet_cifar(20, se=True)``.
* :func:`efficientnet` — EfficientNet (Tan & Le, 2019). MBConv(= MobileNet v2 블록 + SE, SiLU) 일곱
  단계. 너비·깊이 배수로 B0~B7을 만듭니다(:data:`EFFICIENTNET_SCALES`). B0의 매개변수 수와
  ``state_dict``는 ``torchvision.models.efficientnet_b0``와 같습니다(5,288,548).
* :class:`InceptionResNetA` — Inception-ResNet-v2 (Szegedy et al., 2017)의 35×35 블록: 인셉션
  가지 셋을 이어 붙이고 1×1로 입력 채널 수에 맞춘 뒤, 작게 줄여(scale) 입력에 더합니다.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torchvision.ops import stochastic_depth

from ._common import check_choice, check_positive_int, guard_input
from .googlenet import BasicConv2d
from .mobilenet import make_divisible

__all__ = ["SEBlock", "MBConv", "efficientnet", "EFFICIENTNET_SCALES", "EFFICIENTNET_B0", "InceptionResNetA"]


class SEBlock(nn.Module):
    """SE 블록. ``squeeze``를 주면 가운데 채널 수, 아니면 ``channels // reduction``."""

    def __init__(self, channels: int, reduction: int = 16, squeeze: int | None = None, act=nn.ReLU):
        super().__init__()
        hidden = squeeze or max(1, channels // reduction)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, hidden, 1)
        self.fc2 = nn.Conv2d(hidden, channels, 1)
        self.activation = act(inplace=True)
        self.scale_activation = nn.Sigmoid()

    def weights(self, x):
        """채널 가중치 (N, C, 1, 1), 값은 0~1."""
        return self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(x)))))

    def forward(self, x):
        return x * self.weights(x)


def _conv_bn(in_ch, out_ch, kernel=1, stride=1, groups=1, act=True):
    layers = [nn.Conv2d(in_ch, out_ch, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
              nn.BatchNorm2d(out_ch)]
    if act:
        layers.append(nn.SiLU(inplace=True))
    return nn.Sequential(*layers)


class MBConv(nn.Module):
    """EfficientNet의 블록: [1×1 넓히기] → K×K 깊이별 → SE → 1×1 좁히기(선형) (+ 잔차, 확률적 깊이)."""

    def __init__(self, in_ch: int, out_ch: int, kernel: int, stride: int, expand_ratio: int,
                 drop_path: float = 0.0):
        super().__init__()
        self.use_res_connect = stride == 1 and in_ch == out_ch
        hidden = make_divisible(in_ch * expand_ratio)
        layers: list[nn.Module] = []
        if hidden != in_ch:
            layers.append(_conv_bn(in_ch, hidden))
        layers += [_conv_bn(hidden, hidden, kernel, stride, groups=hidden),
                   SEBlock(hidden, squeeze=max(1, in_ch // 4), act=nn.SiLU),
                   _conv_bn(hidden, out_ch, act=False)]
        self.block = nn.Sequential(*layers)
        self.drop_path = drop_path

    def forward(self, x):
        out = self.block(x)
        if self.use_res_connect:
            out = stochastic_depth(out, self.drop_path, "row", self.training) + x
        return out


# B0: (넓히는 배수, 커널, 스트라이드, 입력 채널, 출력 채널, 반복) — 논문 표 1
EFFICIENTNET_B0 = [(1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
                   (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1)]
# 이름 → (너비 배수, 깊이 배수, 해상도, 드롭아웃): torchvision과 논문의 값
EFFICIENTNET_SCALES = {
    "b0": (1.0, 1.0, 224, 0.2), "b1": (1.0, 1.1, 240, 0.2), "b2": (1.1, 1.2, 260, 0.3),
    "b3": (1.2, 1.4, 300, 0.3), "b4": (1.4, 1.8, 380, 0.4), "b5": (1.6, 2.2, 456, 0.4),
    "b6": (1.8, 2.6, 528, 0.5), "b7": (2.0, 3.1, 600, 0.5),
}


class EfficientNet(nn.Module):
    def __init__(self, width: float, depth: float, dropout: float, in_channels: int, num_classes: int,
                 drop_path: float = 0.2):
        super().__init__()
        stages = [(t, k, s, make_divisible(i * width), make_divisible(o * width), math.ceil(n * depth))
                  for t, k, s, i, o, n in EFFICIENTNET_B0]
        total = sum(st[-1] for st in stages)
        first = stages[0][3]
        layers: list[nn.Module] = [_conv_bn(in_channels, first, 3, 2)]
        block_id = 0
        for t, k, s, cin, cout, n in stages:
            blocks = []
            for j in range(n):
                blocks.append(MBConv(cin if j == 0 else cout, cout, k, s if j == 0 else 1, t,
                                     drop_path * block_id / total))
                block_id += 1
            layers.append(nn.Sequential(*blocks))
        last = 4 * stages[-1][4]
        layers.append(_conv_bn(stages[-1][4], last))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(dropout, inplace=True), nn.Linear(last, num_classes))

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


def efficientnet(variant: str = "b0", in_channels: int = 3, num_classes: int = 1000) -> EfficientNet:
    """EfficientNet-B0~B7. 권장 입력 해상도는 ``EFFICIENTNET_SCALES[variant][2]``입니다."""
    check_choice(variant, tuple(EFFICIENTNET_SCALES), "variant")
    check_positive_int(in_channels, "in_channels")
    check_positive_int(num_classes, "num_classes")
    width, depth, _, dropout = EFFICIENTNET_SCALES[variant]
    model = EfficientNet(width, depth, dropout, in_channels, num_classes)
    return guard_input(model, f"EfficientNet-{variant.upper()}", in_channels, min_size=32)


class InceptionResNetA(nn.Module):
    """Inception-ResNet-v2의 35×35 블록 (입력·출력 채널 ``channels``, 기본 320).

    가지: 1×1(32) | 1×1(32) → 3×3(32) | 1×1(32) → 3×3(48) → 3×3(64). 이어 붙인 128채널을 1×1로
    ``channels``에 맞추고 ``scale``(논문 0.17)을 곱해 입력에 더한 뒤 ReLU.
    """

    def __init__(self, channels: int = 320, scale: float = 0.17):
        super().__init__()
        self.scale = scale
        self.branch0 = BasicConv2d(channels, 32, kernel_size=1)
        self.branch1 = nn.Sequential(BasicConv2d(channels, 32, kernel_size=1),
                                     BasicConv2d(32, 32, kernel_size=3, padding=1))
        self.branch2 = nn.Sequential(BasicConv2d(channels, 32, kernel_size=1),
                                     BasicConv2d(32, 48, kernel_size=3, padding=1),
                                     BasicConv2d(48, 64, kernel_size=3, padding=1))
        self.conv = nn.Conv2d(128, channels, 1)

    def forward(self, x):
        branches = torch.cat([self.branch0(x), self.branch1(x), self.branch2(x)], 1)
        return torch.relu(x + self.scale * self.conv(branches))
