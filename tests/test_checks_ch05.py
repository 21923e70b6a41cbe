"""The chapter 5 checks pass the reference solutions and explain typical wrong answers."""
import os
import struct

import pytest

from minigluon import nd
from minigluon.gluon import nn
from workbook.checks import ExerciseFailed
from workbook.checks import ch05


class MLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu')
        self.output = nn.Dense(10)

    def forward(self, x):
        return self.output(self.hidden(x))


def _fails(check, *args, fragments=()):
    with pytest.raises(ExerciseFailed) as info:
        check(*args)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


# ----- 05.1 ---------------------------------------------------------------------------------
def clone_via_file(net, filename):
    net.save_parameters(filename)
    clone = MLP()
    clone.load_parameters(filename)
    return clone


def test_check_1_passes_the_reference(capsys):
    ch05.check_1(clone_via_file, MLP)
    assert 'PASSED exercise 05.1' in capsys.readouterr().out


def test_check_1_explains_typical_mistakes():
    _fails(ch05.check_1, lambda net, f: net, MLP, fragments=['returned net itself'])

    def initialized_only(net, filename):
        net.save_parameters(filename)
        clone = MLP()
        clone.initialize()
        return clone
    _fails(ch05.check_1, initialized_only, MLP, fragments=['initialized, not loaded'])

    def not_saved(net, filename):
        net.save_parameters(filename + '.other')
        clone = MLP()
        clone.load_parameters(filename + '.other')
        return clone
    _fails(ch05.check_1, not_saved, MLP, fragments=['no file at the filename'])

    def uninitialized(net, filename):
        net.save_parameters(filename)
        return MLP()
    _fails(ch05.check_1, uninitialized, MLP, fragments=['running the clone raised'])

    def legacy(net, filename):
        net.collect_params().save(filename)
        return MLP()
    _fails(ch05.check_1, legacy, MLP, fragments=['structural keys'])

    def crashes(net, filename):
        raise KeyError('oops')
    _fails(ch05.check_1, crashes, MLP, fragments=['raised KeyError'])
    _fails(ch05.check_1, clone_via_file, 'MLP', fragments=['pass the MLP class'])


# ----- 05.2 ---------------------------------------------------------------------------------
def _sequential():
    net = nn.Sequential()
    net.add(nn.Dense(256, activation='relu'), nn.Dense(10))
    return net


def mlp_file_to_sequential(filename):
    renamed = {k.replace('hidden.', '0.').replace('output.', '1.'): v
               for k, v in nd.load(filename).items()}
    new_file = filename + '.seq'
    nd.save(new_file, renamed)
    net = _sequential()
    net.load_parameters(new_file)
    os.remove(new_file)
    return net


def test_check_2_passes_the_reference(capsys):
    ch05.check_2(mlp_file_to_sequential, MLP)
    assert 'PASSED exercise 05.2' in capsys.readouterr().out


def test_check_2_explains_typical_mistakes():
    def no_rename(filename):
        net = _sequential()
        net.load_parameters(filename)
        return net
    _fails(ch05.check_2, no_rename, MLP, fragments=["'0.weight'", 'hidden.weight'])

    def swapped(filename):
        renamed = {k.replace('hidden.', '1.').replace('output.', '0.'): v
                   for k, v in nd.load(filename).items()}
        nd.save(filename + '.seq', renamed)
        net = _sequential()
        net.load_parameters(filename + '.seq')
        return net
    _fails(ch05.check_2, swapped, MLP, fragments=['raised'])

    def no_relu(filename):
        renamed = {k.replace('hidden.', '0.').replace('output.', '1.'): v
                   for k, v in nd.load(filename).items()}
        nd.save(filename, renamed)
        net = nn.Sequential()
        net.add(nn.Dense(256), nn.Dense(10))
        net.load_parameters(filename)
        return net
    _fails(ch05.check_2, no_relu, MLP, fragments=["Dense(256, activation='relu')"])

    def fresh(filename):
        net = _sequential()
        net.initialize()
        return net
    _fails(ch05.check_2, fresh, MLP, fragments=['not the ones in the file'])


# ----- 05.3 ---------------------------------------------------------------------------------
_SIZES = {0: 4, 1: 8, 2: 2, 3: 1, 4: 4, 5: 1, 6: 8, 7: 1}


def describe(buf):
    _, _, count = struct.unpack_from('<QQQ', buf, 0)
    pos, shapes = 24, []
    for _ in range(count):
        _, _, ndim = struct.unpack_from('<Iii', buf, pos)
        pos += 12
        shape = struct.unpack_from('<%dq' % ndim, buf, pos)
        pos += 8 * ndim
        _, _, flag = struct.unpack_from('<iii', buf, pos)
        pos += 12
        size = _SIZES[flag]
        for d in shape:
            size *= d
        pos += size
        shapes.append(tuple(shape))
    (num_names,) = struct.unpack_from('<Q', buf, pos)
    pos += 8
    names = []
    for _ in range(num_names):
        (length,) = struct.unpack_from('<Q', buf, pos)
        names.append(buf[pos + 8:pos + 8 + length].decode('utf-8'))
        pos += 8 + length
    return list(zip(names or [None] * count, shapes))


def test_check_3_passes_the_reference(capsys):
    ch05.check_3(describe)
    assert 'PASSED exercise 05.3' in capsys.readouterr().out


def test_check_3_explains_typical_mistakes():
    def float32_only(buf):  # every element taken as 4 bytes: breaks on float64 and int8
        _, _, count = struct.unpack_from('<QQQ', buf, 0)
        pos, shapes = 24, []
        for _ in range(count):
            ndim = struct.unpack_from('<i', buf, pos + 8)[0]
            shape = struct.unpack_from('<%dq' % ndim, buf, pos + 12)
            size = 4
            for d in shape:
                size *= d
            pos += 12 + 8 * ndim + 12 + size
            shapes.append(tuple(shape))
        num = struct.unpack_from('<Q', buf, pos)[0]
        pos += 8
        names = []
        for _ in range(num):
            length = struct.unpack_from('<Q', buf, pos)[0]
            names.append(buf[pos + 8:pos + 8 + length].decode('utf-8'))
            pos += 8 + length
        return list(zip(names or [None] * count, shapes))
    _fails(ch05.check_3, float32_only, fragments=['2-D float64', 'raised'])

    def names_ignored(buf):
        return [(None, shape) for _, shape in describe(buf)]
    _fails(ch05.check_3, names_ignored, fragments=["[('x', (4,)), ('y', (4,))]"])

    _fails(ch05.check_3, lambda buf: len(buf), fragments=['list of (name, shape) pairs'])

    def via_load(buf):  # not parsing at all, but the answer is right: allowed
        import tempfile
        path = tempfile.mktemp()
        with open(path, 'wb') as f:
            f.write(buf)
        data = nd.load(path)
        os.remove(path)
        if isinstance(data, dict):
            return [(k, v.shape) for k, v in data.items()]
        return [(None, v.shape) for v in data]
    ch05.check_3(via_load)
