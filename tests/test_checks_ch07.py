"""The chapter 7 (capstone) checks pass the reference solutions and explain typical wrong
answers."""
import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, gluon, init, nd
from minigluon.gluon import loss as gloss
from minigluon.gluon import nn
from minigluon_workbook.checks import ExerciseFailed
from minigluon_workbook.judges import Data, Malformed, verdict
from minigluon_workbook.checks import ch07


def _fails(check, *args, fragments=()):
    with pytest.raises(ExerciseFailed) as info:
        check(*args)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


# ----- 07.1 ---------------------------------------------------------------------------------
class ScaleShift(nn.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.gamma = self.params.get('gamma', shape=(0,), init=init.One(), allow_deferred_init=True)
        self.beta = self.params.get('beta', shape=(0,), init=init.Zero(), allow_deferred_init=True)

    def infer_shape(self, x, *args):
        self.gamma.shape = self.beta.shape = (x.shape[-1],)

    def hybrid_forward(self, F, x, gamma, beta):
        return x * gamma + beta


class BlockScaleShift(nn.Block):
    """The other right answer: a plain Block that finishes the deferral itself (ch03's way)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.gamma = self.params.get('gamma', shape=(0,), init='ones', allow_deferred_init=True)
        self.beta = self.params.get('beta', shape=(0,), init='zeros', allow_deferred_init=True)

    def forward(self, x):
        try:
            gamma, beta = self.gamma.data(), self.beta.data()
        except gluon.DeferredInitializationError:
            for param in (self.gamma, self.beta):
                param.shape = (x.shape[-1],)
                param._finish_deferred_init()
            gamma, beta = self.gamma.data(), self.beta.data()
        return x * gamma + beta


def test_check_1_passes_both_reference_layers(capsys):
    ch07.check_1(ScaleShift)
    ch07.check_1(BlockScaleShift)
    assert capsys.readouterr().out.count('PASSED exercise 07.1') == 2


def test_check_1_explains_typical_mistakes():
    class NoOwnInit(ScaleShift):
        def __init__(self, **kwargs):
            nn.HybridBlock.__init__(self, **kwargs)
            self.gamma = self.params.get('gamma', shape=(0,), allow_deferred_init=True)
            self.beta = self.params.get('beta', shape=(0,), allow_deferred_init=True)
    _fails(ch07.check_1, NoOwnInit, fragments=['own init='])

    class Fixed(ScaleShift):
        def __init__(self, **kwargs):
            nn.HybridBlock.__init__(self, **kwargs)
            self.gamma = self.params.get('gamma', shape=(5,), init='ones')
            self.beta = self.params.get('beta', shape=(5,), init='zeros')
    _fails(ch07.check_1, Fixed, fragments=['nothing is deferred'])

    class NoInfer(ScaleShift):
        infer_shape = nn.HybridBlock.infer_shape
    _fails(ch07.check_1, NoInfer, fragments=['running your layer on an input of shape (4, 5)'])

    class ShiftThenScale(ScaleShift):
        def hybrid_forward(self, F, x, gamma, beta):
            return (x + beta) * gamma
    _fails(ch07.check_1, ShiftThenScale, fragments=['x * gamma + beta'])

    class Detached(ScaleShift):
        def hybrid_forward(self, F, x, gamma, beta):
            return x * gamma.copy().detach() + beta
    _fails(ch07.check_1, Detached, fragments=['gradient of gamma'])

    class Plain(ScaleShift):
        def __init__(self, **kwargs):
            nn.HybridBlock.__init__(self, **kwargs)
            self.gamma = nd.ones(5)
            self.beta = nd.zeros(5)
    _fails(ch07.check_1, Plain, fragments=["no Parameter attribute 'gamma' or 'beta'"])

    class Misnamed(ScaleShift):
        def __init__(self, **kwargs):
            nn.HybridBlock.__init__(self, **kwargs)
            self.gamma = self.params.get('scale', shape=(0,), init='ones', allow_deferred_init=True)
            self.beta = self.params.get('shift', shape=(0,), init='zeros', allow_deferred_init=True)
    _fails(ch07.check_1, Misnamed, fragments=['expected exactly'])
    _fails(ch07.check_1, lambda: 'layer', fragments=['pass your class itself'])


# ----- 07.2 ---------------------------------------------------------------------------------
def make_net():
    net = nn.Sequential()
    shared = nn.Dense(16, activation='tanh')
    net.add(nn.Dense(16, activation='tanh'), shared,
            nn.Dense(16, activation='tanh', params=shared.params), ScaleShift(), nn.Dense(1))
    return net


def test_check_2_passes_the_reference(capsys):
    ch07.check_2(make_net)
    assert 'PASSED exercise 07.2' in capsys.readouterr().out


def test_check_2_explains_typical_mistakes():
    def unshared():
        net = nn.Sequential()
        net.add(*[nn.Dense(16, activation='tanh') for _ in range(3)], ScaleShift(), nn.Dense(1))
        return net
    _fails(ch07.check_2, unshared, fragments=['do not share'])

    def same_object():  # the same layer object twice: Sequential keeps it once per add
        net = nn.Sequential()
        shared = nn.Dense(16, activation='tanh')
        net.add(nn.Dense(16, activation='tanh'), shared, shared, ScaleShift(), nn.Dense(1))
        return net
    _fails(ch07.check_2, same_object, fragments=['one Dense object added twice'])

    def in_units():
        net = nn.Sequential()
        shared = nn.Dense(16, activation='tanh', in_units=16)
        net.add(nn.Dense(16, activation='tanh', in_units=8), shared,
                nn.Dense(16, activation='tanh', params=shared.params), ScaleShift(),
                nn.Dense(1, in_units=16))
        return net
    _fails(ch07.check_2, in_units, fragments=['known shapes before the first forward'])

    def relu():
        net = nn.Sequential()
        shared = nn.Dense(16, activation='relu')
        net.add(nn.Dense(16, activation='relu'), shared,
                nn.Dense(16, activation='relu', params=shared.params), ScaleShift(), nn.Dense(1))
        return net
    _fails(ch07.check_2, relu, fragments=['expected tanh'])

    def no_scale_shift():
        net = nn.Sequential()
        shared = nn.Dense(16, activation='tanh')
        net.add(nn.Dense(16, activation='tanh'), shared,
                nn.Dense(16, activation='tanh', params=shared.params), nn.Dense(1))
        return net
    _fails(ch07.check_2, no_scale_shift, fragments=['has 4 layers'])
    _fails(ch07.check_2, lambda: nn.Dense(3), fragments=['should return an nn.Sequential'])


# ----- 07.3 ---------------------------------------------------------------------------------
def train(net, trainer, X, y, epochs, batch_size):
    l2 = gloss.L2Loss()
    losses = []
    for _ in range(epochs):
        total = 0.0
        for i in range(0, X.shape[0], batch_size):
            Xb, yb = X[i:i + batch_size], y[i:i + batch_size]
            with autograd.record():
                loss = l2(net(Xb), yb)
            loss.backward()
            trainer.step(batch_size)
            total += loss.sum().asscalar()
        losses.append(total / X.shape[0])
    return losses


def test_check_3_passes_the_reference(capsys):
    ch07.check_3(train)
    assert 'PASSED exercise 07.3' in capsys.readouterr().out


def test_check_3_explains_typical_mistakes():
    def no_step(net, trainer, X, y, epochs, batch_size):
        for _ in range(epochs):
            with autograd.record():
                loss = gloss.L2Loss()(net(X), y)
            loss.backward()
        return [1.0] * epochs
    _fails(ch07.check_3, no_step, fragments=['did not change'])

    def full_batch(net, trainer, X, y, epochs, batch_size):
        return train(net, trainer, X, y, epochs, X.shape[0])
    _fails(ch07.check_3, full_batch, fragments=['whole data set were one batch'])

    def step_one(net, trainer, X, y, epochs, batch_size):
        losses = []
        for _ in range(epochs):
            for i in range(0, X.shape[0], batch_size):
                with autograd.record():
                    loss = gloss.L2Loss()(net(X[i:i + batch_size]), y[i:i + batch_size])
                loss.backward()
                trainer.step(1)  # the gradient of a sum of batch_size losses, unscaled
            losses.append(0.0)
        return losses
    _fails(ch07.check_3, step_one, fragments=['differ from the reference loop'])

    def last_batch_loss(net, trainer, X, y, epochs, batch_size):
        losses = []
        for _ in range(epochs):
            for i in range(0, X.shape[0], batch_size):
                with autograd.record():
                    loss = gloss.L2Loss()(net(X[i:i + batch_size]), y[i:i + batch_size])
                loss.backward()
                trainer.step(batch_size)
            losses.append(loss.mean().asscalar())
        return losses
    _fails(ch07.check_3, last_batch_loss, fragments=['mean per-example L2 loss'])

    def per_batch(net, trainer, X, y, epochs, batch_size):
        return train(net, trainer, X, y, epochs, batch_size) * 3
    _fails(ch07.check_3, per_batch, fragments=['returned 9 values'])
    _fails(ch07.check_3, lambda *args: None, fragments=['returned a NoneType'])


# ----- 07.4 ---------------------------------------------------------------------------------
def save_checkpoint(net, trainer, prefix):
    net.save_parameters(prefix + '.params')
    trainer.save_states(prefix + '.states')


def load_checkpoint(net, prefix, ctx):
    net.load_parameters(prefix + '.params', ctx=ctx)
    trainer = gluon.Trainer(net.collect_params(), 'adam')
    trainer.load_states(prefix + '.states')
    return trainer


def test_check_4_passes_the_reference(capsys):
    ch07.check_4(save_checkpoint, load_checkpoint)
    assert 'PASSED exercise 07.4' in capsys.readouterr().out


def test_check_4_explains_typical_mistakes():
    def params_only_save(net, trainer, prefix):
        net.save_parameters(prefix + '.params')

    def params_only_load(net, prefix, ctx):
        net.load_parameters(prefix + '.params', ctx=ctx)
        return gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.05})
    _fails(ch07.check_4, params_only_save, params_only_load, fragments=['wrote 1 file'])

    def two_files(net, trainer, prefix):
        net.save_parameters(prefix + '.params')
        net.save_parameters(prefix + '.copy')
    _fails(ch07.check_4, two_files, params_only_load, fragments=['optimizer state is missing'])

    def wrong_ctx(net, prefix, ctx):
        net.load_parameters(prefix + '.params')
        return gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.05})
    _fails(ch07.check_4, two_files, wrong_ctx, fragments=["expected only cpu(1)"])

    def initialize_instead(net, prefix, ctx):
        net.initialize(ctx=ctx)
        net(nd.ones((1, 5), ctx=ctx))
        return gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.05})
    _fails(ch07.check_4, two_files, initialize_instead, fragments=['differ from the ones saved'])

    def trainer_first(net, prefix, ctx):
        trainer = gluon.Trainer(net.collect_params(), 'adam')
        net.load_parameters(prefix + '.params', ctx=ctx)
        return trainer
    _fails(ch07.check_4, save_checkpoint, trainer_first, fragments=['load the parameters first'])

    def no_return(net, prefix, ctx):
        load_checkpoint(net, prefix, ctx)
    _fails(ch07.check_4, save_checkpoint, no_return, fragments=['returned a NoneType'])

    def crashes(net, prefix, ctx):
        raise OSError('no such file')
    _fails(ch07.check_4, two_files, crashes, fragments=['load_checkpoint(', 'raised OSError'])


# ----- forged observations never pass -------------------------------------------------------
def _observed(check, *answers):
    return check.observe(*answers, seed=5)


def test_judges_recompute_from_the_seed_and_refuse_forged_data():
    data = _observed(ch07.check_1, ScaleShift)
    assert ch07.check_1.judge(Data(data), 5)
    with pytest.raises(ExerciseFailed):          # an honest observation, judged on another seed
        ch07.check_1.judge(Data(data), 6)
    forged = dict(data, out=[[0.0] * 5] * 4)
    with pytest.raises(ExerciseFailed, match='x \\* gamma \\+ beta'):
        ch07.check_1.judge(Data(forged), 5)
    with pytest.raises(Malformed):
        ch07.check_1.judge(Data(dict(data, grads='big')), 5)

    data = _observed(ch07.check_2, make_net)
    assert ch07.check_2.judge(Data(data), 5)
    with pytest.raises(ExerciseFailed, match='with the same parameter values'):
        ch07.check_2.judge(Data(dict(data, out=[[0.0]] * 4)), 5)

    data = _observed(ch07.check_3, train)
    assert ch07.check_3.judge(Data(data), 5)
    with pytest.raises(ExerciseFailed):
        ch07.check_3.judge(Data(dict(data, losses=[0.0, 0.0, 0.0])), 5)
    data = _observed(ch07.check_4, save_checkpoint, load_checkpoint)
    assert ch07.check_4.judge(Data(data), 5)
    with pytest.raises(ExerciseFailed, match='optimizer state is missing'):
        ch07.check_4.judge(Data(dict(data, resumed=[0.5, 0.4])), 5)
    with pytest.raises(ExerciseFailed, match='^nope$'):
        verdict(ch07.check_4, {'failed': 'nope'}, 5)
    with pytest.raises(Malformed):
        verdict(ch07.check_4, {'files': 2, 'initialized': True, 'contexts': ['cpu(1)'],
                               'params': {}, 'resumed': [0, 0]}, 5)


# ----- 07.6 (build track) -------------------------------------------------------------------
import json  # noqa: E402
from pathlib import Path  # noqa: E402

from build_track import PIECES, framework  # noqa: E402

from minigluon_workbook.student import student_notebook  # noqa: E402
from minigluon_workbook import notebooks as nbs  # noqa: E402

SOURCE = dict(PIECES)
NAMES_6 = [name for _, name in ch07.PIECES_6]
CAPSTONE = Path(__file__).resolve().parents[1] / 'chapters' / '07_capstone.ipynb'


def build_6(**edits):
    """The check's arguments for the reference framework of chapter 7 with pieces edited
    ({piece: (old, new)}), REFERENCE being another copy of the framework (other objects)."""
    f = framework(7, {name: SOURCE[name].replace(*edit) for name, edit in edits.items()})
    reference = framework(7)
    return ({n: getattr(reference, n) for n in NAMES_6}, [getattr(f, n) for n in NAMES_6],
            f.Var, f.backprop, f.l2_loss, f.train_mine)


def test_check_6_passes(capsys):
    ch07.check_6(*build_6())
    assert 'PASSED exercise 07.6' in capsys.readouterr().out


@pytest.mark.parametrize('edits, message', [
    ({'P7_LOSS': ('* Var(0.5, ctx=pred.ctx)', '')}, r'l2_loss\(pred, label\) is'),
    # a step a thousand times too large diverges: the epoch where the loss stops being a number is named
    ({'P7_TRAIN': ('np.float32(lr / len(xb))', 'np.float32(lr * 1000)')},
     r'^your loss became non-finite \(inf or nan\) at epoch \d \(the losses before it: \[[^]]*\]; '
     r"minigluon's stay finite: \[0\.\d+, .*\]\): compare the size of your SGD step"),
    # a step batch_size times too large is named by its losses (it no longer diverges from
    # Xavier-scaled initial weights)
    ({'P7_TRAIN': ('np.float32(lr / len(xb))', 'np.float32(lr)')}, r'^your per-epoch losses are'),
    ({'P7_TRAIN': ('total / len(X)', 'total')}, r'per-epoch losses are'),
    ({'P7_TRAIN': ('list({id(p): p for p in net.named_parameters().values()}.values())',
                   'list(net.named_parameters().values())[:2]')}, r'per-epoch losses are'),
    # the shared Linear stepped twice per minibatch
    ({'P7_TRAIN': ('list({id(p): p for p in net.named_parameters().values()}.values())',
                   'list(net.named_parameters().values())')}, r'^your per-epoch losses are'),
    # the minibatches left on cpu(0) while the reloaded net is on cpu(1)
    ({'P7_TRAIN': ('Var(xb).to(ctx)', 'Var(xb)')}, r'train_mine\(.*ctx=mx.cpu\(1\)\) for the reloaded net '
     r'raised ValueError: the inputs of an op are on different devices: cpu\(0\), cpu\(1\) \(make each'),
    ({'P7_LOSS': ('Var(-label, ctx=pred.ctx)', 'Var(-label)')}, r'raised ValueError: the inputs of an op'),
    # a file format that loses the values: the run after the checkpoint starts from zeros
    ({'P5_LOAD': ('params[name].value = value.astype(np.float32)', 'pass')}, r'per-epoch losses are'),
    # a MyScale whose gamma gets the mean of its gradient over the rows instead of the sum
    ({'P4_OPS': ('(g * x.value).sum(axis=0)', '(g * x.value).mean(axis=0)')}, r'per-epoch losses are'),
])
def test_check_6_fails_readably(edits, message):
    with pytest.raises(ExerciseFailed, match=message):
        ch07.check_6(*build_6(**edits))


def test_check_6_names_the_pieces_still_the_reference_or_stubs():
    reference, pieces, *rest = build_6()
    with pytest.raises(ExerciseFailed, match=r"^not done yet: your l2_loss and train_mine already work \(on "
                       r"the reference's pieces they train as minigluon does\); 0 of 16 pieces are yours "
                       r"\(still the reference's: 00.5 dot, relu; 01.6 linear, Module, "
                       r"Sequential, ReLU; 02.6 Parameter; 03.5 initialize, Linear; 04.5 my_scale, MyScale; "
                       r"05.5 save_parameters, load_parameters; 06.6 var_init, var_to, module_to\): paste your "
                       r"own build-track pieces into the YOUR PIECES cell$"):
        ch07.check_6(reference, [reference[n] for n in NAMES_6], *rest)
    mixed = dict(zip(NAMES_6, pieces), relu=reference['relu'], var_to=reference['var_to'])
    with pytest.raises(ExerciseFailed, match=r"14 of 16 pieces are yours \(still the reference's: 00.5 relu; "
                       r"06.6 var_to\): paste"):
        ch07.check_6(reference, [mixed[n] for n in NAMES_6], *rest)

    def dot(a, b):
        # YOUR CODE HERE
        raise NotImplementedError()

    class MyScale:
        def forward(self, x):
            raise NotImplementedError()
    stubbed = dict(zip(NAMES_6, pieces), dot=dot, MyScale=MyScale, relu=reference['relu'])
    with pytest.raises(ExerciseFailed, match=r"13 of 16 pieces are yours \(still stubs: 00.5 dot; 04.5 MyScale "
                       r"\| still the reference's: 00.5 relu\): paste"):
        ch07.check_6(reference, [stubbed[n] for n in NAMES_6], *rest)


def _capstone_namespace(edition: str) -> dict:
    """The framework-so-far cell, then the YOUR PIECES cell and the l2_loss/train_mine cell of
    the teacher or the student edition of chapter 7, run as the notebook runs them."""
    nb = nbs.read(CAPSTONE)
    if edition == 'student':
        nb = student_notebook(nb, CAPSTONE.name)
    cells = {c.id: c.source for c in nb.cells}
    scope = {'mx': mx}
    for cell_id in ('ch07-bt6-framework', '27cd8d69', 'ch07-bt6-solution'):
        exec(compile(cells[cell_id], cell_id, 'exec'), scope)
    return scope


def _check_6_of(scope):
    ch07.check_6(scope['REFERENCE'], [scope[n] for n in NAMES_6], scope['Var'], scope['backprop'],
                 scope['l2_loss'], scope['train_mine'])


def test_check_6_passes_the_teacher_edition_and_not_the_student_edition(capsys):
    """The teacher's YOUR PIECES cell holds the solutions of the build track: full marks. The
    student edition's holds a stub of every piece: "not done yet", naming all of them."""
    _check_6_of(_capstone_namespace('teacher'))
    assert 'PASSED exercise 07.6' in capsys.readouterr().out
    with pytest.raises(ExerciseFailed, match=r'^not done yet: l2_loss\(pred, label\) raised NotImplementedError'
                       r'.* \[l2_loss and train_mine were run on the reference\'s pieces: 0 of 16 pieces are '
                       r'yours \(still stubs: 00.5 dot, relu; 01.6 linear, '
                       r'Module, Sequential, ReLU; 02.6 Parameter; 03.5 initialize, Linear; 04.5 my_scale, '
                       r'MyScale; 05.5 save_parameters, load_parameters; 06.6 var_init, var_to, module_to\)\]$'):
        _check_6_of(_capstone_namespace('student'))


def test_check_6_refuses_minigluon_doing_the_training():
    reference, pieces, Var, backprop, l2_loss, train_mine = build_6()

    def delegating(net, X, y, lr, epochs, batch_size, ctx):
        with autograd.record():
            pass
        return train_mine(net, X, y, lr, epochs, batch_size, ctx)
    with pytest.raises(ExerciseFailed, match='build it yourself: your code called autograd.record'):
        ch07.check_6(reference, pieces, Var, backprop, l2_loss, delegating)


def test_check_6_refuses_forged_data():
    data = ch07.check_6.observe(*build_6(), seed=3)
    assert ch07.check_6.judge(Data(data), 3)
    for key in ('given', 'stubs', 'links', 'nonfinite', 'loss', 'loss_grad', 'calls', 'losses', 'keys',
                'params', 'contexts'):
        forged = dict(data)
        del forged[key]
        with pytest.raises((ExerciseFailed, Malformed)):
            ch07.check_6.judge(Data(forged), 3)
    with pytest.raises(ExerciseFailed, match='expected only cpu'):
        ch07.check_6.judge(Data(dict(data, contexts=['cpu(0)', 'cpu(1)'])), 3)
    with pytest.raises(ExerciseFailed, match='^not done yet'):
        ch07.check_6.judge(Data(dict(data, stubs=['dot'])), 3)
    with pytest.raises(ExerciseFailed):
        ch07.check_6.judge(Data(data), 4)


def _pieces_of(cell_source: str, names) -> str:
    """The definitions of ``names`` in a cell's source, as code to run."""
    import ast
    return '\n\n'.join(ast.unparse(node) for node in ast.parse(cell_source).body
                        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in names)


def test_check_6_judges_l2_loss_and_train_mine_before_every_piece_is_pasted():
    """The student edition with l2_loss and train_mine written and three pieces pasted: they are
    judged on the reference's pieces (a wrong one gets its full feedback), and the check asks
    for the 13 pieces still stubs, saying that l2_loss and train_mine already work."""
    teacher = {c.id: c.source for c in nbs.read(CAPSTONE).cells}
    scope = _capstone_namespace('student')
    exec(compile(teacher['ch07-bt6-solution'], 'solution', 'exec'), scope)
    exec(compile(_pieces_of(teacher['27cd8d69'], ('dot', 'relu', 'linear')), 'pasted', 'exec'), scope)
    with pytest.raises(ExerciseFailed, match=r"^not done yet: your l2_loss and train_mine already work .*; "
                       r"3 of 16 pieces are yours \(still stubs: 01.6 Module, Sequential, ReLU; 02.6 "
                       r"Parameter; .*06.6 var_init, var_to, module_to\): paste"):
        _check_6_of(scope)
    # the reference's pieces were lent for the run only: the student's stubs are back in place
    assert scope['Linear'] is not scope['REFERENCE']['Linear']
    with pytest.raises(NotImplementedError):
        scope['Var'](1.0)
    exec(compile(teacher['ch07-bt6-solution'].replace('Var(0.5, ctx=pred.ctx)', 'Var(1.0, ctx=pred.ctx)'),
                 'solution', 'exec'), scope)
    with pytest.raises(ExerciseFailed, match=r"^l2_loss\(pred, label\) is .* \[l2_loss and train_mine were run on "
                       r"the reference's pieces: 3 of 16 pieces are yours \(still stubs: 01.6 Module"):
        _check_6_of(scope)


def test_check_6_names_a_class_pasted_before_the_class_it_builds_on():
    """Linear pasted above Module subclasses the reference's Module: the check says so."""
    teacher = {c.id: c.source for c in nbs.read(CAPSTONE).cells}
    cell = teacher['27cd8d69']
    linear = cell[cell.index('class Linear('):cell.index('# ---- 04.5')]
    moved = cell.replace(linear, '').replace('# ---- 01.6', linear + '\n# ---- 01.6')
    scope = {'mx': mx}
    for source in (teacher['ch07-bt6-framework'], moved, teacher['ch07-bt6-solution']):
        exec(compile(source, 'cell', 'exec'), scope)
    with pytest.raises(ExerciseFailed, match=r"^your pieces are not linked to each other: your Linear does not "
                       r"subclass your Module\. A class statement binds"):
        _check_6_of(scope)


def test_check_6_judges_a_non_finite_loss_from_its_epoch():
    data = ch07.check_6.observe(*build_6(), seed=3)
    diverged = dict(data, nonfinite=3, losses=data['losses'][:2])
    with pytest.raises(ExerciseFailed, match=r'^your loss became non-finite \(inf or nan\) at epoch 3'):
        ch07.check_6.judge(Data(diverged), 3)
    with pytest.raises((ExerciseFailed, Malformed)):
        ch07.check_6.judge(Data(dict(data, nonfinite=3)), 3)


@pytest.mark.parametrize('seed', [593, 1248, 1415, 2198, 3397, 1644617393])
def test_the_reference_run_of_07_6_stays_finite_for_every_seed(seed):
    # these seeds made minigluon's own run diverge when the weights were drawn from
    # uniform(-1, 1): a correct student then failed; Xavier-scaled draws keep it stable
    # (a scan of 20,000 seeds found none that diverges)
    from minigluon_workbook.judges.ch07 import minigluon_run_6
    losses, _ = minigluon_run_6(seed)
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0], losses
