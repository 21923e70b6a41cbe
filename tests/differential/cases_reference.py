"""Differential cases behind the MXNet values that unit tests write out (see harness.py).

Each case makes the same calls as the test named in its key's comment and prints the values that
test hard-codes, so ``scripts/record_mxnet.py reference`` re-derives them from MXNet 1.9.1 into
expected_reference.json, and tests/test_differential.py checks that minigluon prints them too.
Floats print through ``tolist()`` (Python floats: the same text under any NumPy).
"""

CASES = {
    # test_random.py::test_seed_0_sequence
    'random_seed0_sequence': """
mx.random.seed(0)
a = nd.random.uniform(shape=(2, 3))
print(a.asnumpy().tolist()); print(a)
print(nd.random.uniform(shape=(2, 3)).asnumpy()[0].tolist())
print(nd.random.uniform(-1, 1, shape=(2, 2)).asnumpy().tolist())
print(nd.random.normal(0, 1, shape=(3, 4)))
d = nd.random.uniform(shape=(256, 20)).asnumpy()
print(d[:2, :4].tolist(), d[-1, -4:].tolist())
print(float(d.astype(np.float64).sum()), float((d.astype(np.float64) ** 2).sum()))
""",
    # test_random.py::test_2000_uniforms_match_mxnet and ::test_2000_normals_match_mxnet
    'random_2000_uniforms_then_normals': """
def checksums(x):
    v = x.asnumpy().astype(np.float64).ravel()
    return float(v.sum()), float((v * np.arange(v.size)).sum())
mx.random.seed(42)
u = nd.random.uniform(-2, 3, shape=(2000,))
print(u.asnumpy()[:4].tolist(), u.asnumpy()[1000:1003].tolist(), checksums(u))
n = nd.random.normal(1, 2, shape=(40, 50))
print(n.asnumpy()[0, :4].tolist(), n.asnumpy()[-1, -3:].tolist(), checksums(n))
""",
    # test_random.py::test_other_seeds_and_dtypes_match_mxnet, ::test_seeding_twice_gives_the_same_numbers
    'random_other_seeds_and_dtypes': """
for seed, kind, dtype, n in [(7, 'normal', None, 5), (7, 'normal', 'float64', 5),
                             (7, 'uniform', 'float64', 5), (7, 'uniform', 'float16', 5),
                             (-3, 'uniform', None, 3), (2 ** 31 - 1, 'uniform', None, 3),
                             (5, 'uniform', None, 3)]:
    mx.random.seed(seed)
    x = getattr(nd.random, kind)(shape=n, **({'dtype': dtype} if dtype else {}))
    print(seed, kind, x.dtype.__name__, x.asnumpy().tolist())
""",
    # test_autograd.py::test_control_flow_gradient_is_c_over_a
    'random_normal_seed1': """
mx.random.seed(1)
print(nd.random.normal(shape=1).asnumpy().tolist())
""",
    # test_initializer.py::test_values_match_mxnet_after_seed and ::test_msra_prelu_matches_mxnet
    'initializer_values_after_seed0': """
for name, initializer, shape in [('default', None, (2, 3)), ('Normal(1.0)', init.Normal(1.0), (2, 3)),
                                 ('Xavier()', init.Xavier(), (2, 3)),
                                 ('MSRAPrelu()', init.MSRAPrelu(), (4, 5))]:
    mx.random.seed(0)
    param = gluon.Parameter('a_weight', shape=shape)
    param.initialize(initializer)
    print(name, param.data().asnumpy()[:2].tolist())
""",
    # test_ndarray.py::test_repr_of_a_big_2d_array_is_truncated_as_in_mxnet
    'repr_big_2d_array': """
print(nd.arange(5120).reshape((256, 20)) / 7)
""",
    # test_ndarray.py::test_elementwise_functions and ::test_softmax_argmax_pick_where_one_hot
    'elementwise_and_softmax_values': """
print(nd.sigmoid(nd.array([0, 1])).asnumpy().tolist(), nd.tanh(nd.array([0, 1])).asnumpy().tolist())
print(nd.exp(nd.array([1, 2])).asnumpy().tolist(), nd.log(nd.array([1, 2])).asnumpy().tolist())
print(nd.softmax(nd.array([[1, 2, 3]])).asnumpy().astype(np.float64).round(6).tolist())  # last bits differ
print(nd.softmax(nd.array([[1, 2], [3, 5]]), axis=0).asnumpy().tolist())
# float32 log of a float32 sum: MXNet's last digits differ (the test's rtol is 1e-5)
print(nd.log_softmax(nd.array([[1, 2, 3]])).asnumpy().astype(np.float64).round(4).tolist())
""",
    # test_review_fixes.py::test_softmax_cross_entropy_takes_labels_of_shape_n_by_1
    'softmax_ce_with_n_by_1_labels': """
pred, label = nd.array([[1, 2, 3], [4, 5, 6]]), nd.array([[0], [2]])
print(gluon.loss.SoftmaxCrossEntropyLoss()(pred, label).asnumpy().astype(np.float64).round(4).tolist())  # as log_softmax
""",
    # test_trainer_loss.py::test_two_sgd_steps_match_mxnet and ::test_two_adam_steps
    'two_trainer_steps': """
for optimizer, params in [('sgd', {'learning_rate': 0.1}),
                          ('sgd', {'learning_rate': 0.1, 'momentum': 0.9}),
                          ('adam', {'learning_rate': 0.01})]:
    dense = nn.Dense(2, in_units=3)
    dense.initialize(init.Constant(0.5))
    trainer = gluon.Trainer(dense.collect_params(), optimizer, params)
    for _ in range(2):
        with autograd.record():
            loss = ((dense(nd.array([[1, 2, 3], [4, 5, 6]])) - 1) ** 2).sum()
        loss.backward()
        trainer.step(2)
    weight, bias = dense.weight.data().asnumpy()[0], dense.bias.data().asnumpy()[0]
    if optimizer == 'adam':  # MXNet's kernel uses float32 beta1/beta2: equal to 5 decimals
        weight, bias = weight.astype(np.float64).round(5), bias.astype(np.float64).round(5)
    print(optimizer, params, weight.tolist(), bias.tolist())
""",
    # test_parameter.py: the messages and reprs of its error and repr tests, in their order
    'parameter_messages_and_reprs': """
def show(call):
    try:
        call()
    except Exception as err:
        print(type(err).__name__, err)
with mx.name.NameManager():
    net = nn.Sequential()
    net.add(nn.Dense(256, activation='relu'), nn.Dense(10))
    net.initialize()
    net(nd.random.uniform(shape=(2, 20)))
    print(net[0].weight)
    show(lambda: net[0].weight.set_data(nd.ones((3, 3))))
    show(lambda: gluon.Parameter('z', shape=(1,)).set_data(nd.ones(1)))
    param = gluon.Parameter('w', shape=(2,), grad_req='add')
    param.initialize(init.One())
    param.grad_req = 'null'
    show(param.grad)
    def set_foo():
        param.grad_req = 'foo'
    show(set_foo)
with mx.name.NameManager():
    dense = nn.Dense(3)
    show(dense.weight.data)
    show(dense.weight.grad)
    full = nn.Dense(3, in_units=4)
    show(lambda: full(nd.ones((1, 4))))
    show(gluon.Parameter('z', shape=(1,)).list_ctx)
    show(lambda: gluon.Parameter('z', shape=(1,)).reset_ctx(mx.cpu()))
    show(lambda: gluon.Parameter('z', shape=(1, 0)).initialize())
with mx.name.NameManager():
    net = nn.Sequential()
    net.add(nn.Dense(1))
    net.initialize(ctx=mx.cpu(1))
    net(nd.ones((2, 3), ctx=mx.cpu(1)))
    show(lambda: net[0].weight.data(mx.cpu(0)))
    show(lambda: net(nd.ones((2, 3))))
params = gluon.ParameterDict(prefix='block_')
const = params.get_constant('c', nd.ones((2, 2)))
print(const)
show(const.data)
params.initialize()
show(const.grad)
print(params.get_constant('c2', np.ones((2,))))
show(lambda: params.get_constant('c3'))
params = gluon.ParameterDict(prefix='a_')
params.get('w', shape=(1,))
show(lambda: params.get_constant('w', nd.ones(1)))
params.get_constant('k', nd.ones(1))
show(lambda: params.get_constant('k', nd.zeros(1)))
params = gluon.ParameterDict()
params.get('param2', shape=(2, 3))
print(repr(params), repr(gluon.ParameterDict()))
prefixed = gluon.ParameterDict(prefix='block_')
prefixed.get('weight', shape=(3, 4))
prefixed.get_constant('c', nd.ones((2, 2)))
print(repr(prefixed))
show(lambda: prefixed.get('weight', shape=(5, 5)))
show(lambda: prefixed.get('weight', dtype='float64'))
first, second = gluon.ParameterDict('a_'), gluon.ParameterDict('a_')
first.get('w', shape=(1,))
second.get('w', shape=(1,))
show(lambda: first.update(second))
with mx.name.NameManager():
    shared = nn.Dense(8, activation='relu')
    shared.initialize()
    shared(nd.ones((2, 8)))
    show(lambda: nn.Dense(9, params=shared.params))
""",
    # test_initializer.py, test_trainer_loss.py, test_deferred_init.py: Python-level messages
    'initializer_trainer_deferred_messages': """
def show(call):
    try:
        call()
    except Exception as err:
        print(type(err).__name__, err)
with mx.name.NameManager():
    show(lambda: gluon.Parameter('v_weight', shape=(3,)).initialize(init.Xavier()))
    show(lambda: init.create('nope'))
    show(lambda: gluon.Trainer([1, 2], 'sgd'))
    dense = nn.Dense(3)
    dense.initialize()
    show(dense.weight.data)
""",
    # test_save_load_parameters.py: its messages, with files like tests/fixtures/mxnet's (same
    # names, keys, shapes and dtypes) written first in a scratch folder
    'save_load_parameters_messages': """
import os, tempfile
def show(call):
    try:
        call()
    except Exception as err:
        print(type(err).__name__, err)
class MLP(nn.Block):
    def __init__(self, hidden_prefix=None, output_prefix=None, in_units=0, **kwargs):
        super().__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu', in_units=in_units, prefix=hidden_prefix)
        self.output = nn.Dense(10, prefix=output_prefix)
    def forward(self, x):
        return self.output(self.hidden(x))
class MLPExtra(MLP):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.extra = nn.Dense(3)
start = os.getcwd()
os.chdir(tempfile.mkdtemp())
try:
    with mx.name.NameManager():
        saved = MLP('dense52_', 'dense53_')
        saved.initialize()
        saved(nd.ones((2, 20)))
        saved.save_parameters('mlp.params')
        saved.collect_params().save('legacy.params')
        seq = nn.Sequential()
        seq.add(nn.Dense(256, activation='relu'), nn.Dense(10))
        seq.initialize()
        seq(nd.ones((2, 20)))
        seq.save_parameters('seq.params')
        f64 = nn.Dense(3, in_units=2, dtype='float64')
        f64.initialize()
        f64.save_parameters('f64.params')
    with mx.name.NameManager():
        show(lambda: MLP().load_parameters('legacy.params'))
    with mx.name.NameManager():
        show(lambda: MLP().collect_params().load('legacy.params'))
    with mx.name.NameManager():
        for _ in range(52):
            nn.Dense(1)
        net = MLP()
        net.collect_params().load('legacy.params')
        show(lambda: net.collect_params().save('bad.params', strip_prefix=net.prefix))
    for initialize in (True, False):
        with mx.name.NameManager():
            net = MLP(in_units=30)
            if initialize:
                net.initialize()
            show(lambda: net.load_parameters('mlp.params'))
    with mx.name.NameManager():
        show(lambda: MLPExtra().load_parameters('mlp.params'))
    with mx.name.NameManager():
        net = nn.Sequential()
        net.add(nn.Dense(256, activation='relu'))
        show(lambda: net.load_parameters('seq.params'))
    with mx.name.NameManager():
        net = nn.Dense(3, in_units=2)
        net.initialize()
        show(lambda: net.load_parameters('f64.params'))
    with mx.name.NameManager():
        net = MLP()
        net.load_parameters('mlp.params')
        show(lambda: net.load_parameters('mlp.params', ctx=mx.cpu(1)))
finally:
    os.chdir(start)
""",
    # Messages test_autograd, test_block and test_review_fixes write out. MXNet's C++ checks put
    # a traceback and "Check failed: <condition>: " before theirs: the last line's tail is printed.
    'autograd_block_trainer_messages': """
import re
def show(call, tail_of=None):
    try:
        call()
    except Exception as err:
        message = str(err).strip().splitlines()[-1]
        message = message[-len(tail_of):] if tail_of else message
        print(type(err).__name__, re.sub(r"<class '[\\w.]+\\.(\\w+)'>", r"<class \\1>", message))
NOT_IN_GRAPH = ('Cannot differentiate node because it is not in a computational graph. You need '
                'to set is_recording to true or use autograd.record() to save computational '
                'graphs for backward. If you want to differentiate the same graph twice, you need '
                'to pass retain_graph=True to backward.')
INPLACE = ('Assigning to NDArrays that are already in a computational graph will cause undefined '
           'behavior when evaluating gradients. Please call backward first to clear the graph or '
           'do this out side of a record section. Also note that you cannot use inplace '
           'operations like +=, *=, relu(x, out=x), y[idx]=x, etc inside a record section.')
x = nd.array([1.0, 2.0])
x.attach_grad()
with autograd.record():
    y = x * x
y.backward()
show(y.backward, NOT_IN_GRAPH)
with autograd.record():
    y = x * 2
    def add_one():
        y[:] += 1
    show(add_one, INPLACE)
free = nd.ones(2)
with autograd.record():
    y = x * free
show(lambda: autograd.grad(y, [free]),
     'Cannot differentiate with respect to the 1-th variable because it does not require gradient.')
show(lambda: nd.dot(nd.ones((2, 2)), nd.ones((2, 2), dtype='float64')), 'expected float32, got float64')
with mx.name.NameManager():
    net = MLP()  # the book's (tests/book_blocks.py)
    def retype():
        net.hidden = 3
    show(retype)
""",
    # test_block.py::test_summary_prints_shapes_and_parameter_counts
    'block_summary': """
with mx.name.NameManager():
    seq = nn.Sequential()
    shared = nn.Dense(4, in_units=4)
    seq.add(nn.Dense(4, in_units=3), shared, nn.Dense(4, params=shared.params, in_units=4),
            nn.Dropout(0.5), nn.Flatten())
    seq.initialize()
    seq.summary(nd.ones((2, 3)))
""",
}
