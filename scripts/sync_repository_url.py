"""Copy the repository URL from _config.yml, the one place it is written, to where it must appear.

    python scripts/sync_repository_url.py           # rewrite the copies
    python scripts/sync_repository_url.py --check   # only check: exit 1, naming what is wrong

The copies: each notebook's install cell (teacher and student editions) (Colab runs it without a clone to read the URL from),
the same line in the Colab cells of appendix/compatibility.md, and the ``git clone`` line of intro.md. Any other tracked file that writes the URL is an error.
The book's repository button and Colab links read _config.yml themselves.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GITHUB_REPO = r'https://github\.com/[\w.-]+/[\w.-]+'
# file glob -> (pattern of the copy, its text for a URL); each file must hold one copy or more
COPIES = {
    **{notebooks: (r'!pip install -q git\+' + GITHUB_REPO, lambda url: '!pip install -q git+' + url)
       for notebooks in ('chapters/*.ipynb', 'student/chapters/*.ipynb', 'appendix/*.ipynb',
                         'appendix/compatibility.md')},
    'intro.md': (r'git clone ' + GITHUB_REPO + r' && cd [\w.-]+',
                 lambda url: 'git clone %s && cd %s' % (url, url.rsplit('/', 1)[1])),
}


def repository_url() -> str:
    """``repository.url`` of _config.yml."""
    return yaml.safe_load((ROOT / '_config.yml').read_text(encoding='utf-8'))['repository']['url']


def stale_copies(url: str, write: bool) -> list[str]:
    """The derived files whose copy of the URL is not ``url`` (rewritten first if ``write``)."""
    stale = []
    for pattern, (copy, text) in COPIES.items():
        for path in sorted(ROOT.glob(pattern)):
            old = path.read_text(encoding='utf-8')
            new, count = re.subn(copy, lambda match: text(url), old)
            if count == 0:
                stale.append('%s: no %r line' % (path.relative_to(ROOT), text(url)))
            elif new != old:
                stale.append('%s: an old URL' % path.relative_to(ROOT))
                if write:
                    path.write_text(new, encoding='utf-8')
    return stale


def stray_copies(url: str) -> list[str]:
    """Tracked files other than _config.yml and the derived ones that write ``url``."""
    allowed = {'_config.yml'} | {str(p.relative_to(ROOT)) for g in COPIES for p in ROOT.glob(g)}
    tracked = subprocess.run(['git', 'ls-files', '-z'], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode().split('\0')
    return ['%s writes the URL: derive it from _config.yml instead' % name for name in tracked
            if name and name not in allowed and (ROOT / name).is_file()
            and url.encode() in (ROOT / name).read_bytes()]


def main(argv: list[str]) -> int:
    url = repository_url()
    if argv != ['--check']:
        stale_copies(url, write=True)
    problems = stale_copies(url, write=False) + stray_copies(url)
    print('\n'.join(problems) or '%s is written in _config.yml and copied where needed' % url)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
