"""The CuPy stand-in itself (tests/cupy_double): it rejects each misuse a real GPU rejects, and
a deliberately introduced implicit conversion in minigluon makes a GPU test fail. Runs only
with MINIGLUON_CUPY_DOUBLE=1 (tests/conftest.py skips it otherwise)."""
import gc
import os

import numpy as np
import pytest

import minigluon as mx
from minigluon import nd
from minigluon.ndarray import ndarray as nd_ndarray

pytestmark = pytest.mark.cupy_double

IMPLICIT = ('Implicit conversion to a NumPy array is not allowed. Please use `.get()` to '
            'construct a NumPy array explicitly.')


@pytest.fixture
def cupy():
    import cupy
    cupy._double.reset()
    return cupy


def test_the_stand_in_is_what_minigluon_imports(cupy):
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'cupy_double')
    assert cupy.__file__.startswith(here)
    assert mx.gpu(0).xp is cupy and mx.context.num_gpus() == cupy.cuda.runtime.getDeviceCount() == 2
    assert os.environ['PYTHONPATH'].split(os.pathsep)[0] == here  # what nbval's kernels inherit


# ----- implicit conversion to NumPy ----------------------------------------------------------------
@pytest.mark.parametrize('convert', [np.asarray, np.array, lambda a: np.ascontiguousarray(a),
                                     lambda a: np.testing.assert_allclose(a, [1, 2])])
def test_numpy_may_not_read_a_device_array(cupy, convert):
    with pytest.raises(TypeError) as err:
        convert(cupy.asarray([1.0, 2.0]))
    assert IMPLICIT in str(err.value) or 'no implementation found' in str(err.value)


def test_a_numpy_function_the_device_lacks_raises(cupy):
    a = cupy.asarray([3.0, 4.0])
    assert np.sum(a).get() == 7 and isinstance(np.sum(a), cupy.ndarray)  # dispatched to cupy.sum
    with pytest.raises(TypeError, match='no implementation found'):
        np.linalg.norm(a)
    with pytest.raises(TypeError, match='no implementation found'):
        np.percentile(a, 50)


# ----- host data mixed into device operations --------------------------------------------------------
@pytest.mark.parametrize('mix', [
    lambda a, h: a + h, lambda a, h: h + a, lambda a, h: a * h[0:2], lambda a, h: a == h,
    lambda a, h: a < h, lambda a, h: np.maximum(a, h), lambda a, h: a[h.astype(int)],
    lambda a, h: a.__setitem__(slice(None), h), lambda a, h: np.where(a > 0, a, h),
    lambda a, h: a + [1.0, 2.0]])
def test_host_arrays_are_never_operands_of_device_operations(cupy, mix):
    with pytest.raises(TypeError, match='Unsupported type|cupy.asarray'):
        mix(cupy.asarray([1.0, 2.0]), np.ones(2))


def test_copies_between_host_and_device_are_explicit_copies_and_counted(cupy):
    host = np.array([1.0, 2.0], np.float32)
    a = cupy.asarray(host)
    host[0] = 99  # the device holds its own copy
    back = cupy.asnumpy(a)
    back[1] = 99  # and so does the host
    assert a.get().tolist() == [1.0, 2.0] and type(back) is np.ndarray
    assert cupy._double.counts['to_device'] == 1 and cupy._double.counts['to_host'] == 2
    assert cupy.asarray(a) is a and cupy._double.counts['to_device'] == 1  # already there


def test_python_scalars_read_from_the_device_are_counted(cupy):
    total = cupy.zeros((), np.float32)
    for _ in range(5):
        total += 1.0  # stays on the device
    assert cupy._double.counts['to_host'] == 0
    values = [float(total), int(total), bool(total), total.item()]
    assert values == [5.0, 5, True, 5.0] and cupy._double.counts['to_host'] == 4


# ----- devices ---------------------------------------------------------------------------------------
def test_device_is_a_context_manager_for_the_current_device(cupy):
    assert cupy.cuda.Device().id == 0
    with cupy.cuda.Device(1) as device:
        assert device.id == 1 and cupy.cuda.Device().id == 1
        b = cupy.ones(2)
        with cupy.cuda.Device(0):
            assert cupy.zeros(1).device.id == 0
        assert cupy.cuda.Device().id == 1
    assert b.device.id == 1 and cupy.cuda.Device().id == 0
    with pytest.raises(cupy.cuda.runtime.CUDARuntimeError, match='invalid device ordinal'):
        cupy.cuda.Device(2)


def test_arrays_of_two_devices_do_not_mix(cupy):
    a = cupy.ones(2)
    with cupy.cuda.Device(1):
        b = cupy.ones(2)
        with pytest.raises(ValueError, match=r'different devices \(0, 1\)'):
            b + a
    with pytest.raises(ValueError, match=r'different devices \(0, 1\)'):
        cupy.concatenate([a, b])


def test_work_runs_on_the_current_device_only(cupy):
    with cupy.cuda.Device(1):
        b = cupy.arange(3.0)
    with pytest.raises(ValueError, match=r'resides \(1\) is different from the current device \(0\)'):
        b * 2
    with pytest.raises(ValueError, match='current device'):
        b.sum()
    assert b.reshape(3, 1).device.id == 1  # a view runs nothing: allowed anywhere
    assert b.get().tolist() == [0.0, 1.0, 2.0]  # so is a copy to the host
    with cupy.cuda.Device(1):
        assert (b * 2).device.id == 1 and (b * 2).get().tolist() == [0.0, 2.0, 4.0]
    assert b.copy().device.id == 0  # copy() copies to the current device, as CuPy's does


def test_random_state_draws_on_its_own_device(cupy):
    with cupy.cuda.Device(1):
        gen = cupy.random.RandomState(0)
        assert gen.uniform(size=3, dtype=np.float32).device.id == 1
    with pytest.raises(ValueError, match='current device'):
        gen.normal(size=3)


def test_synchronize_and_the_memory_pool(cupy):
    pool = cupy.get_default_memory_pool()
    cupy.cuda.Device(0).synchronize()
    assert cupy._double.counts['synchronize'] == 1
    gc.collect()   # device arrays other tests left as garbage must not be freed mid-count
    used, held = pool.used_bytes(), pool.total_bytes()
    big = cupy.ones((1024, 256), np.float32)  # 1 MiB
    view = big[:10]
    assert pool.used_bytes() == used + 2**20 and pool.total_bytes() >= pool.used_bytes()
    del big
    assert pool.used_bytes() == used + 2**20  # the view keeps the memory alive
    del view
    assert pool.used_bytes() == used and pool.total_bytes() >= max(held, used + 2**20)
    pool.free_all_blocks()
    assert pool.total_bytes() == pool.used_bytes() == used


def test_arithmetic_is_numpys(cupy):
    a = cupy.asarray(np.arange(6, dtype=np.float32).reshape(2, 3))
    host = np.arange(6.0).reshape(2, 3)
    assert (a @ a.T).get().tolist() == (host @ host.T).tolist() == [[5.0, 14.0], [14.0, 50.0]]
    assert np.exp(a).dtype == np.float32 and type(a.sum()) is cupy.ndarray and a.sum().shape == ()
    grad = cupy.zeros(3, np.float32)
    cupy.add.at(grad, cupy.asarray([0, 0, 2]), cupy.asarray([1.0, 2.0, 3.0], np.float32))
    assert grad.get().tolist() == [3.0, 0.0, 3.0]
    shared = cupy.from_dlpack(a)
    shared[0, 0] = 7
    assert a[0, 0].item() == 7.0 and a.__dlpack_device__() == (2, 0)


# ----- minigluon under the stand-in --------------------------------------------------------------------
def test_an_implicit_conversion_slipped_into_minigluon_fails_a_gpu_test(cupy, monkeypatch):
    import test_gluon_gpu
    test_gluon_gpu.test_net_on_gpu_matches_the_same_net_on_cpu()  # passes as minigluon is
    # the classic slip: NumPy asked for a device array's values (fine on CPU, so no CPU test sees it)
    monkeypatch.setattr(nd_ndarray.NDArray, 'asnumpy', lambda self: np.asarray(self._data))
    assert nd.ones(2).asnumpy().tolist() == [1.0, 1.0]
    with pytest.raises(TypeError, match='Implicit conversion to a NumPy array is not allowed'):
        test_gluon_gpu.test_net_on_gpu_matches_the_same_net_on_cpu()


def test_a_numpy_only_function_slipped_into_an_op_fails_on_the_device(cupy, monkeypatch):
    from minigluon import bitexact
    monkeypatch.setattr(bitexact, 'nrm2',
                        lambda a, axis, keepdims: np.linalg.norm(a, axis=axis, keepdims=keepdims))
    assert nd.array([3, 4]).norm().asnumpy().tolist() == [5.0]
    with pytest.raises(TypeError, match="no implementation found for 'numpy.linalg.norm'"):
        nd.array([3, 4], ctx=mx.gpu(0)).norm()


def test_a_result_left_on_the_host_fails_the_next_device_op(cupy, monkeypatch):
    from minigluon.ndarray import ops
    host_tanh = ops._tanhf
    monkeypatch.setattr(ops, '_tanhf',
                        lambda a: host_tanh(a if isinstance(a, np.ndarray) else a.get()))
    x = nd.zeros(2, ctx=mx.gpu(0))
    y = nd.tanh(x)  # computed on the host, and left there under a gpu(0) label
    with pytest.raises(TypeError, match='Unsupported type'):
        y + x
