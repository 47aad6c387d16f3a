"""계산 정밀도: ``fit``·``evaluate``·``predict``가 float32로 계산할지, 혼합 정밀도로 계산할지.

- CUDA: bfloat16을 지원하면 bfloat16, 아니면 float16(+ ``GradScaler``)의 자동 혼합 정밀도(AMP).
- CPU: bfloat16을 **하드웨어로 직접** 계산하는 CPU(AVX512-BF16 명령이나 AMX)에서만 bfloat16.
  AVX-512F만 있는 CPU에서도 oneDNN은 bfloat16을 흉내 내어 계산할 수 있다고 답하지만
  (``torch.ops.mkldnn._is_mkldnn_bf16_supported()``), 그런 CPU에서 bfloat16은 float32보다 약 9배 느립니다
  (512×512 행렬 곱 18.8 ms 대 2.1 ms). 그래서 그 대답은 쓰지 않습니다. 깊이별 합성곱이 있는 모델은
  bfloat16이 오히려 느려서(MobileNet v1에서 0.8배) CPU에서는 float32로 둡니다.
- 환경 변수 ``CNNLIB_AMP``: ``0``이면 언제나 float32, ``1``이면 언제나 혼합 정밀도(CPU에서도 bfloat16),
  ``emulate``면 CPU에서 bfloat16을 **흉내** 냅니다(아래). 함수에 직접 준 ``amp``가 환경 변수보다 앞섭니다.

**bfloat16 흉내(``emulate``).** AVX512-BF16과 AMX는 합성곱·행렬 곱의 입력을 bfloat16으로 읽고 float32로
누산합니다. 흉내 모드는 float32 커널을 그대로 쓰되 합성곱·완전 연결 층·행렬 곱의 입력(활성값과 가중치)과
출력을 bfloat16으로 반올림합니다. 역전파에서도 그 자리의 기울기가 bfloat16으로 반올림됩니다(형 변환의 미분).
속도는 float32와 거의 같으므로, bfloat16을 직접 계산하지 못하는 기계에서 "이 책의 주장이 bfloat16에서도
성립하는가"를 재는 데 씁니다 (``benchmarks/seed_spread.py``). 합성곱 사이의 원소별 연산(배치 정규화, ReLU,
덧셈)은 float32로 계산하므로 진짜 자동 혼합 정밀도와 마지막 자리까지 같지는 않습니다.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

__all__ = ["Precision", "resolve", "precision_name"]

EMULATED = "bfloat16-emulated"


def _cpu_bf16_native() -> bool:
    """CPU가 bfloat16 행렬 곱을 하드웨어로 직접 하는지 (PyTorch의 AVX512-BF16·AMX 검사)."""
    cpu = getattr(torch, "cpu", None)
    for name in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"):
        check = getattr(cpu, name, None)
        try:
            if check is not None and check():
                return True
        except RuntimeError:
            pass
    return False


def amp_from_env():
    """환경 변수 ``CNNLIB_AMP``의 뜻: ``False``(0), ``True``(1), ``"emulate"``, 없거나 ``auto``면 ``None``."""
    value = os.environ.get("CNNLIB_AMP", "").strip().lower()
    if value in ("", "auto"):
        return None
    if value in ("0", "false", "off", "no"):
        return False
    if value in ("1", "true", "on", "yes"):
        return True
    if value == "emulate":
        return "emulate"
    raise ValueError(f"CNNLIB_AMP는 0(float32), 1(혼합 정밀도), emulate(bfloat16 흉내), auto(자동) 가운데 "
                     f"하나여야 합니다. 받은 값: {value!r} (CNNLIB_AMP must be 0, 1, emulate or auto)")


def _has_depthwise(model) -> bool:
    return model is not None and any(
        isinstance(m, nn.Conv2d) and m.groups > 1 and m.groups == m.in_channels for m in model.modules())


_ROUNDED_OPS = frozenset({
    torch.conv1d, torch.conv2d, torch.conv3d, torch.nn.functional.linear, torch.matmul, torch.mm, torch.bmm,
    torch.addmm, torch.conv_transpose2d,
})


def _round_bf16(value):
    if isinstance(value, torch.Tensor) and value.dtype == torch.float32:
        return value.to(torch.bfloat16).to(torch.float32)
    return value


class _EmulateBF16(TorchFunctionMode):
    """합성곱·행렬 곱의 입력과 출력을 bfloat16으로 반올림합니다 (계산은 float32 커널, float32 누산)."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func not in _ROUNDED_OPS:
            return func(*args, **kwargs)
        args = tuple(_round_bf16(a) for a in args)
        kwargs = {k: _round_bf16(v) for k, v in kwargs.items()}
        return _round_bf16(func(*args, **kwargs))


@dataclass(frozen=True)
class Precision:
    """고른 정밀도: ``name``("float32", "bfloat16", "float16", "bfloat16-emulated"), autocast 자료형, GradScaler."""

    name: str
    device_type: str
    dtype: torch.dtype | None = None
    scaler: object | None = None

    def context(self):
        """순전파를 감쌀 문맥: autocast, bfloat16 흉내, 또는 아무것도 하지 않는 문맥."""
        if self.name == EMULATED:
            return _EmulateBF16()
        if self.dtype is not None:
            return torch.autocast(self.device_type, dtype=self.dtype)
        return contextlib.nullcontext()


def resolve(dev: torch.device, model=None, amp=None) -> Precision:
    """장치·모델·``amp`` 인자(와 ``CNNLIB_AMP``)로 정밀도를 고릅니다.

    ``amp``: ``None``(자동, 환경 변수를 따름), ``False``(float32), ``True``(혼합 정밀도),
    ``"emulate"``(CPU에서 bfloat16 흉내).
    """
    if amp is not None and not isinstance(amp, bool) and amp != "emulate":
        raise TypeError(f"amp는 None(자동), True, False, 'emulate' 가운데 하나여야 합니다. 받은 값: {amp!r}")
    if amp is None:
        amp = amp_from_env()
    kind = dev.type
    if amp is False:
        return Precision("float32", kind)
    if kind == "cuda":
        if torch.cuda.is_bf16_supported():
            return Precision("bfloat16", kind, torch.bfloat16)
        return Precision("float16", kind, torch.float16, torch.amp.GradScaler("cuda"))
    if kind == "cpu":
        if amp == "emulate":
            return Precision(EMULATED, kind)
        if amp is True or (_cpu_bf16_native() and not _has_depthwise(model)):
            return Precision("bfloat16", kind, torch.bfloat16)
    return Precision("float32", kind)


def precision_name(model: nn.Module | None = None, device=None, amp=None) -> str:
    """:func:`cnnlib.train.fit`·``evaluate``가 이 모델을 어떤 정밀도로 계산할지 이름으로."""
    from . import runtime

    if model is not None and not isinstance(model, nn.Module):
        raise TypeError(f"nn.Module이 필요합니다. 받은 타입: {type(model).__name__}")
    dev = torch.device(device) if device is not None else runtime.device()
    return resolve(dev, model, amp).name
