"""Every exercise check follows the observe/judge protocol of minigluon_workbook.checks: on a grader's
seed, the reference solution's observed data passes its judge (after a JSON round trip, as
it travels from the sandbox), and the same data fails for another seed or when forged."""
import json

import pytest

import test_checks_ch00 as t00
import test_checks_ch01 as t01
import test_checks_ch02 as t02
import test_checks_ch03 as t03
import test_checks_ch04 as t04
import test_checks_ch05 as t05
import test_checks_ch06 as t06
import test_checks_ch07 as t07
from minigluon_workbook.checks import Check, ExerciseFailed, ch00, ch01, ch02, ch03, ch04, ch05, ch06, ch07
from minigluon_workbook.judges import Data, Malformed

REFERENCES = {  # check -> the test module's reference answers
    ch00.check_1: (t00.sgd_ok,), ch00.check_2: (t00.grad_ok,), ch00.check_3: (t00.mul_ok,),
    ch00.check_5: (t00.Var, t00.backprop, t00.dot, t00.relu),
    ch01.check_1: (t01.TwoInputDense,), ch01.check_2: (t01.Parallel,), ch01.check_3: (t01.Trainable,),
    ch01.check_5: (t01.structural_keys,), ch01.check_6: t01.build_6(),
    ch02.check_1: (t02.HalfZero,), ch02.check_2: (t02.make_tied_net, t02.split_grads),
    ch02.check_3: ('.*bias$',), ch02.check_5: (t02.sgd_step,), ch02.check_6: t02.build_6(),
    ch03.check_1: (t03.make_net,), ch03.check_2: (t03.LazyScale,), ch03.check_3: (t03.predict_weight_shape,),
    ch03.check_5: t03.build_5(),
    ch04.check_1: (t04.CosineSimilarity,), ch04.check_2: (t04.Scale,), ch04.check_3: (t04.MyLazyDense,),
    ch04.check_5: t04.build_5(),
    ch05.check_1: (t05.my_encode,), ch05.check_2: (t05.mlp_file_to_sequential, t05.MLP),
    ch05.check_3: (t05.describe,), ch05.check_5: t05.build_5(),
    ch06.check_1: (t06.to_device,), ch06.check_2: (t06.predict,), ch06.check_5: (t06.Tensor,), ch06.check_6: t06.build_6(),
    ch07.check_1: (t07.ScaleShift,), ch07.check_2: (t07.make_net,), ch07.check_3: (t07.train,),
    ch07.check_4: (t07.save_checkpoint, t07.load_checkpoint), ch07.check_6: t07.build_6(),
}
SEED = 918273


def test_every_chapter_check_is_an_observe_judge_check():
    for module in (ch00, ch01, ch02, ch03, ch04, ch05, ch06, ch07):
        checks = [v for k, v in vars(module).items() if k.startswith('check_')]
        assert checks and all(isinstance(c, Check) for c in checks), module.__name__
        assert set(checks) <= set(REFERENCES)


@pytest.mark.parametrize('check', list(REFERENCES), ids=lambda c: c.exercise)
def test_reference_passes_on_a_grader_seed_and_only_there(check):
    data = json.loads(json.dumps(check.observe(*REFERENCES[check], seed=SEED)))
    assert check.judge(Data(data), SEED)
    for other in (SEED + 1, SEED + 2, 7):  # no constant passes: the data must fit its seed
        with pytest.raises((ExerciseFailed, Malformed)):
            check.judge(Data(data), other)


@pytest.mark.parametrize('check', list(REFERENCES), ids=lambda c: c.exercise)
def test_forged_data_never_passes(check):
    for forged in ({}, {'out': 'PASSED'}, [], 'PASSED exercise %s' % check.exercise, None,
                   {key: [] for key in check.observe(*REFERENCES[check], seed=SEED)}):
        with pytest.raises((ExerciseFailed, Malformed)):
            check.judge(Data(forged), SEED)


def _cell(source: str, name: str, **names) -> dict:
    """Run ``source`` as IPython runs a cell (a file name that is not a file, its lines kept in
    linecache for tracebacks) and return its namespace."""
    import linecache
    filename = '/tmp/ipykernel_0/%s.py' % name
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = dict(names)
    exec(compile(source, filename, 'exec'), namespace)
    return namespace


def test_a_passing_check_warns_of_a_defining_cell_the_grader_refuses(capsys):
    # a review's student passed 01.6 in the notebook with self.__dict__ and lost the whole
    # notebook at grading: the check now says so right under its PASSED line
    Var, backprop, Module, Sequential, Linear, ReLU = t01.build_6()
    cells = {name: _cell("class MyReLU(ReLU):\n    def __init__(self):\n        super().__init__()\n"
                         "        %s\n" % line, name, ReLU=ReLU) for name, line in
             (('honest', 'object.__setattr__(self, "extra", 1)'),
              ('refused', "self.__dict__['extra'] = 1"))}
    for name, warned in (('honest', False), ('refused', True)):
        ch01.check_6(Var, backprop, Module, Sequential, Linear, cells[name]['MyReLU'])
        out = capsys.readouterr().out
        assert 'PASSED exercise 01.6' in out
        assert ("but the grader will not grade this notebook: the cell that begins "
                "'class MyReLU(ReLU):' uses .__dict__" in out) == warned, out
