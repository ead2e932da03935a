"""Pure time delay of a mass stream (conveyor to the nip, edge-trim recycle loop).

A ring of N = round(delay / slot) slots of `slot_s` seconds (default 0.05 s). Mass entering
during a slot is collected, stored at the slot's end, and released N slots later, spread
evenly over that slot (the oldest slot drains in proportion to the time passing). So the
stream comes out `delay_s` later (to within a slot), a constant stream comes out constant at
any dt (no lumps, no sawtooth in the bank), and mass is conserved exactly: the hold-up is
tracked as inflow − outflow. A zero delay passes the stream straight through.
"""

from __future__ import annotations

SLOT_S = 0.05


class TimeDelay:
    """Mass delay line; `step(dt, mass_in)` returns the mass released in kg."""

    __slots__ = (
        "delay_s",
        "holdup_kg",
        "_slot_s",
        "_ring",
        "_n",
        "_i",
        "_pending",
        "_t",
        "_oldest",
        "_left",
    )

    def __init__(self, delay_s: float, slot_s: float = SLOT_S) -> None:
        self.delay_s = delay_s
        self._slot_s = slot_s
        self._n = max(1, round(delay_s / slot_s)) if delay_s > 0.0 else 0
        self.set_steady(0.0)

    def set_steady(self, flow_kg_h: float) -> None:
        """Fill the line for a constant `flow_kg_h`: every slot holds flow·slot."""
        per_slot = flow_kg_h / 3600.0 * self._slot_s
        self._ring = [per_slot] * self._n
        self._i = 0
        self._pending = 0.0
        self._t = 0.0  # time into the present slot, s
        self._oldest = self._left = per_slot if self._n else 0.0
        self.holdup_kg = per_slot * self._n

    def step(self, dt_s: float, mass_in_kg: float) -> float:
        """Take `mass_in_kg` over `dt_s`; return what leaves the line during the step."""
        n = self._n
        if n == 0:
            return mass_in_kg
        self._pending += mass_in_kg
        slot = self._slot_s
        t0 = self._t
        t = t0 + dt_s
        out = 0.0
        while t >= slot - 1e-12:  # a slot boundary: the oldest is out, the newest is stored
            out += self._left
            i = self._i
            self._ring[i] = self._pending
            self._pending = 0.0
            i += 1
            if i == n:
                i = 0
            self._i = i
            self._oldest = self._left = self._ring[i]
            t -= slot
            t0 = 0.0
        if t < 0.0:
            t = 0.0
        part = self._oldest * (t - t0) / slot
        if part > self._left:
            part = self._left
        self._left -= part
        out += part
        self._t = t
        self.holdup_kg += mass_in_kg - out
        return out
