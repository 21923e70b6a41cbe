"""MXNet's behaviour on what the book teaches: the ground truth the unit tests cite by case name.

One case a topic (NDArray reprs and dtypes, arithmetic, in-place operations, autograd, the book's
blocks and their names and reprs, parameter access and initialization, deferred initialization,
shared parameters, ParameterDict, nd.save / nd.load bytes, save_parameters / load_parameters,
contexts), each printing what MXNet 1.9.1 showed: ``scripts/record_mxnet.py oracle`` records
them into expected_oracle.json, tests/test_differential.py checks that minigluon prints the
same, and unit tests read recorded values from it (tests/differential/recorded.py). Each case runs under a fresh
NameManager (names count from 0) in a scratch folder, with the book's blocks of
tests/book_blocks.py. The cases in APPROX_FLOATS print float32 matrix products, whose last
digits depend on the BLAS kernel: their floats are compared as the book's approx-floats cells
are (to 1e-5 of the case's largest float), so each prints only values of one scale; the other
cases print no such float, and are compared digit for digit.
"""
import textwrap

_PRELUDE = r"""
import contextlib, os, shutil, tempfile
def show(label, call, part=None):
    # the result's repr, or the exception's type and message (only `part` of it where MXNet's
    # C++ check puts a traceback around it or minigluon adds a hint to it; '' for none of it)
    print('--- %s' % label)
    try:
        result = call()
    except Exception as err:
        message = str(err) if part is None or part not in str(err) else part
        print('%s: %s' % (type(err).__name__, message))
        return None
    if isinstance(result, np.generic):  # NumPy 2 writes np.float32(1.0) for NumPy 1's 1.0
        print('repr: %s %s' % (result, type(result).__name__))
    else:
        print('repr: ' + repr(result))
    return result
def hexdump(name, n=None):
    with open(name, 'rb') as fh:
        data = fh.read()
    print('file %s: %d bytes %s' % (name, len(data), data[:n].hex()))
@contextlib.contextmanager
def scratch():
    start, folder = os.getcwd(), tempfile.mkdtemp()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(start)
        shutil.rmtree(folder)
"""


def _case(body: str) -> str:
    """The case: ``body`` under a fresh NameManager, in a scratch folder."""
    body = textwrap.indent(body.strip('\n'), '    ')
    return _PRELUDE + 'with mx.name.NameManager(), scratch():\n' + body + '\n'


_SECTIONS = {
    # NDArray basics / reprs / dtype
    'nd_basics': r"""
x = show('nd.arange(12)', lambda: nd.arange(12))
print('str(x) == repr(x):', str(x) == repr(x))
print('x.shape', x.shape, 'x.size', x.size, 'x.dtype', repr(x.dtype), 'x.context', repr(x.context), 'x.ctx', x.ctx)
print('type(x.context).__name__:', type(x.context).__name__)
X = show('x.reshape((3,4))', lambda: x.reshape((3, 4)))
show('nd.ones((2,3))', lambda: nd.ones((2, 3)))
show('nd.zeros((2,3,4))', lambda: nd.zeros((2, 3, 4)))
show('nd.array([[2,1,4,3],[1,2,3,4],[4,3,2,1]])', lambda: nd.array([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]))
show('nd.array([1,2,3]).dtype', lambda: nd.array([1, 2, 3]).dtype)
show('nd.array(np.array([1,2],dtype=np.int64)).dtype', lambda: nd.array(np.array([1, 2], dtype=np.int64)).dtype)
show('nd.array(np.array([1.5],dtype=np.float64)).dtype', lambda: nd.array(np.array([1.5], dtype=np.float64)).dtype)
show('nd.array([1,2], dtype="float64")', lambda: nd.array([1, 2], dtype='float64'))
show('nd.array([1,2], dtype="int32")', lambda: nd.array([1, 2], dtype='int32'))
show('nd.array(5)  (python scalar)', lambda: nd.array(5))
show('nd.array([]) ', lambda: nd.array([]))
show('nd.ones((2,)).shape', lambda: nd.ones((2,)).shape)
show('nd.ones(3)', lambda: nd.ones(3))
mx.random.seed(0)
show('nd.random.uniform(shape=(2,3))', lambda: nd.random.uniform(shape=(2, 3)))
show('nd.random.uniform(shape=(2,3)).dtype', lambda: nd.random.uniform(shape=(2, 3)).dtype)
show('nd.random.uniform(-1, 1, shape=(2,2))', lambda: nd.random.uniform(-1, 1, shape=(2, 2)))
show('nd.random.normal(0, 1, shape=(3,4))', lambda: nd.random.normal(0, 1, shape=(3, 4)))
show('nd.random.uniform(shape=(256,20)) (truncated repr)', lambda: nd.random.uniform(shape=(256, 20)))
show('nd.ones((1,)) repr', lambda: nd.ones((1,)))
show('nd.array([1.5, 2.25, 1e-8])', lambda: nd.array([1.5, 2.25, 1e-8]))
show('nd.array([1e6, 2])', lambda: nd.array([1e6, 2]))
""",
    # arithmetic, ==, dot, relu, norm, asscalar, sum
    'nd_arithmetic': r"""
A = nd.arange(12).reshape((3, 4))
B = nd.array([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
show('A == B', lambda: A == B)
show('(A == B).dtype', lambda: (A == B).dtype)
show('A == 2 (scalar)', lambda: A == 2)
show('A > B', lambda: A > B)
show('A + B', lambda: A + B)
show('A * B', lambda: A * B)
show('A / B', lambda: A / B)
show('A.exp()', lambda: A.exp())
show('nd.dot(A, B.T)', lambda: nd.dot(A, B.T))
show('nd.concat(A, B, dim=0)', lambda: nd.concat(A, B, dim=0))
show('A.sum()', lambda: A.sum())
show('A.sum().shape', lambda: A.sum().shape)
show('A.sum(axis=0)', lambda: A.sum(axis=0))
show('A.mean()', lambda: A.mean())
show('A.norm()', lambda: A.norm())
show('A.norm().shape', lambda: A.norm().shape)
show('A.norm().asscalar()', lambda: A.norm().asscalar())
show('type(A.norm().asscalar())', lambda: type(A.norm().asscalar()))
show('A.sum().asscalar()', lambda: A.sum().asscalar())
show('nd.array([1,2]).asscalar()', lambda: nd.array([1, 2]).asscalar())
show('nd.relu(nd.array([-1, 0, 2]))', lambda: nd.relu(nd.array([-1, 0, 2])))
show('A.abs() >= 5', lambda: (A - 6).abs() >= 5)
show('bool(nd.array([1]))', lambda: bool(nd.array([1])))
show('bool(nd.array([0]))', lambda: bool(nd.array([0])))
show('bool(nd.array([1,2]))', lambda: bool(nd.array([1, 2])))
show('float(nd.array([2.5]))', lambda: float(nd.array([2.5])))
show('A.norm() > 1  (NDArray)', lambda: A.norm() > 1)
show('A[1:3]', lambda: A[1:3])
show('A[1, 2]', lambda: A[1, 2])
show('A[0]', lambda: A[0])
show('A.asnumpy()', lambda: A.asnumpy())
show('A.T', lambda: A.T)
show('A.copy() is A', lambda: A.copy() is A)
show('nd.ones_like(A)', lambda: nd.ones_like(A))
show('A.zeros_like()', lambda: A.zeros_like())
""",
    # in-place operations
    'nd_inplace': r"""
X = nd.arange(12).reshape((3, 4))
Y = nd.array([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
before = id(Y)
Y = Y + X
print('id(Y)==before after Y = Y + X :', id(Y) == before)
Z = Y.zeros_like()
before = id(Z)
Z[:] = X + Y
print('id(Z)==before after Z[:] = X + Y :', id(Z) == before)
nd.elemwise_add(X, Y, out=Z)
print('id(Z)==before after elemwise_add(out=Z) :', id(Z) == before)
before = id(X)
X += Y
print('id(X)==before after X += Y :', id(X) == before)
print(repr(X))
X[1:2, :] = 12
print('after X[1:2,:]=12', repr(X))
X[1, 2] = 9
print('after X[1,2]=9', repr(X))
W = nd.arange(6)
W *= (W >= 3)
print('W *= (W>=3):', repr(W))
W[:] = nd.random.uniform(low=-10, high=10, shape=W.shape)
print('W[:] = uniform(-10,10):', repr(W))
""",
    # autograd
    'autograd': r"""
x = nd.arange(4).reshape((4, 1))
print('x.grad before attach_grad:', repr(x.grad))
x.attach_grad()
print('x.grad after attach_grad:', repr(x.grad))
with autograd.record():
    print('autograd.is_training() in record():', autograd.is_training())
    print('autograd.is_recording() in record():', autograd.is_recording())
    y = 2 * nd.dot(x.T, x)
print('y:', repr(y))
y.backward()
print('x.grad:', repr(x.grad))
print('x.grad == 4 * x:', repr(x.grad == 4 * x))
print('is_training outside:', autograd.is_training(), 'is_recording outside:', autograd.is_recording())
show('y.backward() second time', lambda: y.backward(), 'Cannot differentiate node because it is not in a computational graph.')
with autograd.record():
    y2 = x * x  # non-scalar head
y2.backward()
print('grad of non-scalar x*x (implicit ones head):', repr(x.grad))
show('backward outside record: (x*2).backward()', lambda: (x * 2).backward(), 'Cannot differentiate node because it is not in a computational graph.')
x2 = nd.ones((2,))
x2.attach_grad(grad_req='add')
for _ in range(2):
    with autograd.record():
        z = (x2 * 3).sum()
    z.backward()
print('grad_req=add twice ->', repr(x2.grad))
with autograd.record(train_mode=False):
    print('record(train_mode=False).is_training():', autograd.is_training())
with autograd.record():
    yy = x * 2
show('autograd.backward / y.backward(retain_graph=True) twice', lambda: (yy.backward(retain_graph=True), yy.backward()))

def f(a):
    b = a * 2
    while b.norm().asscalar() < 1000:
        b = b * 2
    if b.sum().asscalar() > 0:
        c = b
    else:
        c = 100 * b
    return c

mx.random.seed(1)
a = nd.random.normal(shape=1)
a.attach_grad()
with autograd.record():
    c = f(a)
c.backward()
print('control-flow: a.grad == c / a ->', repr(a.grad == c / a))
""",
    # Block names, counters, reprs (model construction)
    'block_names_and_reprs': r"""
mx.random.seed(0)
X = nd.random.uniform(shape=(2, 20))
net = MLP()
print('MLP name:', net.name, 'prefix:', net.prefix, 'hidden.name', net.hidden.name, 'output.name', net.output.name)
print('repr(net) before init:\n' + repr(net))
net.initialize()
out = net(X)
print('net(X):', out.shape, out.context)  # its values: case mlp_output
print('repr(net) after forward:\n' + repr(net))
print('net.params:', repr(net.params))
print('net.collect_params():', repr(net.collect_params()))
print('net._children keys:', list(net._children.keys()), 'type:', type(net._children).__name__)
print('type of _children value:', type(list(net._children.values())[0]).__name__)

net2 = MySequential()
net2.add(nn.Dense(256, activation='relu'))
net2.add(nn.Dense(10))
net2.initialize()
print('MySequential:', net2.name, repr(net2))
print('MySequential out shape', net2(X).shape)
print('MySequential collect_params keys', list(net2.collect_params().keys()))
print('MySequential _collect_params_with_prefix keys', list(net2._collect_params_with_prefix().keys()))

fnet = FancyMLP()
fnet.initialize()
print('FancyMLP out:', fnet(X).shape)  # its value: case fancy_and_nested_outputs
print('FancyMLP repr:\n' + repr(fnet))
print('FancyMLP params:', repr(fnet.params))
print('FancyMLP collect_params:', repr(fnet.collect_params()))
print('rand_weight repr:', repr(fnet.rand_weight))
print('type(rand_weight).__name__:', type(fnet.rand_weight).__name__, 'grad_req', fnet.rand_weight.grad_req)
print('save keys with constants:', list(fnet._collect_params_with_prefix().keys()))

nest = nn.Sequential()
nest.add(NestMLP(), nn.Dense(20), FancyMLP())
nest.initialize()
print('nested out:', nest(X).shape)
print('nested repr:\n' + repr(nest))
print('nested collect_params keys:', list(nest.collect_params().keys()))
print('nested _collect_params_with_prefix keys:', list(nest._collect_params_with_prefix().keys()))

print('\n-- counters: several nets in sequence')
for i in range(3):
    s = nn.Sequential()
    s.add(nn.Dense(3), nn.Dense(4, in_units=3))
    print('seq', i, 'name', s.name, 'prefix', s.prefix, 'children', [c.name for c in s._children.values()],
          'params', list(s.collect_params().keys()))
with_scope = nn.Sequential()
with with_scope.name_scope():
    with_scope.add(nn.Dense(3), nn.Dense(4))
print('with name_scope:', with_scope.name, [c.name for c in with_scope._children.values()],
      list(with_scope.collect_params().keys()))
print('explicit prefix:', nn.Dense(3, prefix='mylayer_').name, nn.Sequential(prefix='foo_').prefix)
print('MLP() again names:', MLP().name, MLP().hidden.name)
print('nn.Dense(5, activation="relu", in_units=7) repr:', repr(nn.Dense(5, activation='relu', in_units=7)))
print('nn.Dense(5, activation="sigmoid") repr:', repr(nn.Dense(5, activation='sigmoid')))
print('nn.Dense(5, use_bias=False) repr:', repr(nn.Dense(5, use_bias=False)))
print('nn.Dense(5, flatten=False) repr:', repr(nn.Dense(5, flatten=False)))
print('empty Sequential repr:', repr(nn.Sequential()))
print('Block() repr:', repr(nn.Block()))
print('nn.Dropout(0.5) repr:', repr(nn.Dropout(0.5)))
print('nn.Activation("relu") repr:', repr(nn.Activation('relu')))

layer = CenteredLayer()
print('CenteredLayer out:', repr(layer(nd.array([1, 2, 3, 4, 5]))))
cnet = nn.Sequential()
cnet.add(nn.Dense(128), CenteredLayer())
cnet.initialize()
cy = cnet(nd.random.uniform(shape=(4, 8)))
print('centered mean is about 0:', abs(float(cy.mean().asscalar())) < 1e-6)
print('cnet repr:\n' + repr(cnet))

print('\n-- Sequential indexing / len')
sq = nn.Sequential()
sq.add(nn.Dense(4), nn.Dense(5), nn.Dense(6))
print('len', len(sq), 'sq[0]', repr(sq[0]), 'sq[-1]', repr(sq[-1]))
show('sq[1:]', lambda: sq[1:])
show('sq[5]', lambda: sq[5])
""",
    # Parameters access (parameters.md)
    'parameter_access': r"""
mx.random.seed(0)
net = nn.Sequential()
net.add(nn.Dense(256, activation='relu'))
net.add(nn.Dense(10))
print('net names:', net.name, [c.name for c in net._children.values()])
print('params before init (deferred):', repr(net.collect_params()))
net.initialize()
X = nd.random.uniform(shape=(2, 20))
Y = net(X)
print('net[0].params:', repr(net[0].params))
print('type(net[0].params).__name__:', type(net[0].params).__name__)
print('net[0].params type(net[1].bias).__name__:', type(net[1].bias).__name__)
print('net[1].bias:', repr(net[1].bias))
print('str(net[1].bias):', str(net[1].bias))
print('net[1].bias.data():', repr(net[1].bias.data()))
print('net[0].params["%s_weight"]:' % net[0].name, repr(net[0].params[net[0].name + '_weight']))
print('net[0].weight.data():', repr(net[0].weight.data()))
print('net[0].weight.grad():', repr(net[0].weight.grad()))
print('net[0].weight attrs: name', net[0].weight.name, 'shape', net[0].weight.shape, 'dtype', repr(net[0].weight.dtype),
      'grad_req', net[0].weight.grad_req, 'init', net[0].weight.init, 'lr_mult', net[0].weight.lr_mult,
      'list_ctx', net[0].weight.list_ctx())
print('net[1].bias.init:', net[1].bias.init)
print('net.collect_params():', repr(net.collect_params()))
print('net.collect_params(".*weight"):', repr(net.collect_params('.*weight')))
print('net.collect_params("weight"):', repr(net.collect_params('weight')))
print('net.collect_params("dense0_weight|dense1_bias"):', repr(net.collect_params('dense0_weight|dense1_bias')))
print('net.params (Sequential own):', repr(net.params))
pd = net.collect_params()
print('type(collect_params).__name__', type(pd).__name__, 'keys', list(pd.keys()), 'prefix', repr(pd.prefix))
print("pd['dense0_bias'].data():", repr(pd[net[0].name + '_bias'].data()))
show("pd['nonexistent']", lambda: pd['nonexistent'])
show("pd.get('dense0_weight') (via ParameterDict.get on existing w/o prefix)", lambda: net[0].params.get('weight'))
print('same object?', net[0].params.get('weight') is net[0].weight)
print('Default init stats: weight min/max', net[0].weight.data().min().asscalar(), net[0].weight.data().max().asscalar(),
      ' bias all zero:', (net[0].bias.data() == 0).sum().asscalar() == 256)
big = nn.Dense(1000, in_units=1000)
big.initialize()
print('big Dense default init min/max/mean/std:', big.weight.data().min().asscalar(), big.weight.data().max().asscalar(),
      big.weight.data().mean().asscalar(), round(float(np.std(big.weight.data().asnumpy())), 6))
print('Uniform() dumps:', init.Uniform().dumps(), init.Uniform().scale)
print('Normal() dumps:', init.Normal().dumps(), ' Xavier() dumps:', init.Xavier().dumps(), ' Constant(1) dumps', init.Constant(1).dumps())
print('Zero dumps', init.Zero().dumps(), ' One dumps', init.One().dumps())
""",
    # initialize twice (warnings) / force_reinit
    'initialize_twice': r"""
mx.random.seed(0)
net = nn.Sequential()
net.add(nn.Dense(256, activation='relu'))
net.add(nn.Dense(10))
net.initialize()
net(nd.random.uniform(shape=(2, 20)))
print('calling net.initialize() again without force_reinit:')
net.initialize()
print('calling net[0].weight.initialize() again:')
net[0].weight.initialize()
print('calling net.initialize(init=init.Normal(sigma=0.01), force_reinit=True):')
net.initialize(init=init.Normal(sigma=0.01), force_reinit=True)
print('net[0].weight.data()[0]:', repr(net[0].weight.data()[0]))
print('std approx', round(float(np.std(net[0].weight.data().asnumpy())), 6), 'bias after Normal reinit (zeros?)', net[0].bias.data()[:5])
net.initialize(init=init.Constant(1), force_reinit=True)
print('after Constant(1): net[0].weight.data()[0]:', repr(net[0].weight.data()[0]))
print('after Constant(1): net[0].bias.data()[:3]:', repr(net[0].bias.data()[:3]))
net[0].weight.initialize(init=init.Xavier(), force_reinit=True)
print('after Xavier on net[0].weight: net[1].weight.data()[0]', repr(net[1].weight.data()[0]))
print('net[0].weight.data()[0]', repr(net[0].weight.data()[0]))
lim = np.sqrt(6.0 / (256 + 20))
print('Xavier bound sqrt(6/(in+out)) =', lim, ' observed max abs', float(np.abs(net[0].weight.data().asnumpy()).max()))

print('MyInit force_reinit:')
net.initialize(MyInit(), force_reinit=True)
print('net[0].weight.data()[0]:', repr(net[0].weight.data()[0]))
print('biases after MyInit (bias initializer zeros is param-level):', repr(net[0].bias.data()[:3]))
net[0].weight.set_data(net[0].weight.data() + 1)
print('after set_data(+1): net[0].weight.data()[0]', repr(net[0].weight.data()[0]))
show('set_data with wrong shape', lambda: net[0].weight.set_data(nd.ones((3, 3))))
print('weight shape after bad set_data:', net[0].weight.shape, net[0].weight.data().shape)

class MyInit2(init.Initializer):
    def _init_weight(self, name, data):
        print('Init2', name, data.shape)
        data[:] = 2

class BiasInit(init.Initializer):
    pass

show('Initializer with no _init_weight -> default', lambda: (nn.Dense(2, in_units=2).initialize(BiasInit())))
show('init.Initializer() base directly', lambda: (nn.Dense(2, in_units=2).initialize(init.Initializer())))
p = gluon.Parameter('foo', shape=(2, 2))
show('Parameter("foo").initialize(MyInit2()) (name w/o weight suffix)', lambda: p.initialize(MyInit2()))
show('Parameter("foo") data', lambda: p.data())
p2 = gluon.Parameter('foo_weight', shape=(2, 2), init=init.Constant(3))
p2.initialize(MyInit2())
print('param-level init wins over global? foo_weight:', repr(p2.data()))
p3 = gluon.Parameter('bar_weight', shape=(2, 2))
p3.initialize(init=MyInit2(), default_init=init.Constant(5))
print('Parameter.initialize(init=..., default_init=...):', repr(p3.data()))
print('Parameter repr:', repr(p3), ' str:', str(p3))
show('Parameter repr deferred shape', lambda: gluon.Parameter('baz', shape=(3, 0)))
show('Parameter repr no shape', lambda: gluon.Parameter('baz2'))
show('Parameter float64', lambda: gluon.Parameter('baz3', shape=(1,), dtype='float64'))
""",
    # uninitialized / deferred errors
    'uninitialized_errors': r"""
un = nn.Dense(3)
show('data() on never-initialized param (Dense(3))', lambda: un.weight.data())
show('grad() on never-initialized param', lambda: un.weight.grad())
un2 = nn.Dense(3, in_units=4)
show('data() on never-initialized param with full shape', lambda: un2.weight.data())
show('forward through never-initialized net', lambda: un2(nd.ones((1, 4))))
seqn = nn.Sequential()
seqn.add(nn.Dense(3))
seqn.initialize()
show('data() on deferred-initialized param', lambda: seqn[0].weight.data())
show('grad() on deferred-initialized param', lambda: seqn[0].weight.grad())
show('set_data() on deferred-initialized param', lambda: seqn[0].weight.set_data(nd.ones((3, 2))))
print('after set_data on deferred:', repr(seqn[0].weight))
show('data() after set_data on deferred', lambda: seqn[0].weight.data())
show('forward after set_data', lambda: seqn(nd.ones((1, 2))))
print('deferred param repr:', repr(nn.Dense(7).weight))
print('Dense(7) deferred bias repr:', repr(nn.Dense(7).bias))
""",
    # deferred init (deferred-init.md)
    'deferred_init': r"""
class MyInit3(init.Initializer):
    def _init_weight(self, name, data):
        print('Init', name, data.shape)

def getnet():
    net = nn.Sequential()
    net.add(nn.Dense(256, activation='relu'))
    net.add(nn.Dense(10))
    return net

net = getnet()
print('names:', [c.name for c in net._children.values()])
print('initialize(init=MyInit3()) -> (expect nothing printed)')
net.initialize(init=MyInit3())
print('... forward:')
X = nd.random.uniform(shape=(2, 20))
Y = net(X)
print('... second forward (expect nothing):')
Y = net(X)
print('... force_reinit:')
net.initialize(init=MyInit3(), force_reinit=True)
print('... in_units given:')
net = nn.Sequential()
net.add(nn.Dense(256, in_units=20, activation='relu'))
net.add(nn.Dense(10, in_units=256))
net.initialize(init=MyInit3())
print('... forward with different input width (deferred net already initialized with 20):')
net = getnet()
net.initialize()
net(nd.ones((2, 20)))
show('forward with X of width 30 into net expecting 20', lambda: net(nd.ones((2, 30))),
     'Shape inconsistent, Provided = [256,20], inferred shape=(256,30)')
d = nn.Dense(4, in_units=5)
d.initialize()
show('Dense(4,in_units=5) on (2,3)', lambda: d(nd.ones((2, 3))), 'Shape inconsistent, Provided = [4,5], inferred shape=(4,3)')
show('Dense forward on 3-D input (2,3,5)->flatten', lambda: nn.Dense(4)(nd.ones((2, 3, 5))) if False else None)
d3 = nn.Dense(4)
d3.initialize()
print('Dense(4) on (2,3,5): out shape', d3(nd.ones((2, 3, 5))).shape, 'weight shape', d3.weight.shape)
show('nd.dot shape mismatch (2,3)x(4,5)', lambda: nd.dot(nd.ones((2, 3)), nd.ones((4, 5))), 'dot shape error: [2,3] X [4,5]')
show('elementwise shape mismatch (2,3)+(3,2)', lambda: nd.ones((2, 3)) + nd.ones((3, 2)),
     'operands could not be broadcast together with shapes [2,3] [3,2]')
show('broadcast (2,3)+(1,3) via +', lambda: nd.ones((2, 3)) + nd.ones((1, 3)))
show('broadcast (2,3)+(3,) via +', lambda: nd.ones((2, 3)) + nd.ones((3,)))
""",
    # shared parameters
    'shared_parameters': r"""
mx.random.seed(0)
net = nn.Sequential()
shared = nn.Dense(8, activation='relu')
net.add(nn.Dense(8, activation='relu'),
        shared,
        nn.Dense(8, activation='relu', params=shared.params),
        nn.Dense(10))
net.initialize()
X = nd.random.uniform(shape=(2, 20))
net(X)
print('net[1].weight.data()[0] == net[2].weight.data()[0]:', repr(net[1].weight.data()[0] == net[2].weight.data()[0]))
print('names', [c.name for c in net._children.values()], 'net[2].weight.name', net[2].weight.name,
      'same object', net[1].weight is net[2].weight)
print('net[2].params:', repr(net[2].params))
print('net[2].prefix', net[2].prefix)
print('collect_params:', repr(net.collect_params()))
print('_collect_params_with_prefix keys:', list(net._collect_params_with_prefix().keys()))
print('repr(net):\n' + repr(net))
# gradient accumulation check
with autograd.record():
    l = net(X).sum()
l.backward()
g_shared = net[1].weight.grad().copy()
# recompute contributions separately with an unshared clone
W1 = net[1].weight.data().copy(); b1 = net[1].bias.data().copy()
W0 = net[0].weight.data(); b0 = net[0].bias.data(); W3 = net[3].weight.data(); b3 = net[3].bias.data()
Wa = W1.copy(); Wb = W1.copy()
Wa.attach_grad(); Wb.attach_grad()
with autograd.record():
    h = nd.relu(nd.dot(X, W0.T) + b0)
    h = nd.relu(nd.dot(h, Wa.T) + b1)
    h = nd.relu(nd.dot(h, Wb.T) + b1)
    o = (nd.dot(h, W3.T) + b3).sum()
o.backward()
print('shared grad == gradA + gradB (allclose):', np.allclose(g_shared.asnumpy(), (Wa.grad + Wb.grad).asnumpy(), atol=1e-6))
print('shared grad == gradA only:', np.allclose(g_shared.asnumpy(), Wa.grad.asnumpy(), atol=1e-6),
      ' == gradB only:', np.allclose(g_shared.asnumpy(), Wb.grad.asnumpy(), atol=1e-6))
print('norms: shared %.4g A %.4g B %.4g' % tuple(float(np.linalg.norm(g.asnumpy())) for g in (g_shared, Wa.grad, Wb.grad)))
# second backward: write vs add
with autograd.record():
    l = net(X).sum()
l.backward()
print('after 2nd backward, grad same as first (grad_req=write):', np.allclose(g_shared.asnumpy(), net[1].weight.grad().asnumpy()))
show('params= with mismatched shape usage: Dense(9, params=shared.params) forward', lambda: (lambda n: (n.add(nn.Dense(8, activation='relu'), nn.Dense(9, params=shared.params)), n.initialize(), n(X)))(nn.Sequential()))
""",
    # ParameterDict / get / get_constant
    'parameter_dict': r"""
params = gluon.ParameterDict()
params.get('param2', shape=(2, 3))
print('ParameterDict():', repr(params))
print('ParameterDict() prefix:', repr(params.prefix))
params_p = gluon.ParameterDict(prefix='block_')
w = params_p.get('weight', shape=(3, 4))
print('ParameterDict(prefix="block_"):', repr(params_p))
print('get again same object:', params_p.get('weight') is w)
show('get again with conflicting shape', lambda: params_p.get('weight', shape=(5, 5)))
show('get again with compatible shape (3,0)', lambda: params_p.get('weight', shape=(3, 0)))
c = params_p.get_constant('c', nd.ones((2, 2)))
print('get_constant repr:', repr(c), 'type', type(c).__name__)
print('ParameterDict with constant:', repr(params_p))
show('get_constant from numpy', lambda: params_p.get_constant('c2', np.ones((2,))))
show('get_constant missing value', lambda: params_p.get_constant('c3'))
print('constant before initialize: ')
show('c.data() before init', lambda: c.data())
params_p.initialize()
print('c.data() after init:', repr(c.data()), 'c.grad_req', c.grad_req)
show('c.grad()', lambda: c.grad())

dense = MyDense(units=3, in_units=5)
print('MyDense params:', repr(dense.params))
print('MyDense repr:', repr(dense))
dense.initialize()
out = dense(nd.random.uniform(shape=(2, 5)))
print('MyDense out:', out.shape, (out >= 0).min().asscalar())  # its values: case my_dense_outputs
print('MyDense bias init (bias name -> _init_bias zeros?):', repr(dense.bias.data()))
mnet = nn.Sequential()
mnet.add(MyDense(8, in_units=64), MyDense(1, in_units=8))
mnet.initialize()
print('Sequential of MyDense out:', mnet(nd.random.uniform(shape=(2, 64))).shape)
print('Sequential of MyDense repr:\n' + repr(mnet))
print('Sequential of MyDense collect_params:', repr(mnet.collect_params()))
""",
    # nd.save / nd.load (read-write.md)
    'nd_save_load': r"""
x = nd.arange(4)
nd.save('x-file', x)
x2 = nd.load('x-file')
print('nd.load(x-file):', repr(x2), type(x2).__name__)
y = nd.zeros(4)
nd.save('x-files', [x, y])
x2, y2 = nd.load('x-files')
print('nd.load(x-files):', repr((x2, y2)))
mydict = {'x': x, 'y': y}
nd.save('mydict', mydict)
mydict2 = nd.load('mydict')
print('nd.load(mydict):', repr(mydict2), type(mydict2).__name__)
hexdump('x-file')
hexdump('x-files')
hexdump('mydict')
nd.save('m2d', nd.arange(6).reshape((2, 3)))
hexdump('m2d')
nd.save('mf64i32', [nd.array([1.5], dtype='float64'), nd.array([7, 8], dtype='int32'), nd.array([1], dtype='uint8'),
                    nd.array([1], dtype='int64'), nd.array([1], dtype='int8'), nd.array([1], dtype='float16')])
hexdump('mf64i32')
print('loaded dtypes:', [a.dtype for a in nd.load('mf64i32')])
nd.save('mcpu1', nd.ones((2,), ctx=mx.cpu(1)))
hexdump('mcpu1')
print('load of array saved on cpu(1) -> context:', nd.load('mcpu1')[0].context)
nd.save('mempty_list', [])
hexdump('mempty_list')
show('load empty list', lambda: nd.load('mempty_list'))
nd.save('mempty_dict', {})
hexdump('mempty_dict')
show('load empty dict file', lambda: nd.load('mempty_dict'))
nd.save('mscalar', nd.array(5))
hexdump('mscalar')
nd.save('mdict_order', {'b': nd.ones(1), 'a': nd.zeros(1), 'c': nd.ones(1) * 2})
hexdump('mdict_order')
print('dict order preserved on load:', list(nd.load('mdict_order').keys()))
show('nd.save list with non-NDArray', lambda: nd.save('bad', [1, 2]))
show('nd.save non-NDArray', lambda: nd.save('bad', np.ones(2)))
show('nd.save dict with non-str key', lambda: nd.save('bad', {1: nd.ones(1)}))
show('nd.load nonexistent', lambda: nd.load('does-not-exist'), 'No such file or directory')
with open('garbage', 'wb') as fh:
    fh.write(b'hello world garbage data 1234567890')
show('nd.load garbage', lambda: nd.load('garbage'), 'Invalid NDArray file format')
with open('x-files', 'rb') as fh:
    show('nd.load_frombuffer', lambda: nd.load_frombuffer(fh.read()))
show('np.load of mxnet file (is it npy?)', lambda: np.load('x-file', allow_pickle=False), 'pickled')
nd.save('x.npy', x)
hexdump('x.npy')
""",
    # save_parameters / load_parameters
    'save_load_parameters': r"""
mx.random.seed(0)
net = MLP()
net.initialize()
X = nd.random.uniform(shape=(2, 20))
Y = net(X)
nest = nested_net()
nest.initialize()
nest(X)
net2 = MySequential()
net2.add(nn.Dense(256, activation='relu'))
net2.add(nn.Dense(10))
net2.initialize()
net2(X)
net.save_parameters('mlp.params')
print('net names:', net.name, net.hidden.name, net.output.name)
raw = nd.load('mlp.params')
print('keys in mlp.params:', list(raw.keys()))
print('shapes:', {k: v.shape for k, v in raw.items()})
hexdump('mlp.params', 64)
clone = MLP()
print('clone names:', clone.name, clone.hidden.name, clone.output.name)
clone.load_parameters('mlp.params')
Y_clone = clone(X)
print('Y_clone == Y:', repr(Y_clone == Y))
print('clone param repr after load (deferred net):', repr(clone.hidden.weight))
seqnet = nn.Sequential()
seqnet.add(nn.Dense(256, activation='relu'), nn.Dense(10))
seqnet.initialize()
seqnet(X)
seqnet.save_parameters('seq.params')
print('Sequential save keys:', list(nd.load('seq.params').keys()))
# shared
shnet = nn.Sequential()
sh = nn.Dense(8, in_units=8)
shnet.add(nn.Dense(8, in_units=4), sh, nn.Dense(8, params=sh.params))
shnet.initialize()
shnet.save_parameters('shared.params')
print('shared save keys:', list(nd.load('shared.params').keys()))
shnet.save_parameters('shared_dedup.params', deduplicate=True)
print('shared save keys deduplicate=True:', list(nd.load('shared_dedup.params').keys()))
# nested
nest.save_parameters('nest.params')
print('nested save keys:', list(nd.load('nest.params').keys()))
# MySequential keys
net2.save_parameters('myseq.params')
print('MySequential save keys:', list(nd.load('myseq.params').keys()))
# ParameterDict.save (legacy / prefixed)
net.collect_params().save('legacy.params')
print('collect_params().save keys:', list(nd.load('legacy.params').keys()))
show('collect_params().save(strip_prefix=net.prefix)', lambda: net.collect_params().save('legacy_strip.params', strip_prefix=net.prefix))
show('collect_params().save(strip_prefix="dense")', lambda: (net.collect_params().save('legacy_strip.params', strip_prefix='dense'), list(nd.load('legacy_strip.params').keys()))[1])
clone2 = MLP()
show('load_parameters from legacy prefixed file into new MLP (diff names)', lambda: clone2.load_parameters('legacy.params'))
clone3 = MLP()
show('collect_params().load(legacy, restore_prefix?)', lambda: clone3.collect_params().load('legacy.params'))
# mismatch errors
class MLP30(nn.Block):
    def __init__(self, **kwargs):
        super(MLP30, self).__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu', in_units=30)
        self.output = nn.Dense(10)

    def forward(self, x):
        return self.output(self.hidden(x))

bad = MLP30()
bad.initialize()
show('load_parameters shape mismatch (in_units=30 vs saved 20)', lambda: bad.load_parameters('mlp.params'))
bad2 = MLP30()
show('load_parameters shape mismatch into uninitialized net with in_units=30', lambda: bad2.load_parameters('mlp.params'))

class MLPExtra(nn.Block):
    def __init__(self, **kwargs):
        super(MLPExtra, self).__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu')
        self.output = nn.Dense(10)
        self.extra = nn.Dense(3)

    def forward(self, x):
        return self.extra(self.output(self.hidden(x)))

show('load_parameters missing keys', lambda: MLPExtra().load_parameters('mlp.params'))
show('load_parameters missing keys allow_missing=True', lambda: MLPExtra().load_parameters('mlp.params', allow_missing=True))
nested_small = nn.Sequential()
nested_small.add(nn.Dense(256, activation='relu'))
show('load_parameters extra keys (seq.params into 1-layer seq)', lambda: nested_small.load_parameters('seq.params'))
show('load_parameters extra keys ignore_extra=True', lambda: nested_small.load_parameters('seq.params', ignore_extra=True))
show('load_parameters nonexistent file', lambda: MLP().load_parameters('nope.params'),
     'Open "nope.params": No such file or directory')
f64 = nn.Dense(3, in_units=2, dtype='float64')
f64.initialize()
f64.save_parameters('f64.params')
f32 = nn.Dense(3, in_units=2)
f32.initialize()
show('load_parameters dtype mismatch (float64 file into float32 net)', lambda: f32.load_parameters('f64.params'))
print('after: dtype', f32.weight.data().dtype)
show('load_parameters cast_dtype=True', lambda: f32.load_parameters('f64.params', cast_dtype=True))
print('after cast: dtype', f32.weight.data().dtype)
show('load_parameters ctx=mx.cpu(1)', lambda: clone.load_parameters('mlp.params', ctx=mx.cpu(1)))
print('clone.hidden.weight.list_ctx() after ctx=cpu(1):', clone.hidden.weight.list_ctx())
""",
    # contexts (use-gpu.md)
    'contexts': r"""
print('mx.cpu():', repr(mx.cpu()), str(mx.cpu()), ' mx.gpu():', repr(mx.gpu()), ' mx.gpu(1):', repr(mx.gpu(1)))
print('mx.cpu() == mx.cpu(0):', mx.cpu() == mx.cpu(0), ' mx.cpu(1) == mx.cpu(0):', mx.cpu(1) == mx.cpu(0))
print('mx.cpu() device_type/id:', mx.cpu().device_type, mx.cpu().device_id, mx.gpu(1).device_type, mx.gpu(1).device_id)
print('type(mx.cpu()).__name__:', type(mx.cpu()).__name__, ' mx.context.current_context():', mx.context.current_context())
print('hash eq:', hash(mx.cpu()) == hash(mx.cpu(0)))
print('mx.cpu_pinned():', repr(mx.cpu_pinned()))
x = nd.array([1, 2, 3])
print('x.context:', x.context)
absent = mx.gpu(mx.context.num_gpus())  # gpu(0) without a GPU: what MXNet's CPU build ran
show('nd.array([1,2,3], ctx=absent)', lambda: nd.array([1, 2, 3], ctx=absent), '')
show('nd.ones((2,3), ctx=absent)', lambda: nd.ones((2, 3), ctx=absent), '')
show('nd.random.uniform(shape=(2,3), ctx=absent)', lambda: nd.random.uniform(shape=(2, 3), ctx=absent), '')
show('x.copyto(absent)', lambda: x.copyto(absent), '')
show('x.as_in_context(absent)', lambda: x.as_in_context(absent), '')
x1 = show('nd.array([1,2,3], ctx=mx.cpu(1))', lambda: nd.array([1, 2, 3], ctx=mx.cpu(1)))
y = show('x.copyto(mx.cpu(1))', lambda: x.copyto(mx.cpu(1)))
print('y.context', y.context)
print('x.as_in_context(mx.cpu(0)) is x:', x.as_in_context(mx.cpu(0)) is x)
print('x.as_in_context(mx.cpu()) is x:', x.as_in_context(mx.cpu()) is x)
print('x.copyto(mx.cpu()) is x:', x.copyto(mx.cpu()) is x)
print('y.as_in_context(mx.cpu(1)) is y:', y.as_in_context(mx.cpu(1)) is y)
z = x.as_in_context(mx.cpu(1))
print('x.as_in_context(cpu(1)) context', z.context, 'is x', z is x)
tgt = nd.zeros(3, ctx=mx.cpu(1))
r = x.copyto(tgt)
print('x.copyto(NDArray on cpu1) returns target?', r is tgt, repr(tgt))
show('x + y (cpu(0) + cpu(1))', lambda: x + y)
show('(y + x).context', lambda: (y + x).context)
show('nd.dot(x.reshape((1,3)), y.reshape((3,1))) cpu0.cpu1', lambda: nd.dot(x.reshape((1, 3)), y.reshape((3, 1))))
show('x[:] = y (cross-ctx assign)', lambda: x.__setitem__(slice(None), y))
show('(y+1).context', lambda: (y + 1).context)
show('y.exp()', lambda: y.exp())
show('nd.dot(y, y)', lambda: nd.dot(y, y))
show('nd.dot(y, y).context', lambda: nd.dot(y, y).context)
# nets on contexts
net = nn.Sequential()
net.add(nn.Dense(1))
net.initialize(ctx=mx.cpu(1))
Xc1 = nd.ones((2, 3), ctx=mx.cpu(1))
show('net(X on cpu1) with net on cpu1', lambda: net(Xc1).context)
show('net[0].weight.data() (net on cpu1)', lambda: net[0].weight.data())
show('net[0].weight.data(mx.cpu(0))', lambda: net[0].weight.data(mx.cpu(0)))
show('net(X on cpu0) with net on cpu1', lambda: net(nd.ones((2, 3))))
show('net.initialize(ctx=absent)', lambda: (lambda n: (n.add(nn.Dense(1)), n.initialize(ctx=absent), n(nd.ones((2, 3), ctx=absent))))(nn.Sequential()), '')
n2 = nn.Dense(2, in_units=3)
n2.initialize(ctx=[mx.cpu(0), mx.cpu(1)])
print('multi-ctx init list_ctx:', n2.weight.list_ctx(), 'list_data:', n2.weight.list_data())
show('multi-ctx data() without ctx', lambda: n2.weight.data())
show('param.reset_ctx(cpu(1))', lambda: (n2.collect_params().reset_ctx(mx.cpu(1)), n2.weight.list_ctx())[1])
with mx.Context(mx.cpu(1)):
    print('inside with mx.Context(cpu(1)): nd.ones(1).context =', nd.ones(1).context)
with mx.cpu(1):
    print('inside with mx.cpu(1): nd.ones(1).context =', nd.ones(1).context)
print('autograd across contexts:')
a0 = nd.ones((2,)); a0.attach_grad()
a1 = nd.ones((2,), ctx=mx.cpu(1)); a1.attach_grad()
show('record a0*2 + a1*3 backward', lambda: (lambda: [None for _ in [0]])())
with autograd.record():
    try:
        s = (a0 * 2 + a1 * 3).sum()
    except Exception as e:
        s = None
        print('EXC', type(e).__name__, e)
if s is not None:
    s.backward()
    print('a0.grad', repr(a0.grad), 'a1.grad', repr(a1.grad))
""",
    # misc
    'misc': r"""
print('mx.nd.NDArray class:', mx.nd.NDArray.__name__)
print('nd.waitall() ->', nd.waitall())
print('Block.__call__ on HybridBlock Dense: isinstance HybridBlock', isinstance(nn.Dense(3), nn.HybridBlock))
print('gluon.Parameter default grad_req:', gluon.Parameter('q', shape=(1,)).grad_req)
print('init.Normal().sigma', init.Normal().sigma, 'init.Xavier() attrs', init.Xavier().rnd_type, init.Xavier().factor_type, init.Xavier().magnitude)
""",
    # extras
    'extras': r"""
import traceback
print('MRO DeferredInitializationError:', [c.__name__ for c in gluon.parameter.DeferredInitializationError.__mro__])
print('MRO MXNetError:', [c.__name__ for c in mx.base.MXNetError.__mro__])

class MyInitB(init.Initializer):
    def _init_weight(self, name, data):
        print('Init', name, type(name).__name__, data.shape)
        data[:] = 7

md = MyDense(units=2, in_units=3)
md.initialize(MyInitB())
print('custom init applied to bias without param-level init:', repr(md.bias.data()))
dn = nn.Dense(2, in_units=3, bias_initializer=None)
dn.initialize(MyInitB())
print('Dense(bias_initializer=None) bias:', repr(dn.bias.data()))
dn2 = nn.Dense(2, in_units=3, weight_initializer=init.Constant(3))
dn2.initialize(MyInitB())
print('Dense(weight_initializer=Constant(3)) with global MyInitB:', repr(dn2.weight.data()))
dn3 = nn.Dense(2, in_units=3, weight_initializer='ones')
dn3.initialize()
print('weight_initializer="ones" string:', repr(dn3.weight.data()))

print('-- exception as python would print it (format_exception_only):')
d = nn.Dense(4, in_units=5)
d.initialize()
try:
    d(nd.ones((2, 3)))
except Exception as e:  # the type as Python prints it (the message: case deferred_init)
    print(traceback.format_exception_only(type(e), e)[0].split(':')[0].replace(mx.__name__ + '.', 'mxnet.'))
n = nn.Sequential()
n.add(nn.Dense(3))
n.initialize()
try:
    n[0].weight.data()
except Exception as e:
    print(''.join(traceback.format_exception_only(type(e), e)).replace(mx.__name__ + '.', 'mxnet.'))

print('-- NameManager scoping of counters')
with mx.name.NameManager():
    print('inside fresh NameManager: Dense ->', nn.Dense(3).name, nn.Dense(3).name, 'Sequential ->', nn.Sequential().name)
print('after NameManager: Dense ->', nn.Dense(3).name)
print('Dense child prefix for activation:', [ (k, c.prefix) for k, c in nn.Dense(3, activation='relu')._children.items()])
print('Dense _children keys (no act):', list(nn.Dense(3)._children.keys()))

print('-- Block without super().__init__ call')
class BadBlock(nn.Block):
    def __init__(self):
        self.dense = nn.Dense(3)
show('BadBlock()', lambda: BadBlock())

print('-- forward not implemented')
show('nn.Block()(nd.ones(1))', lambda: nn.Block()(nd.ones(1)))

print('-- attach_grad on Parameter data; param grad after backward; zero_grad')
dd = nn.Dense(2, in_units=3)
dd.initialize(init.Constant(1))
xx = nd.ones((4, 3))
with autograd.record():
    ll = dd(xx).sum()
ll.backward()
print('dense weight grad:', repr(dd.weight.grad()), 'bias grad', repr(dd.bias.grad()))
dd.collect_params().zero_grad()
print('after zero_grad:', repr(dd.bias.grad()))

print('-- Parameter.data() identity & mutation in-place')
print('data() is data():', dd.weight.data() is dd.weight.data())
dd.weight.data()[:] = 5
print('after data()[:]=5:', repr(dd.weight.data()))

print('-- repr of NDArray on cpu(1) & int dtype & bool-like results')
print(repr(nd.array([1, 2], ctx=mx.cpu(1), dtype='int32')))
print(repr(nd.arange(3) == nd.arange(3)))
print('-- sum/mean of int32')
print(repr(nd.array([1, 2], dtype='int32').sum()))
print('-- norm axis / keepdims')
print(repr(nd.ones((2, 3)).norm(axis=1)))
print('-- asscalar of int32 type', type(nd.array([3], dtype='int32').asscalar()))
print('END')
""",
    # float32 matrix products (APPROX_FLOATS): the book's nets on seed 0's numbers
    'mlp_output': r"""
mx.random.seed(0)
X = nd.random.uniform(shape=(2, 20))
net = MLP()
net.initialize()
print('net(X):', repr(net(X)))
""",
    'fancy_and_nested_outputs': r"""
X = nd.random.uniform(shape=(2, 20))
fancy = FancyMLP()
fancy.initialize()
print('FancyMLP out:', repr(fancy(X)))
nest = nested_net()
nest.initialize()
print('nested out:', repr(nest(X)))
""",
    'my_dense_outputs': r"""
dense = MyDense(units=3, in_units=5)
dense.initialize()
print('MyDense out:', repr(dense(nd.random.uniform(shape=(2, 5)))))
mnet = nn.Sequential()
mnet.add(MyDense(8, in_units=64), MyDense(1, in_units=8))
mnet.initialize()
print('Sequential of MyDense out:', repr(mnet(nd.random.uniform(shape=(2, 64)))))
""",
    # the notes' parameter snippets (tests/seed_notes.py) in their order, as
    # tests/test_seed_examples.py::test_parameter_snippets runs them; classes print as MXNet's
    'notes_parameter_snippets': r"""
import io, seed_notes
mx.random.seed(0)
for name in ['ACCESS_SNIPPET', 'INIT_SNIPPET', 'MY_INIT_SNIPPET', 'SET_DATA_SNIPPET',
             'SHARED_SNIPPET', 'IN_UNITS_SNIPPET']:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(getattr(seed_notes, name), globals())
    print('--- %s' % name)
    print(out.getvalue().replace("<class '%s." % mx.__name__, "<class 'mxnet."), end='')
""",
}

CASES = {name: _case(body) for name, body in _SECTIONS.items()}
APPROX_FLOATS = {'mlp_output', 'fancy_and_nested_outputs', 'my_dense_outputs'}
