"""The sequences' settings, the state the snapshot shows, and one tick's plan (sequences.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SequenceConfig:
    bank_nominal_kg: float = 3.0
    bank_min_frac: float = 0.5  # a restart with at least this bank needs no priming
    thread_bank_frac: float = 0.8  # threading ends once the bank is back to this
    stop_end_bank_frac: float = 0.9  # a normal stop leaves this bank in the nip (the ramp of
    # the next start draws on it while the mixer fills)
    thread_speed_m_min: float = 5.0
    start_ramp_m_min_s: float = 0.5  # 5 → 50 m/min in 90 s ...
    ramp_bank_frac: float = 0.7  # ... pausing while the bank is below this × nominal
    run_on_draw_s: float = 20.0  # the run-on draws the bank's excess over about this time
    prime_feed_kg_h: float = 200.0
    hopper_min_kg: float = 5.0
    roll_temperature_band_c: float = 5.0
    gap_park_um: float = 100.0
    gap_park_band_um: float = 5.0
    in_spec_s: float = 16.0  # two gauge scans within tolerance
    mixer_residence_s: float = 45.0
    conveyor_delay_s: float = 5.0
    recycle_delay_s: float = 60.0
    holdup_drained_kg: float = 0.3  # the mixer counts as empty below this (the rest: bank)
    comm_loss_emergency_s: float = 300.0
    stopped_speed_m_min: float = 0.05
    trip_s: float = 2.0  # told to run, the line reads stopped this long: it tripped
    timeouts_s: Mapping[str, float] = field(
        default_factory=lambda: {
            "check": 60.0,
            "prime": 600.0,
            "thread": 240.0,
            "ramp": 600.0,
            "settle": 900.0,
            "run_on": 900.0,
            "roll_stop": 60.0,
            "park": 120.0,
            "quick_stop": 600.0,
            "emergency_stop": 600.0,
        }
    )


@dataclass(frozen=True, slots=True)
class SequenceState:
    """What the snapshot shows of the sequences (and what the store retains)."""

    line_state: str = "stopped"  # stopped | starting | running | stopping
    sequence: str = ""  # start | normal_stop | quick_stop | emergency_stop ("": none)
    step: str = ""
    step_elapsed_s: float = 0.0
    step_timeout_s: float = 0.0
    held: bool = False  # the step timed out and holds (alarm sequence_timeout)
    last_stop: str = ""  # normal | quick | emergency | tripped: how the line last stopped
    waiting_for: str = ""  # what the step waits for, in operator words

    @property
    def text(self) -> str:
        """'start: thread 12 s / 240 s', 'running', '... (held: timed out)'."""
        if not self.sequence:
            return self.line_state + (f" ({self.last_stop} stop)" if self.last_stop else "")
        text = f"{self.sequence.replace('_', ' ')}: {self.step} "
        text += f"{self.step_elapsed_s:.0f} s / {self.step_timeout_s:.0f} s"
        return text + (" (held: timed out)" if self.held else "")


@dataclass(frozen=True, slots=True)
class Plan:
    """This tick's instructions: to the controller and over its outputs."""

    running: bool
    feed_enabled: bool = True
    speed_sp_m_min: float | None = None  # None: the operator's (ramped) setpoint
    outputs: dict[str, float] = field(default_factory=dict)
    conditions: tuple[str, ...] = ()


def sequence_config_for(control_config: object) -> SequenceConfig:
    """The sequences' settings from the controller's machine data where it has them."""
    names = ("bank_nominal_kg", "mixer_residence_s", "conveyor_delay_s", "recycle_delay_s")
    known = {n: getattr(control_config, n) for n in names if hasattr(control_config, n)}
    return SequenceConfig(**known)
