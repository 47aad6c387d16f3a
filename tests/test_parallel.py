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


def test_ddp_training_matches_one_process_with_double_batch(shared_data):
    """16장의 실험을 작게: 프로세스 2개 × 배치 8로 3걸음 = 프로세스 1개 × 배치 16으로 3걸음."""
    x, y = parallel.train_subset("mnist", 40, seed=1)
    config = dict(batch_per_process=8, steps=3, lr=0.05, seed=1)
    results = parallel.launch(parallel.ddp_train_worker, 2, backend="gloo", timeout=180,
                              args=(x, y, *config.values(), (0.01,), 1))
    assert multiprocessing.active_children() == []
    single = parallel.train_single(x, y, **config, world_size=2)
    first, second = results
    # 표본은 겹치지 않고 모두 쓰이며, DDP는 순위 0의 초깃값을 모두에게 보냅니다.
    assert set(first["indices"]).isdisjoint(second["indices"])
    assert set(first["indices"]) | set(second["indices"]) == set(range(40))
    assert first["before"] != second["before"] and first["after"] == second["after"] == first["before"]
    assert max((first["first_grads"][k] - v).abs().max().item() for k, v in single["first_grads"].items()) < 1e-6
    assert max((first["state"][k] - v).abs().max().item() for k, v in single["state"].items()) < 1e-5
    assert first["losses"] == second["losses"]
    assert first["losses"] == pytest.approx(single["losses"], abs=1e-5)
    assert second["state"] is None and len(first["allreduce_seconds"]) == 1


def test_rank_batches_follow_the_distributed_sampler():
    per_rank = parallel.rank_batches(10, 2, 2, seed=0, epoch=0)
    assert [len(b) for b in per_rank] == [2, 2]          # 순위마다 5개 → 배치 2개, 남는 하나는 버림
    flat = [i for batches in per_rank for b in batches for i in b]
    assert len(set(flat)) == len(flat) == 8
    assert parallel.rank_batches(10, 2, 2, seed=0, epoch=1) != per_rank   # 에폭마다 다른 순서


def test_train_subset_is_reproducible(shared_data):
    x1, y1 = parallel.train_subset("mnist", 16, seed=3)
    x2, y2 = parallel.train_subset("mnist", 16, seed=3)
    assert x1.shape == (16, 1, 28, 28) and torch.equal(x1, x2) and torch.equal(y1, y2)


def test_lenet5_modern_is_the_book_model():
    torch.manual_seed(5)
    ours = parallel.lenet5_modern()
    torch.manual_seed(5)
    book = models.lenet5("modern")
    theirs = book.state_dict()
    assert list(ours.state_dict()) == list(theirs)
    assert all(torch.equal(v, theirs[k]) for k, v in ours.state_dict().items())
    x = torch.randn(2, 1, 28, 28)
    assert torch.equal(ours(x), book(x))
