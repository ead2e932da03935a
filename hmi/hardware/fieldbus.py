"""A fieldbus hardware profile: the wire is served by its own I/O thread, never by the tick.

The I/O thread polls each poll group on its period, keeps the latest value and the time it
arrived, sends outputs on change (beyond a deadband) and refreshes them periodically, counts
the HMI watchdog out and watches the PLC heartbeat in. The runtime's `read()` copies the latest
image under a lock (microseconds); `write()` only records what should go out.

Link supervision: a request that times out is retried; when the retries are spent, or the
PLC heartbeat stops moving, the link is lost: `read()` raises CommunicationError (the runtime
makes every value bad and raises the comm-loss alarm), the profile's safe state is what goes
out while the wire still carries anything, and the thread reconnects with a doubling backoff.
The link is back when a reconnect has succeeded and the PLC heartbeat moves again.

A protocol is a `Link` (Modbus today, OPC UA later): it reads a poll group and writes a set
of values by tag name; everything above is shared.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from hmi.core.priority import FIELDBUS, raise_this_thread
from hmi.core.process import Outputs, ProcessImage, Quality
from hmi.core.tags import TAGS
from hmi.hardware.base import CommunicationError, HardwareProfile
from hmi.hardware.link_diagnostics import IoRow, LinkDiagnostics, Supervision

__all__ = ["IoRow", "LinkDiagnostics", "Supervision"]  # re-exported: the screen imports them here

PLC_HEARTBEAT = "plc_heartbeat"  # pseudo-tags a Link reads / writes besides registry tags
HMI_WATCHDOG = "hmi_watchdog"
T = TypeVar("T")
BAD = Quality.BAD


class LinkError(IOError):
    """A request failed: refused, reset, exception reply, garbled frame."""


class LinkTimeout(LinkError):
    """No valid reply within the request timeout."""


@dataclass(frozen=True, slots=True)
class Point:
    tag: str
    address: str  # as the PLC programmer reads it, e.g. "IR 10 float32"
    direction: str  # "read" | "write"


class Link(ABC):
    """One protocol connection, used by the I/O thread only."""

    endpoint: str = ""

    @abstractmethod
    def open(self) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def groups(self) -> Mapping[str, float]:
        """Poll group name -> period in seconds; the first group also carries the heartbeat."""

    @abstractmethod
    def points(self) -> list[Point]: ...

    @abstractmethod
    def read_group(self, group: str, call: Callable) -> dict[str, tuple[float, float]]:
        """tag -> (raw, engineering value), or (raw, value, time.monotonic() of the source
        timestamp, quality) for a protocol that reports them; requests go through `call(fn)`."""

    @abstractmethod
    def write(self, values: Mapping[str, float], call: Callable) -> None: ...

    def raw_of(self, tag: str, value: float) -> float:
        return value


class FieldbusProfile(HardwareProfile):
    def __init__(
        self,
        name: str,
        driver: str,
        link: Link,
        supervision: Supervision,
        *,
        deadbands: Mapping[str, float] | None = None,
        stale_after_s: Mapping[str, float] | None = None,
        safe_state: Mapping[str, float] | None = None,
        initial_setpoints: Mapping[str, float] | None = None,
    ) -> None:
        self.name, self.driver, self.link, self.sup = name, driver, link, supervision
        self._points = {p.tag: p for p in link.points()}
        self._reads = [p.tag for p in self._points.values() if p.direction == "read"]
        self._deadbands = dict(deadbands or {})
        self._stale = {
            t: (stale_after_s or {}).get(t, supervision.stale_after_s) for t in self._reads
        }
        self.safe_state = dict(safe_state or {})
        self._setpoints = dict(initial_setpoints or {})
        self._lock = threading.Lock()
        self._values: dict[str, tuple[float, float, float, Quality]] = {}  # raw, value, t, q
        self._desired: dict[str, float] = {}
        self._forced: dict[str, float] = {}
        self._sent: dict[str, tuple[float, float]] = {}  # tag -> value, t
        self._watchdog = 0
        # after a lost link the line stays in its safe run state until the operator stops and
        # starts again: a link that comes back never restarts a line by itself
        self._restart_interlock = False
        self._lost: str | None = "not connected yet"
        self._state = "connecting"
        self._rtt: deque[float] = deque(maxlen=2000)
        self._counts = {"requests": 0, "timeouts": 0, "retries": 0, "reconnects": 0, "losses": 0}
        self._cycle_s = 0.0
        self._heartbeat = float("nan")
        self._hb_changed: float | None = None
        self._opened_at = 0.0
        self._stop = threading.Event()
        self._up = threading.Event()
        self._thread: threading.Thread | None = None

    # ----- HardwareProfile, called by the runtime thread -----
    def connect(self, wait_s: float = 2.0) -> None:
        """Start the I/O thread; wait up to `wait_s` for the first image so a line that is
        there does not start with a comm-loss alarm (one that is not there: it will be)."""
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._up.clear()
            self._thread = threading.Thread(target=self._run, name="fieldbus-io", daemon=True)
            self._thread.start()
            self._up.wait(wait_s)

    def disconnect(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5.0)
            self._thread = None
        self.link.close()

    @property
    def connected(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def initial_setpoints(self) -> dict[str, float]:
        return dict(self._setpoints)

    def read(self, t_s: float) -> ProcessImage:
        now = time.monotonic()
        with self._lock:
            lost, values = self._lost, dict(self._values)
        if lost is not None:
            raise CommunicationError(f"{self.name}: {lost}")
        out, quality, ages = {}, {}, {}
        for tag in self._reads:
            raw_value_t = values.get(tag)
            if raw_value_t is None:
                out[tag], quality[tag], ages[tag] = float("nan"), Quality.BAD, float("inf")
                continue
            age = now - raw_value_t[2]
            out[tag], ages[tag] = raw_value_t[1], age
            fresh = age <= self._stale[tag] and np.isfinite(raw_value_t[1])
            quality[tag] = raw_value_t[3] if fresh else Quality.BAD
        return ProcessImage(t_s, out, quality, ages)

    def write(self, outputs: Outputs) -> None:
        wanted = {k: float(v) for k, v in outputs.values.items() if k in self._points}
        with self._lock:
            was_running = self._desired.get("line_run_cmd", 0.0) >= 0.5
            self._desired.update(wanted)
            self._watchdog = (self._watchdog + 1) & 0xFFFF
            if wanted.get("line_run_cmd", 0.0) >= 0.5:
                self._forced.clear()  # a loop-check force never outlives a start
                if not was_running:
                    self._restart_interlock = False  # an explicit start

    # ----- commissioning (thread-safe; the service checks who and when) -----
    def force(self, tag: str, value: float) -> None:
        """Hold one output at `value` for a loop check; only while the line is stopped."""
        point = self._points.get(tag)
        if point is None or point.direction != "write":
            raise ValueError(f"{tag}: not an output of this profile")
        TAGS[tag].check(value)
        with self._lock:
            running = self._values.get("line_running", (0.0, 0.0, 0.0))[1]
            if running >= 0.5 or self._desired.get("line_run_cmd", 0.0) >= 0.5:
                raise ValueError("loop check: stop the line first")
            self._forced[tag] = float(value)

    def release(self) -> None:
        with self._lock:
            self._forced.clear()

    def diagnostics(self) -> LinkDiagnostics:
        now = time.monotonic()
        with self._lock:
            values, sent, forced = dict(self._values), dict(self._sent), dict(self._forced)
            lost, rtt, counts = self._lost, np.array(self._rtt), dict(self._counts)
        rows = []
        for tag, point in self._points.items():
            if point.direction == "read":
                raw, value, t, q = values.get(tag, (float("nan"),) * 2 + (float("-inf"), BAD))
                ok = lost is None and now - t <= self._stale[tag] and q != BAD
            else:
                value, t = sent.get(tag, (float("nan"), float("-inf")))
                raw, ok = self.link.raw_of(tag, value), lost is None and np.isfinite(value)
            quality = Quality.GOOD if ok else Quality.BAD
            rows.append(IoRow(tag, point.address, point.direction, raw, value, quality,
                              now - t, tag in forced))  # fmt: skip
        p50, p99 = np.percentile(rtt * 1000.0, (50, 99)) if len(rtt) else (np.nan, np.nan)
        return LinkDiagnostics(
            self.name, self.driver, self.link.endpoint, self._state, lost or "",
            self._cycle_s * 1000.0, float(p50), float(p99), counts["requests"],
            counts["timeouts"], counts["retries"], counts["reconnects"], counts["losses"],
            lost is not None and bool(self.safe_state), self._restart_interlock,
            self._heartbeat, tuple(rows),
        )  # fmt: skip

    # ----- the I/O thread -----
    def _call(self, fn: Callable[[], T]) -> T:
        """One request with the profile's retries; round trips and failures counted."""
        error: LinkError | None = None
        for attempt in range(self.sup.retries + 1):
            started = time.perf_counter()
            try:
                result = fn()
            except LinkError as exc:
                error = exc
                with self._lock:
                    self._counts["timeouts"] += isinstance(exc, LinkTimeout)
                    self._counts["retries"] += attempt < self.sup.retries
                continue
            with self._lock:
                self._rtt.append(time.perf_counter() - started)
                self._counts["requests"] += 1
            return result
        assert error is not None
        raise error

    def _lose(self, reason: str) -> None:
        with self._lock:
            if self._lost is None:
                self._counts["losses"] += 1
                self._restart_interlock = "line_run_cmd" in self.safe_state
            self._lost = reason

    def _run(self) -> None:
        # polls feed the control tick: real-time, one level below the loop (priority.py)
        raise_this_thread(FIELDBUS)
        backoff = self.sup.reconnect_min_s
        ever_open = False
        while not self._stop.is_set():
            try:
                self.link.open()
            except LinkError as exc:
                self._state = "connecting" if not ever_open else "lost"
                self._lose(str(exc))
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self.sup.reconnect_max_s)
                continue
            if ever_open:
                with self._lock:
                    self._counts["reconnects"] += 1
            ever_open = True
            self._opened_at, self._hb_changed = time.monotonic(), None
            self._heartbeat = float("nan")  # the link is back when it moves again
            try:
                self._serve_open_link()
                return  # stopped
            except LinkError as exc:
                self._lose(str(exc))
                self._state = "lost"
                self.link.close()
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self.sup.reconnect_max_s)
                continue
            finally:
                if self._stop.is_set():
                    self.link.close()
        self.link.close()

    def _serve_open_link(self) -> None:
        groups = dict(self.link.groups())
        first = next(iter(groups))
        due = dict.fromkeys(groups, time.monotonic())
        last_first = None
        while not self._stop.is_set():
            now = time.monotonic()
            for group, period in groups.items():
                if now < due[group]:
                    continue
                got = self.link.read_group(group, self._call)
                arrived = time.monotonic()
                self._take(got, arrived)
                due[group] = max(due[group] + period, arrived)
                if group == first:
                    if last_first is not None:
                        self._cycle_s = 0.8 * self._cycle_s + 0.2 * (now - last_first)
                    last_first = now
            self._supervise_heartbeat(time.monotonic())
            self._send(time.monotonic())
            self._stop.wait(max(0.0, min(due.values()) - time.monotonic()))
        if self.safe_state:  # a clean exit leaves the safe state out at once, not after the
            self.link.write(dict(self.safe_state), self._call)  # PLC watchdog's timeout

    def _take(self, got: Mapping[str, tuple[float, float]], arrived: float) -> None:
        heartbeat = got.get(PLC_HEARTBEAT)
        if heartbeat is not None:
            if heartbeat[1] != self._heartbeat:
                self._hb_changed = arrived if self._heartbeat == self._heartbeat else None
            self._heartbeat = heartbeat[1]
        with self._lock:
            for tag, sample in got.items():
                if tag != PLC_HEARTBEAT:
                    if len(sample) == 2:
                        self._values[tag] = (sample[0], sample[1], arrived, Quality.GOOD)
                    else:
                        self._values[tag] = sample  # type: ignore[assignment]

    def _supervise_heartbeat(self, now: float) -> None:
        since = self._hb_changed if self._hb_changed is not None else self._opened_at
        if now - since > self.sup.heartbeat_timeout_s:
            self._lose(f"PLC heartbeat frozen for {now - since:.1f} s")
            self._state = "lost"
        elif self._hb_changed is not None and self._lost is not None:
            with self._lock:
                self._lost = None
            self._state = "connected"
            self._up.set()

    def _send(self, now: float) -> None:
        with self._lock:
            lost = self._lost is not None
            target = dict(self.safe_state) if lost else self._desired | self._forced
            if self._restart_interlock and "line_run_cmd" in target:
                target["line_run_cmd"] = self.safe_state["line_run_cmd"]
            watchdog = self._watchdog
        changed: dict[str, float] = {}
        for tag, value in target.items():
            last = self._sent.get(tag)
            if (
                last is None
                or abs(value - last[0]) > self._deadbands.get(tag, 0.0)
                or now - last[1] >= self.sup.write_refresh_s
            ):
                changed[tag] = value
        changed[HMI_WATCHDOG] = float(watchdog)
        self.link.write(changed, self._call)
        sent_at = time.monotonic()
        with self._lock:
            for tag, value in changed.items():
                if tag != HMI_WATCHDOG:
                    self._sent[tag] = (value, sent_at)
