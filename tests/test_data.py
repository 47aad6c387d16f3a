"""cnnlib.data: offline MNIST/FashionMNIST, profile subsets, errors, sample photos."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import torch

from cnnlib import data

HANGUL = r"[가-힣]"
DATASETS = ["mnist", "fashion_mnist"]


def _listing(folder: Path) -> dict:
    """Every file and folder under ``folder`` with its size and modification time."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st = path.stat()
            out[str(path.relative_to(folder))] = (st.st_size, st.st_mtime_ns)
    return out


# ---------------------------------------------------------------- full datasets
@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize(("train", "size"), [(True, 60_000), (False, 10_000)], ids=["train", "test"])
def test_dataset_sizes_shapes_labels(shared_data, name, train, size):
    ds = data.load_dataset(name, train=train, download=False)
    assert len(ds) == size
    assert Path(ds.root) == shared_data
    for i in (0, size - 1):
        x, y = ds[i]
        assert isinstance(x, torch.Tensor) and x.dtype == torch.float32
        assert tuple(x.shape) == (1, 28, 28)
        assert isinstance(y, int) and 0 <= y <= 9
    assert ds.targets.min().item() == 0 and ds.targets.max().item() == 9
    assert ds.targets.unique().numel() == 10


@pytest.mark.parametrize("name", DATASETS)
def test_default_transform_normalizes(shared_data, name):
    train, _ = data.loaders(name, batch_size=1000, train_size=1000, test_size=1)
    x, y = next(iter(train))
    assert x.shape == (1000, 1, 28, 28) and y.shape == (1000,)
    # 데이터셋의 평균·표준편차로 정규화했으므로 대략 평균 0, 표준편차 1입니다.
    assert abs(x.mean().item()) < 0.1
    assert abs(x.std().item() - 1.0) < 0.1


def test_transform_none_gives_pil(shared_data):
    img, label = data.load_dataset("mnist", train=False, transform=None, download=False)[0]
    assert img.size == (28, 28) and img.mode == "L"
    assert label == 7  # the first MNIST test digit is a 7


@pytest.mark.parametrize("alias", ["MNIST", "FashionMNIST", "fashion-mnist", "Fashion MNIST"])
def test_dataset_name_aliases(shared_data, alias):
    ds = data.load_dataset(alias, train=False, download=False)
    assert len(ds) == 10_000


def test_class_names():
    assert data.class_names("mnist") == tuple("0123456789")
    fashion = data.class_names("FashionMNIST")
    assert len(fashion) == 10 and all(re.search(HANGUL, n) for n in fashion)
    assert len(data.class_names("cifar10")) == 10


# ---------------------------------------------------------------- loaders and profiles
def test_subset_sizes_per_profile(monkeypatch):
    assert data.subset_sizes() == (512, 256)
    for profile in ("cpu", "gpu"):
        monkeypatch.setenv("CNNLIB_PROFILE", profile)
        assert data.subset_sizes() == (None, None)


@pytest.mark.parametrize("name", DATASETS)
def test_ci_loaders_use_profile_subsets(shared_data, name):
    train, test = data.loaders(name)
    assert (len(train.dataset), len(test.dataset)) == data.subset_sizes() == (512, 256)
    assert train.batch_size == test.batch_size == 128
    assert len(train) == 4 and len(test) == 2
    x, y = next(iter(train))
    assert x.shape == (128, 1, 28, 28) and y.dtype == torch.int64


def test_loaders_explicit_sizes(shared_data):
    train, test = data.loaders("mnist", batch_size=50, train_size=100, test_size=None)
    assert len(train.dataset) == 100 and len(test.dataset) == 10_000
    assert len(train) == 2


def test_loaders_full_size_in_cpu_profile(shared_data, monkeypatch):
    monkeypatch.setenv("CNNLIB_PROFILE", "cpu")
    train, test = data.loaders("fashion_mnist", batch_size=1000)
    assert len(train.dataset) == 60_000 and len(test.dataset) == 10_000


def test_loaders_are_reproducible(shared_data):
    batches = []
    for seed in (0, 0, 1):
        train, _ = data.loaders("mnist", batch_size=16, train_size=64, test_size=8, seed=seed)
        batches.append(next(iter(train))[1])
    assert torch.equal(batches[0], batches[1])
    assert not torch.equal(batches[0], batches[2])


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "64"], ids=["zero", "negative", "float", "bool", "string"])
def test_loaders_bad_batch_size(shared_data, bad):
    with pytest.raises(ValueError, match=HANGUL):
        data.loaders("mnist", batch_size=bad)


@pytest.mark.parametrize("bad", [0, -5, 2.5, "all", False], ids=["zero", "negative", "float", "string", "bool"])
@pytest.mark.parametrize("which", ["train_size", "test_size"])
def test_loaders_bad_sizes(shared_data, which, bad):
    with pytest.raises(ValueError, match=HANGUL) as info:
        data.loaders("mnist", **{which: bad})
    assert which in str(info.value)


def test_loading_never_writes_into_shared_data(shared_data):
    before = _listing(shared_data)
    for name in DATASETS:  # download=True (the default): must still not write anything
        tr, te = data.loaders(name, batch_size=64)
        next(iter(tr)), next(iter(te))
    assert _listing(shared_data) == before


# ---------------------------------------------------------------- missing data and bad names
@pytest.mark.parametrize("name", ["mnist", "fashion_mnist", "cifar10"])
def test_missing_data_raises_korean_error(monkeypatch, tmp_path, name):
    monkeypatch.setenv("CNNLIB_DATA", str(tmp_path))
    assert data.data_root() == tmp_path
    with pytest.raises(data.DataNotFoundError, match=HANGUL) as info:
        data.load_dataset(name, download=False)
    assert str(tmp_path) in str(info.value)
    assert isinstance(info.value, FileNotFoundError)
    assert list(tmp_path.iterdir()) == []  # nothing was created or downloaded


def test_data_root_default_and_expanduser(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("CNNLIB_DATA", raising=False)
    assert data.data_root() == tmp_path / ".cache" / "cnnlib"
    monkeypatch.setenv("CNNLIB_DATA", "~/data")
    assert data.data_root() == tmp_path / "data"


@pytest.mark.parametrize("bad", ["imagenet", "mnist2", ""])
def test_unknown_dataset_raises(bad):
    with pytest.raises(ValueError, match=HANGUL):
        data.load_dataset(bad, download=False)
    with pytest.raises(ValueError, match=HANGUL):
        data.loaders(bad)
    with pytest.raises(ValueError, match=HANGUL):
        data.class_names(bad)


# ---------------------------------------------------------------- sample photos
@pytest.mark.parametrize("name", data.SAMPLE_IMAGES)
def test_sample_image_color_and_range(name):
    img = data.sample_image(name)
    assert img.dtype == torch.float32 and img.dim() == 3 and img.shape[0] == 3
    assert img.min().item() >= 0.0 and img.max().item() <= 1.0
    assert img.max().item() > 0.5  # really scaled to [0, 1], not divided twice


def test_sample_image_shapes():
    assert tuple(data.sample_image("chelsea").shape) == (3, 300, 451)
    assert tuple(data.sample_image("chelsea", gray=True).shape) == (300, 451)
    assert tuple(data.sample_image("camera", gray=True).shape) == (512, 512)
    assert tuple(data.sample_image("camera").shape) == (3, 512, 512)  # gray photo as 3 channels


@pytest.mark.parametrize("gray", [False, True], ids=["color", "gray"])
def test_sample_image_size_shrinks_short_side(gray):
    img = data.sample_image("coffee", gray=gray, size=64)  # 400 × 600
    hw = tuple(img.shape[-2:])
    assert hw == (64, 96)
    assert img.dim() == (2 if gray else 3)
    assert 0.0 <= img.min().item() and img.max().item() <= 1.0


def test_sample_image_gray_is_luminance():
    color = data.sample_image("astronaut")
    gray = data.sample_image("astronaut", gray=True)
    expected = 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2]
    torch.testing.assert_close(gray, expected)


@pytest.mark.parametrize(("kwargs", "exc"), [
    ({"name": "dog"}, ValueError),
    ({"name": "Chelsea"}, ValueError),
    ({"name": "chelsea", "size": 4}, ValueError),
    ({"name": "chelsea", "size": 32.0}, ValueError),
], ids=["unknown-name", "wrong-case", "size-too-small", "size-float"])
def test_sample_image_bad_args(kwargs, exc):
    with pytest.raises(exc, match=HANGUL):
        data.sample_image(**kwargs)


def test_augment_transform_shifts_and_flips_training_images_only():
    import torch

    from cnnlib import data

    aug = data.augment_transform("fashion_mnist", crop_padding=2, flip=True)
    train_loader, test_loader = data.loaders("fashion_mnist", batch_size=8, train_size=8, test_size=8,
                                             augment=aug)
    assert train_loader.dataset.dataset.augment is aug
    assert test_loader.dataset.dataset.augment is None
    image = data.in_memory("fashion_mnist")[0][0]
    torch.manual_seed(0)
    views = torch.stack([aug(image) for _ in range(32)])
    assert views.shape == (32, 1, 28, 28)
    assert len({v.numpy().tobytes() for v in views}) > 5, "증강한 그림이 거의 모두 같으면 증강이 아닙니다"
    # 모든 보기는 원본을 (-2..2)칸 옮기고 어쩌면 뒤집은 것이며, 빈 칸은 배경(원래 값 0)입니다.
    background = (0 - 0.2860) / 0.3530
    padded = torch.full((1, 32, 32), background)
    padded[:, 2:30, 2:30] = image
    shifts = [padded[:, i:i + 28, j:j + 28] for i in range(5) for j in range(5)]
    candidates = shifts + [s.flip(-1) for s in shifts]
    assert all(any(torch.equal(v, c) for c in candidates) for v in views)
    same = data.augment_transform("mnist", crop_padding=0, flip=False)
    assert torch.equal(same(image), image)


def test_in_memory_equals_torchvision_transform():
    import torch

    from cnnlib import data

    fast = data.in_memory("mnist", train=False)
    slow = data.load_dataset("mnist", train=False)
    for i in (0, 1, 9999):
        assert torch.equal(fast[i][0], slow[i][0]) and fast[i][1] == slow[i][1]
    assert len(fast) == len(slow) == 10_000
    a, _ = data.loaders("mnist", batch_size=4, train_size=16, test_size=4)
    x, y = next(iter(a))
    assert x.shape == (4, 1, 28, 28) and y.dtype == torch.int64


def test_augment_rejects_bad_arguments():
    import pytest

    from cnnlib import data

    with pytest.raises(ValueError, match="crop_padding"):
        data.augment_transform(crop_padding=-1)
    with pytest.raises(TypeError, match="augment"):
        data.loaders(augment="flip")
