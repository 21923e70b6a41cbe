"""The runner: executes a graded notebook inside the sandbox, exercise by exercise.

Started by the grader as ``python -I runner.py BOX`` under bubblewrap (``sandbox.command``),
isolated from the current folder and PYTHONPATH. It makes itself non-dumpable, reads the
notebook and the per-exercise seeds from its standard input, starts the kernel, runs each
exercise's cells with its own time limit, and writes exactly one ``Record`` line per exercise
to a descriptor only it holds: its standard output, a pipe the grader reads.

Why the kernel (the student's code) cannot forge or read what matters here:

* ``prctl(PR_SET_DUMPABLE, 0)``: a process of the same user (the kernel and everything it
  starts) can no longer open ``/proc/<runner>/fd/*`` or ``mem``, take a descriptor with
  ``pidfd_getfd`` or ``ptrace`` the runner. The kernel inherits none of the runner's
  descriptors but a log file on fds 1 and 2.
* Neither the seeds nor the notebook touch the sandbox's disk: both come on standard input,
  the notebook holds ``SEED_TOKEN`` in each observe cell, and the runner puts the exercise's
  seed there in memory, just before that cell runs. The kernel sees the code cells it is sent,
  one at a time, and nothing else of the submission (no markdown, no later cells).
* The grader parses every line as a ``Record`` and rejects the run on anything else.

This file is standalone (standard library, nbformat and nbclient only): inside the sandbox it
is all of the grader there is.
"""
from __future__ import annotations

import ctypes
import json
import os
import resource
import sys
import time
from dataclasses import asdict, dataclass, fields

SEED_TOKEN = '__minigluon_workbook_seed__'
KERNEL_NAME = 'minigluon-workbook-grader'
PLAN = 'plan.json'
OUTPUT_BUDGET = 2_000_000     # characters of output kept per cell (a print loop can't fill RAM)
OBSERVATION_LIMIT = 4_000_000  # characters of one exercise's observed data
RECOVERY = 10                 # seconds an interrupted kernel gets to become idle again
FILE_LIMIT = 64 * 2 ** 20     # RLIMIT_FSIZE of the runner and the kernel
STATUSES = ('ok', 'timeout', 'dead', 'stopped')
PR_SET_DUMPABLE = 4


class BadRecord(ValueError):
    """A results line that the runner does not write."""


@dataclass(frozen=True)
class Record:
    """What the runner saw of one exercise; the one message from runner to judge."""
    exercise: str
    status: str                        # one of STATUSES
    cell: int | None = None            # where it stopped (timeout, dead)
    out_of: str = 'exercise'           # timeout: 'exercise' or 'notebook' time ran out
    after: str = ''                    # stopped: the exercise that stopped the run
    why: str = ''                      # stopped: 'timeout', 'dead' or 'error' (the runner's)
    detail: str = ''                   # stopped by an error: what it was
    solution_error: dict | None = None  # {'ename', 'evalue'} of the solution cell's error
    check_error: dict | None = None     # the same for the observe cell
    observation: object = None          # what the observe cell displayed (JSON), if anything
    tampered: str = ''                  # why the observe cell's output cannot be trusted, if so

    def line(self) -> str:
        return json.dumps(asdict(self)) + '\n'

    @classmethod
    def parse(cls, line: str) -> 'Record':
        """A line the runner wrote, checked field by field (BadRecord for anything else)."""
        try:
            raw = json.loads(line)
        except (ValueError, RecursionError):
            raise BadRecord('not JSON') from None
        names = {f.name for f in fields(cls)}
        if not isinstance(raw, dict) or set(raw) != names:
            raise BadRecord('not a record')
        errors = [raw['solution_error'], raw['check_error']]
        if not (isinstance(raw['exercise'], str) and raw['status'] in STATUSES
                and (raw['cell'] is None or type(raw['cell']) is int)
                and raw['out_of'] in ('exercise', 'notebook')
                and isinstance(raw['after'], str) and raw['why'] in ('', 'timeout', 'dead', 'error')
                and isinstance(raw['detail'], str) and isinstance(raw['tampered'], str)
                and all(e is None or (isinstance(e, dict) and set(e) == {'ename', 'evalue'}
                                      and all(isinstance(v, str) for v in e.values()))
                        for e in errors)):
            raise BadRecord('a record with a wrong field')
        return cls(**raw)


def _first_error(cell) -> dict | None:
    for output in cell.get('outputs', []):
        if output.get('output_type') == 'error':
            return {'ename': str(output.get('ename', ''))[:200], 'evalue': str(output.get('evalue', ''))[:1000]}
    return None


def _observation(cell, mime: str, cleared: bool) -> tuple[object, str]:
    """The observe cell's one observation, and why it cannot be trusted ('' if it can).

    ``report`` displays exactly one and never clears output; a second one or a clear means
    code of the student's (a thread, a patched function) displayed its own."""
    shown = [output['data'][mime] for output in cell.get('outputs', [])
             if output.get('output_type') == 'display_data' and mime in output.get('data', {})]
    if cleared:
        return None, 'the check cell cleared its output'
    if len(shown) > 1:
        return None, 'the check cell showed %d observations' % len(shown)
    return (shown[0] if shown else None), ''


def _undumpable():
    """No process of our user may read our memory or descriptors (see the module docstring)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), 'prctl(PR_SET_DUMPABLE, 0) failed')


def _isolate(box: str):
    """Results go to a private copy of fd 1; fds 0-2 of everything we start go to a log."""
    results = os.fdopen(os.dup(1), 'w', encoding='utf-8')   # os.dup: not inheritable
    log = os.open(os.path.join(box, 'runner.log'), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(null)
    os.close(log)
    return results


def _limit(plan: dict):
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))
    if plan['processes'] > 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (plan['processes'], plan['processes']))
    if plan['memory_mb'] > 0:
        limit = plan['memory_mb'] * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run(box: str) -> int:
    """Execute the plan in ``box``/plan.json on the notebook and seeds that stdin holds
    (``{"notebook": ..., "seeds": {exercise: seed}}``); records to stdout."""
    _undumpable()
    given = json.loads(sys.stdin.read())   # written by the grader, not the student
    seeds, notebook = given['seeds'], given['notebook']
    results = _isolate(box)
    plan = json.loads(open(os.path.join(box, PLAN), encoding='utf-8').read())
    for name in ('home', 'ipython', 'matplotlib', 'runtime', 'jupyter-config'):
        os.makedirs(os.path.join(box, name), exist_ok=True)
    _limit(plan)

    emitted = set()

    def emit(record: Record):
        emitted.add(record.exercise)
        results.write(record.line())
        results.flush()

    try:
        _execute(box, plan, notebook, seeds, emit)
    except Exception as err:  # noqa: BLE001 - the grader reports it as not gradable
        detail = '%s: %s' % (type(err).__name__, str(err)[:300])
        for segment in plan['segments']:
            if segment['exercise'] not in emitted:
                emit(Record(segment['exercise'], 'stopped', why='error', detail=detail))
    results.close()
    return 0


def _execute(box: str, plan: dict, notebook: dict, seeds: dict, emit):
    """Run the plan's segments of ``notebook`` in a kernel, emitting one Record per exercise."""

    import nbformat
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    class Client(NotebookClient):
        """Keeps at most OUTPUT_BUDGET characters of output per cell; notes cleared cells."""
        spent: dict = {}
        cleared: set = set()

        def clear_output(self, outs, msg, cell_index):
            self.cleared.add(cell_index)
            return super().clear_output(outs, msg, cell_index)

        def output(self, outs, msg, display_id, cell_index):
            if msg.get('msg_type') != 'error':
                size = len(json.dumps(msg.get('content', {})))
                self.spent[cell_index] = self.spent.get(cell_index, 0) + size
                if self.spent[cell_index] > OUTPUT_BUDGET:
                    return None
            return super().output(outs, msg, display_id, cell_index)

    nb = nbformat.from_dict(notebook)
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

    with client.setup_kernel():
        end = time.monotonic() + plan['timeout']
        for number, segment in enumerate(plan['segments']):
            exercise = segment['exercise']
            observe = nb.cells[segment['observe']]
            observe.source = observe.source.replace(SEED_TOKEN, str(int(seeds[exercise])))
            deadline = min(end, time.monotonic() + plan['exercise_timeout'])
            status, where = 'ok', None
            for index in segment['cells']:
                status = execute(index, deadline)
                if status != 'ok':
                    where = index
                    break
            data, tampered = (_observation(observe, plan['mime'], segment['observe'] in client.cleared)
                              if status == 'ok' else (None, ''))
            if data is not None and len(json.dumps(data)) > OBSERVATION_LIMIT:
                data = 'too large'
            solution = segment.get('solution')
            emit(Record(exercise, status, where,
                        'notebook' if status == 'timeout' and deadline >= end else 'exercise',
                        solution_error=_first_error(nb.cells[solution]) if solution is not None else None,
                        check_error=_first_error(observe) if status == 'ok' else None,
                        observation=data, tampered=tampered))
            later = plan['segments'][number + 1:]
            if later and (status == 'dead' or (status == 'timeout' and (
                    deadline >= end or not recovered()))):
                for skipped in later:
                    emit(Record(skipped['exercise'], 'stopped', after=exercise, why=status))
                break


if __name__ == '__main__':
    sys.exit(run(sys.argv[1]))
