"""이 책의 모델들: 한 파일에 한 계열, 설정표와 만드는 함수 하나씩.

각 모델에는 논문의 ImageNet 설정과 28×28/32×32 흑백 이미지용 작은 설정(``"small"``)이
있습니다. torchvision에 같은 구조가 있으면 매개변수 수와 ``state_dict``가 똑같습니다
(``tests/test_models.py``가 확인합니다).

>>> from cnnlib import models
>>> net = models.create("vgg16")              # 이름으로 만들기
>>> small = models.alexnet("small")            # FashionMNIST용 AlexNet
>>> sorted(models.NAMES)[:3]
['alexnet', 'alexnet_paper', 'alexnet_small']
"""

from __future__ import annotations

from functools import partial

from .alexnet import alexnet, zfnet
from .densenet import densenet
from .googlenet import aux_loss, googlenet
from .lenet import lenet5
from .mobilenet import mobilenet_v1, mobilenet_v2
from .nin import nin
from .resnet import RESNET_CFGS, resnet, resnet_cifar
from .senet import EFFICIENTNET_SCALES, efficientnet
from .vgg import vgg

__all__ = ["NAMES", "alexnet", "aux_loss", "create", "densenet", "efficientnet", "googlenet", "lenet5",
           "mobilenet_v1", "mobilenet_v2", "nin", "resnet", "resnet_cifar", "vgg", "zfnet"]

# 이름 → 만드는 함수. 이름은 torchvision을 따르고(alexnet, vgg16_bn, googlenet, resnet50), 이 책의
# 변형은 뒤에 _paper, _small을 붙입니다. resnet20/56과 plain20/56은 작은 이미지용 6n+2층 망입니다.
NAMES = {
    "lenet5": partial(lenet5, "original"),
    "lenet5_modern": partial(lenet5, "modern"),
    "alexnet": partial(alexnet, "torchvision"),
    "alexnet_paper": partial(alexnet, "paper"),
    "alexnet_small": partial(alexnet, "small"),
    "zfnet": partial(zfnet, "wide"),
    "zfnet_paper": partial(zfnet, "paper"),
    "zfnet_small": partial(zfnet, "small"),
    **{f"vgg{d}": partial(vgg, d) for d in (11, 13, 16, 19)},
    **{f"vgg{d}_bn": partial(vgg, d, True) for d in (11, 13, 16, 19)},
    "vgg_small": partial(vgg, "small", True),
    "nin": partial(nin, "imagenet"),
    "nin_small": partial(nin, "small"),
    "googlenet": partial(googlenet, "torchvision"),
    "googlenet_paper": partial(googlenet, "paper"),
    "googlenet_small": partial(googlenet, "small"),
    **{name: partial(resnet, name) for name in RESNET_CFGS},
    **{f"resnet{d}": partial(resnet_cifar, d) for d in (20, 32, 56, 110)},
    **{f"plain{d}": partial(resnet_cifar, d, shortcut=False) for d in (20, 32, 56)},
    "preact_resnet20": partial(resnet_cifar, 20, block="preact"),
    "se_resnet20": partial(resnet_cifar, 20, se=True),
    "densenet121": partial(densenet, "densenet121"),
    "densenet169": partial(densenet, "densenet169"),
    "densenet_small": partial(densenet, "small"),
    "mobilenet_v1": partial(mobilenet_v1, "imagenet"),
    "mobilenet_v1_small": partial(mobilenet_v1, "small"),
    "mobilenet_v2": partial(mobilenet_v2, "imagenet"),
    "mobilenet_v2_small": partial(mobilenet_v2, "small"),
    **{f"efficientnet_{v}": partial(efficientnet, v) for v in EFFICIENTNET_SCALES},
}


def create(name: str, **kwargs):
    """이름으로 모델을 만듭니다. 쓸 수 있는 이름은 ``models.NAMES``에 있습니다."""
    if not isinstance(name, str) or name not in NAMES:
        import difflib

        close = difflib.get_close_matches(str(name), NAMES, n=3)
        hint = f" 혹시 {', '.join(close)}?" if close else ""
        raise ValueError(f"모르는 모델 이름입니다: {name!r}.{hint} 쓸 수 있는 이름: {', '.join(NAMES)} "
                         f"(unknown model {name!r})")
    return NAMES[name](**kwargs)
