"""pytest plugin (loaded by pytest.ini): nbval compares floats in cells tagged `approx-floats` loosely.

A float32 matrix product sums in an order chosen by the BLAS kernel (OpenBLAS picks one per CPU type,
macOS uses Accelerate), so its last printed digit varies between machines. In a tagged cell every float
of the fresh output must lie within FLOAT_RTOL of the stored one (relative to the largest float of that
output), and everything else (text, integers, shapes, the number of values) must match exactly; the
stored output is then compared by nbval as usual. Untagged cells are compared digit for digit.
"""
from __future__ import annotations

import copy
import re

TAG = 'approx-floats'
# Summation-order noise seen across OpenBLAS kernels is ~3e-7 of the output's scale; a wrong value is far off.
FLOAT_RTOL = 1e-5
FLOAT = re.compile(r'[-+]?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?\d+[eE][-+]?\d+')


def floats_close(fresh: str, stored: str, rtol: float = FLOAT_RTOL) -> bool:
    """True if `fresh` is `stored` up to whitespace and float noise of `rtol` times the output's scale."""
    def skeleton(text):
        return [''.join(part.split()) for part in FLOAT.split(text)]
    if skeleton(fresh) != skeleton(stored):
        return False
    fresh_values = [float(v) for v in FLOAT.findall(fresh)]
    stored_values = [float(v) for v in FLOAT.findall(stored)]
    scale = max((abs(v) for v in stored_values), default=0.0)
    return all(abs(f - s) <= rtol * scale for f, s in zip(fresh_values, stored_values))


def _text_key(output) -> tuple[str, ...] | None:
    """Where an output keeps its text: a stream's text or a result's text/plain."""
    if output.get('output_type') == 'stream':
        return ('text',)
    if 'text/plain' in output.get('data', {}):
        return ('data', 'text/plain')
    return None


def _text(output, key):
    return output[key[0]] if len(key) == 1 else output[key[0]][key[1]]


def stored_text_if_close(fresh_outputs: list, stored_outputs: list) -> list:
    """The fresh outputs, each text that is float-close to its stored counterpart replaced by that."""
    result = []
    for fresh, stored in zip(fresh_outputs, stored_outputs):
        key = _text_key(fresh)
        if (key is not None and key == _text_key(stored) and fresh.get('name') == stored.get('name')
                and floats_close(_text(fresh, key), _text(stored, key))):
            fresh = copy.deepcopy(fresh)
            if len(key) == 1:
                fresh[key[0]] = _text(stored, key)
            else:
                fresh[key[0]][key[1]] = _text(stored, key)
        result.append(fresh)
    return result + list(fresh_outputs[len(stored_outputs):])


def pytest_collection_modifyitems(config, items):
    from nbval.plugin import IPyNbCell

    for item in items:
        if isinstance(item, IPyNbCell) and TAG in item.cell.metadata.get('tags', []):
            nbval_compare = item.compare_outputs

            def compare_outputs(test, ref, skip_compare=None, nbval_compare=nbval_compare):
                return nbval_compare(stored_text_if_close(test, ref), ref, skip_compare)

            item.compare_outputs = compare_outputs
