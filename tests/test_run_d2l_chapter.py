"""scripts/run_d2l_chapter.py on a small chapter written like d2l-zh's (run in a subprocess: it
installs the mxnet alias)."""
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

INDEX = """# A chapter

```eval_rst

.. toctree::
   :maxdepth: 2

   second
   first

```
"""
FIRST = '''Text.

```{.python .input  n=1}
%matplotlib inline
from mxnet import nd
x = nd.arange(3)
```

```{.python .input}
'%f' % x.mean().asnumpy()
```

```{.python .input}
print('sum %d'
      % x.sum().asscalar())
x.exp().shape
```

```{.python .input}
nd.image_resize(x)
```
'''
SECOND = '''```{.python .input}
open('../data/numbers.txt').read()
```

```{.python .input}
from mxnet.symbol import Variable
```
'''


def test_runs_each_block_prints_its_value_and_counts(tmp_path):
    chapter = tmp_path / 'chapter_x'
    chapter.mkdir()
    (tmp_path / 'data').mkdir()
    (tmp_path / 'data' / 'numbers.txt').write_text('1 2 3')
    for name, text in {'index': INDEX, 'first': FIRST, 'second': SECOND}.items():
        (chapter / (name + '.md')).write_text(text)
    run = subprocess.run([sys.executable, str(ROOT / 'scripts' / 'run_d2l_chapter.py'), str(tmp_path),
                          'chapter_x'], capture_output=True, text=True, timeout=120, cwd=ROOT)
    lines = run.stdout.splitlines()
    assert run.returncode == 1, run.stderr
    assert lines[lines.index('second block 1: ok') + 1] == "    '1 2 3'"  # ../data, as in d2l
    assert "second block 2: FAILED: ModuleNotFoundError: No module named 'mxnet.symbol'" in lines
    assert 'first block 1: ok' in lines  # the magic line is skipped
    assert lines[lines.index("first block 2: ok (with the fix for NumPy 2: '%f' % array([x]) "
                             "(a 1-element array is no longer a scalar))") + 1] == "    '1.000000'"
    assert lines[lines.index('first block 3: ok') + 1:][:2] == ['    sum 3', '    (3,)']
    assert "first block 4: FAILED: AttributeError: module 'minigluon.ndarray' has no attribute " \
           "'image_resize'" in lines
    assert lines[-2:] == ['4 of 6 blocks ran (1 with an environment fix: first block 2)',
                          '2 failed otherwise: second block 2, first block 4']
