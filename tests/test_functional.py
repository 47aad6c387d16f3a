"""cnnlib.functional: from-scratch convolution and pooling against PyTorch."""

from __future__ import annotations

import itertools
import re

import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

from cnnlib import functional as cf

HANGUL = r"[가-힣]"
# database=None: no .hypothesis folder in the repository (pytest would warn about it).
PROPERTY = settings(max_examples=30, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
TOL = {torch.float32: 1e-4, torch.float64: 1e-10}


# ---------------------------------------------------------------- strategies
def _arg(draw, h: int, w: int):
    """An int when both sides agree (sometimes), else an (h, w) tuple or list."""
    if h == w and draw(st.booleans()):
        return h
    return draw(st.sampled_from([tuple, list]))((h, w))


@st.composite
def conv_cases(draw):
    groups = draw(st.integers(1, 3))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    dh, dw = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    # 팽창한 커널이 패딩한 입력 안에 들어가도록 입력 크기를 고릅니다.
    min_h = max(1, dh * (kh - 1) + 1 - 2 * ph)
    min_w = max(1, dw * (kw - 1) + 1 - 2 * pw)
    h = draw(st.integers(min_h, min_h + 6))
    w = draw(st.integers(min_w, min_w + 6))
    return {
        "n": draw(st.integers(1, 2)),
        "c_in": c_in,
        "c_out": c_out,
        "groups": groups,
        "hw": (h, w),
        "kernel": (kh, kw),
        "stride": _arg(draw, sh, sw),
        "padding": _arg(draw, ph, pw),
        "dilation": _arg(draw, dh, dw),
        "bias": draw(st.booleans()),
        "dtype": draw(st.sampled_from([torch.float32, torch.float64])),
        "seed": draw(st.integers(0, 2**31 - 1)),
    }


def _tensors(case):
    g = torch.Generator().manual_seed(case["seed"])
    dtype = case["dtype"]
    x = torch.randn(case["n"], case["c_in"], *case["hw"], generator=g, dtype=dtype)
    weight = torch.randn(case["c_out"], case["c_in"] // case["groups"], *case["kernel"], generator=g,
                         dtype=dtype)
    bias = torch.randn(case["c_out"], generator=g, dtype=dtype) if case["bias"] else None
    return x, weight, bias


def _assert_close(got, expected, dtype):
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    torch.testing.assert_close(got, expected, atol=TOL[dtype], rtol=TOL[dtype])


# ---------------------------------------------------------------- conv2d
@pytest.mark.parametrize("method", ["im2col", "loops"])
@PROPERTY
@given(case=conv_cases())
def test_conv2d_matches_torch(method, case):
    x, weight, bias = _tensors(case)
    kwargs = {k: case[k] for k in ("stride", "padding", "dilation", "groups")}
    expected = F.conv2d(x, weight, bias, **kwargs)
    got = cf.conv2d(x, weight, bias, method=method, **kwargs)
    _assert_close(got, expected, case["dtype"])


@pytest.mark.parametrize("method", ["im2col", "loops"])
def test_conv2d_gradients_match_torch(method):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 4, 7, 6, generator=g, dtype=torch.float64)
    w = torch.randn(6, 2, 3, 2, generator=g, dtype=torch.float64)
    b = torch.randn(6, generator=g, dtype=torch.float64)
    kwargs = {"stride": (2, 1), "padding": (1, 0), "dilation": (1, 2), "groups": 2}
    grads = []
    for fn in (F.conv2d, lambda *a, **k: cf.conv2d(*a, method=method, **k)):
        leaves = [t.clone().requires_grad_(True) for t in (x, w, b)]
        (fn(*leaves, **kwargs) ** 2).sum().backward()
        grads.append([t.grad for t in leaves])
    for expected, got in zip(*grads, strict=True):
        torch.testing.assert_close(got, expected)


def test_conv2d_methods_agree_and_default_is_im2col():
    x = torch.randn(1, 3, 9, 9)
    w = torch.randn(4, 3, 3, 3)
    torch.testing.assert_close(cf.conv2d(x, w), cf.conv2d_im2col(x, w))
    torch.testing.assert_close(cf.conv2d(x, w, method="loops"), cf.conv2d_loops(x, w), atol=1e-5, rtol=1e-5)


# ---------------------------------------------------------------- im2col
@PROPERTY
@given(case=conv_cases())
def test_im2col_matches_unfold(case):
    x, weight, _ = _tensors(case)
    kwargs = {k: case[k] for k in ("stride", "padding", "dilation")}
    # F.unfold accepts only tuples, not lists
    expected = F.unfold(x, case["kernel"], **{k: tuple(v) if isinstance(v, list) else v
                                             for k, v in kwargs.items()})
    got = cf.im2col(x, case["kernel"], **kwargs)
    assert got.shape == expected.shape
    torch.testing.assert_close(got, expected, atol=0, rtol=0)  # pure copying: exact


def test_pad2d_matches_torch_pad():
    x = torch.randn(2, 3, 4, 5)
    torch.testing.assert_close(cf.pad2d(x, (1, 2)), F.pad(x, (2, 2, 1, 1)))
    torch.testing.assert_close(cf.pad2d(x, 1, value=7.0), F.pad(x, (1, 1, 1, 1), value=7.0))
    assert cf.pad2d(x, 0) is x


# ---------------------------------------------------------------- pool2d
POOL_SIZES = [(1, 1), (5, 7), (8, 6)]


def _pool_combos():
    for k in [1, 2, 3, 4, (2, 3), (3, 1)]:
        kh, kw = (k, k) if isinstance(k, int) else k
        for stride in [None, 1, 2, (1, 3)]:
            paddings = [(ph, pw) for ph in range(kh // 2 + 1) for pw in range(kw // 2 + 1)]
            for padding in paddings:
                yield k, stride, padding


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pool2d_matches_torch(mode):
    torch_pool = {"max": F.max_pool2d, "avg": F.avg_pool2d}[mode]
    g = torch.Generator().manual_seed(1)
    checked = 0
    for (h, w), (k, stride, padding) in itertools.product(POOL_SIZES, _pool_combos()):
        x = torch.randn(2, 3, h, w, generator=g)
        try:
            expected = torch_pool(x, k, stride, padding)
        except RuntimeError:  # output would be empty; checked in test_output_size_matches_maxpool
            with pytest.raises(ValueError, match=HANGUL):
                cf.pool2d(x, k, stride, padding, mode=mode)
            continue
        got = cf.pool2d(x, k, stride, padding, mode=mode)
        assert got.shape == expected.shape, (h, w, k, stride, padding)
        assert torch.allclose(got, expected, atol=1e-6), f"{mode} k={k} s={stride} p={padding} in={h}x{w}"
        checked += 1
    assert checked > 150  # the sweep really compared something


def test_pool2d_default_stride_is_kernel():
    x = torch.arange(16.0).reshape(1, 1, 4, 4)
    torch.testing.assert_close(cf.pool2d(x, 2), torch.tensor([[[[5.0, 7.0], [13.0, 15.0]]]]))
    torch.testing.assert_close(cf.pool2d(x, 2, mode="avg"), torch.tensor([[[[2.5, 4.5], [10.5, 12.5]]]]))


# ---------------------------------------------------------------- correlate / convolve
IMAGE = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]
KERNEL = [[1.0, 2.0], [3.0, 4.0]]


def test_correlate2d_hand_example():
    # out[i, j] = 1·I[i,j] + 2·I[i,j+1] + 3·I[i+1,j] + 4·I[i+1,j+1]
    # (0,0): 1+4+12+20 = 37   (0,1): 2+6+15+24 = 47
    # (1,0): 4+10+21+32 = 67  (1,1): 5+12+24+36 = 77
    expected = torch.tensor([[37.0, 47.0], [67.0, 77.0]])
    torch.testing.assert_close(cf.correlate2d(torch.tensor(IMAGE), torch.tensor(KERNEL)), expected)
    torch.testing.assert_close(cf.correlate2d(IMAGE, KERNEL), expected)  # lists work too


def test_convolve2d_hand_example_flips_kernel():
    # 뒤집은 커널 [[4, 3], [2, 1]]:
    # (0,0): 4+6+8+5 = 23   (0,1): 8+9+10+6 = 33
    # (1,0): 16+15+14+8 = 53  (1,1): 20+18+16+9 = 63
    expected = torch.tensor([[23.0, 33.0], [53.0, 63.0]])
    torch.testing.assert_close(cf.convolve2d(IMAGE, KERNEL), expected)
    flipped = torch.flip(torch.tensor(KERNEL), dims=(0, 1))
    torch.testing.assert_close(cf.convolve2d(IMAGE, KERNEL), cf.correlate2d(IMAGE, flipped))


def test_correlate2d_padding_and_stride_hand_example():
    # 3×3 입력을 0으로 한 칸 둘러(5×5) 2×2 커널 [[1,2],[3,4]]을 스트라이드 2로 움직입니다.
    # 창의 왼쪽 위: (0,0) (0,2) (2,0) (2,2) → 패딩 좌표 기준
    # (0,0): 0+0+0+4·1 = 4     (0,2): 0+0+3·2+4·3 = 18
    # (2,0): 0+2·4+0+4·7 = 36  (2,2): 5+2·6+3·8+4·9 = 77
    got = cf.correlate2d(IMAGE, KERNEL, padding=1, stride=2)
    torch.testing.assert_close(got, torch.tensor([[4.0, 18.0], [36.0, 77.0]]))


def test_symmetric_kernel_convolution_equals_correlation():
    g = torch.Generator().manual_seed(3)
    img = torch.rand(6, 7, generator=g)
    sym = torch.tensor([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]])
    torch.testing.assert_close(cf.convolve2d(img, sym), cf.correlate2d(img, sym))
    sobel = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    torch.testing.assert_close(cf.convolve2d(img, sobel), -cf.correlate2d(img, sobel))


# ---------------------------------------------------------------- output_size
SIZES = range(1, 13)


def _output_size_mismatches(make_layer, kernel, paddings, strides, dilations):
    """Compares output_size with the layer's real output; both must fail on the same inputs."""
    mismatches = []
    for p, s, d in itertools.product(paddings, strides, dilations):
        layer = make_layer(kernel, s, p, d)
        for size in SIZES:
            try:
                torch_out = tuple(layer(torch.zeros(1, 1, size, size)).shape[2:])
            except RuntimeError:  # PyTorch rejects it: output_size must reject it too
                torch_out = None
            try:
                ours = cf.output_size(size, kernel, padding=p, stride=s, dilation=d)
            except ValueError as exc:
                assert re.search(HANGUL, str(exc))
                ours = None
            if torch_out != (None if ours is None else (ours, ours)):
                mismatches.append((size, kernel, p, s, d, ours, torch_out))
    return mismatches


@pytest.mark.parametrize("kernel", range(1, 6), ids=lambda k: f"k{k}")
def test_output_size_matches_conv2d(kernel):
    mismatches = _output_size_mismatches(
        lambda k, s, p, d: nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d, bias=False),
        kernel, paddings=range(3), strides=range(1, 4), dilations=range(1, 3))
    assert not mismatches, f"(size, k, p, s, d, ours, torch): {mismatches[:5]}"


@pytest.mark.parametrize("kernel", range(1, 6), ids=lambda k: f"k{k}")
def test_output_size_matches_maxpool(kernel):
    # PyTorch allows pool padding only up to half the kernel; pool2d checks that itself.
    mismatches = _output_size_mismatches(
        lambda k, s, p, d: nn.MaxPool2d(k, stride=s, padding=p, dilation=d),
        kernel, paddings=range(kernel // 2 + 1), strides=range(1, 4), dilations=[1])
    assert not mismatches, f"(size, k, p, s, d, ours, torch): {mismatches[:5]}"


@PROPERTY
@given(case=conv_cases())
def test_output_size_pairs_match_conv2d(case):
    x, weight, _ = _tensors(case)
    kwargs = {k: case[k] for k in ("stride", "padding", "dilation")}
    expected = tuple(F.conv2d(x, weight, **kwargs, groups=case["groups"]).shape[2:])
    assert cf.output_size(case["hw"], case["kernel"], **kwargs) == expected


def test_output_size_known_values():
    assert cf.output_size(32, 5) == 28  # LeNet C1
    assert cf.output_size(227, 11, stride=4) == 55  # AlexNet conv1
    assert cf.output_size(224, 3, padding=1) == 224  # VGG 'same'
    assert cf.output_size(7, 3, dilation=2) == 3
    assert cf.output_size((28, 32), 3) == (26, 30)
    assert isinstance(cf.output_size(5, 3), int)


# ---------------------------------------------------------------- bad inputs
X = torch.randn(1, 2, 5, 5)
W = torch.randn(3, 2, 3, 3)

BAD_INPUTS = [
    ("size-negative", ValueError, lambda: cf.output_size(-1, 3)),
    ("size-zero", ValueError, lambda: cf.output_size(0, 3)),
    ("kernel-zero", ValueError, lambda: cf.output_size(5, 0)),
    ("padding-negative", ValueError, lambda: cf.output_size(5, 3, padding=-1)),
    ("stride-zero", ValueError, lambda: cf.output_size(5, 3, stride=0)),
    ("stride-pair-with-zero", ValueError, lambda: cf.conv2d(X, W, stride=(1, 0))),
    ("dilation-zero", ValueError, lambda: cf.output_size(5, 3, dilation=0)),
    ("size-float-2.5", TypeError, lambda: cf.output_size(2.5, 1)),
    ("size-float-3.0", TypeError, lambda: cf.output_size(3.0, 1)),
    ("kernel-bool", TypeError, lambda: cf.output_size(5, True)),
    ("stride-string", TypeError, lambda: cf.output_size(5, 3, stride="2")),
    ("kernel-larger-than-padded-input", ValueError, lambda: cf.output_size(4, 7, padding=1)),
    ("dilated-kernel-too-big", ValueError, lambda: cf.output_size(5, 3, dilation=3)),
    ("conv-kernel-too-big", ValueError, lambda: cf.conv2d(X, torch.randn(3, 2, 6, 6), padding=0)),
    ("pair-three-elements", ValueError, lambda: cf.output_size((5, 5, 5), 3)),
    ("x-rank-3", ValueError, lambda: cf.conv2d(torch.randn(2, 5, 5), W)),
    ("x-rank-5", ValueError, lambda: cf.conv2d(torch.randn(1, 1, 2, 5, 5), W)),
    ("weight-rank-3", ValueError, lambda: cf.conv2d(X, torch.randn(3, 2, 3))),
    ("groups-not-dividing-c-out", ValueError, lambda: cf.conv2d(torch.randn(1, 4, 5, 5), W[:, :2], groups=2)),
    ("groups-not-dividing-c-in", ValueError,
     lambda: cf.conv2d(torch.randn(1, 3, 5, 5), torch.randn(4, 1, 3, 3), groups=2)),
    ("groups-zero", ValueError, lambda: cf.conv2d(X, W, groups=0)),
    ("bias-wrong-length", ValueError, lambda: cf.conv2d(X, W, bias=torch.randn(4))),
    ("bias-rank-2", ValueError, lambda: cf.conv2d(X, W, bias=torch.randn(3, 1))),
    ("dtype-mismatch-weight", TypeError, lambda: cf.conv2d(X, W.double())),
    ("dtype-mismatch-bias", TypeError, lambda: cf.conv2d(X, W, bias=torch.randn(3, dtype=torch.float64))),
    ("integer-tensor", TypeError, lambda: cf.conv2d(X.long(), W)),
    ("non-tensor-input-list", TypeError, lambda: cf.conv2d(X.tolist(), W)),
    ("non-tensor-input-numpy", TypeError, lambda: cf.conv2d(X.numpy(), W)),
    ("unknown-method", ValueError, lambda: cf.conv2d(X, W, method="fft")),
    ("pool-mode-unknown", ValueError, lambda: cf.pool2d(X, 2, mode="median")),
    ("pool-padding-over-half-kernel", ValueError, lambda: cf.pool2d(X, 2, padding=2)),
    ("pool-integer-tensor", TypeError, lambda: cf.pool2d(X.int(), 2)),
    ("im2col-x-rank-2", ValueError, lambda: cf.im2col(torch.randn(5, 5), 3)),
    ("pad2d-negative", ValueError, lambda: cf.pad2d(X, -1)),
    ("correlate2d-image-rank-3", ValueError, lambda: cf.correlate2d(torch.randn(1, 5, 5), torch.ones(3, 3))),
]


@pytest.mark.parametrize(("exc", "call"), [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_raises_korean_error(exc, call):
    with pytest.raises(exc) as info:
        call()
    assert type(info.value) is exc  # not some other subclass by accident
    assert re.search(HANGUL, str(info.value)), f"no Korean in message: {info.value}"


@pytest.mark.parametrize("method", ["im2col", "loops"])
def test_channel_mismatch_names_expected_and_got(method):
    x = torch.randn(1, 13, 6, 6)
    w = torch.randn(4, 11, 3, 3)
    with pytest.raises(ValueError, match=HANGUL) as info:
        cf.conv2d(x, w, method=method)
    message = str(info.value)
    assert re.search(r"(?<!\d)13(?!\d)", message), message  # got: input channels
    assert re.search(r"(?<!\d)11(?!\d)", message), message  # expected: weight's channels


def test_bad_input_case_count():
    assert len({c[0] for c in BAD_INPUTS}) == len(BAD_INPUTS) >= 15
