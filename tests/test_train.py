"""cnnlib.train (fit, evaluate, History) and cnnlib.plot on a synthetic task."""

from __future__ import annotations

import re
import warnings

import matplotlib
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from cnnlib import plot, train
from cnnlib import precision as precision_mod

HANGUL = r"[가-힣]"
N_CLASSES = 4


def quadrant_dataset(n: int, seed: int) -> TensorDataset:
    """8×8 noise images; the label says which quadrant is bright (4 classes, chance 25 %)."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, N_CLASSES, (n,), generator=g)
    x = 0.3 * torch.randn(n, 1, 8, 8, generator=g)
    for label, (r, c) in enumerate([(0, 0), (0, 4), (4, 0), (4, 4)]):
        x[y == label, :, r : r + 4, c : c + 4] += 1.0
    return TensorDataset(x, y)


def tiny_cnn() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(16, N_CLASSES)
    )


@pytest.fixture
def loaders():
    g = torch.Generator().manual_seed(0)
    train_loader = DataLoader(quadrant_dataset(512, seed=1), batch_size=32, shuffle=True, generator=g)
    test_loader = DataLoader(quadrant_dataset(256, seed=2), batch_size=64)
    return train_loader, test_loader


def _fit(model, train_loader, test_loader=None, **kwargs):
    kwargs = {"epochs": 3, "lr": 0.05, "device": "cpu", "progress": False, "live_plot": False, **kwargs}
    return train.fit(model, train_loader, test_loader, **kwargs)


# ---------------------------------------------------------------- fit
def test_fit_learns_synthetic_task(loaders):
    train_loader, test_loader = loaders
    model = tiny_cnn()
    before = train.evaluate(model, test_loader)["acc"]
    history = _fit(model, train_loader, test_loader)
    assert before < 0.6  # an untrained network is near chance (25 %)
    assert history.test_acc[-1] >= 0.9, history.summary()
    assert history.train_loss[-1] < history.train_loss[0]
    for name in ("train_loss", "train_acc", "test_loss", "test_acc", "seconds"):
        assert len(getattr(history, name)) == 3, name
    assert all(0.0 <= a <= 1.0 for a in history.train_acc + history.test_acc)
    assert all(s > 0 for s in history.seconds)
    assert history.images == 3 * 512
    assert history.images_per_second == pytest.approx(history.images / sum(history.seconds))
    # the last test numbers are exactly what evaluate() measures
    final = train.evaluate(model, test_loader)
    assert final["acc"] == history.test_acc[-1]
    assert final["loss"] == pytest.approx(history.test_loss[-1])


def test_history_summary_is_korean(loaders):
    history = _fit(tiny_cnn(), *loaders, epochs=1)
    summary = history.summary()
    assert summary == str(history)
    assert re.search(HANGUL, summary)
    assert summary.startswith("에폭 1 · 학습 손실 ")
    assert "시험 정확도" in summary and "이미지/초" in summary
    assert f"{history.test_acc[-1]:.2%}" in summary
    without_test = _fit(tiny_cnn(), loaders[0], epochs=1)
    assert without_test.test_acc == [] and "시험" not in without_test.summary()


# ---------------------------------------------------------------- precision (AMP)
def depthwise_cnn() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.Conv2d(4, 4, 3, padding=1, groups=4), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(16, N_CLASSES))


@pytest.mark.parametrize("native", [True, False])
def test_cpu_precision_follows_native_bf16(monkeypatch, native):
    monkeypatch.delenv("CNNLIB_AMP", raising=False)
    monkeypatch.setattr(precision_mod, "_cpu_bf16_native", lambda: native)
    assert train.precision(tiny_cnn(), "cpu") == ("bfloat16" if native else "float32")
    # 깊이별 합성곱은 CPU bfloat16에서 느려서 자동으로는 float32
    assert train.precision(depthwise_cnn(), "cpu") == "float32"
    assert train.precision(tiny_cnn(), "cpu", amp=False) == "float32"
    assert train.precision(depthwise_cnn(), "cpu", amp=True) == "bfloat16"


# 기계마다 다른 CPU의 대답: (avx512_bf16, amx_tile, oneDNN의 bf16 대답) → 자동으로 고를 정밀도.
# oneDNN은 AVX-512F만 있어도 (흉내 내어) True라고 답하지만, 그 대답은 정밀도를 고르는 데 쓰지 않습니다.
CPU_ANSWERS = [
    ((True, False, True), "bfloat16"),    # AVX512-BF16 (예: Zen 4, Cooper Lake)
    ((False, True, True), "bfloat16"),    # AMX (Sapphire Rapids 이후)
    ((False, False, True), "float32"),    # AVX-512F뿐: oneDNN은 True지만 흉내라 9배 느림 (이슈 #16)
    ((False, False, False), "float32"),   # AVX2뿐인 노트북 CPU
]


@pytest.mark.parametrize(("answers", "expected"), CPU_ANSWERS)
def test_cpu_precision_uses_pytorch_native_checks_not_onednn(monkeypatch, answers, expected):
    avx512_bf16, amx, onednn = answers
    monkeypatch.delenv("CNNLIB_AMP", raising=False)
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: avx512_bf16)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: amx)
    monkeypatch.setattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: onednn, raising=False)
    assert precision_mod._cpu_bf16_native() is (expected == "bfloat16")
    assert train.precision(tiny_cnn(), "cpu") == expected


@pytest.mark.parametrize(("env", "native", "expected"), [
    ("0", True, "float32"), ("off", True, "float32"), ("1", False, "bfloat16"), ("auto", True, "bfloat16"),
    ("", False, "float32"), ("auto", False, "float32"),
])
def test_cnnlib_amp_env_forces_precision(monkeypatch, env, native, expected):
    monkeypatch.setenv("CNNLIB_AMP", env)
    monkeypatch.setattr(precision_mod, "_cpu_bf16_native", lambda: native)
    assert train.precision(tiny_cnn(), "cpu") == expected
    # 함수에 직접 준 amp가 환경 변수보다 앞섭니다
    assert train.precision(tiny_cnn(), "cpu", amp=False) == "float32"
    assert train.precision(tiny_cnn(), "cpu", amp=True) == "bfloat16"


def test_emulated_bf16_rounds_conv_inputs_and_outputs(monkeypatch):
    """흉내 모드의 합성곱 = bfloat16으로 반올림한 입력·가중치의 float32 합성곱을 다시 bfloat16으로 반올림한 값."""
    monkeypatch.setenv("CNNLIB_AMP", "emulate")
    assert train.precision(tiny_cnn(), "cpu") == "bfloat16-emulated"
    torch.manual_seed(0)
    conv, x = nn.Conv2d(3, 4, 3), torch.randn(2, 3, 8, 8)
    rounded = precision_mod.resolve(torch.device("cpu"), conv)
    with rounded.context():
        out = conv(x)
    bf = lambda t: t.to(torch.bfloat16).float()  # noqa: E731
    expected = bf(nn.functional.conv2d(bf(x), bf(conv.weight), bf(conv.bias)))
    assert out.dtype == torch.float32 and torch.equal(out, expected)
    assert not torch.equal(out, conv(x))                     # 정말로 반올림했습니다
    # 역전파: 가중치의 기울기도 bfloat16으로 반올림되어 들어옵니다
    with rounded.context():
        conv(x).square().sum().backward()
    grad = conv.weight.grad
    assert torch.equal(grad, bf(grad))


def test_emulated_bf16_is_closer_to_real_bf16_than_float32(loaders):
    """한 걸음의 출력과 기울기: 흉내 모드가 float32보다 진짜 bfloat16 자동 혼합 정밀도에 가깝습니다."""
    x, y = next(iter(loaders[0]))
    results = {}
    for amp in (False, True, "emulate"):
        model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(),
                              nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(64, N_CLASSES))
        torch.manual_seed(0)
        for m in model:
            if hasattr(m, "reset_parameters"):
                m.reset_parameters()
        with precision_mod.resolve(torch.device("cpu"), model, amp).context():
            out = model(x)
        nn.functional.cross_entropy(out.float(), y).backward()
        results[amp] = (out.float().detach(), torch.cat([p.grad.flatten() for p in model.parameters()]))
    for i in (0, 1):   # 0: 출력, 1: 기울기
        real = results[True][i]
        assert (results["emulate"][i] - real).norm() < 0.5 * (results[False][i] - real).norm()
    # 흉내 모드로도 학습이 됩니다
    history = _fit(tiny_cnn(), *loaders, amp="emulate")
    assert history.precision == "bfloat16-emulated" and history.test_acc[-1] >= 0.9, history.summary()


def test_cnnlib_amp_env_rejects_bad_value(monkeypatch):
    monkeypatch.setenv("CNNLIB_AMP", "maybe")
    with pytest.raises(ValueError, match="CNNLIB_AMP는"):
        train.precision(tiny_cnn(), "cpu")


@pytest.mark.parametrize("amp", [False, True])
def test_fit_records_its_precision_and_learns(loaders, amp):
    history = _fit(tiny_cnn(), *loaders, amp=amp)
    assert history.precision == ("bfloat16" if amp else "float32")
    assert history.test_acc[-1] >= 0.9, history.summary()
    assert ("bfloat16" in history.summary()) == amp


def test_bf16_fit_stays_close_to_float32(loaders):
    """bfloat16 혼합 정밀도는 가중치를 float32로 두므로, 같은 시드에서 float32와 거의 같은 곳에 도착합니다."""
    results = {amp: _fit(tiny_cnn(), *loaders, amp=amp) for amp in (False, True)}
    assert results[False].train_loss[0] != results[True].train_loss[0]  # 정말로 다른 정밀도로 계산했습니다
    assert results[True].train_loss[0] == pytest.approx(results[False].train_loss[0], rel=0.05)
    assert abs(results[True].test_acc[-1] - results[False].test_acc[-1]) <= 0.05


def test_precision_rejects_bad_amp():
    with pytest.raises(TypeError, match="amp는"):
        train.precision(tiny_cnn(), "cpu", amp="yes")
    with pytest.raises(TypeError, match="nn.Module"):
        train.precision("model", "cpu")


def test_empty_history():
    history = train.History()
    assert history.summary() == "아직 학습하지 않았습니다."
    assert history.images_per_second == 0.0


@pytest.mark.parametrize("optimizer", ["adam", "object"])
def test_fit_other_optimizers(loaders, optimizer):
    model = tiny_cnn()
    if optimizer == "object":
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    history = _fit(model, *loaders, optimizer=optimizer, lr=0.02)
    assert history.test_acc[-1] >= 0.9, history.summary()


def test_step_recorder_averages_every_n_steps(loaders):
    """콜백: StepRecorder(every=4)는 4걸음마다 그동안의 평균 손실·오차를 적고, 에폭 끝 콜백도 불립니다."""
    per_step, every4 = train.StepRecorder(), train.StepRecorder(every=4)

    class EpochEnds:
        def __init__(self):
            self.seen = []

        def on_epoch_end(self, history):
            self.seen.append(len(history.train_loss))

    ends = EpochEnds()
    history = _fit(tiny_cnn(), *loaders, epochs=2, callbacks=[per_step, every4, ends])
    steps = 2 * len(loaders[0])
    assert per_step.steps == list(range(1, steps + 1)) and len(per_step.loss) == steps
    assert every4.steps == list(range(4, steps + 1, 4))
    assert every4.loss[0] == pytest.approx(sum(per_step.loss[:4]) / 4)       # 미니배치 크기가 모두 같을 때
    assert every4.error[-1] == pytest.approx(sum(per_step.error[-4:]) / 4)
    assert ends.seen == [1, 2]
    # 에폭의 평균 학습 손실은 걸음마다의 손실을 미니배치 크기로 가중 평균한 것과 같습니다
    first_epoch = per_step.loss[: len(loaders[0])]
    assert history.train_loss[0] == pytest.approx(sum(first_epoch) / len(first_epoch))
    with pytest.raises(ValueError, match="every는"):
        train.StepRecorder(every=0)
    with pytest.raises(TypeError, match="콜백에는"):
        _fit(tiny_cnn(), *loaders, callbacks=[object()])


def test_progress_and_live_plot_default_off_in_a_book_build(monkeypatch):
    monkeypatch.setattr(train, "_in_notebook", lambda: True)
    monkeypatch.setenv("CNNLIB_BUILD", "1")
    assert not train._interactive()
    monkeypatch.delenv("CNNLIB_BUILD")
    assert train._interactive()
    monkeypatch.setattr(train, "_in_notebook", lambda: False)
    assert not train._interactive()


def test_max_steps_limits_steps(loaders):
    model = tiny_cnn()
    calls = []
    model.register_forward_pre_hook(lambda module, args: calls.append(args[0].shape[0]))
    history = _fit(model, loaders[0], epochs=2, max_steps=3)
    assert calls == [32] * 6
    assert history.images == 2 * 3 * 32


def test_max_steps_larger_than_loader(loaders):
    history = _fit(tiny_cnn(), loaders[0], epochs=1, max_steps=1000)
    assert history.images == 512


def test_progress_bar(loaders, capfd):
    _fit(tiny_cnn(), loaders[0], epochs=1, max_steps=2, progress=False)
    quiet = capfd.readouterr()
    assert quiet.out == "" and quiet.err == ""
    _fit(tiny_cnn(), loaders[0], epochs=1, max_steps=2, progress=True)
    assert "에폭 1/1" in capfd.readouterr().err


def test_live_plot_off_makes_no_figures(loaders):
    import matplotlib.pyplot as plt

    plt.close("all")
    _fit(tiny_cnn(), *loaders, epochs=1, max_steps=2, live_plot=False)
    assert plt.get_fignums() == []


def test_live_plot_default_is_off_outside_notebook(loaders):
    import matplotlib.pyplot as plt

    assert not train._in_notebook()
    _fit(tiny_cnn(), *loaders, epochs=1, max_steps=2, live_plot=None)
    assert plt.get_fignums() == []


BAD_FIT = [
    ("epochs-zero", ValueError, {"epochs": 0}),
    ("epochs-negative", ValueError, {"epochs": -1}),
    ("epochs-float", ValueError, {"epochs": 1.5}),
    ("epochs-bool", ValueError, {"epochs": True}),
    ("optimizer-unknown", ValueError, {"optimizer": "foo"}),
    ("optimizer-wrong-type", TypeError, {"optimizer": 42}),
    ("max-steps-zero", ValueError, {"max_steps": 0}),
    ("max-steps-float", ValueError, {"max_steps": 2.0}),
]


@pytest.mark.parametrize(("exc", "kwargs"), [c[1:] for c in BAD_FIT], ids=[c[0] for c in BAD_FIT])
def test_fit_bad_args(loaders, exc, kwargs):
    with pytest.raises(exc, match=HANGUL):
        _fit(tiny_cnn(), loaders[0], **kwargs)


def test_fit_rejects_non_module(loaders):
    with pytest.raises(TypeError, match=HANGUL):
        train.fit(lambda x: x, loaders[0], progress=False)


def test_fit_empty_loader_raises(loaders):
    empty = DataLoader(TensorDataset(torch.zeros(0, 1, 8, 8), torch.zeros(0, dtype=torch.long)))
    with pytest.raises(ValueError, match=HANGUL):
        _fit(tiny_cnn(), empty, epochs=1)


# ---------------------------------------------------------------- evaluate
def test_evaluate_matches_manual_computation(loaders):
    model = tiny_cnn()
    test_loader = loaders[1]
    result = train.evaluate(model, test_loader, amp=False)  # float32: 손으로 한 계산과 같은 정밀도
    assert set(result) == {"loss", "acc", "n"}
    x, y = test_loader.dataset.tensors
    with torch.no_grad():
        out = model(x)
    assert result["n"] == 256
    assert result["acc"] == pytest.approx((out.argmax(1) == y).float().mean().item())
    assert result["loss"] == pytest.approx(nn.functional.cross_entropy(out, y).item(), rel=1e-5)
    assert not model.training  # evaluate leaves the model in eval mode


def test_evaluate_max_steps_and_custom_loss(loaders):
    result = train.evaluate(tiny_cnn(), loaders[1], max_steps=2, loss_fn=nn.CrossEntropyLoss())
    assert result["n"] == 2 * 64


def test_evaluate_bad_args(loaders):
    with pytest.raises(TypeError, match=HANGUL):
        train.evaluate("model", loaders[1])
    empty = DataLoader(TensorDataset(torch.zeros(0, 1, 8, 8), torch.zeros(0, dtype=torch.long)))
    with pytest.raises(ValueError, match=HANGUL):
        train.evaluate(tiny_cnn(), empty)


def test_count_parameters():
    model = tiny_cnn()
    assert train.count_parameters(model) == (4 * 9 + 4) + (16 * 4 + 4)
    model[0].weight.requires_grad_(False)
    assert train.count_parameters(model, trainable_only=True) == 4 + (16 * 4 + 4)
    assert train.count_parameters(model) == 108
    with pytest.raises(TypeError, match=HANGUL):
        train.count_parameters([1, 2, 3])


# ---------------------------------------------------------------- plot
def _draw_without_glyph_warnings(make_figure, capfd):
    """Draws the figure(s) and fails if matplotlib could not render Hangul."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure = make_figure()
        fig = figure if isinstance(figure, matplotlib.figure.Figure) else figure.figure
        fig.canvas.draw()
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:2]
    assert "Glyph" not in capfd.readouterr().err
    return figure


def test_plot_history(loaders, capfd):
    history = _fit(tiny_cnn(), *loaders, epochs=2, max_steps=2)
    fig = _draw_without_glyph_warnings(lambda: plot.plot_history(history), capfd)
    assert isinstance(fig, matplotlib.figure.Figure)
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_ylabel() == "손실" and acc_ax.get_ylabel() == "정확도"
    assert [line.get_label() for line in acc_ax.get_lines()] == ["학습 정확도", "시험 정확도"]
    assert list(acc_ax.get_lines()[1].get_ydata()) == history.test_acc


def test_show_images(capfd):
    images = [torch.rand(1, 8, 8), torch.rand(3, 8, 8), torch.rand(8, 8)]
    fig = _draw_without_glyph_warnings(
        lambda: plot.show_images(images, titles=["흑백", "컬러", "두 축"], ncols=2, suptitle="한글 제목"), capfd
    )
    assert len(fig.axes) == 4  # 2 × 2 grid, the last one empty
    assert fig.axes[0].get_title() == "흑백"


def test_show_matrix(capfd):
    ax = _draw_without_glyph_warnings(
        lambda: plot.show_matrix(torch.arange(9.0).reshape(3, 3) - 4, title="소벨 커널", highlight=(0, 0, 2, 2)),
        capfd,
    )
    assert ax.get_title() == "소벨 커널"
    assert len(ax.texts) == 9 and ax.texts[0].get_text() == "-4"


def test_show_feature_maps(capfd):
    fig = _draw_without_glyph_warnings(
        lambda: plot.show_feature_maps(torch.rand(1, 5, 6, 6), ncols=5, suptitle="특징 맵"), capfd
    )
    assert [ax.get_title() for ax in fig.axes] == [f"채널 {c}" for c in range(5)]


@pytest.mark.parametrize("call", [
    lambda: plot.show_images([]),
    lambda: plot.show_images([torch.rand(8, 8)], titles=["a", "b"]),
    lambda: plot.show_matrix(torch.rand(2, 3, 3, 3)),
    lambda: plot.show_feature_maps(torch.rand(2, 3, 4, 4)),
], ids=["no-images", "title-count", "matrix-4d", "feature-maps-batch-2"])
def test_plot_bad_args(call):
    with pytest.raises(ValueError, match=HANGUL):
        call()


# ---------------------------------------------------------------- predict / confusion_matrix
def test_predict_matches_manual_argmax(loaders):
    model = tiny_cnn()
    test_loader = loaders[1]
    preds, targets = train.predict(model, test_loader)
    x, y = test_loader.dataset.tensors
    with torch.no_grad():
        expected = model(x).argmax(1)
    assert preds.dtype == targets.dtype == torch.long
    assert torch.equal(preds, expected) and torch.equal(targets, y)
    assert not model.training
    # agrees with evaluate's accuracy
    assert (preds == targets).float().mean().item() == pytest.approx(train.evaluate(model, test_loader)["acc"])


def test_predict_max_steps_and_tuple_outputs(loaders):
    class WithAux(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = tiny_cnn()

        def forward(self, x):
            out = self.net(x)
            return out, -out  # the auxiliary output would give other predictions

    model = WithAux()
    preds, targets = train.predict(model, loaders[1], max_steps=2)
    assert preds.shape == targets.shape == (128,)
    assert torch.equal(preds, train.predict(model.net, loaders[1], max_steps=2)[0])


def test_predict_bad_args(loaders):
    with pytest.raises(TypeError, match=HANGUL):
        train.predict("model", loaders[1])
    with pytest.raises(ValueError, match=HANGUL):
        train.predict(tiny_cnn(), loaders[1], max_steps=0)
    empty = DataLoader(TensorDataset(torch.zeros(0, 1, 8, 8), torch.zeros(0, dtype=torch.long)))
    with pytest.raises(ValueError, match=HANGUL):
        train.predict(tiny_cnn(), empty)


def test_confusion_matrix_counts_rows_true_columns_predicted():
    preds = torch.tensor([0, 1, 2, 2, 1, 0])
    targets = [0, 1, 1, 2, 2, 2]
    m = train.confusion_matrix(preds, targets, 3)
    assert m.tolist() == [[1, 0, 0], [0, 1, 1], [1, 1, 1]]
    assert m.dtype == torch.long
    assert m.sum().item() == 6 and m.trace().item() == 3
    assert m.sum(1).tolist() == [1, 2, 3]  # row sums = images per true class
    # classes that never occur still get a row and a column
    assert train.confusion_matrix([0], [0], 4).shape == (4, 4)
    assert train.confusion_matrix(torch.zeros(0, dtype=torch.long), [], 2).sum().item() == 0


def test_confusion_matrix_agrees_with_predict(loaders):
    model = tiny_cnn()
    preds, targets = train.predict(model, loaders[1])
    m = train.confusion_matrix(preds, targets, N_CLASSES)
    assert m.sum().item() == 256
    assert m.trace().item() == (preds == targets).sum().item()
    assert m.sum(1).tolist() == torch.bincount(targets, minlength=N_CLASSES).tolist()


@pytest.mark.parametrize("preds, targets, k, exc", [
    ([0, 1], [0], 2, ValueError),                       # different lengths
    ([0, 2], [0, 1], 2, ValueError),                    # label out of range
    ([0, -1], [0, 1], 2, ValueError),                   # negative label
    (torch.rand(2, 3), [0, 1], 3, ValueError),          # logits instead of labels
    ([0.0, 1.0], [0, 1], 2, TypeError),                 # float labels
    (["a", "b"], [0, 1], 2, TypeError),                 # not numbers
    ([0, 1], [0, 1], 0, ValueError),                    # no classes
    ([0, 1], [0, 1], True, ValueError),                 # bool is not a class count
], ids=["length", "too-large", "negative", "logits", "floats", "strings", "zero-classes", "bool-classes"])
def test_confusion_matrix_bad_args(preds, targets, k, exc):
    with pytest.raises(exc, match=HANGUL):
        train.confusion_matrix(preds, targets, k)
