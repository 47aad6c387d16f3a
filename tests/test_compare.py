"""cnnlib.compare: one model's cost (parameters, MACs, activation memory), CPU latency, the table printer.

The appendix page book/model_comparison.ipynb is built from these functions.
"""

from __future__ import annotations

import re
import statistics

import pytest
import torch
import torchvision
from torch import nn

from cnnlib import compare, cost, models

HANGUL = r"[가-힣]"


def tiny():
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 3 * 3, 5))


# ---------------------------------------------------------------- model_cost
def test_model_cost_of_a_small_network_by_hand():
    c = compare.model_cost(tiny(), (1, 1, 8, 8))
    # conv: 4·1·3·3 + 4 = 40 params, 4·6·6 outputs × 9 MACs; linear: 36·5 + 5 params, 36·5 MACs
    assert c.params == 40 + 185
    assert c.macs == 4 * 6 * 6 * 9 + 36 * 5
    # memory: conv (4·6·6) + pool (4·3·3) + linear (5) outputs, float32; ReLU and Flatten are not counted
    assert c.memory_mb == pytest.approx((144 + 36 + 5) * 4 / 1024**2)


def test_model_cost_matches_cost_module_and_meta_device():
    model = models.create("lenet5_modern")
    c = compare.model_cost(model, (1, 1, 28, 28))
    rows = cost.layer_table(model, (1, 1, 28, 28))
    assert c.params == cost.count_parameters(model) == 61_706
    assert c.macs == sum(r.macs for r in rows)
    with torch.device("meta"):
        meta_model = models.create("lenet5_modern")
    assert compare.model_cost(meta_model, (1, 1, 28, 28)) == c


@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v2", "densenet121"])
def test_model_cost_equals_torchvision(name):
    with torch.device("meta"):
        ours = models.create(name)
        theirs = getattr(torchvision.models, name)(weights=None)
    a, b = compare.model_cost(ours), compare.model_cost(theirs)
    assert (a.params, a.macs) == (b.params, b.macs)
    assert a.params == sum(p.numel() for p in theirs.parameters())


def test_memory_kinds_are_layer_class_names():
    assert {"Conv2d", "Linear", "MaxPool2d", "AdaptiveAvgPool2d"} <= set(compare.MEMORY_KINDS)
    assert all(hasattr(nn, kind) for kind in compare.MEMORY_KINDS)
    assert "ReLU" not in compare.MEMORY_KINDS and "BatchNorm2d" not in compare.MEMORY_KINDS


# ---------------------------------------------------------------- timing
def test_time_runs_returns_positive_times_and_restores_state():
    model = tiny().train()
    threads = torch.get_num_threads()
    times = compare.time_runs(model, (1, 1, 8, 8), repeats=4, warmup=2, threads=1)
    assert len(times) == 4 and all(t > 0 for t in times)
    assert model.training and all(m.training for m in model.modules())
    assert torch.get_num_threads() == threads


def test_latency_is_the_median(monkeypatch):
    monkeypatch.setattr(compare, "time_runs", lambda *a, **k: [5.0, 1.0, 3.0, 100.0, 2.0])
    assert compare.latency_ms(tiny(), (1, 1, 8, 8)) == 3.0 == statistics.median([5.0, 1.0, 3.0, 100.0, 2.0])


def test_latency_of_a_real_model_is_a_float():
    ms = compare.latency_ms(models.create("lenet5_modern"), (1, 1, 28, 28), repeats=1, warmup=0)
    assert isinstance(ms, float) and 0 < ms < 10_000


def test_time_runs_does_not_change_weights():
    model = tiny()
    before = [p.detach().clone() for p in model.parameters()]
    compare.time_runs(model, (1, 1, 8, 8), repeats=2)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))


# ---------------------------------------------------------------- bad input: Korean messages
@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"repeats": 0}, ValueError),
        ({"repeats": 1.5}, TypeError),
        ({"repeats": True}, TypeError),
        ({"warmup": -1}, ValueError),
        ({"threads": 0}, ValueError),
        ({"threads": "2"}, TypeError),
        ({"input_size": "1x1x8x8"}, TypeError),
        ({"input_size": (1, 0, 8, 8)}, ValueError),
        ({"input_size": (1, 3, 8, 8)}, ValueError),  # 채널 수가 모델과 다름
    ],
)
def test_time_runs_rejects_bad_arguments_in_korean(kwargs, error):
    args = {"input_size": (1, 1, 8, 8), **kwargs}
    with pytest.raises(error) as info:
        compare.time_runs(tiny(), **args)
    assert re.search(HANGUL, str(info.value))


def test_rejects_non_modules_and_meta_models_in_korean():
    for call in (compare.model_cost, compare.latency_ms, compare.time_runs):
        with pytest.raises(TypeError, match=HANGUL):
            call("resnet18")
    with torch.device("meta"):
        meta_model = tiny()
    with pytest.raises(ValueError, match="meta"):
        compare.latency_ms(meta_model, (1, 1, 8, 8))


# ---------------------------------------------------------------- helpers
def test_cpu_name_is_a_nonempty_string():
    name = compare.cpu_name()
    assert isinstance(name, str) and name.strip()


def test_format_table_aligns_hangul_as_two_columns():
    text = compare.format_table(("모델", "MAC (M)"), [("작은 VGG", "7.6"), ("ResNet-18", "1,814.1")])
    lines = text.splitlines()
    assert lines[0].startswith("모델") and set(lines[1]) == {"-"}
    widths = [cost._width(line) for line in (lines[0], lines[2], lines[3])]
    assert len(set(widths)) == 1  # 오른쪽 끝이 맞습니다
    assert all(line == line.rstrip() for line in lines)


def test_format_table_rejects_bad_rows_in_korean():
    with pytest.raises(ValueError, match=HANGUL):
        compare.format_table(("a", "b"), [("1",)])
    with pytest.raises(TypeError, match=HANGUL):
        compare.format_table("ab", [("1", "2")])
    with pytest.raises(TypeError, match=HANGUL):
        compare.format_table(("a", "b"), ["12"])
