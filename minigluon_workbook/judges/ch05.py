"""Judges for chapter 05 (reading and writing): they run only in the grader's process; what each exercise
observes is in ``minigluon_workbook/checks/ch05.py``."""
from __future__ import annotations

import os
import shutil
import tempfile

import numpy as np

from minigluon import nd

from ..checks import ExerciseFailed, expect
from ..checks.ch05 import _cases, _cases_1, _draw
from . import Data, Malformed, close


def _mlp_output(seed) -> np.ndarray:
    """What the chapter's MLP computes on the seed's batch with the seed's parameters."""
    p, X = _draw(seed)
    hidden = np.maximum(X @ p['hidden.weight'].T + p['hidden.bias'], 0)
    return hidden @ p['output.weight'].T + p['output.bias']


def _same_outputs(data, seed: int, what: str) -> bool:
    shape = data.shape('out_shape')
    expect(shape == (2, 10), '%s has shape %s; expected %s' % (what, shape, (2, 10)))
    return close(data.array('out', (2, 10)), _mlp_output(seed), rtol=1e-4, atol=1e-5)


def _field_at(offset: int) -> str:
    """The field of the nd.save layout that byte ``offset`` belongs to, for the message."""
    if offset < 24:
        return 'the file header (magic 0x112, reserved 0, number of arrays)'
    return 'an array header, its values or the names (compare with the layout above)'


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
                                 % (what, len(got), len(want), first, _field_at(first),
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

