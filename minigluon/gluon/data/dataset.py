"""Datasets: anything with ``len`` and ``[i]``, plus lazy transforms, filters and shards."""
from __future__ import annotations

import os

from ...ndarray import NDArray
from .sampler import FilterSampler, Sampler, SequentialSampler

__all__ = ['Dataset', 'SimpleDataset', 'ArrayDataset']


def _expect(ok: bool, message: str) -> None:
    """MXNet checks these with ``assert``: the same AssertionError, also under ``python -O``."""
    if not ok:
        raise AssertionError(message)


class Dataset:
    """Base class of datasets: subclasses define ``__getitem__`` and ``__len__``.

    A NumPy array, an NDArray or a list can be used as a dataset directly.
    """

    def __getitem__(self, idx):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def filter(self, fn) -> 'Dataset':
        """The samples for which ``fn(sample)`` is true (``fn`` runs on every sample now)."""
        return _SampledDataset(self, FilterSampler(fn, self))

    def shard(self, num_shards: int, index: int) -> 'Dataset':
        """Shard ``index`` of ``num_shards`` contiguous shards; the first ones get the rest."""
        _expect(index < num_shards, 'Shard index of out bound: %d out of %d' % (index, num_shards))
        _expect(num_shards > 0, 'Number of shards must be greater than 0')
        _expect(index >= 0, 'Index must be non-negative')
        shard_len, rest = divmod(len(self), num_shards)
        start = shard_len * index + min(index, rest)
        end = start + shard_len + (index < rest)
        return _SampledDataset(self, SequentialSampler(end - start, start))

    def take(self, count: int | None) -> 'Dataset':
        """The first ``count`` samples (all of them if ``count`` is None or too large)."""
        if count is None or count > len(self):
            count = len(self)
        return _SampledDataset(self, SequentialSampler(count))

    def sample(self, sampler: Sampler) -> 'Dataset':
        """The samples at the indices ``sampler`` gives."""
        if not isinstance(sampler, Sampler):
            raise TypeError('Invalid sampler type: %s. Expected gluon.data.Sampler instead.'
                            % type(sampler))
        return _SampledDataset(self, sampler)

    def transform(self, fn, lazy: bool = True) -> 'Dataset':
        """Each sample passed through ``fn`` (a tuple sample as ``fn(*sample)``).

        ``lazy=True`` calls ``fn`` each time a sample is read, so a random ``fn`` draws anew
        every epoch; ``lazy=False`` transforms every sample once, now.
        """
        trans = _LazyTransformDataset(self, fn)
        if lazy:
            return trans
        return SimpleDataset([i for i in trans])

    def transform_first(self, fn, lazy: bool = True) -> 'Dataset':
        """Like ``transform``, but only the first element of each sample (the data, not the label)."""
        return self.transform(_TransformFirstClosure(fn), lazy)


class SimpleDataset(Dataset):
    """A dataset over any object with ``len`` and ``[]`` (a list, an array)."""

    def __init__(self, data):
        self._data = data

    def __len__(self):
        return len(self._data)

    def __getitem__(self, idx):
        return self._data[idx]


class _LazyTransformDataset(Dataset):
    """``fn`` applied to each sample as it is read."""

    def __init__(self, data, fn):
        self._data = data
        self._fn = fn

    def __len__(self):
        return len(self._data)

    def __getitem__(self, idx):
        item = self._data[idx]
        if isinstance(item, tuple):
            return self._fn(*item)
        return self._fn(item)


class _TransformFirstClosure:
    """``fn`` on the first element of a sample; the others pass through."""

    def __init__(self, fn):
        self._fn = fn

    def __call__(self, x, *args):
        if args:
            return (self._fn(x),) + args
        return self._fn(x)


class _SampledDataset(Dataset):
    """The samples of ``dataset`` at the indices of ``sampler`` (read once, now)."""

    def __init__(self, dataset, sampler: Sampler):
        self._dataset = dataset
        self._sampler = sampler
        self._indices = list(iter(sampler))

    def __len__(self):
        return len(self._sampler)

    def __getitem__(self, idx):
        return self._dataset[self._indices[idx]]


class ArrayDataset(Dataset):
    """Samples ``(x1[i], x2[i], ...)`` from equally long arrays, lists or datasets.

    With one array, a sample is ``x1[i]`` itself. A 1-D NDArray is kept as a NumPy array
    (as MXNet does), so its samples are NumPy scalars rather than 1-element NDArrays.
    """

    def __init__(self, *args):
        _expect(len(args) > 0, 'Needs at least 1 arrays')
        self._length = len(args[0])
        self._data = []
        for i, data in enumerate(args):
            _expect(len(data) == self._length,
                    'All arrays must have the same length; array[0] has length %d '
                    'while array[%d] has %d.' % (self._length, i + 1, len(data)))
            if isinstance(data, NDArray) and len(data.shape) == 1:
                data = data.asnumpy()
            self._data.append(data)

    def __getitem__(self, idx):
        if len(self._data) == 1:
            return self._data[0][idx]
        return tuple(data[idx] for data in self._data)

    def __len__(self):
        return self._length


class _DownloadedDataset(Dataset):
    """Base class of the datasets kept under ``root`` (MNIST, FashionMNIST)."""

    def __init__(self, root: str, transform):
        self._transform = transform
        self._data = None
        self._label = None
        self._root = os.path.expanduser(root)
        os.makedirs(self._root, exist_ok=True)
        self._get_data()

    def __getitem__(self, idx):
        if self._transform is not None:
            return self._transform(self._data[idx], self._label[idx])
        return self._data[idx], self._label[idx]

    def __len__(self):
        return len(self._label)

    def _get_data(self):
        raise NotImplementedError
