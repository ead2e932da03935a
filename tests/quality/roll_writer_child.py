"""Child process of test_roll_store: cuts 1 m rolls as fast as it can and commits each one,
printing its id and figures after the commit returns, until it is killed."""

import json
import sys
from pathlib import Path

import numpy as np

from hmi.quality.roll_store import RollStore
from hmi.quality.rolls import RollTracker


def main(db: str) -> None:
    store = RollStore(Path(db))
    out = sys.stdout

    def finished(record, roll_map):
        roll_id = store.add(record, roll_map)
        out.write(json.dumps([roll_id, record.number, record.length_m, record.energy_kwh]) + "\n")
        out.flush()

    tracker = RollTracker(1.0, 1.5, finished)
    tracker.set_context("kill test", 1, 30.0, 1000.0)
    t = 0.0
    while True:
        t += 0.1
        tracker.advance(t, t, tracker.position_m + 0.25, energy_kwh=0.01)
        tracker.add_zones(tracker.position_m, np.full(24, 30.0) + 0.01 * np.arange(24))


if __name__ == "__main__":
    main(sys.argv[1])
