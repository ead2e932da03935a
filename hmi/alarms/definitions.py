"""Alarm definitions: declared once in resources/alarms.toml, checked against the tag registry.

A definition names a tag of the registry (its unit and range come from there, never from the
alarm file), a condition, a priority, a limit with a deadband, on- and off-delays, latching
and suppression-by-design conditions. `load_definitions` validates everything at start-up so
that a wrong file stops the program with a message naming the alarm, never a tick later.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from pathlib import Path

from hmi.core.tags import TAGS, Tag

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "resources" / "alarms.toml"


class Condition(StrEnum):
    HIGH = "high"
    HIGH_HIGH = "high_high"
    LOW = "low"
    LOW_LOW = "low_low"
    DEVIATION = "deviation"  # |value - setpoint_tag| > limit (limit in % of setpoint if relative)
    RATE = "rate"  # |d value / dt| > limit, per second
    BAD_QUALITY = "bad_quality"  # the tag's quality is not GOOD (or its value is not finite)
    DISCRETE = "discrete"  # value == limit (a 0/1 status tag)
    FLAG = "flag"  # a condition raised by the controller or the runtime, e.g. "gauge_bad"


class Priority(IntEnum):
    """Lower number, more urgent (ISA-18.2 / EEMUA 191 practice)."""

    CRITICAL = 1
    HIGH = 2
    MEDIUM = 3
    LOW = 4

    @property
    def label(self) -> str:
        return self.name.lower()


# Suppression-by-design conditions the engine knows how to evaluate, besides "alarm:<name>"
# (suppressed while that alarm is active: a consequence of a fault already annunciated).
SUPPRESSIONS = ("line_stopped", "line_starting", "grade_change", "refilling")


class DefinitionError(ValueError):
    """An alarm file or definition is invalid; the message names the alarm and the field."""


@dataclass(frozen=True, slots=True)
class AlarmDefinition:
    name: str
    tag: str  # a registry tag: shown value, unit and range (for FLAG alarms: the tag to show)
    condition: Condition
    priority: Priority
    message: str
    limit: float = math.nan
    deadband: float = 0.0
    on_delay_s: float = 0.0
    off_delay_s: float = 0.0
    latching: bool = False
    setpoint_tag: str = ""  # DEVIATION: the reference tag
    limit_tag: str = ""  # DEVIATION: take the limit from this tag (e.g. a tolerance setpoint)
    relative: bool = False  # DEVIATION: limit in % of the setpoint
    direction: str = "both"  # DEVIATION: "both", "low" (value below setpoint) or "high"
    flag: str = ""  # FLAG: the condition name
    suppress_when: tuple[str, ...] = field(default=())
    refill_tag: str = ""  # for suppress_when = "refilling": the status tag

    @property
    def unit(self) -> str:
        return "%" if self.relative else TAGS[self.tag].unit

    def tag_def(self) -> Tag:
        return TAGS[self.tag]


def _check(d: AlarmDefinition) -> AlarmDefinition:
    where = f"alarm {d.name!r}"
    for label, name in (
        ("tag", d.tag),
        ("setpoint_tag", d.setpoint_tag),
        ("limit_tag", d.limit_tag),
        ("refill_tag", d.refill_tag),
    ):
        if name and name not in TAGS:
            raise DefinitionError(f"{where}: {label} {name!r} is not in the tag registry")
    if not d.tag:
        raise DefinitionError(f"{where}: needs a tag")
    needs_limit = d.condition not in (Condition.BAD_QUALITY, Condition.FLAG)
    if needs_limit and not d.limit_tag and not math.isfinite(d.limit):
        raise DefinitionError(f"{where}: condition {d.condition} needs a limit")
    if d.condition is Condition.DEVIATION and not d.setpoint_tag:
        raise DefinitionError(f"{where}: a deviation alarm needs setpoint_tag")
    if d.direction not in ("both", "low", "high"):
        raise DefinitionError(f"{where}: direction must be both, low or high")
    if d.condition is Condition.FLAG and not d.flag:
        raise DefinitionError(f"{where}: a flag alarm needs flag")
    if d.condition in (Condition.HIGH, Condition.HIGH_HIGH, Condition.LOW, Condition.LOW_LOW):
        t = TAGS[d.tag]
        if not t.low <= d.limit <= t.high:
            raise DefinitionError(
                f"{where}: limit {d.limit:g} is outside {d.tag}'s range "
                f"{t.low:g} to {t.high:g} {t.unit}"
            )
    if d.deadband < 0 or d.on_delay_s < 0 or d.off_delay_s < 0:
        raise DefinitionError(f"{where}: deadband and delays must be >= 0")
    for s in d.suppress_when:
        if s.startswith("alarm:") and s[6:]:
            continue  # checked against the whole list in load_definitions / the engine
        if s not in SUPPRESSIONS:
            raise DefinitionError(f"{where}: unknown suppression {s!r} ({', '.join(SUPPRESSIONS)})")
    if "refilling" in d.suppress_when and not d.refill_tag:
        raise DefinitionError(f"{where}: suppress_when 'refilling' needs refill_tag")
    return d


def definition(**fields: object) -> AlarmDefinition:
    """Build and check one definition from plain fields (as in the TOML file)."""
    data = dict(fields)
    try:
        data["condition"] = Condition(str(data["condition"]))
        data["priority"] = Priority[str(data["priority"]).upper()]
    except KeyError as exc:
        raise DefinitionError(f"alarm {data.get('name')!r}: missing or unknown {exc}") from None
    except ValueError as exc:
        raise DefinitionError(f"alarm {data.get('name')!r}: {exc}") from None
    data["suppress_when"] = tuple(data.get("suppress_when", ()))  # type: ignore[arg-type]
    data.setdefault("message", str(data.get("name", "")))
    try:
        d = AlarmDefinition(**data)  # type: ignore[arg-type]
    except TypeError as exc:
        raise DefinitionError(f"alarm {data.get('name')!r}: {exc}") from None
    return _check(d)


def _expand(entry: dict[str, object]) -> list[dict[str, object]]:
    """`for_each = {feeder = ["active", ...]}` repeats an entry with "{feeder}" substituted."""
    loops = entry.pop("for_each", None)
    if not loops:
        return [entry]
    assert isinstance(loops, dict)
    ((key, values),) = loops.items()

    def sub(x: object, v: object) -> object:
        if isinstance(x, str):
            return x.replace("{" + key + "}", str(v))
        if isinstance(x, list):
            return [sub(y, v) for y in x]
        return x

    return [{k: sub(x, v) for k, x in entry.items()} for v in values]


def load_definitions(path: Path = DEFAULT_FILE) -> tuple[AlarmDefinition, ...]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DefinitionError(f"{path}: {exc}") from exc
    defaults = dict(data.get("defaults", {}))
    result: list[AlarmDefinition] = []
    for entry in data.get("alarm", []):
        for item in _expand(dict(entry)):
            result.append(definition(**{**defaults, **item}))
    names = [d.name for d in result]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise DefinitionError(f"{path}: duplicate alarm names {dupes}")
    for d in result:
        for s in d.suppress_when:
            if s.startswith("alarm:") and s[6:] not in names:
                raise DefinitionError(f"alarm {d.name!r}: suppress_when {s!r}: no such alarm")
    return tuple(result)
