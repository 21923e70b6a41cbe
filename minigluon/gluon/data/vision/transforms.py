"""Image transforms (Blocks): ToTensor, Normalize, Resize, Cast, and Compose to chain them."""
from __future__ import annotations

import numpy as np

from .... import ndarray as nd
from ....base import MXNetError
from ...block import HybridBlock
from ...nn import HybridSequential, Sequential
from . import _resize

__all__ = ['Compose', 'Cast', 'ToTensor', 'Normalize', 'Resize']


def _shape_list(shape) -> str:
    return '[%s]' % ','.join(str(int(d)) for d in shape)


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise MXNetError('Check failed: ' + message)


class Compose(Sequential):
    """Applies ``transforms`` one after the other.

    As in MXNet, runs of two or more HybridBlocks are grouped into a (hybridized)
    HybridSequential, which shows in the repr. Unlike MXNet, the list passed in is left
    as it is (MXNet appends a None to it).
    """

    def __init__(self, transforms: list):
        super().__init__()
        hybrid = []
        for block in list(transforms) + [None]:
            if isinstance(block, HybridBlock):
                hybrid.append(block)
                continue
            if len(hybrid) == 1:
                self.add(hybrid[0])
            elif len(hybrid) > 1:
                group = HybridSequential()
                group.add(*hybrid)
                group.hybridize()
                self.add(group)
            hybrid = []
            if block is not None:
                self.add(block)


class Cast(HybridBlock):
    """Casts the input to ``dtype`` (a name or a NumPy type)."""

    def __init__(self, dtype='float32'):
        super().__init__()
        self._dtype = dtype

    def hybrid_forward(self, F, x):
        return F.cast(x, self._dtype)


class ToTensor(HybridBlock):
    """An image (H, W, C), or a batch (N, H, W, C), with values in [0, 255] as a float32
    tensor (C, H, W) or (N, C, H, W) with values in [0, 1]: x / 255."""

    def hybrid_forward(self, F, x):
        shape = x.shape
        _check(len(shape) in (3, 4),
               '(shp.ndim() == 3) || (shp.ndim() == 4): Input image must have shape (height, '
               'width, channels), or (N, height, width, channels) but got %s' % _shape_list(shape))
        out = x.asnumpy().astype(np.float32) / np.float32(255)
        axes = (2, 0, 1) if len(shape) == 3 else (0, 3, 1, 2)
        return nd.array(np.ascontiguousarray(out.transpose(axes)), ctx=x.context, dtype=np.float32)


def _per_channel(name: str, value, shape: tuple, channels: int) -> np.ndarray:
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    condition = 'param.{0}.ndim() == 1 || param.{0}.ndim() == nchannels'.format(name)
    _check(len(values) in (1, channels),
           '{0}: Invalid {1} for input with shape {2}. {1} must have either 1 or {3} elements, '
           'but got {4}'.format('(%s)' % condition.replace(' || ', ') || (') if name == 'mean'
                                else condition, name, _shape_list(shape), channels,
                                '[%s]' % ','.join('%g' % v for v in values)))
    return np.array(values, dtype=np.float32).reshape(-1, 1, 1)


class Normalize(HybridBlock):
    """(x - mean) / std for each channel of a tensor (C, H, W) or (N, C, H, W) with 1 or 3
    channels; ``mean`` and ``std`` are one number for all channels or one per channel.
    The dtype is kept."""

    def __init__(self, mean=0.0, std=1.0):
        super().__init__()
        self._mean = mean
        self._std = std

    def hybrid_forward(self, F, x):
        shape = x.shape
        _check(len(shape) in (3, 4),
               '(dshape.ndim() == 3) || (dshape.ndim() == 4): Input tensor must have shape '
               '(channels, height, width), or (N, channels, height, width), but got %s'
               % _shape_list(shape))
        channels = shape[-3]
        _check(channels in (1, 3), 'nchannels == 3 || nchannels == 1: The first dimension of '
               'input tensor must be the channel dimension with either 1 or 3 elements, but got '
               'input with shape %s' % _shape_list(shape))
        mean = _per_channel('mean', self._mean, shape, channels)
        std = _per_channel('std', self._std, shape, channels)
        data = x.asnumpy()
        out = (data - mean.astype(data.dtype)) / std.astype(data.dtype)
        return nd.array(out.astype(data.dtype), ctx=x.context, dtype=data.dtype)


def _target_size(size, keep_ratio: bool, h: int, w: int) -> tuple:
    """(height, width) as MXNet's image.resize computes it from ``size``."""
    sizes = tuple(size) if isinstance(size, (tuple, list)) else (size,)
    _check(len(sizes) in (1, 2), '(param.size.ndim() == 1) || (param.size.ndim() == 2): Input '
           'size dimension must be 1 or 2, but got %d' % len(sizes))
    names = ('size',) if len(sizes) == 1 else ('width', 'height')
    for i, (s, name) in enumerate(zip(sizes, names)):
        _check(s > 0, 'param.size[%d] > 0 (%d vs. 0) : Input %s should be greater than 0, '
               'but got %d' % (i, s, name, s))
    if len(sizes) == 2:
        return sizes[1], sizes[0]
    if not keep_ratio:
        return sizes[0], sizes[0]
    if h > w:
        return h * sizes[0] // w, sizes[0]
    return sizes[0], w * sizes[0] // h


class Resize(HybridBlock):
    """Resizes an image (H, W, C) or a batch (N, H, W, C) to ``size``: an int for a square
    (with ``keep_ratio``, the shorter side), or (width, height).

    ``interpolation`` is OpenCV's code, as in MXNet: 1 (bilinear, the default) or 0
    (nearest); minigluon computes both as OpenCV 3.4 does (see ``_resize``), and raises
    NotImplementedError for 2 (area), 3 (bicubic) and 4 (Lanczos).
    """

    def __init__(self, size, keep_ratio: bool = False, interpolation: int = 1):
        super().__init__()
        self._keep = keep_ratio
        self._size = size
        self._interpolation = interpolation

    def hybrid_forward(self, F, x):
        shape = x.shape
        _check(len(shape) in (3, 4), '(in_attrs->at(0).ndim() == 3U) || (in_attrs->at(0).ndim() '
               '== 4U): Input image dimension should be 3 or 4 but got %d' % len(shape))
        h, w = _target_size(self._size, self._keep, shape[-3], shape[-2])
        data = x.asnumpy()
        if data.ndim == 3:
            out = _resize.resize(data, h, w, self._interpolation)
        else:
            out = np.stack([_resize.resize(img, h, w, self._interpolation) for img in data])
        return nd.array(out, ctx=x.context, dtype=data.dtype)
