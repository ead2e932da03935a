"""Gap actuators (one per side) and the line speed drive.

Gap actuator: a servo-hydraulic position loop, second order with natural frequency ω = 2π·f_n
(default 20 Hz) and damping ζ (default 0.8):

    x'' + 2ζω·x' + ω²·x = ω²·r,     r = setpoint rounded to the resolution (default 0.1 µm).

It is stepped with the exact discretisation of that ODE for r constant over the step (zero-order
hold): with e = x − r, σ = ζω, ω_d = ω·√(1 − ζ²), E = exp(−σ·dt), c = cos(ω_d·dt),
s = sin(ω_d·dt):

    e' = E·[(c + σ·s/ω_d)·e + (s/ω_d)·v],   v' = E·[−(ω²·s/ω_d)·e + (c − σ·s/ω_d)·v].

That is exact and stable at any dt (0.01 s is ω·dt = 1.26, where explicit Euler would blow up).
Slew limit (default 100 µm/s, the valve's flow limit): when that step would move the actuator
more than rate·dt or end faster than the rate, it moves at the rate instead (x += ±rate·dt,
v = ±rate) without passing the setpoint. The reported and effective position is x rounded to the
resolution: the drive moves in whole steps. (The force limit, the cylinder's relief valve, is
applied by the line on top of this position: line.py, step 7.)

Speed drive: v ramps toward its target at a limited acceleration (default 20 m/min per s);
the target is the setpoint while running and 0 when stopped.
"""

from __future__ import annotations

from math import cos, exp, pi, sin, sqrt

from hmi.plant.stepping import DT_MEMO_SIZE


class GapActuator:
    """Roll gap positioning on one side; `position_um` is the true (quantized) position."""

    __slots__ = (
        "position_um",
        "velocity_um_s",
        "_x_um",
        "_omega",
        "_zeta",
        "_rate_um_s",
        "_res_um",
        "_dt_s",
        "_by_dt",
        "_p11",
        "_p12",
        "_p21",
        "_p22",
    )

    def __init__(
        self,
        position_um: float,
        rate_limit_um_s: float,
        resolution_um: float,
        *,
        natural_freq_hz: float = 20.0,
        damping: float = 0.8,
    ) -> None:
        if not natural_freq_hz > 0.0 or not 0.0 < damping < 1.0:
            raise ValueError("need natural_freq_hz > 0 and 0 < damping < 1")
        self._omega = 2.0 * pi * natural_freq_hz
        self._zeta = damping
        self._rate_um_s = rate_limit_um_s
        self._res_um = resolution_um
        self._dt_s = -1.0
        self._by_dt: dict[float, tuple[float, float, float, float]] = {}
        self._p11 = self._p12 = self._p21 = self._p22 = 0.0
        self.set_position(position_um)

    @property
    def natural_freq_hz(self) -> float:
        return self._omega / (2.0 * pi)

    @property
    def damping(self) -> float:
        return self._zeta

    def set_position(self, position_um: float) -> None:
        """Place the actuator at rest at `position_um` (rounded to the resolution)."""
        self._x_um = self._quantize(position_um)
        self.position_um = self._x_um
        self.velocity_um_s = 0.0

    def _quantize(self, value_um: float) -> float:
        r = self._res_um
        return round(value_um / r) * r if r > 0.0 else value_um

    def _set_dt(self, dt_s: float) -> None:
        known = self._by_dt.get(dt_s)  # each time step's matrix once (hmi/plant/stepping.py)
        if known is None:
            if len(self._by_dt) >= DT_MEMO_SIZE:
                self._by_dt.clear()
            w = self._omega
            sigma = self._zeta * w
            wd = w * sqrt(1.0 - self._zeta * self._zeta)
            e = exp(-sigma * dt_s)
            c = cos(wd * dt_s)
            s = sin(wd * dt_s) / wd
            known = (e * (c + sigma * s), e * s, -e * w * w * s, e * (c - sigma * s))
            self._by_dt[dt_s] = known
        self._p11, self._p12, self._p21, self._p22 = known
        self._dt_s = dt_s

    def step(self, dt_s: float, sp_um: float) -> float:
        """Move toward `sp_um` for `dt_s`; return the new (quantized) position in µm."""
        r = self._res_um
        target = round(sp_um / r) * r if r > 0.0 else sp_um
        e = self._x_um - target
        v = self.velocity_um_s
        if e == 0.0 and v == 0.0:  # at rest on the setpoint
            return self.position_um
        if dt_s != self._dt_s:
            self._set_dt(dt_s)
        e1 = self._p11 * e + self._p12 * v
        v1 = self._p21 * e + self._p22 * v
        lim = self._rate_um_s * dt_s
        if e1 - e > lim or v1 > self._rate_um_s:  # slew-limited upward
            e1 = e + lim
            v1 = self._rate_um_s
            if e1 > 0.0 >= e:
                e1 = v1 = 0.0
        elif e - e1 > lim or v1 < -self._rate_um_s:  # slew-limited downward
            e1 = e - lim
            v1 = -self._rate_um_s
            if e1 < 0.0 <= e:
                e1 = v1 = 0.0
        if -1e-9 < e1 < 1e-9 and -1e-6 < v1 < 1e-6:  # settled: rest exactly on the target
            e1 = v1 = 0.0
        x = target + e1
        self._x_um = x
        self.velocity_um_s = v1
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
