"""What the runtime publishes each tick: one immutable, picklable snapshot of the line."""

from __future__ import annotations

from dataclasses import dataclass, field

from hmi.alarms.model import AlarmSummary
from hmi.core.process import Quality
from hmi.runtime.manual import ManualState
from hmi.runtime.sequences import SequenceState


@dataclass(frozen=True, slots=True)
class TickStats:
    """Loop timing. Lateness is how long after its absolute deadline a tick started (ms)."""

    period_s: float
    ticks: int = 0
    overruns: int = 0  # deadlines missed entirely (a tick started a whole period late or more)
    lateness_p50_ms: float = 0.0
    lateness_p99_ms: float = 0.0
    lateness_max_ms: float = 0.0
    faults: int = 0  # exceptions caught in a tick (driver, controller) that the loop survived


@dataclass(frozen=True, slots=True)
class Snapshot:
    tick: int
    t_s: float  # runtime clock, seconds since the runtime started
    wall_time: float  # epoch seconds, for display and history
    running: bool
    mode: str
    recipe_name: str
    values: dict[str, float]  # every tag: measured, setpoint, output
    quality: dict[str, Quality]  # measured tags only
    corrections: dict[str, float]  # controller contributions, for display (µm, kg/h)
    timing: TickStats
    messages: tuple[str, ...] = field(default=())  # latest runtime events, newest last
    # Alarms not normal, most urgent first; the same object until something changes.
    alarms: AlarmSummary = field(default_factory=AlarmSummary)
    recipe_version: int | None = None  # the loaded recipe version (None: the profile's start)
    recipe_modified: bool = False  # a live setpoint differs from the loaded recipe
    # the line's state and the sequence under way: step, time in it, its timeout, held
    sequence: SequenceState = field(default_factory=SequenceState)
    manual: ManualState = field(default_factory=ManualState)  # manual gap and feed commands
    # the ramped copies the controller works to (the operator's values are in `values`)
    working_setpoints: dict[str, float] = field(default_factory=dict)
    restored: str = ""  # what the runtime restored at start (retained state), in words

    @property
    def recipe_text(self) -> str:
        """'LFP 30 v3', with ' (modified)' once a setpoint differs from it."""
        name = self.recipe_name or "(none)"
        if self.recipe_version is not None:
            name += f" v{self.recipe_version}"
        return name + (" (modified)" if self.recipe_modified else "")

    def value(self, tag: str) -> float:
        return self.values.get(tag, float("nan"))

    def is_good(self, tag: str) -> bool:
        return self.quality.get(tag, Quality.GOOD) == Quality.GOOD


def snapshot_from(parts: tuple) -> Snapshot:
    """The snapshot of a tick from the parts the runtime kept (`Runtime._publish`): the
    fields in order, with the seven of `TickStats` in place of `timing`. The loop publishes
    100 times a second, a screen reads 20-30: the record is built when someone asks."""
    head, timing, tail = parts[:9], parts[9:16], parts[16:]
    return Snapshot(*head, TickStats(*timing), *tail)
