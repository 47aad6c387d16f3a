"""여러 프로세스로 학습하기: ``torch.distributed``의 데이터 병렬(DDP)을 한 기계 안에서.

* :func:`launch` — 이 기계 안에서 프로세스 ``nprocs``개를 띄워 ``worker(rank, world_size, *args)``를
  돌리고, 순위(rank) 순서로 돌려준 값을 모읍니다. 프로세스끼리는 루프백 주소(127.0.0.1)로만
  이야기합니다. 백엔드는 GPU가 프로세스 수만큼 있으면 ``nccl``, 아니면 ``gloo``(CPU)입니다.
  노트북에서도 스크립트에서도 씁니다. ``worker``는 노트북이 아니라 모듈(.py)에 정의된
  함수여야 합니다: 새 프로세스가 그 함수를 import해서 부르기 때문입니다.
* :func:`ddp_gradient_check` — 프로세스 2개 × 배치 B로 DDP 한 걸음 = 프로세스 1개 × 배치 2B로 한
  걸음임을 보입니다. 가중치의 최대 차이와 각 프로세스가 받은 표본 번호를 돌려줍니다.
* :func:`allreduce_megabytes` — 걸음마다 프로세스들이 주고받아 평균 내는 기울기의 크기
  (매개변수 수 × 4바이트).
* :func:`ddp_train_worker`와 :func:`train_single` — 16장의 짧은 데이터 병렬 학습: 프로세스마다
  ``DistributedSampler``로 나눈 MNIST 부분집합을 DDP로 학습하고(올리듀스 시간도 잽니다), 같은 학습을
  프로세스 하나가 두 배 큰 배치로 되풀이합니다. 두 결과를 견주면 DDP가 무엇을 하는지 보입니다.

``torchrun --nproc-per-node 2 -m cnnlib.parallel``로도 같은 확인을 돌릴 수 있습니다.
"""

from __future__ import annotations

import os
import queue as queue_module
import socket
import time
import traceback
from datetime import timedelta

import torch
from torch import nn

__all__ = ["launch", "free_port", "ddp_gradient_check", "allreduce_megabytes", "default_backend",
           "train_subset", "ddp_train_worker", "train_single", "rank_batches", "lenet5_modern"]

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """루프백에서 비어 있는 TCP 포트 번호."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def default_backend(nprocs: int) -> str:
    """GPU가 ``nprocs``개 이상이면 ``"nccl"``, 아니면 ``"gloo"``."""
    return "nccl" if torch.cuda.is_available() and torch.cuda.device_count() >= nprocs else "gloo"


def _by_value(value, to_numpy: bool):
    """결과 안의 텐서를 NumPy 배열로(보낼 때) 또는 다시 텐서로(받을 때) 바꿉니다.

    torch.multiprocessing의 큐는 텐서를 공유 메모리로 넘기는데, 보낸 프로세스가 먼저 끝나면 받는
    쪽이 그 메모리를 찾지 못합니다. 값으로 복사해 보내면 그런 경쟁이 없습니다.
    """
    import numpy as np

    if to_numpy and isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    if not to_numpy and isinstance(value, np.ndarray):
        return torch.from_numpy(value)
    if isinstance(value, dict):
        return {k: _by_value(v, to_numpy) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_by_value(v, to_numpy) for v in value)
    return value


def _entry(rank, world_size, backend, port, timeout, worker, args, results):
    import torch.distributed as dist

    torch.set_num_threads(1)  # 프로세스 여럿이 코어를 나눠 씁니다
    try:
        dist.init_process_group(backend, init_method=f"tcp://{LOOPBACK}:{port}", rank=rank,
                                world_size=world_size, timeout=timedelta(seconds=timeout))
        if backend == "nccl":
            torch.cuda.set_device(rank)
        results.put((rank, True, _by_value(worker(rank, world_size, *args), to_numpy=True)))
    except BaseException as exc:  # 부모에게 오류를 글로 넘깁니다
        results.put((rank, False, f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()


def launch(worker, nprocs: int = 2, *, args: tuple = (), backend: str | None = None,
           timeout: float = 120.0) -> list:
    """``worker(rank, world_size, *args)``를 프로세스 ``nprocs``개에서 돌리고 결과 목록을 돌려줍니다.

    ``timeout``초 안에 끝나지 않거나 한 프로세스라도 실패하면 남은 프로세스를 모두 끝내고
    ``RuntimeError``를 냅니다. 끝나면 자식 프로세스가 남지 않습니다. 결과 안의 텐서는 값으로
    복사되어(CPU 텐서로) 돌아옵니다.
    """
    import torch.multiprocessing as mp

    if not callable(worker):
        raise TypeError(f"worker는 함수여야 합니다. 받은 타입: {type(worker).__name__}")
    if getattr(worker, "__module__", None) == "__main__" or "<locals>" in getattr(worker, "__qualname__", ""):
        raise ValueError(
            "worker는 모듈(.py 파일)의 맨 위에 정의된 함수여야 합니다. 노트북 셀이나 함수 안에서 정의한 "
            "함수는 새 프로세스가 불러올 수 없습니다. 함수를 .py 파일에 옮기고 import해서 넘기세요. "
            "(worker must be a top-level function of an importable module)")
    if isinstance(nprocs, bool) or not isinstance(nprocs, int) or nprocs < 1:
        raise ValueError(f"nprocs는 1 이상의 정수여야 합니다. 받은 값: {nprocs!r}")
    backend = backend or default_backend(nprocs)
    if backend not in ("gloo", "nccl"):
        raise ValueError(f"backend는 'gloo'나 'nccl'이어야 합니다. 받은 값: {backend!r}")
    if backend == "nccl" and torch.cuda.device_count() < nprocs:
        raise ValueError(f"nccl에는 프로세스마다 GPU가 하나 필요합니다: GPU {torch.cuda.device_count()}개, "
                         f"프로세스 {nprocs}개")
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    port = free_port()
    procs = [ctx.Process(target=_entry, args=(r, nprocs, backend, port, timeout, worker, tuple(args), results),
                         daemon=True) for r in range(nprocs)]
    # 자식 프로세스의 C++ 경고(예: 네트워크 없는 곳에서 호스트 이름을 못 찾음)가 노트북의 stderr로
    # 새지 않도록, 띄우는 동안만 로그 수준을 ERROR로 둡니다 (자식은 시작할 때 환경 변수를 읽습니다).
    saved = os.environ.get("TORCH_CPP_LOG_LEVEL")
    os.environ["TORCH_CPP_LOG_LEVEL"] = saved or "ERROR"
    try:
        for p in procs:
            p.start()
    finally:
        if saved is None:
            del os.environ["TORCH_CPP_LOG_LEVEL"]
    collected, deadline = {}, time.monotonic() + timeout
    try:
        while len(collected) < nprocs:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"{timeout:.0f}초 안에 프로세스 {nprocs}개가 끝나지 않았습니다 "
                                   f"(끝난 순위: {sorted(collected)}).")
            try:
                rank, ok, value = results.get(timeout=min(left, 1.0))
            except queue_module.Empty:
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(f"프로세스가 결과 없이 끝났습니다 (종료 코드 {dead[0].exitcode}).") from None
                continue
            if not ok:
                raise RuntimeError(f"순위 {rank}의 프로세스가 실패했습니다:\n{value}")
            collected[rank] = _by_value(value, to_numpy=False)
    finally:
        for p in procs:
            p.join(timeout=10)
        for p in procs:
            if p.is_alive():
                p.terminate()
                p.join(timeout=5)
        results.close()
    return [collected[r] for r in range(nprocs)]


# ---------------------------------------------------------------- 같은 기울기인지 확인
def lenet5_modern() -> nn.Sequential:
    """``cnnlib.models.lenet5("modern")``과 구조, 층 이름, 초기화 순서가 같은 LeNet-5.

    자식 프로세스는 모두 파이썬을 새로 띄우므로, ``cnnlib.models``를 불러오면 딸려 오는 torchvision까지
    프로세스마다 몇 초씩 다시 불러옵니다. 그 시간을 아끼려고 여기서 직접 만듭니다. 같은 시드로 만들면
    가중치까지 같다는 것을 ``tests/test_parallel.py``가 확인합니다(``state_dict``를 서로 불러올 수 있습니다).
    """
    from collections import OrderedDict

    c3 = nn.Conv2d(6, 16, 5)  # lenet5()와 같은 순서로 만들어야 같은 시드에서 같은 초깃값이 나옵니다
    return nn.Sequential(OrderedDict([
        ("C1", nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(inplace=True))),
        ("S2", nn.MaxPool2d(2)),
        ("C3", nn.Sequential(c3, nn.ReLU(inplace=True))),
        ("S4", nn.MaxPool2d(2)),
        ("C5", nn.Sequential(nn.Conv2d(16, 120, 5), nn.ReLU(inplace=True), nn.Flatten())),
        ("F6", nn.Sequential(nn.Linear(120, 84), nn.ReLU(inplace=True))),
        ("OUT", nn.Linear(84, 10)),
    ]))


def _demo_model(seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return lenet5_modern()


def _demo_data(n: int, seed: int):
    g = torch.Generator().manual_seed(seed + 1)
    return torch.randn(n, 1, 28, 28, generator=g), torch.randint(0, 10, (n,), generator=g)


def _one_step(model, x, y, lr):
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    opt.zero_grad()
    nn.functional.cross_entropy(model(x), y).backward()
    opt.step()


def _ddp_worker(rank: int, world_size: int, batch: int, seed: int, lr: float) -> dict:
    from torch.nn.parallel import DistributedDataParallel as DDP
    from torch.utils.data import DistributedSampler, TensorDataset

    x, y = _demo_data(batch * world_size, seed)
    sampler = DistributedSampler(TensorDataset(x, y), num_replicas=world_size, rank=rank, shuffle=False)
    idx = list(sampler)
    model = _demo_model(seed)
    cuda = torch.cuda.is_available() and torch.distributed.get_backend() == "nccl"
    dev = torch.device("cuda", rank) if cuda else torch.device("cpu")
    ddp = DDP(model.to(dev), device_ids=[rank] if cuda else None)
    start = time.perf_counter()
    _one_step(ddp, x[idx].to(dev), y[idx].to(dev), lr)
    seconds = time.perf_counter() - start
    state = dict(model.state_dict()) if rank == 0 else None
    return {"rank": rank, "indices": idx, "state": state, "step_seconds": seconds}


def ddp_gradient_check(nprocs: int = 2, batch_per_process: int = 16, seed: int = 0, lr: float = 0.1,
                       backend: str | None = None, timeout: float = 120.0) -> dict:
    """DDP(프로세스 ``nprocs``개 × 배치 B) 한 걸음과 프로세스 1개 × 배치 ``nprocs``·B 한 걸음을 비교합니다.

    돌려주는 값: ``max_abs_diff``(걸음 뒤 가중치의 최대 차이), ``indices``(순위별 표본 번호),
    ``seconds``(프로세스를 띄우고 끝날 때까지의 시간), ``step_seconds``(순위별 한 걸음의 시간).
    """
    start = time.perf_counter()
    results = launch(_ddp_worker, nprocs, args=(batch_per_process, seed, lr), backend=backend, timeout=timeout)
    seconds = time.perf_counter() - start
    reference = _demo_model(seed)
    x, y = _demo_data(batch_per_process * nprocs, seed)
    _one_step(reference, x, y, lr)
    ddp_state = results[0]["state"]
    diff = max((ddp_state[k] - v).abs().max().item() for k, v in reference.state_dict().items())
    return {"max_abs_diff": diff, "indices": [r["indices"] for r in results], "seconds": seconds,
            "step_seconds": [r["step_seconds"] for r in results]}


def allreduce_megabytes(model: nn.Module, bytes_per_value: int = 4) -> float:
    """DDP가 걸음마다 모든 프로세스 사이에서 평균 내는 기울기의 크기(MB = 10⁶바이트)."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model은 nn.Module이어야 합니다. 받은 타입: {type(model).__name__}")
    n = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return n * bytes_per_value / 1e6


# ---------------------------------------------------------------- 짧은 데이터 병렬 학습 (16장)
def train_subset(name: str = "mnist", n: int | None = 512, seed: int = 0):
    """학습 데이터에서 ``seed``로 고른 ``n``장(``None``이면 전체)을 텐서 ``(x, y)``로 돌려줍니다.

    부모 프로세스와 자식 프로세스가 이 함수를 따로 불러도 같은 표본을 얻습니다.
    """
    from . import data

    ds = data.in_memory(name, train=True)
    x, y = ds.images, ds.targets
    if n is not None and n < len(y):
        idx = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))[:n]
        x, y = x[idx], y[idx]
    return x, y


def _sampler(n: int, world_size: int, rank: int, seed: int, epoch: int):
    from torch.utils.data import DistributedSampler

    sampler = DistributedSampler(range(n), num_replicas=world_size, rank=rank, shuffle=True, seed=seed)
    sampler.set_epoch(epoch)  # 에폭마다 섞는 순서를 바꿉니다 (모든 순위가 같은 순서를 씁니다)
    return sampler


def rank_batches(n: int, world_size: int, batch_per_process: int, seed: int, epoch: int) -> list:
    """에폭 ``epoch``에서 순위마다 받는 미니배치들의 표본 번호: ``[순위][걸음] -> 번호 목록``.

    ``DistributedSampler``(섞기, ``seed``)가 나눈 번호를 ``batch_per_process``개씩 자르고,
    모자란 마지막 묶음은 버립니다(``drop_last``).
    """
    out = []
    for rank in range(world_size):
        idx = list(_sampler(n, world_size, rank, seed, epoch))
        out.append([idx[i:i + batch_per_process] for i in range(0, len(idx) - batch_per_process + 1,
                                                                  batch_per_process)])
    return out


def _allreduce_seconds(megabytes, repeats: int) -> list:
    """크기(MB)마다 ``all_reduce``에 걸린 시간(초)의 중앙값. 모든 순위가 함께 불러야 합니다."""
    import statistics

    import torch.distributed as dist

    out = []
    for mb in megabytes:
        t = torch.ones(max(1, int(mb * 1e6 / 4)))
        dist.all_reduce(t)  # 준비 운동 (첫 호출은 연결을 만드느라 느립니다)
        times = []
        for _ in range(repeats):
            dist.barrier()
            start = time.perf_counter()
            dist.all_reduce(t)
            times.append(time.perf_counter() - start)
        out.append(statistics.median(times))
    return out


def ddp_train_worker(rank: int, world_size: int, x: torch.Tensor, y: torch.Tensor, batch_per_process: int = 32,
                     steps: int = 16, lr: float = 0.05, seed: int = 0, allreduce_mb: tuple = (),
                     repeats: int = 3) -> dict:
    """DDP로 LeNet-5(modern)를 ``steps``걸음 학습하는 작업자 (프로세스마다 하나씩 돕니다).

    학습 데이터 ``x``, ``y``는 부모 프로세스가 넘깁니다(:func:`train_subset`). 일부러 순위마다 다른 시드로 모델을 만들어, DDP가 시작할 때 순위 0의 가중치를 모두에게
    보낸다(broadcast)는 것을 보입니다. 돌려주는 값: ``indices``(첫 에폭에 이 순위가 받은 표본 번호),
    ``before``/``after``(DDP로 감싸기 전후 가중치의 합), ``first_grads``(첫 걸음의 평균 기울기),
    ``losses``(걸음마다 모든 순위의 평균 손실), ``state``(순위 0만: 학습 뒤 가중치),
    ``started_at``(작업자가 시작한 시각, ``time.time()``), ``ddp_seconds``(모델을 만들고 DDP로 감싸는 시간), ``train_seconds``(그 뒤 학습 반복문의 시간), ``allreduce_seconds``(``allreduce_mb``의
    크기마다).
    """
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel as DDP
    from torch.utils.data import DataLoader, TensorDataset

    started_at = time.time()                        # 부모가 프로세스를 띄운 뒤 여기까지 걸린 시간을 재려고
    start = time.perf_counter()
    model = _demo_model(seed + rank)                  # 순위마다 다른 초깃값
    before = sum(p.sum().item() for p in model.parameters())
    ddp = DDP(model)                                # 여기서 순위 0의 가중치가 모두에게 복사됩니다
    after = sum(p.sum().item() for p in model.parameters())
    ddp_seconds = time.perf_counter() - start      # 처음 부르는 DDP는 필요한 모듈을 불러오느라 몇 초 걸립니다
    start = time.perf_counter()
    opt = torch.optim.SGD(ddp.parameters(), lr=lr, momentum=0.9)
    losses, first_grads, first_indices = [], None, None
    epoch = 0
    while len(losses) < steps:
        sampler = _sampler(len(y), world_size, rank, seed, epoch)
        if epoch == 0:
            first_indices = list(sampler)
        loader = DataLoader(TensorDataset(x, y), batch_size=batch_per_process, sampler=sampler, drop_last=True)
        for xb, yb in loader:
            opt.zero_grad()
            loss = nn.functional.cross_entropy(ddp(xb), yb)
            loss.backward()                         # 역전파하면서 기울기를 올리듀스해 평균 냅니다
            if first_grads is None:
                first_grads = {k: p.grad.clone() for k, p in model.named_parameters()}
            opt.step()
            mean_loss = loss.detach().clone()
            dist.all_reduce(mean_loss)              # 기록용: 모든 순위의 손실 평균
            losses.append(mean_loss.item() / world_size)
            if len(losses) == steps:
                break
        epoch += 1
    train_seconds = time.perf_counter() - start
    return {"rank": rank, "started_at": started_at, "indices": first_indices, "before": before, "after": after,
            "first_grads": first_grads, "losses": losses,
            "state": dict(model.state_dict()) if rank == 0 else None, "ddp_seconds": ddp_seconds,
            "train_seconds": train_seconds,
            "allreduce_seconds": _allreduce_seconds(allreduce_mb, repeats)}


def train_single(x: torch.Tensor, y: torch.Tensor, batch_per_process: int = 32, steps: int = 16,
                 lr: float = 0.05, seed: int = 0, world_size: int = 2) -> dict:
    """:func:`ddp_train_worker`와 같은 학습을 프로세스 하나가 배치 ``world_size``·B로 합니다.

    걸음마다 모든 순위의 미니배치를 이어 붙인 배치 하나로 학습하므로, DDP가 맞게 작동하면
    손실과 가중치가 (부동소수점 반올림 차이를 빼면) 같습니다.
    """
    model = _demo_model(seed)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    losses, first_grads = [], None
    start = time.perf_counter()
    epoch = 0
    while len(losses) < steps:
        per_rank = rank_batches(len(y), world_size, batch_per_process, seed, epoch)
        for batches in zip(*per_rank, strict=True):
            idx = [i for b in batches for i in b]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            if first_grads is None:
                first_grads = {k: p.grad.clone() for k, p in model.named_parameters()}
            opt.step()
            losses.append(loss.item())
            if len(losses) == steps:
                break
        epoch += 1
    return {"first_grads": first_grads, "losses": losses, "state": dict(model.state_dict()),
            "train_seconds": time.perf_counter() - start}


def main() -> None:  # pragma: no cover - torchrun/명령줄용
    """``python -m cnnlib.parallel`` 또는 ``torchrun --nproc-per-node 2 -m cnnlib.parallel``."""
    if "RANK" in os.environ and "WORLD_SIZE" in os.environ:  # torchrun이 띄운 경우
        import torch.distributed as dist

        dist.init_process_group(default_backend(int(os.environ["WORLD_SIZE"])))
        out = _ddp_worker(dist.get_rank(), dist.get_world_size(), 16, 0, 0.1)
        print(f"순위 {out['rank']}: 표본 {out['indices']}")
        dist.destroy_process_group()
        return
    result = ddp_gradient_check()
    print(f"DDP 2프로세스 × 배치 16 vs 1프로세스 × 배치 32: 가중치 최대 차이 {result['max_abs_diff']:.2e}, "
          f"{result['seconds']:.1f}초")


if __name__ == "__main__":  # pragma: no cover
    main()
