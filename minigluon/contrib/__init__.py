"""``mx.contrib``: of MXNet's contributed modules, only ``text``'s name (see contrib/text.py)."""
from . import text
