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


# ---------------------------------------------------------------- show_confusion
def test_show_confusion_from_labels_and_from_matrix(capfd, recwarn):
    import torch

    from cnnlib import train

    preds = torch.tensor([0, 1, 2, 2, 1, 0])
    targets = torch.tensor([0, 1, 1, 2, 2, 2])
    names = ["영", "일", "이"]
    ax = plot.show_confusion(preds, targets, class_names=names, title="혼동 행렬")
    ax.figure.canvas.draw()
    assert ax.get_xlabel() == "예측한 클래스" and ax.get_ylabel() == "실제 클래스"
    assert ax.get_title() == "혼동 행렬"
    assert [t.get_text() for t in ax.get_xticklabels()] == names
    assert [t.get_text() for t in ax.get_yticklabels()] == names
    # one count per cell, row by row (row = true class)
    assert [t.get_text() for t in ax.texts] == ["1", "0", "0", "0", "1", "1", "1", "1", "1"]
    # the colour is the share within the true class (row)
    shares = ax.images[0].get_array()
    assert shares[2, 0] == pytest.approx(1 / 3) and shares[0, 0] == pytest.approx(1.0)
    # a matrix gives the same picture; normalize writes row percentages
    m = train.confusion_matrix(preds, targets, 3)
    ax2 = plot.show_confusion(m, normalize=True)
    assert [t.get_text() for t in ax2.texts][:3] == ["100%", "0%", "0%"]
    assert [t.get_text() for t in ax2.get_xticklabels()] == ["0", "1", "2"]
    # without class_names the number of classes comes from the labels
    assert len(plot.show_confusion([0, 3], [0, 1]).texts) == 16
    plt.close("all")
    assert not [w for w in recwarn if "Glyph" in str(w.message)]
    assert "glyph" not in capfd.readouterr().err.lower()


@pytest.mark.parametrize("args, kwargs, error", [
    (([[1, 2, 3]],), {}, ValueError),                                   # not square
    (([0, 1, 2],), {}, ValueError),                                     # labels without targets
    (([[1, -1], [0, 2]],), {}, ValueError),                             # negative count
    (([[1, 0], [0, 1]],), {"class_names": ["a", "b", "c"]}, ValueError),  # wrong number of names
    (([0, 1], ["영", "일"]), {}, TypeError),                              # names passed as targets
    (([0, 1], [0, 5]), {"class_names": ["a", "b"]}, ValueError),         # label out of range
    (("행렬",), {}, TypeError),                                          # not a matrix
], ids=["not-square", "1d-without-targets", "negative", "name-count", "names-as-targets",
        "label-out-of-range", "string"])
def test_show_confusion_rejects_bad_input(args, kwargs, error):
    with pytest.raises(error, match="[가-힣]"):
        plot.show_confusion(*args, **kwargs)
    plt.close("all")
