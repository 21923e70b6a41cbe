"""Run a chapter's code cells as plain Python (no Jupyter needed) and store what they print.

    python scripts/run_notebook_cells.py chapters/06_gpu.ipynb OUT.ipynb

For machines without Jupyter (the lent GPU machine): IPython line magics and shell lines
(the Colab install line, ``!pip install ...``) become ``pass``; cells tagged
``raises-exception`` must raise, and any other error is printed and counted (the exit
status says whether any cell failed). The executed copy keeps each cell's printed text as a
stream output.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
import traceback

import matplotlib

matplotlib.use('Agg')


_MAGIC = re.compile(r'^(\s*)(?:%(?:pip|conda|matplotlib|time|timeit)\b|!).*$', re.M)  # magics, !shell


def run(path: str, out_path: str) -> int:
    nb = json.load(open(path, encoding='utf-8'))
    namespace = {'__name__': '__main__'}
    os.chdir(os.path.dirname(os.path.abspath(path)))
    failed = 0
    for index, cell in enumerate(c for c in nb['cells'] if c['cell_type'] == 'code'):
        source = ''.join(cell['source'])
        code = _MAGIC.sub(r'\1pass', source)
        expect_error = 'raises-exception' in cell.get('metadata', {}).get('tags', [])
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            try:
                exec(compile(code, 'cell %d' % index, 'exec'), namespace)
                if expect_error:
                    print('!! expected an exception, none was raised')
                    failed += 1
            except Exception:  # noqa: BLE001 - report every cell's failure and go on
                print(traceback.format_exc(limit=2))
                failed += 0 if expect_error else 1
        cell['outputs'] = [{'output_type': 'stream', 'name': 'stdout', 'text': printed.getvalue()}]
        sys.stdout.write('--- cell %d\n%s' % (index, printed.getvalue()))
    json.dump(nb, open(out_path, 'w', encoding='utf-8'), indent=1)
    print('%d cell(s) failed' % failed)
    return failed


if __name__ == '__main__':
    sys.exit(1 if run(sys.argv[1], os.path.abspath(sys.argv[2])) else 0)
