"""The control tick imports nothing: an import inside it is tens of milliseconds of GIL-held
work (numpy's percentile imported numpy.ma on the first late tick)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys
    from hmi.runtime import Runtime, SimClock
    from tests.runtime.fakes import EchoController, ScriptedProfile

    class LateClock(SimClock):  # every tick 3 ms late: the percentiles sort real lateness
        def sleep_until(self, deadline):
            super().sleep_until(deadline + 0.003)

    profile = ScriptedProfile()
    runtime = Runtime(profile, EchoController(), clock=LateClock())
    profile.connect()  # connecting may import (a driver's stack): not the tick's business
    before = set(sys.modules)
    snap = runtime.run_for(2.0)
    assert snap.timing.lateness_p99_ms > 1.0, snap.timing
    print(sorted(set(sys.modules) - before))
    """
)


def test_late_ticks_import_no_module() -> None:
    # a fresh interpreter: in this one another test may have imported everything already
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout
