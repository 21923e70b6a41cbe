"""OpenCV's ``cv::resize`` (which MXNet's image.resize calls) for nearest and bilinear.

MXNet 1.9.1's wheels link OpenCV 3.4.2. Its bilinear resize of uint8 images is
fixed-point: weights are rounded to 1/2048, the horizontal pass sums integers, and the
vertical pass drops 4 low bits of each row before multiplying by the weight's and keeps
the high 16 bits of each product (so it is not a plainly rounded bilinear value). Other
dtypes are interpolated in their own precision. Checked against MXNet 1.9.1 on 1 to 4
channels, up- and down-scaling, and exact halving (where OpenCV uses its area kernel).
"""
from __future__ import annotations

import functools

import numpy as np

from ....base import MXNetError

_ONE = 1 << 11  # OpenCV's INTER_RESIZE_COEF_SCALE: weights in units of 1/2048


@functools.lru_cache(maxsize=64)
def _linear_taps(src: int, dst: int, clamp: bool) -> tuple:
    """For each output position: the two source indices and the weight of the second.

    OpenCV moves a column tap that falls outside the image onto its edge (weight 0), but not
    a row tap: that row is read from the edge row, with the weight it had (``clamp=False``).
    """
    scale = 1.0 / (dst / src)  # OpenCV's 1/inv_scale, not src/dst: they can differ in the last bit
    f = ((np.arange(dst) + 0.5) * scale - 0.5).astype(np.float32)
    i = np.floor(f).astype(np.int64)
    f = (f - i.astype(np.float32)).astype(np.float32)
    if clamp:
        low, high = i < 0, i >= src - 1
        f[low | high] = 0
        i[low] = 0
        i[high] = src - 1
    taps = np.clip(i, 0, src - 1), np.clip(i + 1, 0, src - 1), f
    for a in taps:
        a.flags.writeable = False  # cached: shared by every call with these sizes
    return taps


def _fixed(weight: np.ndarray) -> tuple:
    """OpenCV's short weights: round-half-even of w * 2048 for 1 - f and for f."""
    one = np.float32(1)
    scale = np.float32(_ONE)
    return (np.rint((one - weight) * scale).astype(np.int32),
            np.rint(weight * scale).astype(np.int32))


def _bilinear_u8(img: np.ndarray, h: int, w: int) -> np.ndarray:
    sh, sw, cn = img.shape
    y0, y1, fy = _linear_taps(sh, h, clamp=False)
    x0, x1, fx = _linear_taps(sw, w, clamp=True)
    a0, a1 = _fixed(fx)
    b0, b1 = _fixed(fy)
    src = img.astype(np.int32)  # products stay below 2**31: 255 * 2048, then (>> 4) * 2048
    rows = src[:, x0, :] * a0[None, :, None] + src[:, x1, :] * a1[None, :, None]  # (sh, w, cn)
    rows = rows.reshape(sh, w * cn) >> 4
    out = ((rows[y0] * b0[:, None] >> 16) + (rows[y1] * b1[:, None] >> 16) + 2) >> 2
    return np.clip(out, 0, 255).astype(np.uint8).reshape(h, w, cn)


def _bilinear_float(img: np.ndarray, h: int, w: int) -> np.ndarray:
    """OpenCV's float kernel: float32 weights, sums in the image's own precision."""
    sh, sw, _ = img.shape
    y0, y1, fy = _linear_taps(sh, h, clamp=False)
    x0, x1, fx = _linear_taps(sw, w, clamp=True)
    one, t = np.float32(1), img.dtype
    a0, a1, b0, b1 = (one - fx).astype(t), fx.astype(t), (one - fy).astype(t), fy.astype(t)
    rows = img[:, x0, :] * a0[None, :, None] + img[:, x1, :] * a1[None, :, None]
    return rows[y0] * b0[:, None, None] + rows[y1] * b1[:, None, None]


def _nearest(img: np.ndarray, h: int, w: int) -> np.ndarray:
    sh, sw, _ = img.shape
    ys = np.minimum(np.floor(np.arange(h) * (1.0 / (h / sh))).astype(np.int64), sh - 1)
    xs = np.minimum(np.floor(np.arange(w) * (1.0 / (w / sw))).astype(np.int64), sw - 1)
    return img[ys][:, xs]


def _halve(img: np.ndarray) -> np.ndarray:
    """The mean of each 2x2 block, as OpenCV's area kernel computes it for each channel count.

    uint8: (sum + 2) >> 2 with 1, 3 or 4 channels (its vector code), else sum / 4 rounded
    half to even. float32 adds the four as (a + b) + (c + d) in its vector code (4 channels,
    or 1 channel except a last group of fewer than 4 output columns), else (float64 always)
    as ((a + b) + c) + d.
    """
    a, b, c, d = img[0::2, 0::2], img[0::2, 1::2], img[1::2, 0::2], img[1::2, 1::2]
    cn = img.shape[2]
    if img.dtype == np.uint8:
        total = sum(q.astype(np.int64) for q in (a, b, c, d))
        out = (total + 2) >> 2 if cn in (1, 3, 4) else np.rint(total * 0.25)
        return out.astype(np.uint8)
    quarter = img.dtype.type(0.25)
    out = (((a + b) + c) + d) * quarter
    vector = {1: out.shape[1] - out.shape[1] % 4, 4: out.shape[1]}.get(cn, 0)
    if img.dtype != np.float32:
        vector = 0
    out[:, :vector] = (((a + b) + (c + d)) * quarter)[:, :vector]
    return out


def resize(img: np.ndarray, h: int, w: int, interpolation: int) -> np.ndarray:
    """``img`` (H, W, C) resized to (h, w, C); interpolation 0 is nearest, 1 bilinear."""
    if img.dtype not in (np.uint8, np.float32, np.float64):
        raise MXNetError('minigluon resizes uint8, float32 and float64 images, got %s (MXNet '
                         "1.9.1's OpenCV aborts on it)" % img.dtype)
    if img.shape[:2] == (h, w):
        return img.copy()
    if interpolation == 0:
        return _nearest(img, h, w)
    if interpolation == 1 and img.shape[0] == 2 * h and img.shape[1] == 2 * w:
        return _halve(img)  # OpenCV switches to its area kernel for exact halving
    if interpolation != 1:
        raise NotImplementedError('minigluon resizes with interpolation 0 (nearest) or 1 '
                                  '(bilinear) only, got %r' % (interpolation,))
    if img.dtype == np.uint8:
        return _bilinear_u8(img, h, w)
    return _bilinear_float(img, h, w)
