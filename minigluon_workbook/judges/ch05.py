"""Judges for chapter 05 (reading and writing): they run only in the grader's process; what each exercise
observes is in ``minigluon_workbook/checks/ch05.py``."""
from __future__ import annotations

import os
import shutil
import tempfile

import numpy as np

from minigluon import nd
from minigluon.gluon import nn

from ..checks import ExerciseFailed, expect, rng
from ..checks.ch05 import _KEYS_5, _cases, _cases_1, _draw, _draw_5
from . import Data, Malformed, close
from .ch01 import _fmt as _fmt_bt


def _mlp_output(seed) -> np.ndarray:
    """What the chapter's MLP computes on the seed's batch with the seed's parameters."""
    p, X = _draw(seed)
    hidden = np.maximum(X @ p['hidden.weight'].T + p['hidden.bias'], 0)
    return hidden @ p['output.weight'].T + p['output.bias']


def _same_outputs(data, seed: int, what: str) -> bool:
    shape = data.shape('out_shape')
    expect(shape == (2, 10), '%s has shape %s; expected %s' % (what, shape, (2, 10)))
    return close(data.array('out', (2, 10)), _mlp_output(seed), rtol=1e-4, atol=1e-5)


def _fields(buf: bytes) -> list[tuple[int, int, str]]:
    """(start, end, what) of every field of an nd.save file (one that nd.save wrote)."""
    fields, at = [], 0

    def take(size: int, what: str) -> int:
        nonlocal at
        value = int.from_bytes(buf[at:at + min(size, 8)], 'little', signed=True)
        fields.append((at, at + size, what))
        at += size
        return value

    take(8, 'the file magic (0x112)')
    take(8, 'the reserved field (0)')
    for k in range(take(8, 'the number of arrays')):
        take(4, 'array %d\'s magic (0xF993FAC9)' % k)
        take(4, 'array %d\'s storage type (0: dense)' % k)
        ndim = take(4, 'array %d\'s number of dimensions' % k)
        size = 1
        for d in range(ndim):
            size *= take(8, 'array %d\'s dimension %d' % (k, d))
        take(4, 'array %d\'s device type (1: cpu)' % k)
        take(4, 'array %d\'s device id' % k)
        flag = take(4, 'array %d\'s dtype code (0 float32, 1 float64, 2 float16, 3 uint8, '
                    '4 int32, 5 int8, 6 int64)' % k)
        itemsize = {0: 4, 1: 8, 2: 2, 3: 1, 4: 4, 5: 1, 6: 8}.get(flag, 4)
        take(size * itemsize, 'array %d\'s values (%d bytes, C order)' % (k, size * itemsize))
    for k in range(take(8, 'the number of names')):
        length = take(8, 'name %d\'s length' % k)
        take(length, 'name %d\'s UTF-8 bytes' % k)
    return fields


def _field_at(buf: bytes, offset: int) -> str:
    """Which field of the nd.save file ``buf`` byte ``offset`` belongs to, for the message."""
    return next((what for start, end, what in _fields(buf) if start <= offset < end),
                'the end of the file (yours is longer)')


def judge_1(data, seed: int) -> str:
    sizes = []
    for i, (what, value) in enumerate(_cases_1(seed)):
        folder = tempfile.mkdtemp(prefix='judge05-1-')
        try:
            nd.save(os.path.join(folder, 'f'), value)
            with open(os.path.join(folder, 'f'), 'rb') as f:
                want = f.read()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        text = data.str('hex%d' % i, limit=2 * len(want) + 2)
        try:
            got = bytes.fromhex(text)
        except ValueError:
            raise ExerciseFailed('my_encode(%s) did not return bytes' % what) from None
        if got != want:
            first = next((k for k, (a, b) in enumerate(zip(got, want)) if a != b),
                         min(len(got), len(want)))
            raise ExerciseFailed('my_encode(%s) gives %d bytes, nd.save writes %d; they first '
                                 'differ at byte %d, in %s: yours %s, expected %s'
                                 % (what, len(got), len(want), first, _field_at(want, first),
                                    got[first:first + 8].hex(' '), want[first:first + 8].hex(' ')))
        sizes.append(len(want))
    return 'the same bytes as nd.save for all %d cases (%s bytes)' % (
        len(sizes), ', '.join(map(str, sizes)))


def judge_2(data, seed: int) -> str:
    if not _same_outputs(data, seed, 'your Sequential'):
        if data.bool('same_weights'):
            raise ExerciseFailed("your Sequential has the MLP's weights but other outputs: "
                                 "is the first layer Dense(256, activation='relu')?")
        raise ExerciseFailed("your Sequential's outputs differ from the MLP's: its weights "
                             "are not the ones in the file ('hidden.*' should become '0.*' "
                             "and 'output.*' '1.*')")
    expect(not data.bool('file_changed'),
           'the MLP file was changed; write the renamed parameters to a new file')
    stray = data.strs('stray')
    expect(len(stray) <= 1, 'your function left %d new files next to the MLP file: %s'
           % (len(stray), stray))
    return 'the Sequential gives the same outputs as the MLP it was saved from'


def _pairs(raw) -> list:
    if not isinstance(raw, list) or len(raw) > 1000:
        raise Malformed('the observation: pairs is not a list')
    pairs = []
    for pair in raw:
        if not (isinstance(pair, list) and len(pair) == 2 and (pair[0] is None or isinstance(pair[0], str))):
            raise Malformed('the observation: %r is not a (name, shape) pair' % (pair,))
        pairs.append((pair[0], Data({'shape': pair[1]}).shape('shape')))
    return pairs


def judge_3(data, seed: int) -> str:
    cases = _cases(seed)
    results = data.list('results', len(cases))
    expect(len(results) == len(cases), 'describe ran on %d files; expected %d' % (len(results), len(cases)))
    for (what, _, expected), result in zip(cases, results):
        got = _pairs(result._get('pairs'))
        expect(got == expected, 'for %s (%d bytes), describe returned %r; expected %r'
               % (what, result.int('size'), got, expected))
    return ('names and shapes read right from %d files (1-D, 2-D, 0-d; float32, float64, int8; '
            'named and unnamed)' % len(cases))


# ----- 05.5 (build track) ------------------------------------------------------------------
def _minigluon_bytes_5(seed) -> bytes:
    """What minigluon's save_parameters writes for the same net, with the same weights."""
    width, _, _ = _draw_5(seed)
    stream = rng(seed)
    W1, W2 = (stream.uniform(-1, 1, s).astype(np.float32) for s in ((4, width), (2, 4)))
    net = nn.Sequential()
    net.add(nn.Dense(4, in_units=width), nn.Activation('relu'), nn.Dense(2, in_units=4))
    net.initialize()
    for p, value in zip(net.collect_params().values(), (W1, np.zeros(4), W2, np.zeros(2))):
        p.set_data(nd.array(value))
    folder = tempfile.mkdtemp()
    try:
        path = os.path.join(folder, 'net.params')
        net.save_parameters(path)
        with open(path, 'rb') as f:
            return f.read()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def judge_5(data, seed: int) -> str:
    text = data.str('hex', 1 << 17)
    try:
        got = bytes.fromhex(text)
    except ValueError:
        raise Malformed('the observation: hex is not hexadecimal') from None
    want = _minigluon_bytes_5(seed)
    if got != want:
        at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        raise ExerciseFailed('your save_parameters wrote %d bytes; minigluon\'s save_parameters writes '
                             '%d for the same net, and they first differ at byte %d (yours: %s, '
                             'minigluon\'s: %s): header (24 bytes), then each array (magic, 0, ndim, '
                             'shape as int64, device 1 0, type flag 0, float32 values), then the '
                             'names, each as its length and UTF-8 bytes'
                             % (len(got), len(want), at, got[at:at + 8].hex() or 'the end',
                                want[at:at + 8].hex() or 'the end'))
    width, X, loaded = _draw_5(seed)
    values = data.sub('loaded')
    for key, want_value in zip(_KEYS_5, loaded):
        value = values.array(key)
        expect(value.shape == want_value.shape and close(value, want_value, rtol=0, atol=0),
               'after load_parameters on a file minigluon wrote, %s is %s; expected %s'
               % (key, _fmt_bt(value), _fmt_bt(want_value)))
    W1, b1, W2, b2 = loaded
    want_out = np.maximum(X @ W1.T + b1, 0) @ W2.T + b2
    out = data.array('out')
    expect(out.shape == want_out.shape and close(out, want_out, rtol=1e-4, atol=1e-5),
           'after load_parameters, net2(X) is %s; expected %s' % (_fmt_bt(out), _fmt_bt(want_out)))
    return 'your save_parameters writes the very bytes of minigluon\'s (%d), and your ' \
        'load_parameters reads minigluon\'s file' % len(want)
