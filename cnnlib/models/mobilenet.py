"""MobileNet v1 (Howard et al., 2017)과 v2 (Sandler et al., 2018).

* 깊이별 분리 합성곱(depthwise separable): 3×3 깊이별 합성곱(``groups=C``, 채널마다 따로)
  → 1×1 점별 합성곱(pointwise, 채널 섞기). 표준 3×3보다 연산량이 약 1/N + 1/9 배입니다.
* v2의 역잔차 블록(inverted residual): 1×1로 t배 넓히고 → 3×3 깊이별 → 1×1로 좁히되 마지막에
  활성 함수를 두지 않습니다(선형 병목). 입력과 출력 크기가 같으면 잔차 연결을 더합니다.
  MobileNet v2의 매개변수 수와 ``state_dict``는 torchvision과 같습니다(3,504,872).
* ``width`` 는 너비 배수(α): 모든 층의 채널 수를 α배 합니다 (8의 배수로 맞춤).
"""

from __future__ import annotations

from torch import nn

from ._common import check_variant, guard_input

__all__ = ["conv_bn_act", "DepthwiseSeparable", "InvertedResidual", "mobilenet_v1", "mobilenet_v2",
           "MOBILENET_V1_CFG", "MOBILENET_V2_CFG"]


def make_divisible(value: float, divisor: int = 8) -> int:
    """채널 수를 ``divisor``의 배수로 반올림하되 10% 넘게 줄지 않게 합니다 (torchvision과 같은 규칙)."""
    new = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * value else new


def conv_bn_act(in_ch: int, out_ch: int, kernel: int = 3, stride: int = 1, groups: int = 1,
                act=nn.ReLU6) -> nn.Sequential:
    """합성곱(편향 없음) → 배치 정규화 → 활성 함수 (``act=None``이면 활성 함수 없음)."""
    layers = [nn.Conv2d(in_ch, out_ch, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
              nn.BatchNorm2d(out_ch)]
    if act is not None:
        layers.append(act(inplace=True))
    return nn.Sequential(*layers)


class DepthwiseSeparable(nn.Sequential):
    """MobileNet v1의 블록: 3×3 깊이별(BN, ReLU) → 1×1 점별(BN, ReLU)."""

    def __init__(self, in_ch: int, out_ch: int, stride: int = 1):
        super().__init__(conv_bn_act(in_ch, in_ch, 3, stride, groups=in_ch, act=nn.ReLU),
                         conv_bn_act(in_ch, out_ch, 1, act=nn.ReLU))


class InvertedResidual(nn.Module):
    """MobileNet v2의 블록. 이름과 구조는 torchvision과 같습니다."""

    def __init__(self, in_ch: int, out_ch: int, stride: int, expand_ratio: int):
        super().__init__()
        hidden = int(round(in_ch * expand_ratio))
        self.use_res_connect = stride == 1 and in_ch == out_ch
        layers: list[nn.Module] = []
        if expand_ratio != 1:
            layers.append(conv_bn_act(in_ch, hidden, 1))                     # 넓히기
        layers += [conv_bn_act(hidden, hidden, 3, stride, groups=hidden),     # 깊이별
                   nn.Conv2d(hidden, out_ch, 1, bias=False), nn.BatchNorm2d(out_ch)]  # 선형 병목
        self.conv = nn.Sequential(*layers)
        self.out_channels = out_ch

    def forward(self, x):
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


# v1: (출력 채널, 스트라이드). 줄기는 3×3 합성곱 32채널, 스트라이드 2.
MOBILENET_V1_CFG = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
                    (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]
# v2: (넓히는 배수 t, 출력 채널 c, 반복 n, 첫 스트라이드 s) — 논문 표 2
MOBILENET_V2_CFG = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                    (6, 160, 3, 2), (6, 320, 1, 1)]


class _MobileNet(nn.Module):
    def __init__(self, features: nn.Sequential, last: int, num_classes: int, dropout: float):
        super().__init__()
        self.features = features
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(last, num_classes))

    def forward(self, x):
        x = nn.functional.adaptive_avg_pool2d(self.features(x), 1)
        return self.classifier(x.flatten(1))


def mobilenet_v1(variant: str = "imagenet", in_channels: int | None = None, num_classes: int | None = None,
                 width: float = 1.0) -> _MobileNet:
    """MobileNet v1. ``variant="small"``은 28×28용(줄기 스트라이드 1, 뒤쪽 블록 생략)."""
    small, in_channels, num_classes = check_variant(variant, ("imagenet", "small"), in_channels, num_classes)
    _check_width(width)
    cfg = MOBILENET_V1_CFG[:6] if small else MOBILENET_V1_CFG  # small: 28 → 28 → 14 → 7 → 4
    ch = make_divisible(32 * width)
    layers: list[nn.Module] = [conv_bn_act(in_channels, ch, 3, 1 if small else 2, act=nn.ReLU)]
    for out, stride in cfg:
        out = make_divisible(out * width)
        layers.append(DepthwiseSeparable(ch, out, stride))
        ch = out
    model = _MobileNet(nn.Sequential(*layers), ch, num_classes, 0.2 if small else 0.0)
    return guard_input(model, f"MobileNet v1({variant})", in_channels, min_size=28 if small else 32)


def mobilenet_v2(variant: str = "imagenet", in_channels: int | None = None, num_classes: int | None = None,
                 width: float = 1.0) -> _MobileNet:
    """MobileNet v2. ``"imagenet"``은 torchvision과 같고, ``"small"``은 28×28용(스트라이드를 줄이고
    뒤쪽 단계 생략, 마지막 1×1을 1280 대신 256채널)."""
    small, in_channels, num_classes = check_variant(variant, ("imagenet", "small"), in_channels, num_classes)
    _check_width(width)
    # small: 28 → (줄기 s1) 28 → 24채널 단계 s1 → 32채널 s2 14 → 64채널 s2 7 → 96채널
    cfg = [(1, 16, 1, 1), (6, 24, 2, 1), (6, 32, 3, 2), (6, 64, 2, 2), (6, 96, 2, 1)] if small \
        else MOBILENET_V2_CFG
    ch = make_divisible(32 * width)
    layers: list[nn.Module] = [conv_bn_act(in_channels, ch, 3, 1 if small else 2)]
    for t, c, n, s in cfg:
        out = make_divisible(c * width)
        for i in range(n):
            layers.append(InvertedResidual(ch, out, s if i == 0 else 1, t))
            ch = out
    last = 256 if small else make_divisible(1280 * max(1.0, width))
    layers.append(conv_bn_act(ch, last, 1))
    model = _MobileNet(nn.Sequential(*layers), last, num_classes, 0.2)
    return guard_input(model, f"MobileNet v2({variant})", in_channels, min_size=28 if small else 32)


def _check_width(width):
    if isinstance(width, bool) or not isinstance(width, (int, float)) or width <= 0:
        raise ValueError(f"width(너비 배수)는 0보다 큰 수여야 합니다. 받은 값: {width!r}")
