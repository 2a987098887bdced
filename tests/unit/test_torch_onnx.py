"""course_lib.torch_onnx: a trained model exported to ONNX computes what torch computes."""

import numpy as np
import onnx
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from course_lib.torch_models import small_cnn
from course_lib.torch_onnx import compare_with_torch, export_onnx, onnx_session
from course_lib.torch_training import fit


@pytest.fixture(scope="module")
def trained_cnn():
    """The chapter's CNN (batch norm, dropout) after a few steps, so its statistics moved."""
    torch.manual_seed(0)
    model = small_cnn(dropout=0.5)
    X, y = torch.randn(64, 1, 28, 28), torch.arange(64) % 10
    fit(model, torch.nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters(), lr=1e-3),
        DataLoader(TensorDataset(X, y), batch_size=16), epochs=1, progress=False)
    return model.train()


@pytest.fixture(scope="module")
def exported(trained_cnn, tmp_path_factory):
    folder = tmp_path_factory.mktemp("onnx")
    return export_onnx(trained_cnn, torch.randn(2, 1, 28, 28), folder / "cnn.onnx")


def test_the_export_is_one_checked_file_and_the_model_keeps_its_mode(trained_cnn, exported):
    assert trained_cnn.training
    assert [p.name for p in exported.parent.iterdir()] == ["cnn.onnx"]  # no external data
    graph = onnx.load(str(exported)).graph
    assert [i.name for i in graph.input] == ["images"] and graph.output[0].name == "logits"
    assert graph.input[0].type.tensor_type.shape.dim[0].dim_param  # symbolic batch axis


def test_onnxruntime_matches_torch_in_eval_mode_for_any_batch_size(trained_cnn, exported):
    inputs = torch.randn(130, 1, 28, 28)
    comparison = compare_with_torch(trained_cnn, exported, inputs, batch_size=50)
    assert comparison.agrees(atol=1e-4), comparison
    assert comparison.batch_sizes == (1, 30, 50) and comparison.n_inputs == 130
    assert trained_cnn.training
    session = onnx_session(exported)
    for n in (1, 3, 7):
        out = session.run(None, {"images": inputs[:n].numpy()})[0]
        assert out.shape == (n, 10)


def test_the_comparison_catches_an_export_of_another_model(trained_cnn, exported):
    torch.manual_seed(1)
    other = small_cnn()
    comparison = compare_with_torch(other, exported, torch.randn(40, 1, 28, 28))
    assert not comparison.agrees() and comparison.max_abs_difference > 1e-2


def test_a_train_mode_reference_would_not_match_so_eval_mode_is_what_is_compared(trained_cnn,
                                                                                exported):
    inputs = torch.randn(20, 1, 28, 28)
    with torch.no_grad():
        in_train_mode = trained_cnn(inputs).numpy()
    onnx_logits = onnx_session(exported).run(None, {"images": inputs.numpy()})[0]
    assert np.abs(onnx_logits - in_train_mode).max() > 1e-3


def test_bad_arguments_are_refused(trained_cnn, tmp_path):
    with pytest.raises(ValueError, match="at least 2"):
        export_onnx(trained_cnn, torch.randn(1, 1, 28, 28), tmp_path / "m.onnx")
    with pytest.raises(TypeError, match="torch.nn.Module"):
        export_onnx(lambda x: x, torch.randn(2, 3), tmp_path / "m.onnx")
    with pytest.raises(ValueError, match="non-empty"):
        compare_with_torch(trained_cnn, tmp_path / "m.onnx", torch.randn(0, 1, 28, 28))
