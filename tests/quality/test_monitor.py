"""The live quality monitor, fed process images as the control loop feeds it."""

import math

import numpy as np
import pytest

from hmi.alarms.model import AlarmSummary
from hmi.core.cd_profile import SCANS_KEY, profile_values, read_profile
from hmi.hardware import build_profile, load_profile
from hmi.quality.monitor import QualityMonitor, RecipeFacts
from tests.ui.recipe_stack import ROOT

DT = 0.01


class _Alarm:
    def __init__(self, name):
        self.name = name


class _Summary:  # the engine's summary: the same object until something changes
    def __init__(self, names):
        self.active = tuple(_Alarm(n) for n in names)


def _values(scans, zones, speed=60.0):
    v = {
        "line_speed_m_min": speed,
        "line_power_kw": 360.0,
        "feeder_active_flow_kg_h": 900.0,
        "feeder_carbon_flow_kg_h": 60.0,
        "feeder_binder_flow_kg_h": 40.0,
        "recycle_flow_kg_h": 30.0,
        "areal_mass_target_mg_cm2": 30.0,
        "areal_mass_tolerance_pct": 1.5,
        "web_width_mm": 1000.0,
        "areal_mass_mg_cm2": float(np.mean(zones)),
        "thickness_um": 150.0,
        "gap_os_um": 120.1,
        "gap_os_sp_um": 120.0,
        "gap_ds_um": 119.9,
        "gap_ds_sp_um": 120.0,
    }
    return v | profile_values(zones, scans)


def test_the_profile_keys_round_trip_and_the_emulated_line_carries_them():
    zones = 30.0 + 0.01 * np.arange(24)
    assert np.array_equal(read_profile(profile_values(zones, 3)), zones)
    assert read_profile({"areal_mass_mg_cm2": 30.0}) is None
    profile = build_profile(load_profile(ROOT / "hardware_profiles" / "emulated.toml"))
    profile.connect()
    image = profile.read(0.0)
    assert len(read_profile(image.values)) == 24 and SCANS_KEY in image.values


def test_scans_rolls_alarms_and_headline_figures():
    done = []
    summary = [_Summary(())]
    monitor = QualityMonitor(
        roll_finished=lambda r, m: done.append((r, m)),
        recipe=lambda: ("LFP 30", 4),
        recipe_facts=lambda name, version: RecipeFacts(50.0, "LFP", 0.95),
        alarms=lambda: summary[0],
    )
    zones = 30.0 + 0.05 * np.sin(np.arange(24))
    t, scans = 0.0, 0
    for tick in range(int(120 / DT)):  # 2 min at 60 m/min: 120 m, two 50 m rolls cut
        t = tick * DT
        if tick and tick % 800 == 0:  # a scan every 8 s
            scans += 1
        if tick == 1000:
            summary[0] = _Summary(("bank_high",))
        monitor.offer(t, 1e9 + t, _values(scans, zones), {})
    view = monitor.latest()
    assert view.scans == scans == 14 and view.rows.shape == (14, 24)
    assert [r.length_m for r, _ in done] == [50.0, 50.0]
    first, second = done[0][0], done[1][0]
    assert (first.recipe, first.recipe_version) == ("LFP 30", 4)
    assert first.alarms == ("bank_high",)  # raised at 10 s
    assert second.alarms == ("bank_high",)  # still active when the second roll started
    assert first.energy_kwh == pytest.approx(360 * 50 / 3600, rel=1e-3)  # 50 s of 360 kW
    assert first.area_m2 == pytest.approx(50 * 0.97) and first.width_mm == 970.0
    assert first.powder_kg == pytest.approx(1000 * 50 / 3600, rel=1e-3)
    assert first.mean_mg_cm2 == pytest.approx(float(np.mean(zones)), abs=1e-4)  # 4 decimals
    kpis = {k.key: k.value for k in view.kpis}
    # 60 m/min × 1 m less the 3 % edge trim: 3492 m²/h; 360 kW over it: 0.1031 kWh/m²
    assert kpis["throughput_m2_h"] == pytest.approx(3492.0, rel=1e-3)
    assert kpis["energy_kwh_m2"] == pytest.approx(360 / 3492, rel=1e-2)
    assert kpis["gap_accuracy_os_um"] == pytest.approx(0.1, abs=1e-6)  # |mean| + 3·0
    wh_m2 = float(np.mean(zones)) * 0.95 * 160 * 3.2 / 100
    assert kpis["cell_energy_gwh_year"] == pytest.approx(3492 * wh_m2 * 8760 * 0.85 / 1e9,
                                                         rel=1e-3)  # fmt: skip
    assert kpis["trim_recycled_pct"] == pytest.approx(3.0, rel=1e-3)
    assert math.isfinite(kpis["areal_mass_cpk"])


def test_an_operator_cut_comes_at_the_next_tick():
    done = []
    monitor = QualityMonitor(roll_finished=lambda r, m: done.append(r))
    zones = np.full(24, 30.0)
    for tick in range(200):
        if tick == 100:
            monitor.request_new_roll()
        monitor.offer(tick * DT, tick * DT, _values(0, zones), {})
    assert len(done) == 1 and done[0].cut == "operator"
    assert done[0].length_m == pytest.approx(99 * DT)  # 60 m/min = 1 m/s for 0.99 s


def test_summary_alarm_identity_is_checked_cheaply():
    monitor = QualityMonitor(alarms=lambda: AlarmSummary())
    monitor.offer(0.0, 0.0, _values(0, np.full(24, 30.0)), {})
    assert monitor.latest().scans == 0


def test_the_roll_length_comes_from_the_loaded_recipe():
    from types import SimpleNamespace

    from hmi.quality.service import recipe_facts

    recipe = SimpleNamespace(roll_length_m=750.0, material="NMC", active_frac=0.96)

    class Recipes:
        def get(self, name, version):
            if (name, version) != ("NMC 811", 2):
                raise LookupError(name)
            return SimpleNamespace(recipe=recipe)

    assert recipe_facts(Recipes(), "NMC 811", 2) == RecipeFacts(750.0, "NMC", 0.96)
    assert recipe_facts(Recipes(), "gone", 1) == RecipeFacts()  # the defaults, 2000 m
    loaded = [("", None)]
    monitor = QualityMonitor(recipe=lambda: loaded[0],
                             recipe_facts=lambda n, v: recipe_facts(Recipes(), n, v))  # fmt: skip
    monitor.offer(0.0, 0.0, _values(0, np.full(24, 30.0)), {})
    assert monitor.tracker.roll_length_m == 2000.0
    loaded[0] = ("NMC 811", 2)
    monitor.offer(0.01, 0.01, _values(0, np.full(24, 30.0)), {})
    assert monitor.tracker.roll_length_m == 750.0
