"""How tags become columns of the `samples` table, and what a column holds.

Kept apart from the historian so the SQL that depends on tag names lives in one place,
behind one validation: tag names are interpolated into SQL as identifiers, so only plain
lower-case identifiers get through.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Sequence

from hmi.core.process import Quality

Row = tuple[float | None, ...]  # (wall_time, t_s, value of each tag in tag order)

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*\Z")
_RESERVED = frozenset({"wall_time", "t_s", "rowid", "oid", "_rowid_"})


def checked_tags(tags: Sequence[str]) -> tuple[str, ...]:
    """Tags become column names, so they must be plain identifiers, unique, not reserved."""
    if isinstance(tags, str):
        raise TypeError("tags must be a sequence of tag names, not one string")
    result = tuple(tags)
    for tag in result:
        if not isinstance(tag, str) or not _IDENTIFIER.match(tag) or tag in _RESERVED:
            raise ValueError(f"tag name {tag!r} cannot be a historian column")
    duplicates = sorted({t for t in result if result.count(t) > 1})
    if duplicates:
        raise ValueError(f"duplicate tags: {', '.join(duplicates)}")
    return result


def quote(identifier: str) -> str:
    """Quote a name already passed through `checked_tags` (or a fixed column name)."""
    return f'"{identifier}"'


def insert_sql(tags: Sequence[str]) -> str:
    """The INSERT for a `Row` of these tags."""
    columns = ", ".join(quote(c) for c in ("wall_time", "t_s", *tags))
    marks = ", ".join("?" * (len(tags) + 2))
    return f"INSERT INTO samples ({columns}) VALUES ({marks})"


def stored(value: float | None, quality: int) -> float | None:
    """What goes into a tag column: the value, or NULL when it is bad or not a number."""
    if value is None or quality >= Quality.BAD:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def add_missing_columns(
    conn: sqlite3.Connection, tags: Sequence[str], rollup_tables: Sequence[str] = ()
) -> None:
    """Give every tag its columns: one in `samples`, min/mean/max in each roll-up table,
    adding those the file does not have yet.

    Not a migration because the tag set is the caller's (the registry's) and grows with
    the code; old rows read NULL (NaN) for a new tag, which is the truth: not recorded.
    Columns of tags no longer passed stay, with their data, and are simply not written.
    One IMMEDIATE transaction so two openers cannot both add the same column.
    """
    wanted = {"samples": list(tags)}
    for table in rollup_tables:
        wanted[table] = [f"{tag}__{stat}" for tag in tags for stat in ("min", "mean", "max")]
    conn.execute("BEGIN IMMEDIATE")
    try:
        for table, columns in wanted.items():
            have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            for column in columns:
                if column not in have:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {quote(column)} REAL")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
