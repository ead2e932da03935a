"""Dead-time compensation: the delay in metres of web, the scan average, the IMC loop on a
toy nip with a gauge L metres downstream, also when the modelled delay is wrong."""

import pytest

from hmi.control.deadtime import ScanWindow, SmithPredictor, WebDelay

DT = 0.1


def test_web_delay_is_in_metres_so_it_follows_the_speed():
    delay = WebDelay(2.0, initial=0.0, cell_m=0.05)
    # 1 m/s for 1 s, then 0.5 m/s: the value written at 1 m reaches the gauge at 3 m
    for _ in range(10):
        delay.advance(0.1, 1.0)
    assert delay.at_gauge() == 0.0
    for k in range(40):
        delay.advance(0.05, 2.0)
        if k < 19:
            assert delay.at_gauge() == 0.0
    assert delay.at_gauge() == 1.0  # written 2 m back, 4 s back at the new speed
    assert SmithPredictor(2.0, 8.0, 0.4, 30.0).dead_time_s(25.0) == pytest.approx(4.8)
    assert SmithPredictor(2.0, 8.0, 0.4, 30.0).dead_time_s(0.0) == float("inf")


def test_scan_window_is_the_mean_of_the_last_scan_time():
    window = ScanWindow(8.0, initial=10.0)
    assert window.average() == pytest.approx(10.0)
    for _ in range(40):  # 4 s at 20
        window.add(20.0, DT)
    assert window.average() == pytest.approx(15.0, abs=0.01)
    for _ in range(40):
        window.add(20.0, DT)
    assert window.average() == pytest.approx(20.0, abs=1e-9)


def test_scan_window_spans_the_scan_time_when_the_steps_jitter():
    """The slow part runs every 0.1 s give or take a tick's lateness (a real clock): the
    window must still average the last 8 s, as the gauge does. A ramp y = t has the mean
    t − 4 s over the last 8 s. (Closing a block only at a step's end made blocks of 0.5 or
    0.6 s, a window of up to 9.6 s, and doubled the loop's MD 2σ on the real clock.)"""
    import random

    rng = random.Random(3)
    window = ScanWindow(8.0, initial=0.0)
    t = 0.0
    worst = 0.0
    for k in range(2000):
        dt = 0.1 + rng.choice((-0.0003, 0.0003, 0.0))  # late by 0 … 0.3 ms, either end
        window.add(t + 0.5 * dt, dt)  # the ramp's mean over the step
        t += dt
        if k > 200:
            worst = max(worst, abs(window.average() - (t - 4.0)))
    # within the blocks' own resolution: the oldest block's part is taken at its mean,
    # off by at most block²/(8·window) = 0.0039 s on a unit ramp
    assert worst < 0.005, f"window mean off a ramp by {worst:.4f} s"


class ToyNip:
    """m = g·S + d at the nip; the gauge reads the scan mean of the film L metres back."""

    def __init__(self, gain=0.375, delay_m=2.0, speed_m_min=50.0, scan_s=8.0):
        self.gain, self.d = gain, 0.0
        self.dx = speed_m_min / 60.0 * DT
        self.web = WebDelay(delay_m, initial=30.0)
        self.scan = ScanWindow(scan_s, initial=30.0)
        self.scan_s, self.t, self.next_scan = scan_s, 0.0, scan_s
        self.reading = 30.0

    def step(self, gap_um):
        m = self.gain * gap_um + self.d
        self.web.advance(self.dx, m)
        self.scan.add(self.web.at_gauge(), DT)
        self.t += DT
        new = self.t >= self.next_scan - 1e-9
        if new:
            self.next_scan += self.scan_s
            self.reading = self.scan.average()
        return m, new


def run_loop(seconds, *, delay_model_m=2.0, gain_model=0.375, disturbance=0.9, compensate=True):
    """Target 30 mg/cm²; a +3 % disturbance at the nip at 10 s. Returns the nip values."""
    plant = ToyNip()
    smith = SmithPredictor(delay_model_m, 8.0, 0.4, initial=30.0)
    gap, out = 80.0, []
    for k in range(round(seconds / DT)):
        if k == 100:
            plant.d = disturbance
        m, new = plant.step(gap)
        out.append(m)
        model = gain_model * gap
        smith.advance(plant.dx, DT, model)
        if new:
            smith.correct(plant.reading)
        if compensate:  # IMC: invert the delay-free model for the predicted value
            gap = (30.0 - smith.mismatch) / gain_model
    return out


def test_imc_step_response_removes_a_disturbance_within_a_few_scans():
    nip = run_loop(120.0)
    assert nip[99] == pytest.approx(30.0)
    assert nip[110] == pytest.approx(30.9)  # the gauge has not seen it yet
    # the IMC filter takes 40 % of the mismatch per scan: 6 scans later ≤ 0.6⁵ of it is left
    assert abs(nip[round(60 / DT)] - 30.0) < 0.6**5 * 0.9 + 1e-3
    assert abs(nip[-1] - 30.0) < 0.005
    assert max(nip) < 30.91 and min(nip) > 29.9  # no overshoot worth the name


@pytest.mark.parametrize("delay_model_m", [1.0, 3.0])
def test_a_wrong_delay_in_the_model_still_converges(delay_model_m):
    nip = run_loop(200.0, delay_model_m=delay_model_m)
    assert abs(nip[-1] - 30.0) < 0.01
    late = nip[round(100 / DT) :]
    assert max(late) - min(late) < 0.05  # settled, no limit cycle


def test_a_wrong_plant_gain_in_the_model_still_converges():
    nip = run_loop(300.0, gain_model=0.375 / 1.6)  # the nip is 1.6× as sensitive
    assert abs(nip[-1] - 30.0) < 0.01
