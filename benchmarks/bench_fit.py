"""``cnnlib.train.fit``이 손으로 쓴 가장 짧은 PyTorch 학습 반복문만큼 빠른지 표로 출력합니다.

    source .ci/setup && CNNLIB_DATA=../shared/data python benchmarks/bench_fit.py [--threads 2] [--steps 150]

같은 모델(같은 초기 가중치), 같은 ``DataLoader``, 같은 옵티마이저(SGD, 모멘텀 0.9)로
``--steps``개의 미니배치를 학습하며 초당 이미지 수를 잽니다. 계산 정밀도도 같습니다: fit이 이
CPU에서 bfloat16 혼합 정밀도를 고르면(``train.precision``) 손 반복문도 같은 ``torch.autocast``로
돕니다 (``--amp off``면 둘 다 float32). fit은 진행 막대(tqdm)를 켠 채로
잽니다(막대는 /dev/null로 보냅니다). 두 쪽을 번갈아 ``--rounds``번 재고 중앙값을 씁니다.
목표: fit / 손 반복문 ≥ 0.95.

노트북의 실시간 학습 곡선은 에폭이 끝날 때마다 한 번 그리므로, 그 그림 한 장을 그리는 시간을
따로 재서 한 에폭의 시간과 견줍니다.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

import torch
from torch import nn

from cnnlib import data, models, plot, train
from cnnlib.train import History


def hand_loop(model, loader, steps: int, lr: float, amp: bool | None) -> float:
    """가장 짧은 학습 반복문. 초당 이미지 수를 돌려줍니다."""
    bf16 = train.precision(model, "cpu", amp) == "bfloat16"
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    n, start = 0, time.perf_counter()
    for step, (x, y) in enumerate(loader):
        if step >= steps:
            break
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = loss_fn(model(x).float(), y)
        loss.backward()
        opt.step()
        loss.item()  # 보통의 반복문도 손실을 기록합니다
        n += y.shape[0]
    return n / (time.perf_counter() - start)


def with_fit(model, loader, steps: int, lr: float, amp: bool | None) -> float:
    with open(os.devnull, "w") as devnull:
        stderr, sys.stderr = sys.stderr, devnull  # tqdm 막대는 그리되 화면에는 내지 않습니다
        try:
            history = train.fit(model, loader, epochs=1, lr=lr, max_steps=steps, progress=True,
                                live_plot=False, amp=amp)
        finally:
            sys.stderr = stderr
    return history.images_per_second


def compare(name: str, make_model, dataset: str, batch: int, steps: int, rounds: int,
            amp: bool | None) -> dict:
    train_loader, _ = data.loaders(dataset, batch_size=batch, train_size=None)
    torch.manual_seed(0)
    init = make_model().state_dict()
    fit_ips, hand_ips = [], []
    for r in range(rounds):
        order = (("hand", hand_loop), ("fit", with_fit)) if r % 2 == 0 else (("fit", with_fit), ("hand", hand_loop))
        for label, run in order:
            model = make_model()
            model.load_state_dict(init)
            ips = run(model, train_loader, steps, 0.01, amp)
            (fit_ips if label == "fit" else hand_ips).append(ips)
    fit_med, hand_med = statistics.median(fit_ips), statistics.median(hand_ips)
    return {"name": name, "precision": train.precision(model, "cpu", amp), "fit": fit_med, "hand": hand_med,
            "ratio": fit_med / hand_med, "ratios": [f / h for f, h in zip(fit_ips, hand_ips, strict=True)]}


def live_plot_seconds(epochs: int = 10) -> float:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    history = History(train_loss=[1.0 / (i + 1) for i in range(epochs)],
                      train_acc=[0.5 + i / 40 for i in range(epochs)],
                      test_loss=[1.1 / (i + 1) for i in range(epochs)],
                      test_acc=[0.5 + i / 45 for i in range(epochs)])
    start = time.perf_counter()
    fig = plot.plot_history(history)
    plot.figure_png(fig)
    plt.close(fig)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--amp", choices=("auto", "off"), default="auto",
                        help="auto: fit이 고르는 정밀도(bfloat16을 직접 계산하는 CPU면 bfloat16), off: float32")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    os.environ.setdefault("CNNLIB_PROFILE", "cpu")
    cases = [("LeNet-5 (modern) / MNIST, 배치 128", lambda: models.lenet5("modern"), "mnist", 128)]
    if "resnet20" in models.NAMES:
        cases.append(("ResNet-20 / FashionMNIST, 배치 128", lambda: models.create("resnet20"), "fashion_mnist", 128))
    cases.append(("VGG small (BN) / FashionMNIST, 배치 128", lambda: models.vgg("small", True), "fashion_mnist", 128))
    print(f"기계: {platform.machine()}, CPU {os.cpu_count()}개 · PyTorch {torch.__version__} · "
          f"스레드 {args.threads} · 미니배치 {args.steps}개 × {args.rounds}번 (번갈아, 중앙값)")
    amp = None if args.amp == "auto" else False
    print(f"{'모델 / 데이터':<40} {'정밀도':>9} {'fit (이미지/초)':>15} {'손 반복문':>10} {'비율':>6}  라운드별 비율")
    for name, make, dataset, batch in cases:
        r = compare(name, make, dataset, batch, args.steps, args.rounds, amp)
        spread = " ".join(f"{x:.3f}" for x in r["ratios"])
        print(f"{name:<40} {r['precision']:>9} {r['fit']:>15,.0f} {r['hand']:>10,.0f} {r['ratio']:>6.3f}  {spread}")
    t = live_plot_seconds()
    print(f"실시간 학습 곡선 한 장(10 에폭) 그리기: {t * 1e3:.0f} ms — 에폭이 끝날 때 한 번만 그립니다")


if __name__ == "__main__":
    main()
