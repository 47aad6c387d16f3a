"""ResNet과 그 변형 (He et al., 2016, "Deep residual learning for image recognition").

* 블록: :class:`BasicBlock` (3×3 두 개), :class:`Bottleneck` (1×1 → 3×3 → 1×1, 4배로 넓힘),
  :class:`PreActBlock` (BN-ReLU-합성곱 순서, He et al. 2016b "Identity mappings").
* ``shortcut=False``면 같은 층 구성에서 잔차 연결만 뺀 '평범한(plain)' 망이 됩니다 (퇴화 실험용).
* ``drop_path``는 확률적 깊이(stochastic depth, Huang et al. 2016): 학습 중 블록의 잔차 가지를
  표본마다 확률적으로 끕니다. 마지막 블록일수록 더 자주 끄도록 0에서 ``drop_path``까지 선형으로
  늘립니다.
* ImageNet 설정(:data:`RESNET_CFGS`): 줄기(7×7, 스트라이드 2 + 최대 풀링) → 네 단계 → 전역 평균
  풀링 → 완전 연결. ResNet-18/34/50, ResNeXt-50 32×4d(그룹 합성곱), Wide ResNet-50-2의 매개변수
  수와 ``state_dict``는 torchvision과 같습니다.
* CIFAR 설정(:func:`resnet_cifar`): 논문 4.2절의 6n+2층 망(3×3 줄기, 16-32-64 채널의 세 단계).
  단계가 바뀔 때의 지름길은 논문의 선택지 A(매개변수 없이 건너뛰고 채널을 0으로 채움)입니다.
  컬러 입력(3채널)에서 ResNet-20은 매개변수 269,722개(논문 표 6의 0.27M), ResNet-56은 853,018개(0.85M)입니다.
"""

from __future__ import annotations

import torch
from torch import nn
from torchvision.ops import stochastic_depth

from ._common import check_choice, check_positive_int, guard_input
from .senet import SEBlock

__all__ = ["BasicBlock", "Bottleneck", "PreActBlock", "ResNet", "resnet", "resnet_cifar", "RESNET_CFGS"]


def conv3x3(in_ch: int, out_ch: int, stride: int = 1, groups: int = 1) -> nn.Conv2d:
    return nn.Conv2d(in_ch, out_ch, 3, stride=stride, padding=1, groups=groups, bias=False)


def conv1x1(in_ch: int, out_ch: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(in_ch, out_ch, 1, stride=stride, bias=False)


class _Residual(nn.Module):
    """블록들이 함께 쓰는 마지막 단계: 잔차 가지 + 지름길, 확률적 깊이, 잔차 연결 끄기."""

    def _finish(self, out, identity):
        if self.se is not None:
            out = self.se(out)
        if not self.shortcut:
            return out
        if self.drop_path > 0:
            out = stochastic_depth(out, self.drop_path, "row", self.training)
        return out + identity


class BasicBlock(_Residual):
    """3×3 합성곱 두 개짜리 잔차 블록 (ResNet-18/34, CIFAR ResNet). 출력 채널 = planes."""

    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None,
                 groups: int = 1, base_width: int = 64, shortcut: bool = True, drop_path: float = 0.0,
                 se: bool = False):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.shortcut, self.drop_path = shortcut, drop_path
        self.se = SEBlock(planes) if se else None

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(self._finish(out, identity))


class Bottleneck(_Residual):
    """병목 블록: 1×1(줄임) → 3×3(그룹 가능) → 1×1(넓힘). 출력 채널 = planes × 4.

    가운데 폭은 ``planes × base_width/64 × groups``: ResNeXt-50 32×4d는 groups=32, base_width=4,
    Wide ResNet-50-2는 base_width=128입니다.
    """

    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None,
                 groups: int = 1, base_width: int = 64, shortcut: bool = True, drop_path: float = 0.0,
                 se: bool = False):
        super().__init__()
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = conv3x3(width, width, stride, groups)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.shortcut, self.drop_path = shortcut, drop_path
        self.se = SEBlock(planes * self.expansion) if se else None

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(self._finish(out, identity))


class PreActBlock(_Residual):
    """사전 활성화 블록: BN → ReLU → 3×3 → BN → ReLU → 3×3, 그리고 더한 뒤에 ReLU가 없습니다."""

    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None,
                 groups: int = 1, base_width: int = 64, shortcut: bool = True, drop_path: float = 0.0,
                 se: bool = False):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inplanes)
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes)
        self.downsample = downsample
        self.shortcut, self.drop_path = shortcut, drop_path
        self.se = SEBlock(planes) if se else None

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.conv1(torch.relu(self.bn1(x)))
        out = self.conv2(torch.relu(self.bn2(out)))
        return self._finish(out, identity)


class _PadShortcut(nn.Module):
    """CIFAR ResNet의 지름길 선택지 A: 2칸씩 건너뛰어 크기를 줄이고 늘어난 채널은 0으로 채웁니다."""

    def __init__(self, extra_channels: int, stride: int):
        super().__init__()
        self.extra, self.stride = extra_channels, stride

    def forward(self, x):
        x = x[:, :, ::self.stride, ::self.stride]
        return nn.functional.pad(x, (0, 0, 0, 0, self.extra // 2, self.extra - self.extra // 2))


_BLOCKS = {"basic": BasicBlock, "bottleneck": Bottleneck, "preact": PreActBlock}

# 이름 → (블록, 단계별 블록 수, groups, base_width)
RESNET_CFGS = {
    "resnet18": ("basic", (2, 2, 2, 2), 1, 64),
    "resnet34": ("basic", (3, 4, 6, 3), 1, 64),
    "resnet50": ("bottleneck", (3, 4, 6, 3), 1, 64),
    "resnet101": ("bottleneck", (3, 4, 23, 3), 1, 64),
    "resnext50_32x4d": ("bottleneck", (3, 4, 6, 3), 32, 4),
    "wide_resnet50_2": ("bottleneck", (3, 4, 6, 3), 1, 128),
}


class ResNet(nn.Module):
    """줄기 → 단계들(``layer1`` …) → 전역 평균 풀링 → ``fc``. 만들 때는 :func:`resnet`이나
    :func:`resnet_cifar`를 쓰세요. 속성 이름은 torchvision과 같습니다."""

    def __init__(self, block: str, layers, widths, *, stem: str, in_channels: int, num_classes: int,
                 groups: int = 1, base_width: int = 64, shortcut: bool = True, drop_path: float = 0.0,
                 se: bool = False, pad_shortcut: bool = False):
        super().__init__()
        self.block = _BLOCKS[block]
        self.inplanes = widths[0] if stem == "cifar" else 64
        if stem == "imagenet":
            self.conv1 = nn.Conv2d(in_channels, 64, 7, stride=2, padding=3, bias=False)
            self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        else:
            self.conv1 = conv3x3(in_channels, widths[0])
            self.maxpool = nn.Identity()
        # 사전 활성화 망은 줄기 뒤에 BN-ReLU를 두지 않고, 끝에 BN-ReLU를 둡니다.
        self.bn1 = nn.BatchNorm2d(self.inplanes) if block != "preact" else nn.Identity()
        self.relu = nn.ReLU(inplace=True)
        total, done = sum(layers), 0
        self.stages = []
        for i, (n, width) in enumerate(zip(layers, widths, strict=True)):
            stride = 1 if i == 0 else 2
            rates = [drop_path * (done + j) / max(1, total - 1) for j in range(n)]
            done += n
            name = f"layer{i + 1}"
            self.add_module(name, self._make_layer(width, n, stride, rates, groups, base_width, shortcut,
                                                   se, pad_shortcut))
            self.stages.append(name)
        out = self.inplanes
        self.final = nn.Sequential(nn.BatchNorm2d(out), nn.ReLU(inplace=True)) if block == "preact" else None
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(out, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def _make_layer(self, planes, blocks, stride, rates, groups, base_width, shortcut, se, pad_shortcut):
        block = self.block
        downsample = None
        out = planes * block.expansion
        if shortcut and (stride != 1 or self.inplanes != out):
            if pad_shortcut:
                downsample = _PadShortcut(out - self.inplanes, stride)
            else:
                downsample = nn.Sequential(conv1x1(self.inplanes, out, stride), nn.BatchNorm2d(out))
        layers = [block(self.inplanes, planes, stride, downsample, groups, base_width, shortcut, rates[0], se)]
        self.inplanes = out
        layers += [block(out, planes, 1, None, groups, base_width, shortcut, r, se) for r in rates[1:]]
        return nn.Sequential(*layers)

    def forward_features(self, x):
        """전역 평균 풀링 직전까지의 특징 맵."""
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        for name in self.stages:
            x = getattr(self, name)(x)
        return self.final(x) if self.final is not None else x

    def forward(self, x):
        return self.fc(self.avgpool(self.forward_features(x)).flatten(1))


def resnet(name: str = "resnet18", in_channels: int = 3, num_classes: int = 1000, *, shortcut: bool = True,
           drop_path: float = 0.0, se: bool = False) -> ResNet:
    """ImageNet용 ResNet 계열. ``name``은 :data:`RESNET_CFGS`의 이름."""
    check_choice(name, tuple(RESNET_CFGS), "name")
    check_positive_int(in_channels, "in_channels")
    check_positive_int(num_classes, "num_classes")
    _check_rate(drop_path)
    block, layers, groups, base_width = RESNET_CFGS[name]
    model = ResNet(block, layers, (64, 128, 256, 512), stem="imagenet", in_channels=in_channels,
                   num_classes=num_classes, groups=groups, base_width=base_width, shortcut=shortcut,
                   drop_path=drop_path, se=se)
    return guard_input(model, name, in_channels, min_size=32)


def resnet_cifar(depth: int = 20, in_channels: int = 1, num_classes: int = 10, *, shortcut: bool = True,
                 block: str = "basic", widths=(16, 32, 64), drop_path: float = 0.0, se: bool = False) -> ResNet:
    """작은 이미지(28×28, 32×32)용 6n+2층 ResNet (논문 4.2절). ``depth``는 20, 32, 44, 56, 110 …

    ``shortcut=False``면 같은 깊이의 평범한 망, ``block="preact"``면 사전 활성화 ResNet입니다.
    """
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 8 or (depth - 2) % 6:
        raise ValueError(f"depth는 6n+2 꼴(20, 32, 44, 56, 110 …)이어야 합니다. 받은 값: {depth!r} "
                         "(depth must be 6n+2)")
    check_choice(block, ("basic", "preact"), "block")
    check_positive_int(in_channels, "in_channels")
    check_positive_int(num_classes, "num_classes")
    _check_rate(drop_path)
    n = (depth - 2) // 6
    model = ResNet(block, (n, n, n), tuple(widths), stem="cifar", in_channels=in_channels,
                   num_classes=num_classes, shortcut=shortcut, drop_path=drop_path, se=se, pad_shortcut=True)
    kind = "ResNet" if shortcut else "plain"
    return guard_input(model, f"{kind}-{depth}", in_channels, min_size=8)


def _check_rate(p):
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p < 1.0:
        raise ValueError(f"drop_path는 0 이상 1 미만의 수여야 합니다. 받은 값: {p!r}")
