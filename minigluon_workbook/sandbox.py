"""The sandbox a submission runs in: a bubblewrap command line, and a process limit.

What the sandbox sees (everything read-only but its scratch space):

* the Python installation, with any installed copy of ``minigluon_workbook`` masked;
* ``/opt/pkgs``: ``minigluon``, and of ``minigluon_workbook`` only what runs in the student's
  kernel (``SANDBOX_FILES``: the observe half of the checks, ``show_source``, the tape
  drawing) — never ``judges/`` (expected values and reference solutions), the grader or the
  repository (the teacher edition);
* ``/opt/checks``: the teacher's own observe modules (a teacher's ``*_judges.py`` stay out);
* ``/opt/runner/runner.py``, the runner (``minigluon_workbook.runner``);
* ``/box``: a size-limited tmpfs with the notebook, its plan and a kernel spec; a private
  ``/tmp``, ``/proc`` and ``/dev``.

No ``/etc``, no home, no network (``--unshare-all``), an unprivileged uid without
capabilities, its own pid namespace in which the runner is pid 1 (no bwrap process there
holds a descriptor of the grader's; all of it dies with the runner), files capped at
``runner.FILE_LIMIT`` bytes, memory at ``--memory-mb``, and at most ``PROCESSES`` processes:
a pids cgroup where the grader runs as root (RLIMIT_NPROC does not bind root, whatever uid
the namespace shows), RLIMIT_NPROC otherwise. Where either cannot be had the grader refuses
to grade (``problem``), unless the teacher says ``--unsandboxed``.
"""
from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from . import runner

BOX = '/box'
PACKAGES = '/opt/pkgs'
CHECKS = '/opt/checks'
RUNNER = '/opt/runner/runner.py'
SCRATCH_BYTES = 256 * 2 ** 20  # size of the sandbox's /box and of its /tmp (tmpfs, in memory)
PROCESSES = 64                # processes (and threads) one submission may have at once
CGROUP_ROOTS = ('/sys/fs/cgroup/pids', '/sys/fs/cgroup')   # cgroup v1's pids, then v2
# The part of minigluon_workbook that runs in the student's kernel; nothing here may compute
# an expected value (tests/test_grader_structure.py reads every file the sandbox can see).
SANDBOX_FILES = ('__init__.py', 'source.py', 'graph.py', 'checks')
# A teacher folder's modules are copied to /opt/checks, but never these (they hold judges).
HIDDEN_SUFFIX = '_judges.py'


def bwrap() -> str | None:
    """The bubblewrap executable, or None (``MINIGLUON_WORKBOOK_BWRAP`` overrides the search)."""
    if 'MINIGLUON_WORKBOOK_BWRAP' in os.environ:
        path = os.environ['MINIGLUON_WORKBOOK_BWRAP']
        return path if path and os.access(path, os.X_OK) else None
    return shutil.which('bwrap')


def _cgroup_root() -> str | None:
    """A pids cgroup hierarchy we may create groups in (v1 ``pids``, or v2 with pids on)."""
    for root in CGROUP_ROOTS:
        try:
            controllers = Path(root, 'cgroup.subtree_control').read_text().split()
        except OSError:
            controllers = []
        v1 = root.endswith('/pids') and os.path.isfile(os.path.join(root, 'cgroup.procs'))
        if (v1 or 'pids' in controllers) and os.access(root, os.W_OK):
            return root
    return None


@contextlib.contextmanager
def process_group_limit():
    """A fresh pids cgroup allowing PROCESSES tasks, as ``cgroup.procs`` to join (None where
    not root: there RLIMIT_NPROC binds); every task left in it is killed on exit."""
    if os.geteuid() != 0:
        yield None
        return
    root = _cgroup_root()
    if root is None:
        raise OSError('the grader runs as root but no pids cgroup can be created')
    group = os.path.join(root, 'minigluon-workbook-%s' % uuid.uuid4().hex)
    os.mkdir(group)
    try:
        Path(group, 'pids.max').write_text(str(PROCESSES))
        yield os.path.join(group, 'cgroup.procs')
    finally:
        for _ in range(50):
            try:
                pids = Path(group, 'cgroup.procs').read_text().split()
            except OSError:
                break
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(int(pid), signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.rmdir(group)
                break
            time.sleep(0.05)


@functools.lru_cache(maxsize=None)
def problem() -> str:
    """Why submissions can't be sandboxed here ('' when they can): no bwrap, a bwrap that
    can't create namespaces (a container that forbids them), or no process limit."""
    if bwrap() is None:
        return 'bubblewrap (bwrap) was not found'
    if os.geteuid() == 0 and _cgroup_root() is None:
        return 'the grader runs as root and no pids cgroup can be made to limit processes'
    with tempfile.TemporaryDirectory() as folder:
        box, checks = Path(folder, 'box'), Path(folder, 'checks')
        prepare_box(box, sys.executable)
        checks.mkdir()
        probe = [sys.executable, '-c', 'import minigluon, minigluon_workbook.checks']
        try:
            with process_group_limit() as procs:
                proc = subprocess.run(command(box, checks, probe, procs), capture_output=True,
                                      text=True, timeout=60, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as err:
            return 'bubblewrap (bwrap) does not run: %s' % err
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        return 'bubblewrap (bwrap) cannot build the sandbox here: %s' % (
            lines[-1] if lines else 'exit status %d' % proc.returncode)
    return ''


def _read_only(*paths: str) -> list[str]:
    return [arg for path in paths if os.path.exists(path) for arg in ('--ro-bind', path, path)]


def _python_roots() -> list[str]:
    """The folders of the running Python installation (venv and base interpreter)."""
    return sorted({sys.prefix, sys.base_prefix,
                   str(Path(os.path.realpath(sys.executable)).parent.parent)})


def _masked_copies(roots: list[str]) -> list[str]:
    """``--tmpfs`` over every installed copy of minigluon_workbook inside ``roots`` (a
    non-editable install would otherwise show the judges through the Python installation)."""
    args = []
    for entry in sys.path:
        candidate = os.path.join(entry, 'minigluon_workbook')
        if (entry and os.path.isdir(candidate)
                and any(os.path.realpath(entry).startswith(root.rstrip('/') + '/') for root in roots)):
            args += ['--tmpfs', candidate]
    return args


def visible_sources() -> list[tuple[str, str]]:
    """(path here, path in the sandbox) of the project code the sandbox binds."""
    import minigluon
    package = Path(__file__).resolve().parent
    return ([(str(Path(minigluon.__file__).resolve().parent), PACKAGES + '/minigluon')]
            + [(str(package / name), '%s/minigluon_workbook/%s' % (PACKAGES, name))
               for name in SANDBOX_FILES]
            + [(str(Path(runner.__file__).resolve()), RUNNER)])


def command(box: Path, checks: Path, argv: list[str], procs: str | None) -> list[str]:
    """``argv`` (paths as seen inside) in bwrap, with ``box``'s plan, notebook and kernel spec
    read-only in a fresh ``/box``; started inside the pids cgroup ``procs`` when given."""
    roots = [p for p in _python_roots() if not p.startswith('/usr/')]
    # --as-pid-1: no bwrap reaper inside the pid namespace, whose inherited fds (the results
    # pipe) the kernel could open through /proc; the command itself is pid 1 there.
    sandboxed = ([bwrap(), '--clearenv', '--die-with-parent', '--new-session', '--unshare-all',
                  '--as-pid-1',
                  '--uid', '65534', '--gid', '65534', '--cap-drop', 'ALL',
                  # the private /tmp first: a Python installed under /tmp is bound on top of it
                  '--size', str(SCRATCH_BYTES), '--tmpfs', '/tmp']
                 + _read_only('/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64')
                 + _read_only(*roots) + _masked_copies(roots + ['/usr'])
                 + [arg for here, there in visible_sources() for arg in ('--ro-bind', here, there)]
                 + ['--ro-bind', str(checks), CHECKS,
                    '--size', str(SCRATCH_BYTES), '--tmpfs', BOX]
                 + [arg for name in (runner.PLAN, runner.NOTEBOOK, 'jupyter')
                    for arg in ('--ro-bind', str(box / name), BOX + '/' + name)]
                 + ['--dev', '/dev', '--proc', '/proc', '--chdir', '/']
                 + [arg for name, value in environment(BOX).items() for arg in ('--setenv', name, value)]
                 + argv)
    if procs is None:
        return sandboxed
    # join the cgroup first, then become bwrap: every process of the sandbox is counted there
    return ['/bin/sh', '-c', 'echo $$ > "$0" && exec "$@"', procs] + sandboxed


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
    for name in ('jupyter/kernels/' + runner.KERNEL_NAME, 'work'):
        (box / name).mkdir(parents=True, exist_ok=True)
    (box / runner.PLAN).touch()
    (box / runner.NOTEBOOK).touch()
    spec = {'argv': [python, '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
            'display_name': 'minigluon_workbook grader', 'language': 'python'}
    (box / 'jupyter/kernels' / runner.KERNEL_NAME / 'kernel.json').write_text(json.dumps(spec))
