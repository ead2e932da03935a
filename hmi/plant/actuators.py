"""Gap actuators (one per side) and the line speed drive.

Gap actuator: the setpoint is rounded to the resolution r (default 0.1 µm); the internal
position x follows it through a first-order lag, dx = (sp − x)·(1 − exp(−dt/τ)) (default
τ = 0.05 s), clipped to |dx| ≤ rate·dt (default 100 µm/s). The reported and effective position
is x rounded to r: the drive moves in whole steps.

Speed drive: v ramps toward its target at a limited acceleration (default 20 m/min per s);
the target is the setpoint while running and 0 when stopped.
"""

from __future__ import annotations

from math import exp


class GapActuator:
    """Roll gap positioning on one side; `position_um` is what the position sensor reads."""

    __slots__ = ("position_um", "_x_um", "_tau_s", "_rate_um_s", "_res_um", "_dt_s", "_k")

    def __init__(
        self,
        position_um: float,
        time_constant_s: float,
        rate_limit_um_s: float,
        resolution_um: float,
    ) -> None:
        self._tau_s = time_constant_s
        self._rate_um_s = rate_limit_um_s
        self._res_um = resolution_um
        self._x_um = self._quantize(position_um)
        self.position_um = self._x_um
        self._dt_s = -1.0
        self._k = 1.0

    def set_position(self, position_um: float) -> None:
        """Place the actuator at rest at `position_um` (rounded to the resolution)."""
        self._x_um = self._quantize(position_um)
        self.position_um = self._x_um

    def _quantize(self, value_um: float) -> float:
        r = self._res_um
        return round(value_um / r) * r if r > 0.0 else value_um

    def step(self, dt_s: float, sp_um: float) -> float:
        """Move toward `sp_um` for `dt_s`; return the new position in µm."""
        if dt_s != self._dt_s:
            self._dt_s = dt_s
            self._k = 1.0 - exp(-dt_s / self._tau_s) if self._tau_s > 0.0 else 1.0
        r = self._res_um
        target = round(sp_um / r) * r if r > 0.0 else sp_um
        x = self._x_um
        dx = (target - x) * self._k
        lim = self._rate_um_s * dt_s
        if dx > lim:
            dx = lim
        elif dx < -lim:
            dx = -lim
        x += dx
        self._x_um = x
        pos = round(x / r) * r if r > 0.0 else x
        self.position_um = pos
        return pos


class SpeedDrive:
    """Line drive: roll surface speed in m/min with an acceleration limit."""

    __slots__ = ("speed_m_min", "accel_m_min_s")

    def __init__(self, accel_m_min_s: float, speed_m_min: float = 0.0) -> None:
        self.accel_m_min_s = accel_m_min_s
        self.speed_m_min = speed_m_min

    def step(self, dt_s: float, target_m_min: float) -> float:
        """Ramp toward `target_m_min` (clamped ≥ 0) for `dt_s`; return the new speed."""
        v = self.speed_m_min
        target = target_m_min if target_m_min > 0.0 else 0.0
        dv = self.accel_m_min_s * dt_s
        if target > v + dv:
            v += dv
        elif target < v - dv:
            v -= dv
        else:
            v = target
        self.speed_m_min = v
        return v
