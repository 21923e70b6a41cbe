"""Where a submission runs: a Linux namespace sandbox (bubblewrap), and the runner inside it.

The grader (``minigluon_workbook.grade``) prepares a box folder holding the notebook to run, its plan
and a kernel spec, and starts ``python -m minigluon_workbook.sandbox /box`` under ``bwrap``. Inside,
the runner starts a kernel, executes the notebook exercise by exercise (each with its own
time limit) and writes one JSON line per exercise to its standard output, a file of the
grader's: the exercise's status and the data the grader's observe cell displayed. The
student's code runs in the same sandbox and could write there too: the grader judges what
it reads as data, never as a verdict.

What the sandbox sees: the Python installation (read-only), the ``minigluon`` and
``minigluon_workbook`` package sources at ``/opt/workbook`` (read-only; not the repository, so no
chapters, no teacher edition), the teacher's check modules at ``/opt/checks`` (read-only),
``/box``, a size-limited tmpfs holding the notebook, plan and kernel spec (read-only), and a
size-limited private ``/tmp``, ``/proc`` and ``/dev``. No ``/etc``, no home, nothing of
the grading machine's disk it can write to (files are also capped at FILE_LIMIT bytes), no
network (``--unshare-all``), an unprivileged uid without capabilities, its own process
tree, killed with the grader (``--die-with-parent``) or when the grader kills it at the
time limit.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KERNEL_NAME = 'workbook-grader'
BOX = '/box'
PACKAGES = '/opt/workbook'
CHECKS = '/opt/checks'
PLAN = 'plan.json'
NOTEBOOK = 'work/submission.ipynb'
OUTPUT_BUDGET = 2_000_000   # characters of output kept per cell (a print loop can't fill RAM)
OBSERVATION_LIMIT = 4_000_000  # characters of one exercise's observed data
RECOVERY = 10               # seconds an interrupted kernel gets to become idle again
SCRATCH_BYTES = 256 * 2 ** 20  # size of the sandbox's /box and of its /tmp (tmpfs, in memory)
FILE_LIMIT = 64 * 2 ** 20   # RLIMIT_FSIZE of the runner and the kernel: the largest file they write


def bwrap() -> str | None:
    """The bubblewrap executable, or None (``WORKBOOK_BWRAP`` overrides the search)."""
    if 'WORKBOOK_BWRAP' in os.environ:
        path = os.environ['WORKBOOK_BWRAP']
        return path if path and os.access(path, os.X_OK) else None
    return shutil.which('bwrap')


@functools.lru_cache(maxsize=None)
def problem() -> str:
    """Why submissions can't be sandboxed here ('' when they can): no bwrap, or a bwrap that
    can't create namespaces (e.g. in a container that forbids them)."""
    if bwrap() is None:
        return 'bubblewrap (bwrap) was not found'
    with tempfile.TemporaryDirectory() as folder:
        box, checks = Path(folder, 'box'), Path(folder, 'checks')
        prepare_box(box, sys.executable)
        checks.mkdir()
        python = [sys.executable, '-c', 'import minigluon, minigluon_workbook']
        try:
            proc = subprocess.run(sandbox_command(box, checks, python), capture_output=True,
                                  text=True, timeout=60, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as err:
            return 'bubblewrap (bwrap) does not run: %s' % err
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        return 'bubblewrap (bwrap) cannot build the sandbox here: %s' % (lines[-1] if lines else
                                                                          'exit status %d' % proc.returncode)
    return ''


def _read_only(*paths: str) -> list[str]:
    args = []
    for path in paths:
        if os.path.exists(path):
            args += ['--ro-bind', path, path]
    return args


def sandbox_command(box: Path, checks: Path, runner: list[str]) -> list[str]:
    """``runner`` (argv, paths as seen inside) wrapped in bwrap, with ``box``'s plan,
    notebook and kernel spec read-only in a fresh ``/box``."""
    import minigluon
    import minigluon_workbook
    python = sorted({sys.prefix, sys.base_prefix, str(Path(os.path.realpath(sys.executable)).parent.parent)})
    return ([bwrap(), '--clearenv', '--die-with-parent', '--new-session', '--unshare-all',
             '--uid', '65534', '--gid', '65534', '--cap-drop', 'ALL',
             # the private /tmp first: a Python installed under /tmp is bound on top of it
             '--size', str(SCRATCH_BYTES), '--tmpfs', '/tmp']
            + _read_only('/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64')
            + _read_only(*[p for p in python if not p.startswith('/usr/')])
            + ['--ro-bind', str(Path(minigluon.__file__).parent), PACKAGES + '/minigluon',
               '--ro-bind', str(Path(minigluon_workbook.__file__).parent), PACKAGES + '/minigluon_workbook',
               '--ro-bind', str(checks), CHECKS,
               '--size', str(SCRATCH_BYTES), '--tmpfs', BOX]
            + [arg for name in (PLAN, NOTEBOOK, 'jupyter')
               for arg in ('--ro-bind', str(box / name), BOX + '/' + name)]
            + ['--dev', '/dev', '--proc', '/proc', '--chdir', BOX + '/work']
            + [arg for name, value in environment(BOX).items() for arg in ('--setenv', name, value)]
            + runner)


def environment(box: str) -> dict:
    """The runner's and kernel's environment: nothing of the grader's (no tokens, no paths)."""
    return {
        'PATH': os.path.dirname(sys.executable) + ':/usr/bin:/bin',
        'PYTHONPATH': PACKAGES + ':' + CHECKS,
        'HOME': box + '/home', 'TMPDIR': '/tmp', 'IPYTHONDIR': box + '/ipython',
        'MPLCONFIGDIR': box + '/matplotlib', 'MPLBACKEND': 'Agg',
        'JUPYTER_PATH': box + '/jupyter', 'JUPYTER_RUNTIME_DIR': box + '/runtime',
        'JUPYTER_CONFIG_DIR': box + '/jupyter-config', 'JUPYTER_PLATFORM_DIRS': '1',
        'PYDEVD_DISABLE_FILE_VALIDATION': '1', 'PYTHONDONTWRITEBYTECODE': '1',
        # Thread pools reserve address space per core: keep RLIMIT_AS about the notebook.
        'OMP_NUM_THREADS': '1', 'OPENBLAS_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1',
        'MALLOC_ARENA_MAX': '2', 'LANG': 'C.UTF-8',
    }


def prepare_box(box: Path, python: str):
    """The kernel spec, and the places for the plan and notebook, in ``box``."""
    for name in ('jupyter/kernels/' + KERNEL_NAME, 'work'):
        (box / name).mkdir(parents=True, exist_ok=True)
    (box / PLAN).touch()
    (box / NOTEBOOK).touch()
    spec = {'argv': [python, '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
            'display_name': 'workbook grader', 'language': 'python'}
    (box / 'jupyter/kernels' / KERNEL_NAME / 'kernel.json').write_text(json.dumps(spec))


# --------------------------------------------------------------------------- inside the sandbox

def _first_error(cell) -> dict | None:
    for output in cell.get('outputs', []):
        if output.get('output_type') == 'error':
            return {'ename': str(output.get('ename', ''))[:200], 'evalue': str(output.get('evalue', ''))[:1000]}
    return None


def _observation(cell, mime: str):
    for output in cell.get('outputs', []):
        data = output.get('data', {}) if output.get('output_type') == 'display_data' else {}
        if mime in data:
            return data[mime]
    return None


def run(box: str) -> int:
    """Execute the plan in ``box``/plan.json, one exercise at a time; results as JSON lines."""
    import resource
    plan = json.loads(Path(box, PLAN).read_text())
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))
    for name in ('home', 'ipython', 'matplotlib', 'runtime', 'jupyter-config'):
        os.makedirs(os.path.join(box, name), exist_ok=True)
    # Our stdout carries the results; the kernel inherits fds 1 and 2, so point those at a log.
    results = os.fdopen(os.dup(1), 'w', encoding='utf-8')
    if plan['memory_mb'] > 0:
        limit = plan['memory_mb'] * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    log = os.open(os.path.join(box, 'runner.log'), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)

    def emit(record):
        results.write(json.dumps(record) + '\n')
        results.flush()

    import nbformat
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    class Client(NotebookClient):
        """Keeps at most OUTPUT_BUDGET characters of output per cell."""
        spent: dict = {}

        def output(self, outs, msg, display_id, cell_index):
            if msg.get('msg_type') != 'error':
                size = len(json.dumps(msg.get('content', {})))
                self.spent[cell_index] = self.spent.get(cell_index, 0) + size
                if self.spent[cell_index] > OUTPUT_BUDGET:
                    return None
            return super().output(outs, msg, display_id, cell_index)

    nb = nbformat.read(os.path.join(box, NOTEBOOK), as_version=4)
    client = Client(nb, kernel_name=KERNEL_NAME, allow_errors=True, shutdown_kernel='immediate',
                    startup_timeout=60, resources={'metadata': {'path': os.path.join(box, 'work')}})

    def execute(index, deadline) -> str:
        client.timeout_func = lambda cell: max(0.1, deadline - time.monotonic())
        if time.monotonic() >= deadline:
            return 'timeout'
        try:
            client.execute_cell(nb.cells[index], index)
        except CellTimeoutError:
            return 'timeout'
        except DeadKernelError:
            return 'dead'
        return 'ok'

    def recovered() -> bool:
        """Interrupt the kernel after a timeout; is it idle again within RECOVERY seconds?"""
        run_sync(client.km.interrupt_kernel)()
        # Fresh channels: the timed-out cell's abandoned reader would swallow later outputs.
        client.kc.stop_channels()
        client.kc = client.km.client()
        client.kc.start_channels()
        try:
            run_sync(client.kc.wait_for_ready)(timeout=RECOVERY)
        except RuntimeError:
            return False
        nb.cells.append(nbformat.v4.new_code_cell('pass'))
        try:
            return execute(len(nb.cells) - 1, time.monotonic() + RECOVERY) == 'ok'
        finally:
            nb.cells.pop()

    try:
        with client.setup_kernel():
            try:  # for the grader to end the kernel's process group where there is no sandbox
                Path(box, 'kernel.pid').write_text(str(client.km.provisioner.process.pid))
            except Exception:  # noqa: BLE001 - only used to clean up
                pass
            end = time.monotonic() + plan['timeout']
            for number, segment in enumerate(plan['segments']):
                deadline = min(end, time.monotonic() + plan['exercise_timeout'])
                status, where = 'ok', None
                for index in segment['cells']:
                    status = execute(index, deadline)
                    if status != 'ok':
                        where = index
                        break
                record = {'exercise': segment['exercise'], 'status': status, 'cell': where,
                          'out_of': 'notebook' if status == 'timeout' and deadline >= end else 'exercise'}
                if segment.get('solution') is not None:
                    record['solution_error'] = _first_error(nb.cells[segment['solution']])
                if status == 'ok':
                    observe = nb.cells[segment['observe']]
                    record['check_error'] = _first_error(observe)
                    data = _observation(observe, plan['mime'])
                    if data is not None and len(json.dumps(data)) > OBSERVATION_LIMIT:
                        data = 'too large'
                    record['observation'] = data
                emit(record)
                later = plan['segments'][number + 1:]
                if later and (status == 'dead' or (status == 'timeout' and (
                        deadline >= end or not recovered()))):
                    for skipped in later:
                        emit({'exercise': skipped['exercise'], 'status': 'stopped',
                              'after': segment['exercise'], 'why': status})
                    break
    except Exception as err:  # noqa: BLE001 - the grader reports it as not gradable
        emit({'status': 'error', 'detail': '%s: %s' % (type(err).__name__, str(err)[:300])})
    results.close()
    return 0


if __name__ == '__main__':
    sys.exit(run(sys.argv[1]))
