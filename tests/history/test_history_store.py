"""The embedded store: pragmas, forward-only migrations, clear errors for bad directories."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest

from hmi.history import store
from hmi.history.store import StoreError, connect, open_store, schema_version

M1 = "CREATE TABLE a (x INTEGER);"
M2 = """
-- semicolons in literals and trigger bodies must not split statements
CREATE TABLE b (note TEXT DEFAULT 'one; two');
CREATE TRIGGER b_copy AFTER INSERT ON b BEGIN
    INSERT INTO a (x) VALUES (1);
END;
"""


def test_open_store_creates_directory_with_wal_and_normal_sync(tmp_path: Path) -> None:
    data_dir = tmp_path / "nested" / "data"
    conn = open_store(data_dir)
    try:
        assert (data_dir / store.DB_FILENAME).is_file()
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert schema_version(conn) == len(store.MIGRATIONS)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert {"schema_version", "samples", "samples_wall_time"} <= tables
    finally:
        conn.close()
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".hmi-write-probe-")]


def test_migrations_apply_once_and_version_survives_reopen(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    conn = connect(db, migrations=[M1])
    conn.execute("INSERT INTO a (x) VALUES (7)")
    assert schema_version(conn) == 1
    conn.close()

    # Reopening with the same list applies nothing (re-running M1 would fail: table exists).
    conn = connect(db, migrations=[M1])
    assert schema_version(conn) == 1
    conn.close()

    # Appending one migration is all a later feature needs.
    conn = connect(db, migrations=[M1, M2])
    assert schema_version(conn) == 2
    assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == 1
    conn.execute("INSERT INTO b DEFAULT VALUES")
    assert conn.execute("SELECT note FROM b").fetchone()[0] == "one; two"
    assert sorted(r[0] for r in conn.execute("SELECT x FROM a")) == [1, 7]
    conn.close()


def test_failing_migration_leaves_file_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    connect(db, migrations=[M1]).close()
    broken = "CREATE TABLE c (y INTEGER); INSERT INTO no_such_table VALUES (1);"
    with pytest.raises(StoreError, match=re.escape(str(db))):
        connect(db, migrations=[M1, broken])
    conn = connect(db, migrations=[M1])
    assert schema_version(conn) == 1
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "c" not in names
    conn.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    connect(db, migrations=[M1, M2]).close()
    with pytest.raises(StoreError, match="newer than this program"):
        connect(db, migrations=[M1])


def test_directory_that_cannot_be_created_names_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory should go")
    data_dir = blocker / "data"
    with pytest.raises(StoreError) as info:
        open_store(data_dir)
    assert str(data_dir) in str(info.value)
    assert "not writable" in str(info.value)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores mode bits")
def test_read_only_directory_names_the_path(tmp_path: Path) -> None:
    data_dir = tmp_path / "ro"
    data_dir.mkdir()
    data_dir.chmod(0o500)
    try:
        with pytest.raises(StoreError, match=re.escape(str(data_dir))):
            open_store(data_dir)
    finally:
        data_dir.chmod(0o700)


def test_store_error_is_an_oserror(tmp_path: Path) -> None:
    """Startup code that already handles OSError for the data directory catches it too."""
    blocker = tmp_path / "f"
    blocker.write_text("")
    with pytest.raises(OSError):
        open_store(blocker)


def test_sqlite_state_after_open_is_autocommit(tmp_path: Path) -> None:
    conn = open_store(tmp_path)
    assert conn.isolation_level is None
    assert not conn.in_transaction
    other = sqlite3.connect(tmp_path / store.DB_FILENAME)
    other.execute("BEGIN IMMEDIATE")  # no lock left behind by the migration
    other.rollback()
    other.close()
    conn.close()


# SQLite's unix VFS: the first-user ("DMS") lock byte of the -shm file. A process that can take
# it exclusively believes it is the only user and truncates the -shm under everyone's mapping.
SHM_DMS_BYTE = 128

TAKE_DMS = f"""
import fcntl, sys
with open(sys.argv[1], "r+b") as shm:
    try:
        fcntl.lockf(shm, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, {SHM_DMS_BYTE})
    except OSError:
        print("held")
    else:
        print("free")
"""


@pytest.mark.skipif(os.name != "posix", reason="POSIX advisory locks")
def test_opening_another_connection_keeps_the_process_sqlite_locks(tmp_path: Path) -> None:
    """Every stack component opens its own connection to the one file. Opening one must not
    drop the locks the others hold: closing any descriptor of a file releases all of a
    process's POSIX locks on it, and a reader in another process (a report, the plant
    server, a test) then truncates the -shm under the HMI: SIGBUS (seen in CI)."""
    import subprocess
    import sys

    db = tmp_path / "data" / store.DB_FILENAME
    first = connect(db)
    try:
        first.execute("SELECT count(*) FROM samples").fetchone()  # maps the -shm
        shm = db.with_name(db.name + "-shm")

        def dms() -> str:
            done = subprocess.run(
                [sys.executable, "-c", TAKE_DMS, str(shm)], capture_output=True, text=True
            )
            assert done.returncode == 0, done.stderr
            return done.stdout.strip()

        assert dms() == "held"  # the check can fail: the lock is there to be lost
        second = connect(db)
        try:
            assert dms() == "held"
        finally:
            second.close()
    finally:
        first.close()
