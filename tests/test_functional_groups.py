"""cnnlib.functional: grouped, depthwise, pointwise and separable convolution against F.conv2d(groups=…)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from cnnlib import functional as cf

HANGUL = r"[가-힣]"

# (n, c_in, c_out, groups, size, kernel, stride, padding, dilation, bias)
GROUPED = [
    (2, 4, 6, 2, 7, 3, 1, 1, 1, True),
    (1, 6, 6, 3, 8, 3, 2, 1, 1, False),
    (1, 8, 4, 4, 9, (3, 1), (1, 2), (1, 0), 1, True),
    (2, 6, 12, 6, 10, 3, 1, 2, 2, False),
    (1, 5, 5, 1, 6, 2, 1, 0, 1, True),
]


def _random(*shape, seed=0, dtype=torch.float64):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


@pytest.mark.parametrize("case", GROUPED)
def test_conv2d_grouped_matches_torch(case):
    n, c_in, c_out, groups, size, k, s, p, d, bias = case
    kh, kw = (k, k) if isinstance(k, int) else k
    x = _random(n, c_in, size, size, seed=1)
    w = _random(c_out, c_in // groups, kh, kw, seed=2)
    b = _random(c_out, seed=3) if bias else None
    expected = F.conv2d(x, w, b, stride=s, padding=p, dilation=d, groups=groups)
    got = cf.conv2d_grouped(x, w, b, stride=s, padding=p, dilation=d, groups=groups)
    assert got.shape == expected.shape
    torch.testing.assert_close(got, expected)
    # the im2col implementation with groups agrees too
    torch.testing.assert_close(cf.conv2d(x, w, b, stride=s, padding=p, dilation=d, groups=groups), expected)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize(("c", "m", "size", "k", "stride", "padding", "dilation", "bias"), [
    (3, 1, 6, 3, 1, 1, 1, False),
    (8, 1, 9, 3, 2, 1, 1, True),
    (4, 2, 7, 3, 1, 0, 1, True),     # depth multiplier 2
    (5, 1, 11, 5, 1, 2, 2, False),
    (2, 3, 5, (1, 3), (2, 1), (0, 1), 1, False),
])
def test_depthwise_matches_torch(dtype, c, m, size, k, stride, padding, dilation, bias):
    kh, kw = (k, k) if isinstance(k, int) else k
    x = _random(2, c, size, size, seed=4, dtype=dtype)
    w = _random(c * m, 1, kh, kw, seed=5, dtype=dtype)
    b = _random(c * m, seed=6, dtype=dtype) if bias else None
    expected = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=c)
    got = cf.depthwise_conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)
    tol = {"atol": 1e-5, "rtol": 1e-5} if dtype == torch.float32 else {}
    torch.testing.assert_close(got, expected, **tol)


def test_depthwise_does_not_mix_channels():
    x = _random(1, 3, 6, 6, seed=7)
    w = _random(3, 1, 3, 3, seed=8)
    y = cf.depthwise_conv2d(x, w, padding=1)
    x2 = x.clone()
    x2[:, 1] += 5.0          # change channel 1 only
    y2 = cf.depthwise_conv2d(x2, w, padding=1)
    assert torch.equal(y[:, 0], y2[:, 0]) and torch.equal(y[:, 2], y2[:, 2])
    assert not torch.equal(y[:, 1], y2[:, 1])


@pytest.mark.parametrize("four_d", [True, False])
def test_pointwise_matches_torch(four_d):
    x = _random(2, 6, 5, 4, seed=9)
    w = _random(10, 6, 1, 1, seed=10)
    b = _random(10, seed=11)
    got = cf.pointwise_conv2d(x, w if four_d else w.flatten(1), b)
    torch.testing.assert_close(got, F.conv2d(x, w, b))


def test_separable_is_depthwise_then_pointwise():
    x = _random(2, 8, 10, 10, seed=12)
    wd = _random(8, 1, 3, 3, seed=13)
    wp = _random(16, 8, 1, 1, seed=14)
    expected = F.conv2d(F.conv2d(x, wd, stride=2, padding=1, groups=8), wp)
    torch.testing.assert_close(cf.separable_conv2d(x, wd, wp, stride=2, padding=1), expected)


def test_gradients_flow_like_torch():
    x = _random(1, 4, 6, 6, seed=15).requires_grad_()
    w = _random(4, 1, 3, 3, seed=16).requires_grad_()
    cf.depthwise_conv2d(x, w, padding=1).square().sum().backward()
    gx, gw = x.grad.clone(), w.grad.clone()
    x.grad = w.grad = None
    F.conv2d(x, w, padding=1, groups=4).square().sum().backward()
    torch.testing.assert_close(gx, x.grad)
    torch.testing.assert_close(gw, w.grad)


BAD = [
    (ValueError, lambda: cf.depthwise_conv2d(torch.zeros(1, 4, 5, 5), torch.zeros(4, 2, 3, 3))),
    (ValueError, lambda: cf.depthwise_conv2d(torch.zeros(1, 4, 5, 5), torch.zeros(6, 1, 3, 3))),
    (ValueError, lambda: cf.depthwise_conv2d(torch.zeros(4, 5, 5), torch.zeros(4, 1, 3, 3))),
    (TypeError, lambda: cf.depthwise_conv2d([[1.0]], torch.zeros(4, 1, 3, 3))),
    (TypeError, lambda: cf.depthwise_conv2d(torch.zeros(1, 4, 5, 5), torch.zeros(4, 1, 3, 3), stride=1.5)),
    (ValueError, lambda: cf.depthwise_conv2d(torch.zeros(1, 2, 2, 2), torch.zeros(2, 1, 3, 3))),
    (ValueError, lambda: cf.pointwise_conv2d(torch.zeros(1, 4, 5, 5), torch.zeros(8, 4, 3, 3))),
    (ValueError, lambda: cf.pointwise_conv2d(torch.zeros(1, 4, 5, 5), torch.zeros(8, 3))),
    (ValueError, lambda: cf.pointwise_conv2d(torch.zeros(1, 4, 5, 5), torch.zeros(8, 4), torch.zeros(3))),
    (TypeError, lambda: cf.pointwise_conv2d(torch.zeros(1, 4, 5, 5), "w")),
    (ValueError, lambda: cf.conv2d_grouped(torch.zeros(1, 6, 5, 5), torch.zeros(4, 3, 3, 3), groups=4)),
    (ValueError, lambda: cf.conv2d_grouped(torch.zeros(1, 6, 5, 5), torch.zeros(4, 2, 3, 3), groups=2)),
    (ValueError, lambda: cf.conv2d_grouped(torch.zeros(1, 6, 5, 5), torch.zeros(6, 3, 3, 3), groups=0)),
    (TypeError, lambda: cf.conv2d_grouped(torch.zeros(1, 6, 5, 5), torch.zeros(6, 3, 3, 3), groups=2.0)),
]


@pytest.mark.parametrize(("exc", "call"), BAD)
def test_bad_input_raises_korean_error(exc, call):
    with pytest.raises(exc, match=HANGUL):
        call()
