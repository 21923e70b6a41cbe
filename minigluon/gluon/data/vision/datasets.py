"""MNIST and Fashion-MNIST, read from MXNet's gzipped idx-ubyte files."""
from __future__ import annotations

import gzip
import os
import struct
import zlib

import numpy as np

from .... import ndarray as nd
from ...utils import _get_repo_file_url, download
from .. import dataset

__all__ = ['MNIST', 'FashionMNIST']

_LABELS_MAGIC, _IMAGES_MAGIC = 2049, 2051  # idx1 of unsigned bytes, idx3 of unsigned bytes


def _data_dir() -> str:
    """Where MXNet keeps downloads: ``$MXNET_HOME``, else ``~/.mxnet`` (``%APPDATA%\\mxnet``)."""
    default = (os.path.join(os.environ.get('APPDATA', ''), 'mxnet') if os.name == 'nt'
               else os.path.join(os.path.expanduser('~'), '.mxnet'))
    return os.getenv('MXNET_HOME', default)


def _read_idx(path: str, magic: int, ndim: int) -> tuple:
    """The dimensions and the bytes of a gzipped idx-ubyte file; a clear error if damaged."""
    try:
        with gzip.open(path, 'rb') as fin:
            raw = fin.read()
    except (OSError, EOFError, zlib.error) as err:
        raise ValueError('%s is not a readable gzip file (%s): it is damaged; delete it and '
                         'load the dataset again to download it anew' % (path, err)) from None
    header = 4 * (1 + ndim)
    if len(raw) < header:
        raise ValueError('%s is damaged: %d bytes, shorter than its idx header (%d bytes)'
                         % (path, len(raw), header))
    found, *dims = struct.unpack('>%dI' % (1 + ndim), raw[:header])
    if found != magic:
        raise ValueError('%s is damaged: its idx magic number is %d, expected %d'
                         % (path, found, magic))
    body = raw[header:]
    if len(body) != int(np.prod(dims)):
        raise ValueError('%s is damaged: its header says %s values, it holds %d bytes'
                         % (path, ' x '.join(map(str, dims)), len(body)))
    return tuple(dims), body


class MNIST(dataset._DownloadedDataset):
    """MNIST handwritten digits: samples ``(image, label)``, the image a uint8 NDArray of
    shape (28, 28, 1), the label a NumPy int32.

    The files are downloaded to ``root`` from the Gluon repository (``$MXNET_GLUON_REPO``)
    when missing or when their SHA-1 is not the expected one. ``train`` picks the 60,000
    training images or the 10,000 test images; ``transform(data, label)``, when given,
    is applied to each sample as it is read.
    """
    _FILES = {'train': (('train-images-idx3-ubyte.gz', '6c95f4b05d2bf285e1bfb0e7960c31bd3b3f8a7d'),
                        ('train-labels-idx1-ubyte.gz', '2a80914081dc54586dbdf242f9805a6b8d2a15fc')),
              'test': (('t10k-images-idx3-ubyte.gz', 'c3a25af1f52dad7f726cce8cacb138654b760d48'),
                       ('t10k-labels-idx1-ubyte.gz', '763e7fa3757d93b0cdec073cef058b2004252c17'))}
    _NAMESPACE = 'mnist'

    def __init__(self, root: str = os.path.join(_data_dir(), 'datasets', 'mnist'),
                 train: bool = True, transform=None):
        self._train = train
        self._train_data, self._train_label = self._FILES['train']
        self._test_data, self._test_label = self._FILES['test']
        self._namespace = self._NAMESPACE
        super().__init__(root, transform)

    def _get_data(self):
        if self._train:
            data, label = self._train_data, self._train_label
        else:
            data, label = self._test_data, self._test_label
        namespace = 'gluon/dataset/' + self._namespace
        data_file = download(_get_repo_file_url(namespace, data[0]), path=self._root,
                             sha1_hash=data[1])
        label_file = download(_get_repo_file_url(namespace, label[0]), path=self._root,
                              sha1_hash=label[1])
        (count,), labels = _read_idx(label_file, _LABELS_MAGIC, 1)
        dims, images = _read_idx(data_file, _IMAGES_MAGIC, 3)
        if dims != (count, 28, 28):
            raise ValueError('%s and %s do not belong together: %d labels for images of shape %s, '
                             'expected (%d, 28, 28)' % (label_file, data_file, count, dims, count))
        data = np.frombuffer(images, dtype=np.uint8).reshape(count, 28, 28, 1)
        self._data = nd.array(data, dtype=data.dtype)
        self._label = np.frombuffer(labels, dtype=np.uint8).astype(np.int32)


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST, a drop-in replacement of MNIST (same shapes and types):
    28x28 grayscale images of 10 kinds of clothing (see ``MNIST`` for the arguments)."""
    _FILES = {'train': (('train-images-idx3-ubyte.gz', '0cf37b0d40ed5169c6b3aba31069a9770ac9043d'),
                        ('train-labels-idx1-ubyte.gz', '236021d52f1e40852b06a4c3008d8de8aef1e40b')),
              'test': (('t10k-images-idx3-ubyte.gz', '626ed6a7c06dd17c0eec72fa3be1740f146a2863'),
                       ('t10k-labels-idx1-ubyte.gz', '17f9ab60e7257a1620f4ad76bbbaf857c3920701'))}
    _NAMESPACE = 'fashion-mnist'

    def __init__(self, root: str = os.path.join(_data_dir(), 'datasets', 'fashion-mnist'),
                 train: bool = True, transform=None):
        super().__init__(root, train, transform)
