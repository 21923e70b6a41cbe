"""Differential cases for gluon: name -> snippet (see harness.py)."""
CASES = {
    'dense_repr': "print(nn.Dense(3, in_units=2))",
}
