"""Differential cases for nd / autograd: name -> snippet (see harness.py)."""
CASES = {
    'arange_int': "print(nd.arange(4))",
}
