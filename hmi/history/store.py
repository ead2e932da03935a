"""The embedded store: one SQLite file per installation, schema moved forward by migrations.

Everything the HMI keeps on disk (sampled process data, audit trail, alarm journal) lives
in `<data_dir>/hmi.sqlite3`, so a support engineer copies one file to take the whole history
of a line away. The schema only ever moves forward: each entry of `MIGRATIONS` is applied
once, in order, inside one transaction, and `schema_version` records how far a file has come.
Adding a table later is one appended string.
"""

from __future__ import annotations

import logging
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from hmi.core.files import make_private, make_private_dir

log = logging.getLogger(__name__)

DB_FILENAME = "hmi.sqlite3"

# How long a connection waits for another one's write lock before giving up. Long enough
# for a checkpoint or a concurrent batch, short enough that a stuck disk surfaces as an
# error in the writer thread instead of a hang.
BUSY_TIMEOUT_MS = 5000


def _append_only(table: str, why: str) -> str:
    """Triggers that refuse every UPDATE and DELETE on `table`, saying `why`."""
    return "".join(
        f"""
    CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
    BEGIN
        SELECT RAISE(ABORT, '{why}');
    END;
"""
        for verb in ("UPDATE", "DELETE")
    )


# Forward-only. Never edit or reorder an entry that has shipped: append a new one.
# Entry i (0-based) takes a file from schema version i to i + 1.
MIGRATIONS: tuple[str, ...] = (
    # 1: historian. Tag columns are added by the Historian itself (see historian.py) because
    # the tag set comes from the registry at runtime, not from a hand-written migration.
    """
    CREATE TABLE samples (
        wall_time REAL NOT NULL,  -- seconds since the epoch, for people and reports
        t_s REAL NOT NULL         -- runtime clock, may be simulated and faster than real time
    );
    CREATE INDEX samples_wall_time ON samples (wall_time);
    """,
    # 2: access control (hmi.security): users, security settings, the hash-chained audit
    # trail and its head. The triggers make the trail append-only for every client that does
    # not drop them; the hash chain detects the edits of one that does.
    """
    CREATE TABLE users (
        name TEXT PRIMARY KEY COLLATE NOCASE,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until REAL NOT NULL DEFAULT 0,
        created REAL NOT NULL,
        password_changed REAL NOT NULL,
        last_login REAL
    );
    CREATE TABLE security_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        time REAL NOT NULL,       -- epoch seconds, rounded to the microsecond
        user TEXT NOT NULL,
        role TEXT NOT NULL,
        action TEXT NOT NULL,
        details TEXT NOT NULL,    -- canonical JSON object
        reason TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE INDEX audit_time ON audit (time);
    CREATE INDEX audit_user ON audit (user);
    CREATE INDEX audit_action ON audit (action);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN
        SELECT RAISE(ABORT, 'the audit trail is append-only');
    END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN
        SELECT RAISE(ABORT, 'the audit trail is append-only');
    END;
    CREATE TABLE audit_head (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        last_id INTEGER NOT NULL,
        hash TEXT NOT NULL
    );
    """,
    # 3: alarm journal (hmi.alarms): every alarm transition and every operator action on an
    # alarm, append-only like the audit trail.
    """
    CREATE TABLE alarm_journal (
        id INTEGER PRIMARY KEY,
        wall_time REAL NOT NULL,  -- epoch seconds
        t_s REAL NOT NULL,        -- runtime clock
        alarm TEXT NOT NULL,
        tag TEXT NOT NULL,
        priority INTEGER NOT NULL, -- 1 critical .. 4 low
        event TEXT NOT NULL,      -- raised, cleared, acknowledged, shelved, ...
        state TEXT NOT NULL,      -- state after the event
        value REAL,               -- NULL: not a finite number
        limit_value REAL,
        occurrence INTEGER NOT NULL,
        user TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    CREATE INDEX alarm_journal_time ON alarm_journal (wall_time);
    CREATE INDEX alarm_journal_tag ON alarm_journal (tag);
    CREATE INDEX alarm_journal_alarm ON alarm_journal (alarm);
    CREATE TRIGGER alarm_journal_no_update BEFORE UPDATE ON alarm_journal
    BEGIN
        SELECT RAISE(ABORT, 'the alarm journal is append-only');
    END;
    CREATE TRIGGER alarm_journal_no_delete BEFORE DELETE ON alarm_journal
    BEGIN
        SELECT RAISE(ABORT, 'the alarm journal is append-only');
    END;
    """,
    # 4: recipes (hmi.recipes): every save an immutable version; states and production runs
    # as append-only events (the latest state row of a version is its state).
    """
    CREATE TABLE recipe_versions (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE,
        version INTEGER NOT NULL,
        content TEXT NOT NULL,    -- canonical JSON of the recipe
        hash TEXT NOT NULL,       -- sha256 of content
        author TEXT NOT NULL,
        time REAL NOT NULL,
        reason TEXT NOT NULL,
        UNIQUE (name, version)
    );
    CREATE TABLE recipe_states (
        id INTEGER PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES recipe_versions (id),
        state TEXT NOT NULL,      -- draft, approved, obsolete
        user TEXT NOT NULL,
        time REAL NOT NULL,
        audit_record INTEGER      -- the audit record (and signature record) behind it
    );
    CREATE INDEX recipe_states_version ON recipe_states (version_id);
    CREATE TABLE recipe_runs (
        id INTEGER PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES recipe_versions (id),
        wall_time REAL NOT NULL,  -- in force from here until the next row
        user TEXT NOT NULL
    );
    """
    + _append_only("recipe_versions", "a recipe version is immutable: save a new version")
    + _append_only("recipe_states", "recipe states are append-only")
    + _append_only("recipe_runs", "the production record is append-only"),
    # 5: the line's retained state (setpoints, mode, recipe, sequence): one row, replaced on
    # every change, read when the HMI starts (hmi/history/retained.py)
    """
    CREATE TABLE retained_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        saved_at REAL NOT NULL,   -- wall time of the change
        state TEXT NOT NULL       -- JSON
    );
    """,
    # 6: historian roll-up tiers (hmi/history/tiers.py): per-second and per-minute
    # min/mean/max of every tag; tag columns are added by the Historian, like samples'.
    """
    CREATE TABLE rollup_1s (
        wall_time REAL NOT NULL,  -- start of the bucket, epoch seconds
        samples INTEGER NOT NULL  -- raw rows in the bucket
    );
    CREATE INDEX rollup_1s_wall_time ON rollup_1s (wall_time);
    CREATE TABLE rollup_1min (
        wall_time REAL NOT NULL,
        samples INTEGER NOT NULL
    );
    CREATE INDEX rollup_1min_wall_time ON rollup_1min (wall_time);
    """,
    # 7: rolls (coils) and their CD x MD maps (hmi/quality/roll_store.py): one row per roll,
    # written once at the cut, never changed
    """
    CREATE TABLE rolls (
        id INTEGER PRIMARY KEY,
        start_wall REAL NOT NULL,
        end_wall REAL NOT NULL,
        recipe TEXT NOT NULL,
        recipe_version INTEGER,
        length_m REAL NOT NULL,
        cpk REAL,
        record TEXT NOT NULL      -- JSON of every figure of the roll
    );
    CREATE INDEX rolls_end_wall ON rolls (end_wall);
    CREATE TABLE roll_maps (
        roll_id INTEGER PRIMARY KEY REFERENCES rolls (id),
        positions_m TEXT NOT NULL, -- JSON list: metre of each row from the roll's start
        zones INTEGER NOT NULL,
        readings BLOB NOT NULL    -- float32 little-endian, rows x zones, mg/cm2
    );
    """
    + _append_only("rolls", "a roll record is never changed")
    + _append_only("roll_maps", "a roll map is never changed"),
)


class StoreError(OSError):
    """The store cannot be opened or migrated; the message names the path and the reason."""


def database_path(data_dir: Path) -> Path:
    """Where the store of `data_dir` lives."""
    return Path(data_dir) / DB_FILENAME


def ensure_writable_dir(data_dir: Path) -> Path:
    """Create `data_dir` if missing and prove we can create files in it.

    A real probe file rather than `os.access`, because read-only mounts, ACLs and root
    in containers all make `os.access` lie; SQLite in WAL mode needs to create its -wal and
    -shm files next to the database, so a writable file alone is not enough.
    """
    data_dir = Path(data_dir)
    try:
        make_private_dir(data_dir, holds=DB_FILENAME)
        with tempfile.TemporaryFile(dir=data_dir, prefix=".hmi-write-probe-"):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StoreError(f"data directory {data_dir} is not writable: {reason}") from exc
    return data_dir


def connect(db_path: Path, migrations: Sequence[str] = MIGRATIONS) -> sqlite3.Connection:
    """Open `db_path` with the store's settings and bring its schema up to date.

    The connection is in autocommit mode (`isolation_level=None`): callers open their own
    transactions with `BEGIN`, so a batch is exactly one transaction and nothing commits
    behind their back. `check_same_thread=False` lets a connection be created on one thread
    and used on another; each caller still uses a connection from one thread at a time.
    """
    db_path = Path(db_path)
    ensure_writable_dir(db_path.parent)
    try:
        # password hashes and the audit trail: readable by the HMI's account only. SQLite
        # gives its -wal and -shm files the database file's mode.
        for path in (db_path, *(db_path.with_name(db_path.name + s) for s in ("-wal", "-shm"))):
            if path == db_path or path.exists():
                make_private(path)
    except OSError as exc:
        raise StoreError(f"cannot open store {db_path}: {exc.strerror or exc}") from exc
    try:
        conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open store {db_path}: {exc}") from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # WAL: readers (trends, reports) never block the writer thread and vice versa.
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning(
                "store %s: journal_mode is %s, not wal; reads may block writes", db_path, mode
            )
        # NORMAL in WAL mode: a power cut may lose the last commits but never corrupts the
        # file, and it saves an fsync per batch.
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(conn, migrations)
    except StoreError as exc:
        conn.close()
        raise StoreError(f"store {db_path}: {exc}") from exc
    except sqlite3.Error as exc:
        conn.close()
        raise StoreError(f"cannot open store {db_path}: {exc}") from exc
    return conn


def open_store(data_dir: Path) -> sqlite3.Connection:
    """Open (creating if needed) the store of `data_dir`, migrated to the current schema."""
    return connect(database_path(ensure_writable_dir(data_dir)))


def schema_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the file; 0 for a file no migration has touched."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT version FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: sqlite3.Connection, migrations: Sequence[str] = MIGRATIONS) -> int:
    """Apply the migrations `conn`'s file has not seen yet; return the resulting version.

    All pending migrations run in one `BEGIN IMMEDIATE` transaction: the write lock is taken
    before the version is read, so two connections opening the store at once cannot both
    apply the same migration, and a failing migration leaves the file as it was.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        if row is None:
            conn.execute("INSERT INTO schema_version (version) VALUES (0)")
            current = 0
        else:
            current = int(row[0])
        if current > len(migrations):
            raise StoreError(
                f"schema version {current} is newer than this program knows "
                f"({len(migrations)}); refusing to use it with an older HMI"
            )
        for number, script in enumerate(migrations[current:], start=current + 1):
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute("UPDATE schema_version SET version = ?", (number,))
            log.info("store: applied migration %d", number)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return len(migrations)


def _statements(script: str) -> Iterator[str]:
    """Split an SQL script into statements.

    `executescript` would do this for us but commits any open transaction first, which
    would break the one-transaction guarantee of `migrate`. `complete_statement` knows about
    string literals and trigger bodies, so semicolons inside them do not split.
    """
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if _has_sql(buffer):
                yield buffer
            buffer = ""
    if _has_sql(buffer):
        raise ValueError(f"incomplete SQL statement in migration: {buffer.strip()!r}")


def _has_sql(text: str) -> bool:
    """True if `text` holds more than whitespace, `;` and `--` comments."""
    for line in text.splitlines():
        code = line.split("--", 1)[0].strip(" \t;")
        if code:
            return True
    return False
