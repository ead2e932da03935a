"""`hmi users ...` and `hmi audit ...` without Qt: passwords from stdin or a prompt, the same
data-dir resolution as the window, every change audited as <os user>@cli."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hmi.app import main
from hmi.security import open_security

ROOT = Path(__file__).resolve().parents[2]
PW = "line-2-ready"


def hmi(*args: str, stdin: str = "", monkeypatch=None) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(list(args))


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("HMI_DATA_DIR", str(tmp_path / "env-data"))
    return tmp_path / "env-data"


def test_echo_password_into_users_add_in_a_fresh_process(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "hmi", "users", "add", "chief", "--role", "administrator"],
        input=PW + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "HMI_DATA_DIR": str(tmp_path / "d")},
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "added chief (Administrator)" in out.stdout
    security = open_security(tmp_path / "d")
    assert security.login("chief", PW).user == "chief"
    security.close()


def test_the_users_commands_do_not_import_qt(tmp_path):
    code = (
        "import sys\nfrom hmi.app import main\n"
        f"rc = main(['users', 'list', '--data-dir', {str(tmp_path)!r}])\n"
        "assert rc == 0, rc\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_add_list_disable_enable_passwd_role(data, monkeypatch, capsys):
    assert (
        hmi("users", "add", "chief", "--role", "administrator", stdin=PW, monkeypatch=monkeypatch)
        == 0
    )
    assert (
        hmi("users", "add", "ann", "--role", "operator", stdin=PW + "\n", monkeypatch=monkeypatch)
        == 0
    )
    assert hmi("users", "disable", "ann", "--reason", "on leave", monkeypatch=monkeypatch) == 0
    capsys.readouterr()
    assert hmi("users", "list", monkeypatch=monkeypatch) == 0
    listing = capsys.readouterr().out
    assert "chief" in listing and "Administrator" in listing
    assert any(line.split()[:3] == ["ann", "Operator", "disabled"] for line in listing.splitlines())
    assert hmi("users", "enable", "ann", monkeypatch=monkeypatch) == 0
    assert hmi("users", "passwd", "ann", stdin="fresh-pass-9\n", monkeypatch=monkeypatch) == 0
    assert hmi("users", "role", "ann", "engineer", monkeypatch=monkeypatch) == 0
    security = open_security(data)
    assert security.login("ann", "fresh-pass-9").role.label == "Engineer"
    records = security.audit.records()
    assert [r.action for r in records] == [
        "user.add", "user.add", "user.disable", "user.enable", "user.password", "user.role",
        "session.login",
    ]  # fmt: skip
    assert records[0].user.endswith("@cli") and records[0].role == "Administrator"
    assert records[2].reason == "on leave"
    assert PW not in "".join(r.details for r in records)
    security.close()


def test_refusals_exit_2_with_the_reason(data, monkeypatch, capsys):
    assert hmi("users", "add", "ann", "--role", "operator", stdin=PW, monkeypatch=monkeypatch) == 2
    assert "first user must be an Administrator" in capsys.readouterr().err
    assert (
        hmi(
            "users",
            "add",
            "chief",
            "--role",
            "administrator",
            stdin="short",
            monkeypatch=monkeypatch,
        )
        == 2
    )
    assert "password needs at least 8 characters" in capsys.readouterr().err
    assert (
        hmi("users", "add", "chief", "--role", "administrator", stdin=PW, monkeypatch=monkeypatch)
        == 0
    )
    assert hmi("users", "disable", "chief", monkeypatch=monkeypatch) == 2
    assert "last active Administrator" in capsys.readouterr().err
    assert hmi("users", "disable", "nobody", monkeypatch=monkeypatch) == 2
    assert "no user 'nobody'" in capsys.readouterr().err
    assert (
        hmi("users", "add", "9lives", "--role", "operator", stdin=PW, monkeypatch=monkeypatch) == 2
    )
    assert "a letter first" in capsys.readouterr().err


def test_a_password_at_a_terminal_is_asked_twice(data, monkeypatch, capsys):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter([PW, PW, PW, "typo-pass-1"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("sys.stdin", Tty())
    assert main(["users", "add", "chief", "--role", "administrator"]) == 0
    assert main(["users", "add", "ann", "--role", "operator"]) == 2
    assert "passwords differ" in capsys.readouterr().err


def test_data_dir_after_the_subcommand_or_before_it(tmp_path, monkeypatch):
    monkeypatch.delenv("HMI_DATA_DIR", raising=False)
    after, before = tmp_path / "after", tmp_path / "before"
    assert (
        hmi(
            "users",
            "add",
            "a1",
            "--role",
            "administrator",
            "--data-dir",
            str(after),
            stdin=PW,
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert (
        hmi(
            "--data-dir",
            str(before),
            "users",
            "add",
            "b1",
            "--role",
            "administrator",
            stdin=PW,
            monkeypatch=monkeypatch,
        )
        == 0
    )
    for path, name in ((after, "a1"), (before, "b1")):
        security = open_security(path)
        assert [u.name for u in security.users.all()] == [name]
        security.close()


def test_settings_show_and_change(data, monkeypatch, capsys):
    assert (
        hmi(
            "users",
            "settings",
            "--auto-logout-s",
            "120",
            "--reason",
            "panel in the hall",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "auto_logout_s          120.0" in out and "max_failed_attempts    5" in out
    assert hmi("users", "settings", "--lockout-s", "-5", monkeypatch=monkeypatch) == 2
    assert "Lockout time: -5 is out of range (allowed 10 to 86400 s)" in capsys.readouterr().err


def test_audit_list_and_filters(data, monkeypatch, capsys):
    hmi("users", "add", "chief", "--role", "administrator", stdin=PW, monkeypatch=monkeypatch)
    hmi("users", "add", "ann", "--role", "operator", stdin=PW, monkeypatch=monkeypatch)
    capsys.readouterr()
    assert hmi("audit", "list", "--action", "user", "--since", "1h", monkeypatch=monkeypatch) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "ann" in lines[1]
    assert hmi("audit", "list", "--since", "yesterday", monkeypatch=monkeypatch) == 2
    assert "is not a date/time" in capsys.readouterr().err
    assert hmi("audit", "verify", monkeypatch=monkeypatch) == 0
    assert "intact: 2 records" in capsys.readouterr().out
