'''Every code example of the notes the book follows (tests/seed_notes.py, the "deep learning
computation" chapter of Dive into Deep Learning, MXNet edition) runs with ``mxnet`` replaced
by ``minigluon``. Printed output is compared with what MXNet 1.9.1 printed for the same code,
recorded by scripts/record_mxnet.py (cases notes_parameter_snippets and mlp_output of
tests/differential/cases_oracle.py; names count from 0 under a fresh NameManager).
'''
import re

import numpy as np
import pytest

import minigluon as mx

from differential import recorded
from seed_notes import (ACCESS_SNIPPET, FANCY_MLP_SNIPPET, GPU_SNIPPETS, IN_UNITS_SNIPPET,
                        INIT_SNIPPET, MLP_SNIPPET, MY_DENSE_SNIPPET, MY_INIT_SNIPPET,
                        MY_SEQUENTIAL_SNIPPET, PRELUDE, SAVE_SNIPPET, SET_DATA_SNIPPET,
                        SHARED_SNIPPET)



def mxnet_outputs() -> dict:
    """What each parameter snippet printed on MXNet 1.9.1 (case notes_parameter_snippets)."""
    parts = re.split(r'^--- (\w+)\n', recorded.stdout('oracle', 'notes_parameter_snippets'),
                     flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def as_mxnet(out: str) -> str:
    """minigluon's output with classes named as MXNet's (the notes import mxnet)."""
    return out.replace("<class 'minigluon.", "<class 'mxnet.")


@pytest.fixture
def run(capsys, tmp_path, monkeypatch):
    """run(snippet) -> what it printed; snippets share one namespace, as in the notebook."""
    monkeypatch.chdir(tmp_path)
    namespace = {}
    with mx.name.NameManager():
        exec(PRELUDE, namespace)
        capsys.readouterr()

        def run_snippet(code):
            exec(compile(code, '<seed snippet>', 'exec'), namespace)
            return capsys.readouterr().out

        run_snippet.namespace = namespace
        yield run_snippet


def test_model_construction_snippets(run):
    run(MLP_SNIPPET)
    out = run(MY_SEQUENTIAL_SNIPPET)
    assert out.startswith('\n[[') and out.endswith(']]\n<NDArray 2x10 @cpu(0)>\n')
    assert repr(run.namespace['net']) == 'MySequential(\n\n)'
    run(FANCY_MLP_SNIPPET)
    nn, nd = run.namespace['nn'], run.namespace['nd']
    fancy = run.namespace['FancyMLP']()
    fancy.initialize()
    assert fancy(nd.random.uniform(shape=(2, 20))).shape == (1,)
    mx.random.seed(0)
    x = nd.random.uniform(shape=(2, 20))
    mlp = run.namespace['MLP']()
    mlp.initialize()
    np.testing.assert_allclose(mlp(x).asnumpy(), recorded.ndarray_after(
        'oracle', 'mlp_output', 'net(X):'), atol=1e-6)
    assert isinstance(mlp.hidden, nn.Dense)


def test_parameter_snippets(run):
    run(MLP_SNIPPET)  # imports nn
    mxnet = mxnet_outputs()
    mx.random.seed(0)
    assert as_mxnet(run(ACCESS_SNIPPET)) == mxnet['ACCESS_SNIPPET']

    out = run(INIT_SNIPPET).split('\n<NDArray 20 @cpu(0)>\n')
    assert out[-1] == ''
    normal, constant, xavier = (np.array(part.strip().strip('[]').split(), dtype=np.float32)
                                for part in out[:3])
    assert np.abs(normal).max() < 0.05 and normal.std() > 0.004
    assert constant.tolist() == [1.0] * 20
    assert np.abs(xavier).max() <= np.sqrt(6 / 276) and len(set(xavier.tolist())) == 20

    assert run(MY_INIT_SNIPPET) == mxnet['MY_INIT_SNIPPET']
    net = run.namespace['net']
    weight = net[0].weight.data().asnumpy().copy()
    assert ((np.abs(weight) >= 5) | (weight == 0)).all()
    assert run(SET_DATA_SNIPPET) == mxnet['SET_DATA_SNIPPET'] == ''
    np.testing.assert_array_equal(net[0].weight.data().asnumpy(), weight + 1)

    assert run(SHARED_SNIPPET) == mxnet['SHARED_SNIPPET']
    net = run.namespace['net']
    assert net[1].weight is net[2].weight

    assert run(IN_UNITS_SNIPPET) == mxnet['IN_UNITS_SNIPPET']


def test_custom_layer_snippet(run):
    run(MLP_SNIPPET)
    run(MY_DENSE_SNIPPET)
    dense = run.namespace['MyDense'](units=3, in_units=5)
    assert repr(dense.params) == (
        "mydense0_ (\n  Parameter mydense0_weight (shape=(5, 3), dtype=<class 'numpy.float32'>)\n"
        "  Parameter mydense0_bias (shape=(3,), dtype=<class 'numpy.float32'>)\n)")
    dense.initialize()
    out = dense(run.namespace['nd'].random.uniform(shape=(2, 5)))
    assert out.shape == (2, 3) and (out.asnumpy() >= 0).all()


def test_read_write_snippet(run):
    assert run(SAVE_SNIPPET) == ''
    x2 = run.namespace['x2']
    assert isinstance(x2, list) and len(x2) == 1
    assert x2[0].asnumpy().tolist() == [1.0, 1.0, 1.0]


@pytest.mark.gpu
def test_gpu_snippets(run):
    run(MLP_SNIPPET)
    run(SAVE_SNIPPET)
    run(ACCESS_SNIPPET)
    for snippet in GPU_SNIPPETS:
        run(snippet)
    ns = run.namespace
    assert ns['a'].context == mx.gpu(0) and repr(ns['a']).endswith('<NDArray 3 @gpu(0)>')
    assert ns['y'].context == ns['z'].context == mx.gpu(0)
    assert ns['z'].asnumpy().tolist() == [1.0, 1.0, 1.0]
