"""cnnlib.functional.receptive_field: the formula against a measurement with gradients.

The receptive field of an output unit is the set of input pixels that can change it, i.e. where
d out[unit] / d input is non-zero. With all weights set to one, no bias and no non-linearity,
nothing cancels, so the extent of the non-zero gradient (first to last non-zero pixel) is exactly
the receptive field the formula predicts.
"""

from __future__ import annotations

import re

import pytest
import torch
import torchvision
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

from cnnlib.functional import RFStep, receptive_field

HANGUL = r"[가-힣]"
PROPERTY = settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------- measurement
def ones_stack(specs) -> nn.Sequential:
    """Square layers from (kind, kernel, stride, dilation, padding), all weights one, no bias."""
    layers = []
    for kind, k, s, d, p in specs:
        if kind == "conv":
            conv = nn.Conv2d(1, 1, k, stride=s, dilation=d, padding=p, bias=False)
            nn.init.ones_(conv.weight)
            layers.append(conv)
        else:  # 평균 풀링의 기울기는 창 전체에 고르게 퍼집니다 (최대 풀링은 한 칸에만).
            layers.append(nn.AvgPool2d(k, stride=s, padding=p))
    return nn.Sequential(*layers).double()


def measured(model: nn.Module, size: int, unit: int | None = None) -> tuple[int, int]:
    """(first, last) input column whose gradient for output unit (unit, unit) is non-zero."""
    x = torch.zeros(1, 1, size, size, dtype=torch.float64, requires_grad=True)
    out = model(x)
    i = out.shape[-1] // 2 if unit is None else unit
    out[0, 0, i, i].backward()
    cols = torch.nonzero(x.grad[0, 0].abs().sum(dim=0)).flatten()
    rows = torch.nonzero(x.grad[0, 0].abs().sum(dim=1)).flatten()
    assert torch.equal(cols, rows)  # 정사각형 층이므로 가로와 세로가 같아야 합니다
    return int(cols[0]), int(cols[-1])


@st.composite
def stacks(draw):
    specs = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            k = draw(st.integers(1, 5))
            specs.append(("conv", k, draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(0, 2))))
        else:
            k = draw(st.integers(1, 4))
            specs.append(("avg", k, draw(st.integers(1, 3)), 1, draw(st.integers(0, k // 2))))
    return specs


def _size_with_unit_inside(model, steps) -> tuple[int, int]:
    """An input size and an output unit whose receptive field lies inside the input."""
    r, j, start = steps[-1].size, steps[-1].jump, steps[-1].start
    size = r + 2 * j + 2
    while True:
        with torch.no_grad():
            n_out = model(torch.zeros(1, 1, size, size, dtype=torch.float64)).shape[-1]
        for unit in range(n_out):
            first = start + unit * j
            if first >= 0 and first + r - 1 <= size - 1:
                return size, unit
        size += r


# ---------------------------------------------------------------- formula == gradients
@PROPERTY
@given(stacks())
def test_formula_matches_gradient_extent(specs):
    model = ones_stack(specs)
    steps = receptive_field(model, per_layer=True)
    size, unit = _size_with_unit_inside(model, steps)
    first, last = measured(model, size, unit)
    assert last - first + 1 == steps[-1].size == receptive_field(model)
    assert first == steps[-1].start + unit * steps[-1].jump


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("k", [3, 5])
def test_stacked_stride1_convs_grow_linearly(n, k):
    specs = [("conv", k, 1, 1, 0)] * n
    model = ones_stack(specs)
    first, last = measured(model, size=(k - 1) * n + 5)
    assert last - first + 1 == (k - 1) * n + 1 == receptive_field([(k, 1)] * n)


@pytest.mark.parametrize(
    "layers",
    [
        [(3, 1), (3, 1)],  # 두 3×3 = 5×5
        [(3, 1)] * 3,  # 세 3×3 = 7×7
        [(3, 2), (3, 2), (3, 2)],  # 스트라이드가 있으면 빠르게 자랍니다
        [(3, 1, 1), (3, 1, 2), (3, 1, 4)],  # 팽창 1, 2, 4
        [(7, 2, 1, 3), (3, 2, 1, 1), (3, 1, 1, 1)],  # ResNet 줄기 + 3×3
    ],
)
def test_tuple_layers_match_gradients(layers):
    specs = [("conv", *layer, *(1, 0)[len(layer) - 2 :]) for layer in layers]
    model = ones_stack(specs)
    steps = receptive_field(layers, per_layer=True)
    size, unit = _size_with_unit_inside(model, steps)
    first, last = measured(model, size, unit)
    assert last - first + 1 == receptive_field(layers)


# ---------------------------------------------------------------- known values
def test_known_values():
    assert receptive_field([(3, 1)]) == 3
    assert receptive_field([(3, 1), (3, 1)]) == 5 == receptive_field([(5, 1)])
    assert receptive_field([(3, 1)] * 3) == 7 == receptive_field([(7, 1)])
    assert receptive_field([(3, 1), (2, 2), (3, 1)]) == 8
    assert receptive_field([(3, 1, 2)]) == 5  # 팽창 2인 3×3 커널이 덮는 폭
    assert receptive_field([(1, 1)] * 10) == 1  # 1×1 합성곱은 수용 영역을 넓히지 않습니다


def test_per_layer_steps():
    steps = receptive_field([(3, 1), (2, 2), (3, 1, 1, 1)], per_layer=True)
    assert all(isinstance(s, RFStep) for s in steps)
    assert [s.size for s in steps] == [3, 4, 8]
    assert [s.jump for s in steps] == [1, 2, 2]
    assert [s.start for s in steps] == [0, 0, -2]
    assert steps[-1].padding == 1 and steps[0].dilation == 1


def test_torchvision_alexnet_and_vgg16():
    # 잘 알려진 값: AlexNet의 pool5는 195, VGG-16의 conv5_3은 196, pool5는 212.
    with torch.device("meta"):
        alexnet = torchvision.models.alexnet()
        vgg = torchvision.models.vgg16()
    assert receptive_field(alexnet.features) == 195
    assert receptive_field(alexnet) == 195  # classifier(Linear, Dropout)와 avgpool은 무시
    assert receptive_field(vgg.features[:-1]) == 196
    assert receptive_field(vgg.features) == 212


def test_module_ignores_other_layers_and_reads_modules_in_order():
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Dropout(), nn.Conv2d(8, 8, 3, dilation=2), nn.AvgPool2d(3, stride=1))
    expected = receptive_field([(3, 1), (2, 2), (3, 1, 2), (3, 1)])
    assert receptive_field(model) == expected
    names = [s.layer for s in receptive_field(model, per_layer=True)]
    assert len(names) == 4 and "Conv2d" in names[0] and "MaxPool2d" in names[1]


def test_mixed_sequence_of_tuples_and_modules():
    assert receptive_field([nn.Conv2d(1, 1, 3), (3, 1), nn.MaxPool2d(2)]) == receptive_field([(3, 1)] * 2 + [(2, 2)])


def test_maxpool_dilation_is_read():
    assert receptive_field(nn.MaxPool2d(3, stride=1, dilation=2)) == 5


# ---------------------------------------------------------------- bad inputs
BAD = [
    ("int", TypeError, lambda: receptive_field(3)),
    ("string", TypeError, lambda: receptive_field("3,1")),
    ("empty", ValueError, lambda: receptive_field([])),
    ("one-element-tuple", ValueError, lambda: receptive_field([(3,)])),
    ("five-element-tuple", ValueError, lambda: receptive_field([(3, 1, 1, 0, 9)])),
    ("kernel-zero", ValueError, lambda: receptive_field([(0, 1)])),
    ("stride-zero", ValueError, lambda: receptive_field([(3, 0)])),
    ("dilation-zero", ValueError, lambda: receptive_field([(3, 1, 0)])),
    ("padding-negative", ValueError, lambda: receptive_field([(3, 1, 1, -1)])),
    ("kernel-float", TypeError, lambda: receptive_field([(3.0, 1)])),
    ("kernel-bool", TypeError, lambda: receptive_field([(True, 1)])),
    ("item-not-tuple", TypeError, lambda: receptive_field([3, 1])),
    ("module-without-conv", ValueError, lambda: receptive_field(nn.Sequential(nn.ReLU(), nn.Linear(3, 3)))),
    ("non-square-kernel", ValueError, lambda: receptive_field(nn.Conv2d(1, 1, (3, 5)))),
    ("non-square-stride", ValueError, lambda: receptive_field(nn.Conv2d(1, 1, 3, stride=(1, 2)))),
    ("padding-same", ValueError, lambda: receptive_field(nn.Conv2d(1, 1, 3, padding="same"))),
    ("unsupported-module", TypeError, lambda: receptive_field([nn.ReLU()])),
    ("per-layer-not-bool", TypeError, lambda: receptive_field([(3, 1)], per_layer="yes")),
]


@pytest.mark.parametrize(("exc", "call"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_raises_korean_error(exc, call):
    with pytest.raises(exc) as info:
        call()
    assert type(info.value) is exc
    assert re.search(HANGUL, str(info.value)), f"no Korean in message: {info.value}"
