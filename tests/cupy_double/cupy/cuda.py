"""The stand-in's ``cupy.cuda``: devices, the current device, and ``runtime.getDeviceCount``."""
from __future__ import annotations

import threading
import types

DEVICE_COUNT = 2  # enough for gpu(0) and gpu(1)

_state = threading.local()  # the current device, per thread, as CUDA keeps it


class CUDARuntimeError(RuntimeError):
    """What CuPy raises when the CUDA runtime refuses a call (here: a device id out of range)."""


def get_device_id() -> int:
    """The current device's id (0 until a ``with Device(i):`` block or ``use()`` changes it)."""
    return getattr(_state, 'device', 0)


def _set_device(device_id: int) -> None:
    _state.device = device_id


class Device:
    """A CUDA device; ``with Device(i):`` makes it current until the block ends."""

    def __init__(self, device: int | None = None):
        device_id = get_device_id() if device is None else int(device)
        if not 0 <= device_id < DEVICE_COUNT:
            raise CUDARuntimeError('cudaErrorInvalidDevice: invalid device ordinal')
        self.id = device_id
        self._previous: list = []

    def __enter__(self) -> 'Device':
        self._previous.append(get_device_id())
        _set_device(self.id)
        return self

    def __exit__(self, *exc) -> None:
        _set_device(self._previous.pop())

    def synchronize(self) -> None:
        """Wait for the device's queued work: counted (NumPy has already done the work)."""
        from . import _double
        _double.counts['synchronize'] += 1

    def __eq__(self, other) -> bool:
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self) -> int:
        return hash(('Device', self.id))

    def __repr__(self) -> str:
        return '<CUDA Device %d>' % self.id


def _get_device_count() -> int:
    return DEVICE_COUNT


runtime = types.SimpleNamespace(getDeviceCount=_get_device_count, CUDARuntimeError=CUDARuntimeError)
