"""Step 5 of grading: what the teacher gets back — the CSV, a summary table, feedback files.

Every string here may come from the student (file names, error texts their code raised), so
each is made inert where it lands: control characters replaced wherever a name is printed,
Markdown and HTML escaped in feedback, a leading formula character quoted in the CSV, and
every feedback file name unique.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ['notebook', 'exercise', 'passed', 'message']
_CONTROL = re.compile(r'[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]')
_MARKDOWN = re.compile(r'([\\`*_{}\[\]()#+\-.!|~])')


@dataclass
class Row:
    notebook: str
    exercise: str
    passed: bool
    message: str

    def csv(self) -> list[str]:
        return [_cell(printable(self.notebook)), _cell(self.exercise),
                'true' if self.passed else 'false', _cell(printable(self.message))]


def printable(text: str) -> str:
    """``text`` with control and bidirectional-override characters, and bytes of a file name
    that are not UTF-8, written as escapes (``\\x1b``): visible, and never two names alike."""
    text = str(text).encode('utf-8', 'surrogateescape').decode('utf-8', 'backslashreplace')
    return _CONTROL.sub(lambda m: ('\\x%02x' if ord(m.group()) < 0x100 else '\\u%04x') % ord(m.group()), text)


def markdown(text: str) -> str:
    """``text`` as literal Markdown: no markup, no HTML, on one line."""
    text = printable(text).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
    return _MARKDOWN.sub(r'\\\1', text)


def _cell(text: str) -> str:
    """CSV text a spreadsheet shows as text: a leading = + - @ would make a message the
    student's code wrote a formula."""
    return "'" + text if text[:1] in ('=', '+', '-', '@', '\t', '\r') else text


def summary(rows: list[Row], notebooks: list[str]) -> str:
    """Passed/total per notebook, as a table."""
    totals = {name: [0, 0] for name in notebooks}
    for row in rows:
        t = totals.setdefault(row.notebook, [0, 0])
        t[0] += row.passed
        t[1] += 1
    width = max([len('notebook')] + [len(printable(n)) for n in totals])
    lines = ['%-*s  %6s  %5s' % (width, 'notebook', 'passed', 'total')]
    lines.append('-' * len(lines[0]))
    for name, (ok, total) in totals.items():
        lines.append('%-*s  %6d  %5d' % (width, printable(name), ok, total))
    lines.append('-' * len(lines[0]))
    ok = sum(t[0] for t in totals.values())
    total = sum(t[1] for t in totals.values())
    lines.append('%-*s  %6d  %5d' % (width, 'TOTAL', ok, total))
    return '\n'.join(lines)


def write_atomically(path: Path, text: str):
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix='.%s.' % path.name, suffix='.tmp')
    try:
        with os.fdopen(fd, 'w', encoding='utf-8', errors='backslashreplace', newline='') as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write_csv(path: Path, rows: list[Row]):
    out = io.StringIO()
    csv.writer(out).writerows([COLUMNS] + [row.csv() for row in rows])
    write_atomically(Path(path), out.getvalue())


def feedback_dir(csv_path) -> Path:
    """Where the per-notebook feedback files go: ``grades-feedback/`` beside ``grades.csv``."""
    csv_path = Path(csv_path)
    return csv_path.with_name(csv_path.stem + '-feedback')


def relative_names(notebooks: list[str]) -> list[str]:
    """Each notebook's path below the folder common to all of them, with at least its own
    folder (the student): ``alice/01.ipynb``, ``mallory/zed/01.ipynb``."""
    if not notebooks:
        return []
    common = Path(os.path.commonpath([str(Path(n).parent) for n in notebooks]))
    names = []
    for notebook in map(Path, notebooks):
        relative = notebook.relative_to(common)
        names.append(str(relative if len(relative.parts) > 1 else
                         Path(notebook.parent.name, notebook.name) if notebook.parent.name else relative))
    return names


def feedback_names(notebooks: list[str]) -> list[str]:
    """A distinct feedback file name for each notebook: its path below the common folder
    (``relative_names``), made safe. A name that making safe changed ends in a hash of the
    original (so it cannot take a safe name's file); names still equal are told apart by a
    number (``~2``: ``~`` never survives making a name safe, so no submission's own name can
    take it)."""
    names, used = [], set()
    for relative in relative_names(notebooks):
        raw = str(Path(relative).with_suffix('')).replace('/', '__')
        base = re.sub(r'[^\w.-]+', '_', raw, flags=re.ASCII).strip('._')[:150] or 'notebook'
        if base != raw:
            digest = hashlib.sha256(raw.encode('utf-8', 'surrogateescape')).hexdigest()[:8]
            base = '%s-%s' % (base, digest)
        name, number = base, 1
        while name.lower() in used:  # case-insensitive file systems too
            number += 1
            name = '%s~%d' % (base, number)
        used.add(name.lower())
        names.append(name + '.md')
    return names


def feedback(notebook: str, rows: list[Row], sandboxed: bool) -> str:
    """A student's feedback, in Markdown: each exercise's result and message."""
    ok = sum(row.passed for row in rows)
    lines = ['# Feedback on %s' % markdown(notebook), '',
             '%d of %d exercises passed.' % (ok, len(rows)), '']
    for row in rows:
        # an indented code block: whatever the message holds, Markdown shows it as text
        lines += ['## Exercise %s: %s' % (markdown(row.exercise or '-'),
                                          'passed' if row.passed else 'not passed'),
                  '', '    ' + printable(' '.join(row.message.split())), '']
    if not sandboxed:
        lines += ['_Graded without a sandbox (--unsandboxed)._', '']
    return '\n'.join(lines)
