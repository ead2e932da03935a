"""What the screens and the plant server use of quality: the monitor's latest view, the roll
records, an operator's new roll (permission checked and audited here, whatever the UI shows)
and a roll's report files."""

from __future__ import annotations

from pathlib import Path

from hmi.quality.monitor import QualityMonitor, QualityView, RecipeFacts
from hmi.quality.report import write_csv, write_pdf
from hmi.quality.roll_store import RollStore
from hmi.quality.rolls import RollRecord
from hmi.security import Action
from hmi.security.audit import AuditTrail
from hmi.security.guard import authorize
from hmi.security.session import FixedSession, Session, SessionSource


class QualityService:
    def __init__(
        self,
        monitor: QualityMonitor,
        rolls: RollStore | None,
        session: Session | SessionSource,
        *,
        audit: AuditTrail | None = None,
        line_name: str = "",
        reports_dir: Path | None = None,
    ) -> None:
        self.monitor = monitor
        self.store = rolls
        self._sessions = FixedSession(session) if isinstance(session, Session) else session
        self.audit = audit
        self.line_name = line_name
        self.reports_dir = reports_dir  # where the panel writes roll reports

    @property
    def session(self) -> Session:
        return self._sessions.current

    def may_cut(self) -> bool:
        return self.session.may(Action.ROLL_NEW)

    def view(self) -> QualityView:
        return self.monitor.latest()

    def rolls(self, limit: int = 200) -> list[tuple[int, RollRecord]]:
        return self.store.rolls(limit) if self.store is not None else []

    def new_roll(self, reason: str = "") -> None:
        """Cut the roll under way now (raises PermissionDenied for a role that may not)."""
        session = self.session
        details = {"roll": self.monitor.latest().roll_number}
        authorize(self.audit, session, Action.ROLL_NEW, details, reason)
        if self.audit is not None:
            self.audit.record(session, Action.ROLL_NEW, details, reason)
        self.monitor.request_new_roll()

    def export(self, roll_id: int, folder: Path) -> tuple[Path, Path]:
        """Write roll `roll_id`'s report as CSV and PDF into `folder`; return both paths."""
        if self.store is None:
            raise LookupError("no roll store")
        record = self.store.get(roll_id)
        if record is None:
            raise LookupError(f"Roll {roll_id} is not in the store")
        roll_map = self.store.roll_map(roll_id)
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        stem = folder / f"roll-{roll_id:06d}"
        csv_path = write_csv(stem.with_suffix(".csv"), roll_id, record, roll_map)
        pdf_path = write_pdf(stem.with_suffix(".pdf"), roll_id, record, roll_map, self.line_name)
        return csv_path, pdf_path


def recipe_facts(recipes: object, name: str, version: int | None) -> RecipeFacts:
    """The roll length, material and active fraction of recipe `name` `version` from a
    recipe service (anything with `get(name, version)` returning a version with `.recipe`);
    the defaults when there is no such recipe (the profile's start-up, a deleted file)."""
    if not name or recipes is None:
        return RecipeFacts()
    try:
        recipe = recipes.get(name, version).recipe  # type: ignore[attr-defined]
    except Exception:  # unknown name or version: the defaults, stated on the screen
        return RecipeFacts()
    return RecipeFacts(recipe.roll_length_m, recipe.material, recipe.active_frac)
