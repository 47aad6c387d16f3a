"""cnnlib.visualize: 특징 맵 모으기(activations)와 가림 민감도(occlusion_sensitivity)."""

import math

import pytest
import torch
from torch import nn

from cnnlib import visualize
from cnnlib.visualize import activations, occlusion_sensitivity


def sigmoid(v):
    return 1 / (1 + math.exp(-v))


def quadrant_model():
    """4×4 흑백 입력. 클래스 0의 로짓 = 0.5 × (왼쪽 위 2×2 칸의 합), 클래스 1의 로짓 = 0.

    클래스가 둘이므로 클래스 0의 확률은 sigmoid(로짓 0)입니다.
    """
    linear = nn.Linear(16, 2, bias=False)
    with torch.no_grad():
        linear.weight.zero_()
        mask = torch.zeros(4, 4)
        mask[:2, :2] = 0.5
        linear.weight[0] = mask.flatten()
    return nn.Sequential(nn.Flatten(), linear)


def test_lazy_submodule():
    import cnnlib

    assert cnnlib.visualize is visualize and "visualize" in dir(cnnlib)


def test_occlusion_matches_hand_computation_stride_2():
    # 조각 2×2, 스트라이드 2 → 위치 4개. 왼쪽 위 조각만 로짓을 2에서 0으로 바꿉니다.
    out = occlusion_sensitivity(quadrant_model(), torch.ones(1, 4, 4), target=0, patch=2, stride=2, fill=0.0)
    expected = torch.tensor([[sigmoid(2) - 0.5, 0.0], [0.0, 0.0]])
    torch.testing.assert_close(out, expected)


def test_occlusion_matches_hand_computation_stride_1():
    # 조각이 가리는 '중요한 칸'(왼쪽 위 2×2) 수 n에 따라 로짓이 2 − 0.5n이 됩니다.
    out = occlusion_sensitivity(quadrant_model(), torch.ones(4, 4)[None], target=0, patch=2, stride=1)
    covered = torch.tensor([[4, 2, 0], [2, 1, 0], [0, 0, 0]])
    expected = torch.tensor([[sigmoid(2) - sigmoid(2 - 0.5 * n) for n in row] for row in covered.tolist()])
    assert out.shape == (3, 3)
    torch.testing.assert_close(out, expected)
    # 클래스 1의 확률은 반대로 오릅니다: 떨어진 양은 음수이고 크기가 같습니다.
    other = occlusion_sensitivity(quadrant_model(), torch.ones(1, 4, 4), target=1, patch=2, stride=1)
    torch.testing.assert_close(other, -expected)


def test_occlusion_matches_a_plain_loop_on_a_small_cnn():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 7 * 9, 5))
    image = torch.randn(3, 7, 9)
    fill, patch, stride, target = -0.3, 3, 2, 2
    with torch.no_grad():
        base = model(image[None]).softmax(1)[0, target]
        loop = torch.zeros(3, 4)
        for i, top in enumerate(range(0, 7 - patch + 1, stride)):
            for j, left in enumerate(range(0, 9 - patch + 1, stride)):
                x = image.clone()
                x[:, top:top + patch, left:left + patch] = fill   # 모든 채널을 가립니다
                loop[i, j] = base - model(x[None]).softmax(1)[0, target]
    for batch_size in (1, 5, 256):   # 몇 장씩 모아 넣든 결과는 같습니다
        out = occlusion_sensitivity(model, image, target, patch=patch, stride=stride, fill=fill,
                                    batch_size=batch_size)
        torch.testing.assert_close(out, loop)


def test_occlusion_restores_training_mode_and_uses_eval_mode():
    model = nn.Sequential(nn.Flatten(), nn.Dropout(0.9), nn.Linear(16, 3)).train()
    a = occlusion_sensitivity(model, torch.ones(1, 4, 4), 0, patch=2, stride=2)
    b = occlusion_sensitivity(model, torch.ones(1, 4, 4), 0, patch=2, stride=2)
    torch.testing.assert_close(a, b)      # 드롭아웃이 꺼져 있었으므로 두 번의 결과가 같습니다
    assert model.training and model[1].training


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"model": "net"}, TypeError, "nn.Module"),
    ({"image": [[1.0]]}, TypeError, "torch.Tensor"),
    ({"image": torch.ones(4, 4)}, ValueError, "(C, H, W)"),
    ({"image": torch.ones(2, 1, 4, 4)}, ValueError, "(C, H, W)"),
    ({"target": 2}, ValueError, "target"),
    ({"target": 0.5}, TypeError, "target"),
    ({"target": True}, TypeError, "target"),
    ({"patch": 5}, ValueError, "이미지(4×4)보다 큽니다"),
    ({"patch": 0}, ValueError, "patch"),
    ({"stride": 1.5}, ValueError, "stride"),
    ({"fill": "gray"}, TypeError, "fill"),
    ({"batch_size": 0}, ValueError, "batch_size"),
])
def test_occlusion_bad_inputs(kwargs, error, message):
    args = {"model": quadrant_model(), "image": torch.ones(1, 4, 4), "target": 0, "patch": 2, "stride": 2}
    args.update(kwargs)
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        occlusion_sensitivity(**args)


def test_occlusion_accepts_integer_tensor_target():
    out = occlusion_sensitivity(quadrant_model(), torch.ones(1, 4, 4), torch.tensor(0), patch=2, stride=2)
    assert out[0, 0] > 0


def small_net():
    torch.manual_seed(1)
    return nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU(inplace=True), nn.Conv2d(3, 2, 3), nn.ReLU(inplace=True))


def test_activations_by_type_keep_pre_relu_values():
    net = small_net()
    x = torch.randn(2, 1, 8, 8)
    maps = activations(net, x, [nn.Conv2d])
    assert list(maps) == ["0", "2"]
    with torch.no_grad():
        first = net[0](x)
        second = net[2](torch.relu(first))
    torch.testing.assert_close(maps["0"], first)        # ReLU(inplace=True)가 덮어쓰기 전의 값
    torch.testing.assert_close(maps["2"], second)
    assert (maps["0"] < 0).any() and not maps["0"].requires_grad


def test_activations_by_name_and_mixed():
    net = small_net()
    x = torch.randn(1, 1, 8, 8)
    maps = activations(net, x, "1")
    assert list(maps) == ["1"] and (maps["1"] >= 0).all() and maps["1"].shape == (1, 3, 6, 6)
    mixed = activations(net, x, ["3", nn.Conv2d])
    assert list(mixed) == ["0", "2", "3"]          # 불린 순서대로


def test_activations_reused_layer_and_modes():
    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 1, 1)
            self.drop = nn.Dropout(0.5)

        def forward(self, x):
            return self.drop(self.conv(self.conv(x)))

    net = Twice().train()
    maps = activations(net, torch.ones(1, 1, 2, 2), [nn.Conv2d, "drop"])
    assert list(maps) == ["conv", "conv:2", "drop"]
    torch.testing.assert_close(maps["drop"], maps["conv:2"])     # 평가 모드라 드롭아웃은 그대로 통과
    assert net.training and net.drop.training


@pytest.mark.parametrize(("layers", "error", "message"), [
    ([], ValueError, "비어"),
    (["features.9"], ValueError, "층이 없습니다"),
    (["O"], ValueError, "층이 없습니다"),
    ([nn.Linear], ValueError, "Linear"),
    ([3], TypeError, "층 이름"),
    (5, TypeError, "layers"),
])
def test_activations_bad_layers(layers, error, message):
    with pytest.raises(error, match=message):
        activations(small_net(), torch.zeros(1, 1, 8, 8), layers)


def test_activations_suggests_close_names():
    net = nn.Sequential()
    net.add_module("features", nn.Sequential(nn.Conv2d(1, 1, 1), nn.ReLU()))
    with pytest.raises(ValueError, match="혹시 features.1"):
        activations(net, torch.zeros(1, 1, 2, 2), ["features.l"])


def test_activations_bad_model_and_input():
    with pytest.raises(TypeError, match="nn.Module"):
        activations(lambda x: x, torch.zeros(1), [nn.ReLU])
    with pytest.raises(TypeError, match="torch.Tensor"):
        activations(small_net(), [[0.0]], [nn.ReLU])
