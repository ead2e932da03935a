"""What the runtime retains in the store, and how it comes back after an HMI restart.

Kept on every change: the operator's setpoints, the mode, the recipe (name, version, its
setpoints), the manual commands and the sequence state. On start the setpoints, mode, recipe
and manual commands come back as they were; the line's state is decided by the line itself at
the first read: a line found running is taken over running (an HMI restart never stops a
running line), anything else comes back stopped and safe (feed off, drive off), and a sequence
that was under way is not resumed — the snapshot says what it was.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from hmi.core.process import ProcessImage
from hmi.core.tags import TagKind, TagRangeError, tag


class RetainedStoreLike(Protocol):
    def load(self) -> dict[str, Any] | None: ...

    def save(self, state: dict[str, Any]) -> None: ...


@dataclass
class Restored:
    """The retained state as read and checked (unknown or out-of-range values dropped)."""

    setpoints: dict[str, float] = field(default_factory=dict)
    mode: str = "auto"
    recipe_name: str | None = None
    recipe_version: int | None = None
    recipe_setpoints: dict[str, float] = field(default_factory=dict)
    manual_gap_um: dict[str, float] = field(default_factory=dict)
    manual_feed_kg_h: float = math.nan
    line_state: str = "stopped"
    sequence: str = ""
    step: str = ""
    last_stop: str = ""
    saved_at: float = math.nan
    dropped: list[str] = field(default_factory=list)


def _setpoints(raw: object, dropped: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    if not isinstance(raw, Mapping):
        return out
    for name, value in raw.items():
        try:
            definition = tag(str(name))
            if definition.kind is not TagKind.SETPOINT:
                raise ValueError(name)
            out[str(name)] = definition.check(float(value))
        except (KeyError, ValueError, TypeError, TagRangeError):
            dropped.append(str(name))
    return out


def read(store: RetainedStoreLike) -> Restored | None:
    data = store.load()
    if data is None:
        return None
    r = Restored(saved_at=float(data.get("saved_at", math.nan)))
    r.setpoints = _setpoints(data.get("setpoints"), r.dropped)
    r.recipe_setpoints = _setpoints(data.get("recipe_setpoints"), r.dropped)
    r.mode = data.get("mode") if data.get("mode") in ("auto", "manual") else "auto"
    name, version = data.get("recipe_name"), data.get("recipe_version")
    r.recipe_name = name if isinstance(name, str) else None
    r.recipe_version = version if isinstance(version, int) else None
    gaps = data.get("manual_gap_um") or {}
    r.manual_gap_um = {
        s: float(v) for s, v in gaps.items() if s in ("os", "ds") and isinstance(v, int | float)
    }
    feed = data.get("manual_feed_kg_h")
    r.manual_feed_kg_h = float(feed) if isinstance(feed, int | float) else math.nan
    sequence = data.get("sequence") or {}
    r.line_state = str(sequence.get("line_state", "stopped"))
    r.sequence, r.step = str(sequence.get("sequence", "")), str(sequence.get("step", ""))
    r.last_stop = str(sequence.get("last_stop", ""))
    return r


def state_of(
    *,
    setpoints: Mapping[str, float],
    mode: str,
    recipe_name: str,
    recipe_version: int | None,
    recipe_setpoints: Mapping[str, float],
    manual_gap_um: Mapping[str, float],
    manual_feed_kg_h: float,
    sequence: Mapping[str, object],
) -> dict[str, Any]:
    finite = {k: v for k, v in setpoints.items() if math.isfinite(v)}
    return {
        "setpoints": finite,
        "mode": mode,
        "recipe_name": recipe_name,
        "recipe_version": recipe_version,
        "recipe_setpoints": dict(recipe_setpoints),
        "manual_gap_um": {s: v for s, v in manual_gap_um.items() if math.isfinite(v)},
        "manual_feed_kg_h": manual_feed_kg_h if math.isfinite(manual_feed_kg_h) else None,
        "sequence": dict(sequence),
    }


def describe(restored: Restored | None, found_running: bool) -> str:
    """The runtime's note on what came back, in operator words."""
    if restored is None:
        return "no retained state: started from the hardware profile's values"
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(restored.saved_at))
    text = f"retained state of {when} restored (setpoints, mode {restored.mode}"
    if restored.recipe_name:
        version = f" v{restored.recipe_version}" if restored.recipe_version is not None else ""
        text += f", recipe {restored.recipe_name}{version}"
    text += "); line found " + ("running: taken over running" if found_running else "stopped")
    if not found_running and restored.line_state != "stopped":
        was = restored.sequence.replace("_", " ") or restored.line_state
        step = f" / {restored.step}" if restored.step else ""
        text += f": stays stopped and safe (was {was}{step})"
    if restored.dropped:
        text += f"; not restored (unknown or out of range): {', '.join(restored.dropped)}"
    return text


class RetainedState:
    """The runtime's part that restores and retains (mixed into Runtime; uses its state)."""

    _retained_store: RetainedStoreLike | None
    _restored: Restored | None

    def _restore(self, store: RetainedStoreLike) -> None:
        try:
            restored = read(store)
        except Exception as exc:  # a broken store must not keep the line from being served
            self._note(f"retained state not read: {exc}")
            restored = None
        self._restored = restored
        if restored is None:
            return
        self._setpoints.update(restored.setpoints)
        self._mode = restored.mode
        if restored.recipe_name is not None:
            self.recipe_name = restored.recipe_name
        self.recipe_version = restored.recipe_version
        self._recipe_setpoints = restored.recipe_setpoints
        self.manual.restore(restored.manual_gap_um, restored.manual_feed_kg_h)
        if restored.mode == "manual":
            self.manual.active = True

    @staticmethod
    def _line_says(image: ProcessImage) -> bool:
        """The line's run state can be read (or the profile has none to read)."""
        return "line_running" not in image.values or image.is_good("line_running")

    def _decide(self, image: ProcessImage) -> None:
        """First read with a retained store: the line itself says whether it runs."""
        found_running = image.is_good("line_running") and image.get("line_running") >= 0.5
        r = self._restored
        last_stop = r.last_stop if r is not None else ""
        if r is not None and r.sequence.endswith("_stop"):  # killed during a stop: that one
            last_stop = r.sequence.removesuffix("_stop")
        self.sequencer.restore("running" if found_running else "stopped", last_stop)
        self._restored_text = describe(self._restored, found_running)
        self._note(self._restored_text)
        self._decided = True
        self._dirty = True

    def _retain(self) -> None:
        if self._retained_store is None or not self._decided:
            return
        seq = self.sequencer.state()
        key = (seq.line_state, seq.sequence, seq.step, seq.held, seq.last_stop)
        if not self._dirty and key == self._retained_key:
            return
        self._retained_key, self._dirty = key, False
        state = state_of(
            setpoints=self._setpoints,
            mode=self._mode,
            recipe_name=self.recipe_name,
            recipe_version=self.recipe_version,
            recipe_setpoints=self._recipe_setpoints,
            manual_gap_um=self.manual.gap_um,
            manual_feed_kg_h=self.manual.feed_total_kg_h,
            sequence={
                "line_state": seq.line_state,
                "sequence": seq.sequence,
                "step": seq.step,
                "held": seq.held,
                "last_stop": seq.last_stop,
            },
        )
        try:
            self._retained_store.save(state)
        except Exception as exc:
            self._fault(f"retained state not saved: {exc}")
