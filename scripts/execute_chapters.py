"""Re-execute chapter notebooks in place, as nbval will, and store their outputs.

    python scripts/execute_chapters.py              # every chapters/*.ipynb
    python scripts/execute_chapters.py chapters/02_parameters.ipynb

Cells run with the working directory chapters/ (as in the book and in nbval). Per-cell
timing metadata is dropped so that re-running a notebook changes only what it prints.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name='python3',
                   resources={'metadata': {'path': str(path.parent)}}).execute()
    for cell in nb.cells:
        cell.metadata.pop('execution', None)
    nbformat.write(nb, path)


def main(paths: list[str]):
    for path in [Path(p) for p in paths] or sorted((ROOT / 'chapters').glob('*.ipynb')):
        print('executing', path)
        execute(path)


if __name__ == '__main__':
    main(sys.argv[1:])
