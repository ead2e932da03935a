"""The emulated line: feeders → mixer → bank → nip 1 (OS, DS) → web transport → gauge.

Each `Line.step(dt, commands)`, in order:

1. Drive: speed ramps to the setpoint while `run`, to 0 otherwise (actuators.SpeedDrive).
2. Feeders: flow lags the setpoint (0 when not running), hoppers drain and refill (feeder).
3. Mixer: first-order hold-up between feed and bank (mixer).
4. Gap actuators per side; S_eff = max(0, actuator position + `gap_disturbance_um[side]`).
   `gap_disturbance_um` is 0 now; thermal growth, eccentricity and null shift will write it.
5. Nip intake per side m_f = c_intake·ρ_bulk·S_eff·0.1·φ(B) with φ from the bank at the start
   of the step (nip). The web advances Δx = mean(v_start, v_end)·dt/60 m and the film drawn
   out of the bank is mean(m_os, m_ds)·0.01·W·Δx kg (flow kg/h = 0.6·m·W·v). Bank balance
   B' = B + mixer outflow − film drawn, never below 0 (the film is thinned if the bank runs dry).
6. Nip force per side from gaugemeter + compaction law (nip.NipSide.solve).
7. The film record is written into the web transport; the gauge reads the web L metres back.

When stopped (run=False) the feeders run down, the drive ramps to 0 and no film is drawn, but
the mixer keeps discharging its hold-up into the bank (a pure lag; no mixer drive model yet).
"""

from __future__ import annotations

from math import exp, log

from hmi.core.tags import FEEDERS, SIDES
from hmi.plant.actuators import GapActuator, SpeedDrive
from hmi.plant.commands import LineCommands
from hmi.plant.equipment import Equipment
from hmi.plant.feeder import Feeder
from hmi.plant.materials import Material
from hmi.plant.mixer import Mixer
from hmi.plant.nip import NipSide, intake_factor
from hmi.plant.noise import NormalStream
from hmi.plant.transport import Gauge, Record, WebTransport
from hmi.plant.units import KG_M2_PER_MG_CM2, MG_CM2_PER_G_CM3_UM, film_flow_kg_h

_GAUGE_STREAM = len(FEEDERS)  # noise streams 0..2 are the feeders, 3 the gauge


class Line:
    """Physics of the dry-electrode line, stepped at a fixed or variable dt.

    A new `Line` is cold: stopped, feeders at 0 flow, mixer and bank empty, gaps parked at
    `equipment.gap_initial_um`. `Line.at_steady_state` gives a running line in equilibrium.
    True state is readable for statistics: `bank_mass_kg`, `nip_areal_mass_mg_cm2`,
    `effective_gap_um`, `roll_force_kn`, `film_thickness_um`, `porosity`, `mixer_holdup_kg`,
    `feed_total_kg` (delivered by feeders) and `film_total_kg` (drawn out as film).
    """

    def __init__(self, material: Material, equipment: Equipment, seed: int = 0) -> None:
        eq = equipment
        self.material = material
        self.equipment = equipment
        self.seed = seed
        self.time_s = 0.0
        self.web_position_m = 0.0
        self.running = False
        self.feed_total_kg = 0.0
        self.film_total_kg = 0.0
        self.bank_mass_kg = 0.0
        self.intake_factor = 0.0
        self.feeders: dict[str, Feeder] = {
            name: Feeder(
                name,
                capacity_kg=eq.hopper_capacity_kg[name],
                hopper_kg=eq.hopper_initial_frac * eq.hopper_capacity_kg[name],
                time_constant_s=eq.feeder_time_constant_s,
                noise_rel=eq.feeder_noise_rel,
                noise_corr_s=eq.feeder_noise_corr_s,
                refill_request_frac=eq.hopper_refill_request_frac,
                refill_complete_frac=eq.hopper_refill_complete_frac,
                refill_time_s=eq.hopper_refill_time_s,
                rng=NormalStream(seed, i),
            )
            for i, name in enumerate(FEEDERS)
        }
        self.mixer = Mixer(eq.mixer_residence_s)
        self.drive = SpeedDrive(eq.line_accel_m_min_s)
        self.gap_actuators: dict[str, GapActuator] = {
            s: GapActuator(
                eq.gap_initial_um,
                eq.gap_time_constant_s,
                eq.gap_rate_limit_um_s,
                eq.gap_resolution_um,
            )
            for s in SIDES
        }
        self.gap_disturbance_um: dict[str, float] = {s: 0.0 for s in SIDES}
        self.nip: dict[str, NipSide] = {
            s: NipSide(material, eq.side_width_mm, eq.mill_modulus_kn_um) for s in SIDES
        }
        self.gauge = Gauge(
            eq.gauge_areal_mass_noise_rel,
            eq.gauge_thickness_noise_um,
            NormalStream(seed, _GAUGE_STREAM),
        )
        self.steady_gap_um = eq.gap_initial_um
        self.steady_feed_kg_h: dict[str, float] = {name: 0.0 for name in FEEDERS}
        self.steady_speed_m_min = 0.0
        self.steady_areal_mass_mg_cm2 = 0.0
        # Hot-path constants.
        self._feeder_list = [(name, self.feeders[name]) for name in FEEDERS]
        self._feeder_keys = [
            (f"feeder_{n}_flow_kg_h", f"feeder_{n}_hopper_kg", f) for n, f in self._feeder_list
        ]
        self._side_keys = [
            (f"gap_{s}_um", f"roll_force_{s}_kn", self.gap_actuators[s], self.nip[s]) for s in SIDES
        ]
        self._act_os, self._act_ds = (self.gap_actuators[s] for s in SIDES)
        self._nip_os, self._nip_ds = (self.nip[s] for s in SIDES)
        self._intake_per_um = (
            material.intake_coefficient * material.bulk_density_g_cm3 * MG_CM2_PER_G_CM3_UM
        )
        self._bank_scale_kg = eq.bank_intake_scale_kg
        self._width_m = eq.width_m
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
        """A running line in equilibrium making `areal_mass_mg_cm2` at `line_speed_m_min`.

        Feed Q = 0.6·m·W·v split by the formulation; gap S = m / (c_intake·ρ_bulk·0.1·φ(B_nom))
        rounded to the actuator resolution; bank B = −B_c·ln(1 − m/(c_intake·ρ_bulk·0.1·S))
        so intake equals feed exactly; mixer hold-up Q·τ; transport full of the steady film.
        """
        if not areal_mass_mg_cm2 > 0.0 or not line_speed_m_min >= 0.0:
            raise ValueError("need areal_mass_mg_cm2 > 0 and line_speed_m_min >= 0")
        eq = equipment
        line = cls(material, equipment, seed)
        total_kg_h = film_flow_kg_h(areal_mass_mg_cm2, eq.width_m, line_speed_m_min)
        feed = {name: frac * total_kg_h for name, frac in material.fractions.items()}
        phi_nominal = intake_factor(eq.bank_nominal_kg, eq.bank_intake_scale_kg)
        gap = areal_mass_mg_cm2 / (line._intake_per_um * phi_nominal)
        if eq.gap_resolution_um > 0.0:
            gap = round(gap / eq.gap_resolution_um) * eq.gap_resolution_um
        phi = areal_mass_mg_cm2 / (line._intake_per_um * gap)
        if not phi < 1.0:
            raise ValueError("steady gap too small for this areal mass at any bank")
        for name, feeder in line.feeders.items():
            feeder.set_flow(feed[name])
        line.mixer.set_steady(total_kg_h)
        line.bank_mass_kg = -eq.bank_intake_scale_kg * log(1.0 - phi)
        for act in line.gap_actuators.values():
            act.set_position(gap)
        line.drive.speed_m_min = line_speed_m_min
        line.running = True
        line.steady_gap_um = gap
        line.steady_feed_kg_h = feed
        line.steady_speed_m_min = line_speed_m_min
        line.steady_areal_mass_mg_cm2 = areal_mass_mg_cm2
        line.transport = WebTransport(
            eq.gauge_distance_m, eq.transport_cell_mm / 1000.0, line._settle_nip()
        )
        line.gauge.set_exact(line.transport.at_gauge())
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
        """Solve the nip for the present bank and gaps (no time passes); return the film."""
        phi = intake_factor(self.bank_mass_kg, self._bank_scale_kg)
        self.intake_factor = phi
        for s in SIDES:
            s_eff = max(self.gap_actuators[s].position_um + self.gap_disturbance_um[s], 0.0)
            self.nip[s].solve(self._intake_per_um * phi * s_eff, s_eff)
        n_os, n_ds = self._nip_os, self._nip_ds
        return (
            n_os.areal_mass_mg_cm2,
            n_ds.areal_mass_mg_cm2,
            n_os.thickness_um,
            n_ds.thickness_um,
        )

    def step(self, dt_s: float, cmd: LineCommands) -> None:
        """Advance the physics by `dt_s` seconds under `cmd` (see the module docstring)."""
        if not dt_s > 0.0:
            raise ValueError("dt_s must be > 0")
        run = cmd.run
        self.running = run
        drive = self.drive
        v0 = drive.speed_m_min
        v1 = drive.step(dt_s, cmd.line_speed_sp_m_min if run else 0.0)
        fed = 0.0
        if run:
            sp = cmd.feeder_sp_kg_h
            for name, feeder in self._feeder_list:
                fed += feeder.step(dt_s, sp[name])
        else:
            for _, feeder in self._feeder_list:
                fed += feeder.step(dt_s, 0.0)
        self.feed_total_kg += fed
        into_bank = self.mixer.step(dt_s, fed)

        bank = self.bank_mass_kg
        phi = 1.0 - exp(-bank / self._bank_scale_kg) if bank > 0.0 else 0.0
        self.intake_factor = phi
        k = self._intake_per_um * phi
        gsp = cmd.gap_sp_um
        dist = self.gap_disturbance_um
        s_os = self._act_os.step(dt_s, gsp["os"]) + dist["os"]
        s_ds = self._act_ds.step(dt_s, gsp["ds"]) + dist["ds"]
        if s_os < 0.0:
            s_os = 0.0
        if s_ds < 0.0:
            s_ds = 0.0
        m_os = k * s_os
        m_ds = k * s_ds
        dx_m = (v0 + v1) * dt_s / 120.0  # mean speed [m/min] × dt / 60
        drawn = (m_os + m_ds) * 0.5 * KG_M2_PER_MG_CM2 * self._width_m * dx_m
        available = bank + into_bank
        if drawn > available:  # the bank runs dry: the film gets what there is
            scale = available / drawn
            m_os *= scale
            m_ds *= scale
            drawn = available
        bank = available - drawn
        self.bank_mass_kg = bank if bank > 0.0 else 0.0
        self.film_total_kg += drawn

        n_os = self._nip_os
        n_ds = self._nip_ds
        n_os.solve(m_os, s_os)
        n_ds.solve(m_ds, s_ds)
        if dx_m > 0.0:
            self.transport.advance(dx_m, (m_os, m_ds, n_os.thickness_um, n_ds.thickness_um))
            self.web_position_m += dx_m
        self.gauge.read(self.transport.at_gauge())
        self.time_s += dt_s

    def measurements(self) -> dict[str, float]:
        """Process values keyed by tag name (hmi.core.tags); pure, draws no noise."""
        values: dict[str, float] = {}
        for flow_key, hopper_key, feeder in self._feeder_keys:
            values[flow_key] = feeder.flow_kg_h
            values[hopper_key] = feeder.hopper_kg
        for gap_key, force_key, act, nip in self._side_keys:
            values[gap_key] = act.position_um
            values[force_key] = nip.force_kn
        values["bank_mass_kg"] = self.bank_mass_kg
        values["line_speed_m_min"] = self.drive.speed_m_min
        values["roll_temperature_c"] = self.equipment.roll_temperature_c
        values["areal_mass_mg_cm2"] = self.gauge.areal_mass_mg_cm2
        values["thickness_um"] = self.gauge.thickness_um
        values["line_running"] = 1.0 if self.running else 0.0
        return values

    # Readable true state -------------------------------------------------------------------
    @property
    def line_speed_m_min(self) -> float:
        return self.drive.speed_m_min

    @property
    def mixer_holdup_kg(self) -> float:
        return self.mixer.holdup_kg

    @property
    def nip_areal_mass_mg_cm2(self) -> dict[str, float]:
        """True film areal mass leaving the nip, per side."""
        return {s: self.nip[s].areal_mass_mg_cm2 for s in SIDES}

    @property
    def nip_areal_mass_mean_mg_cm2(self) -> float:
        return 0.5 * (self._nip_os.areal_mass_mg_cm2 + self._nip_ds.areal_mass_mg_cm2)

    @property
    def effective_gap_um(self) -> dict[str, float]:
        """S_eff per side: actuator position + disturbance, ≥ 0."""
        return {s: self.nip[s].s_eff_um for s in SIDES}

    @property
    def roll_force_kn(self) -> dict[str, float]:
        return {s: self.nip[s].force_kn for s in SIDES}

    @property
    def film_thickness_um(self) -> dict[str, float]:
        """True film thickness h leaving the nip, per side."""
        return {s: self.nip[s].thickness_um for s in SIDES}

    @property
    def porosity(self) -> dict[str, float]:
        return {s: self.nip[s].porosity for s in SIDES}
