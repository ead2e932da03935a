"""The plant server: publishes the runtime's latest snapshot at `publish_hz` into the address
space of nodes.py, keeps one Part 9 condition per alarm definition current from the ISA-18.2
engine's summary (events, ConditionRefresh), and lets authenticated users write setpoints,
select a recipe, acknowledge and shelve alarms through the LineService (permission check +
audit). Anonymous sessions read and subscribe; their writes and method calls are refused (and
audited).

Runs in two threads of its own (asyncua's loop, the publisher); never in the control loop.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hmi.alarms.definitions import AlarmDefinition, load_definitions
from hmi.core.process import Quality
from hmi.core.roles import Role
from hmi.core.tags import TAGS, TagKind, TagRangeError
from hmi.hardware.opcua_adapter import (
    STATUS,
    STATUS_BAD,
    STATUS_GOOD,
    STATUS_UNCERTAIN,
    ConditionSpec,
    PasswordUsers,
    UaConditions,
    UaServer,
    ensure_certificate,
    trust_directory_validator,
)
from hmi.plantserver.alarms import AlarmPublisher, event_fields, normal_status
from hmi.plantserver.conditions import ConditionBook, ConditionMethods
from hmi.plantserver.nodes import (
    ITEM_STATE,
    ITEM_STATE_NAME,
    NODESETS,
    OPERATION_MODE,
    OPERATION_MODE_NAME,
    RECIPE_SELECT,
    line_variables,
    machine_spec,
    machinery_state,
    quality_variables,
    tag_variables,
)
from hmi.plantserver.settings import PlantServerSettings
from hmi.runtime.service import MAX_SHELVE_S
from hmi.security.passwords import verify_password
from hmi.security.session import PermissionDenied, Session

QUALITY_STATUS = {Quality.GOOD: STATUS_GOOD, Quality.UNCERTAIN: STATUS_UNCERTAIN,
                  Quality.BAD: STATUS_BAD}  # fmt: skip
APP_URI = "urn:dry-electrode-hmi:plant-server"


class PlantServer:
    def __init__(
        self,
        runtime: Any,  # latest() -> Snapshot | None
        security: Any,  # SecurityService: users, hasher, audit
        service_for: Callable[[Session], Any],  # Session -> LineService acting as that session
        settings: PlantServerSettings,
        data_dir: Path,
        *,
        recipes: Any = None,
        software: str = "",
        quality: Any = None,  # QualityService: latest() view with the headline figures
        alarm_definitions: Sequence[AlarmDefinition] | None = None,  # the engine's (None:
        # resources/alarms.toml, the file the engine reads)
    ) -> None:
        self.runtime, self.security, self.service_for = runtime, security, service_for
        self.settings, self.recipes, self.quality = settings, recipes, quality
        self.sessions: dict[str, Session] = {}  # OPC UA user name -> our session
        self.server = UaServer(settings.endpoint, settings.namespace_uri,
                               f"{settings.identification.model} (dry-electrode-hmi)")  # fmt: skip
        cert = None
        if any(p != "None" for p in settings.security):  # made on first start, kept after
            base = Path(data_dir) / "opcua"
            cert = ensure_certificate(base / "plant-server.der", base / "plant-server.pem",
                                      APP_URI, True)  # fmt: skip
        self.server.setup(security=settings.security, certificate=cert,
                          user_manager=PasswordUsers(self._authenticate),
                          anonymous=settings.anonymous_read, app_uri=APP_URI)  # fmt: skip
        if cert is not None and settings.trusted_clients_only:
            base = Path(data_dir) / "opcua"
            self.server.set_certificate_validator(
                trust_directory_validator(base / "trusted-clients", base / "rejected-clients")
            )
        variables = tag_variables() + line_variables(settings.identification, software)
        if quality is not None:  # the headline figures and the roll under way
            variables += quality_variables()
        self.server.add_variables(variables)
        self.server.add_machine(NODESETS, machine_spec(settings.identification, software))
        self.server.guard_writes(self._write)
        definitions = load_definitions() if alarm_definitions is None else alarm_definitions
        self.book = ConditionBook([d.name for d in definitions])
        self.condition_methods = ConditionMethods(self.book, self._service_for_user)
        specs = [ConditionSpec(d.name, d.tag if d.tag in TAGS else None,
                               event_fields(normal_status(d))) for d in definitions]  # fmt: skip
        self.conditions = UaConditions(self.server, "Line/Alarms", specs,
                                       self.condition_methods.call, self.book.issued,
                                       MAX_SHELVE_S * 1000.0)  # fmt: skip
        self.alarms = AlarmPublisher(lambda f: self.conditions.emit(f["ConditionName"], f))
        self._integrated_at: float | None = None
        self.totals = {"production.length_m": 0.0, "production.area_m2": 0.0,
                       "production.energy_kwh": 0.0}  # fmt: skip
        self.published = 0  # publish cycles
        self._last: dict[str, tuple[Any, int]] = {}  # key -> value, status last published
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ----- life cycle -----
    def start(self) -> None:
        self.server.start()
        self._thread = threading.Thread(target=self._run, name="opcua-plant", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
        self.server.stop()

    # ----- who may write -----
    def _authenticate(self, name: str, password: str) -> str | None:
        """Our own accounts (hmi users): the password checked against its hash; a disabled or
        locked account is refused. No account is built in: nobody writes until one exists."""
        user = self.security.users.get(name.strip())
        now = time.time()
        if user is None or user.disabled or user.locked(now):
            return None
        if not verify_password(self.security.hasher, user.password_hash, password):
            return None
        self.sessions[user.name] = Session(user.name, user.role)
        return user.role.label

    def _service_for_user(self, user: str | None) -> Any:
        """The LineService acting as that OPC UA user; anonymous (None) or unknown: a Viewer
        named opcua-anonymous, whose every action is refused and audited."""
        session = self.sessions.get(user) if user else None
        return self.service_for(session or Session("opcua-anonymous", Role.VIEWER))

    def _write(self, key: str, value: Any, user: str | None) -> int:
        service = self._service_for_user(user)
        try:
            if key == RECIPE_SELECT:
                name, _, version = str(value).rpartition("@")
                if not name or not version.isdigit() or self.recipes is None:
                    return STATUS["out_of_range"]
                service.load_recipe(self.recipes, name, int(version))
                return STATUS_GOOD
            tag = TAGS.get(key)
            if tag is None or tag.kind is not TagKind.SETPOINT or not tag.writable:
                return STATUS["not_writable"]
            if not isinstance(value, int | float) or isinstance(value, bool):
                return STATUS["type"]
            service.write_setpoint(key, float(value), "OPC UA")
            return STATUS_GOOD
        except PermissionDenied:
            return STATUS["denied"]
        except (TagRangeError, ValueError, LookupError):
            return STATUS["out_of_range"]
        except Exception:  # the trail could not be written: nothing was sent
            return STATUS["failed"]

    # ----- publishing -----
    def _run(self) -> None:
        period = 1.0 / self.settings.publish_hz
        next_at = time.monotonic()
        while not self._stop.is_set():
            try:
                self.publish_once()
            except Exception:  # a bad snapshot never ends the plant server
                pass
            next_at += period
            self._stop.wait(max(0.0, next_at - time.monotonic()))

    def publish_once(self) -> None:
        snap = self.runtime.latest()
        if snap is None:
            return
        stamp = snap.wall_time
        good, by_status = {}, {}
        for name, value in snap.values.items():
            if name not in TAGS:
                continue
            if TAGS[name].kind is TagKind.STATUS:
                value = bool(value >= 0.5) if math.isfinite(value) else False
            status = QUALITY_STATUS[snap.quality.get(name, Quality.GOOD)]
            if isinstance(value, float) and not math.isfinite(value):
                value, status = 0.0, STATUS_BAD
            (good if status == STATUS_GOOD else by_status.setdefault(status, {}))[name] = value
        good |= self._line_values(snap)
        if self.quality is not None:
            self._quality_values(good, by_status)
        # only what changed (value or status): an unchanged value keeps the source timestamp of
        # its last change, and the server's CPU (the control loop's GIL) is spent on news only
        self.server.publish(self._changed(good, STATUS_GOOD), source_time=stamp)
        for status, values in by_status.items():
            self.server.publish(self._changed(values, status), status=status, source_time=stamp)
        self.alarms.offer(snap.alarms, snap.values, stamp)
        self.conditions.count_down(self.alarms.unshelve_times(stamp))  # shelved ones only
        self.published += 1

    def _quality_values(self, good: dict[str, Any], by_status: dict[int, dict]) -> None:
        view = self.quality.view()
        for kpi in view.kpis:
            value = kpi.value
            if value is None or not math.isfinite(value):
                by_status.setdefault(STATUS_BAD, {})[f"kpi.{kpi.key}"] = 0.0
            else:
                good[f"kpi.{kpi.key}"] = float(value)
        good["quality.roll_number"] = int(view.roll_number)
        good["quality.roll_length_m"] = round(view.position_m - view.roll_start_m, 3)
        last = view.last_rolls[0].cpk if view.last_rolls else None
        if last is None:
            by_status.setdefault(STATUS_BAD, {})["quality.last_roll_cpk"] = 0.0
        else:
            good["quality.last_roll_cpk"] = float(last)

    def _changed(self, values: dict[str, Any], status: int) -> dict[str, Any]:
        out = {}
        for key, value in values.items():
            if self._last.get(key) != (value, status):
                self._last[key] = (value, status)
                out[key] = value
        return out

    def _line_values(self, snap: Any) -> dict[str, Any]:
        self._integrate(snap)
        alarms = snap.alarms.alarms
        item, operation = machinery_state(snap)
        return self.totals | {
            "state.item": ITEM_STATE[item],
            "state.operation": OPERATION_MODE[operation],
            "machinery.item_state": ITEM_STATE_NAME[item],
            "machinery.operation_mode": OPERATION_MODE_NAME[operation],
            "state.running": bool(snap.running),
            "state.mode": snap.mode,
            "state.tick": snap.tick & 0xFFFFFFFF,
            "recipe.name": snap.recipe_name,
            "recipe.version": -1 if snap.recipe_version is None else snap.recipe_version,
            "recipe.modified": bool(snap.recipe_modified),
            "alarms.active": sum(1 for a in alarms if a.annunciated),
            "alarms.unacknowledged": sum(1 for a in alarms if a.unacknowledged),
        }

    def _integrate(self, snap: Any) -> None:
        """Production counters from the snapshots: metres of web, m² of electrode, kWh."""
        t = snap.t_s
        if self._integrated_at is not None and t > self._integrated_at:
            dt = t - self._integrated_at
            speed = snap.values.get("line_speed_m_min", 0.0)
            width_m = snap.values.get("web_width_mm", 0.0) / 1000.0
            power = snap.values.get("line_power_kw", 0.0)
            if snap.running and math.isfinite(speed) and math.isfinite(width_m):
                metres = max(0.0, speed) / 60.0 * dt
                self.totals["production.length_m"] += metres
                self.totals["production.area_m2"] += metres * width_m
            if math.isfinite(power):
                self.totals["production.energy_kwh"] += max(0.0, power) * dt / 3600.0
        self._integrated_at = t
