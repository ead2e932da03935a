"""The recipe workflow through the service: who may do what (every action × role), signatures
bound to the version's hash, immutability in the database, SIGKILL during a save, load in one
tick, the production record."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from hmi.core.roles import Role
from hmi.history.store import connect, database_path
from hmi.recipes.model import Recipe
from hmi.recipes.service import RecipeError, RecipeService, signature_target
from hmi.recipes.store import RecipeStore
from hmi.runtime.commands import LoadRecipe
from hmi.runtime.recipe_load import load_diff
from hmi.runtime.service import LineService
from hmi.security import PermissionDenied, Session, SignatureRefused
from hmi.security.permissions import Action
from tests.security.fakes import PASSWORD
from tests.ui.fakes import FakeRuntime, make_snapshot

ROOT = Path(__file__).resolve().parents[2]
ENG = Session("engineer1", Role.ENGINEER)
SUP = Session("supervisor1", Role.SUPERVISOR)
OP = Session("operator1", Role.OPERATOR)


def lfp(**changes) -> Recipe:
    base = dict(name="LFP 30", areal_mass_target_mg_cm2=30.0, line_speed_m_min=50.0)
    return Recipe(**(base | changes))


def approved(security, recipes, recipe=None):
    v = recipes.save(ENG, recipe or lfp(), "new product")
    security.login("supervisor1", PASSWORD)
    sig = security.sign(
        security.current,
        Action.RECIPE_APPROVE,
        PASSWORD,
        "trial passed",
        target=signature_target(v),
    )
    return recipes.approve(security.current, v.name, v.version, sig)


def test_every_save_is_a_new_immutable_version(security, people, recipes, tmp_path):
    v1 = recipes.save(ENG, lfp(), "first")
    v2 = recipes.save(ENG, lfp(line_speed_m_min=40.0), "slower")
    assert (v1.version, v2.version) == (1, 2) and v1.state == v2.state == "draft"
    assert recipes.get("LFP 30", 1).recipe.line_speed_m_min == 50.0
    conn = sqlite3.connect(database_path(tmp_path / "data"))  # the fixture's store
    for sql in ("UPDATE recipe_versions SET content = '{}'", "DELETE FROM recipe_versions"):
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            conn.execute(sql)
    conn.close()
    saves = security.audit.records(action="recipe.save")
    assert [r.data["hash"] for r in saves] == [v1.hash, v2.hash]


def test_approval_is_signed_for_exactly_that_version(security, people, recipes):
    v1 = recipes.save(ENG, lfp(), "first")
    v2 = recipes.save(ENG, lfp(line_speed_m_min=40.0), "slower")
    security.login("supervisor1", PASSWORD)
    sig = security.sign(
        security.current, Action.RECIPE_APPROVE, PASSWORD, "trial", target=signature_target(v1)
    )
    with pytest.raises(SignatureRefused):
        recipes.approve(security.current, v2.name, v2.version, sig)
    done = recipes.approve(security.current, v1.name, v1.version, sig)
    assert done.state == "approved" and done.state_user == "supervisor1"
    with pytest.raises(RecipeError, match="only a draft"):
        recipes.approve(security.current, v1.name, v1.version, sig)
    record = security.audit.records(action="recipe.approve")[-1]
    assert record.data["hash"] == v1.hash and record.data["signature_record"] == sig.record_id


def test_only_approved_versions_load_and_obsolete_ones_do_not(security, people, recipes):
    v = recipes.save(ENG, lfp(), "first")
    with pytest.raises(RecipeError, match="draft"):
        recipes.loadable(OP, v.name, v.version)
    v = approved(
        security, recipes, lfp(name="NMC 22", material="NMC", areal_mass_target_mg_cm2=22.0)
    )
    assert recipes.loadable(OP, v.name, v.version).state == "approved"
    recipes.obsolete(SUP, v.name, v.version, "replaced")
    with pytest.raises(RecipeError, match="obsolete"):
        recipes.loadable(OP, v.name, v.version)


ACTIONS = {
    "save": (Role.ENGINEER, lambda s, r, sec: r.save(s, lfp(), "x")),
    "obsolete": (Role.SUPERVISOR, lambda s, r, sec: r.obsolete(s, "Base", 1, "old")),
    "load": (Role.OPERATOR, lambda s, r, sec: r.loadable(s, "Ready", 1)),
    "approve": (Role.SUPERVISOR, lambda s, r, sec: r.approve(s, "Base", 1, None)),
}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.label)
@pytest.mark.parametrize("action", ACTIONS)
def test_the_permission_matrix_is_enforced_in_the_service(role, action, security, people, recipes):
    recipes.save(ENG, lfp(name="Base"), "base")
    approved(security, recipes, lfp(name="Ready"))
    needed, call = ACTIONS[action]
    session = people[role]
    before = security.audit.last_id()
    if role >= needed:
        try:
            call(session, recipes, security)
        except SignatureRefused:
            assert action == "approve"  # allowed, but no signature was given
        return
    with pytest.raises(PermissionDenied):
        call(session, recipes, security)
    assert security.audit.records()[-1].outcome == "denied"
    assert security.audit.last_id() == before + 1


def test_load_is_one_command_with_every_setpoint_and_a_production_record(security, people, recipes):
    v = approved(security, recipes, lfp(areal_mass_target_mg_cm2=32.0, line_speed_m_min=45.0))
    runtime = FakeRuntime(make_snapshot())
    line = LineService(runtime, OP, audit=security.audit)
    diff = load_diff(runtime.latest(), v)
    assert {(d.label, d.recipe) for d in diff} >= {
        ("Target areal mass", 32.0),
        ("Line speed setpoint", 45.0),
    }
    line.load_recipe(recipes, v.name, v.version)
    (command,) = runtime.commands
    assert isinstance(command, LoadRecipe) and command.hash == v.hash
    assert dict(command.setpoints) == v.recipe.setpoints()
    assert security.audit.records()[-1].action == "recipe.load"
    assert [(n, ver) for n, ver, *_ in recipes.store.runs()] == [("LFP 30", 1)]


def test_a_machine_that_changed_refuses_the_load(security, people, recipes):
    from hmi.hardware.limits import LimitsSection

    v = approved(security, recipes)
    narrower = RecipeService(security, LimitsSection(max_web_width_mm=800.0))
    with pytest.raises(
        RecipeError, match="Web width \\(mm\\): 1000 is above this machine's 800 mm"
    ):
        narrower.loadable(OP, v.name, v.version)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_sigkill_during_saves_leaves_whole_versions_only(tmp_path):
    data_dir = tmp_path / "data"
    connect(database_path(data_dir)).close()
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.recipes.recipe_writer", str(data_dir)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    seen = [int(child.stdout.readline()) for _ in range(30)]
    os.kill(child.pid, signal.SIGKILL)
    rest, _ = child.communicate(timeout=30)
    seen += [int(x) for x in rest.split()]
    store = RecipeStore(connect(database_path(data_dir)))
    versions = store.versions("LFP soak")
    assert {v.version for v in versions} >= set(seen)
    assert [v.version for v in versions] == list(range(1, len(versions) + 1))
    for v in versions:  # each one whole: it parses and its hash is its content's
        assert v.recipe.content_hash() == v.hash and v.state == "draft"
    rows = store.conn.execute("SELECT count(*) FROM recipe_versions").fetchone()[0]
    assert rows == len(versions)
    store.conn.close()
