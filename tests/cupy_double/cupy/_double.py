"""What the stand-in counts, for tests to read: copies between host and device, and waits."""
from __future__ import annotations

import collections

# 'to_device': host data copied to a device (asarray/array of NumPy data or Python lists);
# 'to_host': device data read on the host (get, asnumpy, item, tolist, bool, float, int, repr);
# 'synchronize': Device.synchronize() calls.
counts: collections.Counter = collections.Counter()


def reset() -> None:
    """Start counting from zero."""
    counts.clear()
