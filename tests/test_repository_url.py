"""The repository URL is written once, in _config.yml; its copies follow it; nothing else has it."""
import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / 'scripts' / 'sync_repository_url.py'
spec = importlib.util.spec_from_file_location('sync_repository_url', SCRIPT)
sync = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sync)


def test_every_copy_is_the_configured_url_and_no_other_file_writes_it():
    run = subprocess.run([sys.executable, str(SCRIPT), '--check'], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_check_sees_a_changed_url_and_a_stray_copy():
    stale = sync.stale_copies('https://github.com/someone/fork', write=False)
    assert len(stale) == sum(len(list(ROOT.glob(g))) for g in sync.COPIES)  # every copy
    assert len(stale) > len(list(ROOT.glob('chapters/*.ipynb')))  # the chapters and more
    assert all(line.endswith('an old URL') for line in stale)
    assert any(line.startswith('README.md ') for line in sync.stray_copies('Quick start'))
