"""Losses: blocks that compare predictions with labels, one value per example."""
from __future__ import annotations

from ..ndarray import ops
from .block import HybridBlock


class Loss(HybridBlock):
    """Base: ``weight`` scales the loss; the mean is over every axis but ``batch_axis``."""

    def __init__(self, weight, batch_axis: int, **kwargs):
        super().__init__(**kwargs)
        self._weight = weight
        self._batch_axis = batch_axis

    def __repr__(self):
        return '{name}(batch_axis={_batch_axis}, w={_weight})'.format(
            name=self.__class__.__name__, **self.__dict__)

    def _finish(self, loss, sample_weight, scale):
        if sample_weight is not None:
            loss = loss * sample_weight
        if scale is not None and scale != 1:
            loss = loss * scale
        axes = tuple(i for i in range(loss.ndim) if i != self._batch_axis % max(loss.ndim, 1))
        return ops.mean(loss, axis=axes) if axes else loss


class L2Loss(Loss):
    """weight/2 * (label - pred)**2."""

    def __init__(self, weight: float = 1.0, batch_axis: int = 0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)

    def forward(self, pred, label, sample_weight=None):
        label = ops.reshape(label, pred.shape)
        return self._finish(ops.square(label - pred), sample_weight, self._weight / 2)


class L1Loss(Loss):
    """weight * |label - pred|."""

    def __init__(self, weight=None, batch_axis: int = 0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)

    def forward(self, pred, label, sample_weight=None):
        label = ops.reshape(label, pred.shape)
        return self._finish(ops.abs(label - pred), sample_weight, self._weight)


class SoftmaxCrossEntropyLoss(Loss):
    """-log softmax(pred)[label]; with ``sparse_label=False``, labels are distributions."""

    def __init__(self, axis: int = -1, sparse_label: bool = True, from_logits: bool = False,
                 weight=None, batch_axis: int = 0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._axis = axis
        self._sparse_label = sparse_label
        self._from_logits = from_logits

    def forward(self, pred, label, sample_weight=None):
        if not self._from_logits:
            pred = ops.log_softmax(pred, self._axis)
        if self._sparse_label:
            loss = -ops.pick(pred, label, axis=self._axis, keepdims=True)
        else:
            loss = -ops.sum(pred * ops.reshape(label, pred.shape), axis=self._axis, keepdims=True)
        return self._finish(loss, sample_weight, self._weight)


SoftmaxCELoss = SoftmaxCrossEntropyLoss
