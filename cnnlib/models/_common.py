"""모델 파일들이 함께 쓰는 조각: 인자 검사, 입력 검사, 설정표로 층 만들기, 분류기 머리.

설정표(config table)는 torchvision의 ``vgg.py``처럼 층을 짧은 기호의 목록으로 적은 것입니다.
:func:`make_features`가 그 목록을 ``nn.Sequential``로 바꿉니다.

=========================  ==============================================================
기호                        만들어지는 층
=========================  ==============================================================
``64`` (정수)               3×3 합성곱(패딩 1) → [배치 정규화] → ReLU  (VGG의 기본 층)
``"M"``                     2×2 최대 풀링(스트라이드 2)
``"L"``                     지역 응답 정규화 (AlexNet 논문의 값)
``("C", 출력, K, S, P)``     K×K 합성곱(스트라이드 S, 패딩 P) → [배치 정규화] → ReLU
``("C", 출력, K, S, P, G)``  위와 같되 그룹 수 G (AlexNet의 두 GPU 나눔)
``("P", K, S)``             K×K 최대 풀링, 스트라이드 S (``("P", K, S, P)``면 패딩 P)
=========================  ==============================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from torch import nn

__all__ = ["check_choice", "check_positive_int", "check_variant", "guard_input", "make_features", "mlp_head", "lrn"]


def check_choice(value, choices, what: str):
    """``value``가 ``choices`` 가운데 하나인지 확인하고 그대로 돌려줍니다."""
    if value not in choices:
        names = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{what}은(는) {names} 가운데 하나여야 합니다. 받은 값: {value!r} "
                         f"(unknown {what}: {value!r})")
    return value


def check_positive_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what}은(는) 1 이상의 정수여야 합니다. 받은 값: {value!r} "
                         f"({what} must be a positive int)")
    return value


def check_variant(variant, choices, in_channels, num_classes) -> tuple[bool, int, int]:
    """변형 이름을 확인하고 입출력 크기의 기본값을 채웁니다: ``(small, in_channels, num_classes)``.

    ``"small"`` 변형은 흑백 28×28 이미지 10클래스(1, 10), 그 밖에는 ImageNet(3, 1000)이 기본값입니다.
    """
    check_choice(variant, tuple(choices), "variant")
    small = variant == "small"
    in_channels = (1 if small else 3) if in_channels is None else in_channels
    num_classes = (10 if small else 1000) if num_classes is None else num_classes
    check_positive_int(in_channels, "in_channels")
    check_positive_int(num_classes, "num_classes")
    return small, in_channels, num_classes


class _InputGuard:
    """모델에 들어오는 입력의 모양을 검사하는 forward pre-hook.

    흔한 실수(채널 수가 틀림, 배치 차원이 없음, 너무 작은 이미지)를 PyTorch 깊은 곳의
    오류 대신 한국어 한 줄로 알려 줍니다. 함수가 아니라 클래스인 것은 ``copy.deepcopy``와
    ``pickle``이 되게 하려는 것입니다.
    """

    def __init__(self, name: str, in_channels: int, min_size: int, exact_size: int | None = None):
        self.name, self.in_channels, self.min_size = name, in_channels, min_size
        self.exact_size = exact_size

    def __call__(self, module, args):
        if not args:
            return None
        x = args[0]
        shape = tuple(getattr(x, "shape", ()))
        if getattr(x, "ndim", None) != 4:
            raise ValueError(
                f"{self.name}의 입력은 (배치, 채널, 높이, 너비) 4차원 텐서여야 합니다. 받은 모양: {shape} "
                "— 이미지 한 장이면 x.unsqueeze(0)으로 배치 차원을 붙이세요. "
                f"({self.name} expects a 4-D input (N, C, H, W), got shape {shape})")
        if shape[1] != self.in_channels:
            raise ValueError(
                f"{self.name}의 입력 채널 수가 맞지 않습니다: 기대 {self.in_channels}, 받은 {shape[1]} "
                f"(모양 {shape}). 흑백이면 in_channels=1, 컬러면 3으로 모델을 만드세요. "
                f"({self.name} expects {self.in_channels} input channels, got {shape[1]})")
        if self.exact_size is not None and shape[2:] != (self.exact_size, self.exact_size):
            raise ValueError(
                f"{self.name}는 {self.exact_size}×{self.exact_size} 이미지를 받도록 만들어졌습니다. "
                f"받은 크기: {shape[2]}×{shape[3]}. 다른 크기라면 input_size를 맞춰 모델을 다시 만드세요. "
                f"({self.name} expects {self.exact_size}x{self.exact_size} inputs, got {shape[2]}x{shape[3]})")
        if min(shape[2], shape[3]) < self.min_size:
            raise ValueError(
                f"{self.name}에 넣은 이미지가 너무 작습니다: {shape[2]}×{shape[3]}. "
                f"적어도 {self.min_size}×{self.min_size}이어야 합니다. "
                f"({self.name} needs inputs of at least {self.min_size}x{self.min_size})")
        return None


def guard_input(model: nn.Module, name: str, in_channels: int, min_size: int = 1,
                exact_size: int | None = None) -> nn.Module:
    """``model``에 입력 검사를 붙이고 그대로 돌려줍니다 (:class:`_InputGuard`)."""
    model.register_forward_pre_hook(_InputGuard(name, in_channels, min_size, exact_size))
    return model


def lrn() -> nn.LocalResponseNorm:
    """AlexNet 논문의 지역 응답 정규화: n=5, α=1e-4, β=0.75, k=2.

    PyTorch의 ``LocalResponseNorm``은 α를 n으로 나눠 쓰므로(α/n·Σa²), 논문의 식
    (α·Σa²)과 같아지려면 ``alpha=α·n = 5e-4``를 넘겨야 합니다.
    """
    return nn.LocalResponseNorm(size=5, alpha=5e-4, beta=0.75, k=2.0)


def _conv(in_ch, out_ch, k, s, p, groups, batch_norm, act):
    layers = [nn.Conv2d(in_ch, out_ch, k, stride=s, padding=p, groups=groups)]
    if batch_norm:
        layers.append(nn.BatchNorm2d(out_ch))
    layers.append(act())
    return layers


relu = partial(nn.ReLU, inplace=True)


def make_features(cfg: Sequence, in_channels: int, batch_norm: bool = False, act=relu) -> nn.Sequential:
    """설정표 ``cfg``(이 모듈 맨 위의 표)를 층의 목록 ``nn.Sequential``로 바꿉니다."""
    layers: list[nn.Module] = []
    ch = in_channels
    for item in cfg:
        if isinstance(item, int):
            layers += _conv(ch, item, 3, 1, 1, 1, batch_norm, act)
            ch = item
        elif item == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        elif item == "L":
            layers.append(lrn())
        elif isinstance(item, tuple) and item[0] == "C":
            out, k, s, p, *rest = item[1:]
            layers += _conv(ch, out, k, s, p, rest[0] if rest else 1, batch_norm, act)
            ch = out
        elif isinstance(item, tuple) and item[0] == "P":
            k, s, *rest = item[1:]
            layers.append(nn.MaxPool2d(kernel_size=k, stride=s, padding=rest[0] if rest else 0))
        else:
            raise ValueError(f"설정표에 모르는 항목이 있습니다: {item!r} (unknown config item)")
    return nn.Sequential(*layers)


def mlp_head(in_features: int, hidden: Sequence[int], num_classes: int, dropout: float = 0.5,
             dropout_first: bool = False) -> nn.Sequential:
    """완전 연결 층 머리: (Linear → ReLU → Dropout) × len(hidden) → Linear.

    ``dropout_first=True``면 torchvision AlexNet처럼 드롭아웃을 각 Linear 앞에 둡니다
    (Dropout → Linear → ReLU). 어느 쪽이든 매개변수 수는 같습니다.
    """
    layers: list[nn.Module] = []
    n = in_features
    for h in hidden:
        if dropout_first:
            layers += [nn.Dropout(dropout), nn.Linear(n, h), nn.ReLU(inplace=True)]
        else:
            layers += [nn.Linear(n, h), nn.ReLU(inplace=True), nn.Dropout(dropout)]
        n = h
    layers.append(nn.Linear(n, num_classes))
    return nn.Sequential(*layers)


class ConvNet(nn.Module):
    """특징 추출부(``features``) → 풀링(``avgpool``) → 펼치기 → 분류기(``classifier``).

    torchvision의 AlexNet·VGG와 같은 속성 이름을 써서, 구조가 같으면 torchvision의
    ``state_dict``(사전 학습된 가중치 포함)를 그대로 불러올 수 있습니다.
    """

    def __init__(self, features: nn.Module, classifier: nn.Module, pool_size: int | None):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d(pool_size) if pool_size else nn.Identity()
        self.classifier = classifier

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(x.flatten(1))
