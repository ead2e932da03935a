"""Synthetic 10 Hz samples of a scenario run, for the statistics tests."""

import math

import numpy as np

from hmi.sim.stats import Sample


def synthetic(seed: int, n: int, events, segments, startup_s=20.0):
    """n samples at 10 Hz of a run with settling events: noise, steps that settle or not,
    NaN gap readings, CD zones every tenth sample, two targets."""
    rng = np.random.default_rng(seed)
    samples = []
    position = -2.0
    for i in range(n):
        t = i * 0.1
        position += 50.0 / 600.0
        target = 30.0 if t < n * 0.05 else 26.0
        since = [t - e for e in events if t >= e]
        step = 3.0 * math.exp(-since[-1] / 4.0) if since else 0.0
        err = step + rng.normal(0.0, 0.3) + (2.5 if rng.random() < 0.01 else 0.0)
        zones = target * (1 + (err + rng.normal(0, 0.5, 24)) / 100) if i % 10 == 0 else None
        gaps = {"os": rng.normal(0.1, 0.3), "ds": rng.normal(-0.1, 0.2)}
        if rng.random() < 0.02:
            gaps["os"] = math.nan
        samples.append(
            Sample(
                t_s=t,
                gauge_position_m=position,
                target=target,
                mean_mg_cm2=target * (1 + err / 100),
                zones_mg_cm2=zones,
                thickness_um=120.0 + rng.normal(0, 0.4) + 5.0 * (t > n * 0.05),
                gap_error_um=gaps,
            )
        )
    return samples, dict(
        startup_s=startup_s,
        tolerance_pct=1.5,
        settle_band_pct=0.5,
        scan_time_s=8.0,
        event_times_s=list(events),
        segment_times_s=list(segments),
    )
