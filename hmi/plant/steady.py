"""Steady states of the line: the nip solved without time passing, and the running equilibrium.

`settle_nip(line)` solves nip 1 for the present bank, actuator positions and gap offsets,
iterating the roll bending b = F_total/k_bend to its fixed point (it converges in a few
iterations: b changes the half-width gap by 2b/3 and the force by far less than k_bend·b).

`steady_line(line, m, v)` puts a new line into the equilibrium that makes width-mean areal mass
m at speed v, so stepping it with `steady_commands()` leaves every state where it is:

* Rolls at their setpoint temperature, no thermal growth, no eccentricity.
* Gap S (both sides, rounded to the actuator resolution) from the nominal bank:
  S + (2/3)·b = m / (c_intake·ρ_bulk·0.1·φ(B_nom)), then b and the bank are solved so that
  intake equals the film exactly: φ = m / (c_intake·ρ_bulk·0.1·(S + (2/3)·b)),
  B = −B_c·ln(1 − φ).
* Film flow Q = 0.6·m·W·v; the edge trim returns Q_t = Q·(trimmed share of the profile) after
  the recycle delay, so the feeders deliver Q − Q_t (split by the formulation), each at rest in
  gravimetric mode at its present hopper level.
* Mixer hold-up Q·τ, conveyor and recycle delay lines full of their steady streams, mixer
  at its steady temperature.
* Transport full of the steady film; the gauge shows it without noise and starts a new pass
  at the OS edge.
"""

from __future__ import annotations

from math import log
from typing import TYPE_CHECKING

from hmi.plant.nip import intake_factor
from hmi.plant.profile import BEND_MEAN, Record, width_mean
from hmi.plant.transport import WebTransport
from hmi.plant.units import film_flow_kg_h

if TYPE_CHECKING:
    from hmi.plant.line import Line

_ITER = 100
_TOL_UM = 1e-12


def settle_nip(line: Line) -> Record:
    """Solve the nip (both sides, with bending) for the present state; return the record."""
    phi = intake_factor(line.bank_mass_kg, line._bank_scale_kg)
    line.intake_factor = phi
    k = line._intake_k * phi
    common = line.rolls.gap_offset_um
    s_os = max(line._act_os.position_um + common + line._null_os, 0.0)
    s_ds = max(line._act_ds.position_um + common + line._null_ds, 0.0)
    n_os, n_ds = line._nip_os, line._nip_ds
    b = line.bending_um
    for _ in range(_ITER + 1):  # the last pass solves with the converged b
        bb = BEND_MEAN * b
        sh_os = 0.75 * s_os + 0.25 * s_ds + bb  # half-width mean gaps (profile.py)
        sh_ds = 0.25 * s_os + 0.75 * s_ds + bb
        f_total = n_os.solve(k * sh_os, sh_os) + n_ds.solve(k * sh_ds, sh_ds)
        b_new = line.rolls.bending_um(f_total)
        if abs(b_new - b) < _TOL_UM:
            break
        b = b_new
    line.bending_um = b
    line._s_os, line._s_ds = s_os, s_ds
    return (k * s_os, k * s_ds, k * b, n_os.density_per_um, n_ds.density_per_um)


def _steady_gap_um(line: Line, m: float) -> tuple[float, float]:
    """Gap S (rounded) and bending b that make mean m with the bank near nominal."""
    eq = line.equipment
    phi_nominal = intake_factor(eq.bank_nominal_kg, eq.bank_intake_scale_kg)
    s_half = m / (line._intake_k * phi_nominal)
    nip = line._nip_os
    b = line.rolls.bending_um(2.0 * nip.solve(m, s_half))
    gap = s_half - BEND_MEAN * b
    if eq.gap_resolution_um > 0.0:
        gap = round(gap / eq.gap_resolution_um) * eq.gap_resolution_um
    for _ in range(_ITER):
        b_new = line.rolls.bending_um(2.0 * nip.solve(m, gap + BEND_MEAN * b))
        done = abs(b_new - b) < _TOL_UM
        b = b_new
        if done:
            break
    return gap, b


def steady_line(line: Line, areal_mass_mg_cm2: float, line_speed_m_min: float) -> None:
    """Put `line` (new) into the running equilibrium (see the module docstring)."""
    if not areal_mass_mg_cm2 > 0.0 or not line_speed_m_min >= 0.0:
        raise ValueError("need areal_mass_mg_cm2 > 0 and line_speed_m_min >= 0")
    eq = line.equipment
    m = areal_mass_mg_cm2
    gap, b = _steady_gap_um(line, m)
    phi = m / (line._intake_k * (gap + BEND_MEAN * b))
    if not phi < 1.0:
        raise ValueError("steady gap too small for this areal mass at any bank")
    line.bank_mass_kg = -eq.bank_intake_scale_kg * log(1.0 - phi)
    line.bending_um = b
    for act in line.gap_actuators.values():
        act.set_position(gap)
    line._sp_os = line._sp_ds = gap
    line.drive.speed_m_min = line_speed_m_min
    line.running = True
    record = line._settle_nip()

    film_kg_h = film_flow_kg_h(m, eq.width_m, line_speed_m_min)
    mean = width_mean(record)
    trim_kg_h = film_kg_h * line.cd.trim_fraction_mg_cm2(record) / mean if mean > 0.0 else 0.0
    feed_kg_h = film_kg_h - trim_kg_h
    feed = {name: frac * feed_kg_h for name, frac in line.material.fractions.items()}
    for name, feeder in line.feeders.items():
        feeder.set_flow(feed[name])
    line.mixer.set_steady(film_kg_h)
    line.conveyor.set_steady(film_kg_h)
    line.recycle.set_steady(trim_kg_h)
    line.mixer_heat.set_steady()
    line.steady_gap_um = gap
    line.steady_feed_kg_h = feed
    line.steady_speed_m_min = line_speed_m_min
    line.steady_areal_mass_mg_cm2 = m
    line.transport = WebTransport(eq.gauge_distance_m, eq.transport_cell_mm / 1000.0, record)
    line.gauge.set_exact(record)
