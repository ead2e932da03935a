"""Suite-wide set-up: Qt runs headless everywhere, before any test imports it; which tests
share a pytest-xdist worker (`make test` runs two)."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Tests on the real clock with tight bounds (a link lost within 3 s, a control thread that never
# blocks 0.2 s, a SIGKILL mid-write, a child process's frames): one worker runs them one after
# another, so no two of them compete for the cores; the other worker runs simulated-clock tests.
REAL_CLOCK = (
    "tests/hardware/",
    "tests/plantserver/",
    "tests/runtime/test_child_runtime.py",
    "tests/security/test_audit_sigkill.py",
)

# Modules whose tests share a module-scoped fixture (built once, used in file order): kept on one
# worker so the fixture is built once and the order holds.
SHARED_FIXTURE = (
    "tests/runtime/test_stop_start_bank.py",
    "tests/sim/test_run_rolls.py",
    "tests/ui/test_geometry.py",
    "tests/ui/test_quality_screen.py",
)


def worker_unit(nodeid: str) -> str:
    """The unit of work a worker takes whole: the real-clock tests, a module above, or a test."""
    path = nodeid.split("::", 1)[0]
    if path.startswith(REAL_CLOCK):
        return "real-clock"
    return path if path in SHARED_FIXTURE else nodeid


@pytest.hookimpl(optionalhook=True)  # a plain `pytest` without xdist still runs
def pytest_xdist_make_scheduler(config, log):
    # xdist's own `--dist loadgroup` renames node ids, which pytest 9 no longer lets it do:
    # the same grouping, as a scope scheduler whose scope is worker_unit.
    from xdist.scheduler import LoadScopeScheduling

    class UnitScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return worker_unit(nodeid)

    return UnitScheduling(config, log)
