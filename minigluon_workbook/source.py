"""Show the real source of minigluon objects in the book, read live from the package."""
from __future__ import annotations

import inspect
import textwrap


class Source:
    """Source code that notebooks render highlighted (HTML) and nbval compares as text."""

    def __init__(self, code: str, title: str):
        self.code = code
        self.title = title

    def __repr__(self):
        return '# %s\n%s' % (self.title, self.code)

    def _repr_html_(self):
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer
        formatter = HtmlFormatter(noclasses=True, style='friendly')
        return ('<div style="font-size:0.85em"><b>%s</b>%s</div>'
                % (self.title, highlight(self.code, PythonLexer(), formatter)))


def show_source(obj, member: str | None = None) -> Source:
    """The source of ``obj`` (a class, function or module), or of its ``member`` method."""
    target = getattr(obj, member) if member else obj
    code = textwrap.dedent(inspect.getsource(target)).rstrip('\n')
    module = inspect.getmodule(target).__name__
    name = getattr(target, '__qualname__', None)
    # No line numbers in the title: an edit elsewhere in the file must not change this output.
    return Source(code, '%s.%s' % (module, name) if name else module)
