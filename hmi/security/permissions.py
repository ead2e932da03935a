"""Who may do what: one table, action -> roles allowed (and whether a signature is required).

Roles are data here, not code spread through screens and services. A service that acts calls
`check(session, action)` (or an auditing wrapper of it); the UI greys out what `allowed` says
no to, but the service refuses whatever the UI shows.

Setpoint writes have one entry per writable tag, derived from the tag registry: the roles of
``setpoint.write.<tag>`` are the roles of the generic ``setpoint.write`` entry (who may write
setpoints at all) that also reach the tag's ``write_role`` (the registry's per-tag minimum, e.g.
``web_width_mm`` needs Engineer). The registry stays the one place that says who writes a tag;
this table never repeats it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from hmi.core.roles import Role
from hmi.core.tags import TAGS, TagKind


class Action(StrEnum):
    LINE_START = "line.start"
    LINE_STOP = "line.stop"
    LINE_MODE = "line.mode"
    LINE_MANUAL = "line.manual"
    SETPOINT_WRITE = "setpoint.write"
    ALARM_ACKNOWLEDGE = "alarm.acknowledge"
    RECIPE_LOAD = "recipe.load"
    RECIPE_EDIT = "recipe.edit"
    LIMITS_EDIT = "limits.edit"
    TUNING_EDIT = "tuning.edit"
    FAULT_INJECT = "fault.inject"
    RECIPE_APPROVE = "recipe.approve"
    RECIPE_OBSOLETE = "recipe.obsolete"
    ALARM_SHELVE = "alarm.shelve"
    ALARM_OUT_OF_SERVICE = "alarm.out_of_service"
    AUDIT_VIEW = "audit.view"
    AUDIT_EXPORT = "audit.export"
    USERS_MANAGE = "users.manage"
    PROFILES_MANAGE = "profiles.manage"
    PANEL_EXIT = "panel.exit"
    IO_FORCE = "io.force"
    ROLL_NEW = "roll.new"


@dataclass(frozen=True, slots=True)
class Permission:
    roles: frozenset[Role]
    description: str
    signature: str | None = None  # the meaning recorded with an electronic signature


def at_least(role: Role) -> frozenset[Role]:
    """The role and every role above it (the roles are ordered, see hmi.core.roles)."""
    return frozenset(r for r in Role if r >= role)


_OP, _ENG, _SUP, _ADM = Role.OPERATOR, Role.ENGINEER, Role.SUPERVISOR, Role.ADMINISTRATOR

# The table. A Viewer (nobody logged in) appears in no row: it can look and do nothing.
BASE: Mapping[str, Permission] = {
    Action.LINE_START: Permission(at_least(_OP), "start the line"),
    Action.LINE_STOP: Permission(at_least(_OP), "stop the line"),
    Action.LINE_MODE: Permission(at_least(_OP), "change the control mode"),
    Action.LINE_MANUAL: Permission(at_least(_OP), "drive the gap and the feed by hand (manual)"),
    Action.SETPOINT_WRITE: Permission(at_least(_OP), "change setpoints within their limits"),
    Action.ALARM_ACKNOWLEDGE: Permission(at_least(_OP), "acknowledge alarms"),
    Action.RECIPE_LOAD: Permission(at_least(_OP), "load an approved recipe"),
    Action.AUDIT_VIEW: Permission(at_least(_OP), "view the audit trail"),
    Action.ROLL_NEW: Permission(at_least(_OP), "cut a new roll before its length"),
    Action.RECIPE_EDIT: Permission(at_least(_ENG), "edit recipes"),
    Action.LIMITS_EDIT: Permission(at_least(_ENG), "edit equipment and recipe limits"),
    Action.TUNING_EDIT: Permission(at_least(_ENG), "change controller tuning"),
    Action.FAULT_INJECT: Permission(at_least(_ENG), "inject faults on the emulated line"),
    Action.IO_FORCE: Permission(at_least(_ENG), "force one output for a loop check"),
    Action.RECIPE_APPROVE: Permission(
        at_least(_SUP),
        "approve recipes",
        signature="Approval: I have reviewed this recipe and approve it for production",
    ),
    Action.RECIPE_OBSOLETE: Permission(at_least(_SUP), "make recipe versions obsolete"),
    Action.ALARM_SHELVE: Permission(at_least(_SUP), "shelve alarms"),
    Action.ALARM_OUT_OF_SERVICE: Permission(
        at_least(_SUP),
        "take alarms out of service",
        signature="Responsibility: I take this alarm out of service and answer for it",
    ),
    Action.AUDIT_EXPORT: Permission(at_least(_SUP), "export the audit trail"),
    Action.USERS_MANAGE: Permission(at_least(_ADM), "manage users and security settings"),
    Action.PROFILES_MANAGE: Permission(at_least(_ADM), "manage hardware profiles"),
    Action.PANEL_EXIT: Permission(at_least(_ADM), "leave the kiosk panel"),
}


def setpoint_action(tag_name: str) -> str:
    """The action of writing one setpoint tag, e.g. ``setpoint.write.web_width_mm``."""
    return f"{Action.SETPOINT_WRITE}.{tag_name}"


def _derived() -> dict[str, Permission]:
    base = BASE[Action.SETPOINT_WRITE]
    derived = {}
    for t in TAGS.values():
        if t.kind is TagKind.SETPOINT and t.write_role is not None:
            derived[setpoint_action(t.name)] = Permission(
                base.roles & at_least(t.write_role), f"change {t.description.lower()}"
            )
    return derived


PERMISSIONS: Mapping[str, Permission] = {**BASE, **_derived()}


def permission(action: str) -> Permission:
    try:
        return PERMISSIONS[action]
    except KeyError:
        raise KeyError(f"unknown action {action!r}") from None


def allowed(role: Role, action: str) -> bool:
    """True if `role` may perform `action` (an unknown action is allowed to nobody)."""
    found = PERMISSIONS.get(action)
    return found is not None and role in found.roles


def roles_text(roles: frozenset[Role]) -> str:
    """'Engineer or higher' for an upward-closed set, else the roles listed."""
    if not roles:
        return "nobody"
    lowest = min(roles)
    if roles == at_least(lowest):
        return lowest.label if lowest is max(Role) else f"{lowest.label} or higher"
    return ", ".join(r.label for r in sorted(roles))


def matrix() -> list[tuple[str, list[bool]]]:
    """The table as rows of (action, allowed per role in Role order), for docs and tests."""
    return [(a, [r in p.roles for r in Role]) for a, p in PERMISSIONS.items()]
