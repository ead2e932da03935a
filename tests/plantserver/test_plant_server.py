"""The plant server with our own asyncua client (node-opcua is in the interop test): roles
decide writes through the LineService, production counters, the certificate made on first
start, the setting off by default; the ISA-18.2 -> Part 9 mapping."""

from __future__ import annotations

import asyncio
import json
import math

import pytest
from asyncua import ua

from hmi.alarms.model import AlarmState, AlarmStatus, AlarmSummary
from hmi.plantserver import serve_stack
from hmi.plantserver.alarms import AlarmPublisher
from hmi.plantserver.settings import PlantServerError, load_settings
from tests.hardware.fieldbus_helpers import wait_until
from tests.plantserver.conftest import ADMIN, run_session


def _session(endpoint: str, user: str | None = None):
    def run(work):
        return run_session(
            endpoint,
            user,
            lambda client, ns: work(client, lambda s: client.get_node(f"ns={ns};s={s}")),
        )

    return run


async def _write(node, value, vtype=ua.VariantType.Double) -> str:
    try:
        await node.write_value(ua.DataValue(ua.Variant(value, vtype)))
    except ua.UaStatusCodeError as exc:
        return ua.StatusCode(exc.code).name
    return "Good"


def test_an_operator_writes_operator_setpoints_only(plant):
    stack, _, endpoint = plant

    async def work(client, node):
        return (
            await _write(node("Line.Tags.line_speed_sp_m_min"), 48.0),
            await _write(node("Line.Tags.web_width_mm"), 900.0),  # the engineer's
            await _write(node("Line.Tags.gap_os_um"), 100.0),  # measured: nobody writes it
            await _write(node("Line.Recipe.Select"), "no-such-recipe@1", ua.VariantType.String),
            await _write(node("Line.Recipe.Select"), "no version", ua.VariantType.String),
        )

    speed, width, measured, unknown, malformed = _session(endpoint, "mes")(work)
    assert speed == "Good"
    assert width == "BadUserAccessDenied"
    assert measured == "BadNotWritable"
    assert unknown.startswith("Bad") and malformed == "BadOutOfRange"
    wait_until(lambda: stack.runtime.latest().values["line_speed_sp_m_min"] == 48.0, 2.0, "sent")
    assert stack.runtime.latest().values["web_width_mm"] != 900.0
    records = stack.security.audit_records(ADMIN, user="mes", action="setpoint.write")
    details = [json.loads(r.details) if isinstance(r.details, str) else r.details for r in records]
    outcomes = {(d.get("tag"), d.get("outcome")) for d in details}
    assert ("web_width_mm", "denied") in outcomes  # refused, and the refusal audited
    assert ("line_speed_sp_m_min", None) in outcomes  # carried out, audited


def test_state_recipe_identification_and_production_counters(plant):
    stack, server, endpoint = plant

    async def work(client, node):
        names = ["Line.State.Running", "Line.State.MachineryItemState", "Line.State.ControlMode",
                 "Line.Recipe.Name", "Line.Identification.Model", "Line.Production.Length",
                 "Line.Production.Area"]  # fmt: skip
        first = [await node(n).read_value() for n in names]
        await asyncio.sleep(0.5)
        length2 = await node("Line.Production.Length").read_value()
        return first, length2

    (running, item, mode, recipe, model, length, area), length2 = _session(endpoint)(work)
    snap = stack.runtime.latest()
    assert running is True and item == 3  # Executing
    assert mode == snap.mode and recipe == snap.recipe_name and model
    speed_m_s = snap.values["line_speed_m_min"] / 60.0
    assert length2 > length > 0.0
    assert math.isclose(length2 - length, 0.5 * speed_m_s, rel_tol=0.5)
    assert math.isclose(area, length * snap.values["web_width_mm"] / 1000.0, rel_tol=0.05)
    # Basic256Sha256 endpoints: our certificate was made on first start, in the data directory
    assert (stack.data_dir / "opcua" / "plant-server.der").stat().st_size > 500


def test_headline_figures_and_the_roll_under_way_are_served(plant):
    stack, server, endpoint = plant
    wait_until(lambda: stack.quality.view().scans >= 1, 20.0, "a gauge scan (8 s a pass)")
    published = server.published
    wait_until(lambda: server.published > published + 1, 5.0, "a publish after the scan")
    names = [
        "Line.Quality.Throughput",
        "Line.Quality.CellEnergyPerYear",
        "Line.Quality.ArealMassCpk",
        "Line.Quality.RollNumber",
        "Line.Quality.RollLength",
    ]

    async def work(client, node):
        values = [await node(n).read_value() for n in names]
        unit = await node("Line.Quality.GapAccuracyOS").get_child("0:EngineeringUnits")
        return values, await unit.read_value()

    (throughput, gwh, cpk, roll, made), unit = _session(endpoint)(work)  # fmt: skip
    kpis = {k.key: k.value for k in stack.quality.view().kpis}
    assert throughput == pytest.approx(kpis["throughput_m2_h"], rel=0.02) and throughput > 0
    assert gwh == pytest.approx(kpis["cell_energy_gwh_year"], rel=0.02) and gwh > 0
    assert cpk == pytest.approx(kpis["areal_mass_cpk"], rel=0.05)
    assert roll == 1 and made > 0
    assert unit.DisplayName.Text == "µm"  # m²/h, GWh/year: no Rec. 20 code confirmed


def test_one_condition_per_alarm_definition_of_the_engine(plant):
    stack, server, _ = plant
    assert set(server.conditions.node_ids) == {d.name for d in stack.runtime.alarms.definitions}


def test_the_plant_server_is_off_by_default_and_its_setting_is_checked(tmp_path):
    assert load_settings(tmp_path).enabled is False

    class NoStack:
        data_dir = tmp_path
        closers: list = []

    assert serve_stack(NoStack, None) is None and NoStack.closers == []
    with pytest.raises(PlantServerError, match="--opcua-server: 'http://x' is not opc.tcp"):
        load_settings(tmp_path, "http://x")
    (tmp_path / "opcua-server.toml").write_text("enabled = true\npublish_hz = 500\n")
    with pytest.raises(PlantServerError) as err:
        load_settings(tmp_path)
    assert "opcua-server.toml" in str(err.value) and "publish_hz" in str(err.value)


def _alarm(state: AlarmState, priority: int = 2, occurrence: int = 1) -> AlarmStatus:
    return AlarmStatus("gap_os_high", "gap_os_um", priority, state, "OS gap high", 0.0, 0.0,
                       "µm", 0.0, occurrence)  # fmt: skip


def test_isa_18_2_states_become_part_9_events_one_per_transition():
    sent: list[dict] = []
    publisher = AlarmPublisher(sent.append)
    states = [AlarmState.UNACK, AlarmState.ACKED, AlarmState.RTN_UNACK, AlarmState.SHELVED,
              AlarmState.SUPPRESSED, AlarmState.OUT_OF_SERVICE]  # fmt: skip
    for version, state in enumerate(states, start=1):
        publisher.offer(AlarmSummary(version, (_alarm(state),)), {})
        publisher.offer(AlarmSummary(version, (_alarm(state),)), {})  # same version: nothing
    publisher.offer(AlarmSummary(99, ()), {})  # back to normal
    assert len(sent) == len(states) + 1
    active = [(e["ActiveState/Id"], e["AckedState/Id"]) for e in sent[:3]]
    assert active == [(True, False), (True, True), (False, False)]
    assert sent[3]["ShelvingState/CurrentState"] == "TimedShelved"
    assert sent[3]["SuppressedOrShelved"]
    assert sent[4]["SuppressedState/Id"] and sent[5]["OutOfServiceState/Id"]
    assert sent[-1]["Retain"] is False and sent[-1]["ActiveState/Id"] is False
    assert {e["Severity"] for e in sent} == {700}  # high
    publisher.offer(AlarmSummary(100, (_alarm(AlarmState.UNACK, priority=1, occurrence=2),)), {})
    assert sent[-1]["Severity"] == 900
