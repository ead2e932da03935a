"""Set-up model (intake with the bank), its adaptation, grade ramps and the off-spec count."""

import math

import pytest

from hmi.control.setup import GradeTracker, IntakeModel


def test_intake_model_inverts_for_the_gap_and_compensates_the_bank():
    model = IntakeModel(bank_scale_kg=1.0)
    assert model.phi(0.0) == 0.0 and model.phi(-1.0) == 0.0
    assert model.phi(3.0) == pytest.approx(1 - math.exp(-3))
    model.calibrate(30.0, 3.0, 79.6)
    assert model.areal_mass(79.6, 3.0) == pytest.approx(30.0)
    assert model.gap(30.0, 3.0) == pytest.approx(79.6)
    assert model.gap(26.0, 3.0) == pytest.approx(79.6 * 26 / 30)  # a grade change
    # a fuller bank draws more: the same film needs a smaller gap
    assert model.gap(30.0, 4.5) == pytest.approx(79.6 * model.phi(3.0) / model.phi(4.5))


def test_adaptation_takes_a_share_of_the_mass_balance_error_and_keeps_c0():
    model = IntakeModel(1.0)
    model.calibrate(30.0, 3.0, 80.0)
    c0 = model.c
    model.adapt(30.75, 30.0, 0.8)  # 2.5 % more drawn than modelled
    assert model.c == pytest.approx(c0 * 1.02)
    assert model.c0 == c0
    assert model.gap(30.0, 3.0, commissioned=True) == pytest.approx(80.0)
    model.adapt(60.0, 30.0, 1.0)  # a wild block moves it at most 3 %
    assert model.c == pytest.approx(c0 * 1.02 * 1.03)


def test_grade_change_ramps_the_set_up_target():
    grade = GradeTracker(ramp_s=0.2)
    grade.start(30.0, 30.0, 0.0)
    assert grade.step(30.0, 0.0, 0.1) == 30.0 and not grade.changed
    assert grade.step(26.0, 10.0, 0.1) == pytest.approx(28.0) and grade.changed
    assert grade.step(26.0, 10.1, 0.1) == pytest.approx(26.0) and not grade.changed
    assert grade.step(26.0, 10.2, 0.1) == 26.0


def test_a_start_off_target_ramps_from_what_the_line_makes():
    grade = GradeTracker(ramp_s=0.2)
    grade.start(30.0, 29.0, 0.0)
    assert grade.setup_target == 29.0
    assert grade.step(30.0, 0.0, 0.1) == pytest.approx(29.5)


def test_off_spec_is_judged_against_the_target_the_film_was_made_for():
    grade = GradeTracker(ramp_s=0.2)
    grade.start(30.0, 30.0, 0.0)
    grade.step(26.0, 100.0, 0.1)  # new grade from 100 m of web on
    assert grade.target_at(99.0) == 30.0 and grade.target_at(101.0) == 26.0
    grade.judge(30.1, 95.0, 6.7, 1.5)  # old film, old target: fine
    assert grade.offspec_m == 0.0
    grade.judge(28.0, 101.0, 6.7, 1.5)  # new film, 7.7 % over: off-spec
    grade.judge(26.2, 108.0, 6.7, 1.5)
    assert grade.offspec_m == pytest.approx(6.7) and grade.grade_offspec_m == pytest.approx(6.7)
