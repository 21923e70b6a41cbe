"""List what MXNet 1.9.1's d2l-facing classes have that minigluon's lack (#21 task 6).

Usage:
    /work/mxvenv/bin/python scripts/enumerate_api.py record   # MXNet -> enumerate_api_mxnet.json
    python scripts/enumerate_api.py compare                   # minigluon -> enumerate_api.out.txt

For each class (and the nd module): the public names of dir(), and for each callable both have,
its parameter names; a name or keyword MXNet has and minigluon lacks is listed.
"""
import inspect
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MXNET_JSON = os.path.join(HERE, 'enumerate_api_mxnet.json')
OUT_TXT = os.path.join(HERE, 'enumerate_api.out.txt')
TARGETS = ['nd.NDArray', 'gluon.Block', 'gluon.HybridBlock', 'gluon.nn.Sequential',
           'gluon.nn.HybridSequential', 'gluon.nn.Dense', 'gluon.nn.Dropout', 'gluon.Parameter',
           'gluon.ParameterDict', 'gluon.Trainer', 'optimizer.Optimizer', 'optimizer.SGD',
           'optimizer.Adam', 'initializer.Initializer', 'initializer.Normal', 'initializer.Xavier',
           'gluon.loss.Loss', 'gluon.loss.SoftmaxCrossEntropyLoss', 'context.Context',
           'gluon.data.DataLoader', 'gluon.data.ArrayDataset', 'nd', 'nd.random', 'autograd',
           'gluon.utils', 'random', 'init']


def _resolve(mx, path: str):
    obj = mx
    for part in path.split('.'):
        obj = getattr(obj, part)
    return obj


def _params(obj) -> list | None:
    try:
        return [p for p in inspect.signature(obj).parameters if p != 'self']
    except (TypeError, ValueError):
        return None


def survey(mx) -> dict:
    """{target: {public name: its parameter names or None}}."""
    out = {}
    for path in TARGETS:
        obj = _resolve(mx, path)
        names = {}
        for name in dir(obj):
            if name.startswith('_') and name not in ('__call__', '__init__'):
                continue
            try:
                member = getattr(obj, name)
            except Exception:  # noqa: BLE001 - a property of the class object
                member = None
            names[name] = _params(member) if callable(member) else None
        out[path] = names
    return out


def compare() -> str:
    with open(MXNET_JSON) as f:
        mxnet = json.load(f)
    import minigluon
    ours = survey(minigluon)
    lines, missing_total, kw_total = [], 0, 0
    for path in TARGETS:
        theirs, mine = mxnet[path], ours[path]
        missing = sorted(n for n in theirs if n not in mine)
        keywords = []
        for name in sorted(set(theirs) & set(mine)):
            a, b = theirs[name], mine[name]
            if a is not None and b is not None and 'kwargs' not in b:
                lacking = [p for p in a if p not in b and p not in ('args', 'kwargs')]
                if lacking:
                    keywords.append('%s(%s)' % (name, ', '.join(lacking)))
        missing_total += len(missing)
        kw_total += len(keywords)
        lines.append('== %s: %d names lacking, %d callables lacking keywords' % (path, len(missing), len(keywords)))
        if missing:
            lines.append('  names: ' + ', '.join(missing))
        if keywords:
            lines.append('  keywords: ' + '; '.join(keywords))
    return '\n'.join(['%d names and %d callables with keywords MXNet has and minigluon lacks'
                      % (missing_total, kw_total), ''] + lines)


if __name__ == '__main__':
    if sys.argv[1:] == ['record']:
        import mxnet
        with open(MXNET_JSON, 'w') as f:
            json.dump(survey(mxnet), f, indent=1, sort_keys=True)
            f.write('\n')
    else:
        report = compare()
        with open(OUT_TXT, 'w') as f:
            f.write(report + '\n')
        print(report.split('\n')[0])
