"""Security hardening (issue 9): signatures bound to what they sign, sessions that follow the
account, guessing one's own password, settings that cannot be NaN, a private store, no
password kept from the user-name field, uniform login answers."""

from __future__ import annotations

import dataclasses
import math
import os
import stat

import pytest

from hmi.core.roles import Role
from hmi.runtime.commands import SetAlarmInService
from hmi.runtime.service import LineService
from hmi.security import (
    VIEWER,
    AccountLocked,
    LoginFailed,
    PermissionDenied,
    PolicyError,
    Signature,
    make_hasher,
    open_security,
)
from hmi.security.permissions import Action
from hmi.security.service import SIGNATURE_LIFETIME_S, SignatureRefused
from tests.security.fakes import ADMIN, PASSWORD
from tests.ui.fakes import FakeRuntime, make_snapshot

OOS = Action.ALARM_OUT_OF_SERVICE


@pytest.fixture
def panel(security, people):
    runtime = FakeRuntime(make_snapshot())
    line = LineService(runtime, security, audit=security.audit, signatures=security)
    return runtime, line


def _sign_for(security, alarm: str):
    return security.sign(security.current, OOS, PASSWORD, "probe replaced", target=alarm)


# ----- 1. a signature is bound to its action and target, used once, short-lived -----
def test_one_signature_takes_exactly_one_alarm_out_of_service(security, panel):
    runtime, line = panel
    security.login("supervisor1", PASSWORD)
    signature = _sign_for(security, "bank_low")
    for other in ("bank_high", "gauge_fault", "mixer_temperature_high"):
        with pytest.raises(SignatureRefused, match="bank_low"):
            line.set_alarm_in_service(other, False, signature)
    line.set_alarm_in_service("bank_low", False, signature)
    with pytest.raises(SignatureRefused, match="already used"):
        line.set_alarm_in_service("bank_low", False, signature)
    assert runtime.commands == [
        SetAlarmInService("bank_low", False, "probe replaced", "supervisor1")
    ]


def test_a_hand_built_or_altered_signature_is_refused(security, panel, clock):
    runtime, line = panel
    security.login("supervisor1", PASSWORD)
    forged = Signature(
        user="supervisor1",
        role=Role.SUPERVISOR,
        action=OOS,
        target="bank_low",
        meaning="x",
        reason="forged",
        time=clock(),
        record_id=1,
        token="0" * 32,
    )
    with pytest.raises(SignatureRefused, match="not issued"):
        line.set_alarm_in_service("bank_low", False, forged)
    real = _sign_for(security, "bank_low")
    retargeted = dataclasses.replace(real, target="bank_high")
    with pytest.raises(SignatureRefused):
        line.set_alarm_in_service("bank_high", False, retargeted)
    assert runtime.commands == []
    refused = security.audit.records(action="signature.refused")
    assert len(refused) == 2 and all(r.outcome == "denied" for r in refused)


def test_a_signature_expires(security, panel, clock):
    runtime, line = panel
    security.login("supervisor1", PASSWORD)
    signature = _sign_for(security, "bank_low")
    clock.advance(SIGNATURE_LIFETIME_S + 1)
    with pytest.raises(SignatureRefused, match="expired"):
        line.set_alarm_in_service("bank_low", False, signature)
    assert runtime.commands == []


def test_another_users_signature_is_refused(security, panel, people):
    runtime, line = panel
    security.login("supervisor1", PASSWORD)
    signature = _sign_for(security, "bank_low")
    security.login("admin1", PASSWORD)
    with pytest.raises(SignatureRefused, match="supervisor1"):
        line.set_alarm_in_service("bank_low", False, signature)
    assert runtime.commands == []


def test_every_signed_action_has_its_own_audit_record(security, panel):
    runtime, line = panel
    security.login("supervisor1", PASSWORD)
    signature = _sign_for(security, "bank_low")
    line.set_alarm_in_service("bank_low", False, signature)
    sig_record, action_record = security.audit.records()[-2:]
    assert sig_record.action == "signature" and sig_record.id == signature.record_id
    assert sig_record.data["for"] == OOS and sig_record.data["target"] == "bank_low"
    assert action_record.action == OOS
    assert action_record.data["alarm"] == "bank_low"
    assert action_record.data["signature_record"] == signature.record_id
    assert action_record.data["signed_by"] == "supervisor1"


def test_a_service_without_a_signature_verifier_refuses_signed_actions(security, people):
    runtime = FakeRuntime(make_snapshot())
    line = LineService(runtime, security, audit=security.audit)  # no verifier wired
    security.login("supervisor1", PASSWORD)
    signature = _sign_for(security, "bank_low")
    with pytest.raises(SignatureRefused):
        line.set_alarm_in_service("bank_low", False, signature)
    assert runtime.commands == []


# ----- 3. account changes reach a running panel -----
def test_a_panel_follows_an_account_disabled_or_demoted_elsewhere(tmp_path, clock):
    hasher = make_hasher(cheap=True)
    panel = open_security(tmp_path, clock=clock, hasher=hasher)
    cli = open_security(tmp_path, clock=clock, hasher=hasher)  # `hmi users` in a shell
    cli.accounts.add(ADMIN, "admin1", Role.ADMINISTRATOR, PASSWORD)
    cli.accounts.add(ADMIN, "eve", Role.ENGINEER, PASSWORD)
    runtime = FakeRuntime(make_snapshot())
    line = LineService(runtime, panel, audit=panel.audit)
    panel.login("eve", PASSWORD)
    line.write_setpoint("web_width_mm", 900.0)  # an Engineer may
    cli.accounts.set_role(ADMIN, "eve", Role.OPERATOR)
    with pytest.raises(PermissionDenied):
        line.write_setpoint("web_width_mm", 800.0)
    assert panel.current is VIEWER
    panel.login("eve", PASSWORD)
    assert panel.current.role is Role.OPERATOR
    cli.accounts.disable(ADMIN, "eve")
    with pytest.raises(PermissionDenied):
        line.start()
    assert panel.current is VIEWER
    assert len(runtime.commands) == 1
    logouts = [r for r in panel.audit.records(action="session.logout") if r.user == "eve"]
    assert [r.reason for r in logouts] == ["role changed", "account disabled"]
    panel.close()
    cli.close()


# ----- 7. security settings are finite and in range -----
@pytest.mark.parametrize(
    "setting, value",
    [
        ("lockout_s", "nan"),
        ("lockout_s", "inf"),
        ("lockout_s", "1e308"),
        ("auto_logout_s", "nan"),
        ("auto_logout_s", "-inf"),
        ("password_min_length", "100000"),
        ("max_failed_attempts", "0"),
        ("max_failed_attempts", "nan"),
    ],
)
def test_settings_refuse_nan_infinity_and_absurd_values(security, setting, value):
    before = security.accounts.settings()
    with pytest.raises(ValueError, match=r"allowed"):
        security.accounts.update_settings(ADMIN, **{setting: value})
    assert security.accounts.settings() == before


def test_settings_stored_by_an_older_version_as_nan_fall_back_to_safe_defaults(security):
    security.users.conn.execute(
        "INSERT OR REPLACE INTO security_settings (key, value) VALUES ('lockout_s', 'nan')"
    )
    settings = security.users.settings()
    assert math.isfinite(settings.lockout_s) and settings.lockout_s == 900.0


# ----- 8. guessing one's own password counts and locks -----
def test_wrong_old_passwords_are_counted_audited_and_lock(security, people):
    me = security.login("operator1", PASSWORD)
    for attempt in range(1, 5):
        with pytest.raises(PolicyError, match="current password is wrong"):
            security.accounts.change_own_password(me, f"guess{attempt}", "n3w-password")
        assert security.users.get("operator1").failed_attempts == attempt
    with pytest.raises(AccountLocked):
        security.accounts.change_own_password(me, "guess5", "n3w-password")
    assert security.current is VIEWER
    failed = security.audit.records(action="user.password_failed")
    assert len(failed) == 5 and failed[-1].data["locked"] is True


# ----- 9. the store is private to the account that runs the HMI -----
@pytest.mark.skipif(os.name != "posix", reason="POSIX mode bits")
def test_the_data_directory_database_and_exports_are_private(security, people, tmp_path):
    data_dir = tmp_path / "data"
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    for path in data_dir.glob("hmi.sqlite3*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    out = tmp_path / "audit.csv"
    security.export_audit(ADMIN, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX mode bits")
def test_an_existing_world_readable_store_is_made_private(tmp_path, clock):
    data_dir = tmp_path / "old"
    first = open_security(data_dir, clock=clock, hasher=make_hasher(cheap=True))
    first.close()
    data_dir.chmod(0o755)
    (data_dir / "hmi.sqlite3").chmod(0o644)
    again = open_security(data_dir, clock=clock, hasher=make_hasher(cheap=True))
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "hmi.sqlite3").stat().st_mode) == 0o600
    again.close()


# ----- 10. a password typed into the user-name field is not kept -----
def test_a_password_typed_as_the_user_name_never_reaches_the_trail(security, people):
    typed = "Op3rator-secret!"
    with pytest.raises(LoginFailed):
        security.login(typed, "")
    failure = security.audit.records()[-1]
    assert failure.action == "session.login_failed"
    everything = " ".join(f"{r.user} {r.details} {r.reason}" for r in security.audit.records())
    assert typed not in everything and typed.lower() not in everything.lower()


# ----- 12. answers that do not tell an account exists -----
def test_locked_disabled_and_unknown_accounts_get_the_same_answer(security, people, clock):
    with pytest.raises(LoginFailed) as unknown:
        security.login("nobody", PASSWORD)
    security.accounts.disable(ADMIN, "engineer1")
    with pytest.raises(LoginFailed) as disabled:
        security.login("engineer1", PASSWORD)  # the right password
    for _ in range(5):
        with pytest.raises(LoginFailed):
            security.login("operator1", "guess")
    with pytest.raises(LoginFailed) as locked:
        security.login("operator1", PASSWORD)
    assert str(unknown.value) == str(disabled.value) == str(locked.value)
    assert type(unknown.value) is type(disabled.value) is type(locked.value) is LoginFailed


def test_a_locked_account_is_checked_as_slowly_as_any_other(security, people, monkeypatch):
    calls = []
    import hmi.security.login_check as service_module  # where the argon2 check runs

    real = service_module.verify_password
    monkeypatch.setattr(service_module, "verify_password", lambda *a: calls.append(1) or real(*a))
    for _ in range(5):
        with pytest.raises(LoginFailed):
            security.login("operator1", "guess")
    calls.clear()
    with pytest.raises(LoginFailed):
        security.login("operator1", PASSWORD)
    assert calls == [1]  # the hash is checked although the answer is already known


@pytest.mark.parametrize("name", ["viewer", "Viewer", "VIEWER"])
def test_an_account_may_not_be_named_like_the_anonymous_panel_user(security, people, name):
    with pytest.raises(PolicyError, match="reserved"):
        security.accounts.add(ADMIN, name, Role.OPERATOR, PASSWORD)


def test_a_locked_out_only_administrator_is_let_back_in_locally(security, people):
    for _ in range(5):
        with pytest.raises(LoginFailed):
            security.login("admin1", "guess")
    assert security.users.get("admin1").locked(security.clock())
    security.accounts.enable(ADMIN, "admin1", "site recovery")  # `hmi users enable admin1`
    assert security.login("admin1", PASSWORD).role is Role.ADMINISTRATOR
