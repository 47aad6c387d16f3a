"""cnnlib.cost: per-layer shapes, memory, parameters and MACs against PyTorch's own counters.

``torch.utils.flop_counter.FlopCounterMode`` counts FLOPs = 2 × MACs for convolutions and matrix
products and nothing for pooling, activations or normalization; cnnlib counts MACs by the book's
formulas with the same convention, so cnnlib MACs × 2 must equal its total exactly.
"""

from __future__ import annotations

import re

import pytest
import torch
import torchvision
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from cnnlib import cost

HANGUL = r"[가-힣]"
PROPERTY = settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def torch_flops(model: nn.Module, input_size) -> int:
    first = next(model.parameters(), None)
    device = first.device if first is not None else torch.device("cpu")
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(torch.zeros(input_size, device=device))
    return counter.get_total_flops()


# ---------------------------------------------------------------- single layers
@st.composite
def conv_layers(draw):
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 3)), groups * draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    h = max(1, dilation[0] * (kh - 1) + 1 - 2 * padding[0]) + draw(st.integers(0, 8))
    w = max(1, dilation[1] * (kw - 1) + 1 - 2 * padding[1]) + draw(st.integers(0, 8))
    layer = nn.Conv2d(c_in, c_out, (kh, kw), stride=stride, padding=padding, dilation=dilation,
                      groups=groups, bias=draw(st.booleans()))
    return layer, (draw(st.integers(1, 2)), c_in, h, w)


@PROPERTY
@given(conv_layers())
def test_conv2d_row_matches_torch(case):
    layer, size = case
    (row,) = cost.layer_table(layer, size)
    out = layer(torch.zeros(size))
    assert row.output_shape == tuple(out.shape)
    assert row.memory_kb == out.numel() * 4 / 1024
    assert row.params == sum(p.numel() for p in layer.parameters())
    assert 2 * row.macs == torch_flops(layer, size)
    # 책의 공식: C_out·H_out·W_out·(C_in/groups)·K_h·K_w (배치의 이미지마다)
    n, c_out, h_out, w_out = out.shape
    k_h, k_w = layer.kernel_size
    assert row.macs == n * c_out * h_out * w_out * (layer.in_channels // layer.groups) * k_h * k_w


@pytest.mark.parametrize(
    ("layer", "size"),
    [
        (nn.Conv1d(4, 6, 3, stride=2, padding=1, groups=2), (2, 4, 17)),
        (nn.Conv3d(2, 3, (1, 3, 3), padding=(0, 1, 1)), (1, 2, 4, 8, 8)),
        (nn.Conv2d(32, 32, 3, padding=1, groups=32), (1, 32, 14, 14)),  # 깊이별 합성곱
        (nn.Conv2d(64, 16, 1), (1, 64, 28, 28)),  # 1×1 합성곱
        (nn.Linear(784, 10), (1, 784)),
        (nn.Linear(20, 30, bias=False), (4, 20)),
        (nn.Linear(8, 5), (2, 7, 8)),  # 3차원 입력: 앞의 차원마다 같은 Linear
    ],
    ids=["conv1d-groups", "conv3d", "depthwise", "pointwise", "linear", "linear-nobias-batch4", "linear-3d"],
)
def test_other_layers_match_torch(layer, size):
    (row,) = cost.layer_table(layer, size)
    assert 2 * row.macs == torch_flops(layer, size)
    assert row.params == sum(p.numel() for p in layer.parameters())


def test_hand_computed_values():
    # 노트의 공식: 매개변수 = C_out·C_in·K·K + C_out, MAC = C_out·H_out·W_out·C_in·K·K, 메모리 = 출력 × 4 / 1024 KB
    (row,) = cost.layer_table(nn.Conv2d(3, 64, 11, stride=4, padding=2), (1, 3, 224, 224))
    assert row.output_shape == (1, 64, 55, 55)
    assert row.params == 64 * 3 * 11 * 11 + 64 == 23_296
    assert row.macs == 64 * 55 * 55 * 3 * 11 * 11 == 70_276_800
    assert row.memory_kb == 64 * 55 * 55 * 4 / 1024
    (fc,) = cost.layer_table(nn.Linear(9216, 4096), (1, 9216))
    assert fc.macs == 9216 * 4096 and fc.params == 9216 * 4096 + 4096


def test_pooling_activation_and_norm_count_zero_macs():
    model = nn.Sequential(nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.AvgPool2d(2), nn.Dropout(),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten())
    rows = cost.layer_table(model, (1, 4, 16, 16))
    assert [r.kind for r in rows] == ["BatchNorm2d", "ReLU", "MaxPool2d", "AvgPool2d", "Dropout",
                                      "AdaptiveAvgPool2d", "Flatten"]
    assert all(r.macs == 0 for r in rows) and torch_flops(model, (1, 4, 16, 16)) == 0
    assert rows[0].params == 8  # 배치 정규화의 γ와 β
    assert [r.output_shape for r in rows][-3:] == [(1, 4, 4, 4), (1, 4, 1, 1), (1, 4)]


# ---------------------------------------------------------------- whole models
MODELS = ["resnet18", "vgg16", "mobilenet_v2", "alexnet"]


@pytest.mark.parametrize("name", MODELS)
def test_torchvision_models_match_flop_counter(name):
    with torch.device("meta"):  # 모양만 계산: 가중치를 만들지 않아 빠릅니다
        model = getattr(torchvision.models, name)(weights=None)
    rows = cost.layer_table(model, (1, 3, 224, 224))
    total = sum(r.macs for r in rows)
    assert 2 * total == torch_flops(model, (1, 3, 224, 224))
    assert total == cost.total_macs(model)
    assert sum(r.params for r in rows) == cost.count_parameters(model) == sum(p.numel() for p in model.parameters())


def test_known_parameter_counts():
    with torch.device("meta"):
        assert cost.count_parameters(torchvision.models.vgg16()) == 138_357_544
        assert cost.count_parameters(torchvision.models.alexnet()) == 61_100_840
        assert cost.count_parameters(torchvision.models.resnet18()) == 11_689_512


def test_meta_and_cpu_agree_and_batch_scales():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(8 * 8 * 8, 10))
    on_cpu = cost.layer_table(model, (1, 3, 16, 16))
    with torch.device("meta"):
        meta_model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                   nn.Linear(8 * 8 * 8, 10))
    assert cost.layer_table(meta_model, (1, 3, 16, 16)) == on_cpu
    batch4 = cost.layer_table(model, (4, 3, 16, 16))
    assert [4 * r.macs for r in on_cpu] == [r.macs for r in batch4]
    assert [4 * r.memory_kb for r in on_cpu] == [r.memory_kb for r in batch4]
    assert [r.params for r in on_cpu] == [r.params for r in batch4]


def test_reused_layer_counts_macs_each_call_and_params_once():
    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(4, 4, 3, padding=1)

        def forward(self, x):
            return self.conv(self.conv(x))

    model = Twice()
    rows = cost.layer_table(model, (1, 4, 8, 8))
    assert [r.name for r in rows] == ["conv", "conv"]
    assert [r.params for r in rows] == [4 * 4 * 9 + 4, 0]
    assert 2 * sum(r.macs for r in rows) == torch_flops(model, (1, 4, 8, 8))


def test_model_is_left_as_it_was():
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Dropout())
    model.train()
    model[2].eval()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    cost.layer_table(model, (1, 3, 8, 8))
    assert model.training and model[1].training and not model[2].training
    assert all(not m._forward_hooks for m in model.modules())
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())  # 통계도 그대로


def test_batchnorm_model_runs_with_batch_one():
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.BatchNorm1d(4))
    model.train()
    assert len(cost.layer_table(model, (1, 3, 8, 8))) == 4


def test_print_table(capsys):
    rows = cost.layer_table(nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 6 * 6, 10)),
                            (1, 3, 8, 8))
    cost.print_table(rows, title="작은 모델")
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[0] == "작은 모델"
    for column in ("층", "출력 모양", "메모리(KB)", "매개변수", "MAC"):
        assert column in lines[1]
    assert "8×6×6" in text and "0 (Conv2d)" in text and "3 (Linear)" in text
    assert lines[-1].startswith("합계") and f"{sum(r.macs for r in rows):,}" in lines[-1]
    assert f"{sum(r.params for r in rows):,}" in lines[-1]


# ---------------------------------------------------------------- bad inputs
CONV = nn.Conv2d(3, 4, 3)
BAD = [
    ("model-not-module", TypeError, lambda: cost.layer_table("resnet18")),
    ("model-function", TypeError, lambda: cost.layer_table(torchvision.models.resnet18)),
    ("count-not-module", TypeError, lambda: cost.count_parameters([1, 2, 3])),
    ("size-int", TypeError, lambda: cost.layer_table(CONV, 224)),
    ("size-string", TypeError, lambda: cost.layer_table(CONV, "1,3,8,8")),
    ("size-empty", ValueError, lambda: cost.layer_table(CONV, ())),
    ("size-float", TypeError, lambda: cost.layer_table(CONV, (1, 3, 8.0, 8))),
    ("size-zero", ValueError, lambda: cost.layer_table(CONV, (1, 3, 0, 8))),
    ("size-negative", ValueError, lambda: cost.layer_table(CONV, (1, 3, -8, 8))),
    ("wrong-channels", ValueError, lambda: cost.layer_table(CONV, (1, 1, 8, 8))),
    ("too-small", ValueError, lambda: cost.layer_table(CONV, (1, 3, 2, 2))),
    ("print-not-rows", TypeError, lambda: cost.print_table(CONV)),
    ("print-list-of-ints", TypeError, lambda: cost.print_table([1, 2])),
]


@pytest.mark.parametrize(("exc", "call"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_raises_korean_error(exc, call):
    with pytest.raises(exc) as info:
        call()
    assert type(info.value) is exc
    assert re.search(HANGUL, str(info.value)), f"no Korean in message: {info.value}"
