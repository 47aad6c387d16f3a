"""DenseNet (Huang et al., 2017, "Densely connected convolutional networks").

밀집 블록 안의 층 하나는 앞선 모든 층의 출력을 채널 방향으로 이어 붙여(concatenate) 입력으로
받고, 새 특징 맵을 ``growth_rate``(k)개만 보탭니다. 층 하나 = BN → ReLU → 1×1(4k개, 병목) →
BN → ReLU → 3×3(k개). 블록 사이의 전이 층(transition)은 BN → ReLU → 1×1(채널을 반으로 압축) →
2×2 평균 풀링입니다. DenseNet-121의 매개변수 수와 ``state_dict``는 torchvision과 같습니다.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

from ._common import check_variant, guard_input

__all__ = ["DenseLayer", "DenseBlock", "Transition", "DenseNet", "densenet", "DENSENET_CFGS"]


class DenseLayer(nn.Module):
    def __init__(self, in_channels: int, growth_rate: int, bn_size: int = 4):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(in_channels)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(in_channels, bn_size * growth_rate, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, 3, padding=1, bias=False)

    def forward(self, features: list[torch.Tensor]) -> torch.Tensor:
        x = torch.cat(features, 1)
        return self.conv2(self.relu2(self.norm2(self.conv1(self.relu1(self.norm1(x))))))


class DenseBlock(nn.ModuleDict):
    """층 ``num_layers``개. 출력 채널 = 입력 채널 + num_layers × growth_rate."""

    def __init__(self, num_layers: int, in_channels: int, growth_rate: int, bn_size: int = 4):
        super().__init__()
        for i in range(num_layers):
            self.add_module(f"denselayer{i + 1}", DenseLayer(in_channels + i * growth_rate, growth_rate, bn_size))

    def forward(self, x):
        features = [x]
        for layer in self.values():
            features.append(layer(features))
        return torch.cat(features, 1)


class Transition(nn.Sequential):
    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.norm = nn.BatchNorm2d(in_channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(in_channels, out_channels, 1, bias=False)
        self.pool = nn.AvgPool2d(2, stride=2)


# 이름 → (성장률 k, 블록별 층 수, 줄기 채널, 줄기 종류)
DENSENET_CFGS = {
    "densenet121": (32, (6, 12, 24, 16), 64, "imagenet"),
    "densenet169": (32, (6, 12, 32, 32), 64, "imagenet"),
    "small": (12, (6, 6, 6), 24, "small"),  # 28×28 → 28 → 14 → 7
}


class DenseNet(nn.Module):
    def __init__(self, growth_rate, block_config, init_features, stem, in_channels, num_classes,
                 compression: float = 0.5):
        super().__init__()
        if stem == "imagenet":
            layers = [("conv0", nn.Conv2d(in_channels, init_features, 7, stride=2, padding=3, bias=False)),
                      ("norm0", nn.BatchNorm2d(init_features)), ("relu0", nn.ReLU(inplace=True)),
                      ("pool0", nn.MaxPool2d(3, stride=2, padding=1))]
        else:
            layers = [("conv0", nn.Conv2d(in_channels, init_features, 3, padding=1, bias=False))]
        self.features = nn.Sequential(OrderedDict(layers))
        ch = init_features
        for i, n in enumerate(block_config):
            self.features.add_module(f"denseblock{i + 1}", DenseBlock(n, ch, growth_rate))
            ch += n * growth_rate
            if i != len(block_config) - 1:
                out = int(ch * compression)
                self.features.add_module(f"transition{i + 1}", Transition(ch, out))
                ch = out
        self.features.add_module(f"norm{len(block_config) + 1}", nn.BatchNorm2d(ch))
        self.classifier = nn.Linear(ch, num_classes)
        self.num_features = ch

    def forward(self, x):
        x = torch.relu(self.features(x))
        return self.classifier(nn.functional.adaptive_avg_pool2d(x, 1).flatten(1))


def densenet(variant: str = "densenet121", in_channels: int | None = None,
             num_classes: int | None = None) -> DenseNet:
    """DenseNet을 만듭니다. ``variant``는 ``"densenet121"``, ``"densenet169"``, ``"small"``."""
    small, in_channels, num_classes = check_variant(variant, tuple(DENSENET_CFGS), in_channels, num_classes)
    k, blocks, init, stem = DENSENET_CFGS[variant]
    model = DenseNet(k, blocks, init, stem, in_channels, num_classes)
    return guard_input(model, f"DenseNet({variant})", in_channels, min_size=28 if small else 32)
