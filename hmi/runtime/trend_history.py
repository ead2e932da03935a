"""History for the investigation trend: pen series from the historian, the markers that
explain a curve (alarms raised, recipe loads, setpoint changes) and the CSV export.

Read-only and Qt-free. Every call may take tens of milliseconds on a long range, so the
panel calls it from a worker thread, never from the thread that paints.
"""

from __future__ import annotations

import csv
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from hmi.alarms import load_definitions
from hmi.alarms.journal import AlarmJournal
from hmi.alarms.model import Event
from hmi.core.tags import TAGS
from hmi.history.store import connect
from hmi.runtime.pen_sets import PenSetStore
from hmi.runtime.trend_range import TimeRange, check_pens
from hmi.security.audit import AuditTrail
from hmi.security.permissions import Action

MAX_MARKERS = 500
# A CSV export of 8 h is seconds of pure Python on a worker thread. Against a thread that never
# waits, the control thread (and the GUI) sometimes lost the GIL for 20+ ms on 2 cores
# (faulthandler dumps of the late ticks in make bench-trends, all in this loop); a pause every
# few hundred rows leaves the GIL free for them.
EXPORT_PAUSE_ROWS = 500
EXPORT_PAUSE_S = 0.001


class PenHistory(Protocol):
    """What the trend needs of the historian (hmi.history.Historian)."""

    @property
    def tags(self) -> tuple[str, ...]: ...

    def query_many(
        self, tags: Sequence[str], since_wall: float, until_wall: float, max_points: int
    ) -> dict[str, tuple[list[float], list[float]]]: ...

    def query_table(
        self, tags: Sequence[str], since_wall: float, until_wall: float
    ) -> tuple[list[float], dict[str, list[float]]]: ...


@dataclass(frozen=True, slots=True)
class Marker:
    wall_time: float
    kind: str  # "alarm", "recipe", "setpoint"
    text: str


def pen_label(name: str) -> str:
    """`Areal mass at the gauge (mg/cm²)`: what a column or a legend entry says."""
    t = TAGS[name]
    return f"{t.description} ({t.unit})" if t.unit else t.description


def clock_text(wall_time: float, with_date: bool = True) -> str:
    local = time.localtime(wall_time)
    millis = int(round((wall_time - math.floor(wall_time)) * 1000)) % 1000
    stamp = time.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S", local)
    return f"{stamp}.{millis:03d}"


class TrendHistory:
    def __init__(
        self,
        historian: PenHistory,
        journal: AlarmJournal | None,
        audit_db: Path | None,
        pen_sets: PenSetStore,
        export_dir: Path,
    ) -> None:
        """`audit_db`: the store holding the audit trail. The trail is read through a
        connection of our own: the security service's is used by the GUI thread, and two
        threads on one sqlite3 connection at once can crash the interpreter."""
        self.historian = historian
        self.journal = journal
        self.audit = AuditTrail(connect(audit_db)) if audit_db is not None else None
        self.pen_sets = pen_sets
        self.export_dir = export_dir
        self._messages = {d.name: d.message for d in load_definitions()}

    def close(self) -> None:
        if self.audit is not None:
            self.audit.conn.close()

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(self.historian.tags)

    def series(
        self, pens: Sequence[str], span: TimeRange, width_px: int
    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Each pen over `span`, never more points than `width_px` (the historian picks the
        tier and keeps each pixel's min and max, so no spike is lost)."""
        chosen = check_pens(pens, self.tags)
        found = self.historian.query_many(chosen, span.start, span.end, max(2, int(width_px)))
        return {
            name: (np.asarray(t, dtype=float), np.asarray(v, dtype=float))
            for name, (t, v) in found.items()
        }

    def markers(self, span: TimeRange) -> list[Marker]:
        """Alarms raised, recipe loads and setpoint changes in `span`, oldest first."""
        found: list[Marker] = []
        if self.journal is not None:
            rows = self.journal.query(
                since=span.start, until=span.end, event=Event.RAISED.value, limit=MAX_MARKERS
            )
            for row in rows:
                message = self._messages.get(row.alarm, row.alarm)
                found.append(Marker(row.wall_time, "alarm", f"Alarm raised: {message}"))
        if self.audit is not None:
            for action in (Action.SETPOINT_WRITE, Action.RECIPE_LOAD):
                records = self.audit.records(
                    action=action, since=span.start, until=span.end, limit=MAX_MARKERS
                )
                found.extend(m for m in map(_audit_marker, records) if m is not None)
        found.sort(key=lambda m: m.wall_time)
        return found[-MAX_MARKERS:]

    def export_path(self, span: TimeRange, suffix: str) -> Path:
        """`<export dir>/trend-YYYYmmdd-HHMMSS<suffix>`, stamped with the range's end; the
        folder is made if missing."""
        self.export_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(span.end))
        return self.export_dir / f"trend-{stamp}{suffix}"

    def export_csv(self, pens: Sequence[str], span: TimeRange, path: Path | None = None) -> Path:
        """Write every pen over `span` as CSV (one clock-time column, a column per pen with
        its label and unit; empty where the value was bad) and return the file's path."""
        chosen = check_pens(pens, self.tags)
        times, columns = self.historian.query_table(chosen, span.start, span.end)
        path = path or self.export_path(span, ".csv")
        temporary = path.with_suffix(".partial")
        with temporary.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Time", *(pen_label(name) for name in chosen)])
            decimals = [TAGS[name].decimals + 2 for name in chosen]
            for index, wall in enumerate(times):
                if index % EXPORT_PAUSE_ROWS == EXPORT_PAUSE_ROWS - 1:
                    time.sleep(EXPORT_PAUSE_S)
                row = [clock_text(wall)]
                for name, places in zip(chosen, decimals, strict=True):
                    value = columns[name][index]
                    row.append(f"{value:.{places}f}" if math.isfinite(value) else "")
                writer.writerow(row)
        temporary.replace(path)  # a reader never sees half a file
        return path


def _audit_marker(record) -> Marker | None:
    data = record.data
    if data.get("outcome", "ok") != "ok":
        return None  # a refused attempt changed nothing on the line
    if record.action == Action.RECIPE_LOAD:
        return Marker(
            record.time, "recipe", f"Recipe loaded: {data.get('recipe')} by {record.user}"
        )
    name = str(data.get("tag", ""))
    t = TAGS.get(name)
    if t is None:
        return None
    old = data.get("old")
    old_text = t.format(float(old)) if isinstance(old, int | float) else "----"
    new = data.get("new")
    new_text = t.format(float(new)) if isinstance(new, int | float) else "----"
    return Marker(
        record.time,
        "setpoint",
        f"{t.description}: {old_text} → {new_text} {t.unit}".rstrip() + f", by {record.user}",
    )
