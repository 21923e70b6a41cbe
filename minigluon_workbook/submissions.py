"""Submissions are data, not paths: found without following links, read as bytes.

A submission is graded only when it is a regular file with one name: a symbolic link (to
the teacher edition, to a secret file) or a hard link is refused with a row saying so, and
nothing is read through it. Reading never puts a byte of the file into a message: an
unreadable notebook is described by what is wrong with it, never by what it holds.
"""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import nbformat

MAX_BYTES = 64 * 2 ** 20   # a bigger notebook is refused unread
MAX_CELLS = 5000           # a notebook with more cells is refused
MAX_DEPTH = 32             # folders below a folder named


class Refused(Exception):
    """A submission that is not graded; the message says why, in the teacher's terms."""


def collect(paths) -> list[tuple[Path, str]]:
    """(notebook, why it is refused or '') for each notebook named or found in a folder
    named (searched without following links, at most MAX_DEPTH folders deep; checkpoints
    skipped)."""
    found = []
    for top in map(Path, paths):
        if top.is_symlink() or not top.is_dir():
            found.append((top, _refusal(top)))
            continue
        folders = [(top, 0)]
        while folders:   # a stack, not recursion: a student's folders may nest very deeply
            folder, depth = folders.pop()
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as err:
                found.append((folder, 'refused: the folder cannot be read (%s)' % os.strerror(err.errno or 0)))
                continue
            for entry in entries:
                path = Path(entry.path)
                if entry.is_symlink() and entry.is_dir():
                    found.append((path, 'refused: a symbolic link to a folder (not searched)'))
                elif entry.is_dir(follow_symlinks=False):
                    if entry.name == '.ipynb_checkpoints':
                        continue
                    if depth + 1 > MAX_DEPTH:
                        found.append((path, 'refused: a folder nested more than %d deep (not searched)'
                                      % MAX_DEPTH))
                    else:
                        folders.append((path, depth + 1))
                elif entry.name.endswith('.ipynb'):
                    found.append((path, _refusal(path)))
    return sorted(found, key=lambda item: str(item[0]))


def _refusal(path: Path) -> str:
    """Why ``path`` is not a gradable submission ('' when it is)."""
    try:
        info = os.lstat(path)
    except OSError as err:
        return 'refused: the file cannot be found (%s)' % os.strerror(err.errno or 0)
    if stat.S_ISLNK(info.st_mode):
        return 'refused: a symbolic link, not a notebook of its own (hand in the file itself)'
    if not stat.S_ISREG(info.st_mode):
        return 'refused: not a regular file'
    if info.st_nlink != 1:
        return ('refused: a hard link (the file has %d names), not a notebook of its own '
                '(hand in a copy)' % info.st_nlink)
    return ''


def read(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path``, opened without following links; Refused with a reason that
    quotes nothing of the file."""
    why = _refusal(path)
    if why:
        raise Refused(why)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, 'O_CLOEXEC', 0))
    except OSError as err:
        raise Refused('could not open the notebook (%s)' % os.strerror(err.errno or 0)) from None
    with os.fdopen(fd, 'rb') as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            raise Refused('refused: the file changed into a link while it was opened')
        raw = f.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise Refused('could not read the notebook: it is larger than %d MB' % (MAX_BYTES >> 20))
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as err:
        raise Refused('could not read the notebook: it is not UTF-8 text (byte %d)' % err.start) from None
    try:
        content = json.loads(text)
    except RecursionError:
        raise Refused('could not read the notebook: its JSON is nested too deeply') from None
    except ValueError as err:
        where = ' (line %d, column %d)' % (err.lineno, err.colno) if hasattr(err, 'lineno') else ''
        raise Refused('could not read the notebook: it is not valid JSON%s' % where) from None
    if not isinstance(content, dict) or not isinstance(content.get('cells'), list):
        raise Refused('could not read the notebook: it is JSON, but not a Jupyter notebook')
    if len(content['cells']) > MAX_CELLS:
        raise Refused('refused: the notebook has %d cells, more than %d' % (len(content['cells']), MAX_CELLS))
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception:  # noqa: BLE001 - nbformat's messages quote the file: say what, not which
        raise Refused('could not read the notebook: it is not a valid Jupyter notebook '
                      '(nbformat 4)') from None
    return nb


def find_teacher(path: Path, submission, teacher_dir: Path) -> Path | None:
    """The teacher edition of a submission: by file name, else by the chapter its student
    edition records in its metadata (Colab renames downloads)."""
    candidate = teacher_dir / path.name
    if candidate.is_file():
        return candidate
    chapter = ''
    if submission is not None:
        meta = submission.metadata.get('workbook', {})
        chapter = str(meta.get('chapter', '') or '') if isinstance(meta, dict) else ''
    if chapter and '/' not in chapter and '\\' not in chapter and not chapter.startswith('.'):
        candidate = teacher_dir / (chapter + '.ipynb')
        if candidate.is_file():
            return candidate
    return None
