"""gluon.data and gluon.utils: the rules that hold for every input, damaged files, offline use.

What MXNet 1.9.1 prints for the same calls (orders of seeded shuffles, dtypes, messages,
Resize's pixels) is checked by the differential area 'data' (tests/differential/cases_data.py).
"""
import gzip
import hashlib
import os
import socket
import struct

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigluon as mx
from minigluon import nd
from minigluon.base import MXNetError
from minigluon.gluon import data as gdata, utils as gutils
from minigluon.gluon.data.vision import datasets, transforms

sizes = st.integers(min_value=0, max_value=40)
batch_sizes = st.integers(min_value=1, max_value=12)
last_batches = st.sampled_from(['keep', 'discard', 'rollover'])


# ----- samplers and the DataLoader ------------------------------------------------------------
@given(sizes, batch_sizes, last_batches, st.integers(1, 4))
def test_batch_sampler_visits_every_index_as_last_batch_says(n, batch_size, last, epochs):
    sampler = gdata.BatchSampler(gdata.SequentialSampler(n), batch_size, last)
    passes = []
    for _ in range(epochs):
        expected_len = len(sampler)
        batches = list(sampler)
        assert len(batches) == expected_len
        passes.append(batches)
    flat = [i for batches in passes for batch in batches for i in batch]
    if last == 'keep':
        assert all(flat[e * n:(e + 1) * n] == list(range(n)) for e in range(epochs))
        assert all(len(b) == batch_size for p in passes for b in p[:-1])
    elif last == 'discard':
        assert all(b == list(range(i * batch_size, (i + 1) * batch_size))
                   for p in passes for i, b in enumerate(p))
        assert len(flat) == epochs * (n - n % batch_size)
    else:  # rollover: the stream of all epochs, cut into full batches, nothing lost or repeated
        assert all(len(b) == batch_size for p in passes for b in p)
        stream = list(range(n)) * epochs
        assert flat == stream[:len(flat)] and len(stream) - len(flat) < batch_size


@given(sizes, batch_sizes, last_batches, st.integers(0, 2 ** 32 - 1))
def test_shuffled_loader_gives_each_sample_once_per_epoch(n, batch_size, last, seed):
    loader = gdata.DataLoader(gdata.SimpleDataset(list(range(n))), batch_size, shuffle=True,
                              last_batch='keep' if last == 'rollover' else last)
    np.random.seed(seed)
    seen = [int(i) for batch in loader for i in batch.asnumpy()]
    if last == 'discard':
        assert len(seen) == n - n % batch_size and len(set(seen)) == len(seen)
    else:
        assert sorted(seen) == list(range(n))


@given(sizes, st.integers(0, 2 ** 32 - 1))
def test_random_sampler_is_numpys_shuffle_of_arange(n, seed):
    np.random.seed(seed)
    got = [int(i) for i in gdata.RandomSampler(n)]
    assert got == np.random.RandomState(seed).permutation(n).tolist()


def test_loader_draws_a_new_order_each_epoch_and_not_from_mx_random():
    loader = gdata.DataLoader(list(range(50)), 50, shuffle=True)
    np.random.seed(3)
    first, second = (next(iter(loader)).asnumpy().tolist() for _ in range(2))
    np.random.seed(3)
    mx.random.seed(99)
    assert next(iter(loader)).asnumpy().tolist() == first != second


def test_loader_iterator_is_used_once_and_auto_reload_prepares_the_next():
    loader = gdata.DataLoader(list(range(4)), 2)
    it = iter(loader)
    assert [b.asnumpy().tolist() for b in it] == [[0, 1], [2, 3]]
    assert list(it) == []
    reloading = gdata.DataLoader(list(range(4)), 2, auto_reload=True)
    assert reloading._iter is not None
    assert len(list(reloading)) == 2 and reloading._iter is not None


def test_batches_from_workers_reach_a_networks_parameters():
    # MXNet's worker batches say cpu_shared(0); minigluon's say cpu(0) so that a Parameter on
    # cpu(0) serves them (see gluon/data/dataloader.py), with the same values as without workers
    net = mx.gluon.nn.Dense(2, in_units=3)
    net.initialize(mx.init.One())
    ds = gdata.ArrayDataset(nd.arange(12).reshape((4, 3)), [0, 1, 0, 1])
    outs = []
    for workers in (0, 4):
        X, y = next(iter(gdata.DataLoader(ds, 4, num_workers=workers)))
        assert X.context == mx.cpu(0) and y.dtype == np.int64
        outs.append(net(X).asnumpy())
    assert np.array_equal(outs[0], outs[1])


def test_custom_batchify_fn_gets_the_samples():
    loader = gdata.DataLoader(gdata.ArrayDataset([1, 2, 3], [4, 5, 6]), 2, batchify_fn=list)
    assert list(loader) == [[(1, 4), (2, 5)], [(3, 6)]]


# ----- gluon.utils ---------------------------------------------------------------------------
@given(st.integers(1, 30), st.integers(1, 8), st.integers(0, 1))
def test_split_data_uneven_covers_the_batch_in_order(n, k, axis):
    k = min(k, n)
    shape = (n, 3) if axis == 0 else (3, n)
    x = nd.arange(3 * n).reshape(shape)
    parts = gutils.split_data(x, k, batch_axis=axis, even_split=False)
    sizes_ = [p.shape[axis] for p in parts]
    assert len(parts) == k and sum(sizes_) == n and max(sizes_) - min(sizes_) <= 1
    assert sizes_ == sorted(sizes_, reverse=True)
    joined = np.concatenate([p.asnumpy() for p in parts], axis=axis)
    assert np.array_equal(joined, x.asnumpy())


@given(st.lists(st.floats(-100, 100, width=32), min_size=1, max_size=8), st.floats(0.1, 50))
def test_clip_global_norm_bounds_the_joint_norm(values, max_norm):
    arrays = [nd.array(values), nd.array(values[::-1]).reshape((1, -1))]
    before = np.sqrt(2 * np.sum(np.square(np.array(values, dtype=np.float64))))
    total = gutils.clip_global_norm(arrays, max_norm)
    after = np.sqrt(sum(np.sum(np.square(a.asnumpy().astype(np.float64))) for a in arrays))
    assert total == pytest.approx(before, rel=1e-5, abs=1e-6)
    assert after <= max_norm * (1 + 1e-5) + 1e-6
    if before <= max_norm:  # the scale is min(1, max_norm / norm): small gradients stay
        assert np.allclose(arrays[0].asnumpy(), values, rtol=1e-6)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_download_offline_retries_then_says_what_to_do(tmp_path, capsys):
    url = 'http://127.0.0.1:%d/gluon/dataset/mnist/t.gz' % _closed_port()
    with pytest.raises(OSError) as info:
        gutils.download(url, path=str(tmp_path), sha1_hash='a' * 40, retries=3)
    out = capsys.readouterr().out
    assert out.count('Downloading %s from %s...' % (tmp_path / 't.gz', url)) == 3
    assert 'retrying, 2 attempts left' in out and 'retrying, 1 attempt left' in out
    note = ' '.join(getattr(info.value, '__notes__', []))
    assert str(tmp_path / 't.gz') in note and 'a' * 40 in note and 'MXNET_GLUON_REPO' in note
    assert os.listdir(tmp_path) == []  # no temporary file left behind


def test_download_with_a_wrong_hash_leaves_no_file(tmp_path, capsys):
    source = tmp_path / 'source.bin'
    source.write_bytes(b'payload')
    target = tmp_path / 'out' / 'copy.bin'
    with pytest.raises(UserWarning, match='content hash does not match'):
        gutils.download(source.as_uri(), path=str(target), sha1_hash='0' * 40, retries=1)
    assert os.listdir(tmp_path / 'out') == []
    good = hashlib.sha1(b'payload').hexdigest()
    assert gutils.download(source.as_uri(), path=str(target), sha1_hash=good) == str(target)
    assert target.read_bytes() == b'payload' and os.listdir(tmp_path / 'out') == ['copy.bin']
    capsys.readouterr()
    gutils.download(source.as_uri(), path=str(target), sha1_hash=good)  # present: no download
    assert capsys.readouterr().out == ''


def test_replace_file_failure_removes_the_source(tmp_path):
    src = tmp_path / 'part'
    src.write_bytes(b'x')
    with pytest.raises(OSError, match='Please retry the download'):
        gutils.replace_file(str(src), str(tmp_path / 'no' / 'such' / 'dir'))
    assert not src.exists()


def test_mxnet_home_decides_the_default_data_dir(monkeypatch):
    monkeypatch.setenv('MXNET_HOME', '/data/mx')
    assert datasets._data_dir() == '/data/mx'
    monkeypatch.delenv('MXNET_HOME')
    assert datasets._data_dir() == os.path.join(os.path.expanduser('~'), '.mxnet')


# ----- MNIST files, intact and damaged -------------------------------------------------------
def _gz(path, payload: bytes) -> str:
    with gzip.GzipFile(path, 'wb', mtime=0) as f:
        f.write(payload)
    return hashlib.sha1(path.read_bytes()).hexdigest()


def _write_mnist(folder, n=3, images=None, labels=None):
    rng = np.random.RandomState(0)
    pixels = rng.randint(0, 256, size=(n, 28, 28)).astype(np.uint8)
    digits = rng.randint(0, 10, size=n).astype(np.uint8)
    images = struct.pack('>4I', 2051, n, 28, 28) + pixels.tobytes() if images is None else images
    labels = struct.pack('>2I', 2049, n) + digits.tobytes() if labels is None else labels
    sha1 = {'images': _gz(folder / 'train-images-idx3-ubyte.gz', images),
            'labels': _gz(folder / 'train-labels-idx1-ubyte.gz', labels)}
    return pixels, digits, sha1


def _local_mnist(sha1):
    class Local(gdata.vision.MNIST):
        _FILES = {'train': (('train-images-idx3-ubyte.gz', sha1['images']),
                            ('train-labels-idx1-ubyte.gz', sha1['labels'])),
                  'test': gdata.vision.MNIST._FILES['test']}
    return Local


def test_mnist_reads_idx_files_already_in_root(tmp_path):
    pixels, digits, sha1 = _write_mnist(tmp_path)
    ds = _local_mnist(sha1)(root=str(tmp_path))
    assert len(ds) == 3
    x, y = ds[2]
    assert x.shape == (28, 28, 1) and x.dtype == np.uint8 and isinstance(y, np.int32)
    assert np.array_equal(x.asnumpy()[:, :, 0], pixels[2]) and y == digits[2]
    loader = gdata.DataLoader(ds.transform_first(transforms.ToTensor()), 2)
    X, Y = next(iter(loader))
    assert X.shape == (2, 1, 28, 28) and Y.dtype == np.int32


DAMAGE = {
    'truncated images': dict(images=struct.pack('>4I', 2051, 3, 28, 28) + bytes(100)),
    'wrong magic': dict(labels=struct.pack('>2I', 2051, 3) + bytes(3)),
    'short header': dict(labels=b'\x00\x00'),
    'labels and images disagree': dict(labels=struct.pack('>2I', 2049, 2) + bytes(2)),
}


@pytest.mark.parametrize('damage', DAMAGE)
def test_damaged_idx_file_gives_a_clear_error(tmp_path, damage):
    _, _, sha1 = _write_mnist(tmp_path, **DAMAGE[damage])
    with pytest.raises(ValueError, match=r'train-(images|labels)-idx.-ubyte\.gz'):
        _local_mnist(sha1)(root=str(tmp_path))


@pytest.mark.parametrize('cut', [5, 30, -8])
def test_damaged_gzip_gives_a_clear_error(tmp_path, cut):
    _, _, sha1 = _write_mnist(tmp_path)
    path = tmp_path / 'train-images-idx3-ubyte.gz'
    raw = path.read_bytes()
    path.write_bytes(raw[:cut] if cut > 0 else raw[:cut] + b'garbage!')
    sha1['images'] = hashlib.sha1(path.read_bytes()).hexdigest()
    with pytest.raises(ValueError, match='not a readable gzip file .* damaged'):
        _local_mnist(sha1)(root=str(tmp_path))


# ----- transforms ----------------------------------------------------------------------------
image_sides = st.integers(1, 40)


@given(image_sides, image_sides, st.integers(1, 4), image_sides, image_sides,
       st.integers(0, 255), st.sampled_from([0, 1]))
def test_resize_keeps_a_constant_image_constant(h, w, c, out_h, out_w, value, interpolation):
    img = nd.full((h, w, c), value, dtype='uint8')
    out = transforms.Resize((out_w, out_h), interpolation=interpolation)(img)
    assert out.shape == (out_h, out_w, c) and out.dtype == np.uint8
    assert (out.asnumpy() == value).all()


@given(image_sides, image_sides, image_sides, image_sides, st.integers(0, 2 ** 32 - 1))
def test_bilinear_resize_stays_within_the_input_range(h, w, out_h, out_w, seed):
    pixels = np.random.RandomState(seed).randint(0, 256, size=(h, w, 1)).astype(np.uint8)
    out = transforms.Resize((out_w, out_h))(nd.array(pixels, dtype='uint8')).asnumpy()
    assert pixels.min() <= out.min() and out.max() <= pixels.max()
    # float32 weights w and 1 - w: a sum of two products may round one ulp past the range
    out = transforms.Resize((out_w, out_h))(nd.array(pixels, dtype='float32')).asnumpy()
    ulp = np.float32(2.0 ** -22)
    assert pixels.min() * (1 - ulp) <= out.min() and out.max() <= pixels.max() * (1 + ulp)


def test_resize_refuses_what_it_cannot_compute_as_mxnet():
    img = nd.ones((4, 4, 1), dtype='uint8')
    with pytest.raises(NotImplementedError, match='interpolation 0 .* or 1'):
        transforms.Resize(2, interpolation=3)(img)
    with pytest.raises(MXNetError, match='int32'):
        transforms.Resize(2)(img.astype('int32'))


def test_compose_leaves_the_list_it_was_given_alone():
    steps = [transforms.Resize(4), transforms.ToTensor()]
    transforms.Compose(steps)
    assert len(steps) == 2
