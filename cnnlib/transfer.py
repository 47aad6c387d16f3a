"""전이 학습과 미세 조정: 층 고정, 머리 바꾸기, 적은 라벨 뽑기, 층별 변화 재기, 사전 학습 가중치.

15장이 쓰는 도구를 모았습니다.

* :func:`freeze` / :func:`unfreeze` — 앞쪽 층의 매개변수를 학습하지 않게 고정하거나 풉니다.
* :func:`replace_head` — 마지막 ``nn.Linear``(분류기 머리)를 새 클래스 수에 맞는 새 층으로 바꿉니다.
* :func:`trainable_parameters`, :func:`layer_status` — 무엇을 학습하고 무엇을 고정했는지 봅니다.
* :func:`balanced_subset` — 클래스마다 같은 수의 라벨을 시드로 정해진 대로 뽑습니다.
* :func:`layer_features`, :func:`linear_cka`, :func:`weight_change` — 층마다 특징과 가중치가
  얼마나 달라졌는지 잽니다.
* :func:`weights_available`, :func:`pretrained` — torchvision의 사전 학습 가중치를 체크섬을
  확인하며 불러옵니다. 인터넷이 없고 캐시에도 없으면 이유를 한국어로 알려 줍니다.

>>> from cnnlib import models, transfer
>>> net = models.lenet5("modern")
>>> _ = transfer.freeze(net, until="C3")          # C1, S2, C3을 고정
>>> sum(p.numel() for p in transfer.trainable_parameters(net))
59134
"""

from __future__ import annotations

import hashlib
import re
import socket
import threading
from pathlib import Path
from urllib.parse import urlparse

import torch
from torch import nn

__all__ = [
    "WeightsUnavailableError",
    "balanced_subset",
    "freeze",
    "hub_cache_file",
    "layer_features",
    "layer_status",
    "linear_cka",
    "pretrained",
    "pretrained_state_dict",
    "replace_head",
    "trainable_parameters",
    "unfreeze",
    "verify_cached",
    "weight_change",
    "weights_available",
]

#: 사전 학습 가중치 파일 이름의 ``이름-<sha256 앞자리>.pth`` 규칙 (torch.hub와 같은 규칙)
_HASH_IN_NAME = re.compile(r"-([a-f0-9]{6,})\.")


class WeightsUnavailableError(RuntimeError):
    """사전 학습 가중치를 캐시에서도 찾지 못하고 내려받을 수도 없을 때 나는 오류."""


# ---------------------------------------------------------------- 인자 검사
def _check_model(model) -> nn.Module:
    if not isinstance(model, nn.Module):
        raise TypeError(f"nn.Module이 필요합니다. 받은 타입: {type(model).__name__} (expected an nn.Module)")
    return model


def _check_positive_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what}은(는) 1 이상의 정수여야 합니다. 받은 값: {value!r} ({what} must be a positive int)")
    return value


# ---------------------------------------------------------------- 고정과 머리 바꾸기
def _children_until(model: nn.Module, until) -> list[str]:
    """``until``까지(포함) 앞에서부터의 자식 층 이름들."""
    names = [name for name, _ in model.named_children()]
    if until is None:
        return names
    if isinstance(until, bool):
        raise TypeError(f"until은 층 이름(문자열), 층 개수(정수), None 가운데 하나여야 합니다. 받은 값: {until!r}")
    if isinstance(until, int):
        if not 0 <= until <= len(names):
            raise ValueError(f"until(층 개수)은 0 이상 {len(names)} 이하여야 합니다. 받은 값: {until} "
                             f"(이 모델의 자식 층은 {len(names)}개입니다)")
        return names[:until]
    if isinstance(until, str):
        if until not in names:
            raise ValueError(f"모델에 {until!r}이라는 층이 없습니다. 쓸 수 있는 이름: {', '.join(names)} "
                             f"(no child layer named {until!r})")
        return names[: names.index(until) + 1]
    raise TypeError(f"until은 층 이름(문자열), 층 개수(정수), None 가운데 하나여야 합니다. "
                    f"받은 타입: {type(until).__name__}")


def freeze(model: nn.Module, until=None) -> nn.Module:
    """모델의 앞쪽 층을 고정(학습하지 않게)하고 모델을 그대로 돌려줍니다.

    ``until``은 모델의 바로 아래 자식 층(``model.named_children()``) 기준입니다.

    * ``None`` — 모든 층을 고정합니다.
    * 층 이름(예: ``"C3"``, ResNet이면 ``"layer2"``) — 첫 층부터 그 층까지(포함) 고정합니다.
    * 정수 ``k`` — 앞에서부터 자식 층 ``k``개를 고정합니다(0이면 아무것도 고정하지 않음).

    고정은 매개변수의 ``requires_grad``를 ``False``로 바꾸는 일입니다. 그러면 역전파가 그 매개변수의
    기울기를 구하지 않고, 옵티마이저도 그 값을 바꾸지 않습니다. 이미 고정된 뒤쪽 층은 그대로 둡니다.
    배치 정규화의 이동 평균은 ``requires_grad``와 상관없이 ``model.train()`` 상태에서 계속 바뀐다는
    점에 주의하세요.
    """
    _check_model(model)
    targets = set(_children_until(model, until))
    for name, child in model.named_children():
        if name in targets:
            for p in child.parameters():
                p.requires_grad_(False)
    if until is None:  # 자식 층에 속하지 않은 매개변수(모델에 직접 붙은 것)도 고정
        for p in model.parameters():
            p.requires_grad_(False)
    return model


def unfreeze(model: nn.Module) -> nn.Module:
    """모든 매개변수를 다시 학습하게(``requires_grad=True``) 하고 모델을 돌려줍니다."""
    _check_model(model)
    for p in model.parameters():
        p.requires_grad_(True)
    return model


def trainable_parameters(model: nn.Module) -> list[nn.Parameter]:
    """학습할(고정하지 않은) 매개변수의 목록. 옵티마이저에 그대로 넘길 수 있습니다.

    개수는 ``sum(p.numel() for p in trainable_parameters(model))``입니다.
    """
    _check_model(model)
    return [p for p in model.parameters() if p.requires_grad]


def layer_status(model: nn.Module) -> list[tuple[str, int, int]]:
    """자식 층마다 ``(이름, 매개변수 수, 그 가운데 학습할 수)``. 매개변수가 없는 층도 넣습니다."""
    _check_model(model)
    rows = []
    for name, child in model.named_children():
        params = list(child.parameters())
        rows.append((name, sum(p.numel() for p in params), sum(p.numel() for p in params if p.requires_grad)))
    return rows


def replace_head(model: nn.Module, num_classes: int) -> nn.Linear:
    """모델의 마지막 ``nn.Linear``(분류기 머리)를 ``num_classes``개를 내는 새 층으로 바꾸고 그 층을 돌려줍니다.

    새 층은 PyTorch의 기본 초기화로 만들어지고(학습한 값을 잊습니다), 입력 특징 수·편향 유무·장치·
    자료형은 원래 층을 따릅니다. 새 층은 고정되어 있지 않습니다. LeNet-5의 ``OUT``, torchvision
    ResNet의 ``fc``, AlexNet·VGG의 ``classifier[-1]``이 이렇게 바뀝니다.
    """
    _check_model(model)
    _check_positive_int(num_classes, "num_classes")
    last = None
    for name, module in model.named_modules():
        if isinstance(module, nn.Linear):
            last = (name, module)
    if last is None:
        raise ValueError("모델에 nn.Linear 층이 없어 바꿀 분류기 머리를 찾지 못했습니다. "
                         "(no nn.Linear head found)")
    name, old = last
    parent = model.get_submodule(name.rpartition(".")[0]) if "." in name else model
    new = nn.Linear(old.in_features, num_classes, bias=old.bias is not None,
                    device=old.weight.device, dtype=old.weight.dtype)
    setattr(parent, name.rpartition(".")[2], new)
    return new


# ---------------------------------------------------------------- 적은 라벨
def _targets_of(dataset) -> torch.Tensor:
    """데이터셋의 라벨을 1차원 정수 텐서로 (``Subset``이면 그 안의 순서대로)."""
    if isinstance(dataset, torch.utils.data.Subset):
        inner = _targets_of(dataset.dataset)
        return inner[torch.as_tensor(list(dataset.indices), dtype=torch.long)]
    targets = getattr(dataset, "targets", None)
    if targets is not None:
        return torch.as_tensor(targets).long().flatten()
    return torch.as_tensor([int(dataset[i][1]) for i in range(len(dataset))], dtype=torch.long)


def balanced_subset(dataset, per_class: int | None, seed: int = 0):
    """클래스마다 ``per_class``개씩 뽑은 ``torch.utils.data.Subset``을 돌려줍니다.

    같은 ``seed``면 언제나 같은 이미지를 뽑습니다: 시드로 섞은 순서에서 클래스마다 앞의
    ``per_class``개를 고르고, 고른 번호를 오름차순으로 정렬합니다. ``per_class=None``이면
    데이터셋 전체를 그대로 돌려줍니다. 어떤 클래스의 이미지가 모자라면 오류를 냅니다.
    """
    if per_class is None:
        return dataset
    _check_positive_int(per_class, "per_class")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed는 정수여야 합니다. 받은 값: {seed!r}")
    try:
        n = len(dataset)
    except TypeError as exc:
        raise TypeError(f"길이가 있는 데이터셋이 필요합니다. 받은 타입: {type(dataset).__name__}") from exc
    targets = _targets_of(dataset)
    if len(targets) != n:
        raise ValueError(f"라벨 수({len(targets)})와 데이터셋 길이({n})가 다릅니다.")
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    shuffled = targets[order]
    chosen = []
    for c in torch.unique(targets).tolist():
        pos = order[shuffled == c]
        if len(pos) < per_class:
            raise ValueError(f"클래스 {c}의 이미지가 {len(pos)}개뿐이라 {per_class}개를 뽑을 수 없습니다. "
                             f"per_class를 줄이세요. (class {c} has only {len(pos)} examples)")
        chosen.append(pos[:per_class])
    indices = torch.cat(chosen).sort().values.tolist()
    return torch.utils.data.Subset(dataset, indices)


# ---------------------------------------------------------------- 층별 비교
def layer_features(model: nn.Module, x: torch.Tensor, names=None, batch_size: int = 256) -> dict:
    """입력 ``x``를 넣었을 때 층마다의 출력을 ``{이름: (표본 수, 특징 수) 텐서}``로 모읍니다.

    ``names``를 주지 않으면 바로 아래 자식 층을 모두 씁니다. ``"layer1.0"``처럼 점으로 이은 이름도
    됩니다. 출력은 표본마다 한 줄로 펴고(``flatten``) CPU의 float 텐서로 돌려줍니다. 평가 모드에서
    기울기 없이 계산하며, 끝나면 모델의 원래 모드(학습/평가)로 되돌립니다.
    """
    _check_model(model)
    if not isinstance(x, torch.Tensor) or x.dim() < 2:
        raise ValueError(f"x는 (표본 수, …) 모양의 텐서여야 합니다. 받은 값: {type(x).__name__} "
                         f"{tuple(getattr(x, 'shape', ()))}")
    _check_positive_int(batch_size, "batch_size")
    if names is None:
        names = [name for name, _ in model.named_children()]
    elif isinstance(names, str):
        names = [names]
    modules = {}
    for name in names:
        try:
            modules[name] = model.get_submodule(name)
        except AttributeError:
            children = ", ".join(n for n, _ in model.named_children())
            raise ValueError(f"모델에 {name!r}이라는 층이 없습니다. 바로 아래 층: {children} "
                             f"(no submodule named {name!r})") from None
    outputs: dict[str, list] = {name: [] for name in modules}
    hooks = []
    for name, module in modules.items():
        def hook(_module, _inputs, output, name=name):
            out = output[0] if isinstance(output, (tuple, list)) else output
            outputs[name].append(out.detach().flatten(1).float().cpu())
        hooks.append(module.register_forward_hook(hook))
    was_training = model.training
    dev = next((p.device for p in model.parameters()), torch.device("cpu"))
    model.eval()
    try:
        with torch.no_grad():
            for start in range(0, len(x), batch_size):
                model(x[start:start + batch_size].to(dev))
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    return {name: torch.cat(parts) for name, parts in outputs.items()}


def _as_matrix(a, what: str) -> torch.Tensor:
    if not isinstance(a, torch.Tensor):
        try:
            a = torch.as_tensor(a)
        except Exception as exc:
            raise TypeError(f"{what}를 텐서로 바꿀 수 없습니다: {type(a).__name__}") from exc
    if a.dim() < 2:
        raise ValueError(f"{what}는 (표본 수, 특징 수) 모양의 2차원 이상 텐서여야 합니다. 받은 모양: {tuple(a.shape)}")
    return a.detach().flatten(1).double().cpu()


def linear_cka(x, y) -> float:
    """두 특징 행렬의 선형 CKA(centered kernel alignment) 유사도: 0(무관)부터 1(같음)까지.

    ``x``는 ``(n, p)``, ``y``는 ``(n, q)``이며 같은 ``n``개 입력에 대한 두 층(또는 두 모델)의
    출력입니다. 열마다 평균을 빼고(중심화)

    .. math:: \\mathrm{CKA}(X, Y) = \\frac{\\lVert Y^\\top X \\rVert_F^2}
              {\\lVert X^\\top X \\rVert_F\\, \\lVert Y^\\top Y \\rVert_F}

    를 계산합니다(Kornblith 외, 2019). 특징의 순서를 섞거나(직교 변환), 전체 크기를 바꿔도 값이
    같으므로, 특징 수가 다른 두 층도 비교할 수 있습니다.
    """
    x, y = _as_matrix(x, "x"), _as_matrix(y, "y")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x와 y의 표본 수가 다릅니다: {x.shape[0]} ≠ {y.shape[0]}. 같은 입력에 대한 특징이어야 합니다.")
    if x.shape[0] < 2:
        raise ValueError("표본이 2개 이상 있어야 CKA를 계산할 수 있습니다.")
    x = x - x.mean(0, keepdim=True)
    y = y - y.mean(0, keepdim=True)
    # n이 특징 수보다 작으면 n×n 그람 행렬로 계산하는 편이 빠릅니다(값은 같습니다).
    if x.shape[0] < max(x.shape[1], y.shape[1]):
        kx, ky = x @ x.T, y @ y.T
        cross, nx, ny = (kx * ky).sum(), kx.norm(), ky.norm()
    else:
        cross, nx, ny = (y.T @ x).norm() ** 2, (x.T @ x).norm(), (y.T @ y).norm()
    if nx == 0 or ny == 0:
        raise ValueError("특징이 모든 표본에서 같아(분산 0) CKA를 정의할 수 없습니다.")
    return float(cross / (nx * ny))


def _state(obj, what: str) -> dict:
    """모델이나 ``state_dict``에서 실수 텐서만 (가중치, 편향, 배치 정규화의 이동 평균 등)."""
    if isinstance(obj, nn.Module):
        obj = obj.state_dict()
    if isinstance(obj, dict):
        return {k: v.detach() for k, v in obj.items() if isinstance(v, torch.Tensor) and v.is_floating_point()}
    raise TypeError(f"{what}은(는) nn.Module이나 state_dict여야 합니다. 받은 타입: {type(obj).__name__}")


def weight_change(before, after) -> dict[str, float]:
    """층마다 가중치가 얼마나 바뀌었는지: ``{층 이름: ‖W_after − W_before‖ / ‖W_before‖}``.

    ``before``와 ``after``는 같은 구조의 모델(또는 ``state_dict``)이며, ``state_dict``의 실수 텐서를
    모두 비교합니다(배치 정규화가 있으면 이동 평균도 들어갑니다). 매개변수 이름의 첫 부분
    (``"C3.0.weight"``이면 ``"C3"``)으로 층을 묶고, 그 층의 가중치와 편향을 한데 모은 벡터의 상대
    변화량(프로베니우스 노름의 비)을 돌려줍니다. 0이면 그대로, 1이면 원래 크기만큼 바뀐 것입니다.
    """
    a, b = _state(before, "before"), _state(after, "after")
    if set(a) != set(b):
        missing = sorted(set(a) ^ set(b))[:4]
        raise ValueError(f"두 모델의 매개변수 이름이 다릅니다(예: {', '.join(missing)}). 같은 구조의 모델을 비교하세요.")
    if not a:
        raise ValueError("비교할 매개변수가 없습니다.")
    diff: dict[str, float] = {}
    base: dict[str, float] = {}
    for key, w0 in a.items():
        w1 = b[key]
        if w0.shape != w1.shape:
            raise ValueError(f"{key}의 모양이 다릅니다: {tuple(w0.shape)} ≠ {tuple(w1.shape)}")
        layer = key.split(".")[0]
        diff[layer] = diff.get(layer, 0.0) + float((w1.double().cpu() - w0.double().cpu()).pow(2).sum())
        base[layer] = base.get(layer, 0.0) + float(w0.double().pow(2).sum())
    return {layer: (diff[layer] ** 0.5) / (base[layer] ** 0.5) if base[layer] else float("inf") for layer in diff}


# ---------------------------------------------------------------- 사전 학습 가중치 (온라인 경로)
def _weights(name: str):
    """torchvision의 모델 이름(예: ``"resnet18"``) → 그 모델의 기본 사전 학습 가중치(WeightsEnum 값)."""
    import torchvision

    if not isinstance(name, str):
        raise TypeError(f"모델 이름은 문자열이어야 합니다. 받은 타입: {type(name).__name__}")
    available = torchvision.models.list_models(module=torchvision.models)
    if name not in available:
        import difflib

        close = difflib.get_close_matches(name, available, n=3)
        hint = f" 혹시 {', '.join(close)}?" if close else ""
        raise ValueError(f"torchvision에 {name!r}이라는 분류 모델이 없습니다.{hint} "
                         f"(unknown torchvision classification model {name!r})")
    return torchvision.models.get_model_weights(name).DEFAULT


def hub_cache_file(url: str) -> Path:
    """``url``의 가중치를 torch hub가 저장하는(또는 이미 저장한) 파일 경로."""
    if not isinstance(url, str) or not url.startswith("https://"):
        raise ValueError(f"가중치 주소는 https://로 시작하는 문자열이어야 합니다. 받은 값: {url!r}")
    return Path(torch.hub.get_dir()) / "checkpoints" / Path(urlparse(url).path).name


def verify_cached(path) -> bool:
    """캐시 파일의 SHA-256이 파일 이름에 적힌 해시 앞자리와 같은지 확인합니다.

    torch hub는 내려받을 때만 해시를 확인하므로, 캐시에 있던 파일은 여기서 다시 확인합니다.
    다르면(파일이 깨졌거나 바뀜) 한국어 ``ValueError``를 냅니다. 같으면 ``True``.
    """
    path = Path(path)
    match = _HASH_IN_NAME.search(path.name)
    if match is None:
        raise ValueError(f"파일 이름 {path.name!r}에 '이름-<해시>.pth' 꼴의 해시가 없어 확인할 수 없습니다.")
    if not path.is_file():
        raise FileNotFoundError(f"가중치 파일이 없습니다: {path}")
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if not digest.hexdigest().startswith(match.group(1)):
        raise ValueError(f"캐시의 가중치 파일 {path.name}의 체크섬이 맞지 않습니다(파일이 깨졌을 수 있습니다). "
                         f"파일을 지우고 다시 내려받으세요: {path} (checksum mismatch)")
    return True


def _can_connect(host: str, port: int, timeout: float) -> str | None:
    """``host:port``에 TCP로 연결해 봅니다. 되면 ``None``, 안 되면 그 이유(문자열).

    이름 풀이(DNS)는 ``timeout``을 따르지 않으므로 별도 스레드에서 하고 최대 ``timeout``초만 기다립니다.
    """
    result: list = []

    def attempt():
        try:
            with socket.create_connection((host, port), timeout=timeout):
                result.append(None)
        except OSError as exc:
            result.append(f"{type(exc).__name__}: {exc}")

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(timeout)
    if not result:
        return f"{timeout:g}초 안에 응답이 없습니다"
    return result[0]


def weights_available(name: str = "resnet18", timeout: float = 3.0) -> tuple[bool, str]:
    """사전 학습 가중치를 쓸 수 있는지 ``(쓸 수 있는가, 이유)``로 알려 줍니다. 아무것도 내려받지 않습니다.

    torch hub 캐시에 파일이 있으면 바로 ``True``입니다. 없으면 가중치 서버에 ``timeout``초 안에
    연결되는지 봅니다. 인터넷이 없는 곳(CI)에서도 ``timeout``초 안에 끝납니다.
    """
    weights = _weights(name)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout은 0보다 큰 초 단위 숫자여야 합니다. 받은 값: {timeout!r}")
    cached = hub_cache_file(weights.url)
    if cached.is_file():
        return True, f"torch hub 캐시에 가중치 파일이 있습니다 ({cached.name})"
    host = urlparse(weights.url).hostname or ""
    problem = _can_connect(host, 443, float(timeout))
    if problem is None:
        return True, f"{host}에 연결할 수 있어 가중치({cached.name})를 내려받을 수 있습니다"
    return False, (f"캐시에 {cached.name}이(가) 없고, 가중치 서버 {host}에 연결할 수 없습니다 "
                   f"(인터넷이 없는 환경으로 보입니다; {problem})")


def pretrained_state_dict(name: str = "resnet18"):
    """사전 학습 가중치의 ``state_dict``와 그 가중치 정보(WeightsEnum 값)를 ``(state_dict, weights)``로 돌려줍니다.

    torchvision의 가중치 API(``weights.get_state_dict``)로 불러오며, 내려받을 때는 torch hub가
    파일 이름의 SHA-256 앞자리를 확인하고(``check_hash=True``), 이미 캐시에 있던 파일은
    :func:`verify_cached`가 확인합니다. 파일은 ``weights_only=True``로 읽어 텐서 말고는 아무것도
    실행하지 않습니다. 쓸 수 없으면 :class:`WeightsUnavailableError`를 냅니다.
    """
    weights = _weights(name)
    cached = hub_cache_file(weights.url)
    if cached.is_file():
        verify_cached(cached)
    try:
        state = weights.get_state_dict(progress=False, check_hash=True, weights_only=True)
    except (OSError, RuntimeError) as exc:  # URLError는 OSError, 해시가 다르면 RuntimeError
        raise WeightsUnavailableError(
            f"{name}의 사전 학습 가중치를 불러오지 못했습니다: {type(exc).__name__}: {exc}\n"
            "  · 인터넷이 되는 곳(예: Colab)에서 실행하거나,\n"
            f"  · {weights.url} 을 내려받아 {cached.parent} 에 두세요. "
            f"(could not load pretrained weights for {name})") from exc
    return state, weights


def pretrained(name: str = "resnet18"):
    """torchvision 모델 ``name``을 만들고 ImageNet 사전 학습 가중치를 넣어 ``(모델, weights)``로 돌려줍니다.

    모델은 평가 모드입니다. ``weights.transforms()``가 그 가중치에 맞는 입력 전처리이고,
    ``weights.meta["categories"]``가 클래스 이름입니다. 가중치를 불러오는 방법과 오류는
    :func:`pretrained_state_dict`와 같습니다.
    """
    import torchvision

    state, weights = pretrained_state_dict(name)
    model = torchvision.models.get_model(name, weights=None)
    model.load_state_dict(state)
    return model.eval(), weights
