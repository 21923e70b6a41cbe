"""pytest plugin (loaded by pytest.ini): nbval compares the floats of `approx-floats` cells loosely.

A float32 matrix product sums in an order chosen by the BLAS kernel (OpenBLAS picks one per CPU
type, macOS uses Accelerate), and exp/log/tanh come from SIMD code NumPy picks per CPU (or from
the system's libm), so the last printed digit of such results varies between machines. In a
tagged cell each float of the fresh output may differ from the stored one by FLOAT_RTOL of the
output's largest float (the noise), plus one unit in the output's finest printed place (noise
that tips a rounded print such as '%.4f' to the next digit; at most COARSEST_FORGIVEN_PLACE of
that scale). Everything else (text, integers, shapes, the number of values) must match exactly.
A fresh output that passes is replaced by the stored one before nbval compares them, so nbval's
own diff reports whatever does not. Untagged cells are compared digit for digit.
"""
from __future__ import annotations

import copy
import re

TAG = 'approx-floats'
# Summation-order noise across OpenBLAS kernels is ~3e-7 of the output's scale; a bug is far off.
FLOAT_RTOL = 1e-5
COARSEST_FORGIVEN_PLACE = 1e-3  # '%.4f' of values from 0.1 up may tip; '[0.5 1.]' may not
FLOAT = re.compile(r'[-+]?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?\d+[eE][-+]?\d+')


def _places(token: str) -> tuple[bool, int, int]:
    """(in e-notation, the exponent, digits after the point) of a printed float."""
    mantissa, _, exponent = token.lower().partition('e')
    return bool(exponent), int(exponent or 0), len(mantissa.partition('.')[2])


def floats_close(fresh: str, stored: str, rtol: float = FLOAT_RTOL) -> bool:
    """True if `fresh` is `stored` up to whitespace and float noise (see the module's docstring)."""
    def skeleton(text):
        return [''.join(part.split()) for part in FLOAT.split(text)]
    if skeleton(fresh) != skeleton(stored):
        return False
    fresh_tokens, stored_tokens = FLOAT.findall(fresh), FLOAT.findall(stored)
    scale = max((abs(float(t)) for t in stored_tokens), default=0.0)
    places = [_places(t) for t in stored_tokens + fresh_tokens]
    # NumPy drops trailing zeros ('0.5', '2.'): a print's precision is the output's finest place.
    finest = {notation: max(d for n, _, d in places if n == notation) for notation, _, _ in places}
    for f, s in zip(fresh_tokens, stored_tokens):
        (e_notation, f_exponent, _), (_, s_exponent, _) = _places(f), _places(s)
        # The finer exponent: '0.0000e+00' forgives no more than the value it is compared with.
        place = 10.0 ** (min(f_exponent, s_exponent) - finest[e_notation])
        unit = min(place, COARSEST_FORGIVEN_PLACE * scale)
        if abs(float(f) - float(s)) > rtol * scale + unit * (1 + 1e-9):
            return False
    return True


def _text_slot(output) -> tuple[dict | None, str | None]:
    """(the dict holding an output's text, its key): a stream's text or a result's text/plain."""
    if output.get('output_type') == 'stream':
        return output, 'text'
    if 'text/plain' in output.get('data', {}):
        return output['data'], 'text/plain'
    return None, None


def stored_text_if_close(fresh_outputs: list, stored_outputs: list) -> list:
    """The fresh outputs, each text that is float-close to its stored counterpart replaced by it."""
    result = []
    for fresh, stored in zip(fresh_outputs, stored_outputs):
        (fresh_slot, key), (stored_slot, stored_key) = _text_slot(fresh), _text_slot(stored)
        if (key is not None and key == stored_key and fresh.get('name') == stored.get('name')
                and floats_close(fresh_slot[key], stored_slot[key])):
            fresh = copy.deepcopy(fresh)
            _text_slot(fresh)[0][key] = stored_slot[key]
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
