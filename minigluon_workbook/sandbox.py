"""The sandbox a submission runs in: a bubblewrap command line, and a process limit.

What the sandbox sees (everything read-only but its scratch space):

* the Python installation, with any installed copy of ``minigluon_workbook`` masked;
* ``/opt/pkgs``: ``minigluon``, and of ``minigluon_workbook`` only what runs in the student's
  kernel (``SANDBOX_FILES``: the observe half of the checks, ``show_source``, the tape
  drawing, the scan a passing check uses to warn of refused code) — never ``judges/`` (expected values and reference solutions), the grader or the
  repository (the teacher edition);
* ``/opt/checks``: the teacher's own observe modules (a teacher's ``*_judges.py`` stay out);
* ``/opt/runner/runner.py``, the runner (``minigluon_workbook.runner``);
* ``/box``: a size-limited tmpfs with the plan and a kernel spec (the notebook comes to the
  runner on a pipe, never as a file the kernel could read); a private ``/tmp``, ``/proc`` and
  ``/dev``.

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
import secrets
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
CPUS = 2                      # CPU time of one submission: at most two cores' worth at once
# memory of a sandbox beyond --memory-mb (runner, scratch tmpfs): the cgroup holds them all
MEMORY_SLACK = 2 * SCRATCH_BYTES + 512 * 2 ** 20
CGROUP = '/sys/fs/cgroup'
CONTROLLERS = ('pids', 'memory', 'cpu')
SETPRIV = '/usr/bin/setpriv'
UID_BASE, UID_SPAN = 2_000_000_000, 100_000_000   # as root: each sandbox's own host uid
# The part of minigluon_workbook that runs in the student's kernel; nothing here may compute
# an expected value (tests/test_grader_attacks.py reads every file the sandbox can see).
SANDBOX_FILES = ('__init__.py', 'source.py', 'graph.py', 'scan.py', 'checks')
# A teacher folder's modules are copied to /opt/checks, but never these (they hold judges).
HIDDEN_SUFFIX = '_judges.py'


def bwrap() -> str | None:
    """The bubblewrap executable, or None (``MINIGLUON_WORKBOOK_BWRAP`` overrides the search)."""
    if 'MINIGLUON_WORKBOOK_BWRAP' in os.environ:
        path = os.environ['MINIGLUON_WORKBOOK_BWRAP']
        return path if path and os.access(path, os.X_OK) else None
    return shutil.which('bwrap')


def _cgroup_groups() -> dict[str, str]:
    """Controller -> the cgroup folder in which to make a group, for pids, memory and cpu
    (cgroup v1: under the grader's own group of each controller; v2: the root, where pids is on)."""
    found = {}
    try:
        lines = Path('/proc/self/cgroup').read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:
        _, names, path = line.split(':', 2)
        for name in CONTROLLERS:
            folder = os.path.join(CGROUP, name) + path.rstrip('/')
            if name in names.split(',') and os.access(folder, os.W_OK):
                found[name] = folder
    try:
        enabled = Path(CGROUP, 'cgroup.subtree_control').read_text().split()
    except OSError:
        enabled = []
    for name in CONTROLLERS:
        if name in enabled and name not in found and os.access(CGROUP, os.W_OK):
            found[name] = CGROUP
    return found


@contextlib.contextmanager
def limits(memory_bytes: int = 0):
    """Fresh cgroups holding a submission's sandbox: at most PROCESSES tasks and, where the
    controllers can be had, ``memory_bytes`` of memory for its processes and scratch files
    together (0: none) and CPUS cores' worth of CPU time (busy processes cannot starve the
    machine or the other submissions graded beside it). Yields their ``cgroup.procs`` files to
    join (none where the grader is not root: RLIMIT_NPROC binds there); every task left is
    killed on exit."""
    if os.geteuid() != 0:
        yield []
        return
    parents = _cgroup_groups()
    if 'pids' not in parents:
        raise OSError('the grader runs as root but no pids cgroup can be created')
    name = 'minigluon-workbook-%s' % uuid.uuid4().hex
    groups = []
    try:
        for controller, parent in sorted(parents.items()):
            group = os.path.join(parent, name)
            os.mkdir(group)
            groups.append(group)
            v1 = parent.startswith(os.path.join(CGROUP, controller))
            if controller == 'pids':
                Path(group, 'pids.max').write_text(str(PROCESSES))
            elif controller == 'cpu':
                period = 100_000   # microseconds
                if v1:
                    Path(group, 'cpu.cfs_period_us').write_text(str(period))
                    Path(group, 'cpu.cfs_quota_us').write_text(str(CPUS * period))
                else:
                    Path(group, 'cpu.max').write_text('%d %d' % (CPUS * period, period))
            elif memory_bytes > 0:
                Path(group, 'memory.limit_in_bytes' if v1 else 'memory.max').write_text(str(memory_bytes))
        yield [os.path.join(group, 'cgroup.procs') for group in groups]
    finally:
        for group in groups:
            _remove(group)


def _remove(group: str):
    """Kill what is left in ``group``, then remove it."""
    for _ in range(100):
        try:
            pids = Path(group, 'cgroup.procs').read_text().split()
        except OSError:
            return
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(int(pid), signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.rmdir(group)
            return
        time.sleep(0.05)


@functools.lru_cache(maxsize=None)
def problem() -> str:
    """Why submissions can't be sandboxed here ('' when they can): no bwrap, a bwrap that
    can't create namespaces (a container that forbids them), or no process limit."""
    if bwrap() is None:
        return 'bubblewrap (bwrap) was not found'
    if os.geteuid() == 0 and 'pids' not in _cgroup_groups():
        return 'the grader runs as root and no pids cgroup can be made to limit processes'
    if os.geteuid() == 0 and not os.access(SETPRIV, os.X_OK):
        return 'the grader runs as root and %s (util-linux) is missing' % SETPRIV
    with tempfile.TemporaryDirectory() as folder:
        box, checks = Path(folder, 'box'), Path(folder, 'checks')
        prepare_box(box, sys.executable)
        checks.mkdir()
        probe = [sys.executable, '-c', 'import minigluon, minigluon_workbook.checks']
        try:
            with limits() as procs:
                proc = subprocess.run(command(box, checks, probe, procs), capture_output=True,
                                      text=True, timeout=60, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as err:
            return 'bubblewrap (bwrap) does not run: %s' % err
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        return 'bubblewrap (bwrap) cannot build the sandbox here: %s' % (
            lines[-1] if lines else 'exit status %d' % proc.returncode)
    return ''


def _python_roots() -> list[str]:
    """The folders of the running Python installation (venv and base interpreter)."""
    return sorted({sys.prefix, sys.base_prefix,
                   str(Path(os.path.realpath(sys.executable)).parent.parent)})


def _masked_copies(roots: list[str]) -> list[str]:
    """``--tmpfs`` over every installed copy of minigluon_workbook inside ``roots``: on the
    grader's path or in any site-packages there (a non-editable install, in the venv or in
    the base interpreter, would otherwise show the judges)."""
    inside = [os.path.realpath(e) for e in sys.path if e]
    for root in roots:
        inside += [str(p) for p in Path(root).glob('lib/python3*/site-packages')]
    copies = {os.path.join(entry, 'minigluon_workbook') for entry in inside
              if any(entry.startswith(root.rstrip('/') + '/') for root in roots)}
    return [arg for copy in sorted(copies) if os.path.isdir(copy) for arg in ('--tmpfs', copy)]


def visible_sources() -> list[tuple[str, str]]:
    """(path here, path in the sandbox) of the project code the sandbox binds."""
    import minigluon
    package = Path(__file__).resolve().parent
    return ([(str(Path(minigluon.__file__).resolve().parent), PACKAGES + '/minigluon')]
            + [(str(package / name), '%s/minigluon_workbook/%s' % (PACKAGES, name))
               for name in SANDBOX_FILES]
            + [(str(Path(runner.__file__).resolve()), RUNNER)])


def command(box: Path, checks: Path, argv: list[str], procs: list[str]) -> list[str]:
    """``argv`` (paths as seen inside) in bwrap, with ``box``'s plan, notebook and kernel spec
    read-only in a fresh ``/box``; started inside the cgroups ``procs`` (``limits``).

    As root, bwrap makes the mounts with root's rights (the interpreter may live under a
    private /root) and the command then runs as a fresh unprivileged host uid (``setpriv``)
    without capabilities: a user namespace would map the sandbox's user to host root, which may write
    /proc/sys (core_pattern runs a program as host root). Otherwise bwrap maps the grader's
    own unprivileged uid in a user namespace."""
    roots = [p for p in _python_roots() if not p.startswith('/usr/')]
    binds = ([(path, path) for path in ('/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64') + tuple(roots)
              if os.path.exists(path)]
             + visible_sources() + [(str(checks), CHECKS)])
    as_root = os.geteuid() == 0
    # --as-pid-1: no bwrap reaper inside the pid namespace, whose inherited fds (the results
    # pipe) the kernel could open through /proc; the command itself is pid 1 there.
    head = [bwrap(), '--clearenv', '--die-with-parent', '--new-session', '--as-pid-1']
    if as_root:
        head += ['--unshare-ipc', '--unshare-pid', '--unshare-net', '--unshare-uts',
                 '--unshare-cgroup-try', '--cap-drop', 'ALL',
                 '--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID']
        # a uid of its own: per-uid kernel state (keyrings, quotas) is then no channel between
        # submissions, nor shared with the host's nobody
        uid = UID_BASE + secrets.randbelow(UID_SPAN)
        drop = [SETPRIV, '--reuid=%d' % uid, '--regid=%d' % uid, '--clear-groups', '--inh-caps=-all',
                '--bounding-set=-all', '--no-new-privs']
    else:
        head += ['--unshare-all', '--uid', '65534', '--gid', '65534', '--cap-drop', 'ALL']
        drop = []
    # folders bwrap makes as root are private (0700) unless made readable first
    parents = sorted({str(a) for _, there in binds for a in Path(there).parents if str(a) != '/'},
                     key=lambda d: d.count('/')) if as_root else []
    sandboxed = (head
                 # the private /tmp first: a Python installed under /tmp is bound on top of it
                 + ['--perms', '1777', '--size', str(SCRATCH_BYTES), '--tmpfs', '/tmp']
                 + [arg for d in parents if d != '/tmp' for arg in ('--perms', '0755', '--dir', d)]
                 + [arg for here, there in binds for arg in ('--ro-bind', here, there)]
                 + _masked_copies(roots + ['/usr'])
                 + ['--perms', '1777', '--size', str(SCRATCH_BYTES), '--tmpfs', BOX,
                    '--perms', '1777', '--dir', BOX + '/work']   # the kernel's working folder
                 + [arg for name in (runner.PLAN, 'jupyter')
                    for arg in ('--ro-bind', str(box / name), BOX + '/' + name)]
                 + ['--dev', '/dev', '--proc', '/proc', '--remount-ro', '/', '--chdir', '/']
                 + [arg for name, value in environment(BOX).items() for arg in ('--setenv', name, value)]
                 + drop + argv)
    if not procs:
        return sandboxed
    # join the cgroups first, then become bwrap: every process of the sandbox is counted there
    join = ' && '.join('echo $$ > "$%d"' % k for k in range(1, len(procs) + 1))
    return ['/bin/sh', '-c', join + ' && shift %d && exec "$@"' % len(procs), 'sh'] + procs + sandboxed


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
    """The kernel spec, and the place for the plan, in ``box``."""
    for name in ('jupyter/kernels/' + runner.KERNEL_NAME, 'work'):
        (box / name).mkdir(parents=True, exist_ok=True)
    (box / runner.PLAN).touch()
    # -P, -s and --ignore-cwd: no writable folder on the kernel's sys.path (the working folder,
    # a user site under $HOME), so a module the student's code writes there cannot be imported
    spec = {'argv': [python, '-P', '-s', '-m', 'ipykernel_launcher', '--ignore-cwd', '-f', '{connection_file}'],
            'display_name': 'minigluon_workbook grader', 'language': 'python'}
    (box / 'jupyter/kernels' / runner.KERNEL_NAME / 'kernel.json').write_text(json.dumps(spec))
