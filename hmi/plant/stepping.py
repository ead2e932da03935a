"""Shared by the plant's time-stepped parts: how many time steps' coefficients each keeps.

The runtime's tick is t0 + k·period minus t0, so successive steps differ from 0.01 s in their
last bits: a score of distinct values an hour, in turn. A part that keeps the coefficients
(exp, sin, sqrt of dt) of each one computes them once; the floats are the very same. With a
real clock every step differs, so the memo is cleared when full instead of growing.
"""

from __future__ import annotations

DT_MEMO_SIZE = 64
