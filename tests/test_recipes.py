"""The recipes of CONTRIBUTING.md, each followed once with a toy: an op (``cube``) and a layer
(``Scale``). (The optimizer recipe is followed by ScaledSGD in tests/test_trainer_states.py.)
Package files are not edited here: each "add it to ..." step is a monkeypatch of the name
that step would add."""
from __future__ import annotations

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, init, nd
from minigluon.gluon import nn
from minigluon.ndarray import ops
from minigluon.ndarray.ndarray import NDArray

import test_book
from differential.harness import framework_names, run_case
from helpers import check_grad


# ----- an op --------------------------------------------------------------------------------
def cube(x: NDArray, out: NDArray | None = None) -> NDArray:
    """Step 1, in ops.py: the forward from the raw array, its backward beside it, _record."""
    a = x._data
    return ops._record('cube', NDArray(a * a * a, x._ctx), lambda g: (3 * g * a * a,), (x,), out)


cube.__module__ = ops.__name__  # where step 1 writes it


@pytest.fixture
def cube_added(monkeypatch):
    monkeypatch.setattr(nd, 'cube', cube, raising=False)  # step 2: nd/__init__.py's import list
    # step 3: its name in methods.py's _METHODS, which binds it as NDArray.cube at import
    monkeypatch.setattr(NDArray, 'cube', cube, raising=False)


def test_the_op_recipe(cube_added):
    check_grad(nd.cube, np.array([[0.5, -1.0, 2.0]]))  # step 4: against finite differences
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x.cube()
    assert y._node.op == 'cube'
    y.backward()
    assert x.grad.asnumpy().tolist() == [3.0, 12.0]
    out = nd.zeros(2)
    assert nd.cube(nd.array([1.0, 3.0]), out=out) is out and out.asnumpy().tolist() == [1, 27]
    # step 5: a differential case, as scripts/record_mxnet.py and test_differential run it
    case = 'print(nd.cube(nd.array([1, 2])).asnumpy().tolist())'
    assert run_case(case, framework_names(mx)) == {'stdout': '[1.0, 8.0]\n', 'raises': None,
                                                   'warnings': []}
    # step 6: the book's test asks every notebook-less public function for a mention
    assert 'cube' in test_book._public_api()


# ----- a layer ------------------------------------------------------------------------------
class Scale(nn.HybridBlock):
    """Step 1, in gluon/nn/basic_layers.py: y = x * gamma, gamma's length inferred."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.gamma = self.params.get('gamma', shape=(0,), init=init.One(),
                                         allow_deferred_init=True)

    def infer_shape(self, x, *args):
        self.gamma.shape = x.shape[-1:]

    def hybrid_forward(self, F, x, gamma):
        return F.broadcast_mul(x, gamma)


Scale.__module__ = nn.Dense.__module__


def test_the_layer_recipe(monkeypatch, tmp_path):
    monkeypatch.setattr(nn, 'Scale', Scale, raising=False)  # step 2: gluon/nn/__init__.py
    with mx.name.NameManager():
        layer = nn.Scale()
    layer.initialize()
    assert layer(nd.ones((2, 3))).shape == (2, 3) and layer.gamma.shape == (3,)  # deferred
    assert list(layer.collect_params()) == ['scale0_gamma']
    layer.gamma.set_data(nd.array([1.0, -2.0, 0.5]))
    layer.cast('float64')
    check_grad(layer, np.array([[0.3, 1.2, -0.7]]))  # step 3: d/dx against finite differences
    x = nd.array([[1.0, 2.0, 3.0]], dtype='float64')
    with autograd.record():
        y = layer(x).sum()
    y.backward()
    assert layer.gamma.grad().asnumpy().tolist() == [1.0, 2.0, 3.0]
    path = str(tmp_path / 'scale.params')  # parameters save and load by structural key
    layer.save_parameters(path)
    other = nn.Scale(prefix='other_')
    other.load_parameters(path, cast_dtype=True, dtype_source='saved')
    assert other.gamma.data().asnumpy().tolist() == [1.0, -2.0, 0.5]
    case = 'layer = nn.Scale()\nlayer.initialize()\nprint(layer(nd.ones((1, 2))).shape)'
    assert run_case(case, framework_names(mx))['stdout'] == '(1, 2)\n'  # step 4
    assert 'Scale' in test_book._public_api()  # step 5
