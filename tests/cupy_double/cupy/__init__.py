"""A strict stand-in for CuPy, for tests only: minigluon's GPU path, exercised on any CPU.

How it is chosen. ``MINIGLUON_CUPY_DOUBLE=1 pytest ...``: the repository's root
``conftest.py`` (loaded by every pytest run in the repository, whatever paths it is given)
then puts ``tests/cupy_double`` first on ``sys.path`` and on ``PYTHONPATH``, so ``import
cupy`` finds this package in the tests and in the Jupyter kernels nbval starts
(``--nbval-current-env`` passes them the environment). Without the variable nothing changes;
minigluon never imports from ``tests/`` and simply does ``import cupy``.

What it proves. minigluon's GPU code paths run, with their results checked against the CPU,
and they obey the rules a real GPU enforces, which NumPy never does:

- a device array is its own type; NumPy may not read it: ``numpy.asarray(x)`` (any
  ``__array__`` use) raises CuPy's TypeError "Implicit conversion to a NumPy array is not
  allowed. Please use `.get()` to construct a NumPy array explicitly.", and a NumPy function
  the stand-in does not provide raises TypeError (NumPy's "no implementation found");
- host data is never an operand of a device operation: a NumPy array, a list (or an index
  array) mixed into arithmetic, a comparison, an assignment or an index raises TypeError
  (stricter than CuPy, which copies some host data to the device silently: every copy to the
  device must be explicit, ``cupy.asarray``);
- every operation runs on the current device (``cupy.cuda.Device(i)`` as a context manager):
  operands on two devices, or on a device that is not current, raise CuPy's ValueError ("The
  device where the array resides (1) is different from the current device (0). Peer access is
  unavailable between these devices."); the results live on the current device;
- ``cupy.cuda.runtime.getDeviceCount()`` is 2, so gpu(0) and gpu(1) both exist;
- copies are counted (``cupy._double.counts``: 'to_device', 'to_host', 'synchronize'), so a
  test can assert that a training step leaves its results on the device, or that a loop does
  not read a Python scalar back every step;
- ``get_default_memory_pool()`` reports the bytes live arrays use and the pool holds.

What it cannot prove. Anything about CUDA itself: the numerics of CUDA kernels (cuBLAS
sums in another order; results here are NumPy's, so they equal the CPU's more closely than a
GPU's would), speed, asynchronous execution (everything is computed before a call returns;
``synchronize`` only counts), kernel compilation (NVRTC), cuRAND's random streams (NumPy's
generator stands in), memory limits, DLPack exchange with other libraries, and the parts of
CuPy's API minigluon does not use (they are absent, so using them fails loudly here).
``scripts/gpu_proof.sh`` on a real GPU is the proof of those.
"""
from __future__ import annotations

from . import _double, cuda, random
from ._core import (_FUNCTIONS, _UFUNCS, MemoryPool, array, asarray, asnumpy, from_dlpack,
                    get_default_memory_pool, ndarray, ufunc)

__version__ = '0+double'

globals().update(_UFUNCS)
globals().update(_FUNCTIONS)

__all__ = ['MemoryPool', 'array', 'asarray', 'asnumpy', 'cuda', 'from_dlpack',
           'get_default_memory_pool', 'ndarray', 'random', 'ufunc', '_double', *_UFUNCS, *_FUNCTIONS]
