"""채점 함수들이 함께 쓰는 도우미의 테스트."""

import pytest
import torch

from cnnlib.check._core import shift_zero_fill


@pytest.mark.parametrize("dy, dx", [(0, 0), (1, 0), (0, 2), (-1, 1), (2, -3), (5, 0), (0, -7)])
def test_shift_zero_fill_matches_a_plain_loop(dy, dx):
    x = torch.arange(1, 21, dtype=torch.float32).reshape(4, 5)
    expected = torch.zeros_like(x)
    for r in range(4):
        for c in range(5):
            if 0 <= r - dy < 4 and 0 <= c - dx < 5:
                expected[r, c] = x[r - dy, c - dx]
    assert torch.equal(shift_zero_fill(x, dy, dx), expected)
    # 배치·채널 축이 앞에 있어도 마지막 두 축만 옮깁니다.
    batch = torch.stack([x, 2 * x])[None]
    assert torch.equal(shift_zero_fill(batch, dy, dx)[0, 1], 2 * expected)
