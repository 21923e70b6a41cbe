"""Parameter owns a weight's data, gradient, contexts and (possibly deferred) shape;
ParameterDict owns lookup by name and sharing between blocks."""
from __future__ import annotations

import warnings
from collections import OrderedDict
from typing import NamedTuple

import numpy as np

from .. import autograd, initializer
from ..base import (MXNetAssertionError, MXNetError, normalize_shape, not_implemented,
                    refuse_sparse)
from ..context import Context, cpu, current_context
from ..ndarray import creation
from ..ndarray import utils as nd_utils
from ..ndarray.ndarray import NDArray

_NAMING_HELP = ('For more info on naming, please see '
                'https://mxnet.io/api/python/docs/tutorials/packages/gluon/blocks/naming.html')


class DeferredInitializationError(MXNetError):
    """A parameter's data was asked for before the first forward told it its shape."""


def shape_is_known(shape) -> bool:
    """Whether no dimension is 0 (unknown); a negative one fails MXNet's assertion."""
    if shape is None:
        return False
    for size in shape:
        if size == 0:
            return False
        if not size > 0:  # a str or list fails here with TypeError ('>' not supported), as in MXNet
            raise MXNetAssertionError(
                'shape dimension size cannot be less than 0, while received %s' % size)
    return True


def _as_given(shape) -> tuple:
    """A shape as MXNet keeps it: NumPy integers made ints, anything else left for initialize
    to refuse as MXNet does (Dense(2.5) fails in nd.zeros, Dense('3') in shape_is_known)."""
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) if isinstance(d, np.integer) else d for d in shape)


def _merge_shapes(known: tuple, given: tuple):
    """The shape both describe, where a dimension of 0 (or -1) is unknown; None if they
    disagree (another number of axes, or two different known sizes)."""
    if len(known) != len(given):
        return None
    merged = []
    for a, b in zip(known, given):
        if a > 0 and b > 0 and a != b:
            return None
        merged.append(a if a > 0 else b)
    return tuple(merged)


class _DeferredInit(NamedTuple):
    """What ``initialize`` was asked for, kept until the first forward knows the shape."""
    init: object            # the initializer chosen for this parameter
    ctx: list               # the contexts to create the data on
    default_init: object    # the block-wide initializer (it does the filling, see __call__)
    data: NDArray | None    # values given by set_data before the first forward, if any


def _brief_print_list(names, limit: int = 7) -> str:
    names = list(names)
    if len(names) > limit:
        return (_brief_print_list(names[:limit // 2], limit) + ', ..., '
                + _brief_print_list(names[-limit // 2:], limit))
    return ', '.join("'%s'" % str(n) for n in names)


class Parameter:
    """A weight of a block: its arrays (one per context), gradients and initialization.

    ``shape`` may contain 0 for "not known yet"; ``initialize`` then defers until the
    first forward pass infers it (``allow_deferred_init``).
    """

    def __init__(self, name: str, grad_req: str = 'write', shape=None, dtype=np.float32,
                 lr_mult: float = 1.0, wd_mult: float = 1.0, init=None,
                 allow_deferred_init: bool = False, differentiable: bool = True,
                 stype: str = 'default', grad_stype: str = 'default'):
        for argument, value in (('stype', stype), ('grad_stype', grad_stype)):
            if value not in ('default', 'row_sparse', 'csr'):
                raise AssertionError("%s for Parameter '%s' must be one of 'default', 'row_sparse', "
                                     "or 'csr', but got '%s'" % (argument, name, value))
            refuse_sparse(value, 'Parameter ' + argument)
        self.name = name
        self._shape = None if shape is None else _as_given(shape)
        self._dtype = dtype
        self._stype = stype
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.init = init
        self._allow_deferred_init = allow_deferred_init
        self._differentiable = differentiable
        self._grad_req = 'null'
        self._data = None           # {Context: NDArray}, in initialization order
        self._grad = None           # {Context: NDArray}, or None when grad_req is 'null'
        self._deferred_init = None  # a _DeferredInit while waiting for the first forward
        self.grad_req = grad_req    # through the setter: MXNet's check of the value

    def __repr__(self):
        return 'Parameter {name} (shape={shape}, dtype={dtype})'.format(
            name=self.name, shape=self.shape, dtype=self.dtype)

    # ----- shape and grad_req -----------------------------------------------------------
    @property
    def shape(self):
        return self._shape

    @shape.setter
    def shape(self, new_shape):
        new_shape = normalize_shape(new_shape)
        if self._shape is None:
            self._shape = new_shape
            return
        # the new shape may only fill in unknown dimensions
        if _merge_shapes(self._shape, new_shape) != new_shape:
            raise MXNetAssertionError('Expected shape %s is incompatible with given shape %s.'
                                      % (str(new_shape), str(self._shape)))
        self._shape = new_shape

    @property
    def dtype(self):
        """The data type as given (a NumPy type or its name); setting it casts (``cast``)."""
        return self._dtype

    @dtype.setter
    def dtype(self, dtype):
        self.cast(dtype)

    @property
    def grad_req(self) -> str:
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req: str):
        if req not in ('write', 'add', 'null'):
            raise MXNetAssertionError("grad_req must be one of 'write', 'add', or 'null', but got '%s'" % req)
        if not self._differentiable:
            req = 'null'
        if self._grad_req == req:
            return
        self._grad_req = req
        if self._data is not None:
            self._init_grad()

    # ----- initialization ---------------------------------------------------------------
    def initialize(self, init=None, ctx=None, default_init=None, force_reinit: bool = False):
        """Create the data on ``ctx`` (a context or a list) now, or at the first forward.

        ``init`` wins over the parameter's own ``init``, which wins over ``default_init``
        (what ``Block.initialize(init)`` passes).
        """
        if self._data is not None and not force_reinit:
            warnings.warn("Parameter '%s' is already initialized, ignoring. Set force_reinit=True "
                          "to re-initialize." % self.name, stacklevel=2)
            return
        self._data = self._grad = None
        ctx = [current_context()] if ctx is None else ([ctx] if isinstance(ctx, Context) else list(ctx))
        default_init = initializer.Uniform() if default_init is None else default_init
        if init is None:
            init = default_init if self.init is None else self.init
        if not shape_is_known(self.shape) and not self._allow_deferred_init:
            raise ValueError("Cannot initialize Parameter '%s' because it has invalid shape: %s."
                             % (self.name, str(self.shape)))
        self._deferred_init = _DeferredInit(init, ctx, default_init, None)
        if shape_is_known(self.shape):
            self._finish_deferred_init()

    def _finish_deferred_init(self):
        """Initialize now that the shape is known (called by the first forward)."""
        if not self._deferred_init:
            return
        init, ctx, default_init, data = self._deferred_init
        if not shape_is_known(self.shape):
            raise MXNetAssertionError(
                "Cannot initialize Parameter '%s' because it has invalid shape: %s. Please "
                "specify in_units, in_channels, etc for `Block`s." % (self.name, str(self.shape)))
        self._deferred_init = None
        with autograd.pause():
            if data is None:
                # Filled on the CPU with MXNet's random streams, then copied to each context,
                # so every device holds the same values.
                data = creation.zeros(self.shape, ctx=cpu(), dtype=self.dtype)
                initializer.create(default_init)(
                    initializer.InitDesc(self.name, {'__init__': init}), data)
            self._init_impl(data, ctx)

    def _init_impl(self, data: NDArray, ctx_list):
        self._data = OrderedDict((c, data.copyto(c)) for c in ctx_list)
        self._init_grad()

    def _init_grad(self):
        """Give every copy a gradient buffer and make it a variable (or neither, for 'null')."""
        arrays = list(self._data.values())
        if self._grad_req == 'null':
            self._grad = None
            autograd.mark_variables(arrays, [None] * len(arrays), 'null')
            return
        self._grad = OrderedDict((c, arr.zeros_like()) for c, arr in self._data.items())
        autograd.mark_variables(arrays, list(self._grad.values()), self._grad_req)

    # ----- access -----------------------------------------------------------------------
    def _arrays(self, arrays) -> OrderedDict:
        """``arrays`` (this parameter's data or gradients by context), or MXNet's error
        saying why there are none yet."""
        if arrays is not None:
            return arrays
        if self._deferred_init:
            raise DeferredInitializationError(
                "Parameter '%s' has not been initialized yet because initialization was deferred. "
                "Actual initialization happens during the first forward pass. Please pass one "
                "batch of data through the network before accessing Parameters. You can also "
                "avoid deferred initialization by specifying in_units, num_features, etc., for "
                "network layers." % self.name)
        raise RuntimeError("Parameter '%s' has not been initialized. Note that you should initialize "
                           "parameters and create Trainer with Block.collect_params() instead of "
                           "Block.params because the later does not include Parameters of nested "
                           "child Blocks" % self.name)

    def _on(self, arrays, ctx) -> NDArray:
        """The array of ``arrays`` on ``ctx`` (the only one, or the current context's)."""
        arrays = self._arrays(arrays)
        if ctx is None:
            if len(arrays) == 1:
                return next(iter(arrays.values()))
            ctx = current_context()
        arr = arrays.get(ctx)
        if arr is None:
            raise RuntimeError("Parameter '%s' was not initialized on context %s. It was only "
                               "initialized on %s." % (self.name, ctx, list(arrays)))
        return arr

    def data(self, ctx: Context | None = None) -> NDArray:
        """The array on ``ctx`` (the only one, or the current context's, by default)."""
        data = self._data
        if data is not None and ctx is not None:
            arr = data.get(ctx)  # the hot path of every forward
            if arr is not None:
                return arr
        return self._on(data, ctx)

    def list_data(self) -> list:
        return list(self._arrays(self._data).values())

    def row_sparse_data(self, row_id: NDArray) -> NDArray:
        """MXNet's rows of a 'row_sparse' parameter; minigluon's are all 'default', which
        MXNet refuses with this RuntimeError."""
        if self._stype == 'default':
            raise RuntimeError("Cannot return a copy of Parameter %s via row_sparse_data() "
                               "because its storage type is %s. Please use data() instead."
                               % (self.name, self._stype))
        raise not_implemented('Parameter.row_sparse_data', "MXNet's sparse storage")

    def list_row_sparse_data(self, row_id: NDArray) -> list:
        """MXNet's rows on every context of a 'row_sparse' parameter; see row_sparse_data."""
        if self._stype == 'default':
            raise RuntimeError("Cannot return copies of Parameter '%s' on all contexts via "
                               "list_row_sparse_data() because its storage type is %s. Please "
                               "use data() instead." % (self.name, self._stype))
        raise not_implemented('Parameter.list_row_sparse_data', "MXNet's sparse storage")

    def var(self):
        """MXNet's symbol for this parameter; minigluon has no symbolic API."""
        raise not_implemented('Parameter.var', 'the symbolic API (mx.sym)')

    def _gradients(self):
        if self._data is not None and self._grad is None:
            raise RuntimeError("Cannot get gradient array for Parameter '%s' because "
                               "grad_req='null'" % self.name)
        return self._grad

    def grad(self, ctx: Context | None = None) -> NDArray:
        return self._on(self._gradients(), ctx)

    def list_grad(self) -> list:
        return list(self._arrays(self._gradients()).values())

    def list_ctx(self) -> list:
        if self._data is None:
            if self._deferred_init:
                return self._deferred_init.ctx
            raise RuntimeError("Parameter '%s' has not been initialized" % self.name)
        return list(self._data)

    def set_data(self, data):
        """Overwrite the values on every context (before the first forward: use them then)."""
        self.shape = data.shape
        if self._data is None:
            if not self._deferred_init:
                raise MXNetAssertionError("Parameter '%s' has not been initialized" % self.name)
            self._deferred_init = self._deferred_init._replace(data=data)
            return
        for arr in self._data.values():
            arr[:] = data

    def zero_grad(self):
        if self._grad is not None:
            for g in self._grad.values():
                g[:] = 0

    def reset_ctx(self, ctx):
        """Move the data to ``ctx`` (a context or a list of them)."""
        ctx = [ctx] if isinstance(ctx, Context) else list(ctx)
        if self._data is not None:
            with autograd.pause():
                self._init_impl(self._reduce(), ctx)
        elif self._deferred_init:
            self._deferred_init = self._deferred_init._replace(ctx=ctx)
        else:
            raise ValueError("Cannot reset context for Parameter '%s' because it has not been "
                             "initialized." % self.name)

    def cast(self, dtype):
        """Convert data and gradient to ``dtype``."""
        self._dtype = dtype
        if self._data is not None:
            with autograd.pause():
                self._init_impl(self._reduce().astype(dtype), list(self._data))

    def _reduce(self) -> NDArray:
        """The values on cpu(0), averaged over contexts (what gets saved); not a copy when
        the parameter lives on cpu(0) alone, so callers must not write into it."""
        arrays = self.list_data()
        if len(arrays) == 1 and arrays[0].context is cpu():
            return arrays[0]
        total = arrays[0].copyto(cpu())
        for arr in arrays[1:]:
            total += arr.copyto(cpu())
        return total / len(arrays) if len(arrays) > 1 else total

    # ----- loading ----------------------------------------------------------------------
    def _check_loadable(self, data: NDArray, cast_dtype: bool):
        """Raise MXNet's error if ``data`` cannot replace this parameter; change nothing."""
        if self.shape and _merge_shapes(self.shape, data.shape) != data.shape:
            raise MXNetAssertionError(
                "Failed loading Parameter '%s' from saved params: shape incompatible expected "
                "%s vs saved %s" % (self.name, str(self.shape), str(data.shape)))
        if self.dtype and not cast_dtype and np.dtype(self.dtype).type != data.dtype:
            raise MXNetAssertionError(
                "Failed loading Parameter '%s' from saved params: dtype incompatible expected %s "
                "vs saved %s. Set cast_dtype=True to cast the dtype of saved params."
                % (self.name, str(self.dtype), str(data.dtype)))

    def _check_load_ctx(self, ctx):
        known = (list(self._data) if self._data is not None
                 else self._deferred_init.ctx if self._deferred_init else None)
        if ctx is not None and known is not None and set(ctx) != set(known):
            raise MXNetAssertionError("Failed to load Parameter '%s' on %s because it was previous "
                                      "initialized on %s." % (self.name, str(ctx), str(known)))

    def _load_init(self, data: NDArray, ctx, dtype_source: str):
        """Take ``data`` (already checked) as this parameter's value; with another dtype, in
        this parameter's dtype (``dtype_source='current'``) or this one cast to it ('saved')."""
        if self.shape:
            self._shape = data.shape
        if np.dtype(self.dtype).type != data.dtype:
            if dtype_source == 'saved':
                self.cast(data.dtype)
            else:
                data = data.astype(self.dtype)
        if self._data is None:
            ctx = self._deferred_init.ctx if self._deferred_init else (ctx or [cpu()])
            self._deferred_init = None
            self._init_impl(data, ctx)
        else:
            self.set_data(data)


class Constant(Parameter):
    """A parameter that never changes (grad_req 'null'), initialized to ``value``."""

    def __init__(self, name: str, value):
        if not isinstance(value, NDArray):
            value = creation.array(value)
        self.value = value
        super().__init__(name, grad_req='null', shape=value.shape, dtype=value.dtype,
                         init=_ConstantInit(value))

    def __repr__(self):
        return 'Constant {name} (shape={shape}, dtype={dtype})'.format(
            name=self.name, shape=self.shape, dtype=self.dtype)

    @property
    def grad_req(self) -> str:
        return 'null'

    @grad_req.setter
    def grad_req(self, req: str):
        if req != 'null':
            warnings.warn('Constant parameter "{}" does not support grad_req other than "null", '
                          'and new value "{}" is ignored.'.format(self.name, req))


class _ConstantInit(initializer.Initializer):
    def __init__(self, value: NDArray):
        super().__init__()
        self.value = value

    def _init_weight(self, _, arr):
        arr[:] = self.value.as_in_context(arr.context)


class ParameterDict:
    """Parameters by full name, under a common ``prefix``; ``shared`` lends existing ones."""

    def __init__(self, prefix: str = '', shared: 'ParameterDict | None' = None):
        self._prefix = prefix
        self._params = OrderedDict()
        self._shared = shared

    def __repr__(self):
        name = self._prefix + ' ' if self._prefix else ''
        content = '\n'.join('  %s' % v for v in self.values())
        return '{name}(\n{content}\n)'.format(name=name, content=content)

    def __getitem__(self, key: str) -> Parameter:
        return self._params[key]

    def __iter__(self):
        return iter(self._params)

    def __contains__(self, key):
        return key in self._params

    def items(self):
        return self._params.items()

    def keys(self):
        return self._params.keys()

    def values(self):
        return self._params.values()

    @property
    def prefix(self) -> str:
        return self._prefix

    def _get_impl(self, name: str):
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._shared._params[name]
        return None

    def get(self, name: str, **kwargs) -> Parameter:
        """The parameter ``prefix + name``, created with ``kwargs`` if it does not exist.

        An existing one must agree with ``kwargs``; a 0 in a shape matches any size.
        """
        name = self._prefix + name
        param = self._get_impl(name)
        if param is None:
            param = self._params[name] = Parameter(name, **kwargs)
            return param
        for key, value in kwargs.items():
            existing = getattr(param, key, None)
            if existing is None:
                setattr(param, key, value)
                continue
            if key == 'shape' and value is not None:
                merged = _merge_shapes(existing, normalize_shape(value))
                if merged is not None:
                    param._shape = merged
                    continue
            elif key == 'dtype' and np.dtype(value) == np.dtype(existing):
                continue
            if value is not None and value != existing:
                raise MXNetAssertionError(
                    "Cannot retrieve Parameter '%s' because desired attribute does not match with "
                    "stored for attribute '%s': desired '%s' vs stored '%s'."
                    % (name, key, str(value), str(existing)))
        return param

    def get_constant(self, name: str, value=None) -> Constant:
        """The constant ``prefix + name``, created from ``value`` if it does not exist."""
        name = self._prefix + name
        param = self._get_impl(name)
        if param is None:
            if value is None:
                raise KeyError("No constant named '{}'. Please specify value if you want to create "
                               "a new constant.".format(name))
            param = self._params[name] = Constant(name, value)
        elif value is not None:
            if not isinstance(param, Constant):
                raise MXNetAssertionError("Parameter '{}' already exists but it is not a constant."
                                          .format(name))
            value = value.asnumpy() if isinstance(value, NDArray) else np.asarray(value)
            if param.shape != value.shape or not (param.value.asnumpy() == value).all():
                raise MXNetAssertionError("Constant '{}' already exists but it's value doesn't "
                                          "match new value".format(name))
        return param

    def update(self, other):
        """Add the parameters of ``other`` (a ParameterDict or a dict); a name can't change owner."""
        for key, value in other.items():
            if key in self._params and self._params[key] is not value:
                raise MXNetAssertionError("Cannot update self with other because they have "
                                          "different Parameters with the same name '%s'" % key)
            self._params[key] = value

    def initialize(self, init=None, ctx=None, verbose: bool = False, force_reinit: bool = False):
        """Initialize every parameter; ``init`` is the default for those without their own."""
        init = initializer.Uniform() if init is None else init
        if verbose:  # as MXNet: needs an Initializer instance (a name raises AttributeError)
            init.set_verbosity(verbose=verbose)
        for param in self.values():
            param.initialize(None, ctx, init, force_reinit=force_reinit)

    def zero_grad(self):
        for param in self.values():
            param.zero_grad()

    def reset_ctx(self, ctx):
        for param in self.values():
            param.reset_ctx(ctx)

    def list_ctx(self) -> list:
        seen = []
        for param in self.values():
            seen.extend(c for c in param.list_ctx() if c not in seen)
        return seen

    def setattr(self, name: str, value):
        """Set an attribute (``grad_req``, ``lr_mult``, ...) on every parameter."""
        for param in self.values():
            setattr(param, name, value)

    def save(self, filename, strip_prefix: str = ''):
        """Save under full names (the legacy format), minus ``strip_prefix``."""
        arg_dict = {}
        for param in self.values():
            if not param.name.startswith(strip_prefix):
                raise ValueError(
                    "Prefix '%s' is to be striped before saving, but Parameter's name '%s' does not "
                    "start with '%s'. this may be due to your Block shares parameters from other "
                    "Blocks or you forgot to use 'with name_scope()' when creating child blocks. %s"
                    % (strip_prefix, param.name, strip_prefix, _NAMING_HELP))
            arg_dict[param.name[len(strip_prefix):]] = param._reduce()
        nd_utils.save(filename, arg_dict)

    def load(self, filename, ctx=None, allow_missing: bool = False, ignore_extra: bool = False,
             restore_prefix: str = '', cast_dtype: bool = False, dtype_source: str = 'current'):
        """Load a file saved with full names (``ParameterDict.save``), adding ``restore_prefix``."""
        self._check_restore_prefix(restore_prefix)
        self.load_dict(nd_utils.load(filename), ctx, allow_missing, ignore_extra, restore_prefix,
                       filename, cast_dtype, dtype_source)

    def _check_restore_prefix(self, restore_prefix: str):
        for name in self.keys():
            if not name.startswith(restore_prefix):
                raise MXNetAssertionError(
                    "restore_prefix is '%s' but Parameters name '%s' does not start with '%s'. "
                    "%s" % (restore_prefix, name, restore_prefix, _NAMING_HELP))

    def load_dict(self, param_dict, ctx=None, allow_missing=False, ignore_extra=False,
                  restore_prefix='', filename=None, cast_dtype=False, dtype_source='current'):
        """Load from a dict of arrays; every check passes before any parameter changes."""
        lprefix = len(restore_prefix)
        items = param_dict.items() if isinstance(param_dict, dict) else []
        arg_dict = {restore_prefix + (k[4:] if k.startswith(('arg:', 'aux:')) else k): v
                    for k, v in items}
        where = 'file: %s' % filename if filename else 'param_dict'

        def missing(name):
            return MXNetAssertionError(
                "Parameter '%s' is missing in %s, which contains parameters: %s. Please make "
                "sure source and target networks have the same prefix.%s"
                % (name[lprefix:], where, _brief_print_list(arg_dict.keys()), _NAMING_HELP))

        def extra(name):
            return MXNetAssertionError(
                "Parameter '%s' loaded from %s is not present in ParameterDict, choices are: "
                "%s. Set ignore_extra to True to ignore. Please make sure source and target "
                "networks have the same prefix.%s" % (name[lprefix:], where,
                                                      _brief_print_list(self._params.keys()),
                                                      _NAMING_HELP))
        pairs = _match_keys(self._params, arg_dict, allow_missing, ignore_extra, missing, extra)
        load_params(pairs, ctx, cast_dtype, dtype_source)


def _match_keys(params: dict, loaded: dict, allow_missing: bool, ignore_extra: bool,
               missing, extra) -> list:
    """(parameter, loaded array) for every key of ``loaded`` that names one of ``params``.

    Unless ``allow_missing``, every parameter must be in ``loaded`` (a shared one under any
    of its keys); unless ``ignore_extra``, every loaded key must name a parameter. The first
    key that fails is raised as ``missing(key)`` or ``extra(key)``.
    """
    if not allow_missing:
        keys_of = {}
        for key, param in params.items():
            keys_of.setdefault(param, []).append(key)
        for key, param in params.items():
            if not any(k in loaded for k in keys_of[param]):
                raise missing(key)
    if not ignore_extra:
        for key in loaded:
            if key not in params:
                raise extra(key)
    return [(params[key], value) for key, value in loaded.items() if key in params]


def load_params(pairs: list, ctx, cast_dtype: bool, dtype_source: str = 'current'):
    """Give each Parameter its loaded array, after checking all of them: all or nothing.
    ``dtype_source`` says which dtype wins when ``cast_dtype`` allows them to differ."""
    if cast_dtype and dtype_source not in ('current', 'saved'):
        raise MXNetAssertionError("dtype_source must be 'current' or 'saved', not %r"
                                  % (dtype_source,))
    ctx = [ctx] if isinstance(ctx, Context) else ctx
    for param, data in pairs:
        param._check_loadable(data, cast_dtype)
        param._check_load_ctx(ctx)
    for param, data in pairs:
        param._load_init(data, ctx, dtype_source)

