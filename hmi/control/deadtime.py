"""Dead-time compensation of the areal-mass gauge loop (Smith predictor in IMC form).

The gauge sees the film L metres after the nip and reports the mean of one scan pass, so a
reading at time t is the average, over the last scan time T_scan, of the film that left the
nip L metres of web earlier. The transport delay is tracked in metres, not seconds: the model
output is written into a delay line indexed by web position and read back L metres later, so
the delay θ = L / v follows speed changes exactly (`dead_time_s` reports it for the present
speed). The model's value at the gauge is averaged over the scan time like the gauge does.

With m̂(t) the model's areal mass at the nip now and y_k the k-th scan reading:

    ŷ_k   = mean over the last T_scan of  m̂(x − L)                 delayed, scan-averaged model
    d̂    ← d̂ + λ · (y_k − ŷ_k − d̂)                                mismatch, IMC filter λ
    m_pred = m̂ + d̂                                                what the gauge will read of
                                                                    the film made now

The controller inverts the delay-free model for m_pred = target (IMC), so the loop acts on the
film being made now instead of waiting for it to reach the gauge. Because the mismatch is the
reading minus the model driven by the gap actually commanded (limited), a gap at its limit
cannot wind anything up.
"""

from __future__ import annotations


class WebDelay:
    """Values written at the nip by web position, read back `length_m` metres later.

    A ring of cells of `cell_m`; each cell the web passes gets the value written then, and
    `at_gauge` returns the value of the cell written N = round(L / cell) cells ago.
    """

    __slots__ = ("length_m", "cell_m", "_lag", "_size", "_ring", "_head", "_frac")

    def __init__(self, length_m: float, initial: float, cell_m: float = 0.05) -> None:
        if not length_m > 0.0 or not cell_m > 0.0:
            raise ValueError("WebDelay: length_m and cell_m must be > 0")
        self.length_m = length_m
        self.cell_m = cell_m
        self._lag = max(1, round(length_m / cell_m))
        self._size = self._lag + 1
        self._ring = [initial] * self._size
        self._head = 0
        self._frac = 0.0

    def fill(self, value: float) -> None:
        """Every cell on the way holds `value` (a line in steady state)."""
        self._ring = [value] * self._size

    def advance(self, distance_m: float, value: float) -> None:
        """The web moved `distance_m` forward while the nip made `value`."""
        if distance_m <= 0.0:
            return
        frac = self._frac + distance_m / self.cell_m
        n = int(frac + 1e-9)
        self._frac = frac - n
        size = self._size
        head = self._head
        ring = self._ring
        for _ in range(n if n < size else size):
            head += 1
            if head == size:
                head = 0
            ring[head] = value
        self._head = head

    def at_gauge(self) -> float:
        """The value written N cells ago: the film now at the gauge."""
        i = self._head + 1
        return self._ring[0 if i == self._size else i]


class ScanWindow:
    """Time average of a signal over the last `window_s`, kept in blocks of `block_s`."""

    __slots__ = ("window_s", "block_s", "_sums", "_times", "_i", "_n", "_sum", "_time")

    def __init__(self, window_s: float, initial: float, block_s: float = 0.5) -> None:
        self.window_s = window_s
        self.block_s = block_s
        self._n = max(1, round(window_s / block_s))
        self._sums = [initial * block_s] * self._n
        self._times = [block_s] * self._n
        self._i = 0
        self._sum = 0.0
        self._time = 0.0

    def fill(self, value: float) -> None:
        self._sums = [value * self.block_s] * self._n
        self._times = [self.block_s] * self._n
        self._sum = self._time = 0.0

    def add(self, value: float, dt_s: float) -> None:
        """`value` held over the last `dt_s`. A step that runs past the block's end is split
        there, so every block spans `block_s` and the window `window_s` whatever the steps
        (steps of 0.1 s ± a tick's jitter would otherwise close blocks of 0.5 or 0.6 s, and
        a window meant to match the gauge's 8 s scan would span up to 9.6 s)."""
        block = self.block_s
        while self._time + dt_s > block + 1e-9:
            part = block - self._time
            self._sum += value * part
            self._time = block
            self._close()
            dt_s -= part
        self._sum += value * dt_s
        self._time += dt_s
        if self._time >= block - 1e-9:
            self._close()

    def _close(self) -> None:
        self._sums[self._i] = self._sum
        self._times[self._i] = self._time
        self._i = (self._i + 1) % self._n
        self._sum = self._time = 0.0

    def average(self) -> float:
        """Mean over the last window (the closed blocks plus the block under way, minus the
        oldest block's share that the one under way replaces)."""
        oldest = self._i
        keep = max(0.0, 1.0 - self._time / self._times[oldest])
        total = sum(self._sums) - self._sums[oldest] * (1.0 - keep) + self._sum
        span = sum(self._times) - self._times[oldest] * (1.0 - keep) + self._time
        return total / span if span > 0.0 else 0.0


class SmithPredictor:
    """The model's areal mass at the nip, delayed by the web to the gauge and scan-averaged,
    against the gauge's readings (see the module docstring)."""

    __slots__ = ("delay", "window", "filter_gain", "mismatch", "gauge_distance_m")

    def __init__(
        self, gauge_distance_m: float, scan_time_s: float, filter_gain: float, initial: float
    ) -> None:
        self.gauge_distance_m = gauge_distance_m
        self.delay = WebDelay(gauge_distance_m, initial)
        self.window = ScanWindow(scan_time_s, initial)
        self.filter_gain = filter_gain
        self.mismatch = 0.0

    def reset(self, value: float, mismatch: float = 0.0) -> None:
        """The line in steady state at `value`: the web on its way and the window hold it."""
        self.delay.fill(value)
        self.window.fill(value)
        self.mismatch = mismatch

    def advance(self, distance_m: float, dt_s: float, model_now: float) -> None:
        """The nip made `model_now` while the web moved `distance_m` in `dt_s`."""
        self.delay.advance(distance_m, model_now)
        self.window.add(self.delay.at_gauge(), dt_s)

    def expected(self) -> float:
        """What the next scan should read: ŷ + d̂."""
        return self.window.average() + self.mismatch

    def correct(self, reading: float, limit: float | None = None) -> None:
        """Take a new scan reading: d̂ ← d̂ + λ·(y − ŷ − d̂), the step within ±`limit`."""
        step = self.filter_gain * (reading - self.window.average() - self.mismatch)
        if limit is not None:
            step = max(-limit, min(limit, step))
        self.mismatch += step

    def predicted(self, model_now: float) -> float:
        """m_pred = m̂ + d̂: the gauge's reading of the film being made now."""
        return model_now + self.mismatch

    def dead_time_s(self, speed_m_min: float) -> float:
        """θ = L / v in seconds (inf when the web stands)."""
        return self.gauge_distance_m * 60.0 / speed_m_min if speed_m_min > 0.0 else float("inf")
