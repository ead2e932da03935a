"""Fuzzing the file loaders (issue 9, item 6): a seeded generator mutates the shipped profile
and scenarios — bytes, values, nesting, sections — and every outcome must be the loader's own
error, naming the file, in one line, or a valid object the line can be built from. Bounded to
a few seconds; the seed makes a failure repeatable."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from hmi.app import main
from hmi.hardware.config import ProfileError, build_profile, load_profile
from hmi.sim.runner import profile_config
from hmi.sim.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[2]
PROFILES = sorted((ROOT / "hardware_profiles").glob("*.toml"))
SCENARIOS = sorted((ROOT / "resources" / "scenarios").glob("*.toml"))

VALUES = [
    "nan", "inf", "-inf", "+nan", "1e308", "-1e308", "1e-320", "0", "-0.0", "-1", "1.5",
    '"x"', '""', "[1]", "[]", "{}", "{ a = 1 }", "true", "99999999999999999999999",
    "[" * 3000 + "]" * 3000, "1979-05-27", "0x10",
]  # fmt: skip
LINES = [
    "events = [1]",
    "events = [{ type = 'comm_loss' }]",
    "[equipment]\nambient_temperature_c = 1e308",
    "[equipment]\ngauge_zones = 0",
    "[equipment]\nwidth_mm = -1",
    "[emulated.equipment]\nambient_temperature_c = 1e308",
    "[emulated.equipment]\nroll_diameter_mm = 0",
    "[startup]\nformulation = { active = 1.5, carbon = -0.3, binder = -0.2 }",
    "[startup.formulation]\nactive = nan\ncarbon = 0.5\nbinder = 0.5",
    "bogus = 1",
    "[[events]]\nat_s = 1\ntype = 'nonsense'",
    "[" * 3000,
]
ASSIGN = re.compile(r"^(\s*[A-Za-z_][\w.]*\s*=\s*)(.+)$", re.M)


def mutate(text: str, rng: random.Random) -> bytes:
    kind = rng.randrange(6)
    if kind == 0:  # replace one value
        matches = list(ASSIGN.finditer(text))
        if matches:
            m = rng.choice(matches)
            text = text[: m.start(2)] + rng.choice(VALUES) + text[m.end(2) :]
    elif kind == 1:  # add a line or section
        text += "\n" + rng.choice(LINES) + "\n"
    elif kind == 2:  # delete a line
        lines = text.splitlines()
        if lines:
            del lines[rng.randrange(len(lines))]
        text = "\n".join(lines)
    elif kind == 3:  # truncate
        text = text[: rng.randrange(len(text) + 1)]
    data = text.encode("utf-8")
    if kind == 4:  # flip bytes
        raw = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            if raw:
                raw[rng.randrange(len(raw))] = rng.randrange(256)
        data = bytes(raw)
    elif kind == 5:  # odd encodings
        data = rng.choice([b"\xef\xbb\xbf" + data, b"\xff" + data, data + b"\x00", b"\xff"])
    return data


def _one_line_naming(exc: Exception, path: Path) -> None:
    text = str(exc)
    assert str(path) in text, text
    assert "\n" not in text.strip(), text
    assert "Traceback" not in text


@pytest.mark.parametrize("source", PROFILES, ids=lambda p: p.name)
def test_fuzzed_profiles_load_or_are_refused_with_the_file_named(source, tmp_path):
    rng = random.Random(f"profile:{source.name}")
    text = source.read_text(encoding="utf-8")
    path = tmp_path / "fuzzed.toml"
    for _ in range(300):
        path.write_bytes(mutate(text, rng))
        try:
            config = load_profile(path)
        except ProfileError as exc:
            _one_line_naming(exc, path)
            continue
        build_profile(config)  # a valid profile builds a line


@pytest.mark.parametrize("source", SCENARIOS, ids=lambda p: p.name)
def test_fuzzed_scenarios_load_or_are_refused_with_the_file_named(source, tmp_path):
    rng = random.Random(f"scenario:{source.name}")
    text = source.read_text(encoding="utf-8")
    path = tmp_path / "fuzzed.toml"
    for _ in range(150):
        path.write_bytes(mutate(text, rng))
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            _one_line_naming(exc, path)
            continue
        build_profile(profile_config(scenario))  # a valid scenario builds its line


RECIPES = sorted((ROOT / "resources" / "recipes").glob("*.json"))
JSON_VALUES = ["NaN", "Infinity", "-1e999", "null", '"x"', "[]", "{}", "1e308", "-5", "true"]


@pytest.mark.parametrize("source", RECIPES, ids=lambda p: p.name)
def test_fuzzed_recipes_load_or_are_refused_with_the_file_named(source, tmp_path):
    from hmi.recipes.derived import derive
    from hmi.recipes.io import RecipeFileError, load_recipe_file

    rng = random.Random(f"recipe:{source.name}")
    text = source.read_text(encoding="utf-8")
    path = tmp_path / "fuzzed.json"
    value = re.compile(r"(:\s*)([^,\n}]+)")
    for _ in range(150):
        mutated = text
        if rng.random() < 0.6:
            matches = list(value.finditer(text))
            m = rng.choice(matches)
            mutated = text[: m.start(2)] + rng.choice(JSON_VALUES) + text[m.end(2) :]
            data = mutated.encode("utf-8")
        else:
            data = mutate(text, rng)
        path.write_bytes(data)
        try:
            recipe = load_recipe_file(path)
        except RecipeFileError as exc:
            _one_line_naming(exc, path)
            continue
        derive(recipe, energy=False)  # a valid recipe has its derived values


@pytest.mark.parametrize(
    "content",
    [b"\xff", b"[" * 3000, b"events = [1]\n", b"\xef\xbb\xbf[scenario]\nname = 'x'\n"],
    ids=["not-utf8", "deep", "event-not-a-table", "bom"],
)
def test_hmi_sim_run_exits_2_with_one_line(content, tmp_path, capsys):
    path = tmp_path / "x.toml"
    path.write_bytes(content)
    assert main(["sim", "run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and "Traceback" not in err


def test_a_bom_is_not_an_invalid_statement(tmp_path):
    source = (ROOT / "resources" / "scenarios" / "steady_state.toml").read_bytes()
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + source)
    assert load_scenario(path).scenario.name


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_device_or_fifo_is_refused_at_once(special, tmp_path):
    import os

    if special == "fifo":
        special = str(tmp_path / "fifo")
        os.mkfifo(special)
    with pytest.raises(ScenarioError, match="not a regular file"):
        load_scenario(Path(special))
