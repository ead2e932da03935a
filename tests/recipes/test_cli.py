"""`hmi recipes`: import, list, show, diff, export, approve (signed, password from stdin)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from hmi.app import main

ROOT = Path(__file__).resolve().parents[2]
LFP = ROOT / "resources" / "recipes" / "lfp_cathode.json"
PW = "line-2-ready"


def hmi(monkeypatch, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(list(args))


def test_import_approve_show_diff_export(tmp_path, monkeypatch, capsys):
    d = ["--data-dir", str(tmp_path)]
    assert hmi(monkeypatch, "users", "add", "chief", "--role", "administrator", *d, stdin=PW) == 0
    assert hmi(monkeypatch, "users", "add", "sam", "--role", "supervisor", *d, stdin=PW) == 0
    assert hmi(monkeypatch, "recipes", "import", str(LFP), *d) == 0
    changed = json.loads(LFP.read_text()) | {"line_speed_m_min": 40.0}
    other = tmp_path / "slower.json"
    other.write_text(json.dumps(changed))
    assert hmi(monkeypatch, "recipes", "import", str(other), *d) == 0
    capsys.readouterr()
    assert hmi(monkeypatch, "recipes", "approve", "LFP cathode 30@1", "--user", "sam", *d,
               stdin="wrong-pass-1") == 2  # fmt: skip
    assert "Wrong password" in capsys.readouterr().err
    assert hmi(monkeypatch, "recipes", "approve", "LFP cathode 30@1", "--user", "sam",
               "--reason", "trial passed", *d, stdin=PW) == 0  # fmt: skip
    assert "approved LFP cathode 30@1 by sam" in capsys.readouterr().out
    assert hmi(monkeypatch, "recipes", "list", "--state", "draft", *d) == 0
    listing = capsys.readouterr().out
    assert "LFP cathode 30" in listing and " 2 draft" in listing
    assert hmi(monkeypatch, "recipes", "diff", "LFP cathode 30@1", "LFP cathode 30@2", *d) == 0
    assert (
        capsys.readouterr().out.strip() == "Line speed (m/min)                       50.0 -> 40.0"
    )
    assert hmi(monkeypatch, "recipes", "show", "LFP cathode 30@1", *d) == 0
    shown = capsys.readouterr().out
    assert "approved by sam" in shown and "Fresh feed (kg/h)" in shown
    out = tmp_path / "export.json"
    assert hmi(monkeypatch, "recipes", "export", "LFP cathode 30@1", "--out", str(out), *d) == 0
    exported = json.loads(out.read_text())
    assert exported == {**exported, **json.loads(LFP.read_text())}  # defaults written out too
    assert hmi(monkeypatch, "recipes", "import", str(out), *d) == 0  # and it reads back


def test_a_malformed_import_lists_every_problem_and_saves_nothing(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "X", "areal_mass_target_mg_cm2": 99, "line_speed_m_min": -1}')
    assert hmi(monkeypatch, "recipes", "import", str(bad), "--data-dir", str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Target areal mass" in err and "Line speed" in err
    assert hmi(monkeypatch, "recipes", "list", "--data-dir", str(tmp_path)) == 0
    assert "X" not in capsys.readouterr().out.splitlines()[1:]
