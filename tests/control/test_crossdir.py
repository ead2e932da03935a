"""The wedge: gaugemeter from the force difference, pivot from the force steps, tilt from the
gauge's edges."""

import pytest

from hmi.control.crossdir import CrossDirection

DT = 0.1
K = 1.9  # kN per µm, graphite-like


def cross(**kw):
    return CrossDirection(
        gauge_distance_m=2.0, scan_time_s=8.0, edge_width_frac=0.125, gaugemeter_gain=0.6,
        tilt_gain=0.15, wedge_step_um=0.5, **kw,
    )  # fmt: skip


def run(seconds, null_os=0.0, null_ds=0.0, at_s=1.0, k_estimate=K):
    """Per-side forces from the half-width gaps (3:1), a null shift at `at_s`; the corrections
    go back into the gaps. Returns (controller, effective gap offset per side)."""
    cd = cross()
    eff = (0.0, 0.0)
    for k in range(round(seconds / DT)):
        shift = (null_os, null_ds) if k * DT >= at_s else (0.0, 0.0)
        os_c, ds_c = cd.split(cd.wedge_um)
        eff = (shift[0] + os_c, shift[1] + ds_c)
        f_os = 140.0 + K * (0.75 * eff[0] + 0.25 * eff[1])
        f_ds = 140.0 + K * (0.25 * eff[0] + 0.75 * eff[1])
        cd.step(f_os, f_ds, 70.0, k_estimate, DT, 0.1, True)
    return cd, eff


def test_a_one_sided_shift_is_undone_on_its_own_side():
    cd, eff = run(5.0, null_ds=3.0)
    assert cd.pivot == 1.0
    assert eff == pytest.approx((0.0, 0.0), abs=0.02)  # both edges see the reference again
    assert cd.split(cd.wedge_um) == pytest.approx((0.0, -3.0), abs=0.02)
    cd, eff = run(5.0, null_os=-2.0)
    assert cd.pivot == 0.0
    assert eff == pytest.approx((0.0, 0.0), abs=0.02)


def test_a_symmetric_tilt_is_split_about_the_middle():
    cd, eff = run(5.0, null_os=-1.0, null_ds=1.0)
    assert cd.pivot == pytest.approx(0.5, abs=0.05)
    assert eff == pytest.approx((0.0, 0.0), abs=0.05)


@pytest.mark.parametrize("ratio", [0.6, 1.4])
def test_a_wrong_nip_stiffness_only_changes_the_speed(ratio):
    cd, eff = run(10.0, null_ds=3.0, k_estimate=K * ratio)
    assert cd.pivot == 1.0
    assert eff == pytest.approx((0.0, 0.0), abs=0.02)


def test_tilt_learns_a_wedge_the_forces_do_not_show_and_ignores_a_spiked_edge():
    cd = cross()
    gain = 20.0 / 70.0  # mg/cm² per µm
    for _ in range(60):  # the film had 1 µm of wedge at start, which the forces took as zero
        for _ in range(80):
            os_c, ds_c = cd.split(cd.wedge_um)  # the forces see what the corrections do
            f_os = 140.0 + K * (0.75 * os_c + 0.25 * ds_c)
            f_ds = 140.0 + K * (0.25 * os_c + 0.75 * ds_c)
            cd.step(f_os, f_ds, 70.0, K, DT, 0.1, True)
        wedge = 1.0 + cd.wedge_um
        assert cd.on_scan(20.0, 20.0 + 0.875 * gain * wedge, gain)
    assert cd.wedge_um == pytest.approx(-1.0, abs=0.05)
    before = cd.wedge_um
    assert not cd.on_scan(20.0, 20.0 * 1.2, gain)  # a 20 % spike on the DS edge zones
    assert cd.wedge_um == before


def test_held_corrections_do_not_move():
    cd = cross()
    for _ in range(50):
        cd.step(140.0, 143.0, 70.0, K, DT, 0.1, False)
    assert cd.wedge_um == 0.0


def test_nip_stiffness_from_the_gaugemeter_matches_the_emulated_lfp_nip():
    from hmi.control.crossdir import nip_stiffness
    from hmi.plant import LFP, Equipment, Line
    from hmi.plant.steady import settle_nip

    line = Line.at_steady_state(LFP, Equipment(), 30.0, 50.0)
    force, gap = line.roll_force_kn["os"], line.gap_position_um["os"]
    for actuator in line.gap_actuators.values():
        actuator.set_position(gap + 1.0)
    settle_nip(line)
    true_k = line.roll_force_kn["os"] - force  # both sides opened 1 µm
    assert nip_stiffness(force, gap, 2.5, 6.0) == pytest.approx(true_k, rel=0.05)
    assert nip_stiffness(0.0, gap, 2.5, 6.0) == 0.0
