"""What MXNet 1.9.1 printed for a differential case (expected_<area>.json), for unit tests that
compare minigluon with a recorded value instead of writing the value out."""
import functools
import json
import os
import re

import numpy as np

DIFF = os.path.dirname(os.path.abspath(__file__))
_FLOAT = re.compile(r'-?(?:\d+\.\d*|\.\d+|\d+)(?:e[-+]?\d+)?')


@functools.lru_cache(maxsize=None)
def _recording(area: str) -> dict:
    with open(os.path.join(DIFF, f'expected_{area}.json'), encoding='utf-8') as f:
        return json.load(f)['cases']


def stdout(area: str, case: str) -> str:
    """What case ``case`` of cases_<area>.py printed on MXNet 1.9.1."""
    return _recording(area)[case]['stdout']


def after(area: str, case: str, label: str) -> str:
    """The text the case printed after ``label`` (up to the next line that starts with '--- ')."""
    text = stdout(area, case)
    return text[text.index(label) + len(label):].split('\n--- ', 1)[0]


def ndarray_after(area: str, case: str, label: str) -> np.ndarray:
    """The values of the NDArray whose repr the case printed right after ``label``."""
    text = after(area, case, label)
    values, tail = text.split('<NDArray ', 1)
    shape = tuple(int(n) for n in tail.split(' ', 1)[0].split('x'))
    return np.array(_FLOAT.findall(values), dtype=np.float32).reshape(shape)
