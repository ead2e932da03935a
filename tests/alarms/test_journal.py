"""The alarm journal: every transition and action stored, queried and exported."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from hmi.alarms import AlarmJournal
from hmi.history.store import database_path
from tests.alarms.helpers import WALL0, Driver, high


@pytest.fixture
def journal(tmp_path: Path):
    j = AlarmJournal(database_path(tmp_path))
    yield j
    j.close()


def test_every_transition_and_action_is_stored(journal: AlarmJournal) -> None:
    d = Driver(high(), high(name="low_prio", priority="low", limit=1.0))
    d.engine.add_sink(journal.offer)
    d.run(0.01, bank_mass_kg=9.0)
    d.engine.acknowledge("bank_high", "op")
    d.engine.shelve("low_prio", "sup", 30.0, "known")
    d.run(0.01, bank_mass_kg=5.0)
    journal.sync()
    rows = journal.query()
    assert [(r.alarm, r.event, r.state, r.user) for r in rows] == [
        ("bank_high", "raised", "unacknowledged", ""),
        ("low_prio", "raised", "unacknowledged", ""),
        ("bank_high", "acknowledged", "acknowledged", "op"),
        ("low_prio", "shelved", "shelved", "sup"),
        ("bank_high", "cleared", "normal", ""),
    ]
    raised = journal.query(alarm="bank_high", event="raised")[0]
    assert raised.value == 9.0 and raised.limit == 8.0 and raised.tag == "bank_mass_kg"
    assert raised.wall_time == pytest.approx(WALL0 + 0.01) and raised.t_s == pytest.approx(0.01)
    assert journal.query(priority=4, state="shelved")[0].reason == "known"
    assert {r.alarm for r in journal.query(tag="bank_mass_kg")} == {"bank_high", "low_prio"}
    assert journal.query(since=WALL0 + 0.015) == [rows[-1]]
    assert journal.query(until=WALL0 + 0.015, alarm="bank_high")[0].event == "raised"
    assert journal.count() == len(d.events) == 5


def test_csv_export(journal: AlarmJournal, tmp_path: Path) -> None:
    d = Driver(high())
    d.engine.add_sink(journal.offer)
    d.run(0.01, bank_mass_kg=9.0)
    d.engine.acknowledge("bank_high", "op")
    journal.sync()
    path = tmp_path / "alarms.csv"
    assert journal.export_csv(path, alarm="bank_high") == 2
    with path.open() as f:
        rows = list(csv.DictReader(f))
    assert [r["event"] for r in rows] == ["raised", "acknowledged"]
    assert rows[0]["value"] == "9" and rows[0]["limit_value"] == "8" and rows[1]["user"] == "op"


def test_the_writer_thread_drains_and_the_journal_is_append_only(tmp_path: Path) -> None:
    j = AlarmJournal(database_path(tmp_path), flush_interval_s=0.01)
    j.start()
    d = Driver(high())
    d.engine.add_sink(j.offer)
    for _ in range(50):
        d.run(0.01, bank_mass_kg=9.0)
        d.run(0.01, bank_mass_kg=5.0)
    j.close()
    assert j.written == 100 and j.dropped == 0
    conn = sqlite3.connect(database_path(tmp_path))
    assert conn.execute("SELECT count(*) FROM alarm_journal").fetchone()[0] == 100
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM alarm_journal")


def test_a_full_queue_drops_the_oldest_and_counts(tmp_path: Path) -> None:
    j = AlarmJournal(database_path(tmp_path), max_queue=10)
    d = Driver(high())
    d.engine.add_sink(j.offer)
    for _ in range(10):
        d.run(0.01, bank_mass_kg=9.0)
        d.run(0.01, bank_mass_kg=5.0)
    assert j.queued == 10 and j.dropped == 10
    j.close()
    assert j.written == 10
