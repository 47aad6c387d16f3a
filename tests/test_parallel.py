"""cnnlib.parallel: 실제 프로세스 2개(gloo, 루프백)로 DDP 한 걸음을 돌립니다."""

import multiprocessing

import pytest
import torch

from cnnlib import models, parallel


def failing_worker(rank, world_size):
    if rank == 1:
        raise ArithmeticError("일부러 낸 오류")
    return rank


def test_ddp_two_processes_equal_one_process_with_double_batch():
    result = parallel.ddp_gradient_check(nprocs=2, batch_per_process=8, backend="gloo", timeout=180)
    assert result["max_abs_diff"] < 1e-6
    first, second = result["indices"]
    assert len(first) == len(second) == 8
    assert set(first).isdisjoint(second) and set(first) | set(second) == set(range(16))
    assert multiprocessing.active_children() == []


def test_worker_failure_is_reported_and_processes_are_cleaned_up():
    with pytest.raises(RuntimeError, match="순위 1의 프로세스가 실패했습니다") as info:
        parallel.launch(failing_worker, 2, backend="gloo", timeout=180)
    assert "일부러 낸 오류" in str(info.value)
    assert multiprocessing.active_children() == []


def test_launch_rejects_functions_it_cannot_import():
    def local(rank, world_size):
        return rank

    with pytest.raises(ValueError, match="모듈"):
        parallel.launch(local, 2)
    with pytest.raises(ValueError, match="nprocs"):
        parallel.launch(failing_worker, 0)
    with pytest.raises(ValueError, match="backend"):
        parallel.launch(failing_worker, 2, backend="mpi")


def test_default_backend_without_gpus():
    if torch.cuda.is_available():
        pytest.skip("GPU가 있는 기계입니다")
    assert parallel.default_backend(2) == "gloo"


def test_allreduce_size_is_four_bytes_per_parameter():
    with torch.device("meta"):
        model = models.create("resnet18")
    assert parallel.allreduce_megabytes(model) == pytest.approx(11_689_512 * 4 / 1e6)
    with pytest.raises(TypeError):
        parallel.allreduce_megabytes("resnet18")


def test_free_port_is_on_loopback():
    import socket

    port = parallel.free_port()
    with socket.socket() as s:
        s.bind((parallel.LOOPBACK, port))
    assert parallel.LOOPBACK == "127.0.0.1"
