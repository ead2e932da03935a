"""A recipe's process settings on the emulated line: rolls heat to the new setpoint, the film
is densified and laminated at the new loads and temperature (downstream.finish), the energy
model takes the new lamination heat loss k·(T − T_amb)."""

from __future__ import annotations

import pytest

from hmi.plant import LFP, Equipment, Line
from hmi.plant.downstream import finish


def steady() -> Line:
    return Line.at_steady_state(LFP, Equipment(), 30.0, 50.0, seed=1)


def test_unchanged_settings_change_nothing():
    line = steady()
    eq = line.equipment
    assert not line.set_process_settings(roll_temperature_c=80.0, laminate_temperature_c=120.0)
    assert line.equipment is eq


def test_the_rolls_heat_towards_a_new_setpoint_with_their_lag():
    line = steady()
    assert line.set_process_settings(roll_temperature_c=85.0)
    assert line.rolls.temperature_sp_c == 85.0
    cmd = line.steady_commands()
    for _ in range(600):  # 60 s = one heater time constant
        line.step(0.1, cmd)
    assert line.rolls.temperature_c == pytest.approx(80.0 + 5.0 * (1 - 2.718281828**-1), abs=0.3)


def test_lamination_follows_the_compaction_law_at_the_new_settings():
    line = steady()
    line.set_process_settings(laminate_temperature_c=160.0, laminate_line_load_kn_mm=2.0)
    assert line.equipment.laminate_temperature_c == 160.0
    got = line.electrode
    r = line.transport.at_gauge()
    from hmi.plant.profile import mean_thickness_um, width_mean

    m, h = width_mean(r), mean_thickness_um(r)
    eps = 1.0 - m / (LFP.true_density_g_cm3 * 0.1 * h)
    expected = finish(LFP, line.equipment, m, eps, LFP.gamma_kn_mm * line.nip_gamma_rel)
    assert got.coating_thickness_um == pytest.approx(expected.coating_thickness_um)
    before = finish(LFP, Equipment(), m, eps, LFP.gamma_kn_mm * line.nip_gamma_rel)
    assert got.coating_thickness_um < before.coating_thickness_um  # hotter, harder: thinner


def test_the_energy_model_takes_the_lamination_heat_loss():
    line = steady()
    eq = line.equipment
    old = line.energy._lam_loss_kw
    line.set_process_settings(laminate_temperature_c=150.0)
    assert old == pytest.approx(eq.laminate_heat_loss_kw_k * (120.0 - eq.ambient_temperature_c))
    assert line.energy._lam_loss_kw == pytest.approx(
        eq.laminate_heat_loss_kw_k * (150.0 - eq.ambient_temperature_c)
    )


def test_an_impossible_setting_is_refused_and_nothing_changes():
    line = steady()
    with pytest.raises(ValueError, match="laminate_temperature_c"):
        line.set_process_settings(laminate_temperature_c=500.0)
    assert line.equipment.laminate_temperature_c == 120.0


def test_feeders_refill_between_the_new_levels_in_the_refill_time():
    line = steady()
    line.set_process_settings(hopper_refill_request_frac=0.4, hopper_refill_complete_frac=0.8)
    feeder = line.feeders["active"]
    eq = line.equipment
    assert feeder._request_kg == pytest.approx(0.4 * feeder.capacity_kg)
    assert feeder._complete_kg == pytest.approx(0.8 * feeder.capacity_kg)
    assert feeder._refill_kg_s == pytest.approx(0.4 * feeder.capacity_kg / eq.hopper_refill_time_s)
