"""학습과 평가: 그대로 읽히는 PyTorch 학습 반복문.

``fit``은 에폭마다 학습 손실·정확도와 (주어지면) 시험 손실·정확도를 재서
:class:`History`에 담아 돌려줍니다. 진행 막대(``tqdm.auto``)를 보여 주고,
노트북에서는 에폭이 끝날 때마다 학습 곡선을 다시 그립니다. CUDA에서는
자동 혼합 정밀도(AMP)와 channels-last 메모리 배치를, bfloat16을 하드웨어로 직접
계산하는 CPU에서는 bfloat16 자동 혼합 정밀도를 씁니다 (:func:`precision`, :mod:`cnnlib.precision`).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import torch
from torch import nn

from . import precision as _precision
from . import runtime

__all__ = ["History", "Step", "StepRecorder", "fit", "evaluate", "predict", "precision", "confusion_matrix", "count_parameters"]


@dataclass
class History:
    """에폭별 학습 기록. 리스트의 i번째 값이 i+1번째 에폭의 값입니다."""

    train_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    test_acc: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    images: int = 0
    precision: str = "float32"

    @property
    def images_per_second(self) -> float:
        total = sum(self.seconds)
        return self.images / total if total else 0.0

    def summary(self) -> str:
        if not self.train_loss:
            return "아직 학습하지 않았습니다."
        parts = [f"에폭 {len(self.train_loss)}", f"학습 손실 {self.train_loss[-1]:.4f}",
                 f"학습 정확도 {self.train_acc[-1]:.2%}"]
        if self.test_acc:
            parts += [f"시험 손실 {self.test_loss[-1]:.4f}", f"시험 정확도 {self.test_acc[-1]:.2%}"]
        extra = "" if self.precision == "float32" else f", {self.precision}"
        parts.append(f"{sum(self.seconds):.1f}초 ({self.images_per_second:,.0f} 이미지/초{extra})")
        return " · ".join(parts)

    def __str__(self) -> str:
        return self.summary()


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """모델의 매개변수(가중치와 편향) 개수."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"nn.Module이 필요합니다. 받은 타입: {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        return False
    return shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell"


def _to(x, dev, channels_last):
    x = x.to(dev, non_blocking=True)
    if channels_last and x.dim() == 4:
        x = x.contiguous(memory_format=torch.channels_last)
    return x


def precision(model: nn.Module | None = None, device=None, amp=None) -> str:
    """:func:`fit`·:func:`evaluate`가 이 모델을 어떤 정밀도로 계산할지: ``"float32"``, ``"bfloat16"``, ``"float16"``.

    고르는 규칙은 :mod:`cnnlib.precision`에 있습니다 (bfloat16은 그것을 직접 계산하는 CPU에서만,
    환경 변수 ``CNNLIB_AMP=0``이면 언제나 float32).

    >>> precision(models.create("lenet5"), "cpu", amp=False)  # doctest: +SKIP
    'float32'
    """
    return _precision.precision_name(model, device, amp)


def _forward(model, x, y, loss_fn):
    """순전파와 손실. 모델이 ``(주 출력, 보조, …)`` 튜플을 내면 손실 함수에 튜플째 넘기고 주 출력을 돌려줍니다."""
    out = model(x)
    if isinstance(out, (tuple, list)):
        out = tuple(o.float() for o in out)
        return out[0], loss_fn(out, y)
    return out, loss_fn(out.float(), y)


def evaluate(model: nn.Module, loader, device=None, loss_fn=None, max_steps: int | None = None,
             amp: bool | None = None) -> dict:
    """모델의 평균 손실과 정확도를 잽니다. ``{"loss": …, "acc": …, "n": …}``.

    ``amp``는 :func:`fit`과 같습니다 (``None``이면 :func:`precision`이 고르는 정밀도).
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"nn.Module이 필요합니다. 받은 타입: {type(model).__name__}")
    if device is not None:
        dev = torch.device(device)
    else:  # 매개변수가 없는 모델이면 CPU에서 평가합니다.
        dev = next((p.device for p in model.parameters()), torch.device("cpu"))
    loss_fn = loss_fn or nn.CrossEntropyLoss()
    prec = _precision.resolve(dev, model, amp)
    channels_last = dev.type == "cuda"
    model.eval()
    total, correct, loss_sum = 0, 0, 0.0
    with torch.no_grad():
        for step, (x, y) in enumerate(loader):
            if max_steps is not None and step >= max_steps:
                break
            x, y = _to(x, dev, channels_last), y.to(dev, non_blocking=True)
            with prec.context():
                out, loss = _forward(model, x, y, loss_fn)
            loss_sum += loss.item() * y.shape[0]
            correct += (out.argmax(1) == y).sum().item()
            total += y.shape[0]
    if total == 0:
        raise ValueError("평가할 데이터가 없습니다 (loader가 비어 있습니다).")
    return {"loss": loss_sum / total, "acc": correct / total, "n": total}


def predict(model: nn.Module, loader, device=None, max_steps: int | None = None, amp: bool | None = None):
    """모델의 예측과 정답을 모읍니다. ``(예측, 정답)``: CPU의 1차원 정수 텐서 두 개.

    예측은 출력(로짓)에서 가장 큰 값의 번호(``argmax``)입니다. 모델이 ``(주 출력, 보조, …)``
    튜플을 내면 주 출력으로 셉니다. ``loader``의 순서를 그대로 지키므로, 섞지 않은 시험
    데이터라면 ``loader.dataset[i]``가 i번째 예측의 이미지입니다.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"nn.Module이 필요합니다. 받은 타입: {type(model).__name__}")
    if max_steps is not None and (isinstance(max_steps, bool) or not isinstance(max_steps, int)
                                  or max_steps < 1):
        raise ValueError(f"max_steps는 1 이상의 정수나 None이어야 합니다. 받은 값: {max_steps!r}")
    if device is not None:
        dev = torch.device(device)
    else:  # 매개변수가 없는 모델이면 CPU에서 예측합니다.
        dev = next((p.device for p in model.parameters()), torch.device("cpu"))
    prec = _precision.resolve(dev, model, amp)
    channels_last = dev.type == "cuda"
    model.eval()
    preds, targets = [], []
    with torch.no_grad():
        for step, (x, y) in enumerate(loader):
            if max_steps is not None and step >= max_steps:
                break
            x = _to(x, dev, channels_last)
            with prec.context():
                out = model(x)
            if isinstance(out, (tuple, list)):
                out = out[0]
            preds.append(out.argmax(1).cpu())
            targets.append(torch.as_tensor(y).cpu())
    if not preds:
        raise ValueError("예측할 데이터가 없습니다 (loader가 비어 있습니다).")
    return torch.cat(preds).long(), torch.cat(targets).long()


def _as_labels(values, name: str):
    """정수 라벨의 1차원 텐서로 바꿉니다 (리스트, NumPy 배열, 텐서)."""
    try:
        t = torch.as_tensor(values)
    except Exception as exc:
        raise TypeError(f"{name}은(는) 정수 라벨의 1차원 배열이어야 합니다. "
                        f"받은 타입: {type(values).__name__}") from exc
    if t.dim() != 1:
        raise ValueError(f"{name}은(는) 1차원이어야 합니다. 받은 모양: {tuple(t.shape)} "
                         "(로짓이라면 먼저 .argmax(1)로 예측 번호를 구하세요)")
    if t.numel() and (t.dtype == torch.bool or t.is_floating_point() or t.is_complex()):
        raise TypeError(f"{name}은(는) 정수 라벨이어야 합니다. 받은 자료형: {t.dtype}")
    return t.long().cpu()


def confusion_matrix(preds, targets, num_classes: int) -> torch.Tensor:
    """혼동 행렬: ``m[i, j]`` = 정답이 i인데 j로 예측한 개수. ``(num_classes, num_classes)`` 정수 텐서.

    행은 실제 클래스, 열은 예측한 클래스입니다(scikit-learn과 같은 방향). 대각선이
    맞힌 개수이고, 행의 합은 그 클래스의 시험 이미지 수입니다.
    """
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError(f"num_classes는 1 이상의 정수여야 합니다. 받은 값: {num_classes!r}")
    preds, targets = _as_labels(preds, "preds"), _as_labels(targets, "targets")
    if preds.shape != targets.shape:
        raise ValueError(f"preds({preds.numel()}개)와 targets({targets.numel()}개)의 길이가 다릅니다.")
    for name, t in (("preds", preds), ("targets", targets)):
        if t.numel() and (t.min() < 0 or t.max() >= num_classes):
            raise ValueError(f"{name}의 라벨은 0 이상 {num_classes - 1} 이하여야 합니다. "
                             f"받은 범위: {t.min().item()}…{t.max().item()}")
    flat = targets * num_classes + preds
    return torch.bincount(flat, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


class _LivePlot:
    """노트북에서 에폭마다 학습 곡선을 같은 자리에 다시 그립니다."""

    def __init__(self):
        from IPython.display import display

        from . import plot

        self.plot = plot
        self.handle = display(display_id=True)

    def update(self, history):
        import matplotlib.pyplot as plt

        fig = self.plot.plot_history(history)
        self.handle.update(fig)
        plt.close(fig)


def _scheduler(schedule, opt, total_steps):
    if schedule is None:
        return None
    if schedule == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(
            opt, max_lr=[g["lr"] for g in opt.param_groups], total_steps=total_steps, pct_start=0.3)
    if schedule == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total_steps)
    raise ValueError(f"schedule은 None, 'onecycle', 'cosine' 가운데 하나여야 합니다. 받은 값: {schedule!r}")


@dataclass
class Step:
    """``on_step`` 콜백이 받는 학습 한 걸음: 에폭(1부터), 에폭 안의 걸음(0부터), 손실, 맞힌 수, 미니배치 크기."""

    epoch: int
    step: int
    loss: float
    correct: int
    n: int


class StepRecorder:
    """:func:`fit`의 콜백: ``every`` 걸음마다 그동안의 평균 학습 손실과 오차를 적어 둡니다.

    ``fit(..., callbacks=[rec])``로 넘기면 ``rec.steps``(누적 걸음 수), ``rec.loss``, ``rec.error``에
    같은 길이의 목록이 쌓입니다. ``every=1``이면 미니배치마다의 값입니다. 학습 모드(드롭아웃, 배치 정규화의
    미니배치 통계)에서 잰 값이라 평가 모드의 정확도와는 조금 다릅니다.
    """

    def __init__(self, every: int = 1):
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"every는 1 이상의 정수여야 합니다. 받은 값: {every!r}")
        self.every = every
        self.steps, self.loss, self.error = [], [], []
        self._seen, self._loss, self._wrong, self._n = 0, 0.0, 0, 0

    def on_step(self, step: Step) -> None:
        self._seen += 1
        self._loss += step.loss * step.n
        self._wrong += step.n - step.correct
        self._n += step.n
        if self._seen % self.every == 0:
            self.steps.append(self._seen)
            self.loss.append(self._loss / self._n)
            self.error.append(self._wrong / self._n)
            self._loss, self._wrong, self._n = 0.0, 0, 0


def _interactive() -> bool:
    """진행 막대와 실시간 학습 곡선을 보일지: 노트북 안이고, 책을 빌드하는 중(``CNNLIB_BUILD=1``)이 아닐 때."""
    return _in_notebook() and os.environ.get("CNNLIB_BUILD", "") not in ("1", "true", "yes")


def _optimizer(model, optimizer, lr, weight_decay):
    if isinstance(optimizer, torch.optim.Optimizer):
        return optimizer
    if optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=weight_decay)
    if optimizer == "adam":
        return torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    if isinstance(optimizer, str):
        raise ValueError(f"optimizer는 'sgd', 'adam' 또는 Optimizer 객체여야 합니다. 받은 값: {optimizer!r}")
    raise TypeError(f"optimizer의 타입이 맞지 않습니다: {type(optimizer).__name__}")


def _check_fit_args(model, epochs, max_steps, callbacks):
    if not isinstance(model, nn.Module):
        raise TypeError(f"nn.Module이 필요합니다. 받은 타입: {type(model).__name__}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs는 1 이상의 정수여야 합니다. 받은 값: {epochs!r}")
    if max_steps is not None and (isinstance(max_steps, bool) or not isinstance(max_steps, int)
                                  or max_steps < 1):
        raise ValueError(f"max_steps는 1 이상의 정수나 None이어야 합니다. 받은 값: {max_steps!r}")
    for cb in callbacks:
        if not (hasattr(cb, "on_step") or hasattr(cb, "on_epoch_end")):
            raise TypeError(f"콜백에는 on_step이나 on_epoch_end 메서드가 있어야 합니다. 받은 타입: {type(cb).__name__}")


@dataclass
class _Run:
    """한 번의 :func:`fit`이 걸음마다 쓰는 것들."""

    model: nn.Module
    opt: torch.optim.Optimizer
    sched: object
    prec: _precision.Precision
    loss_fn: object
    dev: torch.device
    channels_last: bool
    callbacks: list


def _train_step(run: _Run, x, y):
    """미니배치 하나: 순전파, 역전파, 갱신. ``(출력, 손실)``을 돌려줍니다."""
    x, y = _to(x, run.dev, run.channels_last), y.to(run.dev, non_blocking=True)
    run.opt.zero_grad(set_to_none=True)
    with run.prec.context():
        out, loss = _forward(run.model, x, y, run.loss_fn)
    if run.prec.scaler is not None:
        run.prec.scaler.scale(loss).backward()
        run.prec.scaler.step(run.opt)
        run.prec.scaler.update()
    else:
        loss.backward()
        run.opt.step()
    if run.sched is not None:
        run.sched.step()
    return out, loss, y


def _train_epoch(run: _Run, loader, epoch: int, steps: int, bar) -> tuple[int, int, float]:
    """한 에폭을 학습하고 ``(본 이미지 수, 맞힌 수, 손실 합)``을 돌려줍니다."""
    run.model.train()
    total, correct, loss_sum = 0, 0, 0.0
    for step, (x, y) in enumerate(loader):
        if step >= steps:
            break
        out, loss, y = _train_step(run, x, y)
        n, right, value = y.shape[0], (out.argmax(1) == y).sum().item(), loss.item()
        loss_sum += value * n
        correct += right
        total += n
        for cb in run.callbacks:
            if hasattr(cb, "on_step"):
                cb.on_step(Step(epoch, step, value, right, n))
        bar.update(1)
        bar.set_postfix(손실=f"{loss_sum / total:.3f}", 정확도=f"{correct / total:.1%}")
    if total == 0:
        raise ValueError("학습할 데이터가 없습니다 (train_loader가 비어 있습니다).")
    return total, correct, loss_sum


def fit(model: nn.Module, train_loader, test_loader=None, epochs: int = 1, lr: float = 0.01,
        optimizer="sgd", loss_fn=None, device=None, max_steps: int | None = None,
        progress: bool | None = None, live_plot: bool | None = None, schedule: str | None = None,
        weight_decay: float = 0.0, amp: bool | None = None, callbacks=()) -> History:
    """모델을 학습하고 :class:`History`를 돌려줍니다.

    Parameters
    ----------
    optimizer : ``"sgd"``(모멘텀 0.9), ``"adam"``, 또는 이미 만든 ``torch.optim.Optimizer``.
    max_steps : 에폭마다 최대 미니배치 수(``None``이면 전부). ``ci`` 프로필처럼
        모든 셀이 도는지만 볼 때 씁니다.
    schedule : 학습률 일정. ``None``이면 ``lr`` 고정, ``"onecycle"``이면 처음 30% 동안
        ``lr``까지 올렸다가 0 가까이로 내리고(OneCycle), ``"cosine"``이면 ``lr``에서 코사인
        모양으로 0까지 내립니다. 미니배치마다 갱신합니다.
    weight_decay : 가중치 감쇠 계수 (``"sgd"``, ``"adam"``일 때).
    loss_fn : 기본값은 교차 엔트로피. 모델이 ``(주 출력, 보조 출력, …)`` 튜플을 돌려주면
        ``loss_fn``은 그 튜플을 받고(예: :func:`cnnlib.models.aux_loss`), 정확도는 주 출력으로
        셉니다.
    progress, live_plot : 진행 막대, 에폭마다 다시 그리는 학습 곡선. 기본값(``None``)은 노트북에서
        직접 실행할 때만 켜고, 책을 빌드할 때(``CNNLIB_BUILD=1``)는 끕니다.
    callbacks : ``on_step(Step)``이나 ``on_epoch_end(History)`` 메서드가 있는 객체들.
        걸음마다의 곡선은 :class:`StepRecorder`로 얻습니다.
    amp : 자동 혼합 정밀도(AMP). ``None``(기본값)이면 알아서 고릅니다: CUDA에서는 bfloat16이나
        float16, bfloat16을 하드웨어로 직접 계산하는 CPU(AVX512-BF16, AMX)에서는 bfloat16(깊이별 합성곱이
        있는 모델은 빼고), 그 밖에는 float32. 환경 변수 ``CNNLIB_AMP=0``이면 float32로 못 박습니다.
        ``False``면 언제나 float32, ``"emulate"``면 CPU에서 bfloat16을 흉내 냅니다(:mod:`cnnlib.precision`).
        가중치와 옵티마이저는 언제나 float32이고, 고른 정밀도는 :func:`precision`과 ``History.precision``으로
        알 수 있습니다.
    """
    from tqdm.auto import tqdm

    callbacks = list(callbacks)
    _check_fit_args(model, epochs, max_steps, callbacks)
    dev = torch.device(device) if device is not None else runtime.device()
    channels_last = dev.type == "cuda"
    model.to(dev)
    if channels_last:
        model.to(memory_format=torch.channels_last)
    opt = _optimizer(model, optimizer, lr, weight_decay)
    steps = len(train_loader) if max_steps is None else min(max_steps, len(train_loader))
    run = _Run(model, opt, _scheduler(schedule, opt, epochs * max(1, steps)), _precision.resolve(dev, model, amp),
               loss_fn or nn.CrossEntropyLoss(), dev, channels_last, callbacks)
    live = _LivePlot() if (live_plot if live_plot is not None else _interactive()) else None
    show_bar = progress if progress is not None else _interactive()
    history = History(precision=run.prec.name)
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        with tqdm(total=steps, desc=f"에폭 {epoch}/{epochs}", disable=not show_bar, leave=False) as bar:
            total, correct, loss_sum = _train_epoch(run, train_loader, epoch, steps, bar)
        history.seconds.append(time.perf_counter() - start)
        history.images += total
        history.train_loss.append(loss_sum / total)
        history.train_acc.append(correct / total)
        if test_loader is not None:
            result = evaluate(model, test_loader, dev, run.loss_fn, amp=amp)
            history.test_loss.append(result["loss"])
            history.test_acc.append(result["acc"])
        for cb in callbacks:
            if hasattr(cb, "on_epoch_end"):
                cb.on_epoch_end(history)
        if live is not None:
            live.update(history)
    return history
