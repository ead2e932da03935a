"""What the I/O thread publishes about a link (the Commissioning screen shows it) and the
supervision settings it runs with. Plain immutable data."""

from __future__ import annotations

from dataclasses import dataclass

from hmi.core.process import Quality


@dataclass(frozen=True, slots=True)
class IoRow:
    tag: str
    address: str
    direction: str
    raw: float
    value: float
    quality: Quality
    age_s: float
    forced: bool = False


@dataclass(frozen=True, slots=True)
class LinkDiagnostics:
    """What the Commissioning screen shows; published by the I/O thread, immutable."""

    profile: str
    driver: str
    endpoint: str
    state: str  # "connecting" | "connected" | "lost"
    reason: str
    poll_cycle_ms: float
    rtt_p50_ms: float
    rtt_p99_ms: float
    requests: int
    timeouts: int
    retries: int
    reconnects: int
    comm_losses: int
    safe_state_active: bool
    restart_interlock: bool  # the line waits for an operator's Stop then Start
    plc_heartbeat: float
    rows: tuple[IoRow, ...]


@dataclass(frozen=True, slots=True)
class Supervision:
    retries: int = 1
    reconnect_min_s: float = 0.2
    reconnect_max_s: float = 5.0
    stale_after_s: float = 1.0
    write_refresh_s: float = 1.0
    heartbeat_timeout_s: float = 1.0
