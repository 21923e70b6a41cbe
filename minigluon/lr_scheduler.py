"""Learning-rate schedules: ``sched(num_update)`` is the rate for an update count.

An optimizer given ``lr_scheduler=sched`` asks it for the rate at every update, with the
largest number of updates any one weight has had. As in MXNet 1.9.1 the step schedulers
keep state (the rate reached so far), so they are meant to be asked with counts that do
not decrease; the rates are those MXNet computes, float for float (a factor is applied by
repeated multiplication, not by a power).
"""
from __future__ import annotations

import logging
import math

from .base import MXNetAssertionError

_WARMUP_MODES = ('linear', 'constant')


def _check(condition: bool) -> None:
    """MXNet's bare ``assert`` on an argument's type."""
    if not condition:
        raise MXNetAssertionError()


class LRScheduler:
    """Base: ``base_lr``, and an optional warm-up of ``warmup_steps`` updates that starts
    from ``warmup_begin_lr`` and rises linearly to ``base_lr`` ('linear') or stays there
    ('constant')."""

    def __init__(self, base_lr: float = 0.01, warmup_steps: int = 0, warmup_begin_lr: float = 0,
                 warmup_mode: str = 'linear'):
        self.base_lr = base_lr
        _check(isinstance(warmup_steps, int))
        self.warmup_steps = warmup_steps
        self.warmup_final_lr = base_lr
        self.warmup_begin_lr = warmup_begin_lr
        if warmup_begin_lr > base_lr:
            raise ValueError('Base lr has to be higher than warmup_begin_lr')
        if warmup_steps < 0:
            raise ValueError('Warmup steps has to be positive or 0')
        if warmup_mode not in _WARMUP_MODES:
            raise ValueError('Supports only linear and constant modes of warmup')
        self.warmup_mode = warmup_mode

    def get_warmup_lr(self, num_update: int) -> float:
        """The rate during the warm-up (``num_update < warmup_steps``)."""
        _check(num_update < self.warmup_steps)
        if self.warmup_mode == 'constant':
            return self.warmup_begin_lr
        rise = (self.warmup_final_lr - self.warmup_begin_lr) * float(num_update)
        return self.warmup_begin_lr + rise / float(self.warmup_steps)

    def __call__(self, num_update: int) -> float:
        raise NotImplementedError('must override this')


class FactorScheduler(LRScheduler):
    """After the warm-up, the rate is multiplied by ``factor`` each time ``num_update``
    passes another ``step`` updates, and never falls below ``stop_factor_lr``."""

    def __init__(self, step: int, factor: float = 1, stop_factor_lr: float = 1e-8,
                 base_lr: float = 0.01, warmup_steps: int = 0, warmup_begin_lr: float = 0,
                 warmup_mode: str = 'linear'):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if step < 1:
            raise ValueError('Schedule step must be greater or equal than 1 round')
        if factor > 1.0:
            raise ValueError('Factor must be no more than 1 to make lr reduce')
        self.step, self.factor, self.stop_factor_lr = step, factor, stop_factor_lr
        self.count = 0  # the update count at which the rate last fell

    def __call__(self, num_update: int) -> float:
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        while num_update > self.count + self.step:
            self.count += self.step
            self.base_lr *= self.factor
            if self.base_lr < self.stop_factor_lr:
                self.base_lr = self.stop_factor_lr
                logging.info('Update[%d]: now learning rate arrived at %0.5e, will not change '
                             'in the future', num_update, self.base_lr)
            else:
                logging.info('Update[%d]: Change learning rate to %0.5e', num_update,
                             self.base_lr)
        return self.base_lr


class MultiFactorScheduler(LRScheduler):
    """After the warm-up, the rate is multiplied by ``factor`` as ``num_update`` passes each
    of the increasing update counts in ``step`` (a list)."""

    def __init__(self, step: list, factor: float = 1, base_lr: float = 0.01,
                 warmup_steps: int = 0, warmup_begin_lr: float = 0, warmup_mode: str = 'linear'):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        _check(isinstance(step, list) and len(step) >= 1)
        for i, at in enumerate(step):
            if i and at <= step[i - 1]:
                raise ValueError('Schedule step must be an increasing integer list')
            if at < 1:
                raise ValueError('Schedule step must be greater or equal than 1 round')
        if factor > 1.0:
            raise ValueError('Factor must be no more than 1 to make lr reduce')
        self.step, self.factor = step, factor
        self.cur_step_ind = 0  # how many of ``step`` have been passed
        self.count = 0

    def __call__(self, num_update: int) -> float:
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        while self.cur_step_ind < len(self.step) and num_update > self.step[self.cur_step_ind]:
            self.count = self.step[self.cur_step_ind]
            self.cur_step_ind += 1
            self.base_lr *= self.factor
            logging.info('Update[%d]: Change learning rate to %0.5e', num_update, self.base_lr)
        return self.base_lr


class _DecayToFinal(LRScheduler):
    """A decay from ``base_lr`` to ``final_lr`` over the ``max_update - warmup_steps``
    updates after the warm-up, by ``_fraction`` of the way (1 at the start, 0 at the end);
    past ``max_update`` the last rate stays."""

    def __init__(self, max_update: int, base_lr: float, final_lr: float, warmup_steps: int,
                 warmup_begin_lr: float, warmup_mode: str):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        _check(isinstance(max_update, int))
        if max_update < 1:
            raise ValueError('maximum number of updates must be strictly positive')
        self.base_lr_orig = base_lr
        self.max_update, self.final_lr = max_update, final_lr
        self.max_steps = max_update - warmup_steps

    def _fraction(self, num_update: int) -> float:
        raise NotImplementedError

    def __call__(self, num_update: int) -> float:
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        if num_update <= self.max_update:
            self.base_lr = (self.final_lr
                            + (self.base_lr_orig - self.final_lr) * self._fraction(num_update))
        return self.base_lr


class PolyScheduler(_DecayToFinal):
    """final_lr + (base_lr - final_lr) * (1 - t / max_steps) ** pwr after the warm-up
    (t: updates since the warm-up)."""

    def __init__(self, max_update: int, base_lr: float = 0.01, pwr: float = 2,
                 final_lr: float = 0, warmup_steps: int = 0, warmup_begin_lr: float = 0,
                 warmup_mode: str = 'linear'):
        super().__init__(max_update, base_lr, final_lr, warmup_steps, warmup_begin_lr,
                         warmup_mode)
        self.power = pwr

    def _fraction(self, num_update: int) -> float:
        return pow(1 - float(num_update - self.warmup_steps) / float(self.max_steps), self.power)


class CosineScheduler(_DecayToFinal):
    """final_lr + (base_lr - final_lr) * (1 + cos(pi * t / max_steps)) / 2 after the
    warm-up (t: updates since the warm-up)."""

    def __init__(self, max_update: int, base_lr: float = 0.01, final_lr: float = 0,
                 warmup_steps: int = 0, warmup_begin_lr: float = 0, warmup_mode: str = 'linear'):
        super().__init__(max_update, base_lr, final_lr, warmup_steps, warmup_begin_lr,
                         warmup_mode)

    def _fraction(self, num_update: int) -> float:
        return (1 + math.cos(math.pi * (num_update - self.warmup_steps) / self.max_steps)) / 2
