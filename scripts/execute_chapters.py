"""Re-execute the book's notebooks in place, as nbval will, and store their outputs.

    python scripts/execute_chapters.py              # every chapters/*.ipynb and appendix/*.ipynb
    python scripts/execute_chapters.py chapters/02_parameters.ipynb

Cells run with the notebook's folder as working directory (as in the book and in nbval). Per-cell
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
    default = [p for folder in ('chapters', 'appendix')
               for p in sorted((ROOT / folder).glob('*.ipynb'))]
    for path in [Path(p) for p in paths] or default:
        print('executing', path)
        execute(path)


if __name__ == '__main__':
    main(sys.argv[1:])
