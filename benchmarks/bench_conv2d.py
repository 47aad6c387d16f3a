"""직접 구현한 합성곱의 속도를 PyTorch와 비교해 표로 출력합니다 (시간을 재는 테스트가 아닙니다).

    source .ci/setup && python benchmarks/bench_conv2d.py [--threads 2] [--repeat 5]

- im2col 대 F.conv2d: 배치 8, 64→64 채널, 56×56, 3×3, 패딩 1 (목표: 3배 이내)
- 반복문 대 F.conv2d: 책의 수업용 작은 크기 (배치 1, 3→8 채널, 32×32, 3×3)
"""

from __future__ import annotations

import argparse
import platform
import time

import torch
import torch.nn.functional as F

from cnnlib import functional as Fn


def seconds(fn, repeat: int) -> float:
    """워밍업 한 번 뒤 ``repeat``번 중 가장 빠른 시간(초)."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    cases = [
        ("im2col", "배치 8, 64→64, 56×56, 3×3", (8, 64, 56, 56), (64, 64, 3, 3), Fn.conv2d_im2col),
        ("반복문", "배치 1, 3→8, 32×32, 3×3", (1, 3, 32, 32), (8, 3, 3, 3), Fn.conv2d_loops),
    ]
    print(f"기계: {platform.machine()} · PyTorch {torch.__version__} · 스레드 {args.threads} · "
          f"반복 {args.repeat}회 중 최솟값")
    print(f"{'구현':<8} {'크기':<28} {'직접 구현(ms)':>14} {'F.conv2d(ms)':>13} {'배율':>7} {'최대 오차':>10}")
    for name, label, xs, ws, impl in cases:
        x, w = torch.randn(xs), torch.randn(ws)
        ours = seconds(lambda: impl(x, w, padding=1), args.repeat)  # noqa: B023
        ref = seconds(lambda: F.conv2d(x, w, padding=1), args.repeat)  # noqa: B023
        err = (impl(x, w, padding=1) - F.conv2d(x, w, padding=1)).abs().max().item()
        print(f"{name:<8} {label:<28} {ours * 1e3:>14.2f} {ref * 1e3:>13.2f} {ours / ref:>6.2f}× {err:>10.1e}")


if __name__ == "__main__":
    main()
