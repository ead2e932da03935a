"""Composition root: parse the command line, open the store, build services, start the runtime,
open the window. The only place that wires the layers together.

Qt is imported only on the GUI path, so headless subcommands start without it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hmi.alarms import AlarmEngine, AlarmJournal, load_definitions
from hmi.control import CONTROLLERS, DEFAULT_CONTROLLER, make_controller
from hmi.core.crash_trace import enable_crash_traces
from hmi.core.instance import AlreadyRunning, InstanceLock
from hmi.core.priority import raise_this_process
from hmi.core.tags import TagKind, names
from hmi.hardware import HardwareProfile, ProfileConfig, ProfileError, build_profile, load_profile
from hmi.history import Historian, StoreError, database_path, open_store
from hmi.history.retained import RetainedStore
from hmi.quality.kpis import CellAssumption
from hmi.quality.monitor import QualityMonitor
from hmi.quality.roll_store import RollStore, RollWriter
from hmi.quality.service import QualityService, recipe_facts
from hmi.recipes.cli import add_parsers as add_recipe_parsers
from hmi.recipes.cli import run as run_recipe_command
from hmi.recipes.service import RecipeService
from hmi.runtime import RealClock, Runtime, SimClock
from hmi.runtime.commissioning import CommissioningService
from hmi.runtime.pen_sets import PenSetStore
from hmi.runtime.service import LineService
from hmi.runtime.trend_history import TrendHistory
from hmi.security import SecurityService, Session, open_security
from hmi.security.anchor import HourlyAnchor
from hmi.security.cli import add_parsers as add_security_parsers
from hmi.security.cli import run as run_security_command
from hmi.sim.plc_cli import add_parsers as add_plc_parsers
from hmi.sim.plc_cli import run as run_plc_command

APP_NAME = "dry-electrode-hmi"
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROFILE = PACKAGE_ROOT / "hardware_profiles" / "emulated.toml"


def resolve_data_dir(cli_value: str | None) -> Path:
    """--data-dir, else $HMI_DATA_DIR, else the platform's user data directory."""
    if cli_value:
        return Path(cli_value).expanduser()
    if os.environ.get("HMI_DATA_DIR"):
        return Path(os.environ["HMI_DATA_DIR"]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


@dataclass
class Stack:
    """Everything the GUI (or a headless run) needs, built and wired."""

    config: ProfileConfig
    profile: HardwareProfile
    runtime: Runtime
    service: LineService
    security: SecurityService
    data_dir: Path
    recipes: RecipeService
    closers: list
    commissioning: CommissioningService | None = None
    quality: QualityService | None = None
    history: TrendHistory | None = None  # the Trends screen's historian, markers and pen sets

    def close(self) -> None:
        self.runtime.stop()
        for close in reversed(self.closers):
            close()


def profile_cell(config: ProfileConfig) -> CellAssumption | None:
    """The profile's [cell] section for the headline figures (None: the recipe material's)."""
    cell = config.cell
    return None if cell is None else CellAssumption(**cell.model_dump(), source="profile")


def build_stack(
    profile_path: Path,
    data_dir: Path,
    *,
    controller: str = DEFAULT_CONTROLLER,
    simulated: bool = False,
    period_s: float = 0.01,
    history: bool = True,
    session: Session | None = None,
) -> Stack:
    """Build the stack on `data_dir`'s store. `session`: None for the panel (whoever logs in
    acts; nobody at first, i.e. Viewer); a Session to act as that one always (tests, tools) —
    checked and audited all the same."""
    config = load_profile(profile_path)
    profile = build_profile(config)
    closers: list = []
    sinks = []
    journal: AlarmJournal | None = None
    retained: RetainedStore | None = None
    alarms = AlarmEngine(load_definitions())
    if history:
        store = open_store(data_dir)  # creates the directory and applies migrations
        closers.append(store.close)
        recorded = tuple(n for kind in TagKind for n in names(kind))  # every registry tag
        historian = Historian(database_path(data_dir), recorded, sample_period_s=0.1)
        historian.start()
        closers.append(historian.close)
        sinks.append(historian)
        journal = AlarmJournal(database_path(data_dir))
        journal.start()
        closers.append(journal.close)
        alarms.add_sink(journal.offer)
        retained = RetainedStore(database_path(data_dir))  # setpoints, mode, recipe, sequence
        closers.append(retained.close)
    # rolls: cut by the quality monitor in the control thread, committed by their own writer
    writer: RollWriter | None = None
    if history:
        roll_store = RollStore(database_path(data_dir))
        writer = RollWriter(roll_store)
        writer.start()
        closers += [roll_store.close, writer.stop]  # closed in reverse: the writer first
    made: list = []  # [runtime, recipes], once built: what the line makes, asked per tick
    monitor = QualityMonitor(
        roll_finished=writer.offer if writer else None,
        recipe=lambda: (made[0].recipe_name, made[0].recipe_version) if made else ("", None),
        recipe_facts=lambda name, version: recipe_facts(made[1] if made else None, name, version),
        alarms=alarms.summary,
        trim_width_frac=config.line.trim_width_frac,
        cell=profile_cell(config),
    )
    sinks.append(monitor)
    runtime = Runtime(
        profile,
        make_controller(
            controller,
            config.startup.formulation,
            config.line.gauge_distance_m,
            config.line.model_dump(),
        ),
        clock=SimClock() if simulated else RealClock(),
        period_s=period_s,
        running=config.startup.running,
        recipe_name=config.startup.recipe_name,
        sinks=sinks,
        alarms=alarms,
        retained=retained,
    )
    # Nobody is logged in until someone logs in at the panel: the line runs, the panel is a
    # Viewer. Every action goes through the security service's current session and the audit.
    security = open_security(data_dir)
    closers.append(security.close)
    if history and security.anchor is not None:  # the trail's head, outside the file, hourly
        hourly = HourlyAnchor(database_path(data_dir), security.anchor)
        hourly.start()
        closers.append(hourly.close)
    service = LineService(
        runtime,
        session or security,
        audit=security.audit,
        journal=journal,
        signatures=security,
        confirm_large_changes=session is None,  # the panel asks before a large change
    )
    recipes = RecipeService(security, config.limits, trim_width_frac=config.line.trim_width_frac)
    commissioning = CommissioningService(service, profile)
    made += [runtime, recipes]
    quality = QualityService(monitor, writer.store if writer else None, session or security,
                             audit=security.audit, line_name=config.profile.name,
                             reports_dir=data_dir / "reports")  # fmt: skip
    trend_history = None
    if history:
        pen_sets = PenSetStore(data_dir / "pen_sets.json", historian.tags)
        exports = data_dir / "exports"
        db = database_path(data_dir)
        trend_history = TrendHistory(historian, journal, db, pen_sets, exports)
        closers.append(trend_history.close)
    return Stack(config, profile, runtime, service, security, data_dir, recipes, closers,
                 commissioning, quality, trend_history)  # fmt: skip


class _VersionAction(argparse.Action):
    """--version, computed when asked for (the build commit may need git)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, **kwargs)  # type: ignore[arg-type]

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # noqa: ANN001
        from hmi.core.about import version_text

        print(version_text())
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hmi",
        description=(
            "Operator HMI for a dry-electrode battery line. Without a subcommand it opens the "
            "operator window on the hardware profile (the emulated line by default)."
        ),
    )
    parser.add_argument(
        "--version", action=_VersionAction, help="print the version and build commit, then exit"
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        default=str(DEFAULT_PROFILE),
        help="hardware profile (TOML) to run against (default: %(default)s)",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the embedded store lives (default: $HMI_DATA_DIR, else the platform's "
        "user data directory)",
    )
    parser.add_argument(
        "--controller",
        choices=sorted(CONTROLLERS),
        default=DEFAULT_CONTROLLER,
        help="gap and feed controller (default: %(default)s)",
    )
    parser.add_argument(
        "--period-ms",
        type=float,
        default=10.0,
        metavar="MS",
        help="control loop period in ms (default: %(default)s, i.e. 100 Hz)",
    )
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen (panel use)")
    parser.add_argument(
        "--opcua-server",
        metavar="URL",
        help="serve the line over OPC UA, e.g. opc.tcp://0.0.0.0:4840 (docs/opcua.md; "
        "default: the data directory's opcua-server.toml, off)",
    )
    parser.add_argument(
        "--kiosk",
        action="store_true",
        help="kiosk panel: full screen, frameless; closing needs an Administrator's login",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="start offscreen on the profile, run a few seconds, check the loop ran, exit 0 "
        "(non-zero on any failure); runs as Viewer, never asks for a login and creates no user",
    )
    parser.add_argument(
        "--self-test-seconds",
        type=float,
        default=3.0,
        metavar="S",
        help="how long the self-test runs (default: %(default)s)",
    )
    parser.add_argument(
        "--screenshot",
        metavar="PATH",
        help="save a PNG of the window (with --self-test: at the end of the run; otherwise "
        "after --screenshot-after seconds, then exit)",
    )
    parser.add_argument(
        "--screenshot-after",
        type=float,
        default=3.0,
        metavar="S",
        help="seconds to run before --screenshot is taken (default: %(default)s)",
    )
    parser.add_argument(
        "--screen",
        default="Overview",
        help="screen to open first, e.g. Overview or Trends (default: %(default)s)",
    )
    commands = parser.add_subparsers(dest="command", title="subcommands", metavar="")
    sim = commands.add_parser("sim", help="headless scenario runs on the emulated line")
    sim_commands = sim.add_subparsers(dest="sim_command", metavar="", required=True)
    run = sim_commands.add_parser(
        "run",
        help="run a scenario file on the simulated clock, as fast as possible",
        description="Run SCENARIO (TOML, see docs/scenarios.md) through the same runtime and "
        "controller code as the app, on the simulated clock, and print product statistics.",
    )
    run.add_argument("scenario", metavar="SCENARIO.toml", help="scenario file")
    run.add_argument(
        "--controller",
        dest="sim_controller",
        choices=sorted(CONTROLLERS),
        default=DEFAULT_CONTROLLER,
        help="controller to run (default: %(default)s)",
    )
    run.add_argument("--json", action="store_true", help="print one JSON object")
    add_security_parsers(commands)
    add_recipe_parsers(commands, str(DEFAULT_PROFILE))
    add_plc_parsers(commands)
    return parser


def _sim_run(args: argparse.Namespace) -> int:
    import json

    from hmi.sim.runner import run_scenario, terminal_progress
    from hmi.sim.scenario import ScenarioError, load_scenario

    try:
        scenario = load_scenario(Path(args.scenario))
    except ScenarioError as exc:
        print(f"hmi sim run: {exc}", file=sys.stderr)
        return 2
    result = run_scenario(scenario, args.sim_controller, progress=terminal_progress())
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:28} {value}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "sim":
        return _sim_run(args)
    if args.command == "plc":
        return run_plc_command(args)
    if args.command in ("users", "audit"):
        return run_security_command(args, resolve_data_dir(args.data_dir))
    if args.command == "recipes":
        return run_recipe_command(args, resolve_data_dir(args.data_dir))
    if args.period_ms <= 0 or args.period_ms > 1000:
        print("hmi: --period-ms must be in 0 < MS <= 1000", file=sys.stderr)
        return 2
    data_dir = resolve_data_dir(args.data_dir)
    os.environ["HMI_DATA_DIR"] = str(data_dir)  # OPC UA certificates (hmi/hardware/opcua)
    try:
        lock = InstanceLock(data_dir).acquire()  # one HMI per data directory
    except (AlreadyRunning, OSError) as exc:
        print(f"hmi: {exc}", file=sys.stderr)
        return 2
    enable_crash_traces(data_dir)  # a native crash leaves every thread's stack (crash_trace.py)
    share = raise_this_process()  # before any thread starts: they inherit it (priority.py)
    if not share.raised:
        print(f"hmi: process at {share.text}", file=sys.stderr)
    try:
        try:
            stack = build_stack(
                Path(args.profile),
                data_dir,
                controller=args.controller,
                period_s=args.period_ms / 1000.0,
            )
        except (ProfileError, StoreError, OSError) as exc:
            print(f"hmi: {exc}", file=sys.stderr)
            return 2
        from hmi.plantserver import serve_stack  # asyncua only when a plant server may run

        if (error := serve_stack(stack, args.opcua_server)) is not None:  # plant OPC UA server
            print(f"hmi: {error}", file=sys.stderr)
            stack.close()
            return 2
        from hmi.ui.application import run_gui

        return run_gui(stack, args)
    finally:
        lock.release()


if __name__ == "__main__":
    raise SystemExit(main())
