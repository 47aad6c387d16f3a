"""cnnlib.plot의 위젯 도우미: 커널이 있을 때 다시 그리고, 웹사이트에서는 첫 상태를 보여 줍니다."""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pytest

from cnnlib import plot

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _draw(value):
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, value])
    ax.set_title(f"값 {value}")
    return fig


def test_interactive_figure_redraws_on_change():
    dropdown = widgets.Dropdown(options=[1, 2, 3], value=1)
    box = plot.interactive_figure(_draw, value=dropdown)
    image = box.children[1]
    first = bytes(image.value)
    assert first.startswith(PNG_MAGIC)
    dropdown.value = 3
    assert bytes(image.value).startswith(PNG_MAGIC)
    assert bytes(image.value) != first
    assert not plt.get_fignums(), "그린 그림은 PNG로 바꾼 뒤 닫혀야 합니다"


@pytest.mark.parametrize(
    "draw, controls, error",
    [
        ("not callable", {"value": widgets.Dropdown(options=[1])}, TypeError),
        (_draw, {}, ValueError),
        (_draw, {"value": 3}, TypeError),
        (lambda value: "그림 아님", {"value": widgets.Dropdown(options=[1])}, TypeError),
    ],
    ids=["draw-not-callable", "no-controls", "control-not-widget", "draw-returns-non-figure"],
)
def test_interactive_figure_rejects_bad_input(draw, controls, error):
    with pytest.raises(error, match="[가-힣]"):
        plot.interactive_figure(draw, **controls)


def test_log_scale_and_minus_signs_draw_without_missing_glyphs(capfd, recwarn):
    """나눔고딕에 없는 빼기 기호(U+2212)도 경고 없이 그려야 합니다 (책 빌드는 stderr가 있으면 실패)."""
    import io

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.semilogy([1, 2, 3], [1e-6, 1e-3, 1])
    ax.plot([0, 1], [-1, 1])
    ax.set_title("로그 눈금 −1과 한글 제목")
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)
    assert not [w for w in recwarn if "Glyph" in str(w.message)]
    assert "glyph" not in capfd.readouterr().err.lower()
