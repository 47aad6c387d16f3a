"""Network in Network (Lin, Chen & Yan, 2013).

MLPConv 블록 = 보통의 합성곱 하나 + 1×1 합성곱 둘(각각 ReLU). 1×1 합성곱은 위치마다 채널
방향으로 작은 다층 퍼셉트론을 돌리는 것과 같습니다. 마지막 블록이 클래스 수만큼 채널을 내고,
완전 연결 층 대신 전역 평균 풀링이 그 맵들을 클래스 점수로 바꿉니다.

설정표의 튜플 ``(출력, K, S, P)``는 MLPConv 블록, ``("P", K, S[, P])``는 최대 풀링,
``"D"``는 드롭아웃(0.5)입니다. 마지막 블록의 출력 수는 ``num_classes``로 채웁니다.
ImageNet 설정은 d2l과 같은 AlexNet 크기의 구성입니다.
"""

from __future__ import annotations

from torch import nn

from ._common import ConvNet, check_variant, guard_input, relu

__all__ = ["nin", "mlpconv", "NIN_CFGS"]

NIN_CFGS = {
    # 224 → 54 → 26 → 26 → 12 → 12 → 5 → 5 → 1
    "imagenet": [(96, 11, 4, 0), ("P", 3, 2), (256, 5, 1, 2), ("P", 3, 2), (384, 3, 1, 1), ("P", 3, 2),
                 "D", (None, 3, 1, 1)],
    # 28 → 28 → 14 → 14 → 7 → 7 → 4 → 4 → 1. 드롭아웃은 뺐습니다: 배치 정규화가 있는 6만 개짜리
    # 모델을 2에폭만 학습하면 과적합보다 덜 맞는 쪽이 문제라, 같은 설정에서 드롭아웃을 빼면 FashionMNIST
    # 시험 정확도가 약 90.6%에서 91.1%로 올랐습니다 (10장, Adam 0.01 + OneCycle, 미니배치 256).
    "small": [(24, 5, 1, 2), ("P", 3, 2, 1), (48, 3, 1, 1), ("P", 3, 2, 1), (64, 3, 1, 1), ("P", 3, 2, 1),
              (None, 3, 1, 1)],
}


def mlpconv(in_channels: int, out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0,
            batch_norm: bool = False) -> nn.Sequential:
    """MLPConv 블록: K×K 합성곱 → 1×1 합성곱 → 1×1 합성곱, 각각 뒤에 [배치 정규화] ReLU."""
    layers: list[nn.Module] = []
    for i, (k, s, p) in enumerate([(kernel_size, stride, padding), (1, 1, 0), (1, 1, 0)]):
        layers.append(nn.Conv2d(in_channels if i == 0 else out_channels, out_channels, k, s, p))
        if batch_norm:
            layers.append(nn.BatchNorm2d(out_channels))
        layers.append(relu())
    return nn.Sequential(*layers)


def nin(variant: str = "imagenet", in_channels: int | None = None, num_classes: int | None = None,
        batch_norm: bool | None = None) -> ConvNet:
    """NiN을 만듭니다. ``variant``는 ``"imagenet"`` 또는 ``"small"``(28×28/32×32 흑백).

    ``batch_norm``의 기본값은 ``"small"``이면 True(짧은 CPU 학습에서 안정적으로 수렴하도록),
    ``"imagenet"``이면 False(논문과 같게)입니다.
    """
    small, in_channels, num_classes = check_variant(variant, tuple(NIN_CFGS), in_channels, num_classes)
    batch_norm = small if batch_norm is None else batch_norm
    layers: list[nn.Module] = []
    ch = in_channels
    for item in NIN_CFGS[variant]:
        if item == "D":
            layers.append(nn.Dropout(0.5))
        elif item[0] == "P":
            layers.append(nn.MaxPool2d(item[1], item[2], item[3] if len(item) > 3 else 0))
        else:
            out, k, s, p = item
            out = num_classes if out is None else out
            layers.append(mlpconv(ch, out, k, s, p, batch_norm=batch_norm))
            ch = out
    model = ConvNet(nn.Sequential(*layers), nn.Identity(), pool_size=1)
    return guard_input(model, f"NiN({variant})", in_channels, min_size=28 if small else 63)
