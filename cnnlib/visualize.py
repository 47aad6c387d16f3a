"""학습된 CNN 들여다보기: 층별 특징 맵과 가림 민감도(occlusion sensitivity).

ZFNet 논문(Zeiler & Fergus, 2014)이 쓴 두 가지 방법을 작게 옮겼습니다.

* :func:`activations` — forward hook으로 원하는 층의 출력(특징 맵)을 모아 옵니다.
* :func:`occlusion_sensitivity` — 입력의 한 부분을 회색 조각으로 가리고, 정답 클래스의 확률이
  얼마나 떨어지는지를 조각의 위치마다 잽니다. 많이 떨어지는 곳이 모델이 기대는 부분입니다.

>>> import torch
>>> from torch import nn
>>> net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 4 * 4, 3))
>>> maps = activations(net, torch.zeros(1, 1, 6, 6), [nn.ReLU])
>>> {name: tuple(t.shape) for name, t in maps.items()}
{'1': (1, 2, 4, 4)}
>>> occlusion_sensitivity(net, torch.zeros(1, 6, 6), target=0, patch=2, stride=2).shape
torch.Size([3, 3])
"""

from __future__ import annotations

import numbers

import torch
from torch import nn

__all__ = ["activations", "occlusion_sensitivity"]


def _check_model(model) -> nn.Module:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model은 torch.nn.Module이어야 합니다. 받은 타입: {type(model).__name__} "
                        "(model must be an nn.Module)")
    return model


def _check_positive_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what}은(는) 1 이상의 정수여야 합니다. 받은 값: {value!r} "
                         f"({what} must be a positive int)")
    return value


def _set_modes(model: nn.Module, modes: dict) -> None:
    for module, training in modes.items():
        module.training = training


def activations(model, x, layers) -> dict[str, torch.Tensor]:
    """``model``에 ``x``를 한 번 흘려보내고, ``layers``로 고른 층들의 출력을 모아 돌려줍니다.

    Parameters
    ----------
    model : 들여다볼 모델. 잠시 평가 모드(``eval()``)로 실행하고, 끝나면 원래 모드로 돌려놓습니다.
    x : 모델의 입력 텐서 (보통 ``(1, C, H, W)``).
    layers : 층의 이름(``model.named_modules()``의 이름, 예: ``"features.3"``)이나 층의 종류
        (예: ``nn.Conv2d``), 또는 그 둘을 섞은 목록. 종류를 주면 그 종류의 층이 모두 골라집니다.

    Returns
    -------
    ``{층 이름: 출력 텐서}``. 층이 불린 순서대로 담기고, 텐서는 기울기에서 떼어 낸 복사본입니다
    (뒤따르는 ``ReLU(inplace=True)``가 값을 바꿔도 영향을 받지 않습니다). 같은 층이 한 번의
    순전파에서 여러 번 불리면 두 번째부터는 ``"이름:2"``, ``"이름:3"``으로 따로 담습니다.
    """
    _check_model(model)
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x는 torch.Tensor여야 합니다. 받은 타입: {type(x).__name__} (x must be a tensor)")
    if isinstance(layers, (str, type)):
        layers = [layers]
    try:
        layers = list(layers)
    except TypeError:
        raise TypeError("layers는 층 이름(문자열)이나 층 종류(nn.Module의 하위 클래스), 또는 그 목록이어야 합니다. "
                        f"받은 타입: {type(layers).__name__} (layers must be names or module types)") from None
    if not layers:
        raise ValueError("layers가 비어 있습니다. 예: activations(model, x, [nn.Conv2d])")
    named = dict(model.named_modules())
    chosen: dict[str, nn.Module] = {}
    for item in layers:
        if isinstance(item, str):
            if item not in named:
                import difflib

                close = difflib.get_close_matches(item, [n for n in named if n], n=3)
                hint = f" 혹시 {', '.join(close)}?" if close else ""
                raise ValueError(f"모델에 {item!r}라는 층이 없습니다.{hint} 이름은 model.named_modules()로 "
                                 f"볼 수 있습니다. (no layer named {item!r})")
            chosen[item] = named[item]
        elif isinstance(item, type) and issubclass(item, nn.Module):
            chosen.update({name: m for name, m in named.items() if isinstance(m, item) and m is not model})
        else:
            raise TypeError(f"layers의 항목은 층 이름(문자열)이나 nn.Module의 하위 클래스여야 합니다. "
                            f"받은 값: {item!r} (layer items must be names or module types)")
    if not chosen:
        kinds = ", ".join(getattr(i, "__name__", str(i)) for i in layers)
        raise ValueError(f"모델에 {kinds} 종류의 층이 없습니다. (no layers of type {kinds})")

    found: dict[str, torch.Tensor] = {}

    def recorder(name):
        def hook(module, inputs, output):
            out = output[0] if isinstance(output, (tuple, list)) else output
            key, n = name, 1
            while key in found:
                n += 1
                key = f"{name}:{n}"
            found[key] = out.detach().clone()
        return hook

    handles = [m.register_forward_hook(recorder(name)) for name, m in chosen.items()]
    modes = {m: m.training for m in model.modules()}
    model.eval()
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
        _set_modes(model, modes)
    return found


def occlusion_sensitivity(model, image, target, patch: int = 6, stride: int = 2, fill: float = 0.0,
                          batch_size: int = 256) -> torch.Tensor:
    """가림 민감도 맵: 조각으로 가린 위치마다 정답 클래스 확률이 얼마나 떨어지는지.

    ``patch``×``patch`` 정사각형을 왼쪽 위에서부터 ``stride``칸씩 옮기며 이미지의 그 부분을
    ``fill`` 값으로 채우고(모든 채널), 모델의 소프트맥스 확률 가운데 ``target`` 클래스의 값을
    잽니다. 결과의 ``[i, j]``는 왼쪽 위 모서리가 ``(i·stride, j·stride)``인 조각으로 가렸을 때의

        (가리지 않은 이미지의 확률) − (가린 이미지의 확률)

    입니다. 양수가 클수록 그 부분이 정답을 맞히는 데 중요합니다. 조각은 이미지 밖으로 나가지
    않으므로 맵의 크기는 ``⌊(H − patch)/stride⌋ + 1`` × ``⌊(W − patch)/stride⌋ + 1``입니다.

    Parameters
    ----------
    model : 분류 모델 (로짓을 냅니다). 잠시 평가 모드로 실행하고 원래 모드로 돌려놓습니다.
    image : ``(C, H, W)`` 또는 ``(1, C, H, W)`` 텐서. 모델에 넣는 값 그대로(정규화된 값)입니다.
    target : 확률을 볼 클래스 번호.
    fill : 가리는 값. 정규화된 입력에서 0은 데이터셋의 평균 밝기, 곧 '회색'입니다.
    batch_size : 가린 이미지를 몇 장씩 모아 모델에 넣을지 (메모리와 속도만 바뀝니다).
    """
    _check_model(model)
    if not isinstance(image, torch.Tensor):
        raise TypeError(f"image는 torch.Tensor여야 합니다. 받은 타입: {type(image).__name__} (image must be a tensor)")
    if image.dim() == 4 and image.shape[0] == 1:
        image = image[0]
    if image.dim() != 3:
        raise ValueError(f"image는 (C, H, W)나 (1, C, H, W) 모양이어야 합니다. 받은 모양: {tuple(image.shape)} "
                         "(image must be (C, H, W))")
    if isinstance(target, bool) or not isinstance(target, numbers.Integral):
        if isinstance(target, torch.Tensor) and target.numel() == 1 and not target.is_floating_point():
            target = int(target.item())
        else:
            raise TypeError(f"target은 클래스 번호(정수)여야 합니다. 받은 값: {target!r} (target must be an int)")
    target = int(target)
    _check_positive_int(patch, "patch")
    _check_positive_int(stride, "stride")
    _check_positive_int(batch_size, "batch_size")
    if isinstance(fill, bool) or not isinstance(fill, numbers.Real):
        raise TypeError(f"fill은 숫자여야 합니다. 받은 값: {fill!r} (fill must be a number)")
    _, h, w = image.shape
    if patch > min(h, w):
        raise ValueError(f"patch({patch})가 이미지({h}×{w})보다 큽니다. (patch larger than the image)")

    first = next(model.parameters(), None)
    image = image.detach().to(first.device if first is not None else image.device)
    tops = range(0, h - patch + 1, stride)
    lefts = range(0, w - patch + 1, stride)
    positions = [(t, left) for t in tops for left in lefts]

    modes = {m: m.training for m in model.modules()}
    model.eval()
    try:
        with torch.no_grad():
            probs = model(image[None]).float().softmax(dim=1)
            if not 0 <= target < probs.shape[1]:
                raise ValueError(f"target은 0 이상 {probs.shape[1]} 미만이어야 합니다. 받은 값: {target} "
                                 f"(target out of range for {probs.shape[1]} classes)")
            base = probs[0, target]
            occluded = []
            for start in range(0, len(positions), batch_size):
                chunk = positions[start:start + batch_size]
                batch = image.expand(len(chunk), *image.shape).clone()
                for k, (t, left) in enumerate(chunk):
                    batch[k, :, t:t + patch, left:left + patch] = fill
                occluded.append(model(batch).float().softmax(dim=1)[:, target])
    finally:
        _set_modes(model, modes)
    drop = base - torch.cat(occluded)
    return drop.reshape(len(tops), len(lefts)).cpu()
