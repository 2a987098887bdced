"""course_lib.torch_models: the chapter's MLP and CNN."""

import pytest
import torch

from course_lib.torch_models import fashion_mlp, small_cnn
from course_lib.torch_utils import count_parameters


def test_the_mlp_is_flatten_784_512_512_10_with_named_layers_and_returns_logits():
    model = fashion_mlp(dropout=0.2)
    assert count_parameters(model) == 784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10
    assert [type(m).__name__ for m in model] == ["Flatten", "Linear", "ReLU", "Dropout", "Linear",
                                                "ReLU", "Dropout", "Linear"]
    assert model.drop1.p == model.drop2.p == 0.2
    out = model.eval()(torch.randn(3, 1, 28, 28))
    assert out.shape == (3, 10)
    assert not torch.allclose(out.sum(dim=1), torch.ones(3)), "logits, not probabilities"


def test_the_mlp_without_dropout_is_deterministic_in_train_mode():
    model = fashion_mlp()
    x = torch.randn(4, 1, 28, 28)
    assert torch.equal(model.train()(x), model(x))


def test_the_cnn_has_batch_norm_and_maps_images_to_ten_logits():
    model = small_cnn()
    assert count_parameters(model) == 421738
    assert model.conv1.bias is None and isinstance(model.norm1, torch.nn.BatchNorm2d)
    assert model.eval()(torch.randn(2, 1, 28, 28)).shape == (2, 10)
    channels_last = model.to(memory_format=torch.channels_last)
    assert channels_last(torch.randn(2, 1, 28, 28)).shape == (2, 10)


@pytest.mark.parametrize("build", [fashion_mlp, small_cnn])
def test_dropout_must_be_a_probability_below_one(build):
    with pytest.raises(ValueError, match="dropout"):
        build(dropout=1.0)
    with pytest.raises(ValueError, match="dropout"):
        build(dropout=-0.1)
