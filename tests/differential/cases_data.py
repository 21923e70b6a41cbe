"""Differential cases for gluon.data and gluon.utils: name -> snippet (see harness.py).

Indices and labels print as Python ints/floats (``tolist()``, ``int``), so the text does not
depend on NumPy's scalar repr. Files are made in a temporary folder inside the case; the
download cases serve them from a local HTTP server (no network), and print the
"Downloading ..." lines with the folder and the port replaced by placeholders.
"""

_IDX = '''
import gzip, hashlib, os, struct, tempfile
def write_idx(path, magic, dims, values):
    with gzip.GzipFile(path, 'wb', mtime=0) as f:
        f.write(struct.pack('>%dI' % (1 + len(dims)), magic, *dims) + bytes(values))
    with open(path, 'rb') as f:
        return hashlib.sha1(f.read()).hexdigest()
def write_mnist(folder, counts=(('train', 5), ('t10k', 3))):
    sha1 = {}
    rng = np.random.RandomState(7)
    for kind, n in counts:
        images = rng.randint(0, 256, size=n * 28 * 28).astype(np.uint8)
        sha1[kind + '-images'] = write_idx(os.path.join(folder, kind + '-images-idx3-ubyte.gz'),
                                           2051, (n, 28, 28), images.tobytes())
        labels = rng.randint(0, 10, size=n).astype(np.uint8)
        sha1[kind + '-labels'] = write_idx(os.path.join(folder, kind + '-labels-idx1-ubyte.gz'),
                                           2049, (n,), labels.tobytes())
    return sha1
'''

_SERVER = '''
import contextlib, functools, http.server, io, threading
os.environ['NO_PROXY'] = os.environ['no_proxy'] = '127.0.0.1'
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
@contextlib.contextmanager
def serving(folder):
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(Quiet, directory=folder))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield 'http://127.0.0.1:%d/' % server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
def quietly(fn, *replace):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            result = fn()
        except Exception as e:
            result = '%s: %s' % (type(e).__name__, e)
    text = out.getvalue() + str(result)
    for old, new in replace:
        text = text.replace(old, new)
    print(text)
'''

_TINY_MNIST = '''
class Tiny(gluon.data.vision.FashionMNIST):
    """FashionMNIST reading the files made above (their SHA-1s instead of the real ones)."""
    def _get_data(self):
        self._train_data = ('train-images-idx3-ubyte.gz', SHA1['train-images'])
        self._train_label = ('train-labels-idx1-ubyte.gz', SHA1['train-labels'])
        self._test_data = ('t10k-images-idx3-ubyte.gz', SHA1['t10k-images'])
        self._test_label = ('t10k-labels-idx1-ubyte.gz', SHA1['t10k-labels'])
        super()._get_data()
'''

_DIGEST = '''
import hashlib
def digest(x):
    a = x.asnumpy()
    return '%s %s %s' % (a.shape, a.dtype, hashlib.sha1(a.tobytes()).hexdigest()[:16])
'''

CASES = {
    'sequential_and_batch_samplers': '''
gdata = gluon.data
print(list(gdata.SequentialSampler(5, 2)), len(gdata.SequentialSampler(5, 2)))
for last in ('keep', 'discard', 'rollover'):
    bs = gdata.BatchSampler(gdata.SequentialSampler(10), 3, last)
    print(last, len(bs), list(bs), len(bs), list(bs), len(bs), list(bs))
print(list(gdata.FilterSampler(lambda x: x % 3 == 1, list(range(10)))))
bs = gdata.BatchSampler(gdata.SequentialSampler(10), 3, 'wrong')
try:
    list(gdata.BatchSampler(gdata.SequentialSampler(10), 3, 'wrong'))
except ValueError as e:
    print('ValueError:', e)
try:
    len(bs)
except ValueError as e:
    print('ValueError:', e)
# list() asks len() for a size hint first, so even a pass with no short batch raises
print(list(gdata.BatchSampler(gdata.SequentialSampler(9), 3, 'wrong')))
''',

    # RandomSampler shuffles with NumPy's global generator: mx.random.seed does not reach it.
    'random_sampler_draws_from_numpy': '''
gdata = gluon.data
np.random.seed(0)
first = [int(i) for i in gdata.RandomSampler(10)]
second = [int(i) for i in gdata.RandomSampler(10)]
print(first, second)
np.random.seed(0)
mx.random.seed(123)
print([int(i) for i in gdata.RandomSampler(10)] == first)
s = gdata.RandomSampler(6)
np.random.seed(1)
print([int(i) for i in s], [int(i) for i in s], len(s), type(next(iter(s))).__name__)
''',

    'dataloader_shuffle_seeded': '''
gdata = gluon.data
ds = gdata.ArrayDataset(nd.arange(20).reshape((10, 2)), nd.arange(10))
loader = gdata.DataLoader(ds, 3, shuffle=True)
np.random.seed(42)
for epoch in range(2):
    print([y.asnumpy().tolist() for _, y in loader])
# the order is drawn when the first batch is asked for, not when the iterator is made
it = iter(loader)
np.random.seed(7)
X, y = next(it)
print(y.asnumpy().tolist(), X.asnumpy().tolist())
np.random.seed(7)
print([y.asnumpy().tolist() for _, y in gdata.DataLoader(ds, 4, shuffle=True, last_batch='discard')])
''',

    'dataloader_last_batch': '''
gdata = gluon.data
ds = gdata.SimpleDataset(list(range(7)))
for last in ('keep', 'discard', 'rollover'):
    loader = gdata.DataLoader(ds, 3, last_batch=last)
    out = []
    for epoch in range(3):
        out.append((len(loader), [b.asnumpy().tolist() for b in loader]))
    print(last, out)
''',

    'default_batchify_shapes_and_dtypes': '''
gdata = gluon.data
def show(samples, **kw):
    for batch in gdata.DataLoader(samples, 2, **kw):
        parts = batch if isinstance(batch, list) else [batch]
        print([(p.shape, p.dtype.__name__, p.context, p.asnumpy().tolist()) for p in parts])
        break
show([1, 2, 3])
show([1.5, 2.5])
show([np.float32(1), np.float32(2)])
show([np.int32(3), np.int32(4)])
show([(nd.ones((2, 3)), 1), (nd.zeros((2, 3)), 0)])
show([(np.ones((2,), dtype=np.uint8), 0.5, np.float32(2)), (np.zeros((2,), dtype=np.uint8), 1.5, np.float32(3))])
show([np.arange(3), np.arange(3, 6)])
show([nd.array([1, 2], dtype='int32'), nd.array([3, 4], dtype='int32')])
show([[1, 2], [3, 4]])
print(gdata.DataLoader([(1, (2, 3))] * 2, 2).__iter__().__next__())
ds = gdata.ArrayDataset(nd.arange(6).reshape((3, 2)), nd.array([0, 1, 2]), [7, 8, 9])
print(ds[1][0], [type(v).__name__ for v in ds[1][1:]], len(ds))
show(ds)
''',

    'dataloader_bad_arguments': '''
gdata = gluon.data
ds = list(range(5))
def attempt(**kw):
    try:
        gdata.DataLoader(ds, **kw)
        print('accepted', sorted(kw))
    except Exception as e:
        print(type(e).__name__ + ':', e)
attempt()
attempt(batch_size=2, sampler=gdata.SequentialSampler(5), shuffle=True)
bs = gdata.BatchSampler(gdata.SequentialSampler(5), 2)
attempt(batch_sampler=bs, batch_size=2)
attempt(batch_sampler=bs, shuffle=True)
attempt(batch_sampler=bs, last_batch='keep')
attempt(batch_sampler=bs, sampler=gdata.SequentialSampler(5))
attempt(batch_size=2, timeout=0)
attempt(batch_size=2, num_workers=-3, prefetch=-1, thread_pool=True, timeout=5, pin_device_id=1)
loader = gdata.DataLoader(ds, 2, last_batch='drop')
try:
    print(len(loader))
except ValueError as e:
    print('ValueError:', e)
print([b.asnumpy().tolist() for b in gdata.DataLoader(ds, batch_sampler=bs)], len(gdata.DataLoader(ds, batch_sampler=bs)))
''',

    # With workers MXNet's batches are on cpu_shared(0), minigluon's on cpu(0) (see the docstring
    # of minigluon/gluon/data/dataloader.py): both are a CPU kind with id 0, which is printed.
    'dataloader_workers_and_pinned_memory': '''
gdata = gluon.data
def where(a, workers):
    ctx = a.context
    return ('a CPU kind', ctx.device_typeid & 1, ctx.device_id) if workers else ctx
ds = gdata.ArrayDataset(nd.arange(10).reshape((5, 2)), nd.arange(5))
for kw in ({}, {'num_workers': 2}, {'num_workers': 2, 'thread_pool': True}, {'pin_memory': True},
           {'num_workers': 2, 'pin_memory': True, 'pin_device_id': 1}):
    loader = gdata.DataLoader(ds, 2, **kw)
    batches = list(loader)
    w = kw.get('num_workers', 0) and not kw.get('pin_memory')
    print(sorted(kw.items()), len(loader), [(where(X, w), where(y, w), X.dtype.__name__, y.asnumpy().tolist()) for X, y in batches])
loader = gdata.DataLoader(list(range(4)), 2, num_workers=1)
print([(where(b, True), b.dtype.__name__) for b in loader])
''',

    'dataset_transforms_and_views': '''
gdata = gluon.data
ds = gdata.ArrayDataset(list(range(6)), [10 * i for i in range(6)])
print(ds.transform(lambda x, y: x + y)[2], ds.transform_first(lambda x: -x)[2])
print(gdata.SimpleDataset([1, 2, 3]).transform_first(lambda x: x * 2)[1])
calls = []
def logged(x, y):
    calls.append(x)
    return x, y
lazy = ds.transform(logged)
print(len(calls), lazy[4], len(calls), len(lazy))
eager = ds.transform(logged, lazy=False)
print(len(calls), eager[4], type(eager).__name__, type(lazy).__name__)
print([ds.filter(lambda s: s[0] % 2 == 0)[i] for i in range(3)], len(ds.filter(lambda s: s[0] > 3)))
print([[s[0] for s in ds.shard(4, i)] for i in range(4)])
print(len(ds.take(2)), ds.take(None)[5], len(ds.take(100)))
print([s[0] for s in ds.sample(gdata.SequentialSampler(3, 2))], len(ds.sample(gdata.RandomSampler(4))))
for bad in ((lambda: ds.shard(2, 2)), (lambda: ds.shard(0, -1)), (lambda: ds.shard(2, -1)),
            (lambda: ds.sample([0, 1]))):
    try:
        bad()
    except Exception as e:
        print(type(e).__name__ + ':', e)
''',

    'array_dataset_checks': '''
gdata = gluon.data
for args in ((), ([1, 2], [1, 2, 3]), ([1, 2], [3, 4], nd.ones((3, 2)))):
    try:
        gdata.ArrayDataset(*args)
    except AssertionError as e:
        print('AssertionError:', e)
ds = gdata.ArrayDataset(np.arange(4))
print(ds[2], len(ds), type(ds[2]).__name__)
ds = gdata.ArrayDataset(nd.arange(4))
print(ds[2], type(ds[2]).__name__)
ds = gdata.ArrayDataset(nd.arange(8).reshape((4, 2)))
print(ds[2])
''',

    'split_data_and_split_and_load': '''
gutils = gluon.utils
x = nd.arange(14).reshape((7, 2))
print([s.asnumpy().tolist() for s in gutils.split_data(x, 3, even_split=False)])
print([s.shape for s in gutils.split_data(nd.arange(24).reshape((2, 12)), 5, batch_axis=1, even_split=False)])
print(gutils.split_data(x, 1)[0].shape, len(gutils.split_data(x, 7)))
for bad in ((x, 2), (nd.ones((2, 5)), 2, 1)):
    try:
        gutils.split_data(*bad)
    except ValueError as e:
        print('ValueError:', e)
parts = gutils.split_and_load(nd.arange(8).reshape((4, 2)), [mx.cpu(0), mx.cpu(1)])
print([(p.context, p.asnumpy().tolist()) for p in parts])
parts = gutils.split_and_load([[1, 2], [3, 4], [5, 6]], [mx.cpu(2)])
print([(p.context, p.dtype.__name__, p.shape) for p in parts])
parts = gutils.split_and_load(np.arange(6).reshape((3, 2)), [mx.cpu(0), mx.cpu(1)], even_split=False)
print([(p.context, p.dtype.__name__, p.asnumpy().tolist()) for p in parts])
''',

    'clip_global_norm': '''
gutils = gluon.utils
a = nd.array([[3., 0.], [0., 0.]])
b = nd.array([4., 0., 0.])
norm = gutils.clip_global_norm([a, b], 1.0)
print(type(norm).__name__, round(float(norm), 5), a.asnumpy().round(6).tolist(), b.asnumpy().round(6).tolist())
c = nd.array([0.3, 0.4])
norm = gutils.clip_global_norm([c], 10.0, check_isfinite=False)
print(type(norm).__name__, norm.shape, round(float(norm.asscalar()), 5), c.asnumpy().round(6).tolist())
d = nd.array([float('nan'), 1.])
print(np.isnan(gutils.clip_global_norm([d], 1.0)))
try:
    gutils.clip_global_norm([], 1.0)
except AssertionError as e:
    print('AssertionError', repr(str(e)))
''',

    'check_sha1_and_download_from_a_local_server': _IDX + _SERVER + '''
gutils = gluon.utils
with tempfile.TemporaryDirectory() as root:
    site = os.path.join(root, 'site')
    os.makedirs(os.path.join(site, 'files'))
    with open(os.path.join(site, 'files', 'data.bin'), 'wb') as f:
        f.write(b'minigluon' * 1000)
    good = hashlib.sha1(b'minigluon' * 1000).hexdigest()
    print(gutils.check_sha1(os.path.join(site, 'files', 'data.bin'), good),
          gutils.check_sha1(os.path.join(site, 'files', 'data.bin'), '0' * 40))
    here = os.getcwd()
    os.chdir(root)
    try:
        with serving(site) as url:
            sub = [(url, 'URL/')]
            quietly(lambda: gutils.download(url + 'files/data.bin'), *sub)
            print(gutils.check_sha1('data.bin', good), sorted(os.listdir(root)))
            quietly(lambda: gutils.download(url + 'files/data.bin', sha1_hash=good), *sub)
            quietly(lambda: gutils.download(url + 'files/data.bin', overwrite=True), *sub)
            quietly(lambda: gutils.download(url + 'files/data.bin', path='out/named.bin', sha1_hash=good), *sub)
            os.makedirs('folder')
            quietly(lambda: gutils.download(url + 'files/data.bin', path='folder', retries=0), *sub)
            print(sorted(os.listdir(root)), sorted(os.listdir('folder')), sorted(os.listdir('out')))
            quietly(lambda: gutils.download(url + 'files/missing.bin', retries=2), *sub)
            quietly(lambda: gutils.download(url + 'files/data.bin', path='bad.bin', sha1_hash='0' * 40, retries=1), *sub)
            quietly(lambda: gutils.download(url + 'files/data.bin', path='x.bin', retries=-1), *sub)
            quietly(lambda: gutils.download(url + 'files/', retries=1), *sub)
            # MXNet keeps bad.bin (the download whose hash is wrong); minigluon deletes it
            print(sorted(n for n in os.listdir(root) if n not in ('site', 'bad.bin')))
    finally:
        os.chdir(here)
''',

    'repo_urls': '''
import os
utils = gluon.utils
saved = os.environ.pop('MXNET_GLUON_REPO', None)
print(utils._get_repo_url(), utils._get_repo_file_url('gluon/dataset/mnist', 'train-images-idx3-ubyte.gz'))
os.environ['MXNET_GLUON_REPO'] = 'http://mirror.example/repo'
print(utils._get_repo_url(), utils._get_repo_file_url('gluon/dataset/fashion-mnist', 'a.gz'))
del os.environ['MXNET_GLUON_REPO']
if saved is not None:
    os.environ['MXNET_GLUON_REPO'] = saved
''',

    'fashion_mnist_from_a_local_repo': _IDX + _SERVER + _TINY_MNIST + '''
vision = gluon.data.vision
with tempfile.TemporaryDirectory() as root:
    repo = os.path.join(root, 'repo', 'gluon', 'dataset', 'fashion-mnist')
    os.makedirs(repo)
    SHA1 = write_mnist(repo)
    with serving(os.path.join(root, 'repo')) as url:
        os.environ['MXNET_GLUON_REPO'] = url
        sub = [(url, 'REPO/'), (root, 'ROOT')]
        data_root = os.path.join(root, 'data', 'fm')
        quietly(lambda: len(Tiny(root=data_root)), *sub)
        quietly(lambda: len(Tiny(root=data_root, train=False)), *sub)
        del os.environ['MXNET_GLUON_REPO']
    print(sorted(os.listdir(data_root)))
    train = Tiny(root=data_root)
    x, y = train[1]
    print(type(x).__name__, x.shape, x.dtype.__name__, type(y).__name__, int(y), x.asnumpy().sum())
    print([int(train[i][1]) for i in range(len(train))])
    t = Tiny(root=data_root, train=False, transform=lambda d, l: (d.astype('float32') / 255, l * 2))
    print(t[0][0].dtype.__name__, t[0][1], len(t))
    tf = vision.transforms.Compose([vision.transforms.Resize(8), vision.transforms.ToTensor()])
    loader = gluon.data.DataLoader(train.transform_first(tf), 2, shuffle=True, num_workers=4)
    np.random.seed(3)
    for X, y in loader:
        print(X.shape, X.dtype.__name__, X.context.device_id, y.dtype.__name__, y.asnumpy().tolist(), round(float(X.asnumpy().astype('float64').sum()), 4))
''',

    'transforms_reprs_and_values': '''
T = gluon.data.vision.transforms
print(T.ToTensor())
print(T.Compose([T.Resize(4), T.ToTensor(), T.Normalize(0.5, 0.2)]))
print(T.Compose([T.Cast(), nn.Lambda(lambda x: x), T.ToTensor()]))
print(T.Compose([T.ToTensor()]))
img = nd.array(np.arange(2 * 3 * 2).reshape((2, 3, 2)) * 20, dtype='uint8')
out = T.ToTensor()(img)
print(out.shape, out.dtype.__name__, out.asnumpy().tolist())
print(T.ToTensor()(nd.stack(img, img)).shape)
print(T.ToTensor()(img.astype('float64')).dtype.__name__)
out = T.ToTensor()(nd.array(np.arange(2 * 2 * 3).reshape((2, 2, 3)) * 20, dtype='uint8'))
norm = T.Normalize((0.5, 0.25, 0.1), (0.5, 2.0, 4.0))(out)
print(norm.dtype.__name__, norm.asnumpy().tolist())
print(T.Normalize(0.5, 0.25)(out[:1]).asnumpy().tolist())
print(T.Normalize(1, 2)(nd.ones((2, 3, 1, 1), dtype='float64')).asnumpy().ravel().tolist())
print(T.Cast()(img).dtype.__name__, T.Cast('float16')(img).dtype.__name__, T.Cast(np.int32)(out).asnumpy().tolist()[0])
''',

    'resize_matches_opencv': _DIGEST + '''
T = gluon.data.vision.transforms
rng = np.random.RandomState(0)
gray = nd.array(rng.randint(0, 256, size=(28, 28, 1)), dtype='uint8')
rgb = nd.array(rng.randint(0, 256, size=(7, 10, 3)), dtype='uint8')
pair = nd.array(rng.randint(0, 256, size=(20, 20, 2)), dtype='uint8')
for size in (224, 96, 6, 14, (5, 9), (40, 11), 28):
    print(size, digest(T.Resize(size)(gray)), digest(T.Resize(size, interpolation=0)(gray)))
for size in (20, 3, (24, 3)):
    print(size, digest(T.Resize(size)(rgb)), digest(T.Resize(size)(rgb.astype('float32') * 1.37)))
print(digest(T.Resize(10)(pair)), digest(T.Resize(10)(pair.astype('float32') * 1.37)), digest(T.Resize(10)(gray[:20, :20].astype('float64') * 1.37)))
print(digest(T.Resize(14)(gray.astype('float32') * 1.37)), digest(T.Resize(5, keep_ratio=True)(rgb)), digest(T.Resize(4, keep_ratio=True)(gray[:10, :7])))
print(digest(T.Resize(12)(nd.stack(rgb, rgb[::-1]))))
print(T.Resize(6)(gray).reshape((-1,)).asnumpy().tolist())
''',

    'transform_shape_checks': '''
T = gluon.data.vision.transforms
def attempt(f):
    try:
        out = f()
        print('ok', out.shape, out.dtype.__name__)
    except mx.base.MXNetError as err:  # MXNet's C++ traceback lines before: the last line
        print(str(err).splitlines()[-1].split('MXNetError: ')[-1])
attempt(lambda: T.ToTensor()(nd.ones((2,))))
attempt(lambda: T.ToTensor()(nd.ones((1, 2, 3, 4, 5))))
attempt(lambda: T.Normalize(0.5, 0.2)(nd.ones((2, 2))))
attempt(lambda: T.Normalize((0.5, 0.1), 0.2)(nd.ones((3, 2, 2))))
attempt(lambda: T.Normalize(0.5, (1, 2))(nd.ones((3, 2, 2))))
attempt(lambda: T.Normalize(0.5, (1, 2, 3))(nd.ones((2, 3, 2, 2))))
attempt(lambda: T.Normalize(0.5, 0.2)(nd.ones((2, 2, 3))))
attempt(lambda: T.Normalize((1.5, 2, 0.125, 4), 0.2)(nd.ones((3, 2, 2))))
attempt(lambda: T.Resize(4)(nd.ones((2, 2))))
attempt(lambda: T.Resize(0)(nd.ones((7, 10, 3), dtype='uint8')))
attempt(lambda: T.Resize((4, -1))(nd.ones((7, 10, 3), dtype='uint8')))
attempt(lambda: T.Resize((0, 3))(nd.ones((7, 10, 3), dtype='uint8')))
attempt(lambda: T.Resize((1, 2, 3))(nd.ones((7, 10, 3), dtype='uint8')))
attempt(lambda: T.Resize(4, keep_ratio=True)(nd.ones((10, 7, 3), dtype='uint8')))
attempt(lambda: T.Resize(4, keep_ratio=True)(nd.ones((7, 10, 3), dtype='uint8')))
attempt(lambda: T.Resize((4, 6), keep_ratio=True)(nd.ones((7, 10, 3), dtype='uint8')))
''',

    # an NDArray, a NumPy array or a list is a dataset as it is; transforms are named blocks
    'arrays_as_datasets_and_transform_names': '''
gdata = gluon.data
for ds in (nd.arange(5), nd.arange(10).reshape((5, 2)), np.arange(5),
           np.arange(10).reshape((5, 2)).astype('float32'), [np.float64(1.5)] * 3):
    b = next(iter(gdata.DataLoader(ds, 2)))
    print(type(ds).__name__, b.shape, b.dtype.__name__, b.asnumpy().tolist())
T = gdata.vision.transforms
with mx.name.NameManager():
    print(T.ToTensor().name, T.Compose([T.ToTensor()]).name, T.Resize(3).prefix, T.Normalize().name)
x = nd.ones((1, 2, 2), dtype='uint8')
print(T.Compose([T.Cast('float64'), T.Normalize(1, 2)])(x).dtype.__name__)
print(T.ToTensor()(x.astype('float16')).dtype.__name__)
''',

    # d2lzh 1.0.0's load_data_fashion_mnist(batch_size, resize) and train_ch3 on tiny files:
    # the same seeds give the same batches, losses and accuracies as MXNet
    'd2l_chapter3_softmax_regression_on_tiny_fashion_mnist': _IDX + _TINY_MNIST + '''
gdata, gloss, gutils = gluon.data, gluon.loss, gluon.utils
with tempfile.TemporaryDirectory() as root:
    SHA1 = write_mnist(root, counts=(('train', 60), ('t10k', 20)))
    def load_data_fashion_mnist(batch_size, resize=None):
        transformer = [gdata.vision.transforms.Resize(resize)] if resize else []
        transformer = gdata.vision.transforms.Compose(transformer + [gdata.vision.transforms.ToTensor()])
        train = Tiny(root=root, train=True).transform_first(transformer)
        test = Tiny(root=root, train=False).transform_first(transformer)
        return (gdata.DataLoader(train, batch_size, shuffle=True, num_workers=4),
                gdata.DataLoader(test, batch_size, shuffle=False, num_workers=4))
    def evaluate_accuracy(data_iter, net, ctx=[mx.cpu()]):
        acc_sum, n = nd.array([0]), 0
        for features, labels in data_iter:
            labels = labels.astype(features.dtype)
            for X, y in zip(gutils.split_and_load(features, ctx), gutils.split_and_load(labels, ctx)):
                acc_sum += (net(X).argmax(axis=1) == y).sum().copyto(mx.cpu())
                n += y.size
        return acc_sum.asscalar() / n
    mx.random.seed(1)
    np.random.seed(1)
    train_iter, test_iter = load_data_fashion_mnist(16, resize=12)
    net = nn.Sequential()
    net.add(nn.Dense(10))
    net.initialize(init.Normal(sigma=0.01))
    loss = gloss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
    for epoch in range(2):
        total, n, firsts = 0.0, 0, []
        for X, y in train_iter:
            with autograd.record():
                l = loss(net(X), y).sum()
            l.backward()
            trainer.step(16)
            total += l.asscalar()
            n += y.size
            firsts.append(int(y[0].asscalar()))
        print(epoch, X.shape, y.dtype.__name__, firsts, round(total / n, 4), round(evaluate_accuracy(test_iter, net), 4))
''',

    # a sweep over channels, up- and down-scaling, halving and odd sizes: 312 resized images
    'resize_sweep': '''
import hashlib
T = gluon.data.vision.transforms
def short(x):
    return hashlib.sha1(x.asnumpy().tobytes()).hexdigest()[:8]
rng = np.random.RandomState(0)
for shape in ((28, 28, 1), (28, 28, 3), (7, 10, 3), (13, 5, 1), (32, 32, 1), (20, 20, 2)):
    for size in (6, 96, 224, 14, 16, (5, 9), (24, 3), (40, 11), (12, 7), 10, 20, 3, 1):
        img = nd.array(rng.randint(0, 256, size=shape), dtype='uint8')
        print(shape, size, *[short(T.Resize(size, interpolation=i)(x)) for i in (0, 1)
                             for x in (img, img.astype('float32') * 1.37)])
''',
}
