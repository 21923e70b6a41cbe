"""Run the minigluon benchmarks against the NumPy floor, PyTorch and Apache MXNet 1.x.

    python -m bench [--torch PYTHON] [--mxnet PYTHON] [--rounds N] [--threads N] [--quick]
                    [--gpu] [--frameworks minigluon,numpy,...] [--out DIR]

Every framework runs in its own subprocess (bench/workers/<name>_worker.py, or for minigluon
and MXNet the one gluon_worker.py, which prints
JSON); rounds are interleaved (round 1: minigluon, numpy, torch, mxnet; round 2: ...) so
a slow spell of a shared machine hits every framework alike. The result is the ratios
minigluon / peer of the medians over rounds, from this one run: absolute times on a shared
machine are noise. Writes <out>/latest.json and <out>/latest.png.
"""
from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORKERS = os.path.join(HERE, 'workers')
sys.path.insert(0, WORKERS)
from _common import GPU_WORKLOADS, MARKER, TIME_WORKLOADS, WORKLOADS  # noqa: E402

FRAMEWORKS = ['minigluon', 'numpy', 'torch', 'mxnet']
PEERS = ['numpy', 'torch', 'mxnet']
THREAD_VARS = ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS',
               'VECLIB_MAXIMUM_THREADS', 'NUMEXPR_NUM_THREADS', 'MXNET_OMP_MAX_THREADS')

# (label, workload, peer, limit, what): PASS when the value is <= limit (< for growth).
TARGETS = [
    ('(a) fwd+bwd <= 0.5x PyTorch', 'a_fwdbwd', 'torch', 0.5, 'ratio'),
    ('(a) forward <= 1.0x PyTorch', 'a_fwd', 'torch', 1.0, 'ratio'),
    ('(b) fwd+bwd <= 1.10x NumPy floor', 'b_fwdbwd', 'numpy', 1.10, 'ratio'),
    ('(d) save+load <= 1.0x MXNet', 'd_save_load', 'mxnet', 1.0, 'ratio'),
    ('(f) RSS growth step 100->1000 < 5%', 'f_memory', 'minigluon', 5.0, 'growth'),
]


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog='python -m bench', description=__doc__.split('\n')[0])
    p.add_argument('--torch', metavar='PYTHON',
                   help="python of a venv with torch (default: this interpreter, if it has it)")
    p.add_argument('--mxnet', metavar='PYTHON',
                   help="python of a venv with mxnet 1.x (default: this interpreter, if it has it)")
    p.add_argument('--rounds', type=int, default=None, help='interleaved rounds (default 5, quick 1)')
    p.add_argument('--threads', type=int, default=1,
                   help='threads for every framework (OMP/BLAS env, torch.set_num_threads); default 1')
    p.add_argument('--quick', action='store_true', help='tiny iteration counts: a smoke run')
    p.add_argument('--gpu', action='store_true', help='also run the GPU workloads on gpu(0)')
    p.add_argument('--frameworks', default=','.join(FRAMEWORKS),
                   help='comma-separated subset of %s' % ','.join(FRAMEWORKS))
    p.add_argument('--workloads', default=None,
                   help='comma-separated subset of %s' % ','.join(TIME_WORKLOADS + ['f_memory']))
    p.add_argument('--out', default=os.path.join(HERE, 'results'), help='output folder')
    p.add_argument('--no-chart', action='store_true', help='skip latest.png')
    p.add_argument('--markdown', metavar='JSON',
                   help='only print the tables of an earlier latest.json as markdown (for the book)')
    args = p.parse_args(argv)
    if args.rounds is None:
        args.rounds = 1 if args.quick else 5
    return args


# ----- which interpreter runs which framework ---------------------------------------------
def find_pythons(args) -> tuple[dict, dict]:
    """{framework: python} to run, {framework: why skipped}."""
    wanted = [f.strip() for f in args.frameworks.split(',') if f.strip()]
    unknown = set(wanted) - set(FRAMEWORKS)
    if unknown:
        raise SystemExit('unknown framework(s): %s' % ', '.join(sorted(unknown)))
    pythons, skipped = {}, {}
    for fw in FRAMEWORKS:
        if fw not in wanted:
            skipped[fw] = 'not selected (--frameworks)'
            continue
        if fw in ('minigluon', 'numpy'):
            pythons[fw] = sys.executable
            continue
        given = getattr(args, fw)
        if given:
            if not (os.path.isfile(given) and os.access(given, os.X_OK)):
                skipped[fw] = 'not run: --%s %s is not an executable file' % (fw, given)
            else:
                pythons[fw] = given
        elif importlib.util.find_spec(fw) is not None:
            pythons[fw] = sys.executable
        else:
            skipped[fw] = ('not run: `import %s` is not available in %s; pass --%s '
                           '/path/to/venv/bin/python' % (fw, sys.executable, fw))
    return pythons, skipped


def worker_env(threads: int) -> dict:
    env = dict(os.environ)
    for var in THREAD_VARS:
        env[var] = str(threads)
    env['PYTHONDONTWRITEBYTECODE'] = '1'
    env.pop('PYTHONPATH', None)  # each venv imports its own packages
    return env


def run_worker(fw, python, mode, workloads, args, env) -> dict:
    gluon = fw in ('minigluon', 'mxnet')  # one Gluon source runs on both
    cmd = [python, os.path.join(WORKERS, 'gluon_worker.py' if gluon else '%s_worker.py' % fw),
           '--mode', mode, '--workloads', ','.join(workloads), '--threads', str(args.threads)]
    if gluon:
        cmd += ['--framework', fw]
    if args.quick:
        cmd.append('--quick')
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=HERE)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    tail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-3:]
    return {'error': 'worker exited with %d: %s' % (proc.returncode, ' | '.join(tail))}


# ----- machine -----------------------------------------------------------------------------
def machine_info(threads: int) -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.lower().startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gib = None
    try:
        with open('/proc/meminfo') as f:
            mem_gib = round(int(f.readline().split()[1]) / 2 ** 20, 1)
    except (OSError, ValueError, IndexError):
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    try:
        commit = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=HERE,
                                capture_output=True, text=True).stdout.strip() or None
        dirty = bool(subprocess.run(['git', 'status', '--porcelain', '--', 'minigluon'],
                                    cwd=os.path.dirname(HERE), capture_output=True,
                                    text=True).stdout.strip())
    except OSError:
        commit, dirty = None, None
    return {'cpu_model': cpu, 'logical_cores': os.cpu_count(), 'usable_cores': usable,
            'memory_gib': mem_gib, 'platform': platform.platform(),
            'python': platform.python_version(), 'threads_per_framework': threads,
            'thread_settings': {v: threads for v in THREAD_VARS} | {'torch.set_num_threads': threads},
            'git_commit': commit, 'minigluon_uncommitted_changes': dirty,
            'date': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')}


# ----- the run -------------------------------------------------------------------------------
def main(argv=None) -> dict:
    args = parse_args(argv)
    if args.markdown:
        with open(args.markdown) as f:
            print(markdown(json.load(f)))
        return {}
    pythons, skipped = find_pythons(args)
    chosen = (args.workloads.split(',') if args.workloads else TIME_WORKLOADS + ['f_memory'])
    bad = [w for w in chosen if w not in WORKLOADS or w in GPU_WORKLOADS]
    if bad:
        raise SystemExit('unknown workload(s): %s' % ', '.join(bad))
    timed = [w for w in chosen if w != 'f_memory'] + (GPU_WORKLOADS if args.gpu else [])
    env = worker_env(args.threads)
    info = machine_info(args.threads)
    print('bench: %s, %s logical cores (%s usable), %d thread(s) per framework, %d round(s)%s'
          % (info['cpu_model'], info['logical_cores'], info['usable_cores'], args.threads,
             args.rounds, ', quick' if args.quick else ''))
    for fw in FRAMEWORKS:
        print('  %-9s %s' % (fw, pythons[fw] if fw in pythons else 'SKIPPED: ' + skipped[fw]))

    fw_info, per_round, errors = {}, {}, {}
    t_start = time.time()
    for r in range(args.rounds):
        for fw in list(pythons):
            if not timed:
                break
            out = run_worker(fw, pythons[fw], 'time', timed, args, env)
            if 'error' in out:
                errors.setdefault(fw, out['error'])
                print('  round %d %-9s FAILED: %s' % (r + 1, fw, out['error']))
                if r == 0:  # cannot even start (import error): drop it
                    skipped[fw] = 'worker failed: ' + out['error']
                    del pythons[fw]
                continue
            fw_info[fw] = out['info']
            for wid, res in out['results'].items():
                per_round.setdefault(wid, {}).setdefault(fw, []).append(res)
        print('  round %d/%d done (%.0f s)' % (r + 1, args.rounds, time.time() - t_start), flush=True)
    if 'f_memory' in chosen:
        for fw in list(pythons):
            out = run_worker(fw, pythons[fw], 'memory', [], args, env)
            if 'error' in out:
                errors.setdefault(fw, out['error'])
                print('  memory %-9s FAILED: %s' % (fw, out['error']))
                continue
            fw_info.setdefault(fw, out['info'])
            per_round.setdefault('f_memory', {}).setdefault(fw, []).append(out['results']['f_memory'])
        print('  memory runs done (%.0f s)' % (time.time() - t_start), flush=True)

    result = {
        'schema': 1,
        'command': ' '.join(['python -m bench'] + (argv if argv is not None else sys.argv[1:])),
        'machine': info,
        'settings': {'rounds': args.rounds, 'quick': args.quick, 'threads': args.threads,
                     'gpu': args.gpu,
                     'method': ('per round, each framework in a fresh subprocess; per workload '
                                'a timeit-style loop (warm-up, then repeats of N calls; the '
                                'round value is the best repeat, in microseconds per call); the '
                                'reported value is the median over rounds; ratio = minigluon / '
                                'peer of the medians (ratios_min: of the best rounds). Memory: one fresh process per framework, RSS from '
                                '/proc/self/status (VmRSS, VmHWM).')},
        'frameworks': {fw: fw_info.get(fw, {'skipped': skipped.get(fw) or errors.get(fw)})
                       for fw in FRAMEWORKS},
        'workloads': summarize(chosen + (GPU_WORKLOADS if args.gpu else []), per_round, skipped,
                               errors),
    }
    result['targets'] = evaluate_targets(result['workloads'], skipped)
    print_report(result)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, 'latest.json')
    with open(path, 'w') as f:
        json.dump(result, f, indent=1, sort_keys=False)
        f.write('\n')
    print('wrote %s' % path)
    if not args.no_chart:
        png = os.path.join(args.out, 'latest.png')
        try:
            chart(result, png)
            print('wrote %s' % png)
        except ImportError as err:
            print('chart skipped: %s' % err)
    return result


def summarize(workloads, per_round, skipped, errors) -> dict:
    out = {}
    for wid in workloads:
        entry = {'title': WORKLOADS[wid], 'unit': 'us' if wid != 'f_memory' else 'KiB',
                 'median': {}, 'rounds': {}, 'ratios': {}, 'skipped': {}}
        rows = per_round.get(wid, {})
        for fw in FRAMEWORKS:
            results = rows.get(fw, [])
            reason = next((r['skipped'] for r in results if 'skipped' in r), None)
            if reason or not results:
                entry['skipped'][fw] = reason or skipped.get(fw) or errors.get(fw) or 'no result'
                continue
            if wid == 'f_memory':
                entry['median'][fw] = statistics.median(r['peak_kib'] for r in results)
                entry['rounds'][fw] = results
                entry.setdefault('growth_pct', {})[fw] = statistics.median(
                    r['growth_pct'] for r in results)
            else:
                entry['rounds'][fw] = [r['us'] for r in results]
                entry['median'][fw] = statistics.median(entry['rounds'][fw])
                entry.setdefault('min', {})[fw] = min(entry['rounds'][fw])
        mg = entry['median'].get('minigluon')
        for peer in PEERS:
            if mg is not None and entry['median'].get(peer):
                entry['ratios'][peer] = mg / entry['median'][peer]
                if 'min' in entry:  # best round of each: less hurt by a busy shared machine
                    entry.setdefault('ratios_min', {})[peer] = (entry['min']['minigluon']
                                                                / entry['min'][peer])
        out[wid] = entry
    return out


def evaluate_targets(workloads, skipped) -> list:
    targets = []
    for label, wid, peer, limit, what in TARGETS:
        entry = workloads.get(wid)
        value, status, why = None, 'SKIP', None
        if entry is None:
            why = 'workload not run'
        elif what == 'growth':
            value = entry.get('growth_pct', {}).get('minigluon')
            why = None if value is not None else entry['skipped'].get('minigluon', 'no result')
            if value is not None:
                status = 'PASS' if value < limit else 'MISS'
        else:
            value = entry['ratios'].get(peer)
            if value is None:
                why = entry['skipped'].get(peer) or entry['skipped'].get('minigluon') or 'no result'
            else:
                status = 'PASS' if value <= limit else 'MISS'
        best = None if entry is None else entry.get('ratios_min', {}).get(peer)
        targets.append({'target': label, 'workload': wid, 'peer': peer, 'limit': limit,
                        'kind': what, 'value': value, 'status': status, 'skipped': why,
                        'value_min_rounds': best})
    return targets


def _fmt_us(v):
    if v is None:
        return '-'
    return '%.1f' % v if v < 1000 else '%.0f' % v


def print_report(result):
    wl = result['workloads']
    print()
    print('Medians (microseconds per call; f_memory: peak RSS in MiB) and ratios minigluon/peer')
    head = '%-18s' % 'workload' + ''.join('%12s' % fw for fw in FRAMEWORKS) + ''.join(
        '%12s' % ('mg/' + p) for p in PEERS)
    print(head)
    print('-' * len(head))
    for wid, e in wl.items():
        scale = 1024.0 if wid == 'f_memory' else 1.0
        cells = ['%12s' % _fmt_us(e['median'][fw] / scale if fw in e['median'] else None)
                 for fw in FRAMEWORKS]
        ratios = ['%12s' % ('%.2fx' % e['ratios'][p] if p in e['ratios'] else '-') for p in PEERS]
        print('%-18s' % wid + ''.join(cells) + ''.join(ratios))
    if 'f_memory' in wl and wl['f_memory'].get('growth_pct'):
        print('%-18s' % 'f RSS growth %' + ''.join(
            '%12s' % ('%.2f%%' % wl['f_memory']['growth_pct'][fw]
                      if fw in wl['f_memory']['growth_pct'] else '-') for fw in FRAMEWORKS))
    print('%-18s' % 'best-round ratios' + ' ' * 12 * len(FRAMEWORKS) + '  (min over rounds)')
    for wid, e in wl.items():
        if e.get('ratios_min'):
            print('%-18s' % wid + ' ' * 12 * len(FRAMEWORKS) + ''.join(
                '%12s' % ('%.2fx' % e['ratios_min'][p] if p in e['ratios_min'] else '-')
                for p in PEERS))
    notes = sorted({'%s: %s' % (fw, why) for e in wl.values() for fw, why in e['skipped'].items()
                    if 'not selected' not in why})
    for note in notes:
        print('  skipped %s' % note)
    print()
    print('Targets')
    for t in result['targets']:
        if t['status'] == 'SKIP':
            print('  SKIP  %-38s (%s)' % (t['target'], t['skipped']))
        elif t['kind'] == 'growth':
            print('  %s  %-38s growth %.2f%%' % (t['status'], t['target'], t['value']))
        else:
            print('  %s  %-38s ratio %.2fx (best rounds: %.2fx)'
                  % (t['status'], t['target'], t['value'], t['value_min_rounds']))


def markdown(result) -> str:
    """The machine, the medians, the ratios and the targets as markdown tables."""
    m, fws = result['machine'], result['frameworks']
    lines = ['| machine | |', '|---|---|',
             '| CPU | %s, %s logical cores |' % (m['cpu_model'], m['logical_cores']),
             '| threads per framework | %s |' % m['threads_per_framework'],
             '| rounds | %s (interleaved; median over rounds) |' % result['settings']['rounds'],
             '| date | %s (commit %s) |' % (m['date'], m.get('git_commit'))]
    for fw in FRAMEWORKS:
        i = fws.get(fw, {})
        lines.append('| %s | %s |' % (fw, 'skipped: %s' % i['skipped'] if 'skipped' in i else
                                      '%s (Python %s, NumPy %s)' % (i['version'], i['python'],
                                                                     i['numpy'])))
    lines += ['', '| workload | ' + ' | '.join(FRAMEWORKS) + ' | ' +
              ' | '.join('mg/' + p for p in PEERS) + ' |',
              '|---|' + '---:|' * (len(FRAMEWORKS) + len(PEERS))]
    for wid, e in result['workloads'].items():
        scale, unit = (1024.0, ' MiB') if wid == 'f_memory' else (1.0, ' us')
        cells = [(_fmt_us(e['median'][fw] / scale) + unit) if fw in e['median'] else '-'
                 for fw in FRAMEWORKS]
        ratios = ['%.2f' % e['ratios'][p] if p in e['ratios'] else '-' for p in PEERS]
        lines.append('| %s: %s | %s | %s |' % (wid, e['title'], ' | '.join(cells),
                                                ' | '.join(ratios)))
    growth = result['workloads'].get('f_memory', {}).get('growth_pct')
    if growth:
        lines.append('| f: RSS growth, step 100 -> 1,000 | %s | |||' % ' | '.join(
            '%.2f %%' % growth[fw] if fw in growth else '-' for fw in FRAMEWORKS))
    lines += ['', '| target | median ratio | best-round ratio | result |', '|---|---:|---:|---|']
    for t in result['targets']:
        value = '-' if t['value'] is None else (
            '%.2f %%' % t['value'] if t['kind'] == 'growth' else '%.2fx' % t['value'])
        best = '%.2fx' % t['value_min_rounds'] if t.get('value_min_rounds') else '-'
        lines.append('| %s | %s | %s | %s |' % (t['target'], value, best, t['status']))
    return '\n'.join(lines)


def chart(result, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    wl = {w: e for w, e in result['workloads'].items() if w != 'f_memory' and e['ratios']}
    peers = [p for p in PEERS if any(p in e['ratios'] for e in wl.values())]
    colors = {'numpy': '#4c72b0', 'torch': '#dd8452', 'mxnet': '#55a868'}
    fig, ax = plt.subplots(figsize=(10, 5))
    width = 0.8 / max(len(peers), 1)
    names = list(wl)
    for j, peer in enumerate(peers):
        xs = [i + (j - (len(peers) - 1) / 2) * width for i in range(len(names))]
        ys = [wl[w]['ratios'].get(peer, 0) for w in names]
        bars = ax.bar(xs, ys, width, label='minigluon / ' + peer, color=colors[peer])
        best = [wl[w].get('ratios_min', {}).get(peer) for w in names]
        ax.scatter([x for x, b in zip(xs, best) if b], [b for b in best if b], marker='_',
                   color='black', s=60, zorder=3, label='best round' if j == 0 else None)
        for bar, y in zip(bars, ys):
            if y:
                ax.annotate('%.2f' % y, (bar.get_x() + bar.get_width() / 2, y),
                            ha='center', va='bottom', fontsize=7)
    for t in result['targets']:
        if t['kind'] == 'ratio' and t['workload'] in names and t['peer'] in peers:
            i = names.index(t['workload'])
            j = peers.index(t['peer'])
            x = i + (j - (len(peers) - 1) / 2) * width
            ax.hlines(t['limit'], x - width / 2, x + width / 2, colors='red', linewidth=2)
    ax.axhline(1.0, color='gray', linewidth=0.8, linestyle='--')
    ax.set_yscale('log')
    ticks = [t for t in (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)]
    ax.set_yticks(ticks)
    ax.set_yticklabels(['%g' % t for t in ticks])
    ax.minorticks_off()
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=15)
    ax.set_ylabel('time ratio minigluon / peer (log; < 1: minigluon faster)')
    m = result['machine']
    growth = result['workloads'].get('f_memory', {}).get('growth_pct', {}).get('minigluon')
    ax.set_title('minigluon vs peers: %s, %d thread(s), %d round(s), %s%s'
                 % (m['cpu_model'], m['threads_per_framework'], result['settings']['rounds'],
                    m['date'][:10],
                    '' if growth is None else '; RSS growth %.1f%%' % growth), fontsize=9)
    ax.plot([], [], color='red', linewidth=2, label='target')
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == '__main__':
    main()
