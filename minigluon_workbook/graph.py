"""Draw the computation graph that ``autograd.record()`` put on the tape, read from the tape.

Every recorded array carries an ``autograd.Node`` (its ``op``, ``backward`` and ``inputs``,
see ``minigluon.autograd``); a variable carries ``autograd.VARIABLE``. ``tape_graph`` walks
those links back from a head and returns plain data; ``draw_tape`` lays it out by depth and
draws it with matplotlib.
"""
from __future__ import annotations

from minigluon import autograd


def tape_graph(head, names: dict | None = None) -> tuple[list[dict], list[tuple[int, int]]]:
    """The graph under ``head``: nodes (dicts with ``kind``, ``label``, ``shape``) and edges
    ``(input index, output index)``.

    ``names`` maps labels to arrays (``{'dense0_weight': param.data(), 'X': X}``); a named
    array that is not recorded (a constant, an input without ``attach_grad``) is drawn as a
    constant, an unnamed one is left out.
    """
    if getattr(head, '_node', None) is None:
        raise ValueError('the head is not on the tape: compute it under autograd.record(), '
                         'from an array with attach_grad() or a parameter')
    label_of = {id(array): label for label, array in (names or {}).items()}
    index, nodes, edges = {}, [], []

    def visit(array) -> int | None:
        if id(array) in index:
            return index[id(array)]
        node = array._node
        if node is None and id(array) not in label_of:
            return None
        if node is None or node is autograd.VARIABLE:
            kind = 'constant' if node is None else 'variable'
            entry = {'kind': kind, 'label': label_of.get(id(array), kind), 'shape': array.shape}
            inputs = []
        else:
            entry = {'kind': 'op', 'label': node.op, 'shape': array.shape}
            inputs = [visit(inp) for inp in node.inputs]
        index[id(array)] = len(nodes)
        nodes.append(entry)
        edges.extend((i, index[id(array)]) for i in inputs if i is not None)
        return index[id(array)]

    visit(head)
    return nodes, edges


def _depths(nodes, edges) -> list[int]:
    """Longest distance from an input: inputs 0, each op one more than its deepest input."""
    depth = [0] * len(nodes)
    for src, dst in sorted(edges, key=lambda e: e[1]):  # inputs are indexed before outputs
        depth[dst] = max(depth[dst], depth[src] + 1)
    return depth


def _layout(nodes, edges) -> dict:
    """(x, y) per node: ops in columns by depth along y <= 0, each input above the column
    just before its first consumer."""
    depth = _depths(nodes, edges)
    first_use = {}
    for src, dst in edges:
        first_use[src] = min(first_use.get(src, depth[dst]), depth[dst])
    position, used = {}, {}
    for i, node in enumerate(nodes):
        if node['kind'] == 'op':
            x, level = depth[i], -used.get(('op', depth[i]), 0)
            used[('op', depth[i])] = -level + 1
        else:
            x = first_use.get(i, 1) - 1
            level = used.get(('in', x), 0) + 1
            used[('in', x)] = level
        position[i] = (x, level)
    return position


def draw_tape(head, names: dict | None = None, ax=None, title: str = ''):
    """Draw ``tape_graph(head, names)`` left to right: inputs above, ``head`` last."""
    import matplotlib.pyplot as plt
    nodes, edges = tape_graph(head, names)
    position = _layout(nodes, edges)
    xs = [x for x, _ in position.values()]
    ys = [y for _, y in position.values()]
    if ax is None:
        _, ax = plt.subplots(figsize=(1.6 * (max(xs) - min(xs) + 1), 1.0 * (max(ys) - min(ys) + 1)))
    colors = {'op': '#cfe2f3', 'variable': '#f9cb9c', 'constant': '#e6e6e6'}
    for src, dst in edges:
        (x0, y0), (x1, y1) = position[src], position[dst]
        bend = 0 if x1 - x0 <= 1 else -0.15  # long edges (reused inputs) curve over the chain
        ax.annotate('', xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle='->', color='#555555', shrinkA=16, shrinkB=16,
                                    connectionstyle='arc3,rad=%s' % bend))
    for i, node in enumerate(nodes):
        x, y = position[i]
        ax.text(x, y, '%s\n%s' % (node['label'], node['shape']), ha='center', va='center',
                fontsize=8, bbox=dict(boxstyle='round', facecolor=colors[node['kind']],
                                      edgecolor='#555555'))
    ax.set_xlim(min(xs) - 0.7, max(xs) + 0.7)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.axis('off')
    if title:
        ax.set_title(title)
    return ax
