"""Book tooling for the minigluon workbook: live source display, exercise checks,
the student edition and the grader (``python -m minigluon_workbook --help``)."""
from .source import show_source

__all__ = ['show_source']
