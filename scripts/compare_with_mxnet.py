"""Run ~150 small d2l-zh v1 behaviours under MXNet 1.9.1 and minigluon and compare what they print.

Usage:
    /work/mxvenv/bin/python scripts/compare_with_mxnet.py record   # MXNet -> compare_with_mxnet_mxnet.json
    python scripts/compare_with_mxnet.py compare                   # minigluon vs that file -> .out.txt

Each case is a few lines of code run in a fresh forked process (fresh name counters, seed 0);
what it prints, the warnings it raises and its last expression (value, dtype, shape, repr) or
its exception (type and message) make its text. Written from the d2l-zh v1 book and MXNet's
API, independently of the project's tests.
"""
import ast
import contextlib
import io
import json
import os
import re
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
MXNET_JSON = os.path.join(HERE, 'compare_with_mxnet_mxnet.json')
OUT_TXT = os.path.join(HERE, 'compare_with_mxnet.out.txt')

SETUP = '''
import numpy as np
from {fw} import nd, autograd, gluon, init
from {fw}.gluon import nn, loss as gloss, data as gdata
import {fw} as mx
x = nd.arange(12).reshape((3, 4))
y = nd.array([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
'''

CASES = {
    # -- NDArray creation and attributes (d2l 2.2) --
    'arange': 'nd.arange(12)',
    'arange_float_step': 'nd.arange(0, 1, 0.25)',
    'arange_int_dtype': 'nd.arange(5, dtype="int32")',
    'arange_repeat': 'nd.arange(3, repeat=2)',
    'reshape_minus1': 'x.reshape((-1, 6))',
    'reshape_zero': 'x.reshape((0, -1))',
    'reshape_bad': 'x.reshape((5, 5))',
    'reshape_args': 'x.reshape(2, 6)',
    'shape_size_ndim': '(x.shape, x.size, x.ndim, x.dtype, x.context)',
    'zeros': 'nd.zeros((2, 3, 4))',
    'ones_int': 'nd.ones((2, 3), dtype="int32")',
    'full': 'nd.full((2, 2), 7)',
    'array_list': 'nd.array([[2, 1, 4, 3], [1, 2, 3, 4]])',
    'array_dtype_default': 'nd.array([1, 2, 3]).dtype',
    'array_from_np_int64': 'nd.array(np.array([1, 2], dtype="int64"))',
    'array_from_np_float64': 'nd.array(np.ones(2))',
    'array_scalar': 'nd.array(3)',
    'array_uint8_wrap': "nd.array([1.7, -2.2, 3], dtype='uint8')",
    'array_int32_trunc': "nd.array([1.7, -2.2, 3.9], dtype='int32')",
    'array_bad_type': 'nd.array("abc")',
    'eye': 'nd.eye(3)',
    'zeros_like': 'nd.zeros_like(y)',
    'ones_like': 'nd.ones_like(x)',
    'empty_shape': 'nd.empty((2, 3)).shape',
    'asnumpy': 'x.asnumpy()',
    'asscalar': 'nd.array([3.5]).asscalar()',
    'asscalar_bad': 'x.asscalar()',
    'astype': 'x.astype("float64")',
    'astype_int': 'nd.array([1.7, -1.7]).astype("int32")',
    'copy': 'z = x.copy(); z[0, 0] = 100; (x[0, 0].asscalar(), z[0, 0].asscalar())',
    'copyto': 'z = nd.zeros((3, 4)); x.copyto(z); z',
    'copyto_bad_shape': 'x.copyto(nd.zeros((2, 2)))',
    'as_in_context': 'x.as_in_context(mx.cpu()) is x',
    'len': 'len(x)',
    'iter': '[r.shape for r in x]',
    'bool_multi': 'bool(x)',
    'repr_float64': 'nd.array([1.5, 2], dtype="float64")',
    'repr_big': 'nd.arange(1000).reshape((10, 100))',
    'repr_empty': 'nd.zeros((0, 3))',
    # -- random sampling (d2l 2.2, 3.2) --
    'random_normal': 'nd.random.normal(0, 1, shape=(3, 4))',
    'random_uniform': 'nd.random.uniform(shape=(2, 3))',
    'random_normal_loc': 'nd.random.normal(loc=10, scale=0.01, shape=(2,))',
    'random_randint': 'nd.random.randint(0, 10, shape=(5,))',
    'random_seed_repeat': 'mx.random.seed(1); a = nd.random.uniform(shape=3); mx.random.seed(1); (a == nd.random.uniform(shape=3)).sum()',
    'random_shuffle': 'nd.random.shuffle(nd.arange(6))',
    'random_multinomial': 'nd.random.multinomial(nd.array([0.1, 0.2, 0.7]), shape=5)',
    'np_random_normal_nd': 'nd.array(np.random.normal(0, 1, (2, 2)))',
    # -- arithmetic, broadcasting, dtypes --
    'add': 'x + y',
    'mul': 'x * y',
    'div': 'x / y',
    'exp': 'y.exp()',
    'pow_scalar': 'x ** 2',
    'rsub': '2 - x',
    'rdiv': '1 / y',
    'int_div': 'nd.array([1, 2, 3], dtype="int32") / 2',
    'int_floordiv_float': 'nd.array([7, 8], dtype="int32") * 1.5',
    'mixed_dtype': 'nd.ones(2) + nd.ones(2, dtype="float64")',
    'broadcast': 'nd.arange(3).reshape((3, 1)) + nd.arange(2).reshape((1, 2))',
    'broadcast_bad': 'nd.ones((2, 3)) + nd.ones((3, 2))',
    'dot': 'nd.dot(x, y.T)',
    'dot_bad': 'nd.dot(x, y)',
    'concat0': 'nd.concat(x, y, dim=0)',
    'concat1': 'nd.concat(x, y, dim=1)',
    'concat_default': 'nd.concat(x, y).shape',
    'eq': 'x == y',
    'gt_scalar': 'x > 5',
    'sum': 'x.sum()',
    'sum_axis_keepdims': 'nd.sum(x, axis=1, keepdims=True)',
    'mean_axis0': 'x.mean(axis=0)',
    'norm': 'x.norm().asscalar()',
    'max_argmax': '(x.max(), y.argmax(axis=1))',
    'sqrt': 'nd.sqrt(y)',
    'abs_neg': 'nd.abs(-x)',
    'relu': 'nd.relu(x - 5)',
    'sigmoid': 'nd.sigmoid(nd.array([0, 1, -1]))',
    'softmax': 'nd.softmax(y)',
    'log_softmax': 'nd.log_softmax(nd.array([[1, 2, 3]]))',
    'maximum_scalar': 'nd.maximum(x - 5, 0)',
    'clip': 'nd.clip(x, 2, 8)',
    'transpose': 'x.T',
    'one_hot': 'nd.one_hot(nd.array([0, 2, 1]), 3)',
    'pick': 'nd.pick(y, nd.array([0, 1, 2]))',
    'take': 'nd.take(x, nd.array([0, 2]))',
    'where': 'nd.where(x > 5, x, -x)',
    'stack': 'nd.stack(x, y).shape',
    'expand_dims': 'x.expand_dims(axis=0).shape',
    'flatten': 'nd.ones((2, 3, 4)).flatten().shape',
    'topk': 'nd.topk(y, k=2)',
    'sort_argsort': '(nd.sort(y), nd.argsort(y))',
    'square_mean': 'nd.square(y).mean()',
    'log': 'nd.log(y)',
    'exp_overflow': 'nd.exp(nd.array([100.0]))',
    'split': '[a.shape for a in nd.split(x, num_outputs=2, axis=1)]',
    'broadcast_to': 'nd.array([1, 2]).broadcast_to((3, 2))',
    'tile': 'nd.tile(nd.array([1, 2]), reps=(2,))',
    'slice_rows': 'x[1:3]',
    'index_int': 'x[1]',
    'index_2d': 'x[1, 2]',
    'setitem_elem': 'x[1, 2] = 9; x',
    'setitem_rows': 'x[1:2, :] = 12; x',
    'setitem_shape_bad': 'x[0] = nd.ones(3)',
    'index_out_of_range': 'x[5]',
    'inplace_id': 'before = id(y); y = y + x; id(y) == before',
    'inplace_slice_id': 'z = y.zeros_like(); before = id(z); z[:] = x + y; id(z) == before',
    'elemwise_add_out': 'z = nd.zeros((3, 4)); nd.elemwise_add(x, y, out=z); z',
    'iadd': 'before = id(x); x += y; (id(x) == before, x)',
    'float_index_value': 'x[1.0]',
    'neg': '-y',
    'mod': 'x % 5',
    # -- autograd (d2l 2.3) --
    'ag_basic': 'x = nd.arange(4).reshape((4, 1)); x.attach_grad()\nwith autograd.record():\n    z = 2 * nd.dot(x.T, x)\nz.backward(); x.grad',
    'ag_check': 'x = nd.arange(4).reshape((4, 1)); x.attach_grad()\nwith autograd.record():\n    z = 2 * nd.dot(x.T, x)\nz.backward(); (x.grad - 4 * x)',
    'ag_is_training': '(autograd.is_training(), autograd.is_recording())',
    'ag_in_record': 'with autograd.record():\n    r = (autograd.is_training(), autograd.is_recording())\nr',
    'ag_predict_mode': 'with autograd.record():\n    with autograd.predict_mode():\n        r = autograd.is_training()\nr',
    'ag_train_mode': 'with autograd.train_mode():\n    r = (autograd.is_training(), autograd.is_recording())\nr',
    'ag_control_flow': '''def f(a):
    b = a * 2
    while b.norm().asscalar() < 1000:
        b = b * 2
    if b.sum().asscalar() > 0:
        c = b
    else:
        c = 100 * b
    return c
mx.random.seed(0)
a = nd.random.normal(shape=1); a.attach_grad()
with autograd.record():
    c = f(a)
c.backward(); a.grad == c / a''',
    'ag_nonscalar': 'x = nd.array([1, 2, 3]); x.attach_grad()\nwith autograd.record():\n    z = x * x\nz.backward(); x.grad',
    'ag_head_grads': 'x = nd.array([1, 2, 3]); x.attach_grad()\nwith autograd.record():\n    z = x * x\nz.backward(nd.array([1, 0, 2])); x.grad',
    'ag_no_record': 'x = nd.array([1, 2]); x.attach_grad(); z = x * 2; z.backward()',
    'ag_twice': 'x = nd.array([1, 2]); x.attach_grad()\nwith autograd.record():\n    z = (x * x).sum()\nz.backward(); z.backward()',
    'ag_retain': 'x = nd.array([1, 2]); x.attach_grad()\nwith autograd.record():\n    z = (x * x).sum()\nz.backward(retain_graph=True); z.backward(); x.grad',
    'ag_grad_none': 'nd.array([1, 2]).grad',
    'ag_grad_add': 'x = nd.array([1, 2]); x.attach_grad(grad_req="add")\nfor _ in range(2):\n    with autograd.record():\n        z = x * 3\n    z.backward()\nx.grad',
    'ag_detach': 'x = nd.array([1, 2]); x.attach_grad()\nwith autograd.record():\n    u = (x * x).detach(); z = u * x\nz.backward(); x.grad',
    'ag_grad_fn': 'x = nd.array([1, 2]); x.attach_grad()\nwith autograd.record():\n    z = (x ** 3).sum()\nautograd.grad(z, [x])',
    'ag_no_attach': 'x = nd.array([1, 2])\nwith autograd.record():\n    z = x * 2\nz.backward()',
    'ag_set_training': 'prev = autograd.set_training(True); (prev, autograd.is_training(), autograd.set_training(prev))',
    'ag_unrelated': 'x = nd.array([1, 2]); x.attach_grad(); w = nd.array([3, 4]); w.attach_grad()\nwith autograd.record():\n    z = (w * 2).sum()\nz.backward(); x.grad',
    'ag_relu_grad': 'x = nd.array([-1, 0, 2]); x.attach_grad()\nwith autograd.record():\n    z = nd.relu(x)\nz.backward(); x.grad',
    'ag_sigmoid_grad': 'x = nd.array([0, 1]); x.attach_grad()\nwith autograd.record():\n    z = x.sigmoid()\nz.backward(); x.grad',
    'ag_mark_variables': 'x = nd.array([1, 2]); g = nd.zeros(2); autograd.mark_variables([x], [g])\nwith autograd.record():\n    z = x * 5\nz.backward(); g',
    # -- Blocks, Sequential, layers (d2l 3.3, 4.1-4.5) --
    'dense_repr': 'nn.Dense(10)',
    'dense_repr_act': 'nn.Dense(256, activation="relu", in_units=20)',
    'dense_repr_flat': 'nn.Dense(10, flatten=False, use_bias=False)',
    'dense_name': 'd = nn.Dense(3); (d.name, d.prefix, d.weight.name, d.bias.name)',
    'dense_two_names': '[nn.Dense(3).name, nn.Dense(3).name]',
    'dense_weight_before_init': 'd = nn.Dense(3); d.weight',
    'dense_data_before_init': 'd = nn.Dense(3); d.initialize(); d.weight.data()',
    'dense_data_no_init': 'd = nn.Dense(3); d.weight.data()',
    'dense_forward_no_init': 'd = nn.Dense(3); d(nd.ones((2, 4)))',
    'dense_forward': 'd = nn.Dense(3); d.initialize(); d(nd.ones((2, 4)))',
    'dense_after_forward': 'd = nn.Dense(3); d.initialize(); d(nd.ones((2, 4))); (d, d.weight)',
    'dense_flatten_3d': 'd = nn.Dense(3); d.initialize(init.One()); d(nd.ones((2, 2, 2))).shape',
    'dense_noflatten_3d': 'd = nn.Dense(3, flatten=False); d.initialize(init.One()); d(nd.ones((2, 5, 2))).shape',
    'dense_bad_input': 'd = nn.Dense(3, in_units=4); d.initialize(); d(nd.ones((2, 5)))',
    'dense_float_units': 'nn.Dense(2.5)',
    'sequential': 'net = nn.Sequential()\nwith net.name_scope():\n    net.add(nn.Dense(256, activation="relu"))\n    net.add(nn.Dense(10))\nnet',
    'sequential_add_many': 'net = nn.Sequential(); net.add(nn.Dense(4), nn.Dense(2)); (len(net), net[1].name)',
    'sequential_forward': 'net = nn.Sequential(); net.add(nn.Dense(4, activation="relu"), nn.Dense(2)); net.initialize(); net(nd.ones((3, 5)))',
    'sequential_slice': 'net = nn.Sequential(); net.add(nn.Dense(4), nn.Dense(2), nn.Dense(1)); net[1:]',
    'sequential_index_bad': 'net = nn.Sequential(); net.add(nn.Dense(4)); net[3]',
    'hybrid_sequential': 'net = nn.HybridSequential(); net.add(nn.Dense(4), nn.Dense(2)); net.initialize(); net.hybridize(); net(nd.ones((1, 3)))',
    'collect_params': 'net = nn.Sequential(); net.add(nn.Dense(4), nn.Dense(2)); net.collect_params()',
    'collect_params_after': 'net = nn.Sequential(); net.add(nn.Dense(4), nn.Dense(2)); net.initialize(); net(nd.ones((1, 3))); net.collect_params()',
    'collect_params_regex': 'net = nn.Sequential(); net.add(nn.Dense(4), nn.Dense(2)); list(net.collect_params(".*weight").keys())',
    'params_getitem': 'net = nn.Sequential(); net.add(nn.Dense(4)); net[0].params',
    'params_keys': 'net = nn.Sequential(); net.add(nn.Dense(4)); net.initialize(); net(nd.ones((1, 2))); [(k, v.shape) for k, v in net.collect_params().items()]',
    'init_twice': 'net = nn.Dense(3); net.initialize(); net.initialize()',
    'init_force': 'net = nn.Dense(3, in_units=2); net.initialize(init.One()); net.initialize(init.Constant(2), force_reinit=True); net.weight.data()',
    'init_normal': 'net = nn.Dense(3, in_units=2); net.initialize(init.Normal(sigma=0.01)); net.weight.data()',
    'init_xavier': 'net = nn.Dense(3, in_units=2); net.initialize(init.Xavier()); net.weight.data()',
    'init_uniform_default': 'net = nn.Dense(3, in_units=2); net.initialize(); net.weight.data()',
    'init_bias_zero': 'net = nn.Dense(3, in_units=2); net.initialize(init.Normal()); net.bias.data()',
    'init_param_only': 'net = nn.Dense(3, in_units=2); net.initialize(); net.weight.initialize(init=init.Constant(5), force_reinit=True); net.weight.data()',
    'init_custom': '''class MyInit(init.Initializer):
    def _init_weight(self, name, data):
        print('Init', name, data.shape)
        data[:] = nd.random.uniform(low=-10, high=10, shape=data.shape)
        data *= data.abs() >= 5
net = nn.Dense(3, in_units=2); net.initialize(MyInit()); net.weight.data()''',
    'init_repr': '(init.Normal(0.5), init.Xavier(magnitude=2), init.Constant(1), init.One())',
    'init_dumps': 'init.Xavier().dumps()',
    'param_set_data': 'net = nn.Dense(2, in_units=2); net.initialize(); net.weight.set_data(net.weight.data() + 1); net.weight.data()',
    'param_grad': 'net = nn.Dense(2, in_units=2); net.initialize(); net.weight.grad()',
    'param_repr': "gluon.Parameter('weight', shape=(2, 3))",
    'param_attrs': "p = gluon.Parameter('w', shape=(2, 3)); (p.name, p.shape, p.dtype, p.grad_req, p.lr_mult, p.wd_mult)",
    'param_data_uninit': "gluon.Parameter('w', shape=(2, 3)).data()",
    'param_init_standalone': "p = gluon.Parameter('w', shape=(2, 3)); p.initialize(init=init.One()); p.data()",
    'param_list_ctx': "p = gluon.Parameter('w', shape=(2,)); p.initialize(ctx=[mx.cpu(0), mx.cpu(1)]); [a.context for a in p.list_data()]",
    'param_grad_req_null': 'net = nn.Dense(2, in_units=2); net.weight.grad_req = "null"; net.initialize(); net.weight.grad()',
    'paramdict_get': "params = gluon.ParameterDict(); params.get('param2', shape=(2, 3)); params",
    'paramdict_prefix': "params = gluon.ParameterDict(prefix='blk_'); params.get('w', shape=(1,)); list(params.keys())",
    'paramdict_missing': "params = gluon.ParameterDict(); params['nope']",
    'shared_params': 'net = nn.Sequential(); shared = nn.Dense(8, activation="relu"); net.add(nn.Dense(8, activation="relu"), shared, nn.Dense(8, activation="relu", params=shared.params), nn.Dense(10)); net.initialize(); net(nd.random.uniform(shape=(2, 20))); (net[1].weight.data() == net[2].weight.data()).min()',
    'custom_block': '''class MLP(nn.Block):
    def __init__(self, **kwargs):
        super(MLP, self).__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu')
        self.output = nn.Dense(10)
    def forward(self, x):
        return self.output(self.hidden(x))
net = MLP(); net.initialize(); (net, net(nd.ones((2, 20))).shape, net.hidden.name)''',
    'custom_block_no_super': '''class Bad(nn.Block):
    def __init__(self):
        self.dense = nn.Dense(2)
Bad()''',
    'fancy_mlp': '''class FancyMLP(nn.Block):
    def __init__(self, **kwargs):
        super(FancyMLP, self).__init__(**kwargs)
        self.rand_weight = self.params.get_constant('rand_weight', nd.random.uniform(shape=(20, 20)))
        self.dense = nn.Dense(20, activation='relu')
    def forward(self, x):
        x = self.dense(x)
        x = nd.relu(nd.dot(x, self.rand_weight.data()) + 1)
        x = self.dense(x)
        while x.norm().asscalar() > 1:
            x /= 2
        if x.norm().asscalar() < 0.8:
            x *= 10
        return x.sum()
net = FancyMLP(); net.initialize(); (net.collect_params(), net(nd.random.uniform(shape=(2, 20))))''',
    'custom_hybrid': '''class HybridNet(nn.HybridBlock):
    def __init__(self, **kwargs):
        super(HybridNet, self).__init__(**kwargs)
        self.hidden = nn.Dense(10)
        self.output = nn.Dense(2)
    def hybrid_forward(self, F, x):
        print('F: ', F.__name__.replace('minigluon', 'mxnet'))
        print('x: ', type(x).__name__)
        x = F.relu(self.hidden(x))
        return self.output(x)
net = HybridNet(); net.initialize(); net(nd.random.normal(shape=(1, 4))); net.hybridize(); net(nd.random.normal(shape=(1, 4))).shape''',
    'block_params_get': '''class MyDense(nn.Block):
    def __init__(self, units, in_units, **kwargs):
        super(MyDense, self).__init__(**kwargs)
        self.weight = self.params.get('weight', shape=(in_units, units))
        self.bias = self.params.get('bias', shape=(units,))
    def forward(self, x):
        return nd.relu(nd.dot(x, self.weight.data()) + self.bias.data())
d = MyDense(units=3, in_units=5); (d.params, d.name)''',
    'block_save_load': 'import tempfile, os\nnet = nn.Dense(2, in_units=3); net.initialize()\nf = os.path.join(tempfile.mkdtemp(), "p")\nnet.save_parameters(f)\nnet2 = nn.Dense(2, in_units=3); net2.load_parameters(f)\n(net2.weight.data() == net.weight.data()).min()',
    'block_load_missing': 'import tempfile, os\nnet = nn.Dense(2, in_units=3); net.initialize()\nf = os.path.join(tempfile.mkdtemp(), "p")\nnet.save_parameters(f)\nnet2 = nn.Sequential(); net2.add(nn.Dense(2, in_units=3), nn.Dense(1, in_units=2)); net2.load_parameters(f)',
    'nd_save_load_list': 'import tempfile, os\nf = os.path.join(tempfile.mkdtemp(), "x")\nnd.save(f, [nd.ones(2), nd.zeros(3)]); nd.load(f)',
    'nd_save_load_dict': "import tempfile, os\nf = os.path.join(tempfile.mkdtemp(), 'x')\nnd.save(f, {'x': nd.ones(2), 'y': nd.zeros(3)}); nd.load(f)",
    'nd_load_missing': 'nd.load("/nonexistent/file")',
    'dropout_layer': 'd = nn.Dropout(0.5); d.initialize(); (d, d(nd.ones((2, 4))))',
    'dropout_train': 'd = nn.Dropout(0.5); d.initialize()\nwith autograd.record():\n    o = d(nd.ones((2, 4)))\no',
    'flatten_layer': 'f = nn.Flatten(); (f, f(nd.ones((2, 3, 4))).shape)',
    'activation_layer': 'a = nn.Activation("tanh"); (a, a(nd.array([0.5])))',
    'activation_bad': 'nn.Activation("bogus")(nd.ones(2))',
    'nd_dropout': 'nd.Dropout(nd.ones((2, 5)), p=0.5)',
    'lambda_layer': 'nn.Lambda(lambda x: x * 2)(nd.ones(2))',
    'block_summary_like': 'net = nn.Dense(2, in_units=3); net.initialize(); net.collect_params().initialize()',
    'cast_float64': 'net = nn.Dense(2, in_units=3); net.initialize(); net.cast("float64"); (net.weight.dtype, net(nd.ones((1, 3), dtype="float64")).dtype)',
    'block_call_mismatched_dtype': 'net = nn.Dense(2, in_units=3); net.initialize(); net(nd.ones((1, 3), dtype="float64"))',
    'hybridize_print': 'net = nn.HybridSequential(); net.add(nn.Dense(2)); net.hybridize(); net',
    # -- losses (d2l 3.3, 3.7) --
    'l2loss': 'gloss.L2Loss()(nd.array([[1, 2], [3, 4]]), nd.array([[1, 1], [1, 1]]))',
    'l1loss': 'gloss.L1Loss()(nd.array([1, 2]), nd.array([0, 0]))',
    'sce_loss': 'gloss.SoftmaxCrossEntropyLoss()(nd.array([[1, 2, 3], [1, 1, 1]]), nd.array([2, 0]))',
    'sce_loss_dense': 'gloss.SoftmaxCrossEntropyLoss(sparse_label=False)(nd.array([[1, 2, 3]]), nd.array([[0, 0, 1]]))',
    'sigmoid_bce': 'gloss.SigmoidBinaryCrossEntropyLoss()(nd.array([[0.3, -1]]), nd.array([[1, 0]]))',
    'loss_repr': '(gloss.L2Loss(), gloss.SoftmaxCrossEntropyLoss())',
    'loss_weight': 'gloss.L2Loss(weight=2.0)(nd.array([1.0]), nd.array([0.0]))',
    'huber': 'gloss.HuberLoss()(nd.array([0.5, 3]), nd.array([0, 0]))',
    'loss_sample_weight': 'gloss.L2Loss()(nd.array([[1.0], [2.0]]), nd.array([[0.0], [0.0]]), nd.array([[1.0], [0.0]]))',
    'sce_grad': 'net = nn.Dense(3, in_units=2); net.initialize(init.One()); L = gloss.SoftmaxCrossEntropyLoss()\nwith autograd.record():\n    l = L(net(nd.array([[1, 2]])), nd.array([1]))\nl.backward(); net.weight.grad()',
    # -- Trainer and optimizers (d2l 3.3, 7.x) --
    'trainer_step': "net = nn.Dense(1, in_units=2); net.initialize(init.One())\ntr = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})\nwith autograd.record():\n    l = gloss.L2Loss()(net(nd.array([[1, 2]])), nd.array([[0]]))\nl.backward(); tr.step(1); net.weight.data()",
    'trainer_lr': "net = nn.Dense(1, in_units=2); net.initialize(); tr = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1}); tr.set_learning_rate(0.05); tr.learning_rate",
    'trainer_bad_opt': "net = nn.Dense(1, in_units=2); net.initialize(); gluon.Trainer(net.collect_params(), 'nosuchopt')",
    'trainer_adagrad': "net = nn.Dense(1, in_units=2); net.initialize(); type(gluon.Trainer(net.collect_params(), 'adagrad', {'learning_rate': 0.1}).optimizer).__name__",
    'trainer_rmsprop': "net = nn.Dense(1, in_units=2); net.initialize(); type(gluon.Trainer(net.collect_params(), 'rmsprop', {'learning_rate': 0.1, 'gamma1': 0.9}).optimizer).__name__",
    'trainer_adadelta': "net = nn.Dense(1, in_units=2); net.initialize(); type(gluon.Trainer(net.collect_params(), 'adadelta', {'rho': 0.9999}).optimizer).__name__",
    'trainer_adam_step': "net = nn.Dense(1, in_units=2); net.initialize(init.One())\ntr = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.01})\nwith autograd.record():\n    l = gloss.L2Loss()(net(nd.array([[1, 2]])), nd.array([[0]]))\nl.backward(); tr.step(1); net.weight.data()",
    'trainer_momentum': "net = nn.Dense(1, in_units=2); net.initialize(init.One())\ntr = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1, 'momentum': 0.9})\nfor _ in range(2):\n    with autograd.record():\n        l = gloss.L2Loss()(net(nd.array([[1, 2]])), nd.array([[0]]))\n    l.backward(); tr.step(1)\nnet.weight.data()",
    'trainer_wd': "net = nn.Dense(1, in_units=2); net.initialize(init.One())\ntr = gluon.Trainer(net.weight, 'sgd', {'learning_rate': 0.1, 'wd': 0.5}) if False else gluon.Trainer(net.collect_params('.*weight'), 'sgd', {'learning_rate': 0.1, 'wd': 0.5})\nwith autograd.record():\n    l = gloss.L2Loss()(net(nd.array([[1, 2]])), nd.array([[0]]))\nl.backward(); tr.step(1); net.weight.data()",
    'trainer_step_no_grad': "net = nn.Dense(1, in_units=2); net.initialize(); tr = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1}); tr.step(1)",
    'trainer_bad_params': "gluon.Trainer([1, 2], 'sgd')",
    'optimizer_sgd_attrs': "o = mx.optimizer.SGD(learning_rate=0.1, momentum=0.9); (o.learning_rate, o.momentum, o.wd, o.rescale_grad)",
    'optimizer_create': "type(mx.optimizer.create('sgd')).__name__",
    'optimizer_adam_defaults': "o = mx.optimizer.Adam(); (o.learning_rate, o.beta1, o.beta2, o.epsilon)",
    'trainer_save_states': "import tempfile, os\nnet = nn.Dense(1, in_units=2); net.initialize(); tr = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1, 'momentum': 0.9})\nf = os.path.join(tempfile.mkdtemp(), 's'); tr.save_states(f); tr.load_states(f); tr.learning_rate",
    # -- data --
    'array_dataset': 'ds = gdata.ArrayDataset(nd.arange(6).reshape((3, 2)), nd.array([0, 1, 2])); (len(ds), ds[1])',
    'dataloader': 'ds = gdata.ArrayDataset(nd.arange(10).reshape((5, 2)), nd.arange(5))\n[(X.shape, y.shape) for X, y in gdata.DataLoader(ds, batch_size=2)]',
    'dataloader_discard': 'ds = gdata.ArrayDataset(nd.arange(5))\n[b for b in gdata.DataLoader(ds, batch_size=2, last_batch="discard")]',
    'dataloader_shuffle': 'mx.random.seed(0); ds = gdata.ArrayDataset(nd.arange(6))\n[b for b in gdata.DataLoader(ds, batch_size=3, shuffle=True)]',
    'dataloader_workers_ctx': 'ds = gdata.ArrayDataset(nd.arange(6))\nb = next(iter(gdata.DataLoader(ds, batch_size=3, num_workers=2))); (b, b.context)',
    'dataloader_len': 'len(gdata.DataLoader(gdata.ArrayDataset(nd.arange(7)), batch_size=3))',
    'dataset_transform': 'gdata.SimpleDataset([1, 2, 3]).transform(lambda v: v * 10)[2]',
    'array_dataset_bad_len': 'gdata.ArrayDataset(nd.arange(3), nd.arange(4))',
    'split_and_load': '[a.context for a in gluon.utils.split_and_load(nd.arange(4), [mx.cpu(0), mx.cpu(1)])]',
    'numpy_dataset_dtype': 'ds = gdata.ArrayDataset(np.arange(4, dtype="float64")); next(iter(gdata.DataLoader(ds, batch_size=2)))',
    # -- Context --
    'ctx_cpu': '(mx.cpu(), mx.cpu(1), mx.gpu(), mx.cpu() == mx.cpu(0))',
    'ctx_str': '(str(mx.cpu()), mx.cpu().device_type, mx.gpu(2).device_id)',
    'ctx_current': 'mx.context.current_context()',
    'ctx_with': 'with mx.cpu(1):\n    a = nd.ones(1)\na.context',
    'ctx_ctx_kw': 'nd.ones((2,), ctx=mx.cpu(2)).context',
    'ctx_cross_device': 'nd.ones(2, ctx=mx.cpu(1)) + nd.ones(2)',
    'ctx_copyto': 'nd.ones(2).copyto(mx.cpu(1)).context',
    'ctx_num_gpus': 'mx.context.num_gpus()',
    'ctx_bad_type': 'mx.Context("tpu", 0)',
    'ctx_hash_eq': 'len({mx.cpu(0), mx.cpu(), mx.cpu(1)})',
}


def describe(value) -> str:
    """One line of text for a value: type, dtype, shape and repr where it has them."""
    import numpy as np
    name = type(value).__name__
    if name == 'NDArray':
        return 'NDArray dtype=%s %r' % (np.dtype(value.dtype).name, value)
    if isinstance(value, np.ndarray):
        return 'ndarray dtype=%s shape=%s %s' % (value.dtype, value.shape, value.tolist())
    if isinstance(value, np.generic):
        return '%s %r' % (name, value.item())
    if isinstance(value, (tuple, list)):
        inner = ', '.join(describe(v) for v in value)
        return '(%s)' % inner if isinstance(value, tuple) else '[%s]' % inner
    if isinstance(value, dict):
        return '{%s}' % ', '.join('%r: %s' % (k, describe(v)) for k, v in value.items())
    if isinstance(value, type):
        return 'type %s' % value.__name__
    text = repr(value)
    return re.sub(r'0x[0-9a-f]+', '0x..', text)


def run_case(fw: str, code: str) -> str:
    """Run one case in this (forked) process and return its text."""
    out, parts = io.StringIO(), []
    namespace = {}
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter('always')
        exec(SETUP.format(fw=fw), namespace)
        namespace['mx'].random.seed(0)
        __import__('numpy').random.seed(0)
        try:
            tree = ast.parse(code)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, '<case>', 'exec'), namespace)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), '<case>', 'eval'), namespace)
                parts.append('value: ' + describe(value))
        except Exception as e:  # noqa: BLE001 - the exception is the behaviour compared
            parts.append('raise %s: %s' % (type(e).__name__, str(e)))
    printed = out.getvalue().replace(fw, 'mxnet')
    if printed:
        parts.insert(0, 'printed: ' + printed)
    for w in caught:
        parts.append('warning %s: %s' % (w.category.__name__, w.message))
    return '\n'.join(parts)


def run_all(fw: str) -> dict:
    """Each case in a fresh fork, so that name counters and seeds start anew."""
    __import__(fw)
    results = {}
    for name, code in CASES.items():
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:
                text = run_case(fw, code)
            except BaseException as e:  # noqa: BLE001
                text = 'harness error %s: %s' % (type(e).__name__, e)
            with os.fdopen(write, 'w') as f:
                f.write(text)
            os._exit(0)
        os.close(write)
        with os.fdopen(read) as f:
            results[name] = f.read()
        os.waitpid(pid, 0)
    return results


def without_cpp_frame(text: str) -> str:
    """An MXNet message without what its C++ core adds (minigluon's deliberate difference):
    the 'Traceback ... File "../src/...", line N' header, the 'MXNetError: ' prefix and the
    'Check failed: <C++ condition>: ' clause."""
    text = re.sub(r'Traceback \(most recent call last\):\n  File "[^"]+", line \d+\n', '', text)
    text = text.replace('!AGInfo: :IsNone', '!AGInfo::IsNone').replace('allow_null: :Open', 'allow_null::Open')
    text = re.sub(r'(raise MXNetError: )(?:MXNetError: )*', r'\1', text)
    return re.sub(r'Check failed: \S+(?: [^:]*?)? ?: ', '', text)


def compare() -> str:
    """minigluon's texts against the recorded MXNet ones; the report's text."""
    with open(MXNET_JSON) as f:
        expected = json.load(f)
    got = run_all('minigluon')
    same = [n for n in CASES if got[n] == expected.get(n)]
    loose = [n for n in CASES if without_cpp_frame(got[n]) == without_cpp_frame(expected.get(n, ''))]
    lines = ['%d of %d identical' % (len(same), len(CASES)),
             '%d of %d identical when MXNet messages lose their C++ frame (see without_cpp_frame)'
             % (len(loose), len(CASES)), '']
    for name in CASES:
        if got[name] != expected.get(name):
            lines += ['== %s%s' % (name, ' (same but for the C++ frame)' if name in loose else ''),
                      CASES[name], '-- MXNet:', expected.get(name, '(not recorded)'),
                      '-- minigluon:', got[name], '']
    return '\n'.join(lines)


def main() -> None:
    """record (under MXNet) or compare (under minigluon)."""
    mode = sys.argv[1] if len(sys.argv) > 1 else 'compare'
    if mode == 'record':
        with open(MXNET_JSON, 'w') as f:
            json.dump(run_all('mxnet'), f, indent=1, ensure_ascii=False)
            f.write('\n')
    else:
        report = compare()
        with open(OUT_TXT, 'w') as f:
            f.write(report + '\n')
        print('\n'.join(report.split('\n')[:2]))


if __name__ == '__main__':
    main()
