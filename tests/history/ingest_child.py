"""Child process of test_crash: ingests 10 Hz samples until it is killed, printing
"<written> <dropped>" whenever the historian's committed count changes."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from hmi.history import Historian
from tests.history.test_tiers import TAGS, _wall


def main(db: Path) -> None:
    h = Historian(db, TAGS, sample_period_s=0.1, batch_rows=50, flush_interval_s=0.02)
    h.start()
    k, reported = 0, -1
    while True:
        h.offer(k / 10, _wall(k), {"a": float(k), "b": -float(k)}, {})
        k += 1
        if k % 25 == 0:
            if h.written != reported:
                reported = h.written
                print(reported, h.dropped, flush=True)
            if h.queued > 2000:  # keep the queue from overflowing: nothing may be dropped
                time.sleep(0.001)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
