"""Test doubles for the runtime: a scripted hardware profile and a recording controller."""

from __future__ import annotations

from collections.abc import Callable

from hmi.control.base import ControlInputs, ControlResult
from hmi.core.process import Outputs, ProcessImage, Quality
from hmi.hardware.base import CommunicationError, HardwareProfile


class ScriptedProfile(HardwareProfile):
    """Records read times and writes; `on_read(t_s, n)` may advance a SimClock or raise."""

    name = "scripted"

    def __init__(self, on_read: Callable[[float, int], None] | None = None) -> None:
        self.read_times: list[float] = []
        self.writes: list[dict[str, float]] = []
        self.on_read = on_read
        self.value = 30.0
        self._connected = False

    def connect(self) -> None:
        self._connected = True

    def disconnect(self) -> None:
        self._connected = False

    @property
    def connected(self) -> bool:
        return self._connected

    def initial_setpoints(self) -> dict[str, float]:
        return {
            "areal_mass_target_mg_cm2": 30.0,
            "line_speed_sp_m_min": 50.0,
            "web_width_mm": 1000,
            "areal_mass_tolerance_pct": 1.5,
            "roll_temperature_sp_c": 80.0,
            "densify_line_load_sp_kn_mm": 1.0,
            "laminate_line_load_sp_kn_mm": 1.0,
            "laminate_temperature_sp_c": 120.0,
            "hopper_refill_request_sp_frac": 0.2,
            "hopper_refill_complete_sp_frac": 0.9,
        }

    def read(self, t_s: float) -> ProcessImage:
        self.read_times.append(t_s)
        if self.on_read:
            self.on_read(t_s, len(self.read_times))
        values = {"areal_mass_mg_cm2": self.value, "line_speed_m_min": 50.0}
        return ProcessImage(t_s, values, dict.fromkeys(values, Quality.GOOD))

    def write(self, outputs: Outputs) -> None:
        if not self._connected:
            raise CommunicationError("not connected")
        self.writes.append(dict(outputs.values))


class EchoController:
    """Outputs the areal mass it read, so a test can see what reached the controller."""

    name = "echo"

    def __init__(self) -> None:
        self.inputs: list[ControlInputs] = []
        self.dts: list[float] = []

    def step(self, image: ProcessImage, inputs: ControlInputs, dt_s: float) -> ControlResult:
        self.inputs.append(inputs)
        self.dts.append(dt_s)
        seen = image.values.get("areal_mass_mg_cm2", float("nan"))
        return ControlResult({"gap_feedback_um": seen}, {"seen": seen})
