"""그림: 한글 글꼴, 이미지 격자, 커널 값 표, 특징 맵, 학습 곡선.

이 모듈을 불러오면 ``koreanize_matplotlib``이 나눔고딕 글꼴을 등록하므로
시스템에 한글 글꼴을 따로 설치하지 않아도 그림의 한글이 깨지지 않습니다.
"""

from __future__ import annotations

import koreanize_matplotlib  # noqa: F401  (불러오기만 해도 한글 글꼴이 설정됩니다)
import matplotlib.pyplot as plt
import numpy as np

# 라틴 문자·숫자·기호는 DejaVu Sans로, 한글은 나눔고딕으로 그립니다(글꼴 대체). 나눔고딕에는
# 빼기 기호(U+2212)가 없어서, 로그 눈금(10⁻³)이나 음수 눈금을 그릴 때마다 "Glyph … missing"이
# stderr에 찍히고 책 빌드(-W)가 실패하기 때문입니다. 다만 `$…$` 수식이 들어 있는 문자열은 통째로
# 수식 모드로 그려져 글꼴 대체가 되지 않으므로, 한글과 `$…$`를 한 문자열에 섞지 말고
# 기호는 유니코드(∂, ε, σ 등)로 쓰세요.
plt.rcParams["font.family"] = ["DejaVu Sans", "NanumGothic"]

__all__ = ["show_images", "show_matrix", "show_feature_maps", "show_confusion", "plot_history", "figure_png",
           "interactive_figure"]


def _to_numpy(img):
    """텐서나 배열을 matplotlib이 그릴 수 있는 ``(H, W)``나 ``(H, W, 3)`` 배열로."""
    try:
        import torch

        if isinstance(img, torch.Tensor):
            img = img.detach().float().cpu().numpy()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(img, (str, bytes)):
        raise TypeError(f"이미지는 텐서나 배열이어야 합니다. 받은 값: {img!r} (image must be a tensor or array)")
    try:
        img = np.asarray(img, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"이미지를 숫자 배열로 바꿀 수 없습니다: {type(img).__name__} ({exc})") from exc
    if img.ndim == 3 and img.shape[0] in (1, 3) and img.shape[-1] not in (1, 3):
        img = np.moveaxis(img, 0, -1)
    if img.ndim == 3 and img.shape[-1] == 1:
        img = img[..., 0]
    if img.ndim not in (2, 3):
        raise ValueError(f"그릴 수 있는 이미지는 (H, W)나 (C, H, W)입니다. 받은 모양: {img.shape}")
    return img


def show_images(images, titles=None, ncols: int = 8, cmap: str = "gray", size: float = 1.6,
                normalize: bool = True, suptitle: str | None = None):
    """이미지 여러 장을 격자로 그립니다. 컬러 이미지는 ``[0, 1]``로 맞춥니다."""
    if isinstance(images, (str, bytes)) or not hasattr(images, "__iter__"):
        raise TypeError(f"show_images에는 이미지 텐서(N×…)나 이미지의 목록을 주세요. 받은 타입: {type(images).__name__}")
    images = list(images)
    if not images:
        raise ValueError("그릴 이미지가 없습니다.")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"제목 {len(titles)}개와 이미지 {len(images)}장의 수가 다릅니다.")
    ncols = max(1, min(ncols, len(images)))
    nrows = (len(images) + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.4 if suptitle else 0)),
                             squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k >= len(images):
            continue
        img = _to_numpy(images[k])
        if img.ndim == 3 and normalize:
            lo, hi = img.min(), img.max()
            img = (img - lo) / (hi - lo + 1e-12)
        ax.imshow(img, cmap=cmap if img.ndim == 2 else None)
        if titles is not None:
            ax.set_title(str(titles[k]), fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def show_matrix(matrix, title: str | None = None, ax=None, cmap: str = "RdBu_r", fmt: str = "{:.0f}",
                annotate: bool = True, highlight=None):
    """작은 행렬(커널, 작은 입력·출력)을 칸마다 값을 적어 그립니다.

    ``highlight=(top, left, h, w)``를 주면 그 영역에 테두리를 그립니다.
    """
    m = _to_numpy(matrix)
    if m.ndim != 2:
        raise ValueError(f"show_matrix는 2차원 행렬만 그립니다. 받은 모양: {m.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(0.45 * m.shape[1] + 0.8, 0.45 * m.shape[0] + 0.6))
    lim = np.abs(m).max() or 1.0
    ax.imshow(m, cmap=cmap, vmin=-lim, vmax=lim)
    if annotate:
        for (i, j), v in np.ndenumerate(m):
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8,
                    color="white" if abs(v) > 0.6 * lim else "black")
    if highlight is not None:
        top, left, h, w = highlight
        ax.add_patch(plt.Rectangle((left - 0.5, top - 0.5), w, h, fill=False, lw=2.5, ec="orange"))
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def show_feature_maps(maps, ncols: int = 8, titles=None, cmap: str = "viridis", size: float = 1.6,
                      suptitle: str | None = None):
    """특징 맵 ``(C, H, W)``(또는 ``(1, C, H, W)``)의 채널을 하나씩 그립니다."""
    arr = _to_numpy(maps) if not hasattr(maps, "dim") else maps.detach().float().cpu().numpy()
    arr = np.asarray(arr)
    if arr.ndim == 4 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3:
        raise ValueError(f"특징 맵은 (C, H, W) 모양이어야 합니다. 받은 모양: {arr.shape}")
    titles = titles if titles is not None else [f"채널 {c}" for c in range(arr.shape[0])]
    return show_images(list(arr), titles=titles, ncols=ncols, cmap=cmap, size=size,
                       suptitle=suptitle)


def show_confusion(matrix_or_preds, targets=None, *, class_names=None, normalize: bool = False,
                   ax=None, title: str | None = None, cmap: str = "Blues", size: float | None = None):
    """혼동 행렬을 칸마다 개수를 적은 히트맵으로 그립니다. 행은 실제 클래스, 열은 예측한 클래스.

    ``show_confusion(행렬, class_names=…)``처럼 이미 센 ``(K, K)`` 행렬을 주거나,
    ``show_confusion(예측, 정답, class_names=…)``처럼 1차원 예측·정답 라벨을 주면
    :func:`cnnlib.train.confusion_matrix`로 셉니다. 칸의 색은 그 행(실제 클래스) 안에서의
    비율이라 이미지 수가 다른 클래스도 같은 눈금으로 비교됩니다. ``normalize=True``면
    칸에 개수 대신 행 안의 백분율을 적습니다. ``matplotlib`` Axes를 돌려줍니다.
    """
    import torch

    from . import train

    if isinstance(targets, (list, tuple)) and targets and all(isinstance(t, str) for t in targets):
        raise TypeError("두 번째 인자는 정답 라벨입니다. 클래스 이름은 class_names=…로 주세요.")
    if targets is None:
        try:
            m = torch.as_tensor(matrix_or_preds).detach().cpu()
        except Exception as exc:
            raise TypeError(f"혼동 행렬로 바꿀 수 없습니다: {type(matrix_or_preds).__name__}") from exc
        if m.dim() != 2 or m.shape[0] != m.shape[1] or m.shape[0] == 0:
            raise ValueError("정답(targets) 없이 주는 첫 인자는 (K, K) 정사각 혼동 행렬이어야 합니다. "
                             f"받은 모양: {tuple(m.shape)}")
        if (m < 0).any():
            raise ValueError("혼동 행렬의 칸은 0 이상의 개수여야 합니다.")
        k = m.shape[0]
    else:
        k = len(class_names) if class_names is not None else None
        if k is None:
            p = train._as_labels(matrix_or_preds, "preds")
            t = train._as_labels(targets, "targets")
            k = int(max(p.max().item() if p.numel() else 0, t.max().item() if t.numel() else 0)) + 1
        m = train.confusion_matrix(matrix_or_preds, targets, k)
    if class_names is None:
        class_names = [str(i) for i in range(k)]
    class_names = [str(c) for c in class_names]
    if len(class_names) != k:
        raise ValueError(f"클래스 이름 {len(class_names)}개와 행렬 크기 {k}가 다릅니다.")
    counts = m.double().numpy()
    rows = counts.sum(axis=1, keepdims=True)
    share = np.divide(counts, rows, out=np.zeros_like(counts), where=rows > 0)
    if ax is None:
        side = size if size is not None else 0.42 * k + 1.4
        _, ax = plt.subplots(figsize=(side + 0.6, side))
    ax.imshow(share, cmap=cmap, vmin=0, vmax=1)
    for (i, j), v in np.ndenumerate(counts):
        text = f"{share[i, j]:.0%}" if normalize else f"{v:.0f}"
        if not normalize and v != int(v):
            text = f"{v:.2f}"
        ax.text(j, i, text, ha="center", va="center", fontsize=8 if k <= 12 else 6,
                color="white" if share[i, j] > 0.6 else ("black" if v else "0.6"))
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    long_names = max(len(c) for c in class_names) > 2
    ax.set_xticklabels(class_names, rotation=45 if long_names else 0, ha="right" if long_names else "center")
    ax.set_yticklabels(class_names)
    ax.set_xlabel("예측한 클래스")
    ax.set_ylabel("실제 클래스")
    if title:
        ax.set_title(title)
    ax.figure.tight_layout()
    return ax


def plot_history(history, ax=None):
    """``cnnlib.train.History``의 손실과 정확도를 에폭에 따라 그립니다."""
    if ax is None:
        fig, ax = plt.subplots(1, 2, figsize=(9, 3.2))
    else:
        fig = ax[0].figure
    epochs = np.arange(1, len(history.train_loss) + 1)
    ax[0].plot(epochs, history.train_loss, "o-", label="학습 손실")
    if history.test_loss:
        ax[0].plot(epochs, history.test_loss, "s--", label="시험 손실")
    ax[0].set_xlabel("에폭")
    ax[0].set_ylabel("손실")
    ax[0].legend()
    ax[1].plot(epochs, history.train_acc, "o-", label="학습 정확도")
    if history.test_acc:
        ax[1].plot(epochs, history.test_acc, "s--", label="시험 정확도")
    ax[1].set_xlabel("에폭")
    ax[1].set_ylabel("정확도")
    ax[1].set_ylim(0, 1)
    ax[1].legend()
    for a in ax:
        a.grid(alpha=0.3)
        a.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return fig


def figure_png(fig, dpi: int = 100) -> bytes:
    """matplotlib 그림을 PNG 바이트로 바꾸고 그림은 닫습니다."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def interactive_figure(draw, **controls):
    """컨트롤을 바꿀 때마다 ``draw(**값)``이 돌려준 그림을 다시 보여 주는 위젯.

    ``controls``는 ``name=ipywidgets.Dropdown(...)``처럼 ``draw``의 인자 이름과
    위젯입니다. 그림은 ``ipywidgets.Image``에 PNG로 담기므로 웹사이트에서도 첫
    상태가 보이고, 커널이 있는 곳(Colab, JupyterLab)에서는 컨트롤을 바꾸면 다시
    그립니다. ``interact``가 쓰는 Output 위젯은 노트북을 자동 실행할 때 가끔 멈추는
    문제가 있어(jupyter/nbconvert#2029) 쓰지 않습니다.
    """
    import ipywidgets as widgets

    if not callable(draw):
        raise TypeError(f"draw는 그림(Figure)을 돌려주는 함수여야 합니다. 받은 타입: {type(draw).__name__}")
    if not controls:
        raise ValueError("컨트롤이 하나 이상 필요합니다. 예: name=ipywidgets.Dropdown(options=[...])")
    for key, control in controls.items():
        if not isinstance(control, widgets.ValueWidget):
            raise TypeError(f"{key}에는 값을 가진 ipywidgets 위젯이 필요합니다. 받은 타입: {type(control).__name__}")
    image = widgets.Image(format="png")

    def redraw(_change=None):
        fig = draw(**{key: control.value for key, control in controls.items()})
        if not isinstance(fig, plt.Figure):
            raise TypeError(f"draw가 matplotlib Figure를 돌려주지 않았습니다: {type(fig).__name__}")
        image.value = figure_png(fig)

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox(list(controls.values())), image])
