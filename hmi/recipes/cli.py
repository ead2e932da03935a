"""`hmi recipes ...`: list, show, export, import, diff and approve recipes without the window.

Headless commands act as the local administrator (`<os user>@cli`), like `hmi users`, except
`approve`: a signature is personal, so it names the approving user and asks for their password
(prompted, or read from stdin when it is not a terminal)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from hmi.core.toml_files import read_text
from hmi.hardware.config import ProfileError, load_profile
from hmi.history.store import StoreError
from hmi.recipes.derived import derive
from hmi.recipes.io import RecipeFileError, parse_json, to_csv, to_json
from hmi.recipes.model import field_diff, label
from hmi.recipes.service import RecipeError, RecipeService, signature_target
from hmi.security.audit import AuditError
from hmi.security.cli import _command, cli_session, read_password
from hmi.security.permissions import Action
from hmi.security.service import LoginFailed, SignatureRefused, open_security
from hmi.security.session import PermissionDenied, Session


def add_parsers(commands, default_profile: str) -> None:
    recipes = commands.add_parser("recipes", help="list, import, approve recipes (headless)")
    sub = recipes.add_subparsers(dest="recipes_command", metavar="", required=True)
    for parser in (
        show_list := _command(sub, "list", "the newest version of every recipe", reason=False),
        show := _command(sub, "show", "one recipe version with its derived values", reason=False),
        export := _command(sub, "export", "write a recipe version as JSON or CSV", reason=False),
        imp := _command(sub, "import", "import a recipe JSON file as a new draft version"),
        diff := _command(sub, "diff", "the fields that differ between two versions", reason=False),
        approve := _command(sub, "approve", "approve a draft version (signed)"),
    ):
        parser.add_argument("--profile", metavar="FILE", default=default_profile, help="machine")
    show_list.add_argument("--material", help="only this material")
    show_list.add_argument("--state", choices=("draft", "approved", "obsolete"))
    show.add_argument("ref", metavar="NAME[@VERSION]")
    export.add_argument("ref", metavar="NAME[@VERSION]")
    export.add_argument("--csv", action="store_true", help="CSV instead of JSON")
    export.add_argument("--out", metavar="FILE", help="file to write (default: stdout)")
    imp.add_argument("file", metavar="FILE.json")
    diff.add_argument("a", metavar="NAME@VERSION")
    diff.add_argument("b", metavar="NAME@VERSION")
    approve.add_argument("ref", metavar="NAME@VERSION")
    approve.add_argument("--user", required=True, help="the approving Supervisor")


def parse_ref(text: str) -> tuple[str, int | None]:
    name, _, version = text.rpartition("@") if "@" in text else (text, "", "")
    if not version:
        return text, None
    if not version.isdigit():
        raise RecipeError(f"{text!r}: the version after @ must be a number")
    return name, int(version)


def run(args: argparse.Namespace, data_dir: Path, *, stdin: TextIO | None = None,
        out: TextIO | None = None, err: TextIO | None = None, hasher=None) -> int:  # fmt: skip
    stdin, out, err = stdin or sys.stdin, out or sys.stdout, err or sys.stderr
    prog = f"hmi recipes {args.recipes_command}"
    try:
        limits = load_profile(Path(args.profile)).limits
        security = open_security(data_dir, hasher=hasher)
    except (ProfileError, StoreError, OSError) as exc:
        print(f"{prog}: {exc}", file=err)
        return 2
    try:
        return _run(RecipeService(security, limits), args, stdin, out)
    except (RecipeError, RecipeFileError, PermissionDenied, SignatureRefused, LoginFailed,
            AuditError, OSError) as exc:  # fmt: skip
        print(f"{prog}: {exc}", file=err)
        return 2
    finally:
        security.close()


def _run(service: RecipeService, args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    command = args.recipes_command
    if command == "list":
        print(f"{'NAME':<30} {'VER':>4} {'STATE':<9} {'MATERIAL':<9} {'BY':<14} HASH", file=out)
        for v in service.list(args.material, args.state):
            row = f"{v.name:<30} {v.version:>4} {v.state:<9} {v.recipe.material:<9}"
            print(f"{row} {v.state_user:<14} {v.hash[:12]}", file=out)
    elif command == "show":
        v = service.get(*parse_ref(args.ref))
        print(f"{v.ref}  {v.state} by {v.state_user}  sha256:{v.hash}", file=out)
        for field, value in v.recipe.content().items():
            print(f"  {label(field):<40} {value}", file=out)
        d = derive(v.recipe)
        print(f"  {'Fresh feed (kg/h)':<40} {d.fresh_feed_kg_h:.1f}", file=out)
        for feeder, rate in d.feeder_kg_h.items():
            print(f"  {'  ' + feeder + ' feeder (kg/h)':<40} {rate:.1f}", file=out)
        print(f"  {'Electrode throughput (m²/h)':<40} {d.throughput_m2_h:.0f}", file=out)
        print(f"  {'Coating thickness (µm)':<40} {d.coating_thickness_um:.1f}", file=out)
        if d.energy_kwh_m2 is not None:
            print(f"  {'Energy (kWh/m²)':<40} {d.energy_kwh_m2:.4f}", file=out)
        for problem in service.problems(v.recipe):
            print(f"  ! {problem}", file=out)
    elif command == "export":
        v = service.get(*parse_ref(args.ref))
        text = to_csv(v.recipe) if args.csv else to_json(v.recipe) + "\n"
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            out.write(text)
    elif command == "import":
        text = read_text(Path(args.file), "recipe", lambda m: RecipeFileError(args.file, [m]))
        recipe = parse_json(text, args.file)
        v = service.save(cli_session(), recipe, args.reason or f"imported from {args.file}")
        print(f"imported {v.ref} (draft, sha256:{v.hash[:12]})", file=out)
    elif command == "diff":
        a, b = (service.get(*parse_ref(r)) for r in (args.a, args.b))
        changes = field_diff(a.recipe, b.recipe)
        for field, old, new in changes:
            print(f"{label(field):<40} {old} -> {new}", file=out)
        if not changes:
            print("no differences", file=out)
    elif command == "approve":
        name, version = parse_ref(args.ref)
        if version is None:
            raise RecipeError("approve names one version: NAME@VERSION")
        return _approve(service, name, version, args, stdin, out)
    return 0


def _approve(service, name, version, args, stdin, out) -> int:
    security = service.security
    user = security.users.get(args.user)
    if user is None or user.disabled:
        raise LoginFailed(f"{args.user!r} cannot sign")
    session = Session(user.name, user.role)
    v = service.get(name, version)
    reason = args.reason or "approved for production"
    password = read_password(stdin, confirm=False)
    signature = security.sign(
        session, Action.RECIPE_APPROVE, password, reason, target=signature_target(v)
    )
    done = service.approve(session, name, version, signature)
    print(f"approved {done.ref} by {done.state_user}", file=out)
    return 0
