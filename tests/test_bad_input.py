"""흔한 실수에는 한국어 오류를: 패키지 전체의 나쁜 입력 사례를 한곳에 모은 표입니다.

각 사례는 (1) 기대한 예외 종류가 나고, (2) 메시지에 한글이 있고 기대한 말이 들어 있고,
(3) 예외가 PyTorch나 NumPy 깊은 곳이 아니라 cnnlib 코드에서 직접 났는지 확인합니다.
모듈별 테스트 파일에도 나쁜 입력 검사가 더 있습니다; 여기는 이슈 #9의 목록(잘못된 텐서 차원,
모델에 맞지 않는 채널 수, 음수 크기, 모르는 모델 설정, 모르는 프로필, 데이터 폴더 없음, 숫자가
아닌 연습문제 답 …)을 한눈에 보이게 합니다.
"""

from __future__ import annotations

import pytest
import torch
from korean_errors import assert_korean_and_ours
from torch import nn

import cnnlib
from cnnlib import check, cost, data, explore, models, plot, runtime, train, visualize
from cnnlib import functional as F

X = torch.zeros(1, 3, 8, 8)
ONE_BATCH = [(torch.zeros(1, 2), torch.zeros(1, dtype=torch.long))]

CASES = {
    # 잘못된 텐서 차원
    "conv2d: 3차원 입력": (lambda: F.conv2d(torch.zeros(3, 8, 8), torch.zeros(4, 3, 3, 3)), ValueError, "4차원"),
    "im2col: 2차원 입력": (lambda: F.im2col(torch.zeros(8, 8), 3), ValueError, "4차원"),
    "correlate2d: 4차원 이미지": (lambda: F.correlate2d(torch.zeros(2, 2, 2, 2), torch.zeros(3, 3)), ValueError, "2차원"),
    "모델: 배치 차원 없음": (lambda: models.lenet5()(torch.zeros(1, 28, 28)), ValueError, "4차원"),
    "show_matrix: 3차원": (lambda: plot.show_matrix(torch.zeros(2, 2, 2)), ValueError, "2차원"),
    # 채널 수
    "conv2d: 채널 수": (lambda: F.conv2d(X, torch.zeros(4, 2, 3, 3)), ValueError, "채널 수가 맞지 않습니다"),
    "AlexNet small에 컬러": (lambda: models.alexnet("small")(torch.zeros(2, 3, 28, 28)), ValueError, "기대 1, 받은 3"),
    "VGG-16에 흑백": (lambda: models.vgg(16)(torch.zeros(1, 1, 224, 224)), ValueError, "기대 3, 받은 1"),
    "layer_table: 채널 수": (lambda: cost.layer_table(nn.Conv2d(3, 8, 3), (1, 1, 8, 8)), ValueError, "채널 수나 크기"),
    # 크기
    "output_size: 음수 크기": (lambda: F.output_size(-5, 3), ValueError, "1 이상"),
    "output_size: 커널이 더 큼": (lambda: F.output_size(5, 7), ValueError, "커널이 패딩한 입력보다 큽니다"),
    "pool2d: 커널 0": (lambda: F.pool2d(X, 0), ValueError, "1 이상"),
    "pad2d: 음수 패딩": (lambda: F.pad2d(X, -1), ValueError, "0 이상"),
    "layer_table: 음수 크기": (lambda: cost.layer_table(nn.Conv2d(3, 8, 3), (1, -3, 8, 8)), ValueError, "1 이상"),
    "LeNet에 32×32": (lambda: models.lenet5(input_size=28)(torch.zeros(1, 1, 32, 32)), ValueError, "28×28"),
    "GoogLeNet small에 8×8": (lambda: models.googlenet("small")(torch.zeros(1, 1, 8, 8)), ValueError, "너무 작습니다"),
    "loaders: batch_size 0": (lambda: data.loaders(batch_size=0), ValueError, "batch_size"),
    "set_threads(0)": (lambda: runtime.set_threads(0), ValueError, "스레드 수"),
    "fit: epochs 0": (lambda: train.fit(nn.Linear(2, 2), ONE_BATCH, epochs=0), ValueError, "epochs"),
    "augment: 음수 패딩": (lambda: data.augment_transform(crop_padding=-1), ValueError, "crop_padding"),
    "탐색기: 커널 0": (lambda: explore.ConvArithmetic(kernel=0), ValueError, "커널 크기"),
    # 모르는 이름·설정
    "모르는 모델 이름": (lambda: models.create("vgg17"), ValueError, "모르는 모델 이름"),
    "모르는 VGG 깊이": (lambda: models.vgg(12), ValueError, "variant"),
    "모르는 AlexNet 변형": (lambda: models.alexnet("big"), ValueError, "variant"),
    "groups가 채널을 못 나눔": (lambda: models.alexnet("paper", groups=3), ValueError, "나누지 못합니다"),
    "모르는 활성 함수": (lambda: models.alexnet("small", activation="gelu"), ValueError, "activation"),
    "pool2d: 모르는 mode": (lambda: F.pool2d(X, 2, mode="median"), ValueError, "mode"),
    "모르는 데이터셋": (lambda: data.load_dataset("imagenet"), ValueError, "알 수 없는 데이터셋"),
    "모르는 예제 사진": (lambda: data.sample_image("dog"), ValueError, "예제 사진"),
    "모르는 optimizer": (lambda: train.fit(nn.Linear(2, 2), ONE_BATCH, optimizer="rmsprop", progress=False,
                                          live_plot=False), ValueError, "optimizer"),
    "모르는 학습률 일정": (lambda: train.fit(nn.Linear(2, 2), ONE_BATCH, schedule="warmup", progress=False,
                                         live_plot=False), ValueError, "schedule"),
    # 타입
    "fit: 모델이 아님": (lambda: train.fit("model", []), TypeError, "nn.Module"),
    "fit: amp가 문자열": (lambda: train.fit(nn.Linear(2, 2), ONE_BATCH, amp="bf16", progress=False,
                                         live_plot=False), TypeError, "amp는"),
    "layer_table: 모델이 아님": (lambda: cost.layer_table("model"), TypeError, "nn.Module"),
    "print_table: 표가 아님": (lambda: cost.print_table([1, 2]), TypeError, "layer_table"),
    "receptive_field: 문자열": (lambda: F.receptive_field("abc"), TypeError, "튜플의 목록"),
    "seed: 문자열": (lambda: runtime.seed_everything("a"), TypeError, "정수"),
    "glue: 이름이 숫자": (lambda: cnnlib.glue(3, 1), ValueError, "glue 이름"),
    "loaders: augment가 문자열": (lambda: data.loaders(augment="flip"), TypeError, "augment"),
    "evaluate: 빈 loader": (lambda: train.evaluate(nn.Linear(2, 2), []), ValueError, "데이터가 없습니다"),
    # 숫자가 아닌 연습문제 답
    "연습문제 3.1에 'abc'": (lambda: check.ex3_1("abc"), TypeError, "숫자여야 합니다"),
    "연습문제 5.1에 None": (lambda: check.ex5_1(None), TypeError, "숫자여야 합니다"),
    "show_images: 문자열": (lambda: plot.show_images("abc"), TypeError, "이미지"),
    # 시각화 (ZFNet식 특징 맵과 가림 민감도)
    "activations: 모델이 아님": (lambda: visualize.activations("net", X, [nn.Conv2d]), TypeError, "nn.Module"),
    "activations: 없는 층 이름": (lambda: visualize.activations(nn.Sequential(nn.Conv2d(3, 4, 3)), X, ["conv9"]),
                               ValueError, "층이 없습니다"),
    "activations: 빈 층 목록": (lambda: visualize.activations(nn.Conv2d(3, 4, 3), X, []), ValueError, "비어 있습니다"),
    "occlusion: 패치가 이미지보다 큼": (lambda: visualize.occlusion_sensitivity(
        nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 2)), X[0], 0, patch=9), ValueError, "보다 큽니다"),
    "occlusion: 이미지 차원": (lambda: visualize.occlusion_sensitivity(nn.Conv2d(3, 4, 3), torch.zeros(8, 8), 0),
                             ValueError, "모양"),
}





@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_raises_clear_korean_error(case):
    call, kind, pattern = CASES[case]
    with pytest.raises(kind) as info:
        call()
    assert_korean_and_ours(info.value, pattern)


def test_unknown_profile(monkeypatch):
    monkeypatch.setenv("CNNLIB_PROFILE", "fast")
    with pytest.raises(ValueError) as info:
        runtime.profile()
    assert_korean_and_ours(info.value, "알 수 없는 실행 프로필")


def test_missing_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("CNNLIB_DATA", str(tmp_path / "없는 폴더"))
    with pytest.raises(data.DataNotFoundError) as info:
        data.load_dataset("mnist", download=False)
    assert_korean_and_ours(info.value, "CNNLIB_DATA")


def test_at_least_thirty_cases():
    assert len(CASES) + 2 >= 30
