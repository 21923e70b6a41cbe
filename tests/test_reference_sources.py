"""MXNet values that tests write out are in the committed recording they cite.

The recordings are what scripts/record_mxnet.py printed under MXNet 1.9.1 for the cases of
tests/differential/ (expected_<area>.json).
"""
from differential import recorded
from gluon_helpers import DEFERRED_MESSAGE, INIT_MESSAGE


def test_the_parameter_messages_are_the_recorded_ones():
    printed = recorded.stdout('oracle', 'uninitialized_errors')
    assert 'RuntimeError: ' + INIT_MESSAGE.format('dense0_weight') in printed
    assert 'DeferredInitializationError: ' + DEFERRED_MESSAGE.format('dense2_weight') in printed
