"""VGGNet (Simonyan & Zisserman, 2014, "Very deep convolutional networks for large-scale image recognition").

모든 합성곱이 3×3(패딩 1, 스트라이드 1)이고, 2×2 최대 풀링으로 크기를 반으로 줄일 때마다
채널 수를 두 배로 늘립니다(최대 512). 논문 표 1의 설정 A·B·D·E가 VGG-11·13·16·19이고,
설정표의 정수는 3×3 합성곱의 출력 채널 수, ``"M"``은 최대 풀링입니다.

``batch_norm=True``는 torchvision의 ``vgg16_bn`` 등과 같습니다(배치 정규화는 VGG 논문
뒤에 나왔습니다). ImageNet 설정의 매개변수 수와 ``state_dict``는 torchvision과 똑같습니다.

``"small"``은 28×28/32×32 흑백 이미지용: 단계 셋(3×3 합성곱 둘 + 풀링), 채널 16→32→64,
완전 연결 256-256.
"""

from __future__ import annotations

from ._common import ConvNet, check_variant, guard_input, make_features, mlp_head

__all__ = ["vgg", "VGG_CFGS", "VGG_DEPTHS"]

VGG_CFGS = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
          512, 512, 512, 512, "M"],
    "small": [16, 16, "M", 32, 32, "M", 64, 64, "M"],
}

# 가중치가 있는 층 수(합성곱 + 완전 연결 3) → 설정 이름
VGG_DEPTHS = {11: "A", 13: "B", 16: "D", 19: "E"}


def vgg(variant: int | str = 16, batch_norm: bool = False, in_channels: int | None = None,
        num_classes: int | None = None, dropout: float = 0.5) -> ConvNet:
    """VGG를 만듭니다. ``variant``는 11·13·16·19 (또는 논문의 "A"·"B"·"D"·"E"), 또는 ``"small"``."""
    variant = VGG_DEPTHS.get(variant, variant) if not isinstance(variant, bool) else variant
    small, in_channels, num_classes = check_variant(variant, tuple(VGG_CFGS), in_channels, num_classes)
    cfg = VGG_CFGS[variant]
    features = make_features(cfg, in_channels, batch_norm=batch_norm)
    pool = 3 if small else 7
    last = [c for c in cfg if isinstance(c, int)][-1]
    head = mlp_head(last * pool * pool, (256, 256) if small else (4096, 4096), num_classes, dropout)
    depth = {v: k for k, v in VGG_DEPTHS.items()}.get(variant, variant)
    name = f"VGG-{depth}{'-BN' if batch_norm else ''}"
    return guard_input(ConvNet(features, head, pool), name, in_channels, min_size=28 if small else 32)
