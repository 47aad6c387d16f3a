"""11장 ResNet의 연습문제 채점.

기대하는 답은 손으로 적어 두지 않고, 문제의 설정(아래 ``EX11_*`` 상수)에서
:mod:`cnnlib.models.resnet`의 블록과 모델로 그때그때 계산합니다(큰 모델은 ``meta`` 장치에서
만들어 모양만 따라갑니다). 상수는 11장 노트북의 문제 문장과 같아야 하며, 노트북의 숨은
테스트 셀이 이를 확인합니다.
"""

from __future__ import annotations

import math

from ._core import Verdict, as_function, as_int, as_int_tuple, as_number

__all__ = ["ex11_1", "ex11_2", "ex11_3", "ex11_4", "ex11_5"]

# 문제 11.1: ResNet-50 conv4_x의 병목 블록 Bottleneck(1024, 256)의 합성곱 가중치 수 (배치 정규화 제외)
EX11_1 = {"inplanes": 1024, "planes": 256}
# 문제 11.2: ResNet-50(torchvision 구조)에 3×160×160 입력을 넣었을 때 layer3 출력 한 장의 (C, H, W)
EX11_2 = {"name": "resnet50", "size": 160, "stage": "layer3"}
# 문제 11.3: 독자의 make_identity(block)를 시험할 사전 활성화 블록들 (채널, 입력 크기)
EX11_3 = {"cases": ((4, 5), (8, 3), (16, 4))}
# 문제 11.4: resnet_cifar(110, drop_path=0.5)를 학습할 때 한 표본에서 켜져 있는 잔차 블록 수의 기댓값
EX11_4 = {"depth": 110, "drop_path": 0.5}
# 문제 11.5: ResNeXt-50 32×4d 첫 단계의 가운데 3×3 그룹 합성곱 (128 → 128채널, 그룹 32, 편향 없음)의 매개변수
EX11_5 = {"channels": 128, "groups": 32, "kernel": 3}



def _conv_weights(module) -> list[int]:
    from torch import nn

    return [m.weight.numel() for m in module.modules() if isinstance(m, nn.Conv2d)]


def ex11_1(answer) -> Verdict:
    """11.1 병목 블록의 합성곱 가중치 수(정수)를 채점합니다."""
    import torch

    from ..models.resnet import Bottleneck

    got = as_int(answer, "11.1")
    c_in, planes = EX11_1["inplanes"], EX11_1["planes"]
    with torch.device("meta"):
        block = Bottleneck(c_in, planes)
    convs = _conv_weights(block)
    expected = sum(convs)
    if got == expected:
        return Verdict("11.1", True)
    bn = sum(p.numel() for n, p in block.named_parameters() if n.startswith("bn"))
    out = planes * Bottleneck.expansion
    if got == expected + bn:
        hint = "배치 정규화의 γ, β까지 셌습니다. 이 문제는 합성곱 가중치만 셉니다."
    elif got in (expected + 2 * planes + out, expected + planes + out):
        hint = "ResNet의 합성곱에는 편향이 없습니다(뒤의 배치 정규화가 그 역할을 합니다)."
    elif got == convs[0] + convs[2]:
        hint = "1×1 합성곱 두 개만 셌습니다. 가운데 3×3 합성곱도 더하세요."
    elif got == convs[1]:
        hint = "가운데 3×3 합성곱만 셌습니다. 앞뒤의 1×1 합성곱 두 개도 더하세요."
    elif got == convs[0] + convs[2] + planes * planes:
        hint = "가운데 합성곱은 3×3이므로 필터 하나가 입력 채널마다 가중치 9개를 가집니다."
    elif got in (2 * out * out * 9, 2 * c_in * c_in * 9):
        hint = "3×3 합성곱 두 개짜리 기본 블록을 1024채널에서 센 값입니다. 병목 블록은 1×1로 줄인 뒤 3×3을 합니다."
    elif got == 2 * c_in * planes + planes * planes * 9 * 4:
        hint = "가운데 3×3 합성곱은 줄인 채널(256)에서 같은 채널(256)로 갑니다."
    else:
        hint = ("1×1(1024→256), 3×3(256→256), 1×1(256→1024) 세 합성곱의 가중치를 "
                "C_out × C_in × K²로 각각 세어 더하세요.")
    return Verdict("11.1", False, hint)


def _ex11_2_shape(size: int, skip_maxpool: bool = False):
    import torch

    from ..models.resnet import resnet

    with torch.device("meta"):
        net = resnet(EX11_2["name"])
        x = torch.zeros(1, 3, size, size)
        x = net.relu(net.bn1(net.conv1(x)))
        if not skip_maxpool:
            x = net.maxpool(x)
        for name in net.stages:
            x = getattr(net, name)(x)
            if name == EX11_2["stage"]:
                return tuple(x.shape[1:])
    raise AssertionError("stage not found")  # pragma: no cover


def ex11_2(answer) -> Verdict:
    """11.2 ResNet-50의 layer3 출력 모양 ``(C, H, W)``를 채점합니다."""
    got = as_int_tuple(answer, 3, "11.2")
    expected = _ex11_2_shape(EX11_2["size"])
    if got == expected:
        return Verdict("11.2", True)
    c, h, w = expected
    if got[0] == c and got[1:] == _ex11_2_shape(EX11_2["size"], skip_maxpool=True)[1:]:
        hint = "채널은 맞습니다. 줄기에는 스트라이드 2인 7×7 합성곱 뒤에 스트라이드 2인 최대 풀링도 있습니다."
    elif got[0] == c and got[1:] == _ex11_2_shape(224)[1:]:
        hint = "채널은 맞지만 224×224 입력의 크기입니다. 이 문제의 입력은 160×160입니다."
    elif got[0] == c:
        hint = ("채널은 맞습니다. 줄기가 한 변을 1/4로 줄이고, layer2와 layer3의 첫 블록이 각각 "
                "스트라이드 2로 한 번 더 절반으로 줄입니다.")
    elif got[1:] == (h, w) and got[0] == c // 4:
        hint = "크기는 맞습니다. 병목 블록의 출력 채널은 가운데 채널의 4배(expansion)입니다."
    elif got[1:] == (h, w):
        hint = "크기는 맞습니다. 단계마다 가운데 채널은 64, 128, 256, 512이고 출력은 그 4배입니다."
    else:
        hint = ("줄기(7×7 합성곱 스트라이드 2 + 최대 풀링 스트라이드 2)가 한 변을 1/4로 줄이고, layer2와 layer3에서 "
                "한 번씩 더 절반이 됩니다. 채널은 병목 블록의 출력 채널(가운데 채널 × 4)입니다.")
    return Verdict("11.2", False, hint)


def ex11_3(make_identity) -> Verdict:
    """11.3 독자의 함수 ``make_identity(block)``이 사전 활성화 블록을 정확한 항등 함수로 만드는지 시험합니다."""
    as_function(make_identity, "11.3", "make_identity")
    import torch

    from ..models.resnet import PreActBlock

    generator = torch.Generator().manual_seed(11)
    for channels, size in EX11_3["cases"]:
        block = PreActBlock(channels, channels)
        with torch.no_grad():
            for name, p in block.named_parameters():
                if name.startswith("bn"):   # γ는 0.5~1.5, β는 양수로: γ만 0으로 만들면 β가 남습니다
                    p.copy_(torch.rand(p.shape, generator=generator) + 0.5)
                else:
                    p.copy_(torch.randn(p.shape, generator=generator) * 0.3)
            for bn in (block.bn1, block.bn2):
                bn.running_mean.copy_(torch.randn(channels, generator=generator))
                bn.running_var.copy_(torch.rand(channels, generator=generator) + 0.5)
        call = f"make_identity(PreActBlock({channels}, {channels}))"
        try:
            make_identity(block)
        except Exception as exc:  # 독자의 함수에서 난 오류를 힌트로 알려 줍니다.
            return Verdict("11.3", False, f"{call}에서 {type(exc).__name__} 오류가 났습니다: {exc}")
        if type(block) is not PreActBlock or "forward" in vars(block) or not block.shortcut:
            return Verdict("11.3", False, "블록의 구조(forward, shortcut)는 그대로 두고 가중치만 바꾸세요.")
        if block.drop_path:
            return Verdict("11.3", False, "drop_path는 그대로(0) 두세요. 가중치만 바꾸세요.")
        x = torch.randn(3, channels, size, size, generator=generator) * 2   # 음수도 들어 있는 입력
        with torch.no_grad():
            for mode in ("train", "eval"):
                getattr(block, mode)()
                out = block(x)
                if torch.allclose(out, x, atol=1e-6):
                    continue
                if torch.allclose(out, x.relu(), atol=1e-6):
                    hint = f"{call}: 출력이 ReLU(x)입니다. 사전 활성화 블록은 더한 뒤에 ReLU가 없어야 합니다."
                elif mode == "eval":
                    hint = (f"{call}: 학습 모드에서는 항등 함수지만 평가 모드에서는 아닙니다. 평가 모드의 배치 정규화는 "
                            "이동 평균 통계를 쓰므로, 미니배치 통계에 기대는 방법은 통하지 않습니다.")
                elif block.bn2.weight.abs().max() == 0:
                    hint = (f"{call}: bn2의 γ만 0으로 만들면 β가 남아 ReLU(β)가 conv2에 들어갑니다. "
                            "잔차 가지 F(x)의 출력이 정확히 0이 되게 하세요.")
                elif block.conv1.weight.abs().max() == 0:
                    hint = (f"{call}: conv1을 0으로 만들어도 bn2가 β를 더하므로 conv2의 입력이 0이 아닙니다. "
                            "잔차 가지의 마지막 층을 보세요.")
                else:
                    hint = (f"{call}: block(x)가 x와 다릅니다. 출력은 x + F(x)이므로, 잔차 가지 F(x)가 어떤 입력에서도 "
                            "정확히 0이 되도록 가중치를 바꾸세요.")
                return Verdict("11.3", False, hint)
    return Verdict("11.3", True)


def _ex11_4_rates():
    import torch

    from ..models.resnet import _Residual, resnet_cifar

    with torch.device("meta"):
        net = resnet_cifar(EX11_4["depth"], drop_path=EX11_4["drop_path"])
    return [m.drop_path for m in net.modules() if isinstance(m, _Residual)]


def ex11_4(answer) -> Verdict:
    """11.4 확률적 깊이에서 켜져 있는 잔차 블록 수의 기댓값(실수)을 채점합니다."""
    got = as_number(answer, "11.4")
    rates = _ex11_4_rates()
    blocks = len(rates)
    expected = sum(1 - p for p in rates)
    if math.isclose(got, expected, abs_tol=1e-6):
        return Verdict("11.4", True)
    p_last = EX11_4["drop_path"]
    paper_rule = sum(1 - p_last * (i + 1) / blocks for i in range(blocks))
    if math.isclose(got, blocks - expected, abs_tol=1e-6):
        hint = "꺼지는 블록 수의 기댓값입니다. 켜져 있는 블록 수를 구하세요."
    elif math.isclose(got, blocks * (1 - p_last), abs_tol=1e-6):
        hint = "모든 블록이 0.5의 확률로 꺼지는 것이 아닙니다. 꺼질 확률은 첫 블록 0에서 마지막 블록 0.5까지 늘어납니다."
    elif got in (blocks, EX11_4["depth"]):
        hint = "평가할 때는 모든 블록을 쓰지만, 학습할 때는 블록마다 확률적으로 잔차 가지를 끕니다."
    elif math.isclose(got, paper_rule, abs_tol=1e-6):
        hint = ("논문의 번호 매김(l = 1…L, p_l = l/L × 0.5)입니다. 본문의 규칙은 블록 번호 l = 0…L−1에 "
                "p_l = 0.5 × l/(L−1)입니다.")
    elif got in (EX11_4["depth"] * (1 - p_last / 2), (EX11_4["depth"] - 2) * (1 - p_last / 2)):
        hint = "층 수가 아니라 잔차 블록 수를 세세요. 6n+2층 망에는 블록이 3n개 있습니다."
    else:
        hint = ("잔차 블록 수 L을 먼저 세고(6n+2층 망에는 3n개), 블록 l(0…L−1)이 켜져 있을 확률 1 − 0.5·l/(L−1)을 "
                "모두 더하세요(기댓값의 선형성).")
    return Verdict("11.4", False, hint)


def ex11_5(answer) -> Verdict:
    """11.5 그룹 합성곱의 매개변수 수(정수)를 채점합니다."""
    import torch
    from torch import nn

    got = as_int(answer, "11.5")
    c, g, k = EX11_5["channels"], EX11_5["groups"], EX11_5["kernel"]
    with torch.device("meta"):
        expected = nn.Conv2d(c, c, k, padding=k // 2, groups=g, bias=False).weight.numel()
        dense = nn.Conv2d(c, c, k, padding=k // 2, bias=False).weight.numel()
    if got == expected:
        return Verdict("11.5", True)
    if got == dense:
        hint = "그룹이 없는 보통 합성곱의 값입니다. 그룹 합성곱의 필터는 자기 그룹의 입력 채널만 봅니다."
    elif got == dense // (g * g):
        hint = "그룹 수로 두 번 나누었습니다. 출력 채널 수(필터 수)는 그대로이고, 필터 하나가 보는 입력 채널만 1/g이 됩니다."
    elif got in (expected + c, dense + c):
        hint = "ResNeXt의 합성곱에는 편향이 없습니다."
    elif got in (expected // (k * k), dense // (k * k)):
        hint = "3×3 커널이므로 입력 채널 하나에 가중치가 9개입니다."
    elif got == (c // g) * (c // g) * k * k:
        hint = "그룹 하나의 가중치만 셌습니다. 그룹이 32개 있습니다."
    else:
        hint = "그룹 합성곱의 가중치 = C_out × (C_in / g) × K²입니다."
    return Verdict("11.5", False, hint)
