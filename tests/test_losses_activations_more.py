"""TripletLoss, PoissonNLLLoss, CosineEmbeddingLoss, SigmoidBCELoss's pos_weight, and the
activation layers LeakyReLU, PReLU, ELU, SELU, Swish and GELU: gradients against finite
differences and the rules behind them for any inputs. MXNet's values, reprs and errors are
the differential cases in tests/differential/cases_training.py."""
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

import minigluon as mx
from helpers import check_grad
from minigluon import autograd, gluon, init, nd
from minigluon.gluon import loss as gloss
from minigluon.gluon import nn

RNG = np.random.default_rng(1)
A, B, C = (RNG.uniform(-2, 2, (3, 4)) for _ in range(3))
small = arrays(np.float64, (2, 3), elements=st.floats(-5, 5))


@pytest.fixture(autouse=True)
def _fresh_names():
    with mx.name.NameManager():
        yield


# ----- losses -------------------------------------------------------------------------------
@pytest.mark.parametrize('loss', [gloss.TripletLoss(), gloss.TripletLoss(margin=4, weight=0.5)],
                         ids=['default', 'margin_weight'])
def test_triplet_loss_gradients(loss):
    check_grad(lambda p, q, r: loss(p, q, r), A, B, C)


@pytest.mark.parametrize('loss, pred', [
    (gloss.PoissonNLLLoss(), A),
    (gloss.PoissonNLLLoss(from_logits=False, weight=2.0), np.abs(A) + 0.5),
], ids=['logits', 'rates'])
def test_poisson_nll_gradients(loss, pred):
    check_grad(lambda p: loss(p, nd.array(np.abs(B).round(), dtype='float64')), pred)


def test_cosine_embedding_gradients():
    """In float32 (MXNet's loss mixes in a float32 constant, so float64 inputs fail there and
    here): central differences with a wide step, a loose tolerance."""
    loss = gloss.CosineEmbeddingLoss(margin=-0.5)  # every dissimilar pair above the margin
    label, w = nd.array([1, -1, -1]), RNG.standard_normal((3, 1))
    inputs = [nd.array(A), nd.array(B)]
    for x in inputs:
        x.attach_grad()
    with autograd.record():
        out = loss(*inputs, label)
    out.backward(nd.array(w))
    for k, x in enumerate(inputs):
        numeric = np.zeros(x.shape)
        for i in np.ndindex(*x.shape):
            values = []
            for h in (1e-2, -1e-2):
                moved = [y.copy() for y in inputs]
                moved[k][i] += h
                values.append(float((loss(*moved, label).asnumpy() * w).sum()))
            numeric[i] = (values[0] - values[1]) / 2e-2
        np.testing.assert_allclose(x.grad.asnumpy(), numeric, rtol=2e-3, atol=2e-4)


@pytest.mark.parametrize('from_sigmoid', [False, True])
def test_pos_weight_gradients(from_sigmoid):
    label = nd.array((B > 0).astype(float), dtype='float64')
    pos_weight = nd.array([[0.5, 1, 2, 3]], dtype='float64')
    pred = 1 / (1 + np.exp(-A)) if from_sigmoid else A
    loss = gloss.SigmoidBCELoss(from_sigmoid=from_sigmoid)
    check_grad(lambda p: loss(p, label, None, pos_weight), pred)


@given(small, arrays(np.float64, (2, 3), elements=st.sampled_from([0., 1.])))
def test_pos_weight_one_is_no_pos_weight(pred, label):
    loss = gloss.SigmoidBCELoss()
    x, y = nd.array(pred, dtype='float64'), nd.array(label, dtype='float64')
    np.testing.assert_allclose(loss(x, y, None, nd.ones((1, 3), dtype='float64')).asnumpy(),
                               loss(x, y).asnumpy(), rtol=1e-12, atol=1e-12)


@given(small, st.floats(0.1, 10))
def test_pos_weight_scales_only_the_positive_terms(pred, w):
    """With every label 1 the loss is pos_weight times the plain loss."""
    loss = gloss.SigmoidBCELoss()
    x, ones = nd.array(pred, dtype='float64'), nd.ones((2, 3), dtype='float64')
    np.testing.assert_allclose(loss(x, ones, None, ones * w).asnumpy(),
                               w * loss(x, ones).asnumpy(), rtol=1e-9)


@given(small, small, small, st.floats(0, 3))
def test_triplet_loss_is_the_hinged_difference_of_squared_distances(p, q, r, margin):
    out = gloss.TripletLoss(margin=margin)(*(nd.array(a, dtype='float64') for a in (p, q, r)))
    expected = np.maximum(((q - p) ** 2 - (r - p) ** 2).sum(axis=1) + margin, 0)
    np.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-9, atol=1e-9)


@given(small, small)
def test_cosine_embedding_loss_is_one_minus_cosine_for_similar_pairs(x, y):
    x, y = x.astype(np.float32), y.astype(np.float32)  # float32 only, as in MXNet
    out = gloss.CosineEmbeddingLoss()(nd.array(x), nd.array(y), nd.array([1, 1])).asnumpy()
    x, y = x.astype(np.float64), y.astype(np.float64)
    cos = (x * y).sum(1) / np.maximum(np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1), 1e-12)
    assert out.shape == (2, 1)
    np.testing.assert_allclose(out[:, 0], 1 - cos, rtol=1e-5, atol=1e-5)


def test_poisson_nll_is_one_mean_and_compute_full_refuses_under_record():
    loss = gloss.PoissonNLLLoss(compute_full=True)
    pred, target = nd.array([[1., 2.], [0.3, 4.]]), nd.array([[1., 3.], [3., 2.]])
    out = loss(pred, target)
    assert out.shape == (1,)
    t, p = target.asnumpy(), pred.asnumpy()
    stirling = np.where(t > 1, t * np.log(t) - t + 0.5 * np.log(2 * math.pi * t), 0)
    np.testing.assert_allclose(out.asnumpy(), [(np.exp(p) - t * p + stirling).mean()], rtol=1e-6)
    pred.attach_grad()
    with pytest.raises(mx.MXNetError, match='Assigning to NDArrays that are already in a'):
        with autograd.record():
            loss(pred, target)


def test_sdml_loss_refuses():
    with pytest.raises(NotImplementedError, match=r"is not part of minigluon, .*compatibility"):
        gloss.SDMLLoss()


# ----- CTC --------------------------------------------------------------------------------------
def _ctc_brute_force(logits: np.ndarray, label: list, blank: int) -> float:
    """-log of the summed probability of every frame-by-frame path that collapses to label."""
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    frames, classes = p.shape
    total = 0.0
    for path in itertools.product(range(classes), repeat=frames):
        collapsed = [k for i, k in enumerate(path) if k != blank and (i == 0 or path[i - 1] != k)]
        if collapsed == label:
            total += np.prod(p[np.arange(frames), path])
    return -np.log(total)


@settings(deadline=None, max_examples=40)
@given(arrays(np.float64, (4, 3), elements=st.floats(-3, 3)),
       st.lists(st.integers(0, 1), max_size=2), st.sampled_from(['first', 'last']))
def test_ctc_loss_sums_every_alignment(logits, label, blank_label):
    blank = 0 if blank_label == 'first' else 2
    symbols = [s + 1 for s in label] if blank_label == 'first' else label
    padded = symbols + [0 if blank_label == 'first' else -1] * (2 - len(symbols))
    out = nd.CTCLoss(nd.array(logits[:, None, :], dtype='float64'),
                     nd.array([padded], dtype='float64'), blank_label=blank_label)
    assert math.isclose(float(out.asscalar()), _ctc_brute_force(logits, symbols, blank),
                        rel_tol=1e-9)


def test_ctc_gradient_and_lengths():
    data = RNG.standard_normal((5, 2, 4))
    label = nd.array([[1, 2, -1], [0, 0, 3]], dtype='float64')
    check_grad(lambda x: nd.CTCLoss(x, label, blank_label='last'), data)
    label = nd.array([[1, 2, 0], [3, 1, 2]], dtype='float64')  # 'first': 0 is the blank
    lengths = nd.array([3, 5], dtype='float64'), nd.array([1, 2], dtype='float64')
    check_grad(lambda x: nd.CTCLoss(x, label, *lengths, use_data_lengths=True,
                                    use_label_lengths=True), data)
    with pytest.raises(mx.MXNetError, match='CTCLoss expects 3 inputs, but got 2 instead'):
        nd.CTCLoss(nd.array(data), label, use_data_lengths=True)


def test_gluon_ctc_loss_layouts_agree():
    pred, label = RNG.standard_normal((2, 6, 5)), nd.array([[0, 3, 3], [1, -1, -1]])
    ntc = gloss.CTCLoss()(nd.array(pred), label)
    tnc = gloss.CTCLoss(layout='TNC', label_layout='TN')(nd.array(pred.transpose(1, 0, 2)),
                                                          label.T)
    assert ntc.shape == (2,)
    np.testing.assert_array_equal(ntc.asnumpy(), tnc.asnumpy())
    with pytest.raises(AssertionError, match="Only 'NTC' and 'TNC' layouts for pred"):
        gloss.CTCLoss(layout='NCT')


# ----- activation layers ------------------------------------------------------------------------
X = RNG.uniform(0.3, 2.0, (3, 4)) * np.array([1, -1, 1, -1])  # away from the kink at 0


@pytest.mark.parametrize('layer, x', [
    (nn.LeakyReLU(0.1), X), (nn.ELU(0.7), X), (nn.Swish(1.5), X), (nn.GELU(), X),
    (nn.SELU(), np.abs(X)),  # below 0 MXNet's SELU gradient is lambda * (y + alpha), not dy/dx
], ids=['LeakyReLU', 'ELU', 'Swish', 'GELU', 'SELU'])
def test_activation_layer_gradients(layer, x):
    check_grad(layer, x, rtol=1e-5)


def test_gelu_gradient_everywhere():
    check_grad(lambda x: nd.LeakyReLU(x, act_type='gelu'), RNG.uniform(-4, 4, (3, 4)))


@pytest.mark.parametrize('alpha_shape', [(1,), (4,)])
def test_prelu_gradients_of_input_and_slopes(alpha_shape):
    alpha = RNG.uniform(0.1, 0.5, alpha_shape)
    check_grad(lambda x, a: nd.LeakyReLU(x, a, act_type='prelu'), X, alpha)


@given(small, st.floats(0, 3))
def test_prelu_with_a_fixed_slope_is_leaky_relu(x, slope):
    prelu = nn.PReLU(alpha_initializer=init.Constant(slope))
    prelu.initialize()
    data = nd.array(x)
    np.testing.assert_array_equal(prelu(data).asnumpy(), nn.LeakyReLU(slope)(data).asnumpy())


def test_prelu_parameter_and_layer_reprs():
    prelu = nn.PReLU(in_channels=3)
    assert list(prelu.collect_params().keys()) == ['prelu0_alpha']
    assert prelu.alpha.shape == (3,) and isinstance(prelu.alpha.init, init.Constant)
    prelu.initialize()
    np.testing.assert_array_equal(prelu.alpha.data().asnumpy(), [0.25] * 3)
    assert repr(prelu) == 'PReLU(\n\n)' and repr(nn.LeakyReLU(0.3)) == 'LeakyReLU(0.3)'
    with pytest.raises(AssertionError, match='Slope coefficient for LeakyReLU must be no less'):
        nn.LeakyReLU(-0.1)


def test_prelu_refuses_a_slope_count_that_is_not_the_channels():
    with pytest.raises(mx.MXNetError, match='Shape inconsistent'):
        nd.LeakyReLU(nd.ones((2, 3)), nd.ones(2), act_type='prelu')


@pytest.mark.parametrize('name', ['Conv2D', 'MaxPool2D', 'BatchNorm', 'LayerNorm', 'Embedding',
                                  'GlobalAvgPool2D', 'SymbolBlock'])
def test_layers_minigluon_lacks_import_but_refuse_on_use(name):
    layer = getattr(nn, name)
    assert issubclass(layer, nn.HybridBlock)
    with pytest.raises(NotImplementedError, match=r"gluon\.nn\.%s is not part of minigluon" % name):
        layer(4)
