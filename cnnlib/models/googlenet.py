"""GoogLeNet / Inception v1 (Szegedy et al., 2015, "Going deeper with convolutions").

인셉션 모듈은 같은 입력에 1×1, 3×3, 5×5 합성곱과 3×3 최대 풀링을 나란히 적용하고 결과를
채널 방향으로 이어 붙입니다. 순진한(naive) 모듈(:class:`NaiveInception`)은 큰 합성곱이 입력의
모든 채널을 보므로 계산이 많고, 풀링 가지가 입력 채널을 그대로 넘겨 출력 채널이 계속 늘어납니다.
병목(bottleneck) 모듈(:class:`Inception`)은 3×3·5×5 앞과 풀링 뒤에 1×1 합성곱을 둬서 채널을
먼저 줄입니다.

``variant="torchvision"``(기본값)은 ``torchvision.models.googlenet``과 같습니다: 합성곱마다
배치 정규화(``BasicConv2d``), 그리고 torchvision의 알려진 차이로 '5×5' 가지가 실제로는 3×3입니다.
보조 분류기 없이 매개변수 6,624,904개이고 같은 ``state_dict``를 불러올 수 있습니다.
``"paper"``는 그 가지를 논문대로 5×5로 둔 것입니다(배치 정규화는 그대로 둡니다; 논문에는
없고 대신 지역 응답 정규화가 있었습니다). ``"small"``은 28×28/32×32 흑백용 축소판입니다.

보조 분류기(``aux_logits=True``)는 학습 모드에서만 쓰입니다: 그때 모델은
``(주 출력, 보조1, 보조2)`` 튜플을 돌려주고, :func:`aux_loss`가 그 손실을 합칩니다.
평가 모드에서는 주 출력만 돌려줍니다.
"""

from __future__ import annotations

import torch
from torch import nn

from ._common import check_variant, guard_input

__all__ = ["googlenet", "Inception", "NaiveInception", "InceptionAux", "BasicConv2d", "aux_loss",
           "GOOGLENET_CFGS"]


class BasicConv2d(nn.Module):
    """합성곱(편향 없음) → 배치 정규화 → ReLU. 이름과 구조는 torchvision과 같습니다."""

    def __init__(self, in_channels: int, out_channels: int, **kwargs):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


class Inception(nn.Module):
    """병목 인셉션 모듈. 출력 채널 = ch1x1 + ch3x3 + ch5x5 + pool_proj."""

    def __init__(self, in_channels: int, ch1x1: int, ch3x3red: int, ch3x3: int, ch5x5red: int,
                 ch5x5: int, pool_proj: int, k5: int = 5):
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(BasicConv2d(in_channels, ch3x3red, kernel_size=1),
                                     BasicConv2d(ch3x3red, ch3x3, kernel_size=3, padding=1))
        self.branch3 = nn.Sequential(BasicConv2d(in_channels, ch5x5red, kernel_size=1),
                                     BasicConv2d(ch5x5red, ch5x5, kernel_size=k5, padding=k5 // 2))
        self.branch4 = nn.Sequential(nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True),
                                     BasicConv2d(in_channels, pool_proj, kernel_size=1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class NaiveInception(nn.Module):
    """순진한 인셉션 모듈: 1×1, 3×3, 5×5 합성곱과 3×3 최대 풀링을 입력에 바로 적용.

    출력 채널 = ch1x1 + ch3x3 + ch5x5 + in_channels (풀링 가지가 입력 채널을 그대로 넘깁니다).
    """

    def __init__(self, in_channels: int, ch1x1: int, ch3x3: int, ch5x5: int):
        super().__init__()
        self.branch1 = BasicConv2d(in_channels, ch1x1, kernel_size=1)
        self.branch2 = BasicConv2d(in_channels, ch3x3, kernel_size=3, padding=1)
        self.branch3 = BasicConv2d(in_channels, ch5x5, kernel_size=5, padding=2)
        self.branch4 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class InceptionAux(nn.Module):
    """보조 분류기: 평균 풀링 → 1×1 합성곱 → 완전 연결 둘(드롭아웃 0.7). torchvision과 같은 구조."""

    def __init__(self, in_channels: int, num_classes: int, pool: int = 4, width: int = 128,
                 hidden: int = 1024, dropout: float = 0.7):
        super().__init__()
        self.pool = pool
        self.conv = BasicConv2d(in_channels, width, kernel_size=1)
        self.fc1 = nn.Linear(width * pool * pool, hidden)
        self.fc2 = nn.Linear(hidden, num_classes)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        x = self.conv(nn.functional.adaptive_avg_pool2d(x, (self.pool, self.pool)))
        x = self.dropout(torch.relu(self.fc1(x.flatten(1))))
        return self.fc2(x)


# 설정표: 이름 → 인셉션 모듈 인자 (in, 1×1, 3×3 줄임, 3×3, 5×5 줄임, 5×5, 풀링 투영),
# "maxpoolN"은 최대 풀링. 이름은 torchvision의 속성 이름과 같습니다.
_IMAGENET = [
    ("inception3a", (192, 64, 96, 128, 16, 32, 32)),
    ("inception3b", (256, 128, 128, 192, 32, 96, 64)),
    ("maxpool3", (3, 2)),
    ("inception4a", (480, 192, 96, 208, 16, 48, 64)),
    ("inception4b", (512, 160, 112, 224, 24, 64, 64)),
    ("inception4c", (512, 128, 128, 256, 24, 64, 64)),
    ("inception4d", (512, 112, 144, 288, 32, 64, 64)),
    ("inception4e", (528, 256, 160, 320, 32, 128, 128)),
    ("maxpool4", (2, 2)),
    ("inception5a", (832, 256, 160, 320, 32, 128, 128)),
    ("inception5b", (832, 384, 192, 384, 48, 128, 128)),
]
_SMALL = [  # 28 → (줄기 3×3 + 풀링) 14 → 7
    ("inception3a", (16, 8, 12, 16, 2, 4, 4)),
    ("inception3b", (32, 16, 16, 24, 4, 8, 8)),
    ("maxpool3", (3, 2)),
    ("inception4a", (56, 24, 16, 32, 4, 8, 8)),
    ("inception4b", (72, 32, 24, 48, 6, 12, 12)),
    ("inception5a", (104, 48, 24, 48, 8, 16, 16)),
]
GOOGLENET_CFGS = {
    "torchvision": {"blocks": _IMAGENET, "k5": 3, "aux_at": ("inception4a", "inception4d"),
                    "aux": {"pool": 4, "width": 128, "hidden": 1024}, "dropout": 0.2},
    "paper": {"blocks": _IMAGENET, "k5": 5, "aux_at": ("inception4a", "inception4d"),
              "aux": {"pool": 4, "width": 128, "hidden": 1024}, "dropout": 0.4},
    "small": {"blocks": _SMALL, "k5": 5, "aux_at": ("inception3b", "inception4a"),
              "aux": {"pool": 2, "width": 32, "hidden": 64}, "dropout": 0.2},
}


class GoogLeNet(nn.Module):
    """GoogLeNet. 만들 때는 :func:`googlenet`을 쓰세요."""

    def __init__(self, variant: str, in_channels: int, num_classes: int, aux_logits: bool):
        super().__init__()
        cfg = GOOGLENET_CFGS[variant]
        self.aux_logits = aux_logits
        if variant == "small":
            self.conv1 = BasicConv2d(in_channels, 16, kernel_size=3, padding=1)
            stem = ["conv1", "maxpool1"]
            self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        else:
            self.conv1 = BasicConv2d(in_channels, 64, kernel_size=7, stride=2, padding=3)
            self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
            self.conv2 = BasicConv2d(64, 64, kernel_size=1)
            self.conv3 = BasicConv2d(64, 192, kernel_size=3, padding=1)
            self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
            stem = ["conv1", "maxpool1", "conv2", "conv3", "maxpool2"]
        self._order = list(stem)
        out_channels = {}
        for name, args in cfg["blocks"]:
            if name.startswith("maxpool"):
                self.add_module(name, nn.MaxPool2d(args[0], stride=args[1], ceil_mode=True))
            else:
                self.add_module(name, Inception(*args, k5=cfg["k5"]))
                out_channels[name] = args[1] + args[3] + args[5] + args[6]
            self._order.append(name)
        self._aux_at = cfg["aux_at"]
        if aux_logits:
            self.aux1 = InceptionAux(out_channels[self._aux_at[0]], num_classes, **cfg["aux"])
            self.aux2 = InceptionAux(out_channels[self._aux_at[1]], num_classes, **cfg["aux"])
        else:
            self.aux1 = self.aux2 = None
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(cfg["dropout"])
        self.fc = nn.Linear(out_channels[self._order[-1]], num_classes)

    def forward(self, x):
        aux = []
        for name in self._order:
            x = getattr(self, name)(x)
            if self.aux_logits and self.training and name in self._aux_at:
                aux.append((self.aux1 if name == self._aux_at[0] else self.aux2)(x))
        x = self.fc(self.dropout(self.avgpool(x).flatten(1)))
        return (x, *aux) if aux else x


def googlenet(variant: str = "torchvision", in_channels: int | None = None, num_classes: int | None = None,
              aux_logits: bool = False) -> GoogLeNet:
    """GoogLeNet을 만듭니다. ``variant``는 ``"torchvision"``, ``"paper"``, ``"small"``."""
    small, in_channels, num_classes = check_variant(variant, tuple(GOOGLENET_CFGS), in_channels, num_classes)
    model = GoogLeNet(variant, in_channels, num_classes, bool(aux_logits))
    return guard_input(model, f"GoogLeNet({variant})", in_channels, min_size=28 if small else 32)


def aux_loss(weight: float = 0.3, loss_fn=None):
    """보조 분류기가 있는 모델의 손실 함수를 만듭니다: 주 손실 + weight × (보조 손실의 합).

    모델이 텐서 하나를 돌려주면(평가 모드, 또는 보조 분류기 없음) 주 손실만 셉니다.
    논문은 보조 손실에 0.3을 곱했습니다.
    """
    loss_fn = loss_fn or nn.CrossEntropyLoss()

    def loss(outputs, target):
        if isinstance(outputs, torch.Tensor):
            return loss_fn(outputs, target)
        main, *aux = outputs
        return loss_fn(main, target) + weight * sum(loss_fn(a, target) for a in aux)

    return loss
