"""minigluon_workbook.graph reads the computation graph back from the autograd tape."""
import matplotlib
import pytest

from minigluon import autograd, nd
from minigluon.gluon import nn
from minigluon_workbook.graph import _layout, draw_tape, tape_graph

matplotlib.use('Agg')


def test_a_reused_layer_feeds_both_of_its_uses():
    dense = nn.Dense(3, in_units=3)
    dense.initialize()
    X = nd.ones((2, 3))
    with autograd.record():
        out = dense(nd.relu(dense(X) + 1)).sum()
    names = {'X': X, 'weight': dense.weight.data(), 'bias': dense.bias.data()}
    nodes, edges = tape_graph(out, names)
    labels = [n['label'] for n in nodes]
    assert labels == ['X', 'weight', 'bias', 'FullyConnected', 'add', 'relu', 'FullyConnected',
                      'sum']
    weight = labels.index('weight')
    consumers = [nodes[dst]['label'] for src, dst in edges if src == weight]
    assert consumers == ['FullyConnected', 'FullyConnected']
    assert [n['kind'] for n in nodes if n['label'] in ('X', 'weight')] == ['constant', 'variable']
    assert nodes[-1] == {'kind': 'op', 'label': 'sum', 'shape': (1,)}
    # every edge goes from an earlier node to a later one, and every op has an input
    assert all(src < dst for src, dst in edges)
    assert {dst for _, dst in edges} == {i for i, n in enumerate(nodes) if n['kind'] == 'op'}


def test_scalar_operands_are_named_by_their_op_and_unnamed_constants_left_out():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    hidden = nd.array([3.0, 4.0])  # not recorded and not named: not drawn
    with autograd.record():
        out = ((x * 2) * hidden).sum()
    nodes, edges = tape_graph(out)
    assert [n['label'] for n in nodes] == ['variable', 'multiply', 'multiply', 'sum']
    assert len(edges) == 3


def test_ops_made_by_a_factory_are_named_by_their_own_name():
    x = nd.array([[1.0, 2.0]])
    x.attach_grad()
    with autograd.record():
        out = nd.max(nd.sin(x), axis=1) + nd.broadcast_mul(x, x).astype('float64').sum().astype('float32')
    labels = [n['label'] for n in tape_graph(out)[0]]
    assert labels == ['variable', 'sin', 'max', 'multiply', 'astype', 'sum', 'astype', 'add']


def test_layout_puts_inputs_above_the_column_before_their_first_use():
    x = nd.array([1.0])
    x.attach_grad()
    with autograd.record():
        out = (nd.exp(x) * x).sum()
    nodes, edges = tape_graph(out, {'x': x})
    position = _layout(nodes, edges)
    assert position[0] == (0, 1)                          # x, above the chain
    assert [position[i][1] for i in range(1, len(nodes))] == [0, 0, 0]
    assert draw_tape(out, {'x': x}).get_title() == ''


def test_an_unrecorded_head_is_refused_with_a_hint():
    with pytest.raises(ValueError, match='autograd.record'):
        tape_graph(nd.ones((2,)).sum())
