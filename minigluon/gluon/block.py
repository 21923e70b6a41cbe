"""Block owns its children and its name; everything else it delegates.

Assigning a Block or a Parameter to an attribute registers it (``__setattr__``), so
``collect_params`` and ``initialize`` find the whole tree. Names come from per-class
counters (``dense0``, ``dense1``, ...), or from the enclosing ``name_scope()``.
"""
from __future__ import annotations

import json
import re
import threading
import warnings
from collections import OrderedDict

from .. import autograd, ndarray
from .. import name as _name
import numpy as np

from ..base import MXNetAssertionError, MXNetError, MXNetValueError, not_implemented
from ..ndarray.deferred import DeferredArray, ShapeUnknown
from ..ndarray import utils as nd_utils
from .parameter import (DeferredInitializationError, Parameter, ParameterDict, _brief_print_list,
                        _match_keys, load_params, shape_is_known)


_CANNOT_INFER = 'Deferred initialization failed because shape cannot be inferred. '


class _ShapePass(threading.local):
    """``with _SHAPE_PASS:`` blocks run a shape pass (see HybridBlock.infer_shape), nested
    blocks too, so that nothing is initialized before MXNet would initialize it. Per thread;
    ``depth`` is a plain attribute because every HybridBlock call reads it."""
    depth = 0

    def __enter__(self):
        self.depth += 1

    def __exit__(self, *exc):
        self.depth -= 1


_SHAPE_PASS = _ShapePass()


def _has_ndarray(args) -> bool:
    """Whether an NDArray is among ``args`` or the lists and tuples in them."""
    return any(isinstance(a, ndarray.NDArray) or isinstance(a, (list, tuple)) and _has_ndarray(a)
               for a in args)


def _check_hybrid_inputs(args: tuple) -> None:
    """MXNet's check of a HybridBlock's inputs: an NDArray among them (a NumPy array is not)."""
    if not _has_ndarray(args):
        raise ValueError('In HybridBlock, there must be one NDArray or one Symbol in the input. '
                         'Please check the type of the args.\n')


class _BlockScope:
    """The naming scope of ``with block.name_scope():``, with its own counters."""
    _current = threading.local()

    def __init__(self, block: 'Block'):
        self._block = block
        self._names = _name.NameManager()  # counters for the children made in this scope
        self._old_scope = None

    @staticmethod
    def create(prefix, params, hint):
        """(prefix, ParameterDict) for a new block: from the enclosing scope, or global counters."""
        current = getattr(_BlockScope._current, 'value', None)
        if current is None:
            if prefix is None:
                prefix = _name.NameManager.current().get(None, hint) + '_'
            params = ParameterDict(prefix) if params is None else ParameterDict(params.prefix, params)
            return prefix, params
        if prefix is None:
            prefix = current._names.get(None, hint) + '_'
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self):
        if self._block._empty_prefix:
            return self
        self._old_scope = getattr(_BlockScope._current, 'value', None)
        _BlockScope._current.value = self
        return self

    def __exit__(self, *exc):
        if not self._block._empty_prefix:
            _BlockScope._current.value = self._old_scope


def _indent(text: str, spaces: int) -> str:
    lines = text.split('\n')
    return '\n'.join(lines[:1] + [' ' * spaces + line for line in lines[1:]])


class Block:
    """Base class of layers and models: subclass it and define ``forward``.

    ``prefix`` names the block's parameters (default: class name + counter + '_');
    ``params`` shares another block's ParameterDict.
    """
    _summary_row = True  # summary() prints a row for this block (containers say False)

    def __init__(self, prefix: str | None = None, params: ParameterDict | None = None):
        self._empty_prefix = prefix == ''
        self._prefix, self._params = _BlockScope.create(prefix, params, self._alias())
        self._name = self._prefix[:-1] if self._prefix.endswith('_') else self._prefix
        self._scope = _BlockScope(self)
        self._children = OrderedDict()
        self._reg_params = {}
        self._forward_pre_hooks = OrderedDict()
        self._forward_hooks = OrderedDict()
        self._unregistered = None  # _unregistered_containers(), until the next assignment

    def _alias(self) -> str:
        return self.__class__.__name__.lower()

    def __repr__(self):
        modstr = '\n'.join('  ({key}): {block}'.format(key=key, block=_indent(repr(block), 2))
                           for key, block in self.__dict__.items() if isinstance(block, Block))
        return '{name}(\n{modstr}\n)'.format(name=self.__class__.__name__, modstr=modstr)

    def __setattr__(self, name: str, value):
        """Register Blocks as children and Parameters as this block's own."""
        self.__dict__['_unregistered'] = None  # a new attribute may be a container of Blocks
        existing = self.__dict__.get(name)
        if isinstance(existing, (Parameter, Block)) and not isinstance(value, type(existing)):
            raise TypeError('Changing attribute type for {name} from {type1} to {type2}'  # sic
                            'is not allowed.'.format(name=name, type1=type(existing),
                                                     type2=type(value)))
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            if name in self._reg_params:
                raise MXNetAssertionError(
                    "Overriding Parameter attribute %s is not allowed. If you want to share "
                    "parameters between blocks, please set 'params' at Block construction "
                    "instead." % name)
            self._reg_params[name] = value
        object.__setattr__(self, name, value)

    def register_child(self, block: 'Block', name: str | None = None):
        """Add ``block`` as a child under ``name`` (default: its position, '0', '1', ...)."""
        if name is None:
            name = str(len(self._children))
        self._children[name] = block
        self._unregistered = None

    @property
    def name(self) -> str:
        return self._name

    @property
    def prefix(self) -> str:
        return self._prefix

    @property
    def params(self) -> ParameterDict:
        """This block's own parameters (not its children's: see ``collect_params``)."""
        return self._params

    def name_scope(self) -> _BlockScope:
        """``with`` block in which new blocks are named ``<this prefix><class><counter>``."""
        return self._scope

    def _check_container_with_block(self):
        """Warn, as MXNet does, about Blocks kept in a plain list, tuple or dict attribute:
        they are not children, so their parameters are not collected."""
        # looked for once per assignment or registration (a Block appended to a list
        # attribute after the first look goes unnoticed)
        if self._unregistered is None:
            self._unregistered = self._unregistered_containers()
        for key in self._unregistered:
            warnings.warn('"{name}" is an unregistered container with Blocks. Note that '
                          'Blocks inside the list, tuple or dict will not be registered '
                          'automatically. Make sure to register them using register_child() '
                          'or switching to nn.Sequential/nn.HybridSequential instead. '
                          .format(name=self.__class__.__name__ + '.' + key), stacklevel=3)

    def _unregistered_containers(self) -> list:
        """The attributes that are lists, tuples or dicts holding Blocks that are not children."""
        children = set(self._children.values())

        def holds_unregistered_block(data) -> bool:
            if isinstance(data, (list, tuple)):
                return any(holds_unregistered_block(item) for item in data)
            if isinstance(data, dict):
                return any(holds_unregistered_block(item) for item in data.values())
            return isinstance(data, Block) and data not in children

        return [key for key, value in self.__dict__.items()
                if isinstance(value, (list, tuple, dict)) and not key.startswith('__')
                and key != '_children' and holds_unregistered_block(value)]

    def _walk(self, key: str = '', children_first: bool = False):
        """(structural key, block) for this block and every descendant, depth first; a key
        is the child names from here joined by dots, ending in a dot (the root's is '')."""
        if not children_first:
            yield key, self
        for name, child in self._children.items():
            yield from child._walk(key + name + '.', children_first)
        if children_first:
            yield key, self

    def collect_params(self, select: str | None = None) -> ParameterDict:
        """This block's and all descendants' parameters, filtered by regex ``select`` (re.match)."""
        pattern = re.compile(select) if select else None
        ret = ParameterDict(self._params.prefix)
        for _, block in self._walk():
            block._check_container_with_block()
            ret.update({n: p for n, p in block.params.items() if not pattern or pattern.match(n)})
        return ret

    def _collect_params_with_prefix(self) -> dict:
        """Parameters by structural key: attribute names and child keys joined by dots."""
        return {key + name: param for key, block in self._walk()
                for name, param in block._reg_params.items()}

    def initialize(self, init=None, ctx=None, verbose: bool = False, force_reinit: bool = False):
        """Initialize all parameters (deferred ones at the first forward); default Uniform()."""
        self.collect_params().initialize(init, ctx, verbose, force_reinit)

    def apply(self, fn):
        """Call ``fn(block)`` on every descendant, then on this block."""
        for _, block in self._walk(children_first=True):
            fn(block)
        return self

    def cast(self, dtype):
        """Convert every parameter of this block and its descendants to ``dtype``."""
        for _, block in self._walk():
            for param in block.params.values():
                param.cast(dtype)

    def hybridize(self, active: bool = True, **kwargs):
        """No-op: minigluon always runs imperatively (MXNet would compile a graph here)."""

    def register_forward_pre_hook(self, hook) -> '_HookHandle':
        """Call ``hook(block, inputs)`` before each forward; returns a handle to detach."""
        handle = _HookHandle(self._forward_pre_hooks)
        self._forward_pre_hooks[handle.id] = hook
        return handle

    def register_forward_hook(self, hook) -> '_HookHandle':
        """Call ``hook(block, inputs, output)`` after each forward; returns a handle to detach."""
        handle = _HookHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = hook
        return handle

    def __call__(self, *args):
        if self._forward_pre_hooks:
            for hook in list(self._forward_pre_hooks.values()):
                hook(self, args)
        out = self.forward(*args)
        if self._forward_hooks:
            for hook in list(self._forward_hooks.values()):
                hook(self, args, out)
        return out

    def forward(self, *args):
        raise NotImplementedError

    # ----- files --------------------------------------------------------------------------
    def save_parameters(self, filename, deduplicate: bool = False):
        """Save the values under structural keys (``hidden.weight``); MXNet can read the file."""
        params = self._collect_params_with_prefix()
        if deduplicate:  # a shared parameter is stored once, under its last key (as MXNet)
            last_key = {param: key for key, param in params.items()}
            params = {key: param for param, key in last_key.items()}
        nd_utils.save(filename, {key: param._reduce() for key, param in params.items()})

    def load_parameters(self, filename, ctx=None, allow_missing: bool = False,
                        ignore_extra: bool = False, cast_dtype: bool = False,
                        dtype_source: str = 'current'):
        """Load values saved by ``save_parameters`` (or legacy prefixed files); all or nothing."""
        loaded = nd_utils.load(filename)
        loaded = loaded if isinstance(loaded, dict) else {}
        params = self._collect_params_with_prefix()
        if not loaded and not params:
            return
        if not any('.' in key for key in loaded):  # legacy file: full names with prefixes
            params = self.collect_params()
            params._check_restore_prefix(self.prefix)
            params.load_dict(loaded, ctx, allow_missing, ignore_extra, self.prefix, filename,
                             cast_dtype, dtype_source)
            return

        def missing(key):
            return MXNetAssertionError(
                "Parameter '%s' is missing in file '%s', which contains parameters: %s. "
                "Set allow_missing=True to ignore missing parameters."
                % (key, filename, _brief_print_list(loaded.keys())))

        def extra(key):
            return MXNetValueError(
                "Parameter '%s' loaded from file '%s' is not present in ParameterDict, which "
                "contains parameters %s. Set ignore_extra=True to ignore. "
                % (key, filename, _brief_print_list(self._params.keys())))
        pairs = _match_keys(params, loaded, allow_missing, ignore_extra, missing, extra)
        load_params(pairs, ctx, cast_dtype, dtype_source)

    def save(self, prefix: str):
        """Write ``<prefix>-model.json`` (each block's class, name and children's keys, as
        MXNet's Block.save) and ``<prefix>-model.params`` (``save_parameters``). minigluon has
        no compiled graphs, so every HybridBlock is recorded as not hybridized."""
        model = {}
        index = [0]

        def describe(block: 'Block', structure: dict):
            entry = {'orig_name': block.name}
            structure[type(block).__name__.lower() + str(index[0])] = entry
            if isinstance(block, HybridBlock):
                entry['hybridized'] = False
            children = entry['children'] = {}
            for key, child in block._children.items():
                index[0] += 1
                children[child.name] = key
                describe(child, entry)

        describe(self, model)
        nd_utils.atomic_write(prefix + '-model.json', [json.dumps(model).encode()])
        self.save_parameters(prefix + '-model.params')

    def load(self, prefix: str):
        """Read what ``save`` (minigluon's or MXNet's) wrote for a model built the same way:
        the blocks take their saved names (and their parameters' keys follow), the children
        their saved keys, then ``load_parameters``. A graph MXNet saved is not used: minigluon
        runs every block imperatively."""
        with open(prefix + '-model.json') as f:
            model = json.load(f)
        index = [0]

        def restore(block: 'Block', structure: dict):
            entry = structure[type(block).__name__.lower() + str(index[0])]
            block._name = entry['orig_name']
            params = block.params._params
            for key in list(params):
                params[block.name + '_' + key[len(block.params._prefix):]] = params.pop(key)
            for child in block._children.values():
                index[0] += 1
                restore(child, entry)
            for key in list(block._children):
                child = block._children.pop(key)
                block._children[entry['children'][child.name]] = child

        restore(self, model)
        self.load_parameters(prefix + '-model.params')

    def register_op_hook(self, callback, monitor_all: bool = False):
        """MXNet's monitor of every operator a hybridized block runs; minigluon has none."""
        raise not_implemented('Block.register_op_hook', "MXNet's operator monitor (the C++ "
                              'executor behind hybridized blocks)')

    def save_params(self, filename):
        """[Deprecated] Save under full names (``ParameterDict.save``); use save_parameters."""
        warnings.warn('save_params is deprecated. Please use save_parameters. Note that if you want '
                      'load from SymbolBlock later, please use export instead. For details, see '
                      'https://mxnet.apache.org/tutorials/gluon/save_load_params.html')
        try:
            self.collect_params().save(filename, strip_prefix=self.prefix)
        except ValueError as err:
            raise ValueError('%s\nsave_params is deprecated. Using save_parameters may resolve '
                             'this error.' % err) from None

    def load_params(self, filename, ctx=None, allow_missing: bool = False,
                    ignore_extra: bool = False):
        """[Deprecated] Use load_parameters (which this calls)."""
        warnings.warn('load_params is deprecated. Please use load_parameters.')
        self.load_parameters(filename, ctx, allow_missing, ignore_extra)

    def summary(self, *inputs):
        """Print each layer's output shape and parameter count for one forward of ``inputs``."""
        rows, seen, hooks = [], set(), []
        counts = {'total': 0, 'trainable': 0, 'shared': 0}

        def record_row(block, _inputs, output):
            n_params = 0
            for param in block.params.values():
                size = 1
                for d in param.shape:
                    size *= d
                n_params += size
                counts['total'] += size
                counts['trainable'] += size if param.grad_req != 'null' else 0
                counts['shared'] += size if id(param) in seen else 0
                seen.add(id(param))
            shape = output.shape if hasattr(output, 'shape') else [o.shape for o in output]
            rows.append(('%s-%d' % (block.__class__.__name__, len(rows) + 1), shape, n_params))

        def register(block):
            if block._summary_row:
                hooks.append(block.register_forward_hook(record_row))

        self.apply(register)
        try:
            self(*inputs)
        finally:
            for handle in hooks:
                handle.detach()
        line = '{:>20}  {:>42} {:>15}'
        print('-' * 80)
        print(line.format('Layer (type)', 'Output Shape', 'Param #'))
        print('=' * 80)
        print(line.format('Input', str(inputs[0].shape), 0))
        for label, shape, n_params in rows:
            print(line.format(label, str(shape), n_params))
        print('=' * 80)
        print('Parameters in forward computation graph, duplicate included')
        print('   Total params: %d' % counts['total'])
        print('   Trainable params: %d' % counts['trainable'])
        print('   Non-trainable params: %d' % (counts['total'] - counts['trainable']))
        print('Shared params in forward computation graph: %d' % counts['shared'])
        print('Unique parameters in model: %d' % (counts['total'] - counts['shared']))
        print('-' * 80)


class _HookHandle:
    _next_id = 0

    def __init__(self, hooks: dict):
        self._hooks = hooks
        self.id = _HookHandle._next_id
        _HookHandle._next_id += 1

    def detach(self):
        self._hooks.pop(self.id, None)


class HybridBlock(Block):
    """MXNet's compilable block, here a Block (``hybridize()`` is a no-op).

    A subclass may define ``hybrid_forward(F, x, *args, **params)``: it is called with
    ``F = mx.nd`` and this block's own parameters' data as keyword arguments.
    """

    def __call__(self, *args):
        _check_hybrid_inputs(args)
        return super().__call__(*args)

    def forward(self, x, *args):
        """``hybrid_forward(nd, x, *args, **data of this block's parameters on x's context)``;
        the first call infers the parameters' unknown shapes from the inputs, then
        initializes them (deferred initialization)."""
        if not self._reg_params:  # activations, dropout, losses: no parameters to pass
            return self.hybrid_forward(ndarray, x, *args)
        if _SHAPE_PASS.depth:
            return self.hybrid_forward(ndarray, x, *args, **self._shape_pass_params(x, *args))
        ctx = x.context
        params = {}
        try:
            for name, param in self._reg_params.items():
                params[name] = param.data(ctx)
        except DeferredInitializationError:
            self._finish_deferred_init(x, *args)
            return self.forward(x, *args)
        return self.hybrid_forward(ndarray, x, *args, **params)

    def _finish_deferred_init(self, *args):
        """At the first forward: infer the unknown shapes from the inputs, then initialize."""
        self.infer_shape(*args)
        for param in self.params.values():
            param._finish_deferred_init()

    def infer_shape(self, *args):
        """Fill in unknown parameter shapes from the first inputs. By default a shape pass: a
        forward on zeros, without autograd, in which the operators that can tell a parameter's
        shape do (``F.FullyConnected``: weight (num_hidden, features)); layers may override it."""
        try:
            with autograd.pause(), _SHAPE_PASS:
                self.forward(*args)
        except ShapeUnknown:
            unknown = [p for p in self._reg_params.values() if not shape_is_known(p.shape)]
            raise ValueError(
                '%sCannot decide shape for the following arguments (0s in shape means unknown '
                'dimensions). Consider providing them as input:\n\t%s' % (_CANNOT_INFER, '\n\t'.join(
                    '%s: %s' % (p.name, p.shape) for p in unknown))) from None
        except MXNetError as error:  # MXNet's graph printed its inputs' shapes, then failed
            names = ['data'] if len(args) == 1 else ['data%d' % i for i in range(len(args))]
            print('infer_shape error. Arguments:\n' + '\n'.join(
                '  %s: %s' % (name, arg.shape) for name, arg in zip(names, args)))
            raise ValueError('%sMXNetError: %s' % (_CANNOT_INFER, error)) from None
        unused = [p.name for p in self._reg_params.values() if not shape_is_known(p.shape)]
        if unused:  # hybrid_forward never used it: MXNet's graph has no such argument
            raise ValueError("%s'%s'" % (_CANNOT_INFER, unused[0]))

    def infer_type(self, *args):
        """Check that the inputs' dtypes fit this block's parameters, as MXNet's graph does
        (a parameter's dtype is fixed, so nothing else is inferred): a forward without
        autograd that initializes nothing and leaves the parameters' shapes as they were."""
        params = list(self.collect_params().values())
        shapes = [p._shape for p in params]
        try:
            with autograd.pause(), _SHAPE_PASS:
                self.forward(*args)
        except MXNetError as error:
            names = ['data'] if len(args) == 1 else ['data%d' % i for i in range(len(args))]
            print('infer_type error. Arguments:\n' + '\n'.join(
                '  %s: %s' % (name, arg.dtype) for name, arg in zip(names, args)))
            raise MXNetError(str(error)) from None
        except ShapeUnknown:
            pass  # a dtype check needs no shapes
        finally:
            for param, shape in zip(params, shapes):
                param._shape = shape
        for param in params:  # as MXNet: each parameter's dtype as the NumPy type
            param._dtype = np.dtype(param.dtype).type

    def export(self, path: str, epoch: int = 0, remove_amp_cast: bool = True):
        """MXNet's symbol file and parameters of a hybridized block; minigluon has no graphs."""
        raise not_implemented('HybridBlock.export', 'symbol graphs (mx.sym): save_parameters '
                              'writes the parameters in a file MXNet reads')

    def optimize_for(self, x, *args, backend=None, clear: bool = False,
                     static_alloc: bool = False, static_shape: bool = False,
                     inline_limit: int = 2, forward_bulk_size=None, backward_bulk_size=None,
                     **kwargs):
        """MXNet's partitioning of a graph for a backend; minigluon has no graphs."""
        if not backend:
            raise ValueError('Must specify "backend" to optimize_for')
        raise not_implemented('HybridBlock.optimize_for', 'symbol graphs and their backends')

    def _shape_pass_params(self, x, *args) -> dict:
        """This block's parameters in a shape pass: their data where initialized, else zeros of
        the shape (after a layer's own infer_shape), or a DeferredArray for an op to resolve."""
        if type(self).infer_shape is not HybridBlock.infer_shape:
            self.infer_shape(x, *args)
        ctx, params = x.context, {}
        for name, param in self._reg_params.items():
            if param._data is not None:
                params[name] = param.data(ctx)
            elif shape_is_known(param.shape):
                params[name] = ndarray.zeros(param.shape, ctx=ctx, dtype=param.dtype)
            else:
                params[name] = DeferredArray(param.shape, ctx, param.dtype,
                                             lambda shape, p=param: setattr(p, 'shape', shape))
        return params

    def hybrid_forward(self, F, x, *args, **kwargs):
        raise NotImplementedError
