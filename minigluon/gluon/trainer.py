"""Trainer: applies an optimizer to a set of Parameters after each backward."""
from __future__ import annotations

from .. import optimizer as opt
from .parameter import Parameter, ParameterDict


_STALE = ("Gradient of Parameter `%s` on context %s has not been updated by backward since last "
          "`step`. This could mean a bug in your model that made it only use a subset of the "
          "Parameters (Blocks) for this iteration. If you are intentionally only using a subset, "
          "call step with ignore_stale_grad=True to suppress this warning and skip updating of "
          "Parameters with stale gradient")


class Trainer:
    """``step(batch_size)`` updates every parameter from its gradient, scaled by 1/batch_size."""

    def __init__(self, params, optimizer, optimizer_params: dict | None = None, kvstore='device',
                 compression_params=None, update_on_kvstore=None):
        if isinstance(params, (dict, ParameterDict)):
            params = list(params.values())
        if not isinstance(params, (list, tuple)):
            raise ValueError('First argument must be a list or dict of Parameters, got %s.'
                             % type(params))
        for param in params:
            if not isinstance(param, Parameter):
                raise ValueError('First argument must be a list or dict of Parameters, got list '
                                 'of %s.' % type(param))
        self._params = list(params)
        optimizer_params = dict(optimizer_params or {})
        self._scale = optimizer_params.pop('rescale_grad', 1.0)
        self._optimizer = opt.create(optimizer, **optimizer_params)
        self._states = {}

    @property
    def learning_rate(self) -> float:
        return self._optimizer.learning_rate

    def set_learning_rate(self, lr: float):
        self._optimizer.learning_rate = lr

    @property
    def optimizer(self) -> opt.Optimizer:
        return self._optimizer

    def step(self, batch_size: int, ignore_stale_grad: bool = False):
        """One update of every trainable parameter on every context it lives on.

        A parameter whose gradient no backward has written since the last step is an error
        (a layer the forward did not use), as in MXNet; ``ignore_stale_grad=True`` skips it.
        """
        self._optimizer.rescale_grad = self._scale / batch_size
        for param in self._params:
            if param.grad_req == 'null':
                continue
            weights, grads = param.list_data(), param.list_grad()
            if not ignore_stale_grad:
                for weight in weights:
                    if not getattr(weight, '_fresh_grad', False):
                        raise UserWarning(_STALE % (param.name, weight.context))
            if len(grads) > 1:  # data parallel: every copy steps with the summed gradient
                total = sum(g.as_in_context(grads[0].context) for g in grads)
                grads = [total.as_in_context(g.context) for g in grads]
            for weight, grad in zip(weights, grads):
                if not getattr(weight, '_fresh_grad', False):
                    continue  # stale, and ignore_stale_grad: skip it
                weight._fresh_grad = False
                key = (id(param), weight.context)
                if key not in self._states:
                    self._states[key] = self._optimizer.create_state(weight._data)
                self._optimizer.update(weight._data, grad._data, self._states[key],
                                       param.lr_mult, param.wd_mult)

    def zero_grad(self):
        for param in self._params:
            param.zero_grad()
