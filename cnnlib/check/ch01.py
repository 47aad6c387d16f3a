"""1장 왜 합성곱인가의 연습문제 채점.

정답은 여기에 적어 두지 않고, 채점할 때마다 PyTorch로 계산합니다. 문제의 설정(사진 크기,
층의 크기, 옮기는 칸 수)은 아래 상수에 있고, 1장 본문의 문제와 같은 값입니다. 연습문제 1.4가
쓰는 특징 맵들은 :func:`exercise_maps`가 만듭니다.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from ._core import Verdict, as_function, as_int, as_int_tuple, as_number, as_tensor, shift_zero_fill

__all__ = ["ex1_1", "ex1_2", "ex1_3", "ex1_4", "ex1_5"]

# 연습문제 1.1·1.2: RGB 사진 (채널, 세로, 가로)를 한 줄로 펴서 은닉 유닛 HIDDEN개의 완전 연결 층에 넣습니다.
IMAGE_SHAPE = (3, 64, 64)
HIDDEN = 100
# 연습문제 1.2: 사진이 이만큼 커졌을 때, 그리고 비교하는 합성곱 층.
BIGGER_SHAPE = (3, 128, 128)
CONV_FILTERS, CONV_KERNEL = 100, 5
# 연습문제 1.3: 입력과 출력이 SEQ_LEN개인 1차원 층, 커널 SEQ_KERNEL, 양 끝 제로 패딩 SEQ_PADDING.
SEQ_LEN, SEQ_KERNEL, SEQ_PADDING = 16, 5, 2
# 연습문제 1.4: 입력을 오른쪽으로 dx, 아래로 dy칸 옮깁니다.
EXERCISE_SHIFT = (2, 1)


def _n_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def _fc_params(shape) -> int:
    """사진을 한 줄로 펴서 은닉 유닛 HIDDEN개의 nn.Linear에 넣을 때의 매개변수 수."""
    with torch.device("meta"):  # 모양만 만들고 메모리는 쓰지 않습니다
        return _n_params(nn.Linear(math.prod(shape), HIDDEN))


def _shift_reference(x: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    """x(세로, 가로)를 오른쪽으로 dx, 아래로 dy칸 옮기고 빈 곳을 0으로 채운 새 텐서 (연습문제와 같은 인자 순서)."""
    return shift_zero_fill(x, dy, dx)


# ---------------------------------------------------------------- 1.1
def ex1_1(answer) -> Verdict:
    """연습문제 1.1: 64×64 RGB 사진을 은닉 유닛 100개의 완전 연결 층에 넣을 때의 매개변수 수."""
    value = as_int(answer, "1.1")
    expected = _fc_params(IMAGE_SHAPE)
    if value == expected:
        return Verdict("1.1", True)
    n_inputs = math.prod(IMAGE_SHAPE)
    gray = IMAGE_SHAPE[1:]
    if value == expected - HIDDEN:
        hint = "가중치만 세었습니다. 은닉 유닛마다 편향이 하나씩 있습니다."
    elif value in (_fc_params(gray), _fc_params(gray) - HIDDEN):
        hint = "색 채널을 빠뜨렸습니다. RGB 사진은 픽셀마다 값이 3개이므로 입력 값의 수는 세로×가로×3입니다."
    elif value in (n_inputs, n_inputs + 1):
        hint = "은닉 유닛 하나의 가중치만 세었습니다. 은닉 유닛 100개가 저마다 입력 전체와 이어집니다."
    else:
        hint = "(입력 값의 수) × (은닉 유닛 수) + (은닉 유닛마다 편향 1개)를 계산하세요."
    return Verdict("1.1", False, hint)


# ---------------------------------------------------------------- 1.2
def ex1_2(answer) -> Verdict:
    """연습문제 1.2: 사진이 64×64에서 128×128이 될 때 (완전 연결 층, 합성곱 층)의 매개변수가 몇 배가 되는지."""
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__"):
        raise TypeError(
            f"[연습문제 1.2] 답은 (완전 연결 층의 배수, 합성곱 층의 배수) 두 수의 튜플이어야 합니다. "
            f"받은 값: {answer!r} (answer must be a tuple of two numbers)"
        )
    if len(answer) != 2:
        raise ValueError(f"[연습문제 1.2] 답은 수 두 개여야 합니다. 받은 개수: {len(answer)}")
    fc_ratio, conv_ratio = (as_number(a, "1.2") for a in answer)
    expected_fc = _fc_params(BIGGER_SHAPE) / _fc_params(IMAGE_SHAPE)
    # nn.Conv2d는 입력 크기를 인자로 받지 않습니다. 같은 층이 두 크기의 사진을 모두 받으므로 배수는 1입니다.
    with torch.device("meta"):
        layer = nn.Conv2d(IMAGE_SHAPE[0], CONV_FILTERS, CONV_KERNEL)
        for shape in (IMAGE_SHAPE, BIGGER_SHAPE):
            layer(torch.empty(1, *shape))
    expected_conv = 1.0

    def close(a: float, b: float) -> bool:
        return math.isclose(a, b, rel_tol=1e-2)

    side = BIGGER_SHAPE[1] / IMAGE_SHAPE[1]
    if close(fc_ratio, expected_fc) and close(conv_ratio, expected_conv):
        return Verdict("1.2", True)
    if not close(conv_ratio, expected_conv):
        hint = ("합성곱 층의 매개변수는 필터의 크기·깊이·개수로만 정해집니다. 입력 사진의 세로·가로가 "
                "식에 들어가는지 다시 보세요.")
    elif close(fc_ratio, side):
        hint = "가로와 세로가 모두 커지므로 입력 값의 수는 (가로의 배수) × (세로의 배수)배가 됩니다."
    else:
        hint = "완전 연결 층의 가중치 수는 입력 값의 수에 비례합니다. 128×128×3은 64×64×3의 몇 배인가요?"
    return Verdict("1.2", False, hint)


# ---------------------------------------------------------------- 1.3
def _seq_counts() -> tuple[int, int, int]:
    """(완전 연결, 부분 연결(공유 없음), 합성곱) 가중치 수를 층을 만들어 셉니다."""
    fc = nn.Linear(SEQ_LEN, SEQ_LEN, bias=False)
    conv = nn.Conv1d(1, 1, SEQ_KERNEL, padding=SEQ_PADDING, bias=False)
    with torch.no_grad():
        conv.weight.fill_(1.0)
        # 합성곱을 행렬 M으로 씁니다: M의 j번째 열은 j번째 단위 벡터를 넣었을 때의 출력입니다.
        matrix = conv(torch.eye(SEQ_LEN).unsqueeze(1)).squeeze(1)
    return fc.weight.numel(), int((matrix != 0).sum()), conv.weight.numel()


def ex1_3(answer) -> Verdict:
    """연습문제 1.3: 입력·출력 16개인 1차원 층의 (완전 연결, 부분 연결, 합성곱) 가중치 수."""
    got = as_int_tuple(answer, 3, "1.3")
    expected = _seq_counts()
    if got == expected:
        return Verdict("1.3", True)
    fc, local, shared = got
    if fc != expected[0]:
        hint = "완전 연결은 출력 하나하나가 입력 전부와 저마다의 가중치로 이어집니다: 입력 수 × 출력 수."
    elif local != expected[1] and local == SEQ_LEN * SEQ_KERNEL:
        hint = ("부분 연결에서 양 끝 출력의 창은 일부가 덧댄 0 위에 놓입니다. 덧댄 0은 실제 입력이 아니므로 "
                "그 자리의 연결은 세지 않습니다.")
    elif local != expected[1]:
        hint = "출력마다 창 안에 들어오는 실제 입력이 몇 개인지 세어 더하세요. 양 끝에서는 창이 입력 밖으로 나갑니다."
    else:
        hint = "가중치 공유에서는 모든 위치가 커널 하나를 나눠 씁니다. 서로 다른 가중치는 커널의 칸 수뿐입니다(편향 없음)."
    return Verdict("1.3", False, hint)


# ---------------------------------------------------------------- 1.4
def exercise_maps():
    """연습문제 1.4의 (입력 이미지, 그 특징 맵, 후보 특징 맵 4개의 리스트)를 돌려줍니다.

    후보 중 하나만이 입력을 오른쪽으로 ``EXERCISE_SHIFT[0]``, 아래로 ``EXERCISE_SHIFT[1]``칸
    옮긴 뒤 같은 합성곱 층에 넣은 특징 맵입니다.
    """
    g = torch.Generator().manual_seed(14)
    image = torch.zeros(12, 12)  # 'F' 모양
    image[2:10, 3] = 1.0
    image[2, 3:9] = 1.0
    image[5, 3:7] = 1.0
    weight = torch.randn(1, 1, 3, 3, generator=g)
    fc_weight = torch.randn(144, 144, generator=g) / 12

    def conv(x):
        return F.conv2d(x[None, None], weight, padding=1)[0, 0]

    dx, dy = EXERCISE_SHIFT
    moved = _shift_reference(image, dx, dy)
    candidates = [
        conv(_shift_reference(image, dy, dx)),            # 가로와 세로를 바꿔 옮긴 입력
        (fc_weight @ moved.flatten()).view(12, 12),       # 같은 입력을 완전 연결 층에 넣은 출력
        conv(moved),                                      # 옮긴 입력의 특징 맵
        conv(_shift_reference(image, -dx, -dy)),          # 반대 방향으로 옮긴 입력
    ]
    return image, conv(image), candidates


def ex1_4(answer) -> Verdict:
    """연습문제 1.4: 후보 특징 맵 1~4 가운데 옮긴 입력의 특징 맵인 것의 번호."""
    value = as_int(answer, "1.4")
    _, fmap, candidates = exercise_maps()
    if not 1 <= value <= len(candidates):
        return Verdict("1.4", False, f"후보 번호 1~{len(candidates)} 가운데 하나로 답하세요.")
    dx, dy = EXERCISE_SHIFT

    def shifted_map(a: int, b: int, candidate) -> bool:
        """candidate가 원래 특징 맵을 (a, b)만큼 옮긴 것과 같은지 (가장자리 띠는 빼고) 봅니다."""
        m = max(abs(a), abs(b)) + 1  # 0으로 채운 띠와 패딩의 영향이 닿는 가장자리
        inner = (slice(m, -m), slice(m, -m))
        return torch.allclose(candidate[inner], _shift_reference(fmap, a, b)[inner], atol=1e-5)

    # 정답은 원래 특징 맵을 (dx, dy)만큼 옮긴 것과 같은 후보입니다.
    if shifted_map(dx, dy, candidates[value - 1]):
        return Verdict("1.4", True)
    chosen = candidates[value - 1]
    if shifted_map(dy, dx, chosen):
        hint = "가로와 세로를 바꿔 보았습니다. 오른쪽으로 옮기면 열 번호가, 아래로 옮기면 행 번호가 커집니다."
    elif shifted_map(-dx, -dy, chosen):
        hint = "방향이 반대입니다. 특징 맵도 입력과 같은 방향(오른쪽, 아래)으로 옮겨 가야 합니다."
    else:
        hint = ("이 후보에서는 원래 특징 맵의 무늬를 옮겨 놓은 모습을 찾을 수 없습니다. 합성곱 층의 출력은 "
                "입력이 옮겨 간 만큼 무늬째 옮겨 갑니다.")
    return Verdict("1.4", False, hint)


# ---------------------------------------------------------------- 1.5
# (세로, 가로, dx, dy): 부호가 섞인 이동, 0 이동, 크기보다 큰 이동, 정사각형이 아닌 입력.
_SHIFT_CASES = [(5, 7, 2, 0), (5, 7, 0, 3), (6, 6, -1, 2), (6, 6, 3, -2), (4, 9, -4, -1), (5, 7, 0, 0),
                (5, 7, 7, 0), (6, 4, 0, -6), (3, 3, -2, -2)]


def ex1_5(func) -> Verdict:
    """연습문제 1.5: 2차원 텐서를 (dx, dy)만큼 옮기고 빈 곳을 0으로 채우는 함수 ``func(x, dx, dy)``."""
    as_function(func, "1.5", "shift_image")
    g = torch.Generator().manual_seed(15)
    for h, w, dx, dy in _SHIFT_CASES:
        x = torch.rand(h, w, generator=g) + 0.5  # 0이 아닌 값만: 채운 0과 구별됩니다
        original = x.clone()
        expected = _shift_reference(x, dx, dy)
        where = f"{h}×{w} 텐서, dx={dx}, dy={dy}"
        try:
            got = as_tensor(func(x, dx, dy), "1.5")
        except Exception as exc:  # 독자의 함수가 낸 오류를 힌트로 돌려줍니다.
            return Verdict("1.5", False, f"{where}에서 오류가 났습니다: {type(exc).__name__}: {exc}")
        if not torch.equal(x, original):
            return Verdict("1.5", False, "입력 텐서 x가 바뀌었습니다. x는 그대로 두고 새 텐서를 돌려주세요.")
        if tuple(got.shape) != (h, w):
            return Verdict("1.5", False, f"{where}에서 결과의 모양이 {tuple(got.shape)}입니다. "
                                         "옮긴 뒤에도 모양은 입력과 같아야 합니다.")
        if torch.allclose(got, expected, atol=1e-6):
            continue
        if torch.allclose(got, torch.roll(x, shifts=(dy, dx), dims=(0, 1)), atol=1e-6):
            hint = "밀려난 픽셀이 반대편으로 돌아 나왔습니다(torch.roll). 빈 곳은 0으로 채워야 합니다."
        elif torch.allclose(got, _shift_reference(x, -dx, -dy), atol=1e-6):
            hint = "방향이 반대입니다. dx > 0은 오른쪽, dy > 0은 아래로 옮기는 것입니다."
        elif torch.allclose(got, _shift_reference(x, dy, dx), atol=1e-6):
            hint = "가로와 세로를 바꿨습니다. dx는 열(가로) 방향, dy는 행(세로) 방향의 이동입니다."
        else:
            hint = f"{where}에서 값이 다릅니다. 음수 이동과 크기보다 큰 이동도 확인하세요."
        return Verdict("1.5", False, hint)
    return Verdict("1.5", True)
