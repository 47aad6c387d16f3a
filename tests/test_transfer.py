"""cnnlib.transfer: 층 고정, 머리 바꾸기, 균형 잡힌 적은 라벨, CKA, 가중치 변화, 사전 학습 가중치(오프라인)."""

from __future__ import annotations

import hashlib
import time
import urllib.error

import pytest
import torch
from korean_errors import HANGUL, assert_korean_and_ours
from torch import nn

from cnnlib import models, transfer
from cnnlib.check import ch15 as check  # check/__init__.py의 _CHAPTERS에 ch15가 없어도 됩니다


def _lenet():
    torch.manual_seed(0)
    return models.lenet5("modern")


# ---------------------------------------------------------------- 고정
def test_freeze_until_name_counts():
    net = transfer.freeze(_lenet(), until="C3")
    status = {name: (n, t) for name, n, t in transfer.layer_status(net)}
    assert status["C1"] == (156, 0) and status["S2"] == (0, 0) and status["C3"] == (2_416, 0)
    assert status["C5"] == (48_120, 48_120) and status["OUT"] == (850, 850)
    assert sum(p.numel() for p in transfer.trainable_parameters(net)) == 59_134


def test_freeze_by_count_all_and_unfreeze():
    net = _lenet()
    transfer.freeze(net, until=0)
    assert len(transfer.trainable_parameters(net)) == len(list(net.parameters()))
    transfer.freeze(net, until=2)      # C1, S2
    assert not net.C1[0].weight.requires_grad and net.C3[0].weight.requires_grad
    transfer.freeze(net)
    assert transfer.trainable_parameters(net) == []
    transfer.unfreeze(net)
    assert len(transfer.trainable_parameters(net)) == len(list(net.parameters()))


def test_frozen_layers_do_not_change_in_training():
    net = transfer.freeze(_lenet(), until="C5")
    before = {k: v.clone() for k, v in net.state_dict().items()}
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    x, y = torch.randn(8, 1, 28, 28), torch.randint(0, 10, (8,))
    nn.functional.cross_entropy(net(x), y).backward()
    opt.step()
    after = net.state_dict()
    for key in before:
        same = torch.equal(before[key], after[key])
        assert same == key.startswith(("C1", "C3", "C5")), key
    assert net.C1[0].weight.grad is None


# ---------------------------------------------------------------- 머리 바꾸기
def test_replace_head_lenet_and_resnet():
    net = _lenet()
    transfer.freeze(net)
    head = transfer.replace_head(net, 3)
    assert net.OUT is head and tuple(head.weight.shape) == (3, 84) and head.weight.requires_grad
    assert tuple(net(torch.zeros(2, 1, 28, 28)).shape) == (2, 3)
    res = models.create("resnet18")
    assert tuple(transfer.replace_head(res, 37).weight.shape) == (37, 512) and res.fc.out_features == 37


def test_replace_head_inside_sequential():
    net = nn.Sequential(nn.Flatten(), nn.Linear(4, 8), nn.ReLU(), nn.Sequential(nn.Linear(8, 5, bias=False)))
    head = transfer.replace_head(net, 2)
    assert net[3][0] is head and head.bias is None and tuple(net(torch.zeros(1, 4)).shape) == (1, 2)


# ---------------------------------------------------------------- 적은 라벨
class _Labeled(torch.utils.data.Dataset):
    def __init__(self, targets):
        self.targets = torch.as_tensor(targets)

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        return torch.zeros(1), int(self.targets[i])


def test_balanced_subset_is_balanced_and_repeatable():
    ds = _Labeled(torch.arange(300) % 3)
    a = transfer.balanced_subset(ds, 7, seed=0)
    b = transfer.balanced_subset(ds, 7, seed=0)
    c = transfer.balanced_subset(ds, 7, seed=1)
    assert a.indices == b.indices != c.indices and a.indices == sorted(a.indices)
    labels = [ds[i][1] for i in a.indices]
    assert [labels.count(k) for k in range(3)] == [7, 7, 7]
    assert transfer.balanced_subset(ds, None) is ds


def test_balanced_subset_of_subset_and_without_targets():
    ds = _Labeled(torch.arange(100) % 2)
    inner = torch.utils.data.Subset(ds, list(range(0, 100, 2)) + [1, 3, 5])   # 50개는 0, 3개는 1
    sub = transfer.balanced_subset(inner, 3)
    assert sorted(inner[i][1] for i in sub.indices) == [0, 0, 0, 1, 1, 1]

    class NoTargets(torch.utils.data.Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            return torch.zeros(1), i % 2

    assert len(transfer.balanced_subset(NoTargets(), 2)) == 4


# ---------------------------------------------------------------- CKA, 가중치 변화, 특징
def test_linear_cka_properties():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(100, 10, generator=g)
    q, _ = torch.linalg.qr(torch.randn(10, 10, generator=g))
    assert transfer.linear_cka(x, x) == pytest.approx(1.0)
    assert transfer.linear_cka(x, 3.0 * x @ q + 5.0) == pytest.approx(1.0)      # 직교 변환·배율·이동에 불변
    y = torch.randn(100, 4, generator=g)
    assert transfer.linear_cka(x, y) == pytest.approx(transfer.linear_cka(y, x))
    assert 0.0 <= transfer.linear_cka(x, y) < 0.2
    wide = torch.randn(20, 50, generator=g)                                     # n < 특징 수: 그람 행렬 경로
    wide2 = wide[:, :30] + 0.3 * torch.randn(20, 30, generator=g)
    xc, yc = wide - wide.mean(0), wide2 - wide2.mean(0)
    direct = float((yc.T @ xc).norm() ** 2 / ((xc.T @ xc).norm() * (yc.T @ yc).norm()))
    assert transfer.linear_cka(wide, wide2) == pytest.approx(direct, rel=1e-5)


def test_weight_change():
    a = _lenet()
    b = _lenet()
    assert set(transfer.weight_change(a, b).values()) == {0.0}
    with torch.no_grad():
        b.C1[0].weight.mul_(2)
        b.C1[0].bias.mul_(2)
    change = transfer.weight_change(a, b.state_dict())
    assert change["C1"] == pytest.approx(1.0) and change["OUT"] == 0.0
    assert set(change) == {"C1", "C3", "C5", "F6", "OUT"}


def test_layer_features_shapes_and_mode():
    net = _lenet().train()
    feats = transfer.layer_features(net, torch.randn(5, 1, 28, 28), batch_size=2)
    assert {k: tuple(v.shape) for k, v in feats.items()} == {
        "C1": (5, 6 * 28 * 28), "S2": (5, 6 * 14 * 14), "C3": (5, 16 * 10 * 10), "S4": (5, 16 * 5 * 5),
        "C5": (5, 120), "F6": (5, 84), "OUT": (5, 10)}
    assert net.training
    assert list(transfer.layer_features(net, torch.randn(3, 1, 28, 28), names="C5.0")) == ["C5.0"]


# ---------------------------------------------------------------- 사전 학습 가중치 (네트워크 없이)
def test_cache_file_and_verification(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path))
    assert transfer.hub_cache_file("https://example.org/m/resnet18-f37072fd.pth") == \
        tmp_path / "checkpoints" / "resnet18-f37072fd.pth"
    payload = tmp_path / "blob"
    torch.save({"w": torch.arange(3.0)}, payload)
    digest = hashlib.sha256(payload.read_bytes()).hexdigest()[:8]
    good = tmp_path / f"tiny-{digest}.pth"
    payload.rename(good)
    assert transfer.verify_cached(good)
    bad = tmp_path / "tiny-00000000.pth"
    bad.write_bytes(good.read_bytes())
    with pytest.raises(ValueError, match="체크섬"):
        transfer.verify_cached(bad)


class _FakeWeights:
    """torchvision WeightsEnum 값처럼 url과 get_state_dict만 있는 가짜 (내려받지 않음)."""

    def __init__(self, url):
        self.url = url

    def get_state_dict(self, **kwargs):
        return torch.hub.load_state_dict_from_url(self.url, **kwargs)


def test_pretrained_state_dict_from_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path))
    (tmp_path / "checkpoints").mkdir()
    blob = tmp_path / "blob"
    torch.save({"w": torch.arange(3.0)}, blob)
    name = f"tiny-{hashlib.sha256(blob.read_bytes()).hexdigest()[:8]}.pth"
    blob.rename(tmp_path / "checkpoints" / name)
    fake = _FakeWeights(f"https://example.invalid/{name}")
    monkeypatch.setattr(transfer, "_weights", lambda _name: fake)
    state, weights = transfer.pretrained_state_dict("tiny")
    assert weights is fake and torch.equal(state["w"], torch.arange(3.0))
    ok, reason = transfer.weights_available("tiny")
    assert ok and "캐시" in reason


def test_offline_is_reported_quickly(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path))
    monkeypatch.setattr(transfer, "_can_connect", lambda host, port, timeout: "OSError: 네트워크 없음")
    ok, reason = transfer.weights_available("resnet18")
    assert not ok and "resnet18-f37072fd.pth" in reason and HANGUL.search(reason)

    def no_network(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(torch.hub, "download_url_to_file", no_network)
    with pytest.raises(transfer.WeightsUnavailableError) as info:
        transfer.pretrained("resnet18")
    assert_korean_and_ours(info.value, "불러오지 못했습니다")


def test_can_connect_has_a_time_limit():
    start = time.perf_counter()
    problem = transfer._can_connect("127.0.0.1", 9, 1.0)      # discard 포트: 보통 닫혀 있습니다
    assert time.perf_counter() - start < 2.0
    assert problem is None or isinstance(problem, str)


# ---------------------------------------------------------------- 연습문제 채점
def test_checkers_accept_right_and_reject_wrong():
    assert check.ex15_1(59_134) and not check.ex15_1(61_706) and not check.ex15_1(2_572)
    assert check.ex15_2((37, 512)) and not check.ex15_2((512, 37)) and not check.ex15_2((37, 2048))

    def cka(x, y):
        x, y = x - x.mean(0), y - y.mean(0)
        return (y.T @ x).norm() ** 2 / ((x.T @ x).norm() * (y.T @ y).norm())

    def uncentered(x, y):
        return (y.T @ x).norm() ** 2 / ((x.T @ x).norm() * (y.T @ y).norm())

    assert check.ex15_3(cka) and not check.ex15_3(uncentered)
    assert "중심화" in check.ex15_3(uncentered).hint
    share = (117_600 + 240_000 + 48_000) / 416_520
    assert check.ex15_4(share) and not check.ex15_4(100 * share) and not check.ex15_4(50_692 / 61_706)


# ---------------------------------------------------------------- 나쁜 입력: 한국어 오류


BAD = {
    "freeze: 모델이 아님": (lambda: transfer.freeze("lenet"), TypeError, "nn.Module"),
    "freeze: 없는 층 이름": (lambda: transfer.freeze(_lenet(), until="C4"), ValueError, "층이 없습니다"),
    "freeze: 층 개수가 너무 큼": (lambda: transfer.freeze(_lenet(), until=8), ValueError, "이하여야"),
    "freeze: until이 실수": (lambda: transfer.freeze(_lenet(), until=1.5), TypeError, "until"),
    "replace_head: 클래스 0개": (lambda: transfer.replace_head(_lenet(), 0), ValueError, "num_classes"),
    "replace_head: Linear 없음": (lambda: transfer.replace_head(nn.Conv2d(1, 2, 3), 5), ValueError, "nn.Linear"),
    "balanced_subset: 라벨이 모자람": (lambda: transfer.balanced_subset(_Labeled([0, 0, 1]), 2), ValueError,
                                  "뽑을 수 없습니다"),
    "balanced_subset: per_class 0": (lambda: transfer.balanced_subset(_Labeled([0, 1]), 0), ValueError, "per_class"),
    "linear_cka: 표본 수가 다름": (lambda: transfer.linear_cka(torch.ones(5, 2), torch.ones(4, 2)), ValueError,
                               "표본 수"),
    "linear_cka: 1차원": (lambda: transfer.linear_cka(torch.ones(5), torch.ones(5)), ValueError, "2차원"),
    "linear_cka: 분산 0": (lambda: transfer.linear_cka(torch.ones(5, 2), torch.randn(5, 2)), ValueError, "분산"),
    "weight_change: 다른 구조": (lambda: transfer.weight_change(_lenet(), models.lenet5("original")), ValueError,
                              "이름이 다릅니다"),
    "weight_change: 모델이 아님": (lambda: transfer.weight_change([1], _lenet()), TypeError, "state_dict"),
    "layer_features: 없는 층": (lambda: transfer.layer_features(_lenet(), torch.zeros(1, 1, 28, 28), names="C9"),
                             ValueError, "층이 없습니다"),
    "pretrained: 모르는 모델": (lambda: transfer.pretrained("resnet19"), ValueError, "분류 모델이 없습니다"),
    "weights_available: timeout 0": (lambda: transfer.weights_available("resnet18", timeout=0), ValueError,
                                     "timeout"),
    "hub_cache_file: http 주소": (lambda: transfer.hub_cache_file("http://x/y.pth"), ValueError, "https"),
    "연습문제 15.1에 문자열": (lambda: check.ex15_1("많음"), TypeError, "숫자여야 합니다"),
    "연습문제 15.3에 숫자": (lambda: check.ex15_3(0.5), TypeError, "함수여야 합니다"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_raises_clear_korean_error(case):
    call, kind, pattern = BAD[case]
    with pytest.raises(kind) as info:
        call()
    assert_korean_and_ours(info.value, pattern)
