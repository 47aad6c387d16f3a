"""DenseNet (Huang et al., 2017, "Densely connected convolutional networks").

밀집 블록 안의 층 하나는 앞선 모든 층의 출력을 채널 방향으로 이어 붙여(concatenate) 입력으로
받고, 새 특징 맵을 ``growth_rate``(k)개만 보탭니다. 층 하나 = BN → ReLU → 1×1(4k개, 병목) →
BN → ReLU → 3×3(k개). 블록 사이의 전이 층(transition)은 BN → ReLU → 1×1(채널을 반으로 압축) →
2×2 평균 풀링입니다. DenseNet-121의 매개변수 수와 ``state_dict``는 torchvision과 같습니다.

:func:`densenet`의 키워드 인자로 논문의 변형을 만들 수 있습니다: ``bottleneck=False``(병목 없는
DenseNet), ``compression=1.0``(압축 없음), ``growth_rate``, ``block_config``, 그리고
``memory_efficient=True``(Pleiss 외 2017의 체크포인팅: 이어 붙인 텐서를 보관하지 않고 역전파 때
다시 계산합니다. torchvision처럼, 다시 계산할 때 배치 정규화의 이동 통계가 한 번 더 갱신됩니다).
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn
from torch.utils.checkpoint import checkpoint

from ._common import check_positive_int, check_variant, guard_input

__all__ = ["DenseLayer", "DenseBlock", "Transition", "DenseNet", "densenet", "DENSENET_CFGS"]


class DenseLayer(nn.Module):
    """밀집 블록의 층 하나. 앞선 특징 맵들의 목록을 받아 이어 붙이고, 새 특징 맵 ``growth_rate``개를 냅니다.

    ``bn_size``가 정수면 병목 층(DenseNet-B): BN → ReLU → 1×1(bn_size·k개) → BN → ReLU → 3×3(k개).
    ``bn_size=None``이면 병목 없이 BN → ReLU → 3×3(k개)입니다(논문의 기본 DenseNet).
    ``memory_efficient=True``면 이어 붙이기부터 첫 합성곱까지를 역전파 때 다시 계산해(체크포인팅),
    이어 붙인 텐서를 층마다 보관하지 않습니다(Pleiss 외, 2017). 계산하는 함수는 같습니다.
    """

    def __init__(self, in_channels: int, growth_rate: int, bn_size: int | None = 4,
                 memory_efficient: bool = False):
        super().__init__()
        self.memory_efficient = memory_efficient
        self.norm1 = nn.BatchNorm2d(in_channels)
        self.relu1 = nn.ReLU(inplace=True)
        if bn_size is None:
            self.conv1 = nn.Conv2d(in_channels, growth_rate, 3, padding=1, bias=False)
            self.norm2 = self.relu2 = self.conv2 = None
        else:
            self.conv1 = nn.Conv2d(in_channels, bn_size * growth_rate, 1, bias=False)
            self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
            self.relu2 = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, 3, padding=1, bias=False)

    def _first(self, *features: torch.Tensor) -> torch.Tensor:
        return self.conv1(self.relu1(self.norm1(torch.cat(features, 1))))

    def forward(self, features: list[torch.Tensor]) -> torch.Tensor:
        if self.memory_efficient and torch.is_grad_enabled() and any(f.requires_grad for f in features):
            out = checkpoint(self._first, *features, use_reentrant=False)
        else:
            out = self._first(*features)
        if self.conv2 is None:
            return out
        return self.conv2(self.relu2(self.norm2(out)))


class DenseBlock(nn.ModuleDict):
    """층 ``num_layers``개. 출력 채널 = 입력 채널 + num_layers × growth_rate."""

    def __init__(self, num_layers: int, in_channels: int, growth_rate: int, bn_size: int | None = 4,
                 memory_efficient: bool = False):
        super().__init__()
        for i in range(num_layers):
            self.add_module(f"denselayer{i + 1}", DenseLayer(in_channels + i * growth_rate, growth_rate, bn_size,
                                                             memory_efficient))

    def forward(self, x):
        features = [x]
        for layer in self.values():
            features.append(layer(features))
        return torch.cat(features, 1)


class Transition(nn.Sequential):
    """전이 층: BN → ReLU → 1×1 합성곱(``out_channels``로 압축) → 2×2 평균 풀링(스트라이드 2)."""

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
    "small": (12, (6, 6, 6), 24, "small"),  # 28×28 → 줄기(스트라이드 2) 14 → 7 → 3
}


class DenseNet(nn.Module):
    """줄기 → (밀집 블록 → 전이 층) × … → 밀집 블록 → BN → ReLU → 전역 평균 풀링 → ``classifier``.

    전이 층은 채널을 ``compression``(θ)배로 줄이고(1×1 합성곱) 2×2 평균 풀링으로 해상도를 반으로
    줄입니다. 속성 이름은 torchvision과 같습니다. 만들 때는 :func:`densenet`을 쓰세요.
    """

    def __init__(self, growth_rate, block_config, init_features, stem, in_channels, num_classes,
                 compression: float = 0.5, bn_size: int | None = 4, memory_efficient: bool = False):
        super().__init__()
        if stem == "imagenet":
            layers = [("conv0", nn.Conv2d(in_channels, init_features, 7, stride=2, padding=3, bias=False)),
                      ("norm0", nn.BatchNorm2d(init_features)), ("relu0", nn.ReLU(inplace=True)),
                      ("pool0", nn.MaxPool2d(3, stride=2, padding=1))]
        else:  # 작은 입력(28×28): 3×3 스트라이드 2 합성곱 하나로 해상도를 먼저 반으로 줄입니다.
            # 첫 밀집 블록을 28×28에서 돌리면 MAC이 약 4배가 되어 CPU에서 ResNet-20보다 몇 배 느립니다.
            layers = [("conv0", nn.Conv2d(in_channels, init_features, 3, stride=2, padding=1, bias=False))]
        self.features = nn.Sequential(OrderedDict(layers))
        ch = init_features
        for i, n in enumerate(block_config):
            self.features.add_module(f"denseblock{i + 1}",
                                     DenseBlock(n, ch, growth_rate, bn_size, memory_efficient))
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


def densenet(variant: str = "densenet121", in_channels: int | None = None, num_classes: int | None = None, *,
             growth_rate: int | None = None, block_config=None, init_features: int | None = None,
             compression: float = 0.5, bottleneck: bool = True, memory_efficient: bool = False) -> DenseNet:
    """DenseNet을 만듭니다. ``variant``는 ``"densenet121"``, ``"densenet169"``, ``"small"``.

    키워드 인자로 설정표의 값을 바꿀 수 있습니다: 성장률 ``growth_rate``(k), 블록별 층 수
    ``block_config``, 줄기 채널 ``init_features``, 전이 층의 압축률 ``compression``(θ, 0 < θ ≤ 1),
    ``bottleneck=False``(병목 층 없이 3×3만), ``memory_efficient=True``(체크포인팅, 같은 함수).
    기본값이면 DenseNet-BC(병목 + θ = 0.5)이고, DenseNet-121·169는 torchvision과 같습니다.
    """
    small, in_channels, num_classes = check_variant(variant, tuple(DENSENET_CFGS), in_channels, num_classes)
    k, blocks, init, stem = DENSENET_CFGS[variant]
    k = k if growth_rate is None else check_positive_int(growth_rate, "growth_rate")
    init = init if init_features is None else check_positive_int(init_features, "init_features")
    if block_config is not None:
        blocks = tuple(block_config)
        if not blocks:
            raise ValueError("block_config에는 블록이 하나 이상 있어야 합니다 (block_config must not be empty)")
        for n in blocks:
            check_positive_int(n, "block_config의 층 수")
    if isinstance(compression, bool) or not isinstance(compression, (int, float)) or not 0 < compression <= 1:
        raise ValueError(f"compression(θ)은 0보다 크고 1 이하인 수여야 합니다. 받은 값: {compression!r} "
                         "(compression must be in (0, 1])")
    model = DenseNet(k, blocks, init, stem, in_channels, num_classes, compression=compression,
                     bn_size=4 if bottleneck else None, memory_efficient=bool(memory_efficient))
    return guard_input(model, f"DenseNet({variant})", in_channels, min_size=28 if small else 32)
