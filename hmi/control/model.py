"""The product's gap and feed controller: the physics of a powder-fed nip, not a loop on the
gauge alone.

Gap, per side s (µm). The reference is the gap the material should see; the setpoint adds the
compensations of what the machine does to the gap on its own:

    ref_s = S_ff,s + monitor                      (published gap_s_ref_um)
    S_ff  = m* / (c0·φ(B)) + o_s                  set-up with bank feedforward (setup.py),
                                                  o_s the sides' offsets at start
    S     = (m* − d̂) / (c·φ(B))                   IMC on the Smith predictor (deadtime.py),
    monitor = S − m*/(c0·φ(B))                     c adapted from the mass balance
                                                  (massbalance.py), d̂ from the gauge
    sp_s  = ref_s + thermal + eccentricity(θ) + tilt_s + gaugemeter_s
            thermal = −k_T·(T_body − T_ref)       (thermal.py)
            eccentricity = −ê(θ + ω·t_lead)       angle-indexed, learned from force
                                                  (eccentricity.py)
            tilt_s, gaugemeter_s                  the wedge from the gauge's edges and from
                                                  the force difference, split about the
                                                  pivot (crossdir.py)

then limited to [gap_min, gap_max] and to the gap rate. The published reference is the
limited setpoint minus the compensations, so it always says what the actuator is asked to give
the material, and the model's areal mass uses it (a gap at its limit cannot wind up the IMC).

Feed (feed.py): Q_film = 0.6·m*·W·v less the trim returning, led through the mixer's
residence, plus the bank trim, split by the formulation, minors following the main feeder,
refill-aware. A speed increase is fed first and passed to the drive after the powder path's
lag; the speed reference never exceeds what the feeders can feed.

Modes, bad inputs and run time: see the package docstring (hmi/control/__init__.py).
"""

from __future__ import annotations

from hmi.control.base import ControlInputs, ControlResult
from hmi.control.config import LineControllerConfig
from hmi.control.crossdir import CrossDirection
from hmi.control.eccentricity import EccentricityCompensator
from hmi.control.feed import FeedController, FeedOutput, SpeedPlan
from hmi.control.gap import GapSetpoints
from hmi.control.gaugecheck import GaugeBalanceCheck
from hmi.control.massbalance import PowderPath
from hmi.control.model_cd import CrossDirectionSteps
from hmi.control.monitor import GaugeMonitor
from hmi.control.publish import FEEDER_FLOW, FEEDER_HOPPER, FEEDER_REFILL, outputs_for
from hmi.control.setup import GradeTracker, IntakeModel
from hmi.control.supervise import good_value, link_lost
from hmi.control.thermal import ThermalCompensator
from hmi.core.process import ProcessImage

SLOW_S = 0.1  # period of everything but the eccentricity compensation
MANUAL_REBASE_UM = 1.0  # back from manual, a gap this far from ours was the operator's


class ModelController(CrossDirectionSteps):
    name = "model"

    def __init__(self, config: LineControllerConfig | None = None) -> None:
        self.config = c = config or LineControllerConfig()
        self.feed = FeedController(c)
        self.set_formulation = self.feed.set_formulation  # a recipe load changes the split
        self.speed = SpeedPlan(c.conveyor_delay_s + c.feed_lead_time_s)
        self.intake = IntakeModel(c.bank_intake_scale_kg)
        self.thermal = ThermalCompensator(
            c.thermal_gap_um_per_k, c.roll_growth_time_constant_s, c.roll_reference_temperature_c
        )
        self.ecc = EccentricityCompensator(
            c.roll_diameter_mm, c.eccentricity_time_s, c.eccentricity_lead_s
        )
        self.cd = CrossDirection.for_config(c)
        self.gap = GapSetpoints(c)
        self.grade = GradeTracker(c.grade_ramp_s)
        self.monitor: GaugeMonitor | None = None  # from the first good read
        self.path: PowderPath | None = None
        self.check: GaugeBalanceCheck | None = None  # the gauge against the raw mass balance
        self.position_m = 0.0  # web past the nip since start
        self.speed_m_min = 0.0
        self.bank_kg = 0.0
        self.stiffness_kn_um = 0.0  # K̂, force per µm of gap
        self.angle_rad = 0.0
        self.auto = True
        self._slow_dt = 0.0
        self._fresh = True  # the first tick runs the slow part
        self._coasted = False  # time passed unseen (lost link)
        self._held_s = 0.0  # ... for this long
        self._manual_s = 0.0  # in manual this long (the operator drove the gap)
        self._mixer_in_kg_h = 0.0
        self._trusted = False  # every flow weighed long enough for the mass balance
        self._fed = True  # the bank is full enough for the force to follow the gap
        self._template: dict[str, float] = {}
        self._corrections: dict[str, float] = {}
        self._conditions: tuple[str, ...] = ()
        self._last: ControlResult | None = None

    # ---------------------------------------------------------------- per tick
    def step(self, image: ProcessImage, inputs: ControlInputs, dt_s: float) -> ControlResult:
        if link_lost(image):
            return self._hold(dt_s)
        if self.monitor is None and not self._start(image, inputs):
            return ControlResult({}, {}, ("gap_position_bad",))
        values, quality = image.values, image.quality
        self._track_manual(image, inputs, dt_s)
        self._slow_dt += dt_s
        news = (  # an operator's change is acted on at once, not at the next slow tick
            inputs.setpoints["areal_mass_target_mg_cm2"] != self.grade.target
            or (inputs.mode == "auto") != self.auto
        )
        if self._slow_dt >= SLOW_S - 1e-9 or self._fresh or news:
            self._fresh = False
            self._slow(image, inputs, self._slow_dt)
            self._slow_dt = 0.0
        angle = good_value(values, quality, "roll_angle_rad")
        speed = self.speed_m_min
        if angle is None:  # dead-reckon from the speed
            angle = self.angle_rad + self.ecc.angular_speed_rad_s(speed) * dt_s
        self.angle_rad = angle
        if self.auto and speed >= self.config.min_speed_m_min and self._fed:
            f_os = good_value(values, quality, "roll_force_os_kn")
            f_ds = good_value(values, quality, "roll_force_ds_kn")
            if f_os is not None and f_ds is not None:
                force = 0.5 * (f_os + f_ds)
                self.ecc.adapt(angle, force, self.gap.mean_ref_um, self.stiffness_kn_um, dt_s)
        ecc = self.ecc.compensation_um(angle, speed)
        gap = self.gap
        gap.step(ecc, dt_s)
        out = dict(self._template)
        out["gap_os_sp_um"], out["gap_ds_sp_um"] = gap.sp_um
        out["gap_os_ref_um"], out["gap_ds_ref_um"] = gap.ref_um
        out["gap_os_eccentricity_um"] = out["gap_ds_eccentricity_um"] = ecc
        corrections = dict(self._corrections)
        corrections["gap_os_eccentricity_um"] = corrections["gap_ds_eccentricity_um"] = ecc
        self._last = ControlResult(out, corrections, self._conditions)
        return self._last

    def _hold(self, dt_s: float) -> ControlResult:
        """Lost link: every output as last written; the web keeps moving at its last speed."""
        dx = self.speed_m_min * dt_s / 60.0
        self.position_m += dx
        if self.monitor is not None and self.path is not None:
            model = self.intake.areal_mass(self.gap.mean_ref_um, self.bank_kg)
            self.monitor.smith.advance(dx, dt_s, model)
            self.path.coast(dt_s, self._mixer_in_kg_h)
            self.thermal.step(None, dt_s)  # the rolls go on relaxing to the last reading
            self._coasted = True
            self._held_s += dt_s
            self._fresh = True  # the first tick back runs the slow part (and _resume)
        if self._last is None:
            return ControlResult({}, {}, ("link_lost",))
        out = dict(self._last.outputs)
        out["controller_holding"] = 1.0
        return ControlResult(out, dict(self._last.corrections), ("link_lost",))

    def _track_manual(self, image: ProcessImage, inputs: ControlInputs, dt_s: float) -> None:
        """In manual the operator drives the gap (the runtime overrides this controller's
        setpoints): back in auto the set-up starts from the gap the actuators are at and the
        model is re-based as after a lost link (`_resume`), so nothing jumps either way."""
        if inputs.mode == "manual":
            self._manual_s += dt_s
            return
        if self._manual_s <= 0.0:
            return
        v, q = image.values, image.quality
        gaps = [good_value(v, q, "gap_os_um"), good_value(v, q, "gap_ds_um")]
        if gaps[0] is None or gaps[1] is None:
            return  # wait for good positions
        # the common set-up moves to where the operator left the gap; the sides keep this
        # controller's wedge (the runtime slews each output over from the operator's value)
        gap = self.gap
        shift = 0.5 * (gaps[0] + gaps[1] - gap.sp_um[0] - gap.sp_um[1])  # type: ignore[operator]
        self._manual_s, manual_s = 0.0, self._manual_s
        if abs(shift) <= MANUAL_REBASE_UM:  # the actuators are where this controller put them
            return
        for i in (0, 1):
            gap.ref_um[i] += shift
            gap.sp_um[i] += shift
            gap.base_um[i] += shift
        gap.common_um += shift
        self._coasted, self._held_s, self._fresh = True, manual_s, True

    def resolve(self, condition: str) -> bool:
        """An engineer resolved a latched condition (the gauge was checked against the mass
        balance); False if this controller latches no such condition."""
        if self.check is None or condition != self.check.condition:
            return False
        self.check.resolve()
        self._conditions = tuple(c for c in self._conditions if c != condition)
        return True

    # ---------------------------------------------------------------- start
    def _start(self, image: ProcessImage, inputs: ControlInputs) -> bool:
        """Bumpless start from the actuator positions; the models from the first readings."""
        c, v, q, sp = self.config, image.values, image.quality, inputs.setpoints
        gaps = [good_value(v, q, "gap_os_um"), good_value(v, q, "gap_ds_um")]
        if gaps[0] is None or gaps[1] is None:
            return False
        bank = good_value(v, q, "bank_mass_kg")
        self.bank_kg = bank if bank is not None else c.bank_intake_scale_kg * 3.0
        thermal = self.thermal.step(good_value(v, q, "roll_temperature_c"), 0.0)
        mean = self.gap.start(gaps, thermal)  # type: ignore[arg-type]
        target = sp["areal_mass_target_mg_cm2"]
        reading = good_value(v, q, "areal_mass_mg_cm2")
        m0 = reading if reading is not None else target
        if self.bank_kg < c.bank_low_kg or not m0 > 0.0:
            # a cold line (empty bank, no film under the gauge) tells nothing of the intake:
            # start from the nominal plant gain at the nominal bank; the mass balance adapts it
            m0 = target
            self.intake.calibrate(c.plant_gain_mg_cm2_per_um * mean, c.bank_nominal_kg, mean)
        else:
            self.intake.calibrate(m0, self.bank_kg, mean)
        self.grade.start(target, m0, 0.0)
        self.monitor = GaugeMonitor(c, m0)
        self.check = GaugeBalanceCheck(
            gauge_distance_m=c.gauge_distance_m,
            scan_time_s=c.gauge_scan_time_s,
            initial_mg_cm2=m0,
            gain=c.gauge_check_gain,
            limit_pct=c.gauge_check_limit_pct,
            delay_s=c.gauge_check_delay_s,
        )
        cut = good_value(v, q, "recycle_flow_kg_h") or 0.0
        flows = sum(good_value(v, q, name) or 0.0 for name in FEEDER_FLOW)
        self.path = PowderPath.steady(c, flows + cut, self.bank_kg)  # in steady state
        self.feed.start(self.bank_kg, cut)
        speed = good_value(v, q, "line_speed_m_min")
        self.speed_m_min = speed if speed is not None else 0.0
        self.speed.reference_m_min = sp["line_speed_sp_m_min"] if inputs.running else 0.0
        return True

    # ---------------------------------------------------------------- every SLOW_S
    def _slow(self, image: ProcessImage, inputs: ControlInputs, dt: float) -> None:
        c, v, q, sp = self.config, image.values, image.quality, inputs.setpoints
        monitor, path, check = self.monitor, self.path, self.check
        assert monitor is not None and path is not None and check is not None
        conditions: list[str] = []
        running = inputs.running
        self.auto = auto = inputs.mode == "auto"
        target = sp["areal_mass_target_mg_cm2"]

        speed = good_value(v, q, "line_speed_m_min")
        if speed is None:
            conditions.append("line_speed_bad")
            speed = sp["line_speed_sp_m_min"] if running else 0.0
        dx = 0.5 * (self.speed_m_min + speed) * dt / 60.0
        self.speed_m_min = speed
        self.position_m += dx
        moving = running and speed >= c.min_speed_m_min
        bank = good_value(v, q, "bank_mass_kg")
        if bank is None:
            conditions.append("bank_bad")
        else:
            self.bank_kg = bank
        bank = self.bank_kg
        if self._coasted:
            self._resume(v, q, max(bank, c.bank_low_kg))
        temperature = good_value(v, q, "roll_temperature_c")
        if temperature is None:
            conditions.append("roll_temperature_bad")
        thermal = self.thermal.step(temperature, dt)

        flows = [good_value(v, q, name) for name in FEEDER_FLOW]
        planned = self.speed.step(sp["line_speed_sp_m_min"], dt) if running else 0.0
        feed = self.feed.step(
            target_mg_cm2=target,
            width_mm=sp["web_width_mm"],
            speed_m_min=max(speed, planned),
            running=running,
            auto=auto,
            bank_kg=bank,
            recycle_cut_kg_h=good_value(v, q, "recycle_flow_kg_h"),
            flows_kg_h=flows,
            hoppers_kg=[good_value(v, q, name) for name in FEEDER_HOPPER],
            refilling=[v.get(name, 0.0) == 1.0 for name in FEEDER_REFILL],
            dt_s=dt,
            feed_enabled=inputs.feed_enabled,
        )
        if None in flows:
            conditions.append("feeder_flow_bad")

        old_target = self.grade.target
        setup_target = self.grade.step(target, self.position_m, dt)
        if self.grade.changed and old_target:
            monitor.grade_change(target / old_target, speed if moving else 0.0)
            path.restart_block(bank)
            self.gap.recover(None)  # an operator's new grade goes at full rate
        model = self._mass_balance(feed, dt, dx, bank, sp["web_width_mm"], auto and moving)
        self._wedge(v, q, dt, dx, auto and moving, conditions)

        reading = good_value(v, q, "areal_mass_mg_cm2")
        thickness = good_value(v, q, "thickness_um")
        if monitor.scan(reading, moving=moving, auto=auto, target=target, dt_s=dt,
                        thickness_um=thickness):  # fmt: skip
            assert reading is not None
            self._profile(v, q, reading, auto and not monitor.supervisor.in_grace)
            usable = self._trusted and not monitor.supervisor.in_grace
            check.on_scan(reading, target, usable)
            tolerance = sp.get("areal_mass_tolerance_pct", 1.5)
            monitor.judge(self.grade, reading, self.position_m, speed, tolerance)
        if monitor.condition:
            conditions.append(monitor.condition)
        if check.latched:
            conditions.append(check.condition)

        self._fed = bank >= c.bank_low_kg  # a starved nip's force is no gap sensor
        if not self._fed:
            conditions.append("bank_low")
        if feed.speed_limit_m_min < sp["line_speed_sp_m_min"]:
            conditions.append("feed_limited")
        setup_bank = max(bank, c.bank_low_kg)  # compensate the bank only down to its floor
        if moving:
            wanted = self.intake.gap(setup_target - monitor.mismatch, setup_bank)
            common = min(c.gap_max_um, max(c.gap_min_um, wanted))
        else:  # a standing line draws nothing: the set-up waits
            common = self.gap.mean_ref_um
        tilt = self.cd.split(-self.cd.tilt.mismatch)
        gaugemeter = self.cd.split(-self.cd.offset_um)
        common = self.gap.plan(
            common, (-thermal + tilt[0] + gaugemeter[0], -thermal + tilt[1] + gaugemeter[1]), dt
        )
        feedforward = self.intake.gap(setup_target, setup_bank, commissioned=True)
        self._conditions = tuple(conditions)
        self._template, self._corrections = outputs_for(
            feed=feed,
            running=running,
            speed_sp_m_min=min(self.speed.reference_m_min, feed.speed_limit_m_min),
            feedforward_um=[feedforward + o for o in self.gap.offsets_um],
            monitor_um=common - feedforward,
            thermal_um=-thermal,
            tilt_um=tilt,
            gaugemeter_um=gaugemeter,
            auto=auto,
            holding=monitor.holding,
            dead_time_s=monitor.smith.dead_time_s(speed),
            predicted_mg_cm2=monitor.smith.predicted(model),
            offspec_m=self.grade.offspec_m,
            pivot=self.cd.pivot,
        )
        self._template["gauge_mass_balance_disagreement_pct"] = check.disagreement_pct

    def _mass_balance(
        self, feed: FeedOutput, dt: float, dx: float, bank: float, width_mm: float, act: bool
    ) -> float:
        """Advance the powder path and the dead-time model; adapt the intake (or, after
        guessed flows, the mixer hold-up) per revolution block. Returns the model's areal mass
        at the nip now."""
        c, path, monitor, check = self.config, self.path, self.monitor, self.check
        assert path is not None and monitor is not None and check is not None
        self._mixer_in_kg_h = feed.mixer_in_kg_h
        model = self.intake.areal_mass(self.gap.mean_ref_um, bank)
        block = path.step(dt, feed.mixer_in_kg_h, dx, bank, width_mm / 1000.0, model)
        trusted = feed.weighed_s > 2.0 * c.mixer_residence_s + c.conveyor_delay_s
        self._trusted = trusted
        monitor.trust_model(trusted)
        if block is not None and act and bank > 0.0:
            if trusted:  # less so while the feed leads a change through the mixer
                calm = abs(feed.lead_kg_h) < 0.05 * feed.film_kg_h
                gain = c.mass_balance_gain * (1.0 if calm else 0.25)
                self.intake.adapt(block[0], block[1], gain)
            else:  # guessed flows went into the mixer: its hold-up is the suspect
                path.correct_holdup(block[0], block[1], 0.5)
        monitor.smith.advance(dx, dt, model)
        check.advance(dx, dt, block[0] if block is not None else None)
        return model

    def _resume(self, v, q, bank_kg: float) -> None:
        """Back from a lost link, bumplessly. The line ran on the held commands while the
        model saw nothing: the bank it reads now has drained or grown by what the nip really
        drew. The intake c is re-based so that the model says, at the held gap and this bank,
        m̂ = y − d̂ with y the gauge's last scan if the loss lasted long enough for the gauge
        to have seen film made during it (else the set-up target the held gap was made for);
        the web on its way to the gauge is refilled with m̂, the mass-balance block restarts,
        and the set-up leaves the held gap at the recovery slew. Without the re-base the bank
        feedforward took the drained bank for a thin film and opened the gap (issue 9)."""
        c, monitor, path, check = self.config, self.monitor, self.path, self.check
        assert monitor is not None and path is not None and check is not None
        mismatch = monitor.mismatch
        reading = good_value(v, q, "areal_mass_mg_cm2")
        seen_s = monitor.smith.dead_time_s(self.speed_m_min) + c.gauge_scan_time_s
        made = reading if reading is not None and self._held_s >= seen_s else None
        made = (made if made is not None else self.grade.setup_target) - mismatch
        gap = self.gap.mean_ref_um
        self.intake.rebase(made, bank_kg, gap, c.recovery_rebase_limit_frac)
        monitor.smith.reset(made, mismatch)  # the next scan is expected to read y
        path.restart_block(self.bank_kg)
        self.gap.recover(c.recovery_gap_rate_um_s, c.recovery_time_s)
        self.ecc.resume()
        check.hold_off(min(seen_s, 600.0))  # finite: a web that stood has no dead time
        self.cd.resume()
        self._coasted = False
        self._held_s = 0.0
