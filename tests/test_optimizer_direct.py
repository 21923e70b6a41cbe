"""Optimizer.update called directly on NDArrays (MXNet users do: ``o.update(i, w, g, state)``)
updates exactly as Trainer's path on raw arrays does, clipping included (it used to crash)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from minigluon import nd, optimizer

SETTINGS = [{}, {'clip_gradient': 0.5}, {'wd': 0.1}, {'clip_gradient': 0.5, 'wd': 0.1, 'rescale_grad': 0.5}]
NAMES = ['sgd', 'adam', 'adagrad', 'rmsprop', 'adadelta']
grads = arrays(np.float32, (2, 3), elements=st.floats(-5, 5, width=32))


def _cases():
    for name in NAMES:
        for hp in SETTINGS + ([{'momentum': 0.9}, {'momentum': 0.9, 'clip_gradient': 0.5}]
                              if name == 'sgd' else []):
            yield name, hp


@pytest.mark.parametrize('name, hp', list(_cases()))
@settings(max_examples=10, deadline=None)
@given(grads)
def test_direct_update_on_ndarrays_matches_raw_arrays(name, hp, gs):
    w0 = np.array([0.3, -0.2, 1.0], np.float32)
    direct, raw = (optimizer.create(name, learning_rate=0.1, **hp) for _ in range(2))
    w, w_raw = nd.array(w0), w0.copy()
    state, state_raw = direct.create_state(0, w), raw.create_state(0, w_raw)
    for g in gs:
        direct.update(0, w, nd.array(g), state)
        raw.update(0, w_raw, g.copy(), state_raw)
    assert isinstance(w, nd.NDArray)
    np.testing.assert_array_equal(w.asnumpy(), w_raw)


def test_sgd_clip_without_momentum():
    # the independent check's case o_sgd_clip_neg: MXNet 1.9.1 prints [0.5, -0.2]
    o = optimizer.SGD(learning_rate=1, clip_gradient=0.5)
    w = nd.zeros(2)
    o.update(0, w, nd.array([-3., 0.2]), None)
    assert w.asnumpy().tolist() == [0.5, np.float32(-0.2)]
