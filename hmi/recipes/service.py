"""The recipe workflow: an Engineer writes (saves a draft version, imports), a Supervisor
approves with an electronic signature bound to that version's hash (or makes a version
obsolete), an Operator loads an approved version. Every action is checked here against the
permission table and audited with the version's hash; a refusal raises whatever the UI shows.
Every save and import is validated against the recipe's ranges and the machine's limits, and
loading validates again (the machine may have changed)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from hmi.hardware.limits import LimitsSection
from hmi.recipes.io import load_recipe_file, to_csv, to_json
from hmi.recipes.limits import machine_problems
from hmi.recipes.model import Recipe
from hmi.recipes.store import RecipeStore, RecipeVersion
from hmi.security.permissions import Action
from hmi.security.service import SecurityService, Signature
from hmi.security.session import Session


class RecipeError(ValueError):
    """A recipe action that cannot be done; the message says why in an operator's words."""


def signature_target(v: RecipeVersion) -> str:
    """What an approval signature is bound to: this name, version and content hash."""
    return f"recipe {v.ref} sha256:{v.hash}"


class RecipeService:
    def __init__(
        self,
        security: SecurityService,
        limits: LimitsSection | None = None,
        *,
        trim_width_frac: float = 0.03,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.security = security
        self.limits = limits or LimitsSection()
        self.trim_width_frac = trim_width_frac
        self.store = RecipeStore(security.audit.conn)
        self.clock = clock or security.clock or time.time

    # ----- reading (anyone at the panel) -----
    def list(self, material: str | None = None, state: str | None = None) -> list[RecipeVersion]:
        return [
            v
            for v in self.store.latest()
            if (material is None or v.recipe.material == material)
            and (state is None or v.state == state)
        ]

    def versions(self, name: str) -> list[RecipeVersion]:
        return self.store.versions(name)

    def get(self, name: str, version: int | None = None) -> RecipeVersion:
        found = self.store.get(name, version)
        if found is None:
            which = f"{name}@{version}" if version is not None else name
            raise RecipeError(f"no recipe {which}")
        return found

    def problems(self, recipe: Recipe) -> list[str]:
        """What this machine cannot do of `recipe` (empty: it can run it)."""
        return machine_problems(recipe, self.limits, self.trim_width_frac)

    # ----- engineer -----
    def save(self, session: Session, recipe: Recipe, reason: str = "") -> RecipeVersion:
        """Save `recipe` as a new draft version of its name (never overwrites)."""
        details = {"recipe": recipe.name, "hash": recipe.content_hash()}
        self.security.authorize(session, Action.RECIPE_EDIT, details, reason)
        self._check_machine(recipe)
        return self._insert(session, recipe, reason, "recipe.save")

    def import_file(self, session: Session, path: Path, reason: str = "") -> RecipeVersion:
        """Import a recipe JSON file as a new draft version (never overwrites one): every bad
        field is reported at once (RecipeFileError), the machine is checked as at save."""
        self.security.authorize(session, Action.RECIPE_EDIT, {"import": str(path)}, reason)
        recipe = load_recipe_file(path)
        self._check_machine(recipe)
        return self._insert(
            session, recipe, reason or f"imported from {Path(path).name}", "recipe.import"
        )

    def export_file(self, v: RecipeVersion, path: Path, csv: bool | None = None) -> None:
        """Write a version as JSON, or CSV (`csv`, or by default a .csv path)."""
        as_csv = Path(path).suffix.lower() == ".csv" if csv is None else csv
        text = to_csv(v.recipe) if as_csv else to_json(v.recipe) + "\n"
        Path(path).write_text(text, encoding="utf-8")

    def _insert(self, session: Session, recipe: Recipe, reason: str, action: str) -> RecipeVersion:
        made: list[tuple[int, int]] = []
        now = self.clock()

        def insert() -> None:
            made.append(self.store.insert(recipe, session.user, now, reason))

        details = {"recipe": recipe.name, "hash": recipe.content_hash()}
        self.security.audit.record(session, action, details, reason, apply=insert)
        return self.get(recipe.name, made[0][1])

    def _check_machine(self, recipe: Recipe) -> None:
        problems = self.problems(recipe)
        if problems:
            raise RecipeError(f"{recipe.name}: this machine cannot run it: " + "; ".join(problems))

    # ----- supervisor -----
    def approve(
        self, session: Session, name: str, version: int, signature: Signature
    ) -> RecipeVersion:
        """Approve a draft with the approver's signature for exactly this version's hash."""
        v = self.get(name, version)
        details = {"recipe": v.ref, "hash": v.hash}
        self.security.authorize(session, Action.RECIPE_APPROVE, details)
        if v.state != "draft":
            raise RecipeError(f"{v.ref} is {v.state}; only a draft can be approved")
        self._check_machine(v.recipe)
        signed = self.security.redeem(
            signature, session, Action.RECIPE_APPROVE, signature_target(v)
        )
        details.update(signature_record=signed.record_id, signed_by=signed.user)
        return self._set_state(session, v, "approved", "recipe.approve", details, signed.reason)

    def obsolete(self, session: Session, name: str, version: int, reason: str) -> RecipeVersion:
        v = self.get(name, version)
        details = {"recipe": v.ref, "hash": v.hash}
        self.security.authorize(session, Action.RECIPE_OBSOLETE, details, reason)
        if not reason.strip():
            raise RecipeError("making a recipe obsolete needs a reason")
        if v.state == "obsolete":
            raise RecipeError(f"{v.ref} is already obsolete")
        return self._set_state(session, v, "obsolete", "recipe.obsolete", details, reason)

    def _set_state(
        self,
        session: Session,
        v: RecipeVersion,
        state: str,
        action: str,
        details: dict,
        reason: str,
    ) -> RecipeVersion:
        now = self.clock()
        record_id: list[int] = []

        def apply() -> None:
            last = self.security.audit.conn.execute("SELECT last_id FROM audit_head").fetchone()
            record_id.append(int(last[0]) + 1 if last else 1)  # the record committed with it
            self.store.set_state(v.id, state, session.user, now, record_id[0])

        self.security.audit.record(session, action, details, reason, apply=apply)
        return self.get(v.name, v.version)

    # ----- operator -----
    def loadable(self, session: Session, name: str, version: int | None = None) -> RecipeVersion:
        """The version an operator may load now: approved, and runnable on this machine."""
        v = self.get(name, version)
        self.security.authorize(session, Action.RECIPE_LOAD, {"recipe": v.ref, "hash": v.hash})
        if v.state != "approved":
            raise RecipeError(f"{v.ref} is {v.state}: only an approved version can be loaded")
        self._check_machine(v.recipe)
        return v

    def record_load(self, session: Session, v: RecipeVersion, wall_time: float) -> None:
        """Audit the load and start its production record (which version ran from when)."""
        details = {"recipe": v.ref, "hash": v.hash}
        self.security.audit.record(
            session,
            Action.RECIPE_LOAD,
            details,
            apply=lambda: self.store.record_run(v.id, wall_time, session.user),
        )
