"""cnnlib.models의 현대 CNN(3부): ResNet 계열, DenseNet, MobileNet, SE·EfficientNet·Inception-ResNet."""

import pytest
import torch
import torchvision
from torch import nn

from cnnlib import models
from cnnlib.cost import count_parameters, total_macs
from cnnlib.models.mobilenet import MOBILENET_V1_CFG
from cnnlib.models.resnet import PreActBlock
from cnnlib.models.senet import InceptionResNetA, SEBlock

TWINS = {  # 이슈 #5가 요구하는 수 (None이면 torchvision과 같기만 하면 됨)
    "resnet18": 11_689_512, "resnet34": 21_797_672, "resnet50": 25_557_032, "resnext50_32x4d": 25_028_904,
    "wide_resnet50_2": 68_883_240, "densenet121": 7_978_856, "mobilenet_v2": 3_504_872,
    "efficientnet_b0": 5_288_548, "efficientnet_b1": None,
}


@pytest.mark.parametrize("name", list(TWINS))
def test_same_as_torchvision(name):
    with torch.device("meta"):
        ours = models.create(name)
        theirs = getattr(torchvision.models, name)(weights=None)
    assert count_parameters(ours) == count_parameters(theirs)
    if TWINS[name] is not None:
        assert count_parameters(ours) == TWINS[name]
    a, b = ours.state_dict(), theirs.state_dict()
    assert list(a) == list(b) and all(a[k].shape == b[k].shape for k in a)


@pytest.mark.parametrize("name", ["resnet18", "resnext50_32x4d", "densenet121", "mobilenet_v2", "efficientnet_b0"])
def test_same_outputs_with_torchvision_weights(name):
    torch.manual_seed(0)
    theirs = getattr(torchvision.models, name)(weights=None).eval()
    ours = models.create(name).eval()
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(ours(x), theirs(x), rtol=1e-4, atol=1e-5)


def _basic_block(c_in, c):
    return 9 * c_in * c + 2 * c + 9 * c * c + 2 * c


def test_cifar_resnet_counts_by_formula():
    """6n+2층 ResNet(선택지 A 지름길은 매개변수 0개). 논문 표 6: ResNet-20 0.27M, ResNet-56 0.85M."""
    for depth in (20, 56):
        n = (depth - 2) // 6
        expected = 3 * 16 * 9 + 2 * 16 + 64 * 10 + 10
        for c_prev, c in ((16, 16), (16, 32), (32, 64)):
            expected += _basic_block(c_prev, c) + (n - 1) * _basic_block(c, c)
        ours = count_parameters(models.resnet_cifar(depth, in_channels=3))
        assert ours == expected
        assert round(ours / 1e6, 2) == {20: 0.27, 56: 0.85}[depth]
        assert count_parameters(models.resnet_cifar(depth, in_channels=3, shortcut=False)) == expected


def test_zero_residual_branch_gives_identity_but_plain_gives_zero():
    """'최소 성능 보장': 잔차 가지 F(x)=0이면 ResNet 블록은 항등 함수, 평범한 망은 0이 됩니다."""
    torch.manual_seed(0)
    for shortcut in (True, False):
        model = models.resnet_cifar(20, shortcut=shortcut).eval()
        for block in model.layer1:
            nn.init.zeros_(block.bn2.weight)
            nn.init.zeros_(block.bn2.bias)
        x = torch.randn(2, 1, 28, 28)
        with torch.no_grad():
            stem = model.relu(model.bn1(model.conv1(x)))
            out = model.layer1(stem)
        if shortcut:
            torch.testing.assert_close(out, stem)
        else:
            assert out.abs().max() == 0


def test_resnet_variants_are_what_they_say():
    pre = models.create("preact_resnet20")
    assert all(isinstance(b, PreActBlock) for b in pre.layer2)
    se = models.create("se_resnet20")
    assert sum(isinstance(m, SEBlock) for m in se.modules()) == 9
    with torch.device("meta"):
        rx = models.create("resnext50_32x4d")
        wide = models.create("wide_resnet50_2")
    assert rx.layer1[0].conv2.groups == 32 and rx.layer1[0].conv2.out_channels == 128
    assert wide.layer1[0].conv2.out_channels == 128 and wide.layer1[0].conv3.out_channels == 256


def test_stochastic_depth_only_in_training():
    torch.manual_seed(0)
    model = models.resnet_cifar(20, drop_path=0.5)
    x = torch.randn(4, 1, 28, 28)
    model.train()
    outs = {model(x).sum().item() for _ in range(4)}
    assert len(outs) > 1, "학습 중에는 블록이 무작위로 꺼져야 합니다"
    model.eval()
    with torch.no_grad():
        assert torch.equal(model(x), model(x))


def test_mobilenet_v1_count_by_formula():
    expected = 3 * 32 * 9 + 2 * 32
    c_in = 32
    for c, _ in MOBILENET_V1_CFG:
        expected += 9 * c_in + 2 * c_in + c_in * c + 2 * c
        c_in = c
    expected += 1024 * 1000 + 1000
    with torch.device("meta"):
        assert count_parameters(models.mobilenet_v1()) == expected == 4_231_976


@pytest.mark.parametrize("channels", [32, 64, 256])
def test_depthwise_separable_saves_one_over_n_plus_one_ninth(channels):
    """깊이별 분리 합성곱 / 표준 3×3 합성곱의 MAC 비 = 1/N + 1/9 (N = 출력 채널)."""
    standard = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
    separable = nn.Sequential(nn.Conv2d(channels, channels, 3, padding=1, groups=channels, bias=False),
                              nn.Conv2d(channels, channels, 1, bias=False))
    size = (1, channels, 14, 14)
    ratio = total_macs(separable, size) / total_macs(standard, size)
    assert ratio == pytest.approx(1 / channels + 1 / 9)


def test_efficientnet_scales_grow_and_run():
    with torch.device("meta"):
        counts = [count_parameters(models.efficientnet(v)) for v in ("b0", "b1", "b2", "b3")]
        out = models.efficientnet("b0")(torch.empty(1, 3, 224, 224))
    assert counts == sorted(counts) and len(set(counts)) == 4
    assert tuple(out.shape) == (1, 1000)


def test_se_block_weights_are_between_zero_and_one():
    torch.manual_seed(0)
    se = SEBlock(32, reduction=4)
    x = torch.randn(2, 32, 5, 5)
    w = se.weights(x)
    assert w.shape == (2, 32, 1, 1) and (w > 0).all() and (w < 1).all()
    torch.testing.assert_close(se(x), x * w)


def test_inception_resnet_block_keeps_shape_and_adds_scaled_residual():
    torch.manual_seed(0)
    block = InceptionResNetA(64, scale=0.2).eval()
    x = torch.relu(torch.randn(2, 64, 9, 9))
    assert block(x).shape == x.shape
    nn.init.zeros_(block.conv.weight)
    nn.init.zeros_(block.conv.bias)
    torch.testing.assert_close(block(x), x)


SMALL = ["resnet20", "plain20", "preact_resnet20", "se_resnet20", "densenet_small", "mobilenet_v1_small",
         "mobilenet_v2_small"]


@pytest.mark.parametrize("name", SMALL)
@pytest.mark.parametrize("size", [28, 32])
def test_small_models_run_and_learn_one_step(name, size):
    torch.manual_seed(0)
    model = models.create(name)
    out = model(torch.randn(4, 1, size, size))
    assert tuple(out.shape) == (4, 10) and torch.isfinite(out).all()
    nn.functional.cross_entropy(out, torch.tensor([0, 1, 2, 3])).backward()
    assert all(p.grad is not None for p in model.parameters())


@pytest.mark.parametrize("name", ["resnet50", "resnet101", "densenet169", "mobilenet_v1", "wide_resnet50_2"])
def test_imagenet_models_run_on_224(name):
    with torch.device("meta"):
        out = models.create(name).eval()(torch.empty(1, 3, 224, 224))
    assert tuple(out.shape) == (1, 1000)


@pytest.mark.parametrize(("call", "pattern"), [
    (lambda: models.resnet_cifar(21), "6n\\+2"),
    (lambda: models.resnet("resnet19"), "name"),
    (lambda: models.resnet_cifar(20, drop_path=1.0), "drop_path"),
    (lambda: models.resnet_cifar(20, block="bottleneck"), "block"),
    (lambda: models.mobilenet_v2(width=0), "width"),
    (lambda: models.efficientnet("b9"), "variant"),
    (lambda: models.densenet("densenet100"), "variant"),
])
def test_bad_arguments(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_wrong_channels_for_resnet():
    with pytest.raises(ValueError, match="기대 1, 받은 3"):
        models.create("resnet20")(torch.zeros(1, 3, 32, 32))
