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

__all__ = ["launch", "free_port", "ddp_gradient_check", "allreduce_megabytes", "default_backend"]

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
def _demo_model(seed: int) -> nn.Module:
    from . import models

    torch.manual_seed(seed)
    return models.lenet5("modern")


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
