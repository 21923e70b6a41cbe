"""scripts/run_mxnet_tests.py on a small MXNet-like tree of unit tests written here (CI has no
MXNet checkout): each way a test can end is sorted as the runner says, and the exit status
follows the real failures."""
import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

COMMON = '''
import os
import sys

import mxnet as mx
from mxnet.base import MXNetError
from mxnet.test_utils import environment
sys.path.append(os.path.join(os.path.dirname(__file__), '../common/'))  # as MXNet's does
import models


def with_seed(seed=None):
    def decorate(test):
        return test
    return decorate
'''
MODELS = '''
import mxnet as mx


def mlp():
    return mx.symbol.Variable('data')
'''
TESTS = '''
import json
import os
import time
import unittest

import numpy as np
import mxnet as mx
from mxnet.test_utils import assert_almost_equal, use_np
from mxnet.ndarray.ndarray import _STORAGE_TYPE_STR_TO_ID
import mxnet.ndarray.sparse as mxsps
from nose.tools import raises
from common import with_seed, models


@with_seed()
def test_passes():
    assert_almost_equal(mx.nd.ones((2,)) * 2, np.array([2, 2]))


def test_reads_a_data_file_beside_it():
    with open(os.path.join(os.path.dirname(__file__), 'data.json')) as f:
        assert json.load(f) == [1]


@raises(ZeroDivisionError)
def test_nose_raises():
    1 / 0


def test_symbol():
    models.mlp()


def test_sparse_module():
    mxsps.csr_matrix((3, 3))


def test_storage_type_ids():
    assert _STORAGE_TYPE_STR_TO_ID['csr'] == 2


@use_np
def test_numpy_mode():
    pass


def test_convolution():
    mx.gluon.nn.Conv2D(3, 3)


def test_kvstore_imported_inside():
    import mxnet.kvstore


def test_missing_op():
    mx.nd.fill_element_0index(mx.nd.ones((2, 3)), mx.nd.ones(2), mx.nd.zeros(2))


def test_differs():
    assert mx.nd.ones((2,)).shape == (3,)


def test_slow():
    time.sleep(30)


@unittest.skip('flaky upstream')
def test_skipped():
    pass
'''


def write_tree(root: Path) -> None:
    unittest = root / 'tests' / 'python' / 'unittest'
    unittest.mkdir(parents=True)
    (root / 'tests' / 'python' / 'common').mkdir()
    (root / 'tests' / 'python' / 'common' / 'models.py').write_text(MODELS)
    (unittest / 'common.py').write_text(COMMON)
    (unittest / 'data.json').write_text('[1]')
    (unittest / 'test_fake.py').write_text(TESTS)
    (unittest / 'test_broken.py').write_text("import mxnet\nraise RuntimeError('boom')\n")
    (unittest / 'test_unused.py').write_text('def test_not_asked_for():\n    assert False\n')


def run(*args):
    return subprocess.run([sys.executable, str(ROOT / 'scripts' / 'run_mxnet_tests.py')] + list(args),
                          capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_sorts_each_test_and_counts_per_file(tmp_path):
    write_tree(tmp_path)
    result = run(str(tmp_path), 'test_fake.py', 'test_broken.py', '--timeout', '2')
    lines = result.stdout.splitlines()
    assert result.returncode == 1, result.stderr
    expected = [
        'test_fake.py::test_passes: passed',
        'test_fake.py::test_reads_a_data_file_beside_it: passed',
        'test_fake.py::test_nose_raises: passed',
        'test_fake.py::test_symbol: unsupported (symbol API: mxnet.symbol)',
        'test_fake.py::test_sparse_module: unsupported (sparse storage: mxnet.ndarray.sparse.csr_matrix)',
        'test_fake.py::test_storage_type_ids: unsupported '
        '(sparse storage: mxnet.ndarray.ndarray._STORAGE_TYPE_STR_TO_ID)',
        'test_fake.py::test_numpy_mode: unsupported (NumPy mode (mx.np, mx.npx): mxnet.test_utils.use_np)',
        'test_fake.py::test_convolution: unsupported '
        '(convolution, pooling, normalisation: gluon.nn.Conv2D)',
        'test_fake.py::test_kvstore_imported_inside: unsupported (KVStore: mxnet.kvstore)',
        'test_fake.py::test_missing_op: MISSING (mxnet.ndarray.fill_element_0index)',
        'test_fake.py::test_differs: FAILED (AssertionError: assert (2,) == (3,))',
        'test_fake.py::test_slow: TIMEOUT (the test ran past 2 s)',
        'test_fake.py::test_skipped: skipped (Skipped: flaky upstream)',
    ]
    assert [line for line in lines if line.startswith('test_fake.py::')] == expected
    assert any(line.startswith('test_broken.py: DID NOT IMPORT: ') and 'boom' in line for line in lines)
    assert 'test_not_asked_for' not in result.stdout
    header = lines.index(next(line for line in lines if line.startswith('file ')))
    assert lines[header].split() == ['file', 'passed', 'unsupported', 'missing', 'failed', 'timeout',
                                     'environment', 'skipped']
    assert lines[header + 1].split() == ['test_fake.py', '3', '6', '1', '1', '1', '0', '1']
    assert lines[header + 2].split() == ['test_broken.py'] + ['0'] * 7
    assert lines[lines.index('3 real failures (missing, failed, timeout):') + 1:][:3] == [
        '  test_fake.py::test_missing_op: minigluon has no mxnet.ndarray.fill_element_0index',
        '  test_fake.py::test_differs: AssertionError: assert (2,) == (3,)',
        '  test_fake.py::test_slow: the test ran past 2 s']


def test_exit_status_is_0_when_only_unsupported_tests_fail(tmp_path):
    write_tree(tmp_path)
    result = run(str(tmp_path), 'test_fake.py', '-k', 'passes or symbol or skipped', '--quiet')
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith('test_fake.py')] == [
        'test_fake.py            ' + ''.join('%12d' % n for n in (1, 1, 0, 0, 0, 0, 1))]


def test_reads_the_files_at_a_git_ref(tmp_path):
    write_tree(tmp_path)
    git = ['git', '-C', str(tmp_path), '-c', 'user.name=t', '-c', 'user.email=t@t']
    subprocess.run(git + ['init', '-q'], check=True)
    subprocess.run(git + ['add', '.'], check=True)
    subprocess.run(git + ['commit', '-qm', 'tests', '--no-gpg-sign'], check=True)
    subprocess.run(git + ['tag', 'v1'], check=True)
    (tmp_path / 'tests' / 'python' / 'unittest' / 'test_fake.py').write_text('def test_x():\n    1/0\n')
    result = run(str(tmp_path), '--ref', 'v1', 'test_fake.py', '-k', 'passes')
    assert 'test_fake.py::test_passes: passed' in result.stdout.splitlines(), result.stdout + result.stderr


def _runner():
    spec = importlib.util.spec_from_file_location('run_mxnet_tests', ROOT / 'scripts' / 'run_mxnet_tests.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_classify_reads_the_names_in_minigluons_errors():
    classify = _runner().classify

    def failed(*errors):
        return {'outcome': 'failed', 'errors': [
            dict({'name': None, 'mxnet_name': None, 'from_minigluon': False}, **e) for e in errors]}
    attribute = {'types': ['AttributeError'], 'message': "'NDArray' object has no attribute 'tostype'"}
    assert classify(failed(attribute)) == ('unsupported', 'sparse storage: NDArray.tostype')
    keyword = {'types': ['TypeError'], 'message': "f() got an unexpected keyword argument 'inplace'"}
    assert classify(failed(keyword)) == ('missing', 'inplace=')
    said = {'types': ['NotImplementedError'], 'message': 'minigluon has no learning-rate schedulers',
            'from_minigluon': True}
    assert classify(failed(said)) == ('unsupported', 'learning-rate schedulers: minigluon has no '
                                                     'learning-rate schedulers')
    bare = {'types': ['NotImplementedError'], 'message': '', 'from_minigluon': True}
    assert classify(failed(bare)) == ('failed', 'NotImplementedError: ')
    numpy2 = {'types': ['AttributeError'], 'message': '`np.NaN` was removed in the NumPy 2.0 release.'}
    assert classify(failed(numpy2))[0] == 'environment'
    # an assertion raised while handling a missing module: the module decides
    module = {'types': ['ModuleNotFoundError', 'ImportError'], 'message': '', 'name': 'mxnet.rnn'}
    assert classify(failed({'types': ['AssertionError'], 'message': ''}, module))[0] == 'failed'
    assert classify(failed({'types': ['AssertionError'], 'message': 'x'},
                           dict(module, name='mxnet.gluon.rnn'))) == ('unsupported',
                                                                       'recurrent layers: mxnet.gluon.rnn')
