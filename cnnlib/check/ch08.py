"""8장 AlexNet과 ZFNet의 연습문제 채점.

기대하는 답은 손으로 적어 두지 않고, 문제의 설정(아래 ``EX8_*`` 상수)에서
:func:`cnnlib.functional.output_size`, :func:`cnnlib.cost.layer_table`,
:func:`cnnlib.visualize.occlusion_sensitivity`로 그때그때 계산합니다. 상수는 8장 노트북의
문제 문장과 같아야 하며, 노트북의 숨은 테스트 셀이 이를 확인합니다.
"""

from __future__ import annotations

import math

from ._core import Verdict, as_function, as_int, as_int_tuple, as_number, as_tensor, tensor_matches

__all__ = ["ex8_1", "ex8_2", "ex8_3", "ex8_4", "ex8_5"]

# 문제 8.1: 논문 AlexNet의 conv1 (입력 227×227, 11×11 필터, 스트라이드 4, 패딩 없음)의 출력 한 변
EX8_1 = {"size": 227, "kernel": 11, "stride": 4, "padding": 0}
# 문제 8.2: 논문 AlexNet conv1 출력(필터 96개)의 활성값 메모리 (float32, KB)
EX8_2 = {"input": (3, 227, 227), "c_out": 96, "kernel": 11, "stride": 4, "padding": 0}
# 문제 8.3: 논문 AlexNet conv2 (96 → 256, 5×5, 패딩 2, 27×27 입력)를 groups=2로 나눌 때 줄어드는 매개변수 수
EX8_3 = {"input": (96, 27, 27), "c_out": 256, "kernel": 5, "padding": 2, "groups": 2}
# 문제 8.4: ZFNet conv1 (입력 3×224×224, 7×7 필터 96개, 스트라이드 2, 패딩 1)의 출력 모양 (C, H, W)
EX8_4 = {"input": (3, 224, 224), "c_out": 96, "kernel": 7, "stride": 2, "padding": 1}
# 문제 8.5: 독자가 쓴 occlusion_map(model, image, target, patch, stride)을 시험할 경우들
#           (채널, 높이, 너비, 정답 클래스, 조각, 스트라이드)
EX8_5 = {"cases": ((1, 8, 8, 0, 2, 2), (1, 8, 8, 3, 3, 1), (2, 9, 7, 1, 4, 3), (1, 6, 6, 2, 6, 1)),
         "classes": 4}



def _conv_row(c_in: int, c_out: int, kernel: int, size, stride: int = 1, padding: int = 0, groups: int = 1):
    """``layer_table``이 센 합성곱 층 하나의 줄 (meta 장치에서 모양만 계산)."""
    import torch
    from torch import nn

    from ..cost import layer_table

    with torch.device("meta"):
        conv = nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding, groups=groups)
    (row,) = layer_table(conv, (1, c_in, *size))
    return row


# ---------------------------------------------------------------- 8.1
def ex8_1(answer) -> Verdict:
    """8.1 AlexNet conv1 출력의 한 변(정수)을 채점합니다."""
    from ..functional import output_size

    got = as_int(answer, "8.1")
    s = EX8_1
    expected = output_size(s["size"], s["kernel"], padding=s["padding"], stride=s["stride"])
    if got == expected:
        return Verdict("8.1", True)
    typical = [
        (output_size(277, s["kernel"], stride=s["stride"]),
         "입력을 277로 계산했습니다. 여러 자료에 퍼진 오타이고, 논문의 산수가 맞는 입력은 227입니다."),
        (output_size(224, s["kernel"], stride=s["stride"]), "입력을 224로 계산하지 않았나요? 문제의 입력은 227×227입니다."),
        (s["size"] - s["kernel"] + 1, "스트라이드 4를 빠뜨렸습니다. 필터는 네 칸씩 건너뛰며 움직입니다."),
        ((s["size"] - s["kernel"]) // s["stride"],
         "⌊(W − K + 2P)/S⌋ 뒤에 1을 더했나요? 첫 위치도 한 칸으로 셉니다."),
        (s["size"] // s["stride"], "입력을 스트라이드로만 나누면 안 됩니다. 필터가 이미지 밖으로 나가지 않아야 합니다."),
    ]
    hints = [text for value, text in typical if got == value]
    hint = " ".join(hints) or "출력 크기 = ⌊(W − K + 2P)/S⌋ + 1에 W = 227, K = 11, P = 0, S = 4를 넣으세요."
    return Verdict("8.1", False, hint)


# ---------------------------------------------------------------- 8.2
def _ex8_2_row():
    s = EX8_2
    c_in, h, w = s["input"]
    return _conv_row(c_in, s["c_out"], s["kernel"], (h, w), s["stride"], s["padding"])


def ex8_2(answer) -> Verdict:
    """8.2 conv1 출력의 활성값 메모리(KB, 실수)를 채점합니다."""
    got = as_number(answer, "8.2")
    row = _ex8_2_row()
    n = math.prod(row.output_shape)
    if math.isclose(got, row.memory_kb, rel_tol=1e-3):
        return Verdict("8.2", True)
    if math.isclose(got, n * 4, rel_tol=1e-3):
        hint = "바이트 수를 그대로 주었습니다. KB로 바꾸려면 1024로 나누세요."
    elif math.isclose(got, n, rel_tol=1e-3) or math.isclose(got, n / 1024, rel_tol=1e-3):
        hint = "원소 수는 맞게 센 것 같습니다. float32 원소 하나는 4바이트입니다."
    elif math.isclose(got, row.memory_kb / 1024, rel_tol=1e-3):
        hint = "MB 단위로 준 것 같습니다. KB로 답하세요."
    elif math.isclose(got, n * 4 / 1000, rel_tol=1e-3):
        hint = "이 책은 1 KB = 1024바이트로 셉니다."
    elif math.isclose(got, math.prod(EX8_2["input"]) * 4 / 1024, rel_tol=1e-3):
        hint = "입력의 메모리를 구했습니다. 물은 것은 conv1이 내놓는 출력(필터 96개의 특징 맵)입니다."
    else:
        hint = "메모리(KB) = C_out × H_out × W_out × 4 / 1024입니다. 출력 한 변은 연습문제 8.1의 답입니다."
    return Verdict("8.2", False, hint)


# ---------------------------------------------------------------- 8.3
def ex8_3(answer) -> Verdict:
    """8.3 groups=2로 줄어드는 매개변수 수(정수)를 채점합니다."""
    got = as_int(answer, "8.3")
    s = EX8_3
    c_in, h, w = s["input"]
    full = _conv_row(c_in, s["c_out"], s["kernel"], (h, w), padding=s["padding"]).params
    grouped = _conv_row(c_in, s["c_out"], s["kernel"], (h, w), padding=s["padding"], groups=s["groups"]).params
    expected = full - grouped
    if got == expected:
        return Verdict("8.3", True)
    if got == grouped:
        hint = "groups=2인 층의 매개변수 수를 구했습니다. 물은 것은 groups=1일 때보다 몇 개 줄어드는가입니다."
    elif got == full:
        hint = "groups=1인 층의 매개변수 수입니다. groups=2일 때의 수를 빼세요."
    elif got == expected + s["c_out"] // 2 or got == expected + s["c_out"]:
        hint = "편향은 그룹으로 나눠도 필터마다 하나씩 그대로 있으므로 줄어들지 않습니다."
    elif got == expected // 2:
        hint = "그룹마다 필터가 절반(128개)이고 각 필터가 보는 입력 채널도 절반(48개)입니다. 두 그룹을 모두 세세요."
    elif got == 0:
        hint = "그룹으로 나누면 필터 하나가 보는 입력 채널 수가 줄어듭니다. 매개변수도 줄어듭니다."
    else:
        hint = ("매개변수 = C_out × (C_in / groups) × K × K + C_out입니다. groups = 1과 2일 때를 각각 "
                "구해 빼세요.")
    return Verdict("8.3", False, hint)


# ---------------------------------------------------------------- 8.4
def ex8_4(answer) -> Verdict:
    """8.4 ZFNet conv1의 출력 모양 (C, H, W)을 채점합니다."""
    got = as_int_tuple(answer, 3, "8.4")
    s = EX8_4
    c_in, h, w = s["input"]
    row = _conv_row(c_in, s["c_out"], s["kernel"], (h, w), s["stride"], s["padding"])
    expected = tuple(row.output_shape[1:])
    if got == expected:
        return Verdict("8.4", True)
    c, oh, ow = got
    if c != expected[0]:
        if c == c_in:
            hint = "채널 수는 입력 채널(3)이 아니라 필터의 개수입니다."
        else:
            hint = "출력 채널 수는 필터의 개수와 같습니다."
    elif oh == (h - s["kernel"]) // s["stride"] + 1:
        hint = "패딩 1을 빠뜨렸습니다. 양쪽에 한 칸씩, 모두 2P를 더합니다."
    elif oh == h - s["kernel"] + 2 * s["padding"] + 1:
        hint = "스트라이드 2를 빠뜨렸습니다."
    elif oh == 55:
        hint = "55는 AlexNet conv1(11×11, 스트라이드 4)의 출력입니다. ZFNet은 7×7, 스트라이드 2입니다."
    else:
        hint = "출력 크기 = ⌊(W − K + 2P)/S⌋ + 1을 가로·세로에 각각 적용하세요."
    return Verdict("8.4", False, hint)


# ---------------------------------------------------------------- 8.5
def _tiny_net(channels: int, classes: int):
    """채점용 작은 분류기 (시드를 고정해 늘 같은 가중치)."""
    import torch
    from torch import nn

    gen = torch.Generator().manual_seed(805 + channels)
    model = nn.Sequential(nn.Conv2d(channels, 3, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(2),
                          nn.Flatten(), nn.Linear(12, classes))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=gen))
    return model.eval()


def _ex8_5_cases():
    import torch

    for k, (c, h, w, target, patch, stride) in enumerate(EX8_5["cases"]):
        gen = torch.Generator().manual_seed(850 + k)
        image = torch.randn(c, h, w, generator=gen)
        yield _tiny_net(c, EX8_5["classes"]), image, target, patch, stride


def _wrong_variants(model, image, target, patch, stride):
    """흔한 실수로 만든 맵들: (설명, 맵)."""
    import torch

    from ..visualize import occlusion_sensitivity

    right = occlusion_sensitivity(model, image, target, patch=patch, stride=stride)
    out = [("sign", -right)]
    with torch.no_grad():
        base_logit = model(image[None])[0, target]
        h, w = image.shape[1:]
        logits, first_only = [], []
        for top in range(0, h - patch + 1, stride):
            for left in range(0, w - patch + 1, stride):
                x = image.clone()
                x[:, top:top + patch, left:left + patch] = 0
                logits.append(base_logit - model(x[None])[0, target])
                y = image.clone()
                y[0, top:top + patch, left:left + patch] = 0
                first_only.append(model(image[None]).softmax(1)[0, target] - model(y[None]).softmax(1)[0, target])
    out.append(("logit", torch.stack(logits).reshape(right.shape)))
    if image.shape[0] > 1:
        out.append(("channel", torch.stack(first_only).reshape(right.shape)))
    return right, out


def ex8_5(occlusion_map) -> Verdict:
    """8.5 독자가 쓴 ``occlusion_map(model, image, target, patch, stride)``을 여러 경우에서 시험합니다.

    기대값은 :func:`cnnlib.visualize.occlusion_sensitivity` (``fill=0``)입니다.
    """
    as_function(occlusion_map, "8.5", "occlusion_map")
    hints = {
        "sign": "부호가 반대입니다. (가리지 않았을 때의 확률) − (가렸을 때의 확률)을 돌려주세요.",
        "logit": "로짓의 차이를 구했습니다. 소프트맥스를 거친 확률의 차이를 구하세요.",
        "channel": "첫 채널만 가렸습니다. 조각은 모든 채널을 가려야 합니다 (image[:, 위:아래, 왼:오른]).",
    }
    for model, image, target, patch, stride in _ex8_5_cases():
        call = (f"모양 {tuple(image.shape)}인 이미지, target={target}, patch={patch}, stride={stride}인 경우")
        original = image.clone()
        try:
            result = occlusion_map(model, image, target, patch, stride)
        except Exception as exc:  # 독자의 함수에서 난 오류를 힌트로 알려 줍니다.
            return Verdict("8.5", False, f"{call}에 {type(exc).__name__} 오류가 났습니다: {exc}")
        if result is None:
            return Verdict("8.5", False, "함수가 아무것도 돌려주지 않았습니다. return을 빠뜨리지 않았나요?")
        if not image.equal(original):
            return Verdict("8.5", False, "함수가 입력 이미지를 바꿔 놓았습니다. 가리기 전에 image.clone()으로 "
                                          "복사하세요.")
        expected, wrong = _wrong_variants(model, original, target, patch, stride)
        try:
            got = as_tensor(result, "8.5")
        except TypeError:
            return Verdict("8.5", False, f"{call}에 돌려준 값 {type(result).__name__}을(를) 텐서로 바꿀 수 "
                                          "없습니다. 2차원 텐서를 돌려주세요.")
        ok, hint = tensor_matches(got, expected, "8.5", atol=1e-4)
        if ok:
            continue
        if tuple(got.shape) != tuple(expected.shape):
            n_rows, n_cols = expected.shape
            hint = (f"{call}에 맵의 모양이 맞지 않습니다. 조각이 이미지 밖으로 나가지 않으므로 세로 위치는 "
                    f"⌊(H − patch)/stride⌋ + 1 = {n_rows}개, 가로 위치는 {n_cols}개여야 합니다.")
        else:
            for name, variant in wrong:
                if tensor_matches(got, variant, "8.5", atol=1e-4)[0]:
                    hint = hints[name]
                    break
            else:
                hint = (f"{call}에 값이 다릅니다. 조각의 왼쪽 위를 (i·stride, j·stride)에 두고 0으로 채운 뒤, "
                        "target 클래스의 소프트맥스 확률이 얼마나 떨어지는지 재세요. model.eval()과 "
                        "torch.no_grad()도 잊지 마세요.")
        return Verdict("8.5", False, hint)
    return Verdict("8.5", True)
