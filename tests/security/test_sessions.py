"""First run, login and logout, lockout, auto-logout and signatures, on the simulated clock."""

from __future__ import annotations

import os

import pytest

from hmi.core.roles import Role
from hmi.security import (
    VIEWER,
    AccountError,
    AccountLocked,
    LoginFailed,
    PermissionDenied,
    PolicyError,
    make_hasher,
    open_security,
)
from hmi.security.passwords import lanes_for
from tests.security.fakes import ADMIN, PASSWORD


def actions(security) -> list[tuple[str, str, str]]:
    return [(r.user, r.action, r.outcome) for r in security.audit.records()]


# ----- first start -----
def test_an_empty_store_asks_for_the_administrator_and_has_no_default(security):
    assert security.needs_first_admin()
    assert security.current is VIEWER
    for name in ("admin", "administrator", "root"):
        with pytest.raises(LoginFailed):
            security.login(name, "admin")
    with pytest.raises(PolicyError, match="8 characters"):
        security.create_first_admin("chief", "short1")
    session = security.create_first_admin("chief", PASSWORD)
    assert (session.user, session.role) == ("chief", Role.ADMINISTRATOR)
    assert security.current == session
    assert not security.needs_first_admin()
    with pytest.raises(AccountError, match="already exist"):
        security.create_first_admin("second", PASSWORD)
    assert actions(security)[-2:] == [("chief", "user.add", "ok"), ("chief", "session.login", "ok")]
    assert security.audit.records(action="user.add")[-1].data["first_run"] is True


def test_the_first_user_added_from_outside_must_be_an_administrator(security):
    with pytest.raises(AccountError, match="first user must be an Administrator"):
        security.accounts.add(ADMIN, "ann", Role.OPERATOR, PASSWORD)
    assert security.users.count() == 0


# ----- login, logout, quick switch -----
def test_login_logout_and_quick_switch_are_audited(security, people):
    ann = security.login("operator1", PASSWORD)
    assert security.current == ann and ann.role is Role.OPERATOR
    assert security.login("ENGINEER1", PASSWORD).user == "engineer1"  # names ignore case
    security.logout()
    assert security.current is VIEWER
    security.logout()  # nobody logged in: nothing to record
    assert actions(security)[-4:] == [
        ("operator1", "session.login", "ok"),
        ("operator1", "session.logout", "ok"),
        ("engineer1", "session.login", "ok"),
        ("engineer1", "session.logout", "ok"),
    ]
    assert security.audit.records(action="session.logout")[0].reason == "user switch"
    assert security.users.get("operator1").last_login == security.clock()


def test_wrong_password_and_unknown_user_fail_alike_and_are_audited(security, people):
    security.login("operator1", PASSWORD)
    with pytest.raises(LoginFailed, match="wrong name or password"):
        security.login("operator1", "nope")
    with pytest.raises(LoginFailed, match="wrong name or password"):
        security.login("ghost", PASSWORD)
    assert security.current.user == "operator1"  # a failed switch keeps who was logged in
    failed = security.audit.records(action="session.login_failed")
    assert [(r.user, r.role, r.data["why"]) for r in failed] == [
        ("operator1", "Viewer", "wrong password"),
        ("(unknown)", "Viewer", "unknown user"),  # the typed name may be a password
    ]
    assert "nope" not in "".join(r.details + r.reason for r in security.audit.records())


def test_disabled_accounts_cannot_log_in(security, people):
    security.accounts.disable(ADMIN, "operator1", "left the company")
    with pytest.raises(LoginFailed, match="disabled"):
        security.login("operator1", PASSWORD)
    security.accounts.enable(ADMIN, "operator1")
    assert security.login("operator1", PASSWORD).user == "operator1"


# ----- lockout -----
def test_five_failures_lock_the_account_for_the_configured_time(security, people, clock):
    security.accounts.update_settings(ADMIN, lockout_s=600)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            security.login("operator1", "wrong")
        assert not security.users.get("operator1").locked(clock())
    with pytest.raises(LoginFailed):  # the same answer as any failure: no account oracle
        security.login("operator1", "wrong")
    assert security.users.get("operator1").locked_until == clock() + 600
    clock.advance(599)
    with pytest.raises(LoginFailed):
        security.login("operator1", PASSWORD)  # even the right password, while locked
    assert security.current is VIEWER
    clock.advance(1)
    assert security.login("operator1", PASSWORD).user == "operator1"
    user = security.users.get("operator1")
    assert (user.failed_attempts, user.locked_until) == (0, 0)
    records = security.audit.records(action="session.login_failed")
    assert [r.data.get("attempt") for r in records] == [1, 2, 3, 4, 5, None]
    assert records[4].data["locked"] is True and records[5].data["why"] == "locked"


def test_a_lock_that_ran_out_starts_a_fresh_count(security, people, clock):
    for _ in range(5):
        with pytest.raises(LoginFailed):
            security.login("operator1", "wrong")
    clock.advance(security.settings.lockout_s)
    with pytest.raises(LoginFailed) as failure:
        security.login("operator1", "wrong")
    assert not isinstance(failure.value, AccountLocked)
    assert security.users.get("operator1").failed_attempts == 1


def test_a_success_resets_the_count_and_an_admin_can_unlock(security, people):
    for _ in range(4):
        with pytest.raises(LoginFailed):
            security.login("engineer1", "wrong")
    security.login("engineer1", PASSWORD)
    assert security.users.get("engineer1").failed_attempts == 0
    for _ in range(5):
        with pytest.raises(LoginFailed):
            security.login("engineer1", "wrong")
    security.accounts.enable(ADMIN, "engineer1", "called the shift lead")
    assert security.login("engineer1", PASSWORD).user == "engineer1"


def test_lockout_settings_are_kept_in_the_store(tmp_path, clock):
    cheap = make_hasher(cheap=True)
    first = open_security(tmp_path, clock=clock, hasher=cheap)
    first.accounts.update_settings(ADMIN, "site rule", max_failed_attempts=3, lockout_s=60)
    first.close()
    again = open_security(tmp_path, clock=clock, hasher=cheap)
    assert (again.settings.max_failed_attempts, again.settings.lockout_s) == (3, 60.0)
    record = again.audit.records(action="settings.change")[0]
    assert record.data["lockout_s"] == {"old": 900.0, "new": 60.0}
    assert record.reason == "site rule"
    again.close()


# ----- auto-logout -----
def test_inactivity_logs_out_to_viewer(security, people, clock):
    security.accounts.update_settings(ADMIN, auto_logout_s=300)
    security.login("operator1", PASSWORD)
    clock.advance(299)
    assert not security.check_inactivity()
    security.touch()  # input at the panel
    clock.advance(299)
    assert not security.check_inactivity()
    clock.advance(1)
    assert security.check_inactivity()
    assert security.current is VIEWER
    record = security.audit.records()[-1]
    assert (record.user, record.action, record.reason) == (
        "operator1",
        "session.logout",
        "inactivity",
    )
    clock.advance(10_000)
    assert not security.check_inactivity()  # a Viewer is not logged out again


def test_auto_logout_can_be_switched_off(security, people, clock):
    security.accounts.update_settings(ADMIN, auto_logout_s=0)
    security.login("operator1", PASSWORD)
    clock.advance(86_400)
    assert not security.check_inactivity()


# ----- electronic signature -----
def test_a_signature_needs_the_password_a_reason_and_records_its_meaning(security, people):
    boss = security.login("supervisor1", PASSWORD)
    signature = security.sign(
        boss, "recipe.approve", PASSWORD, "trial passed", target="LFP@3", details={"recipe": "LFP"}
    )
    record = security.audit.records()[-1]
    assert record.id == signature.record_id and record.action == "signature"
    assert record.data["for"] == "recipe.approve" and record.data["target"] == "LFP@3"
    assert record.data["meaning"].startswith("Approval:")
    assert record.data["recipe"] == "LFP" and record.reason == "trial passed"
    with pytest.raises(LoginFailed, match="Wrong password"):
        security.sign(boss, "alarm.out_of_service", "guess", "sensor out", target="bank_low")
    assert security.audit.records()[-1].action == "signature.failed"
    with pytest.raises(ValueError, match="reason"):
        security.sign(boss, "alarm.out_of_service", PASSWORD, "  ", target="bank_low")
    with pytest.raises(ValueError, match="not an action that is signed"):
        security.sign(boss, "alarm.shelve", PASSWORD, "x", target="bank_low")


def test_a_signature_is_refused_to_a_role_without_the_permission(security, people):
    operator = security.login("operator1", PASSWORD)
    with pytest.raises(PermissionDenied):
        security.sign(operator, "recipe.approve", PASSWORD, "looks fine", target="LFP@3")
    assert security.audit.records()[-1].outcome == "denied"


def test_failed_signatures_lock_the_account_and_log_out(security, people):
    boss = security.login("supervisor1", PASSWORD)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            security.sign(boss, "recipe.approve", "guess", "x", target="LFP@3")
    with pytest.raises(AccountLocked):
        security.sign(boss, "recipe.approve", "guess", "x", target="LFP@3")
    assert security.current is VIEWER


def test_old_hashes_are_upgraded_at_login(tmp_path, clock):
    weak = open_security(tmp_path, clock=clock, hasher=make_hasher(cheap=True))
    weak.create_first_admin("chief", PASSWORD)
    old_hash = weak.users.get("chief").password_hash
    weak.close()
    strong = open_security(tmp_path, clock=clock)  # the production profile
    strong.login("chief", PASSWORD)
    new_hash = strong.users.get("chief").password_hash
    lanes = lanes_for(os.cpu_count())  # sized to this machine, one core left for the loop
    assert new_hash != old_hash and new_hash.startswith(f"$argon2id$v=19$m=65536,t=3,p={lanes}$")
    strong.close()


def test_a_four_lane_hash_is_rehashed_to_leave_a_core_free_on_a_two_core_panel(tmp_path, clock):
    from argon2 import PasswordHasher, profiles

    four = open_security(tmp_path, clock=clock)
    four.hasher = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)  # p=4, as before
    four.create_first_admin("chief", PASSWORD)
    assert ",p=4$" in four.users.get("chief").password_hash
    four.hasher = make_hasher(cpus=2)
    four.login("chief", PASSWORD)  # the p=4 hash still verifies ...
    assert ",p=1$" in four.users.get("chief").password_hash  # ... and is stored with one lane
    four.logout()
    four.login("chief", PASSWORD)
    four.close()
    assert lanes_for(1) == 1 and lanes_for(2) == 1 and lanes_for(8) == 7 and lanes_for(None) == 1
