"""A PI controller with output limits, conditional-integration anti-windup and hold."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PI:
    kp: float
    ki: float  # integral gain, output units per (error unit · s)
    out_min: float
    out_max: float
    integral: float = 0.0

    def step(self, error: float, dt_s: float, ki: float | None = None) -> float:
        """Advance by dt and return the limited output.

        Integration stops while the output sits at a limit and the error would push it
        further (anti-windup), so the loop recovers as soon as the error changes sign.
        """
        gain_i = self.ki if ki is None else ki
        candidate = self.integral + gain_i * error * dt_s
        unclamped = self.kp * error + candidate
        if (unclamped > self.out_max and error > 0) or (unclamped < self.out_min and error < 0):
            candidate = self.integral
        self.integral = candidate
        return min(self.out_max, max(self.out_min, self.kp * error + self.integral))

    def output(self, error: float) -> float:
        return min(self.out_max, max(self.out_min, self.kp * error + self.integral))

    def track(self, output: float, error: float = 0.0) -> None:
        """Bumpless: set the integral so that the current output equals `output`."""
        self.integral = output - self.kp * error
