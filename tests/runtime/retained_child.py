"""A runtime process for the retained-state test: the emulated line on the real clock with the
store in argv[1]; reads commands from stdin (one JSON object a line), answers each with the
snapshot's state as one JSON line once the command has taken effect."""

from __future__ import annotations

import json
import sys
import time

from hmi.history.retained import RetainedStore
from hmi.runtime import SetMode, StartLine, StopLine, WriteSetpoint
from hmi.runtime.commands import LoadRecipe
from tests.runtime.line import line_runtime


def state(runtime) -> dict:
    snap = runtime.latest()
    seq = snap.sequence
    return {
        "speed_sp": snap.value("line_speed_sp_m_min"),
        "target": snap.value("areal_mass_target_mg_cm2"),
        "mode": snap.mode,
        "recipe": [snap.recipe_name, snap.recipe_version],
        "line_state": seq.line_state,
        "sequence": seq.sequence,
        "last_stop": seq.last_stop,
        "run_cmd": snap.value("line_run_cmd"),
        "restored": snap.restored,
        "saves": runtime._retained_store.saves,
    }


def main() -> None:
    store = RetainedStore(sys.argv[1])
    running = sys.argv[2] == "running"
    runtime, profile, _ = line_runtime(running=running, retained=store)
    from hmi.runtime.clock import RealClock

    runtime.clock = RealClock()
    runtime.start()
    while runtime.latest() is None or not runtime._decided:
        time.sleep(0.01)
    print(json.dumps(state(runtime)), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        kind = cmd.pop("type")
        if kind == "setpoint":
            runtime.submit(WriteSetpoint(cmd["tag"], cmd["value"], "ann"))
        elif kind == "mode":
            runtime.submit(SetMode(cmd["mode"], "ann"))
        elif kind == "recipe":
            runtime.submit(LoadRecipe(cmd["name"], cmd["version"], "ab" * 32, (), (), "ann"))
        elif kind == "start":
            runtime.submit(StartLine("ann"))
        elif kind == "stop":
            runtime.submit(StopLine("ann", cmd["kind"]))
        time.sleep(0.2)  # a few ticks: applied and handed to the store's writer
        store.flush()
        print(json.dumps(state(runtime)), flush=True)


if __name__ == "__main__":
    main()
