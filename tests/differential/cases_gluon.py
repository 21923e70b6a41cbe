"""Differential cases for gluon: name -> snippet (see harness.py).

Printed floats that come from sums or matrix products are rounded, so the comparison does
not depend on summation order.
"""

_LOG_TO_STDOUT = '''
import logging
class Echo(logging.Handler):
    def emit(self, record):  # the object's repr has an address: print name and statistic
        name, how, stat = record.args
        print(name, how if isinstance(how, str) else type(how).__name__, round(float(stat), 4))
root = logging.getLogger(); root.setLevel(logging.INFO); root.addHandler(Echo())
'''

_TWO_LAYERS = '''
net = nn.Sequential()
net.add(nn.Dense(2, in_units=2, prefix='first_'), nn.Dense(2, in_units=2, prefix='second_'))
net.initialize(init.One())
def values():
    return [p.data().asnumpy().tolist() for p in net.collect_params().values()]
'''

_SIMPLE_LOSSES = '''
pred = nd.array([[0.3, -1.2, 2.0], [-0.5, 0.8, 0.1]])
signed = nd.array([[1, -1, 1], [-1, 1, -1]])
binary = nd.array([[1, 0, 1], [0, 1, 0]])
def show(loss, label, *weights):
    x = pred.copy()
    x.attach_grad()
    with autograd.record():
        out = loss(x, label, *weights)
    out.backward()
    print(loss, out.shape, out.asnumpy().round(4).tolist())
    print(x.grad.asnumpy().round(4).tolist())
'''

CASES = {
    'dense_repr': "print(nn.Dense(3, in_units=2))",

    # nn.Dropout keeps an element where its uniform draw u <= 1 - p, scaled by 1 / (1 - p).
    'dropout_keeps_mxnet_elements': '''
d = nn.Dropout(0.3)
with autograd.train_mode():
    print(d(nd.ones((4, 5))))
''',
    'dropout_axes_share_a_draw': '''
with autograd.train_mode():
    print(nn.Dropout(0.2, axes=(1,))(nd.ones((4, 3))))
    print(nn.Dropout(0.4, axes=(0,))(nd.ones((2, 6))))
''',
    'dropout_gradient_is_the_mask': '''
x = nd.ones((2, 4)) * 3
x.attach_grad()
with autograd.record():
    y = nn.Dropout(0.3)(x)
y.backward()
print(y, x.grad)
''',
    'dropout_predicts_identity': '''
x = nd.arange(6).reshape((2, 3))
print(nn.Dropout(0.9)(x))
with autograd.record(train_mode=False):
    print(nn.Dropout(0.9)(x))
''',

    # Trainer.step: a stale gradient refuses the whole step, and nothing is updated.
    'trainer_stale_gradient_updates_nothing': _TWO_LAYERS + '''
tr = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 1})
with autograd.record():
    y = net[0](nd.ones((1, 2))).sum()
y.backward()
try:
    tr.step(1)
except UserWarning as e:
    print('refused:', e)
print(values())
tr.step(1, ignore_stale_grad=True)
print(values())
with autograd.record():
    y = net[0](nd.ones((1, 2))).sum()
y.backward()
tr.step(1, ignore_stale_grad=True)
print(values())
''',
    'trainer_allreduce_then_update': _TWO_LAYERS + '''
tr = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.5})
with autograd.record():
    y = net(nd.ones((1, 2))).sum()
y.backward()
tr.allreduce_grads()
tr.update(2)
print(values())
''',
    'trainer_optimizer_attributes': _TWO_LAYERS + '''
tr = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.5, 'momentum': 0.9})
opt = tr.optimizer
print(type(opt).__name__, tr.learning_rate, opt.learning_rate, opt.lr, opt.wd, opt.momentum,
      opt.rescale_grad, opt.clip_gradient, opt.lr_scheduler, opt.num_update)
tr.set_learning_rate(0.1)
print(tr.learning_rate, opt.lr)
opt.set_learning_rate(0.2)
print(tr.learning_rate)
with autograd.record():
    y = net(nd.ones((1, 2))).sum()
y.backward()
tr.step(4)
print(opt.rescale_grad, opt.num_update)
''',
    'trainer_on_block_params_of_a_container': '''
net = nn.Sequential()
net.add(nn.Dense(2, in_units=2))
net.initialize()
print(list(net.params.keys()))
gluon.Trainer(net.params, 'sgd')
''',
    'trainer_on_uninitialized_parameters': '''
gluon.Trainer(nn.Dense(2, in_units=2).collect_params(), 'sgd')
''',
    'trainer_optimizer_instance_with_params': '''
net = nn.Dense(2, in_units=2)
net.initialize()
try:
    gluon.Trainer(net.collect_params(), mx.optimizer.SGD(), {'learning_rate': 1})
except AssertionError as e:  # minigluon's error is also an MXNetError
    print('AssertionError:', e)
''',
    'trainer_unknown_optimizer': '''
net = nn.Dense(2, in_units=2)
net.initialize()
gluon.Trainer(net.collect_params(), 'sgdd')
''',
    'trainer_unknown_optimizer_argument': '''
net = nn.Dense(2, in_units=2)
net.initialize()
gluon.Trainer(net.collect_params(), 'sgd', {'lr': 0.1})
''',
    'trainer_not_a_list': '''
net = nn.Dense(2, in_units=2)
net.initialize()
gluon.Trainer(net.collect_params().values(), 'sgd')
''',
    'trainer_parameters_on_different_contexts': '''
a = gluon.Parameter('a', shape=(2,))
b = gluon.Parameter('b', shape=(2,))
a.initialize(ctx=mx.cpu(0))
b.initialize(ctx=mx.cpu(1))
try:
    gluon.Trainer([a, b], 'sgd')
except AssertionError as e:
    print('AssertionError:', e)
''',
    'adam_adds_weight_decay_before_clipping': '''
w = gluon.Parameter('w', shape=(3,))
w.initialize(init.Constant(2.0))
tr = gluon.Trainer([w], 'adam', {'learning_rate': 0.1, 'wd': 0.5, 'clip_gradient': 0.3})
for step in range(3):
    with autograd.record():
        y = (w.data() * nd.array([0.1, -0.2, 5.0])).sum()
    y.backward()
    tr.step(1)
    print(w.data().asnumpy().round(5))
''',
    'sgd_momentum_weight_decay_and_clipping': '''
w = gluon.Parameter('w', shape=(3,))
w.initialize(init.Constant(2.0))
tr = gluon.Trainer([w], 'sgd', {'learning_rate': 0.1, 'wd': 0.5, 'clip_gradient': 0.3,
                                'momentum': 0.9})
for step in range(3):
    with autograd.record():
        y = (w.data() * nd.array([0.1, -0.2, 5.0])).sum()
    y.backward()
    tr.step(1)
    print(w.data().asnumpy().round(5))
''',

    # A Block keeping Blocks in a plain list or dict: MXNet warns when parameters are collected.
    'block_unregistered_container_warns': '''
class Net(nn.Block):
    def __init__(self):
        super().__init__(prefix='net_')
        self.layers = [nn.Dense(2, in_units=2)]
        self.heads = {'a': nn.Dense(1, in_units=2)}
        self.registered = nn.Dense(1, in_units=2)
        self.names = ['not', 'blocks']
        self.again = (self.registered,)

    def forward(self, x):
        return self.layers[0](x)

net = Net()
print(len(list(net.collect_params().keys())))
net.initialize()
net(nd.ones((1, 2)))
''',
    'block_nested_unregistered_container_warns': '''
class Inner(nn.Block):
    def __init__(self):
        super().__init__()
        self.blocks = [[nn.Dense(1)]]

outer = nn.Sequential()
outer.add(Inner())
print(list(outer.collect_params().keys()))
print(len(outer[0].blocks[0][0].collect_params().keys()))
''',
    'block_forward_pre_hook_and_hook': '''
net = nn.Dense(2, in_units=3, prefix='fc_')
net.initialize(init.One())
def pre(block, inputs):
    print('pre', block.name, [x.shape for x in inputs])
def post(block, inputs, output):
    print('post', block.name, output.shape)
h1 = net.register_forward_pre_hook(pre)
h2 = net.register_forward_hook(post)
net(nd.ones((4, 3)))
h1.detach()
net(nd.ones((1, 3)))
h2.detach()
net(nd.ones((1, 3)))
print('done')
''',
    'block_save_params_load_params_deprecated': '''
import os, tempfile
net = nn.Dense(2, in_units=3, prefix='fc_')
net.initialize(init.Constant(0.5))
path = os.path.join(tempfile.mkdtemp(), 'net.params')
net.save_params(path)
print(sorted(nd.load(path)))
other = nn.Dense(2, in_units=3, prefix='other_')
other.load_params(path)
print(other.weight.data())
''',

    # Initializers compare by dumps(); a shared parameter with an init matches.
    'initializers_compare_by_dumps': '''
print(init.Xavier() == init.Xavier(), init.Xavier() == init.Xavier(magnitude=2),
      init.Uniform() == init.Uniform(0.07), init.Xavier() == 'xavier',
      init.Zero() == init.Zero(), init.One() == init.Zero(), init.Normal(0.1) != init.Normal(0.1))
print(init.Xavier().dumps(), init.MSRAPrelu().dumps(), init.Orthogonal().dumps())
hash(init.Xavier())
''',
    'shared_params_with_an_initializer': '''
a = nn.Dense(2, in_units=3, weight_initializer=init.Xavier(), bias_initializer=init.One())
b = nn.Dense(2, in_units=3, weight_initializer=init.Xavier(), bias_initializer=init.One(),
             params=a.collect_params())
print(b.weight is a.weight, b.bias is a.bias)
try:
    nn.Dense(2, in_units=3, weight_initializer=init.Normal(), params=a.collect_params())
except AssertionError as e:
    print('AssertionError:', str(e).replace(a.prefix, 'a_').split(': desired')[0])
''',
    'parameter_numpy_integer_shape': '''
p = gluon.Parameter('w', shape=(np.int64(2), np.int32(3)))
print(p.shape)
p.initialize()
print(p.data().shape)
d = nn.Dense(np.int64(3), in_units=np.int64(2))
d.initialize()
print(d, d(nd.ones((1, 2))).shape)
''',
    'initialize_verbose_with_a_name_raises': '''
net = nn.Dense(2, in_units=3)
net.initialize('xavier', verbose=True)
''',
    'initialize_verbose_logs_each_parameter': _LOG_TO_STDOUT + '''
net = nn.Dense(2, in_units=3, bias_initializer='ones', prefix='a_')
net.initialize(init.Xavier(), verbose=True)
net = nn.Dense(2, prefix='b_')
net.initialize(init.Constant(3), verbose=True)
net(nd.ones((1, 4)))
root.handlers.pop()
''',
    'init_orthogonal': '''
net = nn.Dense(3, in_units=3)
net.initialize(init.Orthogonal())
w = net.weight.data().asnumpy()
print(np.abs(w).round(4))  # the singular vectors' signs depend on the LAPACK build
print(np.abs(w @ w.T).round(3))
net = nn.Dense(2, in_units=4)
net.initialize(init.Orthogonal(scale=1.0, rand_type='normal'))
print(np.abs(net.weight.data().asnumpy()).round(4))
''',
    'init_mixed': '''
mixed = init.Mixed(['bias', '.*'], [init.Zero(), init.Constant(2)])
arr = nd.ones((2, 2))
mixed(init.InitDesc('fc_weight'), arr)
print(arr)
mixed(init.InitDesc('fc_bias'), arr)
print(arr)
try:
    init.Mixed(['bias'], [init.Zero()])(init.InitDesc('fc_weight'), arr)
except ValueError as e:
    print('ValueError', e)
net = nn.Dense(2, in_units=2)
try:
    net.initialize(mixed)
except AssertionError as e:
    print('AssertionError:', e)
''',
    'init_load': '''
load = init.Load({'arg:fc_weight': nd.ones((2, 2)) * 7}, default_init=init.Constant(3))
arr = nd.zeros((2, 2))
load(init.InitDesc('fc_weight'), arr)
print(arr)
load(init.InitDesc('fc_bias'), arr)
print(arr)
print(sorted(load.param))
try:
    load(init.InitDesc('fc_weight'), nd.zeros((3,)))
except AssertionError as e:
    print('AssertionError', e)
net = nn.Dense(2, in_units=2)
try:
    net.initialize(load)
except AssertionError as e:
    print('AssertionError:', e)
''',
    'init_create_refuses_other_objects': '''
for bad in (3, 'xavierr'):
    try:
        nn.Dense(2, in_units=2, weight_initializer=bad).initialize()
    except AssertionError as e:
        print('AssertionError:', e)
''',

    # The simple losses: values, gradients and reprs.
    'loss_sigmoid_binary_cross_entropy': _SIMPLE_LOSSES + '''
show(gluon.loss.SigmoidBinaryCrossEntropyLoss(), binary)
show(gluon.loss.SigmoidBCELoss(), binary, nd.array([[1], [0.5]]))
sig = nd.sigmoid(pred)
loss = gluon.loss.SigmoidBinaryCrossEntropyLoss(from_sigmoid=True)
print(loss(sig, binary).asnumpy().round(5).tolist())
''',
    'loss_huber': _SIMPLE_LOSSES + '''
show(gluon.loss.HuberLoss(), binary)
show(gluon.loss.HuberLoss(rho=0.5, weight=2.0), binary)
''',
    'loss_hinge': _SIMPLE_LOSSES + '''
show(gluon.loss.HingeLoss(), signed)
show(gluon.loss.HingeLoss(margin=2), signed)
''',
    'loss_squared_hinge': _SIMPLE_LOSSES + '''
show(gluon.loss.SquaredHingeLoss(), signed)
show(gluon.loss.SquaredHingeLoss(margin=2, weight=0.5), signed, nd.array([[1], [2]]))
''',
    'loss_kldiv': _SIMPLE_LOSSES + '''
target = nd.softmax(nd.array([[1.0, 2.0, 0.5], [0.1, 0.1, 3.0]]))
show(gluon.loss.KLDivLoss(), target)
show(gluon.loss.KLDivLoss(from_logits=False), target)
''',
    'loss_logistic': _SIMPLE_LOSSES + '''
show(gluon.loss.LogisticLoss(), signed)
show(gluon.loss.LogisticLoss(label_format='binary'), binary)
gluon.loss.LogisticLoss(label_format='zero-one')
''',

    # Common mistakes: MXNet's exception types.
    'mistake_forward_before_initialize': """
net = nn.Dense(2, in_units=3)
net(nd.ones((1, 3)))
""",
    'mistake_data_before_the_first_forward': """
net = nn.Dense(2)
net.initialize()
net.weight.data()
""",
    'mistake_wrong_input_width': """
net = nn.Dense(2, in_units=3)
net.initialize()
net(nd.ones((1, 4)))
""",
    'mistake_initialize_twice_warns': """
net = nn.Dense(2, in_units=3, prefix='fc_')
net.initialize()
net.initialize()
print(net.weight.data().shape)
""",
    'mistake_grad_req_typo': """
p = gluon.Parameter('w', shape=(2,))
try:
    p.grad_req = 'wirte'
except AssertionError as e:
    print('AssertionError:', e)
""",
    'mistake_step_inside_record': _TWO_LAYERS + """
tr = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
with autograd.record():
    y = net(nd.ones((1, 2))).sum()
    y.backward()
    tr.step(1)
print(values())
""",
    'mistake_block_params_of_nested_net': """
net = nn.Sequential()
net.add(nn.Dense(2, in_units=2))
net.initialize()
print(list(net.params.keys()), len(list(net.collect_params().keys())))
""",
    # the update kernels' float32 arithmetic, digit for digit: three steps of each rule
    'optimizer_update_digits': """
for opt, params in [('adam', {'learning_rate': 0.1}),
                    ('adam', {'learning_rate': 0.01, 'wd': 0.1, 'clip_gradient': 0.5, 'beta1': 0.8}),
                    ('sgd', {'learning_rate': 0.1}),
                    ('sgd', {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01, 'clip_gradient': 3.0})]:
    w = gluon.Parameter('w', shape=(3,))
    w.initialize(init.Constant(1.0))
    trainer = gluon.Trainer([w], opt, params)
    for step in range(3):
        with autograd.record():
            loss = ((w.data() - nd.array([0, 2, 4])) ** 2).sum()
        loss.backward()
        trainer.step(2)
    print(opt, sorted(params.items()), w.data().asnumpy().tolist())
w = gluon.Parameter('w', shape=(3,))
w.initialize(init.Constant(1.0))
trainer = gluon.Trainer([w], 'sgd', {'learning_rate': 0.1, 'wd': 0.01})
for step in range(3):
    with autograd.record():
        loss = ((w.data() - nd.array([0, 2, 4])) ** 2).sum()
    loss.backward()
    trainer.step(2)
print('sgd with wd', w.data().asnumpy().tolist())
""",
    # SGD as MXNet's Trainer runs it (the multi_sgd kernel): lr*wd and lr*rescale_grad first
    'sgd_update_order_digits': """
for params, batch_size in [({'learning_rate': 0.1, 'wd': 0.01}, 3), ({'learning_rate': 0.37, 'wd': 0.013}, 7),
                           ({'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01}, 3), ({'learning_rate': 0.3}, 7),
                           ({'learning_rate': 0.3, 'momentum': 0.9, 'wd': 0.03, 'clip_gradient': 1.5}, 3)]:
    w = gluon.Parameter('w', shape=(3,))
    w.initialize(init.Constant(1.0))
    trainer = gluon.Trainer([w], 'sgd', params)
    for step in range(5):
        with autograd.record():
            loss = ((w.data() - nd.array([0.3, 2.1, 4.7])) ** 2).sum()
        loss.backward()
        trainer.step(batch_size)
    print(sorted(params.items()), batch_size, w.data().asnumpy().tolist())
""",
    # ----- framework errors show the builtin type MXNet raises -------------------------------
    'error_type_names': """
import traceback
def show(call):
    try:
        call()
    except Exception as err:
        print(repr(err), traceback.format_exception_only(type(err), err))
net = nn.Dense(2, in_units=2)
show(lambda: net.initialize(init.Mixed(['.*'], [init.One()])))
import os, tempfile
net.initialize(force_reinit=True)
path = os.path.join(tempfile.mkdtemp(), 'dense.params')
net.save_parameters(path)
try:  # the message names the temporary file: compare the type as shown
    nn.Dense(2, in_units=2, use_bias=False).load_parameters(path)
except Exception as err:
    print(repr(err).split('(')[0], traceback.format_exception_only(type(err), err)[0].split(':')[0])
nn.Dense(2, in_units=2).initialize(init.Mixed(['.*'], [init.One()]))
""",
    'load_parameters_dtype_source': """
import os, tempfile
net = nn.Dense(2, in_units=3, prefix='saved_')
net.initialize(init.One())
net.cast('float64')
folder = tempfile.mkdtemp()
net.save_parameters(os.path.join(folder, 'new.params'))
net.collect_params().save(os.path.join(folder, 'legacy.params'), strip_prefix='saved_')
for name in ('new.params', 'legacy.params'):
    for source in ('current', 'saved'):
        for initialized in (False, True):
            other = nn.Dense(2, in_units=3, prefix='saved_')
            if initialized:
                other.initialize()
            other.load_parameters(os.path.join(folder, name), cast_dtype=True,
                                  dtype_source=source)
            print(name, source, initialized, other.weight.dtype, other.weight.data().dtype,
                  other.weight.grad().dtype, other.weight.data().asnumpy().tolist()[0])
""",
    'trainer_step_before_first_forward': '''
net = nn.Dense(2)
net.initialize()
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
for step in (trainer.step, trainer.update):
    try:
        step(1)
    except gluon.DeferredInitializationError as e:
        print(type(e).__name__, str(e).split("'")[2].split('.')[0])
x = nd.ones((1, 3))
with autograd.record():
    y = net(x).sum()
y.backward()
trainer.step(1)
print(net.weight.data().shape)
''',
}
