"""Connectionist temporal classification (Graves et al. 2006): MXNet's ``nd.CTCLoss``.

The loss of one sequence is -log p(label | data), p summed over every alignment of the
label (with blanks between and around its symbols) to the frames, each frame's symbol
probabilities the softmax of ``data``. The sums run forward (alpha) and backward (beta) in
log space, in float64; the loss and gradient are rounded to data's dtype.
"""
from __future__ import annotations

import numpy as np

from ..base import MXNetError
from .ndarray import NDArray
from .ops import _choice, _record

_BLANKS = ('first', 'last')


def _log_softmax(a: np.ndarray) -> np.ndarray:
    shifted = a - a.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _lengths(given: NDArray | None, use: bool, default: list) -> list:
    """Per-sequence lengths: ``given`` where ``use``, else ``default``."""
    return [int(v) for v in given.asnumpy().reshape(-1)] if use else default


def _shift(v: np.ndarray, k: int, back: bool = False) -> np.ndarray:
    """``v`` moved k places right (``back``: left), -inf (log 0) filling in."""
    fill = np.full(min(k, v.size), -np.inf)
    return np.concatenate([v[k:], fill]) if back else np.concatenate([fill, v[:v.size - k]])


def _sequence(logp: np.ndarray, label: list, blank: int):
    """(-log p, d(-log p)/d logits) of one sequence: ``logp`` (T, C) log-probabilities."""
    frames, classes = logp.shape
    ext = [blank]
    for symbol in label:
        ext += [symbol, blank]
    size = len(ext)
    # s can come from s - 2 where it is a symbol unlike the one two back (no blank to skip)
    skip = np.array([s >= 2 and ext[s] != blank and ext[s] != ext[s - 2] for s in range(size)])
    emit = logp[:, ext]  # (T, S)
    alpha = np.full((frames, size), -np.inf)
    alpha[0, :2] = emit[0, :2]
    for t in range(1, frames):
        prev = alpha[t - 1]
        step = np.logaddexp(prev, _shift(prev, 1))
        step = np.where(skip, np.logaddexp(step, _shift(prev, 2)), step)
        alpha[t] = step + emit[t]
    beta = np.full((frames, size), -np.inf)
    beta[-1, -2:] = emit[-1, -2:]
    skip_back = np.concatenate([skip[2:], np.zeros(min(2, size), bool)])  # s + 2 from s
    for t in range(frames - 2, -1, -1):
        nxt = beta[t + 1]
        step = np.logaddexp(nxt, _shift(nxt, 1, back=True))
        step = np.where(skip_back, np.logaddexp(step, _shift(nxt, 2, back=True)), step)
        beta[t] = step + emit[t]
    log_p = np.logaddexp(alpha[-1, -1], alpha[-1, -2]) if size > 1 else alpha[-1, -1]
    if not np.isfinite(log_p):  # no alignment fits in the frames: MXNet gives 0 and no gradient
        return 0.0, np.zeros_like(logp)
    # occupancy of class k at frame t: sum over s with ext[s] == k of alpha * beta / emit
    occupancy = np.zeros_like(logp)
    with np.errstate(invalid='ignore'):
        per_state = np.exp(alpha + beta - emit - log_p)
    np.add.at(occupancy.T, ext, per_state.T)
    return -log_p, np.exp(logp) - occupancy


def CTCLoss(data: NDArray, label: NDArray, data_lengths: NDArray | None = None,
            label_lengths: NDArray | None = None, use_data_lengths: bool = False,
            use_label_lengths: bool = False, blank_label: str = 'first') -> NDArray:
    """CTC loss per sequence, shape (batch,), of ``data`` (frames, batch, classes, softmax not
    applied) and ``label`` (batch, symbols). ``blank_label`` 'first': class 0 is the blank and
    0 pads the labels; 'last': the last class is the blank and -1 pads them. A label ends at
    its first padding value unless ``label_lengths`` says."""
    _choice('CTCLoss', 'blank_label', blank_label, _BLANKS)
    a, labels = data._data, label.asnumpy()
    frames, batch, classes = a.shape
    if labels.shape[1] > frames:
        raise MXNetError('The max number of labels cannot exceed the maximum sequence length of '
                         'the data.')
    blank, pad = (0, 0) if blank_label == 'first' else (classes - 1, -1)
    own = []
    for row in labels.astype(np.int64):
        ends = np.flatnonzero(row == pad)
        own.append(int(ends[0]) if ends.size else row.size)
    expected = 2 + bool(use_data_lengths) + bool(use_label_lengths)
    given = [x for x in (data, label, data_lengths, label_lengths) if x is not None]
    if len(given) < expected:
        raise MXNetError('Operator CTCLoss expects %d inputs, but got %d instead.'
                         % (expected, len(given)))
    label_len = _lengths(label_lengths, use_label_lengths, own)
    data_len = _lengths(data_lengths, use_data_lengths, [frames] * batch)
    logp = _log_softmax(np.asarray(a, np.float64))
    losses = np.zeros(batch)
    grads = np.zeros(a.shape)
    for n in range(batch):
        symbols = [int(s) for s in labels[n, :label_len[n]]]
        losses[n], grads[:data_len[n], n] = _sequence(logp[:data_len[n], n], symbols, blank)
    grads = grads.astype(a.dtype)

    def backward(g):
        return (g[None, :, None] * grads,)
    return _record('CTCLoss', NDArray(losses.astype(a.dtype), data._ctx), backward, (data,))
