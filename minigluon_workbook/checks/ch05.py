"""Checks for chapter 5, reading and writing (读取和存储).

- 05.1 ``check_1(my_encode)``: the bytes of ``nd.save`` for an array, a list or a dict,
  written with ``struct``.
- 05.2 ``check_2(mlp_file_to_sequential, MLP)``: rename the structural keys of an MLP's file
  so that an equivalent ``nn.Sequential`` can load it.
- 05.3 ``check_3(describe)``: read the names and shapes in an ``nd.save`` file from its bytes.
"""
from __future__ import annotations

import os
import shutil
import tempfile

import numpy as np

from minigluon import nd
from minigluon.gluon import Block, nn
from minigluon.ndarray import NDArray, utils

from . import Check, ExerciseFailed, call, expect, floats, mentions, rng
from .ch01 import _types
from .ch02 import seeded_init

# Its judges run in the grader's process only; the sandbox cannot import them.
JUDGES = 'minigluon_workbook.judges.ch05'


# The chapter's MLP: hidden = Dense(256, activation='relu'), output = Dense(10), on 20 features.
_MLP_SHAPES = {'hidden.weight': (256, 20), 'hidden.bias': (256,),
               'output.weight': (10, 256), 'output.bias': (10,)}


def _draw(seed):
    """The MLP's parameters by structural key, and a batch X (2, 20)."""
    stream = rng(seed)
    params = {key: stream.uniform(-0.2, 0.2, shape).astype(np.float32)
              for key, shape in sorted(_MLP_SHAPES.items())}
    return params, stream.uniform(-1, 1, (2, 20)).astype(np.float32)


def _reference_net(MLP, what: str, seed: int):
    """An instance of the student's MLP holding the seed's parameters, and the seed's batch."""
    expect(isinstance(MLP, type) and issubclass(MLP, Block),
           'pass the MLP class of the chapter as %s (a Block subclass), not %r' % (what, MLP))
    net = call('running the MLP class you passed', _run_fresh, MLP)
    shapes = {key: p.shape for key, p in net._collect_params_with_prefix().items()}
    expect(shapes == _MLP_SHAPES, 'the MLP you passed has the parameters %s; expected the '
           "chapter's MLP, whose parameters are %s" % (shapes, _MLP_SHAPES))
    params, X = _draw(seed)
    for key, param in net._collect_params_with_prefix().items():
        param.set_data(nd.array(params[key]))
    return net, nd.array(X)


def _run_fresh(MLP):
    """A new ``MLP()``, initialized and run once (which completes deferred initialization)."""
    net = MLP()
    net.initialize()
    net(nd.zeros((2, 20)))
    return net


def _outputs(Y2, what: str) -> dict:
    expect(isinstance(Y2, NDArray), '%s returned a %s; expected an NDArray'
           % (what, type(Y2).__name__))
    return {'out_shape': list(Y2.shape), 'out': floats(Y2) if Y2.shape == (2, 10) else []}


# ----- 05.1 (observe/judge protocol) -------------------------------------------------------
_DTYPES_1 = ('float32', 'float64', 'int32', 'uint8', 'int64', 'float16', 'int8')


def _cases_1(seed):
    """What 05.1 encodes: one array, a list, a dict and odd shapes, values from the seed."""
    stream = rng(seed)

    def array(shape, dtype):
        return nd.array(stream.uniform(-9, 9, shape).astype(dtype), dtype=dtype)

    dtypes = [_DTYPES_1[i] for i in stream.permutation(len(_DTYPES_1))]
    return [('one float32 array', array((4,), 'float32')),
            ('a list of two arrays', [array((2, 3), 'float32'), array((3,), dtypes[0])]),
            ('a dict of two arrays', {'weight': array((2, 2), dtypes[1]),
                                      'bias': array((2,), dtypes[2])}),
            ('a dict with a 0-d array, an empty array and a 3-d array',
             {'scalar': array((), dtypes[3]), 'empty': array((0, 3), 'float32'),
              'cube': array((2, 1, 2), dtypes[4]), '名字': array((1,), dtypes[5])})]


# 05.1 and 05.3 ask for the file format by hand: not through minigluon's own writer and reader.
_WRITER_1 = (('nd.save', nd, 'save'), ('ndarray.utils.save', utils, 'save'),
             ('ndarray.utils._encode', utils, '_encode'), ('ndarray.utils.atomic_write', utils, 'atomic_write'),
             ('ndarray.utils.array_to_bytes', utils, 'array_to_bytes'))
_READER_3 = (('nd.load', nd, 'load'), ('nd.load_frombuffer', nd, 'load_frombuffer'),
             ('ndarray.utils.load', utils, 'load'), ('ndarray.utils.load_frombuffer', utils, 'load_frombuffer'),
             ('ndarray.utils._read_array', utils, '_read_array'),
             ('ndarray.utils.array_from_bytes', utils, 'array_from_bytes'))


def observe_1(my_encode, seed: int) -> dict:
    """The bytes ``my_encode`` returns for each case, as hexadecimal text."""
    data = {}
    for i, (what, value) in enumerate(_cases_1(seed)):
        out = call('my_encode(%s)' % what, my_encode, value, without=_WRITER_1)
        expect(isinstance(out, (bytes, bytearray)), 'my_encode(%s) returned a %s; expected bytes '
               '(join the pieces with b"".join)' % (what, type(out).__name__))
        data['hex%d' % i] = bytes(out).hex()
    data['review'] = mentions(my_encode, _WRITER_1)
    return data


check_1 = Check('05.1', observe_1, JUDGES)


# ----- 05.2 ---------------------------------------------------------------------------------
def observe_2(mlp_file_to_sequential, MLP, seed: int) -> dict:
    """05.2: the outputs of the Sequential made from the file of an MLP with the seed's parameters."""
    net, X = _reference_net(MLP, 'the second argument', seed)
    folder = tempfile.mkdtemp(prefix='check05-2-')
    filename = os.path.join(folder, 'mlp.params')
    try:
        net.save_parameters(filename)
        before = sorted(os.listdir(folder))
        seq = call('mlp_file_to_sequential(filename)', mlp_file_to_sequential, filename,
                   hint=". The file has the keys %s; a Sequential's parameters are called "
                   "'0.weight', '0.bias', '1.weight', '1.bias'" % list(nd.load(filename)))
        expect(isinstance(seq, Block) and type(seq).__name__ in ('Sequential', 'HybridSequential'),
               'mlp_file_to_sequential returned a %s; expected an nn.Sequential'
               % type(seq).__name__)
        expect(len(seq) == 2, 'your Sequential has %d layers; expected 2, Dense(256, '
               "activation='relu') and Dense(10)" % len(seq))
        Y2 = call('running your Sequential', seq, X, hint=': did you load the parameters into it?')
        hidden, loaded = seq[0].weight.data().asnumpy(), net.hidden.weight.data().asnumpy()
        return dict(_outputs(Y2, 'your Sequential'),
                    same_weights=hidden.shape == loaded.shape and bool(np.array_equal(hidden, loaded)),
                    file_changed=nd.load(filename).keys() != net._collect_params_with_prefix().keys(),
                    stray=[f for f in sorted(os.listdir(folder)) if f not in before])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


check_2 = Check('05.2', observe_2, JUDGES)


# ----- 05.3 ---------------------------------------------------------------------------------
def _cases(seed):
    """(description, what to save, the expected [(name, shape)]): fixed cases, and for a
    grader's seed one more with names and shapes drawn from it."""
    x = nd.arange(4)
    cases = [
        ('nd.save(f, nd.arange(4))', x, [(None, (4,))]),
        ('nd.save(f, [x, y])', [x, nd.zeros(4)], [(None, (4,)), (None, (4,))]),
        ("nd.save(f, {'x': x, 'y': y})", {'x': x, 'y': nd.zeros(4)}, [('x', (4,)), ('y', (4,))]),
        ("nd.save(f, {'w': 2-D float64, 'b': int8, 'c': 0-d})",
         {'w': nd.ones((2, 3), dtype='float64'), 'b': nd.array([1, 2, 3], dtype='int8'),
          'c': nd.array(5)}, [('w', (2, 3)), ('b', (3,)), ('c', ())]),
        ("nd.save(f, {'名字': x})", {'名字': x}, [('名字', (4,))]),
        ('nd.save(f, [])', [], []),
    ]
    if seed != 0:
        stream = rng(seed)
        shapes = [tuple(int(d) for d in stream.randint(1, 5, int(stream.randint(0, 4)))) for _ in range(3)]
        names = ['p%d_%d' % (i, stream.randint(1000)) for i in range(3)]
        cases.append(('nd.save(f, {%s})' % ', '.join(names), {n: nd.ones(s) for n, s in zip(names, shapes)},
                      list(zip(names, shapes))))
    return cases


def observe_3(describe, seed: int) -> dict:
    """05.3: what describe(buf) returns for the bytes of each case's nd.save file."""
    folder = tempfile.mkdtemp(prefix='check05-3-')
    results = []
    try:
        for what, data, expected in _cases(seed):
            path = os.path.join(folder, 'f')
            nd.save(path, data)
            with open(path, 'rb') as f:
                buf = f.read()
            got = call('describe(buf) for the %d bytes of %s' % (len(buf), what), describe, buf,
                       without=_READER_3)
            try:
                got = [[n if n is None else str(n), [int(d) for d in s]] for n, s in got]
            except Exception:
                raise ExerciseFailed('describe(buf) for %s returned %r; expected a list of '
                                     '(name, shape) pairs such as %r' % (what, got, expected)) from None
            results.append({'pairs': got, 'size': len(buf)})
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {'results': results, 'review': mentions(describe, _READER_3)}


check_3 = Check('05.3', observe_3, JUDGES)


# ----- 05.5 (build track: the student's parameters in MXNet's file format) -----------------
_KEYS_5 = ('0.weight', '0.bias', '2.weight', '2.bias')
_NET_5 = 'Sequential(Linear(4), ReLU(), Linear(2))'
# The file format by hand, as in 05.1 and 05.3: no minigluon writer or reader.
_FORMAT_5 = _WRITER_1 + _READER_3 + (('Block.save_parameters', Block, 'save_parameters'),
                                     ('Block.load_parameters', Block, 'load_parameters'))


def _draw_5(seed):
    """The input width (3 to 6), X (5, width), and the weights of the net to load, in _KEYS_5
    order."""
    width = 3 + seed % 4
    stream = rng(seed + 1)
    X = stream.uniform(-1, 1, (5, width)).astype(np.float32)
    loaded = [stream.uniform(-1, 1, s).astype(np.float32) for s in ((4, width), (4,), (2, 4), (2,))]
    return width, X, loaded


def observe_5(Var, Sequential, ReLU, Linear, initialize, save_parameters, load_parameters,
              seed: int) -> dict:
    """The bytes save_parameters writes for a net initialized from the seed's stream; then a file
    that minigluon's save_parameters wrote for weights from the seed, loaded into a fresh net
    with load_parameters: its parameters and output."""
    _types(Var=Var, Sequential=Sequential, ReLU=ReLU, Linear=Linear)
    for name, fn in (('save_parameters', save_parameters), ('load_parameters', load_parameters)):
        expect(callable(fn), '%s should be a function %s(module, fname)' % (name, name))
    width, X, loaded = _draw_5(seed)

    def fresh():
        net = Sequential(Linear(4), ReLU(), Linear(2))
        init, _ = seeded_init(seed)
        initialize(net, init)
        net(Var(X))
        return net

    folder = tempfile.mkdtemp()
    try:
        net = call('building %s, initialize and a first forward' % _NET_5, fresh)
        path = os.path.join(folder, 'mine.params')
        call('save_parameters(net, fname)', save_parameters, net, path, without=_FORMAT_5)
        expect(os.path.isfile(path), 'save_parameters(net, fname) wrote no file at fname')
        with open(path, 'rb') as f:
            written = f.read(1 << 16)
        theirs = nn.Sequential()
        theirs.add(nn.Dense(4, in_units=width), nn.Activation('relu'), nn.Dense(2, in_units=4))
        theirs.initialize()
        for p, value in zip(theirs.collect_params().values(), loaded):
            p.set_data(nd.array(value))
        their_path = os.path.join(folder, 'minigluon.params')
        theirs.save_parameters(their_path)
        net2 = call('building a second %s' % _NET_5, fresh)
        call("load_parameters(net2, fname) on a file minigluon's save_parameters wrote",
             load_parameters, net2, their_path, without=_FORMAT_5)
        params = call('net2.named_parameters()', net2.named_parameters)
        expect(isinstance(params, dict) and [str(k) for k in params] == list(_KEYS_5),
               'net2.named_parameters() has the keys %s; expected %s'
               % (list(params) if isinstance(params, dict) else params, list(_KEYS_5)))
        out = call('net2(Var(X)) after load_parameters', lambda: net2(Var(X)))
        return {'hex': written.hex(), 'loaded': {k: floats(p.value) for k, p in params.items()},
                'out': floats(getattr(out, 'value', np.zeros(0))),
                'review': mentions(save_parameters, _FORMAT_5) + mentions(load_parameters, _FORMAT_5)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


check_5 = Check('05.5', observe_5, JUDGES)
