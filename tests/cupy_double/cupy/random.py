"""The stand-in's ``cupy.random``: ``RandomState``, bound to the device current when it was made."""
from __future__ import annotations

import numpy

from . import _core


class RandomState:
    """A seeded generator on the current device (NumPy's PCG64 underneath: not cuRAND's numbers)."""

    def __init__(self, seed: int | None = None):
        self._device = _core.current_device()
        self._rng = numpy.random.default_rng(seed)

    def seed(self, seed: int | None = None) -> None:
        self._rng = numpy.random.default_rng(seed)

    def _params(self, *values) -> list:
        """Distribution parameters: scalars, or arrays on this generator's device."""
        devices = {self._device}
        raw = [_core._raw(v, devices) for v in values]
        _core.check_devices(devices)
        return raw

    def _made(self, values, dtype) -> '_core.ndarray':
        _core.check_devices({self._device})  # a generator draws on its own device
        values = numpy.asarray(values)
        return _core.wrap(values if dtype is None else values.astype(dtype), self._device)

    def uniform(self, low=0.0, high=1.0, size=None, dtype=float) -> '_core.ndarray':
        return self._made(self._rng.uniform(low, high, size), dtype)

    def normal(self, loc=0.0, scale=1.0, size=None, dtype=float) -> '_core.ndarray':
        return self._made(self._rng.normal(loc, scale, size), dtype)

    def exponential(self, scale=1.0, size=None, dtype=float) -> '_core.ndarray':
        return self._made(self._rng.exponential(*self._params(scale), size), dtype)

    def poisson(self, lam=1.0, size=None, dtype=int) -> '_core.ndarray':
        return self._made(self._rng.poisson(*self._params(lam), size), dtype)

    def gamma(self, shape, scale=1.0, size=None, dtype=float) -> '_core.ndarray':
        return self._made(self._rng.gamma(*self._params(shape, scale), size), dtype)

    def randint(self, low, high=None, size=None, dtype='l') -> '_core.ndarray':
        return self._made(self._rng.integers(low, high, size), dtype)
