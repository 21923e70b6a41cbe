"""Reverse-mode automatic differentiation on a graph of NDArray operations.

While ``record()`` is on, every operation whose input needs a gradient gives its output a
``Node``: the name of its ``op``, the ``backward`` function of its chain rule and the array
``inputs`` it came from.
Variables (``attach_grad``, ``mark_variables``) carry the ``VARIABLE`` node: gradients
stop there and go into ``.grad``. ``backward`` orders the graph under the head so that an
array comes before its inputs, applies each node's chain rule, sums the gradients of
arrays used more than once, writes the variables' ``.grad`` and, unless ``retain_graph``,
frees the graph.
"""
from __future__ import annotations

import threading

from .base import MXNetAssertionError, MXNetError


class Node:
    """How an array computed by ``op`` while recording passes its gradient back:
    ``backward(g)`` returns one gradient per NDArray in ``inputs`` (None where one needs none)."""
    __slots__ = ('op', 'backward', 'inputs')

    def __init__(self, op: str, backward, inputs: tuple):
        self.op = op
        self.backward = backward
        self.inputs = inputs


VARIABLE = Node('variable', None, ())  # the node of a variable: its gradient goes into its .grad


class _State(threading.local):
    """The two switches, per thread as in MXNet: a new thread starts with both off."""
    recording = False
    training = False


_state = _State()

_NOT_IN_GRAPH = (
    "Cannot differentiate node because it is not in a computational graph. You need to set "
    "is_recording to true or use autograd.record() to save computational graphs for backward. "
    "If you want to differentiate the same graph twice, you need to pass retain_graph=True to "
    "backward.")


def set_recording(is_recording: bool) -> bool:
    """Turn recording on or off in this thread; return the previous state."""
    previous, _state.recording = _state.recording, bool(is_recording)
    return previous


def set_training(train_mode: bool) -> bool:
    """Switch between training and predicting behaviour (Dropout) in this thread; return the
    previous one."""
    previous, _state.training = _state.training, bool(train_mode)
    return previous


def is_recording() -> bool:
    return _state.recording


def is_training() -> bool:
    return _state.training


class _Scope:
    """``with`` block that sets recording and/or training (None: unchanged) and restores them
    on exit."""

    def __init__(self, recording, training):
        self._recording = recording
        self._training = training
        self._saved = None

    def __enter__(self):
        self._saved = (_state.recording, _state.training)
        if self._recording is not None:
            _state.recording = bool(self._recording)
        if self._training is not None:
            _state.training = bool(self._training)
        return self

    def __exit__(self, *exc):
        _state.recording, _state.training = self._saved


def record(train_mode: bool = True) -> _Scope:
    """Record operations for ``backward``; ``train_mode`` makes Dropout active."""
    return _Scope(True, train_mode)


def pause(train_mode: bool = False) -> _Scope:
    """Stop recording inside a ``record()`` block."""
    return _Scope(False, train_mode)


def train_mode() -> _Scope:
    return _Scope(None, True)


def predict_mode() -> _Scope:
    return _Scope(None, False)


def mark_variables(variables, gradients, grad_reqs='write'):
    """Make each array a variable whose gradient ``backward`` writes ('write') or adds
    ('add') into the matching ``gradients`` array; 'null' makes it a constant again (its
    gradient may then be None)."""
    variables = _as_list(variables)
    gradients = _as_list(gradients)
    if isinstance(grad_reqs, str):
        grad_reqs = [grad_reqs] * len(variables)
    if not len(variables) == len(gradients) == len(grad_reqs):
        raise MXNetError('mark_variables needs as many gradients and grad_reqs as variables')
    for var, gradient, req in zip(variables, gradients, grad_reqs):
        if req not in ('write', 'add', 'null'):
            raise MXNetError("grad_req must be 'write', 'add' or 'null', not %r" % (req,))
        var._grad, var._grad_req = gradient, req
        var._node = VARIABLE if req != 'null' else None


def is_recorded(array) -> bool:
    """Whether an operation on ``array`` now goes into the graph: recording is on and the
    array is a variable or was computed from one."""
    return _state.recording and array._node is not None


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def record_node(out, op: str, backward, inputs: tuple):
    """Give ``out`` the Node of ``op`` if any of the NDArray ``inputs`` needs a gradient."""
    for x in inputs:
        if x._node is not None:
            out._node = Node(op, backward, inputs)
            return


def _graph(heads) -> tuple:
    """(computed arrays, each before the arrays it was computed from; variables) of the
    graph under ``heads``: micrograd's topological order (a depth-first search, reversed
    post-order), with a stack instead of recursion so deep graphs cannot overflow it."""
    post_order, variables, seen = [], [], set()  # NDArray hashes by identity
    stack = list(heads)
    while stack:
        array = stack.pop()
        if array is None:  # the marker: the array under it has had all its inputs visited
            post_order.append(stack.pop())
            continue
        if array in seen:
            continue
        seen.add(array)
        if array._node is VARIABLE:
            variables.append(array)
            continue
        stack += (array, None)
        for x in array._node.inputs:
            if x._node is not None:
                stack.append(x)
    post_order.reverse()
    return post_order, variables


def _backprop(heads, head_grads, retain_graph):
    """Run the chain rule from ``heads``; return {variable in the graph: gradient or None}."""
    heads = _as_list(heads)
    head_grads = [None] * len(heads) if head_grads is None else _as_list(head_grads)
    grads = {}
    for head, head_grad in zip(heads, head_grads):
        if head._node is None:
            raise MXNetError(_NOT_IN_GRAPH)
        g = head._ctx.xp.ones_like(head._data) if head_grad is None else head_grad._data
        grads[head] = grads[head] + g if head in grads else g
    nodes, variables = _graph(heads)
    for array in nodes:
        g = grads.pop(array, None)
        if g is None:
            continue
        node = array._node
        for inp, in_grad in zip(node.inputs, node.backward(g)):
            if in_grad is None or inp._node is None:
                continue
            previous = grads.get(inp)
            grads[inp] = in_grad if previous is None else previous + in_grad
    if not retain_graph:
        for array in nodes:
            array._node = None
    # A variable in the graph with no gradient path (only a pick index, say) gets None: zero.
    return {v: grads.get(v) for v in variables}


# A head gradient of another dtype than its head: MXNet's kernels read it as the head's dtype
# and fail (MXNet's message for elementwise ops and dot), except the backward of these ops
_ANY_HEAD_DTYPE = frozenset({'sum', 'mean', 'reshape', 'copyto'})
_HEAD_DTYPE = ('Check failed: mshadow: :DataType<DType>::kFlag == type_flag_: TBlob.get_with_shape: '
               'data type do not match specified type.Expected: %s v.s. given %s')
_C_TYPES = {'float32': 'float', 'float64': 'double', 'float16': 'half', 'int32': 'int',
            'int64': 'long long', 'uint8': 'unsigned char'}


def _check_head_grads(heads, head_grads) -> None:
    """MXNet's checks: one head gradient per head (or none at all), each of its head's dtype
    (unless the head's op is one of _ANY_HEAD_DTYPE)."""
    if head_grads is None:
        return
    if len(_as_list(head_grads)) != len(_as_list(heads)):
        raise MXNetAssertionError('heads and head_grads must be lists of the same length')
    for head, head_grad in zip(_as_list(heads), _as_list(head_grads)):
        if head_grad is None or head._node is None:  # no head gradient, or not in a graph
            continue
        given, dtype = head_grad._data.dtype.name, head._data.dtype.name
        if given != dtype and getattr(head._node, 'op', None) not in _ANY_HEAD_DTYPE:
            raise MXNetError(_HEAD_DTYPE % (_C_TYPES.get(given, given), _C_TYPES.get(dtype, dtype)))


def backward(heads, head_grads=None, retain_graph: bool = False, train_mode: bool = True):
    """Write d(heads)/d(variable) into every variable's ``.grad`` (or add, for 'add')."""
    _check_head_grads(heads, head_grads)
    with _Scope(False, train_mode):
        leaves = _backprop(heads, head_grads, retain_graph)
    for variable, g in leaves.items():
        variable._fresh_grad = True  # Trainer.step refuses stale gradients, as MXNet's does
        target = variable._grad._data
        if variable._grad_req == 'add':
            if g is not None:
                target += g
        else:
            target[...] = 0 if g is None else g


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph: bool = False,
         train_mode: bool = True):
    """Return the gradients of ``heads`` with respect to ``variables``; ``.grad`` is untouched."""
    if create_graph:
        raise NotImplementedError('minigluon does not record the backward pass '
                                  '(create_graph=True, higher-order gradients)')
    _check_head_grads(heads, head_grads)
    variables = _as_list(variables)
    for i, variable in enumerate(variables):
        if variable._node is not VARIABLE:
            raise MXNetError('Cannot differentiate with respect to the %d-th variable because it '
                             'does not require gradient.' % (i + 1))
    with _Scope(False, train_mode):
        leaves = _backprop(heads, head_grads, bool(retain_graph))
    # type(v) is NDArray: this module works on arrays without importing their module
    return [type(v)(v._ctx.xp.zeros_like(v._data) if leaves.get(v) is None else leaves[v], v._ctx)
            for v in variables]


class _OutputGrads(dict):
    """{output index: gradient} flowing into a ``Function``'s node; the tape adds two of
    them (an output used twice, or several outputs used) index by index."""

    def __add__(self, other: '_OutputGrads') -> '_OutputGrads':
        total = _OutputGrads(self)
        for i, g in other.items():
            total[i] = total[i] + g if i in total else g
        return total


class _FunctionNode:
    """The one tape entry of a ``Function`` call: its outputs pass their gradients to it, and
    it calls the user's ``backward`` once with all of them."""
    __slots__ = ('_node',)


class Function:
    """A differentiable operation with its own backward: subclass it with ``forward(self,
    *inputs)`` and ``backward(self, *output_grads)``, and call each instance once."""

    def __init__(self):
        self._used = False
        self.saved_tensors = ()

    def save_for_backward(self, *args) -> None:
        """Keep ``args`` for ``backward`` as ``self.saved_tensors``."""
        self.saved_tensors = args

    def forward(self, *inputs):
        """The computation: NDArrays in, one NDArray or a tuple of them out."""
        raise NotImplementedError

    def backward(self, *output_grads):
        """One gradient per output of ``forward`` in, one NDArray per input of ``forward`` out."""
        raise NotImplementedError

    def __call__(self, *inputs):
        """Run ``forward`` unrecorded; while recording, its outputs get ``backward`` as their
        chain rule."""
        if self._used:
            raise AssertionError('Each Function instance can only be called once. '
                                 'Please create another instance.')
        self._used = True
        previous = set_recording(False)
        try:
            result = self.forward(*inputs)
        finally:
            set_recording(previous)
        if not previous:
            return result
        outputs = tuple(result) if isinstance(result, (list, tuple)) else (result,)
        hub = _FunctionNode()
        hub._node = None
        array = type(outputs[0])

        def backward(grads: _OutputGrads) -> tuple:
            output_grads = [array(grads[i] if i in grads else y._ctx.xp.zeros_like(y._data), y._ctx)
                            for i, y in enumerate(outputs)]
            input_grads = self.backward(*output_grads)
            if isinstance(input_grads, array):
                input_grads = (input_grads,)
            if not isinstance(input_grads, (list, tuple)) or len(input_grads) != len(inputs):
                raise MXNetError(
                    '%s.backward must return exactly the same number of NDArrays as the number '
                    'of NDArrays arguments to forward.Expecting %d got %s'
                    % (type(self).__name__, len(inputs), len(input_grads)
                       if isinstance(input_grads, (list, tuple)) else type(input_grads).__name__))
            for g in input_grads:
                if not isinstance(g, array):
                    raise MXNetError('autograd.Function.backward must return NDArrays, not %s'
                                     % type(g))
            return tuple(g._data for g in input_grads)
        record_node(hub, type(self).__name__, backward, inputs)
        if hub._node is not None:
            for i, y in enumerate(outputs):
                y._node = Node(type(self).__name__, lambda g, i=i: (_OutputGrads({i: g}),), (hub,))
        return result
