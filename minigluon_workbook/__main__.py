"""``python -m minigluon_workbook``: the classroom tools.

    python -m minigluon_workbook student --out DIR [NOTEBOOK...]
    python -m minigluon_workbook grade NOTEBOOK_OR_FOLDER... --csv FILE [--teacher DIR] [--timeout S]
                             [--exercise-timeout S] [--memory-mb M] [--jobs N]
"""
from __future__ import annotations

import argparse
import sys

from . import grade, student


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='python -m minigluon_workbook',
        description='Classroom tools for the minigluon workbook: hand students notebooks '
                    'without solutions, and grade their submissions.')
    commands = parser.add_subparsers(dest='command', metavar='COMMAND')
    student.add_arguments(commands.add_parser(
        'student', help='write the student edition (solutions removed, outputs cleared)',
        description='Write the student edition of every chapter (or of the notebooks named): '
                    'solution regions become `# YOUR CODE HERE` / `raise NotImplementedError()`, '
                    'outputs are cleared, check cells are kept.'))
    grade.add_arguments(commands.add_parser(
        'grade', help='run submissions in a sandbox, judge their checks\' data, write a CSV',
        description='Execute each submitted notebook in a sandbox (bubblewrap: no teacher '
                    'edition, no class folder, no network; time and memory limited per '
                    'exercise), have the teacher edition\'s checks observe the answers on '
                    'inputs drawn now, judge that data here, and write one CSV row per '
                    'notebook and exercise and one feedback file per notebook.'))
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, 'func', None):
        parser.print_help()
        return 2
    return args.func(args)


if __name__ == '__main__':
    sys.exit(main())
