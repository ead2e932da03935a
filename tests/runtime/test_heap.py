"""While the control loop runs, the collector leaves the start-up heap alone, so no full pass
over it holds the GIL for tens of milliseconds (hmi/core/heap.py); garbage made before the
start is collected, not frozen; stopping the loop gives the heap back to the collector."""

import gc
import weakref

from hmi.runtime import Runtime
from hmi.runtime.clock import RealClock
from tests.hardware.fieldbus_helpers import wait_until
from tests.runtime.fakes import EchoController, ScriptedProfile


class Node:
    """A container the collector tracks; two of them pointing at each other are a cycle."""

    def __init__(self) -> None:
        self.other: object = None


def cycle() -> tuple[Node, weakref.ref]:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return a, weakref.ref(b)


def test_the_loop_runs_with_the_start_up_heap_frozen_and_its_garbage_collected():
    long_lived = [[i] for i in range(20_000)]  # the panel's widgets, models, modules
    runtime = Runtime(ScriptedProfile(), EchoController(), clock=RealClock(), period_s=0.01)
    runtime.realtime_priority = False
    gc.disable()  # no automatic pass between here and the start: only the start's own
    dropped, dropped_ref = cycle()
    del dropped  # garbage already: only a collection frees a cycle
    kept, kept_ref = cycle()
    try:
        runtime.start()
        gc.enable()
        wait_until(lambda: runtime._ticks >= 3, 10.0, "three ticks")
        assert dropped_ref() is None, "garbage from before the start was frozen, not collected"
        assert runtime.heap_frozen >= len(long_lived) == 20_000
        walked = {id(o) for o in gc.get_objects()}
        assert not any(id(x) in walked for x in long_lived[::1000]), "a pass still walks them"
        del kept  # becomes garbage while the loop runs: frozen, so left alone
        gc.collect()
        assert kept_ref() is not None
    finally:
        gc.enable()
        runtime.stop()
    assert gc.get_freeze_count() == 0, "stop gives the heap back to the collector"
    gc.collect()
    assert kept_ref() is None, "a cycle dropped while the loop ran is collected after the stop"
