"""The emulated line: feeders → mixer → conveyor → bank → nip 1 (OS, DS) → transport → gauge
→ edge trim (recycled to the mixer) → densification → lamination.

Each `Line.step(dt, commands)`, in order:

1. Drive: speed ramps to the setpoint while `run`, to 0 otherwise; the web advances
   Δx = mean(v_start, v_end)·dt/60 m. Feeders (feeder.py) deliver toward their setpoints.
2. Edge trim: the film passing the knife at the gauge is cut into kept width and trim
   (profile.py); the trim comes back into the mixer after the recycle delay (60 s).
3. Mixer (first-order hold-up, shear power and temperature) → conveyor delay (default 5 s) →
   bank. Bulk density and γ of the powder reaching the nip lag the feed's by τ = residence +
   conveyor delay (first order).
4. Rolls: temperature, thermal growth, angle and eccentricity (rolls.py).
5. Gap actuators per side (second-order, actuators.py). Effective gap at each edge:
   S_side = max(0, position + null shift + thermal growth + eccentricity); the middle opens by
   the bending b = F_total/k of the previous step.
6. Intake k = c_intake·ρ_bulk·0.1·φ(B) per µm of gap: m_os = k·S_os, m_ds = k·S_ds, bulge
   m_b = k·b. Film drawn = width mean (m_os + m_ds)/2 + (2/3)·m_b times 0.01·W·Δx kg. Bank
   B' = B + conveyor outflow − drawn, never below 0 (the film thins if the bank runs dry).
7. Force per side from the half-width means of gap and mass (gaugemeter + compaction law,
   nip.py). A force above the relief limit makes that cylinder give way until the film in the
   bite is carried at F_limit (`gap_yield_um`, seen by the gap sensor and in the effective
   gap); the intake was set before, so the relief caps the force without running away.
8. The record (m_os, m_ds, m_b, d_os, d_ds) goes into the transport; the gauge samples the web
   L metres back. Energy is integrated (energy.py).

When stopped (run=False) the feeders run down, the drive ramps to 0 and no film is drawn, but
the mixer and conveyor keep discharging their hold-ups into the bank — unless the reject gate
diverts them (`divert`) to the scrap bin. A bank above `bank_spill_kg` spills the excess over
the cheek plates into the scrap bin: `scrap_powder_kg` counts both (diverted + spilled).
"""

from __future__ import annotations

import dataclasses
from math import exp

from hmi.core.tags import FEEDERS, SIDES
from hmi.plant import build
from hmi.plant.actuators import GapActuator, SpeedDrive
from hmi.plant.commands import LineCommands
from hmi.plant.delay import TimeDelay
from hmi.plant.disturbances import Disturbances
from hmi.plant.energy import EnergyMeter
from hmi.plant.equipment import Equipment
from hmi.plant.feeder import Feeder
from hmi.plant.materials import Material
from hmi.plant.mixer import Mixer, PowderLag
from hmi.plant.nip import NipSide
from hmi.plant.profile import BEND_MEAN, CrossProfile, Record
from hmi.plant.steady import settle_nip, steady_line
from hmi.plant.transport import WebTransport
from hmi.plant.truth import LineTruth
from hmi.plant.units import KG_M2_PER_MG_CM2, MG_CM2_PER_G_CM3_UM

_NO_FEED = dict.fromkeys(FEEDERS, 0.0)


class Line(LineTruth):
    """Physics of the dry-electrode line, stepped at a fixed or variable dt.

    A new `Line` is cold: stopped, feeders at 0 flow, mixer, conveyor and bank empty, gaps
    parked at `equipment.gap_initial_um`, rolls at temperature. `Line.at_steady_state` gives a
    running line in equilibrium. `line.disturb` injects disturbances and faults; the true state
    for statistics is read through the properties of `LineTruth` (truth.py).

    Totals since the start, kg: `feed_total_kg` (delivered by the feeders), `film_total_kg`
    (drawn out of the bank at nip 1), `passed_total_kg` (past the gauge and knife), of it
    `trim_total_kg` (cut off), `recycle_in_total_kg` (trim returned into the mixer);
    `electrode_area_m2` is kept width × web length past the knife.
    """

    def __init__(self, material: Material, equipment: Equipment, seed: int = 0) -> None:
        eq = equipment
        self.material = material
        self.equipment = equipment
        self.seed = seed
        self.time_s = self.web_position_m = 0.0
        self.running = False
        self.feed_total_kg = self.film_total_kg = self.passed_total_kg = 0.0
        self.trim_total_kg = self.recycle_in_total_kg = self.electrode_area_m2 = 0.0
        self.diverted_total_kg = self.spilled_total_kg = 0.0  # to the scrap bin
        self.bank_mass_kg = self.intake_factor = self.bending_um = 0.0
        self.feeders: dict[str, Feeder] = build.feeders(eq, seed)
        self.mixer = Mixer(eq.mixer_residence_s)
        self.mixer_heat = build.mixer_heat(eq)
        self.conveyor = TimeDelay(eq.conveyor_delay_s)
        self.recycle = TimeDelay(eq.recycle_delay_s)
        self.drive = SpeedDrive(eq.line_accel_m_min_s)
        self.gap_actuators: dict[str, GapActuator] = build.gap_actuators(eq)
        self.gap_null_shift_um: dict[str, float] = dict.fromkeys(SIDES, 0.0)
        self.gap_sensor_drift_rate_um_min: dict[str, float] = dict.fromkeys(SIDES, 0.0)
        self.rolls = build.rolls(eq)
        self.nip: dict[str, NipSide] = {
            s: NipSide(material, eq.side_width_mm, eq.mill_modulus_kn_um) for s in SIDES
        }
        self.powder = PowderLag(eq.mixer_residence_s + eq.conveyor_delay_s)
        self.cd = CrossProfile(int(eq.gauge_zones), eq.trim_width_frac)
        self.gauge = build.gauge(eq, self.cd, seed)
        self.energy = EnergyMeter(eq)
        self.disturb = Disturbances(self)
        self.steady_gap_um = eq.gap_initial_um
        self.steady_feed_kg_h: dict[str, float] = dict.fromkeys(FEEDERS, 0.0)
        self.steady_speed_m_min = 0.0
        self.steady_areal_mass_mg_cm2 = 0.0
        # Hot-path state and constants.
        self._feeder_list = [(name, self.feeders[name]) for name in FEEDERS]
        self._feeder_keys = [
            (f"feeder_{n}_flow_kg_h", f"feeder_{n}_hopper_kg", f"feeder_{n}_refilling", f)
            for n, f in self._feeder_list
        ]
        self._act_os, self._act_ds = (self.gap_actuators[s] for s in SIDES)
        self._nip_os, self._nip_ds = (self.nip[s] for s in SIDES)
        rho_bulk = material.bulk_density_g_cm3
        self._intake_per_um = material.intake_coefficient * rho_bulk * MG_CM2_PER_G_CM3_UM
        self._intake_k = self._intake_per_um  # × nip bulk density (relative)
        self._bank_scale_kg = eq.bank_intake_scale_kg
        self._bank_spill_kg = eq.bank_spill_kg
        self._width_m = eq.width_m
        self._kept_width_m = eq.kept_width_m
        self._force_limit_kn = eq.gap_force_limit_kn
        self._trim_w = self.cd.trim_w
        self._gap_faults = False
        self._null_os = self._null_ds = self._drift_os = self._drift_ds = 0.0
        self._drift_rate_os = self._drift_rate_ds = 0.0  # µm/s
        self._sp_os = self._sp_ds = eq.gap_initial_um
        self.gap_yield_um: dict[str, float] = dict.fromkeys(SIDES, 0.0)  # force-limit relief
        self._yielding = False
        self._s_os = self._s_ds = 0.0  # effective gap at the edges
        self._record: Record = (0.0, 0.0, 0.0, 0.0, 0.0)
        self.transport = WebTransport(
            eq.gauge_distance_m, eq.transport_cell_mm / 1000.0, self._settle_nip()
        )
        self.gauge.set_exact(self.transport.at_gauge())

    @classmethod
    def at_steady_state(
        cls,
        material: Material,
        equipment: Equipment,
        areal_mass_mg_cm2: float,
        line_speed_m_min: float,
        seed: int = 0,
    ) -> Line:
        """A running line in equilibrium making `areal_mass_mg_cm2` (width mean) at
        `line_speed_m_min`; see steady.steady_line for how each state is set."""
        line = cls(material, equipment, seed)
        steady_line(line, areal_mass_mg_cm2, line_speed_m_min)
        return line

    def steady_commands(self) -> LineCommands:
        """The commands that hold the steady state (`steady_*`), running."""
        return LineCommands(
            feeder_sp_kg_h=dict(self.steady_feed_kg_h),
            gap_sp_um={s: self.steady_gap_um for s in SIDES},
            line_speed_sp_m_min=self.steady_speed_m_min,
            run=True,
        )

    def _settle_nip(self) -> Record:
        """Solve the nip for the present bank, gaps and bending (no time passes)."""
        self._record = settle_nip(self)
        return self._record

    def set_process_settings(self, **settings: float) -> bool:
        """New roll temperature setpoint, densification and lamination line loads, lamination
        temperature and hopper refill levels (Equipment field names): the rolls heat towards
        the new setpoint (the gap follows −α·D per K), the film made from now on is densified
        and laminated at the new settings, the energy model takes them, the feeders refill
        between the new levels. True if anything changed."""
        eq = self.equipment
        changed = {k: float(v) for k, v in settings.items() if getattr(eq, k) != v}
        if not changed:
            return False
        self.equipment = eq = dataclasses.replace(eq, **changed)  # checked like any equipment
        if "roll_temperature_c" in changed:
            self.rolls.temperature_sp_c = changed["roll_temperature_c"]
        if {"hopper_refill_request_frac", "hopper_refill_complete_frac"} & set(changed):
            for feeder in self.feeders.values():
                feeder.set_refill_levels(
                    eq.hopper_refill_request_frac, eq.hopper_refill_complete_frac
                )
        self.energy.retune(eq)
        return True

    def refresh_gap_faults(self) -> None:
        """Take the null-shift and sensor-drift settings into the hot path."""
        self._null_os, self._null_ds = (self.gap_null_shift_um[s] for s in SIDES)
        rate = self.gap_sensor_drift_rate_um_min
        self._drift_rate_os, self._drift_rate_ds = rate["os"] / 60.0, rate["ds"] / 60.0
        self._gap_faults = any(
            v != 0.0 for v in (self._null_os, self._null_ds, *rate.values())
        )  # fmt: skip

    def _powder_step(self, dt_s: float) -> None:
        """The bank's powder follows the feed's (mixer.PowderLag); intake and γ with it."""
        powder = self.powder
        gamma = powder.gamma_rel
        powder.step(dt_s)
        self._intake_k = self._intake_per_um * powder.bulk_density_rel
        if powder.gamma_rel != gamma:
            for nip in self.nip.values():
                nip.set_gamma(self.material.gamma_kn_mm * powder.gamma_rel)

    def step(self, dt_s: float, cmd: LineCommands) -> None:
        """Advance the physics by `dt_s` seconds under `cmd` (see the module docstring)."""
        if not dt_s > 0.0:
            raise ValueError("dt_s must be > 0")
        run = cmd.run
        self.running = run
        v0 = self.drive.speed_m_min
        v1 = self.drive.step(dt_s, cmd.line_speed_sp_m_min if run else 0.0)
        dx_m = (v0 + v1) * dt_s / 120.0  # mean speed [m/min] × dt / 60
        fed = 0.0
        sp = cmd.feeder_sp_kg_h if run else _NO_FEED
        for name, feeder in self._feeder_list:
            fed += feeder.step(dt_s, sp[name])
        self.feed_total_kg += fed
        kg_per_mg_cm2 = KG_M2_PER_MG_CM2 * self._width_m * dx_m
        trimmed = 0.0
        if dx_m > 0.0:  # the knife just after the gauge
            r = self.transport.at_gauge()
            tw = self._trim_w
            trimmed = (r[0] * tw[0] + r[1] * tw[1] + r[2] * tw[2]) * kg_per_mg_cm2
            self.passed_total_kg += (0.5 * (r[0] + r[1]) + BEND_MEAN * r[2]) * kg_per_mg_cm2
            self.trim_total_kg += trimmed
            self.electrode_area_m2 += self._kept_width_m * dx_m
        recycled = self.recycle.step(dt_s, trimmed)
        self.recycle_in_total_kg += recycled
        mixer = self.mixer
        into_bank = self.conveyor.step(dt_s, mixer.step(dt_s, fed + recycled))
        if cmd.divert:  # the reject gate: to the scrap bin
            self.diverted_total_kg += into_bank
            into_bank = 0.0
        self.mixer_heat.step(dt_s, mixer.holdup_kg)
        if self.powder.moving:
            self._powder_step(dt_s)

        rolls = self.rolls
        roll_c0 = rolls.temperature_c
        common = rolls.step(dt_s, 0.5 * (v0 + v1))
        gsp = cmd.gap_sp_um
        self._sp_os = sp_os = gsp["os"]
        self._sp_ds = sp_ds = gsp["ds"]
        s_os = self._act_os.step(dt_s, sp_os) + common
        s_ds = self._act_ds.step(dt_s, sp_ds) + common
        if self._gap_faults:
            s_os += self._null_os
            s_ds += self._null_ds
            self._drift_os += self._drift_rate_os * dt_s
            self._drift_ds += self._drift_rate_ds * dt_s
        if s_os < 0.0:
            s_os = 0.0
        if s_ds < 0.0:
            s_ds = 0.0
        b = self.bending_um
        bank = self.bank_mass_kg
        phi = 1.0 - exp(-bank / self._bank_scale_kg) if bank > 0.0 else 0.0
        self.intake_factor = phi
        k = self._intake_k * phi
        m_os = k * s_os
        m_ds = k * s_ds
        m_b = k * b
        drawn = (0.5 * (m_os + m_ds) + BEND_MEAN * m_b) * kg_per_mg_cm2
        available = bank + into_bank
        if drawn > available:  # the bank runs dry: the film gets what there is
            scale = available / drawn
            m_os, m_ds, m_b, drawn = m_os * scale, m_ds * scale, m_b * scale, available
        bank = available - drawn
        if bank > self._bank_spill_kg:  # over the cheek plates
            self.spilled_total_kg += bank - self._bank_spill_kg
            bank = self._bank_spill_kg
        self.bank_mass_kg = bank if bank > 0.0 else 0.0
        self.film_total_kg += drawn

        n_os, n_ds = self._nip_os, self._nip_ds
        mb = BEND_MEAN * m_b
        bb = BEND_MEAN * b
        mh_os = 0.75 * m_os + 0.25 * m_ds + mb
        mh_ds = 0.25 * m_os + 0.75 * m_ds + mb
        sh_os = 0.75 * s_os + 0.25 * s_ds + bb
        sh_ds = 0.25 * s_os + 0.75 * s_ds + bb
        f_os = n_os.solve(mh_os, sh_os)
        f_ds = n_ds.solve(mh_ds, sh_ds)
        if f_os > self._force_limit_kn or f_ds > self._force_limit_kn:
            y_os = n_os.relieve(mh_os, sh_os, self._force_limit_kn)
            y_ds = n_ds.relieve(mh_ds, sh_ds, self._force_limit_kn)
            s_os += y_os
            s_ds += y_ds
            f_os = n_os.force_kn
            f_ds = n_ds.force_kn
            self.gap_yield_um = {"os": y_os, "ds": y_ds}
            self._yielding = True
        elif self._yielding:
            self.gap_yield_um = dict.fromkeys(SIDES, 0.0)
            self._yielding = False
        f_total = f_os + f_ds
        self.bending_um = rolls.bending_um(f_total)
        self._s_os, self._s_ds = s_os, s_ds
        record = (m_os, m_ds, m_b, n_os.density_per_um, n_ds.density_per_um)
        self._record = record
        if dx_m > 0.0:
            self.transport.advance(dx_m, record)
            self.web_position_m += dx_m
        self.gauge.step(dt_s, self.transport.at_gauge())
        roll_c = rolls.temperature_c
        self.energy.step(  # by position, in its signature's order (keywords cost a tick more)
            dt_s,
            v1,  # speed_m_min
            f_total,  # force_kn
            roll_c,
            (roll_c - roll_c0) / dt_s,  # roll_rate_k_s
            self.mixer_heat.temperature_c,  # mix_c
            drawn * 3600.0 / dt_s,  # film_kg_h
            self.mixer_heat.power_kw(mixer.holdup_kg),  # mixer_kw
        )
        self.time_s += dt_s

    def measurements(self) -> dict[str, float]:
        """Process values keyed by tag name (hmi.core.tags); pure, draws no noise."""
        values: dict[str, float] = {}
        for flow_key, hopper_key, refilling_key, feeder in self._feeder_keys:
            values[flow_key] = feeder.measured_flow_kg_h
            values[hopper_key] = feeder.hopper_kg
            values[refilling_key] = 1.0 if feeder.refilling else 0.0
        gap_os = self._act_os.position_um + self._drift_os
        gap_ds = self._act_ds.position_um + self._drift_ds
        if self._yielding:  # the cylinder has given way: its position sensor sees it
            gap_os += self.gap_yield_um["os"]
            gap_ds += self.gap_yield_um["ds"]
        values["gap_os_um"] = gap_os
        values["roll_force_os_kn"] = self._nip_os.force_kn
        values["gap_ds_um"] = gap_ds
        values["roll_force_ds_kn"] = self._nip_ds.force_kn
        values["bank_mass_kg"] = self.bank_mass_kg
        values["line_speed_m_min"] = self.drive.speed_m_min
        values["roll_temperature_c"] = self.rolls.temperature_c
        values["areal_mass_mg_cm2"] = self.gauge.areal_mass_mg_cm2
        values["thickness_um"] = self.gauge.thickness_um
        values["line_running"] = 1.0 if self.running else 0.0
        values["areal_mass_os_mg_cm2"] = self.gauge.edge_os_mg_cm2
        values["areal_mass_ds_mg_cm2"] = self.gauge.edge_ds_mg_cm2
        values["roll_angle_rad"] = self.rolls.angle_rad
        values["mixer_temperature_c"] = self.mixer_heat.temperature_c
        values["line_power_kw"] = self.energy.power_kw
        values["energy_wh_per_m2"] = self.energy_kwh_per_m2 * 1000.0
        values["recycle_flow_kg_h"] = self.recycle_flow_kg_h  # trim cut at the knife
        values["powder_scrap_kg"] = self.diverted_total_kg + self.spilled_total_kg
        return values
