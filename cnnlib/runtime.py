"""실행 환경: 장치 선택, 실행 프로필, 시드, 스레드 설정, 환경 보고.

이 책의 모든 장은 맨 위에서 ``device = cnnlib.setup()``을 부릅니다. 그러면

* 실행 프로필(``ci`` / ``cpu`` / ``gpu``)이 정해지고 화면에 출력되며,
* 난수 시드가 고정되고,
* PyTorch가 쓸 CPU 스레드 수가 정해지고,
* 사용할 장치(cuda → mps → cpu)가 돌아옵니다.

노트북은 프로필에 따라 직접 분기하지 않습니다. 크기가 필요하면
``cnnlib.pick(ci=1, cpu=3, gpu=15)``처럼 묻습니다.
"""

from __future__ import annotations

import os
import platform
import random
import sys

PROFILES = ("ci", "cpu", "gpu")
PROFILE_DESCRIPTIONS = {
    "ci": "CI·테스트용 — 모든 셀이 돌아가는지만 확인하는 아주 작은 크기",
    "cpu": "노트북 CPU용 — 몇 분 안에 끝나는 실제 크기",
    "gpu": "GPU용 — 논문에 가까운 전체 크기",
}


def _torch():
    import torch

    return torch


def _accelerator() -> str:
    """쓸 수 있는 가속기 이름('cuda', 'mps')이나 'cpu'를 돌려줍니다."""
    torch = _torch()
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def profile() -> str:
    """현재 실행 프로필을 돌려줍니다.

    환경 변수 ``CNNLIB_PROFILE``(``ci``, ``cpu``, ``gpu``)이 있으면 그것을,
    없으면 CUDA나 MPS가 있을 때 ``gpu``, 아니면 ``cpu``를 씁니다.
    """
    name = os.environ.get("CNNLIB_PROFILE", "").strip().lower()
    if not name:
        return "gpu" if _accelerator() != "cpu" else "cpu"
    if name not in PROFILES:
        raise ValueError(
            f"알 수 없는 실행 프로필 CNNLIB_PROFILE={name!r}입니다. "
            f"{', '.join(PROFILES)} 중 하나를 쓰세요. "
            f"(unknown profile {name!r}; expected one of {PROFILES})"
        )
    return name


def pick(*, ci, cpu, gpu):
    """현재 프로필에 맞는 값을 고릅니다.

    >>> import os; os.environ["CNNLIB_PROFILE"] = "ci"
    >>> pick(ci=1, cpu=3, gpu=15)
    1
    """
    return {"ci": ci, "cpu": cpu, "gpu": gpu}[profile()]


def device():
    """학습에 쓸 ``torch.device``를 돌려줍니다 (cuda → mps → cpu 순서)."""
    return _torch().device(_accelerator())


def seed_offset() -> int:
    """환경 변수 ``CNNLIB_SEED``(0 이상의 정수, 기본 0): 책의 모든 시드에 더하는 값.

    장들은 ``seed_everything(0)``처럼 시드를 적어 둡니다. ``CNNLIB_SEED=1``로 실행하면 그 시드가
    모두 1씩 옮겨져, 같은 실험을 다른 시드로 되풀이할 수 있습니다. 이 책이 두 학습을 비교하는
    문장은 이렇게 시드 여러 개로 잰 차이의 범위에 기대어 씁니다 (``benchmarks/seed_spread.py``).
    """
    env = os.environ.get("CNNLIB_SEED", "").strip()
    if not env:
        return 0
    try:
        value = int(env)
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError(f"CNNLIB_SEED는 0 이상의 정수여야 합니다. 받은 값: {env!r} "
                         "(CNNLIB_SEED must be a non-negative integer)")
    return value


def seed_everything(seed: int = 0, *loaders) -> int:
    """``random``, NumPy, PyTorch(CPU·CUDA)의 난수 시드를 한꺼번에 고정하고, 쓴 시드를 돌려줍니다.

    ``loaders``로 ``DataLoader``를 주면 그 섞기 순서(``loader.generator``)도 같은 시드로 되돌립니다.
    그러면 여러 모델이 같은 미니배치를 같은 순서로 봅니다. 실제로 쓰는 시드는
    ``seed + CNNLIB_SEED``입니다(:func:`seed_offset`).
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"시드는 정수여야 합니다. 받은 값: {seed!r} (seed must be an int)")
    for loader in loaders:
        if getattr(loader, "generator", None) is None:
            raise TypeError(f"섞기 순서를 되돌릴 DataLoader(generator가 있는)가 필요합니다. "
                            f"받은 타입: {type(loader).__name__}")
    import numpy as np

    torch = _torch()
    seed = seed + seed_offset()
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    for loader in loaders:
        loader.generator.manual_seed(seed)
    return seed


def default_threads() -> int:
    """PyTorch CPU 스레드 수의 기본값.

    ``CNNLIB_THREADS``가 있으면 그 값을 씁니다. 없으면 ``ci`` 프로필에서는
    1개(여러 노트북이 동시에 도는 CI에서 코어를 두고 다투지 않도록),
    그 밖에는 CPU 코어 수(최대 8)입니다.
    """
    env = os.environ.get("CNNLIB_THREADS", "").strip()
    if env:
        try:
            value = int(env)
        except ValueError:
            value = 0
        if value < 1:
            raise ValueError(
                f"CNNLIB_THREADS는 1 이상의 정수여야 합니다. 받은 값: {env!r} "
                "(CNNLIB_THREADS must be a positive integer)"
            )
        return value
    if profile() == "ci":
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def set_threads(n: int | None = None) -> int:
    """PyTorch가 CPU에서 쓸 스레드 수를 정하고 그 값을 돌려줍니다."""
    n = default_threads() if n is None else n
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"스레드 수는 1 이상의 정수여야 합니다. 받은 값: {n!r}")
    _torch().set_num_threads(n)
    return n


def setup(seed: int = 0, quiet: bool = False):
    """장의 첫 셀에서 부르는 함수: 시드·스레드를 정하고 장치를 돌려줍니다.

    실행 프로필, 장치, 스레드, 시드, PyTorch 버전을 한 줄로 출력하므로(:func:`summary_line`),
    독자는 이 장의 숫자가 어떤 크기와 환경에서 얻은 것인지 알 수 있습니다.
    """
    seed = seed_everything(seed)
    threads = set_threads()
    dev = device()
    if not quiet:
        print(summary_line(seed=seed, threads=threads))
    return dev


# 장이 어떤 부분을 건너뛸 때 밝히는 이유. CI(GPU·인터넷 없음)의 웹사이트 빌드는 이 밖의 이유로 건너뛴 장이
# 있으면 실패합니다 (.ci/check_build.py, CI=true).
SKIP_REASONS = {
    "gpu": "GPU 없음",
    "gpus": "GPU가 2개 미만",
    "internet": "인터넷 없음",
    "profile": "다른 실행 프로필에서만",
}
SKIP_PREFIX = "[건너뜀 · "


def skipped(what: str, reason: str, detail: str = "") -> str:
    """장이 어떤 부분을 건너뛸 때 정해진 꼴로 한 줄을 출력하고 그 줄을 돌려줍니다.

    ``[건너뜀 · 인터넷 없음] ResNet-18의 필터와 사진 분류 — 가중치 서버에 연결하지 못했습니다``

    ``reason``은 :data:`SKIP_REASONS`의 열쇠(``"gpu"``, ``"gpus"``, ``"internet"``, ``"profile"``)입니다.
    웹사이트 빌드를 검사하는 ``.ci/check_build.py``가 이 줄을 찾아, CI에서 이 기계가 정말 갖추지 못한
    것(GPU, 인터넷) 때문이 아닌 건너뛰기가 있으면 빌드를 실패시킵니다.
    """
    if reason not in SKIP_REASONS:
        raise ValueError(f"건너뛰는 이유는 {', '.join(SKIP_REASONS)} 가운데 하나여야 합니다. 받은 값: {reason!r}")
    if not isinstance(what, str) or not what.strip():
        raise ValueError("무엇을 건너뛰는지(what)를 한국어 문장으로 적어 주세요.")
    line = f"{SKIP_PREFIX}{SKIP_REASONS[reason]}] {what}" + (f" — {detail}" if detail else "")
    print(line)
    return line


def _display_width(text: str) -> int:
    """터미널에서 한글처럼 넓은 글자를 두 칸으로 센 폭."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _gib(n_bytes: int) -> str:
    return f"{n_bytes / 1024**3:.1f} GB"


def device_description() -> str:
    """장치를 사람이 읽는 말로: ``cuda (NVIDIA H200, 메모리 139.8 GB)``, ``mps (Apple 실리콘 GPU)``, ``cpu``."""
    torch = _torch()
    kind = _accelerator()
    if kind == "cuda":
        props = torch.cuda.get_device_properties(0)
        count = torch.cuda.device_count()
        more = f", 모두 {count}개" if count > 1 else ""
        return f"cuda ({props.name}, 메모리 {_gib(props.total_memory)}{more})"
    if kind == "mps":
        return "mps (Apple 실리콘 GPU)"
    return "cpu"


def summary_line(seed: int | None = None, threads: int | None = None) -> str:
    """환경을 한 줄로: 각 장의 맨 위(:func:`setup`)와 ``report(short=True)``가 출력하는 줄입니다.

    >>> summary_line(seed=0)  # doctest: +SKIP
    '실행 프로필: cpu (노트북 CPU용 — …) · 장치: cpu · CPU 스레드: 2 · 시드: 0 · PyTorch 2.14.1'
    """
    torch = _torch()
    name = profile()
    threads = torch.get_num_threads() if threads is None else threads
    parts = [f"실행 프로필: {name} ({PROFILE_DESCRIPTIONS[name]})", f"장치: {device_description()}",
             f"CPU 스레드: {threads}"]
    if seed is not None:
        parts.append(f"시드: {seed}")
    parts.append(f"PyTorch {torch.__version__.split('+')[0]}")
    return " · ".join(parts)


def _package_version(name: str) -> str | None:
    """설치된 패키지의 버전 (불러오지 않고 메타데이터만 읽습니다). 없으면 None."""
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _in_notebook_kernel() -> bool:
    """Jupyter 커널(JupyterLab, Colab, VS Code 노트북) 안에서 실행 중인지."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and hasattr(shell, "kernel")


def widget_status() -> str:
    """위젯(슬라이더 탐색기)이 그려질지: 필요한 패키지와 실행 위치로 판단합니다."""
    versions = {name: _package_version(name) for name in ("ipywidgets", "anywidget")}
    missing = [name for name, version in versions.items() if version is None]
    found = ", ".join(f"{name} {version}" for name, version in versions.items() if version)
    if missing:
        return (f"그려지지 않습니다 — {', '.join(missing)}이(가) 없습니다. "
                f"`pip install ipywidgets anywidget`로 설치하세요" + (f" ({found})" if found else ""))
    if "google.colab" in sys.modules:
        return (f"Colab 커널 — 위젯이 보이지 않으면 `from google.colab import output; "
                f"output.enable_custom_widget_manager()`를 먼저 실행하세요 ({found})")
    if _in_notebook_kernel():
        return f"그려집니다 — 노트북 커널 안입니다 ({found})"
    return f"노트북 밖입니다 — 위젯은 JupyterLab·Colab 노트북에서만 움직입니다 ({found})"


def dataset_status() -> str:
    """데이터 폴더에 어떤 데이터셋이 있는지: ``MNIST 있음 · FashionMNIST 있음 · CIFAR10 없음``."""
    from . import data

    root = data.data_root()
    parts = []
    for cls_name, *_ in data.DATASETS.values():
        parts.append(f"{cls_name} {'있음' if data._present(cls_name, root) else '없음'}")
    return " · ".join(parts) + " (없는 것은 처음 쓸 때 내려받습니다)"


def _short_path(path) -> str:
    """홈 폴더 아래면 ``~/…``로 줄여 씁니다."""
    from pathlib import Path

    path, home = Path(path), Path.home()
    try:
        return "~/" + path.relative_to(home).as_posix()
    except ValueError:
        return str(path)


def report(short: bool = False) -> dict:
    """실행 환경을 한국어로 출력하고, 같은 내용을 사전으로 돌려줍니다.

    ``short=True``이면 :func:`summary_line`의 한 줄만 출력합니다(돌려주는 사전은 같습니다).
    질문을 올리거나 버그를 알릴 때 이 출력을 함께 붙여 주세요.
    """
    torch = _torch()
    from . import data

    info = {
        "파이썬": platform.python_version(),
        "운영체제": f"{platform.system()} {platform.release()}",
        "PyTorch": torch.__version__,
    }
    try:
        import torchvision

        info["torchvision"] = torchvision.__version__
    except Exception as exc:  # torchvision이 없거나 깨진 경우도 보고합니다.
        info["torchvision"] = f"불러올 수 없음 ({type(exc).__name__})"
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        info["CUDA"] = f"사용 가능 — {props.name}, 메모리 {_gib(props.total_memory)} (CUDA {torch.version.cuda})"
    else:
        info["CUDA"] = "없음"
    mps = getattr(torch.backends, "mps", None)
    info["MPS"] = "사용 가능 (Apple 실리콘 GPU)" if mps is not None and mps.is_available() else "없음"
    info["장치"] = str(device())
    info["실행 프로필"] = f"{profile()} ({PROFILE_DESCRIPTIONS[profile()]})"
    info["CPU 코어 / PyTorch 스레드"] = f"{os.cpu_count()} / {torch.get_num_threads()}"
    info["데이터 폴더"] = _short_path(data.data_root())
    info["데이터셋"] = dataset_status()
    info["위젯"] = widget_status()
    if short:
        print(summary_line())
        return info
    width = max(_display_width(k) for k in info)
    print("cnnlib 실행 환경")
    for key, value in info.items():
        print(f"  {key}{' ' * (width - _display_width(key))} : {value}")
    if "google.colab" in sys.modules and not torch.cuda.is_available():
        print("  안내: Colab에서 GPU를 쓰려면 [런타임] → [런타임 유형 변경]에서 GPU를 고르세요.")
    return info
