"""The cyclic garbage collector's pauses, kept out of the control loop's deadlines.

CPython's collector runs in whichever thread happens to allocate when a generation fills up,
and it holds the GIL for the whole pass, which is one C call: nothing else runs in the
process until it ends. A full pass walks every tracked object. Measured here (/tmp/gccost.py,
the panel at 1280x800 on Trends, 8 pens over 8 h): 95,188 tracked objects (Qt wrappers,
pyqtgraph items, models, modules), one full pass 25-54 ms. perf caught such a pass
(`gc_collect_main`) running 65 ms in the history reader's thread while the control thread,
woken at its deadline, waited for the GIL: six deadlines missed at once.

Almost all of that heap is built at start-up and lives as long as the process. So the loop's
process collects once, before the loop starts, and freezes what is left (`gc.freeze`): later
passes walk only what was made since (133 objects after visiting every screen, a full pass
then under 0.1 ms). The collection comes first so that no garbage is frozen for good. Stopping
the loop thaws the heap: a process that builds and drops stacks (tests, a restart) is
collected as before.
"""

from __future__ import annotations

import gc


def freeze_heap() -> int:
    """Collect everything collectable, then freeze the rest; returns how many objects the
    collector now leaves alone. Call it before the control thread starts (it takes one full
    pass, ~50 ms here)."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def thaw_heap() -> None:
    """Give the frozen objects back to the collector (the oldest generation)."""
    gc.unfreeze()
