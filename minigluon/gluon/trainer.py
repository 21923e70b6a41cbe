"""Trainer: applies an optimizer to a set of Parameters after each backward."""
from __future__ import annotations

from .. import autograd
from .. import optimizer as opt
from ..base import MXNetAssertionError, MXNetError
from ..ndarray import creation as nd_creation
from ..ndarray import utils as nd_utils
from ..ndarray.ndarray import _INPLACE_IN_GRAPH
from . import _states_file
from .parameter import Parameter, ParameterDict


_STALE = ("Gradient of Parameter `%s` on context %s has not been updated by backward since last "
          "`step`. This could mean a bug in your model that made it only use a subset of the "
          "Parameters (Blocks) for this iteration. If you are intentionally only using a subset, "
          "call step with ignore_stale_grad=True to suppress this warning and skip updating of "
          "Parameters with stale gradient")


class Trainer:
    """``step(batch_size)`` updates every parameter from its gradient, scaled by 1/batch_size.

    Parameters given as a dict are taken in the order of their names, as MXNet does; a
    parameter's position is its index for the optimizer (and in ``save_states`` files).
    """

    def __init__(self, params, optimizer, optimizer_params: dict | None = None, kvstore='device',
                 compression_params=None, update_on_kvstore=None):
        if isinstance(params, (dict, ParameterDict)):
            params = [params[key] for key in sorted(params.keys())]
        if not isinstance(params, (list, tuple)):
            raise ValueError('First argument must be a list or dict of Parameters, got %s.'
                             % type(params))
        for param in params:
            if not isinstance(param, Parameter):
                raise ValueError('First argument must be a list or dict of Parameters, got list '
                                 'of %s.' % type(param))
        self._params = list(params)
        self._contexts = self._check_contexts()
        param_dict = dict(enumerate(self._params))
        if isinstance(optimizer, opt.Optimizer):
            if optimizer_params:
                raise MXNetAssertionError('optimizer_params must be None if optimizer is an '
                                          'instance of Optimizer instead of str')
            optimizer.param_dict = param_dict
            self._optimizer = optimizer
        else:
            self._optimizer = opt.create(optimizer, param_dict=param_dict,
                                         **(optimizer_params or {}))
        self._scale = self._optimizer.rescale_grad
        self._states = [{} for _ in self._contexts]  # per context: index -> optimizer state
        self._kv_initialized = False  # MXNet's first step reads every parameter's data
        self._reduce_grads = kvstore is not None  # None: each device steps on its own gradient

    def _check_contexts(self) -> list:
        """The contexts every parameter lives on (they must agree, as MXNet requires)."""
        contexts = None
        for param in self._params:
            ctx = param.list_ctx()
            if contexts is not None and contexts != ctx:
                raise MXNetAssertionError(
                    'All Parameters must be initialized on the same set of contexts, but Parameter '
                    '%s is initialized on %s while previous Parameters are initialized on %s.'
                    % (param.name, str(ctx), str(contexts)))
            contexts = ctx
        if contexts is None:  # MXNet fails here too, with a TypeError
            raise TypeError('Trainer got no Parameters. Block.params holds only the block\'s own '
                            'Parameters, not its children\'s: pass Block.collect_params()')
        return contexts

    @property
    def learning_rate(self) -> float:
        return self._optimizer.learning_rate

    def set_learning_rate(self, lr: float):
        self._optimizer.set_learning_rate(lr)

    @property
    def optimizer(self) -> opt.Optimizer:
        return self._optimizer

    def step(self, batch_size: int, ignore_stale_grad: bool = False):
        """One update of every trainable parameter on every context it lives on:
        ``allreduce_grads()`` then ``update(batch_size)``."""
        self._optimizer.rescale_grad = self._scale / batch_size
        self._allreduce_grads()
        self._update(ignore_stale_grad)

    def _init_kvstore(self):
        """What MXNet's first step does before updating: read every parameter (so one whose
        initialization is still deferred raises DeferredInitializationError, as there)."""
        if not self._kv_initialized:
            for param in self._params:
                param.list_data()
            self._kv_initialized = True

    def allreduce_grads(self):
        """Sum each parameter's gradients over its contexts (data parallel training)."""
        self._allreduce_grads()

    def _allreduce_grads(self):
        self._init_kvstore()
        if len(self._contexts) < 2 or not self._reduce_grads:
            return
        for param in self._params:
            if param.grad_req != 'null':
                grads = param.list_grad()
                total = sum(g.as_in_context(grads[0].context) for g in grads)
                for g in grads:
                    g[:] = total.as_in_context(g.context)

    def update(self, batch_size: int, ignore_stale_grad: bool = False):
        """The update half of ``step``, for gradients already reduced by ``allreduce_grads``."""
        self._optimizer.rescale_grad = self._scale / batch_size
        self._init_kvstore()
        self._update(ignore_stale_grad)

    def _update(self, ignore_stale_grad: bool):
        """Check every gradient first: a stale one (no backward wrote it since the last step,
        a layer the forward did not use) refuses the whole step, as in MXNet;
        ``ignore_stale_grad=True`` skips those parameters instead."""
        updates = []
        for i, param in enumerate(self._params):
            if param.grad_req == 'null':
                continue
            weights = param.list_data()
            if not ignore_stale_grad:
                for weight in weights:
                    if not getattr(weight, '_fresh_grad', False):
                        raise UserWarning(_STALE % (param.name, weight.context))
            for states, weight, grad in zip(self._states, weights, param.list_grad()):
                if getattr(weight, '_fresh_grad', False):
                    updates.append((states, i, weight, grad))
                    weight._fresh_grad = False
        if updates and autograd.is_recorded(updates[0][2]):
            # as MXNet: the update would write into variables of the graph being recorded
            raise MXNetError(_INPLACE_IN_GRAPH)
        for states, i, weight, grad in updates:
            self._optimizer._set_current_context(weight.context.device_id)
            if i not in states:
                states[i] = self._optimizer.create_state_multi_precision(i, weight._data)
            self._optimizer.update_multi_precision(i, weight._data, grad._data, states[i])

    def save_states(self, fname):
        """Write the optimizer and its per-parameter states (momentum, running averages) to
        ``fname`` in MXNet's format (see ``_states_file``); the parameters are not saved."""
        arrays_of = {i: _to_ndarrays(state) for i, state in self._states[0].items()}
        data = _states_file.write_bytes(arrays_of, type(self._optimizer).__name__,
                                        self._optimizer.saved_attributes())
        nd_utils.atomic_write(fname, [data])

    def load_states(self, fname):
        """Restore what ``save_states`` (minigluon's or MXNet's) wrote; all or nothing."""
        with open(fname, 'rb') as f:
            data = f.read()
        source = '"%s"' % fname
        states, name, attrs = _states_file.read(data, source)
        try:
            optimizer = opt.Optimizer.from_saved_attributes(name, attrs)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise MXNetError('%s holds an MXNet %s optimizer that minigluon cannot load: %s'
                             % (source, name, err)) from None
        for i, state in states.items():
            weight = self._params[i].list_data()[0] if 0 <= i < len(self._params) else None
            for array in _flat(state):
                if weight is None or array.shape != weight.shape:
                    raise MXNetError('%s does not fit this Trainer: its state %d has shape %s, '
                                     'parameter %d %s' % (source, i, array.shape, i,
                                                          'is missing' if weight is None
                                                          else 'has shape %s' % (weight.shape,)))
        optimizer.param_dict = dict(enumerate(self._params))
        self._optimizer = optimizer
        self._states = [{i: _raw_on(state, ctx) for i, state in states.items()}
                        for ctx in self._contexts]

    def zero_grad(self):
        for param in self._params:
            param.zero_grad()


def _to_ndarrays(state):
    """An optimizer state (raw arrays, tuples of them, or None) as NDArrays."""
    if state is None:
        return None
    if isinstance(state, (tuple, list)):
        return tuple(_to_ndarrays(s) for s in state)
    return nd_creation.array(state, dtype=state.dtype)  # a copy, on cpu


def _flat(state) -> list:
    if state is None:
        return []
    return [a for s in state for a in _flat(s)] if isinstance(state, tuple) else [state]


def _raw_on(state, ctx):
    """A loaded state (NDArrays) as the optimizer keeps it: raw arrays on ``ctx``."""
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(_raw_on(s, ctx) for s in state)
    return state.copyto(ctx)._data
