"""Child process for the SIGKILL test: appends audit records in a loop and prints each id
after its commit returned.   python -m tests.security.audit_writer DATA_DIR NAME"""

from __future__ import annotations

import sys
from pathlib import Path

from hmi.history.store import connect, database_path
from hmi.security.audit import AuditTrail


def main(data_dir: str, name: str) -> None:
    trail = AuditTrail(connect(database_path(Path(data_dir))))
    n = 0
    while True:
        n += 1
        details = {"tag": "line_speed_sp_m_min", "old": n - 1.0, "new": float(n), "unit": "m/min"}
        record = trail.append(name, "Operator", "setpoint.write", details, f"step {n}")
        print(record.id, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
