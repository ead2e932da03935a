"""The machine's own floor under a lateness case: what a loop with nothing in its way misses.

One bare loop per CPU, each in a process of its own (its own GIL, no other thread), pinned to
its CPU, at SCHED_FIFO just below the control loop, sleeping to the same absolute 10 ms
deadlines and doing nothing else. A deadline it misses was missed by the machine: on this
virtual machine that is its host not running the virtual CPU (steal) or waking it late, which
no code of ours can prevent. benchmarks.trend_lateness runs the probes during every measured
window and reports their overruns beside the runtime's, so a row says whose miss it was.

Run alone: `python -m benchmarks.floor_probe --seconds 20 --cpu 0` prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

FIFO_PRIORITY = 29  # below the control loop's 30 (hmi/core/priority.py): never ahead of it
PERIOD_S = 0.01
STALL_S = 0.003  # a wake-up this late is the machine stalling


def probe(seconds: float, cpu: int | None, delay_s: float = 0.0) -> dict:
    """After `delay_s`, sleep to `seconds` worth of deadlines; the lateness of each wake-up,
    summarised."""
    time.sleep(delay_s)
    got = "normal"
    if hasattr(os, "sched_setaffinity") and cpu is not None:
        os.sched_setaffinity(0, {cpu})
    if hasattr(os, "sched_setscheduler"):
        try:
            os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(FIFO_PRIORITY))
            got = f"SCHED_FIFO {FIFO_PRIORITY}"
        except OSError:
            pass
    n = int(seconds / PERIOD_S)
    late = [0.0] * n
    t0 = time.perf_counter()
    for k in range(n):
        deadline = t0 + (k + 1) * PERIOD_S
        wait = deadline - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        late[k] = time.perf_counter() - deadline
    # when the machine stalled (clock s at the wake-up, lateness s): lined up with the
    # runtime's overruns by trend_lateness; perf_counter is the same clock in every process
    stalls = [(t0 + (k + 1) * PERIOD_S + x, x) for k, x in enumerate(late) if x >= STALL_S]
    late.sort()
    return {
        "cpu": cpu,
        "priority": got,
        "ticks": n,
        "overruns": sum(1 for x in late if x >= PERIOD_S),
        "p99_ms": round(late[int(n * 0.99)] * 1e3, 3),
        "max_ms": round(late[-1] * 1e3, 3),
        "stalls": stalls,
    }


class FloorProbes:
    """One probe process per CPU this process may use, started together; each measures
    `seconds` after `delay_s` (started during a warm-up: forking the panel's big process
    would itself hold the GIL inside the measured window)."""

    def __init__(self, seconds: float, delay_s: float = 0.0) -> None:
        cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [None]
        self._procs = [
            subprocess.Popen(
                [sys.executable, "-m", "benchmarks.floor_probe", "--seconds", str(seconds)]
                + ["--delay", str(delay_s)]
                + ([] if cpu is None else ["--cpu", str(cpu)]),
                stdout=subprocess.PIPE,
                text=True,
            )
            for cpu in cpus
        ]

    def result(self) -> dict:
        """The probes' overruns summed, their worst lateness and every stall (waits for them
        to end)."""
        found = [json.loads(p.communicate(timeout=120)[0]) for p in self._procs]
        return {
            "floor_overruns": sum(r["overruns"] for r in found),
            "floor_max_ms": max(r["max_ms"] for r in found),
            "floor_p99_ms": max(r["p99_ms"] for r in found),
            "floor_stalls": sorted(s for r in found for s in r["stalls"]),
        }

    def stop(self) -> None:
        for p in self._procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def ours_alone(overrun_log: list, stalls: list, period_s: float = PERIOD_S) -> int:
    """The runtime's missed deadlines during which no probe stalled: each late tick (woken at
    t, late by l) is the stall [t - l, t]; it is the machine's when a probe's overlaps it."""
    missed = 0
    for t, late in overrun_log:
        if not any(p - lp <= t and p >= t - late for p, lp in stalls):
            missed += int(late // period_s)
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.floor_probe", description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--cpu", type=int, default=None, help="pin to this CPU")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before measuring")
    args = parser.parse_args(argv)
    print(json.dumps(probe(args.seconds, args.cpu, args.delay)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
