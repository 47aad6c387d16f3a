"""cnnlib.models: torchvision과 같은 매개변수 수·state_dict·출력, 모든 모델의 순전파, 나쁜 입력."""

import pytest
import torch
import torchvision
from torch import nn

from cnnlib import models, train
from cnnlib.cost import count_parameters
from cnnlib.models.lenet import C3_TABLE

# (이 책의 이름, torchvision 생성자 인자, 이슈가 요구하는 매개변수 수)
TORCHVISION_TWINS = [
    ("alexnet", ("alexnet", {}), 61_100_840),
    ("vgg11", ("vgg11", {}), 132_863_336),
    ("vgg13", ("vgg13", {}), None),
    ("vgg16", ("vgg16", {}), 138_357_544),
    ("vgg19", ("vgg19", {}), 143_667_240),
    ("vgg11_bn", ("vgg11_bn", {}), None),
    ("vgg16_bn", ("vgg16_bn", {}), None),
    ("vgg19_bn", ("vgg19_bn", {}), None),
    ("googlenet", ("googlenet", {"aux_logits": False, "init_weights": False}), 6_624_904),
]


def _torchvision(name, kwargs):
    with torch.device("meta"):
        return getattr(torchvision.models, name)(weights=None, **kwargs)


@pytest.mark.parametrize(("ours", "theirs", "expected"), TORCHVISION_TWINS, ids=[t[0] for t in TORCHVISION_TWINS])
def test_same_as_torchvision(ours, theirs, expected):
    with torch.device("meta"):
        model = models.create(ours)
    reference = _torchvision(*theirs)
    assert count_parameters(model) == count_parameters(reference)
    if expected is not None:
        assert count_parameters(model) == expected
    # 이름과 모양까지 같아서 torchvision의 가중치를 그대로 불러올 수 있어야 합니다.
    ours_sd, theirs_sd = model.state_dict(), reference.state_dict()
    assert list(ours_sd) == list(theirs_sd)
    assert all(ours_sd[k].shape == theirs_sd[k].shape for k in ours_sd)


def test_googlenet_with_aux_same_as_torchvision():
    with torch.device("meta"):
        model = models.googlenet(aux_logits=True)
    reference = _torchvision("googlenet", {"aux_logits": True, "init_weights": False})
    assert count_parameters(model) == count_parameters(reference) == 13_004_888
    assert list(model.state_dict()) == list(reference.state_dict())


@pytest.mark.parametrize(("ours", "theirs", "size"), [
    ("alexnet", ("alexnet", {}), 224),
    ("vgg11_bn", ("vgg11_bn", {}), 64),
    ("googlenet", ("googlenet", {"aux_logits": False, "init_weights": False}), 96),
])
def test_same_outputs_as_torchvision_with_loaded_weights(ours, theirs, size):
    torch.manual_seed(0)
    reference = getattr(torchvision.models, theirs[0])(weights=None, **theirs[1]).eval()
    model = models.create(ours).eval()
    model.load_state_dict(reference.state_dict())
    x = torch.randn(2, 3, size, size)
    with torch.no_grad():
        torch.testing.assert_close(model(x), reference(x), rtol=1e-4, atol=1e-5)


def _conv_params(c_in, c_out, k, groups=1):
    return c_out * (c_in // groups) * k * k + c_out


def test_alexnet_paper_count_by_formula():
    """논문형 AlexNet: 두 GPU 나눔(groups=2)은 conv2·4·5의 가중치를 반으로 줄입니다."""
    convs = (_conv_params(3, 96, 11) + _conv_params(96, 256, 5, 2) + _conv_params(256, 384, 3)
             + _conv_params(384, 384, 3, 2) + _conv_params(384, 256, 3, 2))
    fcs = (256 * 6 * 6 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 1000 + 1000)
    with torch.device("meta"):
        paper = models.alexnet("paper")
        one_gpu = models.alexnet("paper", groups=1)
    assert count_parameters(paper) == convs + fcs == 60_965_224
    saved = count_parameters(one_gpu) - count_parameters(paper)
    assert saved == (256 * 96 * 25 + 384 * 384 * 9 + 256 * 384 * 9) // 2
    assert sum(isinstance(m, nn.LocalResponseNorm) for m in paper.modules()) == 2
    assert sum(isinstance(m, nn.Dropout) for m in paper.modules()) == 2


def test_lenet_original_count_by_formula():
    c3 = sum(len(t) * 25 + 1 for t in C3_TABLE)
    assert c3 == 1516 and len(C3_TABLE) == 16
    expected = 156 + 2 * 6 + c3 + 2 * 16 + _conv_params(16, 120, 5) + (120 * 84 + 84) + (84 * 10 + 10)
    assert count_parameters(models.lenet5("original")) == expected == 60_850
    assert count_parameters(models.lenet5("modern")) == 156 + _conv_params(6, 16, 5) + 48_120 + 10_164 + 850


def test_lenet_c3_table_matches_paper_pattern():
    # 처음 6개는 연속 3개, 다음 6개는 연속 4개, 다음 3개는 불연속 4개, 마지막은 6개 전부.
    assert [len(t) for t in C3_TABLE] == [3] * 6 + [4] * 9 + [6]
    for i in range(6):
        assert set(C3_TABLE[i]) == {i % 6, (i + 1) % 6, (i + 2) % 6}
        assert set(C3_TABLE[6 + i]) == {(i + k) % 6 for k in range(4)}


def test_zfnet_first_layer_and_widths():
    with torch.device("meta"):
        wide, paper = models.zfnet("wide"), models.zfnet("paper")
    convs = [m for m in wide.features if isinstance(m, nn.Conv2d)]
    assert (convs[0].kernel_size, convs[0].stride) == ((7, 7), (2, 2))
    assert [c.out_channels for c in convs] == [96, 256, 512, 1024, 512]
    assert [c.out_channels for c in paper.features if isinstance(c, nn.Conv2d)] == [96, 256, 384, 384, 256]
    out = wide.features(torch.empty(1, 3, 224, 224, device="meta"))
    assert tuple(out.shape) == (1, 512, 6, 6)


IMAGENET = {
    "alexnet": 224, "alexnet_paper": 227, "zfnet": 224, "zfnet_paper": 224, "vgg11": 224, "vgg16_bn": 224,
    "vgg19": 224, "nin": 224, "googlenet": 224, "googlenet_paper": 224,
}
SMALL = ["lenet5", "lenet5_modern", "alexnet_small", "zfnet_small", "vgg_small", "nin_small", "googlenet_small"]


@pytest.mark.parametrize("name", sorted(IMAGENET))
def test_imagenet_models_run_on_their_input_size(name):
    with torch.device("meta"):
        model = models.create(name).eval()
        out = model(torch.empty(1, 3, IMAGENET[name], IMAGENET[name]))
    assert tuple(out.shape) == (1, 1000)


def test_alexnet_paper_feature_sizes():
    """논문형 AlexNet은 227×227에서 55 → 27 → 13 → 6으로 줄어듭니다 (224가 아니라 227)."""
    with torch.device("meta"):
        model = models.alexnet("paper")
        x = torch.empty(1, 3, 227, 227)
        sizes = []
        for layer in model.features:
            x = layer(x)
            if isinstance(layer, (nn.Conv2d, nn.MaxPool2d)):
                sizes.append(x.shape[-1])
    assert sizes == [55, 27, 27, 13, 13, 13, 13, 6]


@pytest.mark.parametrize("name", SMALL)
@pytest.mark.parametrize("size", [28, 32])
def test_small_models_run_and_learn_one_step(name, size):
    torch.manual_seed(0)
    model = models.create(name, input_size=size) if name.startswith("lenet") else models.create(name)
    x, y = torch.randn(4, 1, size, size), torch.tensor([0, 1, 2, 3])
    out = model(x)
    assert tuple(out.shape) == (4, 10) and torch.isfinite(out).all()
    loss = nn.functional.cross_entropy(out, y)
    loss.backward()
    grads = [p.grad for p in model.parameters()]
    assert all(g is not None for g in grads), "모든 매개변수가 기울기를 받아야 합니다"


def test_googlenet_aux_outputs_in_training_only():
    torch.manual_seed(0)
    model = models.googlenet("small", aux_logits=True)
    x = torch.randn(3, 1, 28, 28)
    outs = model.train()(x)
    assert isinstance(outs, tuple) and len(outs) == 3 and all(o.shape == (3, 10) for o in outs)
    assert model.eval()(x).shape == (3, 10)
    loss_fn = models.aux_loss(0.3)
    y = torch.tensor([1, 2, 3])
    main = nn.functional.cross_entropy(outs[0], y)
    aux = nn.functional.cross_entropy(outs[1], y) + nn.functional.cross_entropy(outs[2], y)
    torch.testing.assert_close(loss_fn(outs, y), main + 0.3 * aux)


def test_fit_trains_a_model_with_aux_classifiers_and_schedule():
    torch.manual_seed(0)
    x = torch.randn(64, 1, 28, 28)
    y = (x.mean(dim=(1, 2, 3)) > 0).long()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=16)
    model = models.googlenet("small", num_classes=2, aux_logits=True)
    history = train.fit(model, loader, loader, epochs=2, lr=0.01, loss_fn=models.aux_loss(),
                        schedule="onecycle", progress=False, live_plot=False)
    assert len(history.train_loss) == 2 and len(history.test_acc) == 2
    assert history.train_loss[1] < history.train_loss[0]


def test_fit_rejects_unknown_schedule():
    model = models.lenet5()
    loader = [(torch.randn(2, 1, 28, 28), torch.tensor([0, 1]))]
    with pytest.raises(ValueError, match="schedule"):
        train.fit(model, loader, schedule="warmup", progress=False, live_plot=False)


def test_small_cost_counters_match_param_count():
    from cnnlib.cost import layer_table

    for name in SMALL:
        model = models.create(name)
        rows = layer_table(model, (1, 1, 28, 28))
        assert sum(r.params for r in rows) == count_parameters(model), name


# ---------------------------------------------------------------- 나쁜 입력
@pytest.mark.parametrize(("name", "shape", "pattern"), [
    ("alexnet_small", (2, 3, 28, 28), "채널 수가 맞지 않습니다: 기대 1, 받은 3"),
    ("vgg16", (1, 1, 224, 224), "기대 3, 받은 1"),
    ("lenet5_modern", (1, 28, 28), "4차원"),
    ("lenet5", (1, 1, 32, 32), "28×28 이미지를 받도록"),
    ("googlenet_small", (1, 1, 8, 8), "너무 작습니다"),
    ("nin_small", (28, 28), "4차원"),
])
def test_models_reject_bad_inputs_in_korean(name, shape, pattern):
    model = models.create(name)
    with pytest.raises(ValueError, match=pattern):
        model(torch.zeros(shape))


@pytest.mark.parametrize(("call", "pattern"), [
    (lambda: models.create("vgg17"), "모르는 모델 이름"),
    (lambda: models.create("resnet"), "모르는 모델 이름"),
    (lambda: models.vgg(12), "variant"),
    (lambda: models.alexnet("big"), "variant"),
    (lambda: models.alexnet("small", activation="gelu"), "activation"),
    (lambda: models.alexnet("paper", groups=3), "나누지 못합니다"),
    (lambda: models.lenet5("classic"), "variant"),
    (lambda: models.lenet5(input_size=64), "input_size"),
    (lambda: models.nin("small", num_classes=0), "num_classes"),
    (lambda: models.googlenet("small", in_channels=-1), "in_channels"),
    (lambda: models.zfnet("small", dropout=1.5), "dropout"),
])
def test_builders_reject_bad_arguments_in_korean(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_unknown_name_suggests_close_match():
    with pytest.raises(ValueError, match="혹시 vgg16"):
        models.create("vgg16b")


def test_guarded_model_survives_deepcopy_and_pickle():
    import copy
    import pickle

    model = models.vgg("small", True)
    for clone in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        with pytest.raises(ValueError, match="기대 1, 받은 3"):
            clone(torch.zeros(1, 3, 28, 28))
