"""Recipe versions in the embedded store: append-only, enforced by the database (triggers, as
for the audit trail). A save, a state change and a load each commit in one transaction with
their audit record (they share the security service's connection), so a killed process leaves
either the old or the new version, never half of one."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from hmi.recipes.model import Recipe

STATES = ("draft", "approved", "obsolete")


@dataclass(frozen=True, slots=True)
class RecipeVersion:
    id: int
    name: str
    version: int
    recipe: Recipe
    hash: str
    author: str
    time: float
    reason: str
    state: str
    state_user: str  # who made it that state (the approver of an approved one)

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"


_SELECT = """
SELECT v.id, v.name, v.version, v.content, v.hash, v.author, v.time, v.reason,
       s.state, s.user
FROM recipe_versions v
JOIN recipe_states s ON s.id = (SELECT max(id) FROM recipe_states WHERE version_id = v.id)
"""


def _row(row: tuple) -> RecipeVersion:
    vid, name, version, content, digest, author, t, reason, state, user = row
    recipe = Recipe.model_validate(json.loads(content))
    return RecipeVersion(vid, name, version, recipe, digest, author, t, reason, state, user)


class RecipeStore:
    """Rows only; the caller (RecipeService) holds the transaction (inside an audit append)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def versions(
        self, name: str | None = None, material: str | None = None, state: str | None = None
    ) -> list[RecipeVersion]:
        sql, args = _SELECT, []
        if name is not None:
            sql += " WHERE v.name = ?"
            args.append(name)
        rows = [_row(r) for r in self.conn.execute(sql + " ORDER BY v.name, v.version", args)]
        return [
            r
            for r in rows
            if (material is None or r.recipe.material == material)
            and (state is None or r.state == state)
        ]

    def latest(self) -> list[RecipeVersion]:
        """The newest version of every recipe name."""
        newest: dict[str, RecipeVersion] = {}
        for v in self.versions():
            newest[v.name.lower()] = v
        return list(newest.values())

    def get(self, name: str, version: int | None = None) -> RecipeVersion | None:
        found = self.versions(name)
        if version is None:
            return found[-1] if found else None
        return next((v for v in found if v.version == version), None)

    def insert(self, recipe: Recipe, author: str, t: float, reason: str) -> tuple[int, int]:
        """A new version of `recipe.name` as a draft; returns (row id, version number)."""
        row = self.conn.execute(
            "SELECT coalesce(max(version), 0) FROM recipe_versions WHERE name = ?", (recipe.name,)
        ).fetchone()
        version = int(row[0]) + 1
        content = json.dumps(recipe.content(), sort_keys=True, separators=(",", ":"))
        cursor = self.conn.execute(
            "INSERT INTO recipe_versions (name, version, content, hash, author, time, reason) "
            "VALUES (?,?,?,?,?,?,?)",
            (recipe.name, version, content, recipe.content_hash(), author, t, reason),
        )
        vid = int(cursor.lastrowid)
        self.set_state(vid, "draft", author, t, None)
        return vid, version

    def set_state(
        self, version_id: int, state: str, user: str, t: float, audit_record: int | None
    ) -> None:
        if state not in STATES:
            raise ValueError(f"state: {state!r} is not one of {', '.join(STATES)}")
        self.conn.execute(
            "INSERT INTO recipe_states (version_id, state, user, time, audit_record) "
            "VALUES (?,?,?,?,?)",
            (version_id, state, user, t, audit_record),
        )

    def record_run(self, version_id: int, wall_time: float, user: str) -> None:
        self.conn.execute(
            "INSERT INTO recipe_runs (version_id, wall_time, user) VALUES (?,?,?)",
            (version_id, wall_time, user),
        )

    def runs(self) -> list[tuple[str, int, float, float | None, str]]:
        """(name, version, from, until or None if still in force, loaded by), oldest first."""
        rows = self.conn.execute(
            "SELECT v.name, v.version, r.wall_time, r.user FROM recipe_runs r "
            "JOIN recipe_versions v ON v.id = r.version_id ORDER BY r.id"
        ).fetchall()
        out = []
        for i, (name, version, t, user) in enumerate(rows):
            until = rows[i + 1][2] if i + 1 < len(rows) else None
            out.append((name, int(version), float(t), until, user))
        return out
