"""Benchmarks of minigluon against a hand-written NumPy floor, PyTorch and Apache MXNet 1.x."""
