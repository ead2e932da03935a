"""The audit trail as CSV: one row per record, with the exact hashed fields, so a reviewer can
re-check the chain outside the HMI (sha256 of the JSON array described in hmi.security.audit)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from hmi.core.files import open_private
from hmi.security.audit import AuditRecord, time_text

CSV_COLUMNS = (
    "id",
    "local_time",
    "epoch_time",
    "user",
    "role",
    "action",
    "outcome",
    "details",
    "reason",
    "prev_hash",
    "hash",
)


def local_time(t: float) -> str:
    """ISO 8601 local time with its UTC offset, to the millisecond."""
    return dt.datetime.fromtimestamp(t).astimezone().isoformat(timespec="milliseconds")


def export_csv(records: Iterable[AuditRecord], path: Path) -> int:
    """Write `records` to `path` (UTF-8 with BOM, so spreadsheets read µ and ² right); return
    how many were written. Cells are exported as stored, never rewritten."""
    path = Path(path)
    count = 0
    with open_private(path, encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        for r in records:
            writer.writerow(
                (
                    r.id,
                    local_time(r.time),
                    time_text(r.time),
                    r.user,
                    r.role,
                    r.action,
                    r.outcome,
                    r.details,
                    r.reason,
                    r.prev_hash,
                    r.hash,
                )
            )
            count += 1
    return count


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_value(v)}" for k, v in value.items())
    return "—" if value is None else str(value)


def summary(record: AuditRecord) -> str:
    """The details in a line for people: 'line_speed_sp_m_min: 50 → 42.5 m/min'."""
    data = {k: v for k, v in record.data.items() if k != "outcome"}
    parts = []
    if "new" in data and ("old" in data or "unit" in data):
        unit = str(data.pop("unit", "") or "")
        change = f"{_value(data.pop('old'))} → " if "old" in data else ""
        text = f"{change}{_value(data.pop('new'))} {unit}".strip()
        tag = data.pop("tag", None)
        parts.append(f"{tag}: {text}" if tag else text)
    parts += [f"{k}: {_value(v)}" for k, v in data.items()]
    return "; ".join(parts)
