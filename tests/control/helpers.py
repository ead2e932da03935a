"""Synthetic process images for the controller tests: a line in steady state (LFP 30 mg/cm²,
50 m/min, 1 m), with any value overridden, marked bad, or the whole image lost."""

from __future__ import annotations

import math

from hmi.control import ControlInputs
from hmi.core.process import ProcessImage, Quality
from hmi.core.tags import TAGS, TagKind

DT = 0.01
SETPOINTS = {
    "areal_mass_target_mg_cm2": 30.0,
    "line_speed_sp_m_min": 50.0,
    "web_width_mm": 1000.0,
    "areal_mass_tolerance_pct": 1.5,
}
AUTO = ControlInputs(SETPOINTS, running=True, mode="auto")
MANUAL = ControlInputs(SETPOINTS, running=True, mode="manual")

STEADY = {
    "feeder_active_flow_kg_h": 829.46,
    "feeder_carbon_flow_kg_h": 26.19,
    "feeder_binder_flow_kg_h": 17.46,
    "feeder_active_hopper_kg": 180.0,
    "feeder_carbon_hopper_kg": 24.0,
    "feeder_binder_hopper_kg": 24.0,
    "feeder_active_refilling": 0.0,
    "feeder_carbon_refilling": 0.0,
    "feeder_binder_refilling": 0.0,
    "gap_os_um": 79.6,
    "gap_ds_um": 79.6,
    "roll_force_os_kn": 107.28,
    "roll_force_ds_kn": 107.28,
    "bank_mass_kg": 2.993,
    "line_speed_m_min": 50.0,
    "roll_temperature_c": 80.0,
    "areal_mass_mg_cm2": 30.0,
    "areal_mass_os_mg_cm2": 29.91,
    "areal_mass_ds_mg_cm2": 29.91,
    "thickness_um": 126.55,
    "line_running": 1.0,
    "roll_angle_rad": 0.0,
    "mixer_temperature_c": 29.0,
    "line_power_kw": 100.0,
    "energy_wh_per_m2": 34.6,
    "recycle_flow_kg_h": 26.88,
}
MEASURED = [n for n, t in TAGS.items() if t.kind in (TagKind.MEASURED, TagKind.STATUS)]


def image(t: float = 0.0, bad: tuple[str, ...] = (), **values: float) -> ProcessImage:
    """The steady line at time t with `values` changed; tags in `bad` (or NaN) are of bad
    quality. The roll turns with the web (800 mm rolls at the line speed)."""
    speed = values.get("line_speed_m_min", STEADY["line_speed_m_min"])
    turning = {"roll_angle_rad": (t * speed / (30.0 * 0.8)) % (2.0 * math.pi)}
    merged = {**STEADY, **turning, **values}
    quality = {
        n: Quality.BAD if n in bad or not math.isfinite(merged.get(n, 0.0)) else Quality.GOOD
        for n in merged
    }
    return ProcessImage(t, merged, quality)


def lost(t: float = 0.0) -> ProcessImage:
    """What the runtime passes when a read fails: every measured tag NaN and bad."""
    nan = float("nan")
    return ProcessImage(t, dict.fromkeys(MEASURED, nan), dict.fromkeys(MEASURED, Quality.BAD))


def inputs(mode: str = "auto", running: bool = True, **setpoints: float) -> ControlInputs:
    return ControlInputs({**SETPOINTS, **setpoints}, running=running, mode=mode)


class LineRig:
    """A controller on the emulated line, stepped by hand: read → step → write, as the
    runtime does, with faults injected through the profile."""

    def __init__(self, controller, *, material="LFP", target=30.0, speed=50.0, seed=1):
        from hmi.hardware.config import (
            EmulatedSection,
            ProfileConfig,
            ProfileSection,
            StartupSection,
        )
        from hmi.hardware.emulated import EmulatedProfile
        from hmi.plant import MATERIALS

        config = ProfileConfig(
            profile=ProfileSection(name="rig", driver="emulated"),
            startup=StartupSection(
                areal_mass_target_mg_cm2=target,
                line_speed_sp_m_min=speed,
                formulation=MATERIALS[material].fractions,
            ),
            emulated=EmulatedSection(material=material, seed=seed),
        )
        self.profile = EmulatedProfile(config)
        self.profile.connect()
        self.line = self.profile.line
        self.controller = controller
        self.setpoints = dict(self.profile.initial_setpoints())
        self.t = 0.0
        self.result = None

    def run(self, seconds, mode="auto", each=None):
        """Step for `seconds` as the runtime does (a failed read is an all-bad image, a
        failed write is dropped); `each(result)` sees every tick's result."""
        from hmi.core.process import Outputs
        from hmi.hardware.base import CommunicationError

        for _ in range(round(seconds / DT)):
            self.t += DT
            try:
                img = self.profile.read(self.t)
            except CommunicationError:
                img = lost(self.t)
            ins = ControlInputs(dict(self.setpoints), running=True, mode=mode)
            self.result = self.controller.step(img, ins, DT)
            try:
                self.profile.write(Outputs(self.result.outputs))
            except CommunicationError:
                pass
            if each:
                each(self.result)
        return self.result
