'''Every code example of the notes the book follows (tests/seed_notes.py, the "deep learning
computation" chapter of Dive into Deep Learning, MXNet edition) runs with ``mxnet`` replaced
by ``minigluon``. Printed output is compared with what MXNet 1.9.1 printed for the same code
(tests/fixtures/oracle_output.txt, printed by scripts/mxnet_oracle.py; names renumbered from
0 under a fresh NameManager).
'''
import numpy as np
import pytest

import minigluon as mx

from gluon_helpers import REF_MLP_OUT
from seed_notes import (ACCESS_SNIPPET, FANCY_MLP_SNIPPET, GPU_SNIPPETS, IN_UNITS_SNIPPET,
                        INIT_SNIPPET, MLP_SNIPPET, MY_DENSE_SNIPPET, MY_INIT_SNIPPET,
                        MY_SEQUENTIAL_SNIPPET, PRELUDE, SAVE_SNIPPET, SET_DATA_SNIPPET,
                        SHARED_SNIPPET)

# MXNet's output for the parameter-access snippet after mx.random.seed(0) (reference section 4)
REF_WEIGHT = '''
[[ 0.06700657 -0.00369488  0.0418822  ... -0.05517294 -0.01194733
  -0.00369594]
 [-0.03296221 -0.04391347  0.03839272 ...  0.05636378  0.02545484
  -0.007007  ]
 [-0.0196689   0.01582889 -0.00881553 ...  0.01509629 -0.01908049
  -0.02449339]
 ...
 [ 0.00010955  0.0439323  -0.04911506 ...  0.06975312  0.0449558
  -0.03283203]
 [ 0.04106557  0.05671307 -0.00066976 ...  0.06387014 -0.01292654
   0.00974177]
 [ 0.00297424 -0.0281784  -0.06881659 ... -0.04047417  0.00457048
   0.05696651]]
<NDArray 256x20 @cpu(0)>'''
REF_GRAD = '''
[[0. 0. 0. ... 0. 0. 0.]
 [0. 0. 0. ... 0. 0. 0.]
 [0. 0. 0. ... 0. 0. 0.]
 ...
 [0. 0. 0. ... 0. 0. 0.]
 [0. 0. 0. ... 0. 0. 0.]
 [0. 0. 0. ... 0. 0. 0.]]
<NDArray 256x20 @cpu(0)>'''
REF_ACCESS_OUTPUT = '\n'.join([
    'dense0_ (',
    '  Parameter dense0_weight (shape=(256, 20), dtype=float32)',
    '  Parameter dense0_bias (shape=(256,), dtype=float32)',
    ") <class 'minigluon.gluon.parameter.ParameterDict'>",
    'Parameter dense0_weight (shape=(256, 20), dtype=float32) '
    'Parameter dense0_weight (shape=(256, 20), dtype=float32)',
    REF_WEIGHT + ' ' + REF_GRAD,
    '',
    '[0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]',
    '<NDArray 10 @cpu(0)>',
    'sequential0_ (',
    '  Parameter dense0_weight (shape=(256, 20), dtype=float32)',
    '  Parameter dense0_bias (shape=(256,), dtype=float32)',
    '  Parameter dense1_weight (shape=(10, 256), dtype=float32)',
    '  Parameter dense1_bias (shape=(10,), dtype=float32)',
    ')',
    'sequential0_ (',
    '  Parameter dense0_weight (shape=(256, 20), dtype=float32)',
    '  Parameter dense1_weight (shape=(10, 256), dtype=float32)',
    ')',
    ''])


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
    np.testing.assert_allclose(mlp(x).asnumpy(), REF_MLP_OUT, atol=1e-6)
    assert isinstance(mlp.hidden, nn.Dense)


def test_parameter_snippets(run):
    run(MLP_SNIPPET)  # imports nn
    mx.random.seed(0)
    assert run(ACCESS_SNIPPET) == REF_ACCESS_OUTPUT

    out = run(INIT_SNIPPET).split('\n<NDArray 20 @cpu(0)>\n')
    assert out[-1] == ''
    normal, constant, xavier = (np.array(part.strip().strip('[]').split(), dtype=np.float32)
                                for part in out[:3])
    assert np.abs(normal).max() < 0.05 and normal.std() > 0.004
    assert constant.tolist() == [1.0] * 20
    assert np.abs(xavier).max() <= np.sqrt(6 / 276) and len(set(xavier.tolist())) == 20

    assert run(MY_INIT_SNIPPET) == 'Init dense0_weight (256, 20)\nInit dense1_weight (10, 256)\n'
    net = run.namespace['net']
    weight = net[0].weight.data().asnumpy().copy()
    assert ((np.abs(weight) >= 5) | (weight == 0)).all()
    assert run(SET_DATA_SNIPPET) == ''
    np.testing.assert_array_equal(net[0].weight.data().asnumpy(), weight + 1)

    assert run(SHARED_SNIPPET) == '\n[1. 1. 1. 1. 1. 1. 1. 1.]\n<NDArray 8 @cpu(0)>\n'
    net = run.namespace['net']
    assert net[1].weight is net[2].weight

    assert run(IN_UNITS_SNIPPET) == 'Init dense6_weight (256, 20)\nInit dense7_weight (10, 256)\n'


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
