"""Losses: blocks that compare predictions with labels, one value per example.

Each is a ``hybrid_forward(F, pred, label, sample_weight=None)``, as the book writes blocks
and as MXNet defines them; the formulas are MXNet's (the stable forms for the logistic ones).
"""
from __future__ import annotations

import numpy as np

from ..base import MXNetAssertionError, not_implemented
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

    def _weighted(self, loss, sample_weight, weight):
        """``loss * sample_weight * weight`` (either may be None: no scaling)."""
        if sample_weight is not None:
            loss = loss * sample_weight
        if weight is not None and weight != 1:
            loss = loss * weight
        return loss

    def _other_axes(self, loss) -> tuple:
        """Every axis of ``loss`` but the batch axis: what a loss averages over."""
        return tuple(i for i in range(loss.ndim) if i != self._batch_axis % max(loss.ndim, 1))

    def _per_example(self, F, loss, sample_weight, weight=None):
        """Weight ``loss``, then average it over every axis but the batch axis."""
        loss = self._weighted(loss, sample_weight, self._weight if weight is None else weight)
        axes = self._other_axes(loss)
        return F.mean(loss, axis=axes) if axes else loss


class L2Loss(Loss):
    """weight/2 * (label - pred)**2."""

    def __init__(self, weight: float = 1.0, batch_axis: int = 0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        label = F.reshape(label, pred.shape)
        return self._per_example(F, F.square(label - pred), sample_weight, self._weight / 2)


class L1Loss(Loss):
    """weight * |label - pred|."""

    def __init__(self, weight=None, batch_axis: int = 0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        label = F.reshape(label, pred.shape)
        return self._per_example(F, F.abs(label - pred), sample_weight)


class SoftmaxCrossEntropyLoss(Loss):
    """-log softmax(pred)[label]; with ``sparse_label=False``, labels are distributions."""

    def __init__(self, axis: int = -1, sparse_label: bool = True, from_logits: bool = False,
                 weight=None, batch_axis: int = 0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._axis = axis
        self._sparse_label = sparse_label
        self._from_logits = from_logits

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        if not self._from_logits:
            pred = F.log_softmax(pred, self._axis)
        if self._sparse_label:
            loss = -F.pick(pred, label, axis=self._axis, keepdims=True)
        else:
            loss = -F.sum(pred * F.reshape(label, pred.shape), axis=self._axis, keepdims=True)
        return self._per_example(F, loss, sample_weight)


SoftmaxCELoss = SoftmaxCrossEntropyLoss


def _log1p_exp_neg_abs(F, x):
    """log(1 + exp(-|x|)): the part of a logistic loss that cannot overflow."""
    return F.softrelu(-F.abs(x))


class SigmoidBinaryCrossEntropyLoss(Loss):
    """-(pos_weight * label * log(p) + (1 - label) * log(1 - p)) with p = sigmoid(pred),
    computed as relu(pred) - pred * label + log(1 + exp(-|pred|)) (with ``pos_weight``:
    pred - pred * label + (1 + (pos_weight - 1) * label) * (log(1 + exp(-|pred|)) +
    relu(-pred))); ``from_sigmoid``: pred is p. ``pos_weight`` broadcasts against label."""

    def __init__(self, from_sigmoid: bool = False, weight=None, batch_axis: int = 0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._from_sigmoid = from_sigmoid

    def hybrid_forward(self, F, pred, label, sample_weight=None, pos_weight=None):
        label = F.reshape(label, pred.shape)
        if not self._from_sigmoid:
            if pos_weight is None:
                loss = F.relu(pred) - pred * label + _log1p_exp_neg_abs(F, pred)
            else:
                log_weight = 1 + F.broadcast_mul(pos_weight - 1, label)
                loss = pred - pred * label + log_weight * (_log1p_exp_neg_abs(F, pred)
                                                           + F.relu(-pred))
        else:
            eps = 1e-12
            log_p = F.log(pred + eps) * label
            if pos_weight is not None:
                log_p = F.broadcast_mul(log_p, pos_weight)
            loss = -(log_p + F.log(1. - pred + eps) * (1. - label))
        return self._per_example(F, loss, sample_weight)


SigmoidBCELoss = SigmoidBinaryCrossEntropyLoss


class HuberLoss(Loss):
    """|label - pred| - rho/2 where that error exceeds ``rho``, else error**2 / (2 rho)."""

    def __init__(self, rho: float = 1, weight=None, batch_axis: int = 0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._rho = rho

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        error = F.abs(F.reshape(label, pred.shape) - pred)
        loss = F.where(error > self._rho, error - 0.5 * self._rho,
                       (0.5 / self._rho) * F.square(error))
        return self._per_example(F, loss, sample_weight)


class HingeLoss(Loss):
    """max(0, margin - pred * label), for labels -1 and 1."""

    def __init__(self, margin: float = 1, weight=None, batch_axis: int = 0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        loss = F.relu(self._margin - pred * F.reshape(label, pred.shape))
        return self._per_example(F, loss, sample_weight)


class SquaredHingeLoss(Loss):
    """max(0, margin - pred * label) squared, for labels -1 and 1."""

    def __init__(self, margin: float = 1, weight=None, batch_axis: int = 0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        loss = F.square(F.relu(self._margin - pred * F.reshape(label, pred.shape)))
        return self._per_example(F, loss, sample_weight)


class KLDivLoss(Loss):
    """label * (log(label) - pred), summed (not averaged, as in MXNet) over every axis but
    the batch axis: pred are log-probabilities (``from_logits``) or logits."""

    def __init__(self, from_logits: bool = True, axis: int = -1, weight=None, batch_axis: int = 0,
                 **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._from_logits = from_logits
        self._axis = axis

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        if not self._from_logits:
            pred = F.log_softmax(pred, self._axis)
        loss = self._weighted(label * (F.log(label + 1e-12) - pred), sample_weight, self._weight)
        axes = self._other_axes(loss)
        return F.sum(loss, axis=axes) if axes else loss


class LogisticLoss(Loss):
    """log(1 + exp(-pred * label)) for ``label_format`` 'signed' (-1, 1) or 'binary' (0, 1)."""

    def __init__(self, weight=None, batch_axis: int = 0, label_format: str = 'signed', **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._label_format = label_format
        if self._label_format not in ['signed', 'binary']:
            raise ValueError('label_format can only be signed or binary, recieved %s.'  # sic
                             % label_format)

    def hybrid_forward(self, F, pred, label, sample_weight=None):
        label = F.reshape(label, pred.shape)
        if self._label_format == 'signed':
            label = (label + 1.0) / 2.0  # -1, 1 -> 0, 1
        loss = F.relu(pred) - pred * label + _log1p_exp_neg_abs(F, pred)
        return self._per_example(F, loss, sample_weight)


class TripletLoss(Loss):
    """relu(sum(|positive - pred|**2 - |negative - pred|**2) + margin), the sum over every
    axis but the batch axis; no sample_weight, as in MXNet."""

    def __init__(self, margin: float = 1, weight=None, batch_axis: int = 0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F, pred, positive, negative):
        positive = F.reshape(positive, pred.shape)
        negative = F.reshape(negative, pred.shape)
        loss = F.sum(F.square(positive - pred) - F.square(negative - pred),
                     axis=self._batch_axis, exclude=True)
        return self._weighted(F.relu(loss + self._margin), None, self._weight)


class PoissonNLLLoss(Loss):
    """exp(pred) - target * pred (``from_logits``, pred is log(rate)), else
    pred - target * log(pred + epsilon); ``compute_full`` adds Stirling's approximation of
    log(target!) where target > 1. One mean over all elements (shape (1,)), as in MXNet."""

    def __init__(self, weight=None, from_logits: bool = True, batch_axis: int = 0,
                 compute_full: bool = False, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._from_logits = from_logits
        self._compute_full = compute_full

    def hybrid_forward(self, F, pred, target, sample_weight=None, epsilon=1e-08):
        target = F.reshape(target, pred.shape)
        if self._from_logits:
            loss = F.exp(pred) - target * pred
        else:
            loss = pred - target * F.log(pred + epsilon)
        if self._compute_full:
            stirling = target * F.log(target) - target + 0.5 * F.log(2 * target * np.pi)
            stirling *= target > 1
            loss += stirling  # in place, as MXNet: so a recorded pred refuses compute_full
        return F.mean(self._weighted(loss, sample_weight, self._weight))


class CosineEmbeddingLoss(Loss):
    """1 - cos(input1, input2) for label 1, max(0, cos(input1, input2) - margin) for label
    -1 (0 for any other label), along the last axis; shape (batch, 1)."""

    def __init__(self, weight=None, batch_axis: int = 0, margin: float = 0, **kwargs):
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F, input1, input2, label, sample_weight=None):
        input1 = F.reshape(input1, input2.shape)
        label = label.reshape((-1, 1))
        norm1, norm2 = (F.norm(x, axis=-1).reshape((-1, 1)) for x in (input1, input2))
        norms = norm1 * norm2
        dot = F.sum(input1 * input2, axis=-1).reshape((-1, 1))
        cos = dot / F.broadcast_maximum(norms, F.array([1e-12], ctx=norms.context))
        similar = (1 - cos) * (label == 1)
        dissimilar = F.broadcast_maximum(F.array([0], ctx=cos.context),
                                         (label == -1) * (cos - self._margin))
        return self._weighted(similar + dissimilar, sample_weight, self._weight)


class CTCLoss(Loss):
    """Connectionist temporal classification (nd.CTCLoss with the last class as the blank
    and -1 padding the labels): pred is 'NTC' or 'TNC', label 'NT' or 'TN'."""

    def __init__(self, layout: str = 'NTC', label_layout: str = 'NT', weight=None, **kwargs):
        if layout not in ('NTC', 'TNC'):
            raise MXNetAssertionError("Only 'NTC' and 'TNC' layouts for pred are supported. "
                                      'Got: %s' % layout)
        if label_layout not in ('NT', 'TN'):
            raise MXNetAssertionError("Only 'NT' and 'TN' layouts for label are supported. "
                                      'Got: %s' % label_layout)
        self._layout, self._label_layout = layout, label_layout
        super().__init__(weight, label_layout.find('N'), **kwargs)

    def hybrid_forward(self, F, pred, label, pred_lengths=None, label_lengths=None,
                       sample_weight=None):
        if self._layout == 'NTC':
            pred = F.swapaxes(pred, 0, 1)
        if self._batch_axis == 1:
            label = F.swapaxes(label, 0, 1)
        loss = F.CTCLoss(pred, label, pred_lengths, label_lengths,
                         use_data_lengths=pred_lengths is not None,
                         use_label_lengths=label_lengths is not None, blank_label='last')
        return self._weighted(loss, sample_weight, self._weight)


class SDMLLoss(Loss):
    """Smoothed deep metric learning loss: not part of minigluon."""

    def __init__(self, smoothing_parameter: float = 0.3, weight: float = 1.0, batch_axis: int = 0,
                 **kwargs):
        raise not_implemented('gluon.loss.SDMLLoss', 'smoothed deep metric learning (SDMLLoss)')
