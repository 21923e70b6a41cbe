"""DataLoader: mini-batches from a dataset, in MXNet's order, shapes and dtypes.

minigluon loads every batch in the calling process: ``num_workers``, ``prefetch``,
``thread_pool`` and ``timeout`` are accepted (``timeout`` is checked as MXNet checks it)
but start no workers, so a batch holds the same values as in MXNet, computed one after
another.

One visible difference: with ``num_workers > 0`` MXNet's workers hand batches over in
shared memory, so they report the context ``cpu_shared(0)``; minigluon's report ``cpu(0)``.
Nothing here is in shared memory, so minigluon does not say so; what is computed from a
batch is on cpu(0) in both (MXNet's operators return cpu(0) arrays for cpu_shared inputs).
The book's compatibility page lists what else a cpu_shared(0) batch shows.
"""
from __future__ import annotations

import numpy as np

from ... import ndarray as nd
from ...context import Context, cpu_pinned
from ...ndarray import NDArray
from . import sampler as _sampler

__all__ = ['DataLoader']


def default_batchify_fn(data: list):
    """Collate the samples ``data`` into a batch: stack NDArrays, batch the fields of tuples
    one by one, and make anything else an NDArray of its NumPy dtype (Python ints give
    int64, Python floats float64)."""
    if isinstance(data[0], NDArray):
        return nd.stack(*data)
    if isinstance(data[0], tuple):
        return [default_batchify_fn(list(field)) for field in zip(*data)]
    data = np.asarray(data)
    return nd.array(data, dtype=data.dtype)


def default_mp_batchify_fn(data: list):
    """Collate ``data`` as MXNet's worker processes do (on cpu(0), not cpu_shared(0): see the
    module's docstring)."""
    return default_batchify_fn(data)


def _as_in_context(data, ctx: Context):
    """Move every NDArray in a (nested) batch to ``ctx``."""
    if isinstance(data, NDArray):
        return data.as_in_context(ctx)
    if isinstance(data, (list, tuple)):
        return [_as_in_context(d, ctx) for d in data]
    return data


class DataLoader:
    """Loads ``dataset`` in mini-batches.

    Give either ``batch_size`` (with ``shuffle`` or a ``sampler``, and ``last_batch``:
    'keep', 'discard' or 'rollover') or a ``batch_sampler`` that yields lists of indices.
    ``batchify_fn`` turns a list of samples into a batch; the default stacks NDArrays and
    batches each field of tuple samples. ``shuffle=True`` draws a new order at the start of
    each epoch with NumPy's global generator, as MXNet does (``np.random.seed`` fixes it).
    ``pin_memory=True`` returns batches on ``cpu_pinned(pin_device_id)``. The worker options
    are accepted and run in this process (see the module's docstring).
    """

    def __init__(self, dataset, batch_size: int | None = None, shuffle: bool = False,
                 sampler: _sampler.Sampler | None = None, last_batch: str | None = None,
                 batch_sampler: _sampler.Sampler | None = None, batchify_fn=None,
                 num_workers: int = 0, pin_memory: bool = False, pin_device_id: int = 0,
                 prefetch: int | None = None, thread_pool: bool = False, timeout: int = 120,
                 auto_reload: bool = False):
        self._dataset = dataset
        self._pin_memory = pin_memory
        self._pin_device_id = pin_device_id
        if not timeout > 0:
            raise AssertionError('timeout must be positive, given {}'.format(timeout))
        if batch_sampler is None:
            if batch_size is None:
                raise ValueError('batch_size must be specified unless '
                                 'batch_sampler is specified')
            if sampler is None:
                if shuffle:
                    sampler = _sampler.RandomSampler(len(dataset))
                else:
                    sampler = _sampler.SequentialSampler(len(dataset))
            elif shuffle:
                raise ValueError('shuffle must not be specified if sampler is specified')
            batch_sampler = _sampler.BatchSampler(sampler, batch_size,
                                                  last_batch if last_batch else 'keep')
        elif batch_size is not None or shuffle or sampler is not None or last_batch is not None:
            raise ValueError('batch_size, shuffle, sampler and last_batch must '
                             'not be specified if batch_sampler is specified.')
        self._batch_sampler = batch_sampler
        if batchify_fn is None:
            batchify_fn = default_mp_batchify_fn if num_workers > 0 else default_batchify_fn
        self._batchify_fn = batchify_fn
        self.auto_reload = auto_reload
        self._iter = None
        if auto_reload:
            self.refresh()

    def _batches(self):
        for batch in self._batch_sampler:
            ret = self._batchify_fn([self._dataset[idx] for idx in batch])
            if self._pin_memory:
                ret = _as_in_context(ret, cpu_pinned(self._pin_device_id))
            yield ret

    def __iter__(self):
        if self._iter is None:
            self.refresh()
        batches, self._iter = self._iter, None  # an iterator is consumed once
        yield from batches
        if self._iter is None and self.auto_reload:
            self.refresh()

    def __len__(self):
        return len(self._batch_sampler)

    def refresh(self) -> None:
        """Prepare the next epoch's iterator now (the order is drawn when it starts)."""
        self._iter = self._batches()

    def clean(self) -> None:
        """Drop the prepared iterator; the next ``iter`` makes a new one."""
        self._iter = None
