"""AlexNet (Krizhevsky, Sutskever & Hinton, 2012)과 ZFNet (Zeiler & Fergus, 2014).

설정표 기호는 :mod:`cnnlib.models._common` 맨 위에 있습니다.

AlexNet의 세 가지 형태
------------------------
* ``"paper"`` — 논문의 구조: 입력 227×227, 합성곱 96-256-384-384-256, ReLU 뒤의 지역 응답
  정규화(1·2층), 두 GPU에 나눠 실었던 conv2·conv4·conv5를 ``groups=2``로 표현, FC6·FC7의
  드롭아웃. 매개변수 60,965,224개.
* ``"torchvision"`` — ``torchvision.models.alexnet()``과 같은 구조(64-192-384-256-256, 그룹과
  지역 응답 정규화 없음, 입력 224×224와 conv1 패딩 2). 매개변수 61,100,840개이고 같은
  ``state_dict``를 그대로 불러올 수 있습니다. 이 구조는 Krizhevsky의 후속 논문("One weird trick",
  2014)의 한 GPU용 변형을 따른 것입니다.
* ``"small"`` — 28×28/32×32 흑백 이미지(MNIST, FashionMNIST)용 축소판: 같은 모양(합성곱 다섯,
  최대 풀링 셋, 완전 연결 셋)에 채널 수와 커널을 줄였습니다.

ZFNet
-----
AlexNet의 conv1(11×11, 스트라이드 4)을 7×7, 스트라이드 2로 바꿔 첫 층의 특징 맵이 덜 거칠게
했습니다. ``variant="paper"``는 논문 그림 3의 384-384-256, ``"wide"``(기본값, 이 책의 강의
노트와 같음)는 논문 표 2에서 더 좋았던 512-1024-512입니다.
"""

from __future__ import annotations

from torch import nn

from ._common import ConvNet, check_choice, check_positive_int, guard_input, make_features, mlp_head

__all__ = ["alexnet", "zfnet", "ALEXNET_CFGS", "ZFNET_CFGS"]

ALEXNET_CFGS = {
    # 227 → conv1 55 → pool 27 → conv2 27 → pool 13 → conv3·4·5 13 → pool 6
    "paper": [("C", 96, 11, 4, 0), "L", ("P", 3, 2), ("C", 256, 5, 1, 2, "g"), "L", ("P", 3, 2),
              ("C", 384, 3, 1, 1), ("C", 384, 3, 1, 1, "g"), ("C", 256, 3, 1, 1, "g"), ("P", 3, 2)],
    # 224 → 55 → 27 → 27 → 13 → 13 → 6
    "torchvision": [("C", 64, 11, 4, 2), ("P", 3, 2), ("C", 192, 5, 1, 2), ("P", 3, 2),
                    ("C", 384, 3, 1, 1), ("C", 256, 3, 1, 1), ("C", 256, 3, 1, 1), ("P", 3, 2)],
    # 28 → 28 → 14 → 14 → 7 → 7 → 3
    "small": [("C", 32, 5, 1, 2), "L", "M", ("C", 64, 3, 1, 1, "g"), "L", "M",
              ("C", 96, 3, 1, 1), ("C", 96, 3, 1, 1, "g"), ("C", 64, 3, 1, 1, "g"), "M"],
}

ZFNET_CFGS = {
    # 224 → conv1 110 → pool 55 → conv2 26 → pool 13 → 13 → pool 6
    "paper": [("C", 96, 7, 2, 1), "L", ("P", 3, 2, 1), ("C", 256, 5, 2, 0), "L", ("P", 3, 2, 1),
              ("C", 384, 3, 1, 1), ("C", 384, 3, 1, 1), ("C", 256, 3, 1, 1), ("P", 3, 2)],
    "wide": [("C", 96, 7, 2, 1), "L", ("P", 3, 2, 1), ("C", 256, 5, 2, 0), "L", ("P", 3, 2, 1),
             ("C", 512, 3, 1, 1), ("C", 1024, 3, 1, 1), ("C", 512, 3, 1, 1), ("P", 3, 2)],
    # AlexNet small의 conv1(5×5)을 3×3으로: 첫 층을 더 잘게 보는 ZFNet의 생각을 작게 옮김
    "small": [("C", 32, 3, 1, 1), "L", "M", ("C", 64, 3, 1, 1), "L", "M",
              ("C", 128, 3, 1, 1), ("C", 128, 3, 1, 1), ("C", 64, 3, 1, 1), "M"],
}

_ACTIVATIONS = {"relu": lambda: nn.ReLU(inplace=True), "tanh": nn.Tanh}


def _default(value, default):
    return default if value is None else value


def _resolve(cfg, groups: int, lrn: bool):
    """설정표의 그룹 자리표("g")를 채우고, ``lrn=False``면 "L"을 뺍니다."""
    out = []
    for item in cfg:
        if item == "L" and not lrn:
            continue
        if isinstance(item, tuple) and item[-1] == "g":
            item = (*item[:-1], groups)
        out.append(item)
    return out


def _build(name, cfgs, variant, *, in_channels, num_classes, groups, lrn, batch_norm, activation,
           dropout, hidden, pool_size, min_size):
    check_choice(variant, tuple(cfgs), "variant")
    check_choice(activation, tuple(_ACTIVATIONS), "activation")
    check_positive_int(in_channels, "in_channels")
    check_positive_int(num_classes, "num_classes")
    check_positive_int(groups, "groups")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout은 0 이상 1 미만이어야 합니다. 받은 값: {dropout!r}")
    cfg = _resolve(cfgs[variant], groups, lrn)
    ch = in_channels
    for item in cfg:  # 그룹 수가 입력·출력 채널 수를 나누는지 미리 확인 (PyTorch보다 먼저, 한국어로)
        if isinstance(item, tuple) and item[0] == "C":
            if len(item) > 5 and (item[1] % item[5] or ch % item[5]):
                raise ValueError(f"groups={item[5]}가 채널 수({ch}→{item[1]})를 나누지 못합니다. "
                                 f"(groups must divide the channel counts)")
            ch = item[1]
    features = make_features(cfg, in_channels, batch_norm=batch_norm, act=_ACTIVATIONS[activation])
    last = ch
    head = mlp_head(last * pool_size * pool_size, hidden, num_classes, dropout,
                    dropout_first=variant == "torchvision")
    model = ConvNet(features, head, pool_size)
    return guard_input(model, f"{name}({variant})", in_channels, min_size=min_size)


def alexnet(variant: str = "paper", in_channels: int | None = None, num_classes: int | None = None, *,
            groups: int | None = None, lrn: bool | None = None, batch_norm: bool = False,
            activation: str = "relu", dropout: float = 0.5) -> ConvNet:
    """AlexNet을 만듭니다.

    Parameters
    ----------
    variant : ``"paper"``, ``"torchvision"``, ``"small"``.
    in_channels, num_classes : 기본값은 ImageNet 형태면 3과 1000, ``"small"``이면 1과 10.
    groups : conv2·conv4·conv5의 그룹 수. 기본값은 ``"paper"``면 2(두 GPU), 그 밖에는 1.
        ``"torchvision"`` 설정표에는 그룹 자리가 없어 이 값을 쓰지 않습니다.
    lrn : 지역 응답 정규화를 넣을지. 기본값은 ``"paper"``면 True, 그 밖에는 False.
    batch_norm : 합성곱마다 배치 정규화를 넣을지 (AlexNet에는 없던 것, 비교 실험용).
    activation : ``"relu"`` 또는 ``"tanh"`` (8장의 ReLU 대 tanh 학습 속도 비교).
    """
    small = variant == "small"
    return _build(
        "AlexNet", ALEXNET_CFGS, variant,
        in_channels=_default(in_channels, 1 if small else 3), num_classes=_default(num_classes, 10 if small else 1000),
        groups=_default(groups, 2 if variant == "paper" else 1),
        lrn=(variant == "paper") if lrn is None else lrn,
        batch_norm=batch_norm, activation=activation, dropout=dropout,
        hidden=(256, 256) if small else (4096, 4096), pool_size=3 if small else 6,
        min_size=28 if small else 63)


def zfnet(variant: str = "wide", in_channels: int | None = None, num_classes: int | None = None, *,
          lrn: bool | None = None, batch_norm: bool = False, activation: str = "relu",
          dropout: float = 0.5) -> ConvNet:
    """ZFNet을 만듭니다. ``variant``는 ``"paper"``(384-384-256), ``"wide"``(512-1024-512), ``"small"``."""
    small = variant == "small"
    return _build(
        "ZFNet", ZFNET_CFGS, variant,
        in_channels=_default(in_channels, 1 if small else 3), num_classes=_default(num_classes, 10 if small else 1000),
        groups=1, lrn=(not small) if lrn is None else lrn,
        batch_norm=batch_norm, activation=activation, dropout=dropout,
        hidden=(256, 256) if small else (4096, 4096), pool_size=3 if small else 6,
        min_size=28 if small else 63)
