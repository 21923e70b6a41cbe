"""The chapter 5 checks pass the reference solutions and explain typical wrong answers."""
import os
import struct

import numpy as np
import pytest

from minigluon import nd
from minigluon.gluon import nn
from minigluon_workbook.checks import ExerciseFailed
from minigluon_workbook.judges import Data, Malformed
from minigluon_workbook.checks import ch05


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
TYPE_FLAGS = {np.float32: 0, np.float64: 1, np.float16: 2, np.uint8: 3, np.int32: 4,
              np.int8: 5, np.int64: 6}


def my_encode(data):
    if isinstance(data, nd.NDArray):
        data = [data]
    arrays = list(data.values()) if isinstance(data, dict) else list(data)
    names = list(data.keys()) if isinstance(data, dict) else []
    out = [struct.pack('<QQQ', 0x112, 0, len(arrays))]
    for a in arrays:
        values = a.asnumpy()
        out.append(struct.pack('<Iii', 0xF993FAC9, 0, values.ndim))
        out.append(struct.pack('<%dq' % values.ndim, *values.shape))
        out.append(struct.pack('<iii', 1, a.context.device_id, TYPE_FLAGS[a.dtype]))
        out.append(values.astype(values.dtype.newbyteorder('<')).tobytes())
    out.append(struct.pack('<Q', len(names)))
    for name in names:
        out.append(struct.pack('<Q', len(name.encode())) + name.encode())
    return b''.join(out)


def test_check_1_passes_the_reference(capsys):
    ch05.check_1(my_encode)
    assert 'PASSED exercise 05.1' in capsys.readouterr().out


def test_check_1_explains_typical_mistakes():
    def big_endian(data):
        return my_encode(data)[:8][::-1] + my_encode(data)[8:]
    _fails(ch05.check_1, big_endian, fragments=['first differ at byte 0', 'in the file magic (0x112)'])

    def name_chars(data):  # the length of a name in characters, not in UTF-8 bytes
        out = my_encode(data)
        if isinstance(data, dict) and '名字' in data:
            return out.replace(struct.pack('<Q', 6) + '名字'.encode(),
                               struct.pack('<Q', 2) + '名字'.encode())
        return out
    _fails(ch05.check_1, name_chars, fragments=['0-d array', 'differ at byte', "'s length: yours 02"])

    def float32_only(data):
        if isinstance(data, dict):
            data = {k: v.astype('float32') for k, v in data.items()}
        elif isinstance(data, list):
            data = [v.astype('float32') for v in data]
        return my_encode(data)
    _fails(ch05.check_1, float32_only, fragments=['nd.save writes', "'s dtype code"])
    _fails(ch05.check_1, lambda data: my_encode(data).hex(), fragments=['returned a str'])
    _fails(ch05.check_1, lambda data: data.keys(), fragments=['raised AttributeError'])


def test_check_1_judges_from_the_seed():
    data = ch05.check_1.observe(my_encode, seed=4)
    assert 'same bytes' in ch05.check_1.judge(Data(data), 4)
    with pytest.raises(ExerciseFailed):
        ch05.check_1.judge(Data(data), 5)
    with pytest.raises(ExerciseFailed):
        ch05.check_1.judge(Data(dict(data, hex0='zz')), 4)
    with pytest.raises(Malformed):
        ch05.check_1.judge(Data(dict(data, hex1=12)), 4)


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

    def via_load(buf):  # not parsing at all: the exercise asks to parse, so nd.load is refused
        import tempfile
        path = tempfile.mktemp()
        with open(path, 'wb') as f:
            f.write(buf)
        data = nd.load(path)
        os.remove(path)
        if isinstance(data, dict):
            return [(k, v.shape) for k, v in data.items()]
        return [(None, v.shape) for v in data]
    _fails(ch05.check_3, via_load, fragments=['build it yourself: your code called nd.load'])


# ----- 05.5 (build track) -------------------------------------------------------------------
from build_track import PIECES, framework  # noqa: E402

SOURCE = dict(PIECES)


def build_5(**edits):
    """The reference framework of chapter 5, with pieces edited: {piece: (old, new)}."""
    f = framework(5, {name: SOURCE[name].replace(*edit) for name, edit in edits.items()})
    return f.Var, f.Sequential, f.ReLU, f.Linear, f.initialize, f.save_parameters, f.load_parameters


def test_check_5_passes(capsys):
    ch05.check_5(*build_5())
    assert 'PASSED exercise 05.5' in capsys.readouterr().out


@pytest.mark.parametrize('edits, message', [
    ({'P5_SAVE': ("struct.pack('<iii', 1, 0, 0)", "struct.pack('<iii', 1, 0, 1)")}, r'first differ at byte 60'),
    ({'P5_SAVE': ("len(name.encode())) + name.encode()", "len(name))")}, r'first differ'),
    ({'P5_SAVE': ("dtype='<f4'", "dtype='<f8'")}, r'first differ'),
    ({'P5_LOAD': ("params[name].value = value.astype(np.float32)", "pass")}, r'after load_parameters'),
])
def test_check_5_fails_readably(edits, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch05.check_5(*build_5(**edits))


def test_check_5_refuses_minigluon_writing_the_file():
    Var, Sequential, ReLU, Linear, initialize, save, load = build_5()

    def delegating(module, fname):
        nd.save(fname, {k: nd.array(p.value) for k, p in module.named_parameters().items()})
    with pytest.raises(ExerciseFailed, match='build it yourself: your code called nd.save'):
        ch05.check_5(Var, Sequential, ReLU, Linear, initialize, delegating, load)


def test_check_5_refuses_forged_data():
    data = ch05.check_5.observe(*build_5(), seed=3)
    for key in ('hex', 'loaded', 'out'):
        forged = dict(data)
        del forged[key]
        with pytest.raises((ExerciseFailed, Malformed)):
            ch05.check_5.judge(Data(forged), 3)
    with pytest.raises((ExerciseFailed, Malformed)):
        ch05.check_5.judge(Data(dict(data, hex='zz')), 3)
    with pytest.raises(ExerciseFailed):
        ch05.check_5.judge(Data(data), 4)
