"""데이터: MNIST · FashionMNIST · CIFAR-10 로더와 예제 사진.

데이터 폴더는 환경 변수 ``CNNLIB_DATA``가 있으면 그곳, 없으면
``~/.cache/cnnlib``입니다. 파일이 없을 때만 내려받고(torchvision이 체크섬을
확인합니다), 내려받을 수 없으면 무엇이 없고 어떻게 구하는지 한국어로
알려 주는 :class:`DataNotFoundError`를 냅니다. 가짜 데이터로 몰래 대신하지
않습니다.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from . import runtime

__all__ = [
    "DATASETS",
    "DataNotFoundError",
    "data_root",
    "load_dataset",
    "loaders",
    "augment_transform",
    "Augment",
    "in_memory",
    "TensorImages",
    "class_names",
    "subset_sizes",
    "sample_image",
    "SAMPLE_IMAGES",
]

# 이름 → (torchvision 클래스 이름, 정규화 평균, 표준편차, 클래스 이름)
DATASETS = {
    "mnist": ("MNIST", (0.1307,), (0.3081,), tuple(str(i) for i in range(10))),
    "fashion_mnist": (
        "FashionMNIST",
        (0.2860,),
        (0.3530,),
        ("티셔츠/탑", "바지", "풀오버", "드레스", "코트", "샌들", "셔츠", "스니커즈", "가방", "앵클부츠"),
    ),
    "cifar10": (
        "CIFAR10",
        (0.4914, 0.4822, 0.4465),
        (0.2470, 0.2435, 0.2616),
        ("비행기", "자동차", "새", "고양이", "사슴", "개", "개구리", "말", "배", "트럭"),
    ),
}

SAMPLE_IMAGES = ("astronaut", "camera", "chelsea", "coffee", "horse")


class DataNotFoundError(FileNotFoundError):
    """데이터 파일이 없고 내려받을 수도 없을 때 나는 오류."""


def data_root() -> Path:
    """데이터 폴더: ``CNNLIB_DATA`` 또는 ``~/.cache/cnnlib``."""
    env = os.environ.get("CNNLIB_DATA", "").strip()
    return Path(env).expanduser() if env else Path.home() / ".cache" / "cnnlib"


def _dataset_name(name: str) -> str:
    key = str(name).lower().replace("-", "_").replace(" ", "_")
    key = {"fashionmnist": "fashion_mnist", "cifar_10": "cifar10"}.get(key, key)
    if key not in DATASETS:
        raise ValueError(
            f"알 수 없는 데이터셋 {name!r}입니다. 쓸 수 있는 이름: {', '.join(DATASETS)} "
            f"(unknown dataset {name!r})"
        )
    return key


def _present(cls_name: str, root: Path) -> bool:
    if cls_name == "CIFAR10":
        return (root / "cifar-10-batches-py" / "data_batch_1").exists()
    raw = root / cls_name / "raw"
    return (raw / "train-images-idx3-ubyte").exists() or (raw / "train-images-idx3-ubyte.gz").exists()


def _default_transform(key: str):
    from torchvision import transforms

    _, mean, std, _ = DATASETS[key]
    return transforms.Compose([transforms.ToTensor(), transforms.Normalize(mean, std)])


def load_dataset(name: str = "fashion_mnist", train: bool = True, transform="default",
                 download: bool = True):
    """torchvision 데이터셋 하나를 불러옵니다.

    ``transform="default"``이면 텐서로 바꾸고 데이터셋의 평균·표준편차로
    정규화합니다. ``None``이면 PIL 이미지를 그대로 돌려줍니다.
    파일이 없으면 ``download=True``일 때 내려받고, 그래도 구할 수 없으면
    :class:`DataNotFoundError`를 냅니다.
    """
    from torchvision import datasets

    key = _dataset_name(name)
    cls_name = DATASETS[key][0]
    cls = getattr(datasets, cls_name)
    root = data_root()
    if transform == "default":
        transform = _default_transform(key)
    if _present(cls_name, root):
        return cls(str(root), train=train, transform=transform, download=False)
    help_text = (
        f"{cls_name} 데이터를 찾을 수 없습니다: {root} 에 파일이 없습니다.\n"
        "  · 인터넷이 되면 download=True(기본값)로 다시 실행하면 내려받습니다.\n"
        "  · 이미 받아 둔 파일이 있으면 환경 변수 CNNLIB_DATA를 그 폴더로 지정하세요 "
        f"(torchvision 구조: <폴더>/{cls_name}/raw/...).\n"
        f"(dataset {cls_name} not found under {root})"
    )
    if not download:
        raise DataNotFoundError(help_text)
    try:
        root.mkdir(parents=True, exist_ok=True)
        print(f"{cls_name}을(를) {root} 에 내려받습니다 (처음 한 번만).")
        return cls(str(root), train=train, transform=transform, download=True)
    except Exception as exc:  # 네트워크 없음, 쓰기 권한 없음 등
        raise DataNotFoundError(f"{help_text}\n내려받기 실패: {type(exc).__name__}: {exc}") from exc


def subset_sizes() -> tuple[int | None, int | None]:
    """프로필별 (학습, 시험) 표본 수. ``None``은 전체를 뜻합니다."""
    return runtime.pick(ci=(512, 256), cpu=(None, None), gpu=(None, None))


def _subset(ds, n, seed):
    import torch

    if n is None or n >= len(ds):
        return ds
    g = torch.Generator().manual_seed(seed)
    idx = torch.randperm(len(ds), generator=g)[:n].tolist()
    return torch.utils.data.Subset(ds, idx)


class Augment:
    """학습용 데이터 증강: 가장자리를 ``crop_padding``만큼 배경색으로 채운 뒤 원래 크기로 무작위
    자르기(평행 이동) + (``flip``이면) 절반의 확률로 좌우 뒤집기.

    정규화된 ``(C, H, W)`` 텐서에 바로 쓰므로 빠릅니다(이미지 한 장에 수십 µs). PIL 이미지를
    받으면 먼저 텐서로 바꾸고 정규화합니다. 무작위성은 PyTorch의 전역 난수(``cnnlib.setup``의
    시드)를 씁니다.
    """

    def __init__(self, name: str, crop_padding: int, flip: bool):
        _, mean, std, _ = DATASETS[_dataset_name(name)]
        self.name, self.crop_padding, self.flip = name, crop_padding, flip
        self.mean, self.std = mean, std
        # 채운 칸은 원래 값 0(검은 배경)이 정규화된 값: (0 - 평균) / 표준편차
        self.fill = tuple(-m / sd for m, sd in zip(mean, std, strict=True))

    def __repr__(self):
        return f"Augment({self.name!r}, crop_padding={self.crop_padding}, flip={self.flip})"

    def __call__(self, x):
        import torch

        if not isinstance(x, torch.Tensor):  # PIL 이미지
            from torchvision.transforms import functional as TF

            x = TF.normalize(TF.to_tensor(x), self.mean, self.std)
        p = self.crop_padding
        if p:
            c, h, w = x.shape
            padded = torch.tensor(self.fill, dtype=x.dtype).view(c, 1, 1).expand(c, h + 2 * p, w + 2 * p).clone()
            padded[:, p:p + h, p:p + w] = x
            i, j = torch.randint(0, 2 * p + 1, (2,)).tolist()
            x = padded[:, i:i + h, j:j + w]
        if self.flip and torch.rand(()) < 0.5:
            x = x.flip(-1)
        return x


def augment_transform(name: str = "fashion_mnist", crop_padding: int = 2, flip: bool = True) -> Augment:
    """학습용 데이터 증강(:class:`Augment`)을 만듭니다: 무작위 평행 이동(자르기)과 좌우 뒤집기.

    숫자(MNIST)는 뒤집으면 다른 글자가 되므로 ``flip=False``로 쓰세요.
    """
    if isinstance(crop_padding, bool) or not isinstance(crop_padding, int) or crop_padding < 0:
        raise ValueError(f"crop_padding은 0 이상의 정수여야 합니다. 받은 값: {crop_padding!r}")
    return Augment(name, crop_padding, bool(flip))


class TensorImages:
    """데이터셋 전체를 한 번에 정규화된 텐서로 바꿔 메모리에 둔 데이터셋.

    torchvision의 MNIST류는 이미지를 꺼낼 때마다 PIL 이미지로 만들고 다시 텐서로 바꾸므로 느립니다
    (이 기계에서 초당 약 2천 장). 여기서는 처음에 한 번만 바꿔 두어 그 단계가 사라집니다. 값은
    ``ToTensor`` → ``Normalize``와 똑같습니다. ``augment``가 있으면 꺼낼 때마다 적용합니다.
    """

    def __init__(self, images, targets, augment=None, classes=()):
        self.images, self.targets, self.augment, self.classes = images, targets, augment, classes

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, index):
        x = self.images[index]
        if self.augment is not None:
            x = self.augment(x)
        return x, int(self.targets[index])


@functools.lru_cache(maxsize=4)
def _tensor_images(key: str, train: bool, root: str):  # root: 데이터 폴더가 바뀌면 다시 읽도록
    import torch

    ds = load_dataset(key, train=train, transform=None)
    _, mean, std, _ = DATASETS[key]
    data = torch.as_tensor(ds.data)
    x = data.float().div(255)
    x = x.unsqueeze(1) if x.dim() == 3 else x.permute(0, 3, 1, 2).contiguous()
    x = (x - torch.tensor(mean).view(1, -1, 1, 1)) / torch.tensor(std).view(1, -1, 1, 1)
    return x, torch.as_tensor(ds.targets), tuple(getattr(ds, "classes", ()))


def in_memory(name: str = "fashion_mnist", train: bool = True, augment=None) -> TensorImages:
    """:class:`TensorImages`로 만든 데이터셋 (정규화된 텐서가 메모리에 있음, 같은 과정에서 재사용)."""
    x, y, classes = _tensor_images(_dataset_name(name), bool(train), str(data_root()))
    return TensorImages(x, y, augment, classes)


def loaders(name: str = "fashion_mnist", batch_size: int = 128, train_size="profile",
            test_size="profile", seed: int = 0, num_workers: int = 0, augment=None):
    """학습·시험 ``DataLoader`` 두 개를 돌려줍니다.

    ``train_size``/``test_size``가 ``"profile"``이면 실행 프로필에 맞는 크기
    (``ci``에서는 작은 부분집합, 그 밖에는 전체)를 씁니다. 정수를 주면 그만큼
    무작위로 고른 부분집합을, ``None``이면 전체를 씁니다.
    ``augment``에 변환(예: :func:`augment_transform`의 결과)을 주면 학습 데이터에만
    그 변환을 씁니다. 시험 데이터는 늘 기본 변환입니다.

    데이터는 처음 한 번 정규화된 텐서로 바꿔 메모리에 둡니다(:func:`in_memory`). PIL용 변환을
    ``augment``로 주면 torchvision 데이터셋을 그대로 씁니다(느림).
    """
    import torch

    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size는 1 이상의 정수여야 합니다. 받은 값: {batch_size!r}")
    default_train, default_test = subset_sizes()
    train_n = default_train if train_size == "profile" else train_size
    test_n = default_test if test_size == "profile" else test_size
    for label, n in (("train_size", train_n), ("test_size", test_n)):
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
            raise ValueError(f"{label}은(는) 1 이상의 정수나 None이어야 합니다. 받은 값: {n!r}")
    if augment is not None and not callable(augment):
        raise TypeError(f"augment는 변환(호출 가능한 객체)이나 None이어야 합니다. 받은 타입: {type(augment).__name__}")
    seed = seed + runtime.seed_offset()
    if augment is None or isinstance(augment, Augment):  # 빠른 길: 메모리의 텐서 (PIL 변환 없음)
        train = _subset(in_memory(name, True, augment), train_n, seed)
        test = _subset(in_memory(name, False), test_n, seed + 1)
    else:  # 사용자가 준 PIL용 변환
        train = _subset(load_dataset(name, train=True, transform=augment), train_n, seed)
        test = _subset(load_dataset(name, train=False), test_n, seed + 1)
    pin = torch.cuda.is_available()
    g = torch.Generator().manual_seed(seed)
    return (
        torch.utils.data.DataLoader(train, batch_size=batch_size, shuffle=True, generator=g,
                                    num_workers=num_workers, pin_memory=pin),
        torch.utils.data.DataLoader(test, batch_size=batch_size, shuffle=False,
                                    num_workers=num_workers, pin_memory=pin),
    )


def class_names(name: str = "fashion_mnist") -> tuple[str, ...]:
    """데이터셋의 클래스 이름(한국어)."""
    return DATASETS[_dataset_name(name)][3]


def sample_image(name: str = "chelsea", gray: bool = False, size: int | None = None):
    """scikit-image에 들어 있는 예제 사진을 ``[0, 1]`` 범위 float 텐서로 돌려줍니다.

    컬러면 ``(3, H, W)``, ``gray=True``면 ``(H, W)``입니다. ``size``를 주면
    짧은 변이 그 크기가 되도록 줄입니다. 사진은 scikit-image 패키지 안에
    있으므로 인터넷이 필요 없습니다.
    """
    import torch
    from skimage import data as skdata
    from skimage.util import img_as_float32

    if name not in SAMPLE_IMAGES:
        raise ValueError(f"예제 사진은 {', '.join(SAMPLE_IMAGES)} 중 하나입니다. 받은 값: {name!r}")
    # img_as_float32: uint8은 255로 나누고, 흑백 마스크(horse는 bool)는 0·1로 바꿉니다.
    img = torch.as_tensor(img_as_float32(getattr(skdata, name)()))
    img = img[None] if img.dim() == 2 else img.permute(2, 0, 1)
    if size is not None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 8:
            raise ValueError(f"size는 8 이상의 정수여야 합니다. 받은 값: {size!r}")
        scale = size / min(img.shape[1:])
        hw = (round(img.shape[1] * scale), round(img.shape[2] * scale))
        img = torch.nn.functional.interpolate(img[None], size=hw, mode="area")[0]
    if gray:
        if img.shape[0] == 3:
            w = torch.tensor([0.299, 0.587, 0.114]).view(3, 1, 1)
            img = (img * w).sum(0, keepdim=True)
        return img[0]
    return img.expand(3, -1, -1).contiguous() if img.shape[0] == 1 else img
