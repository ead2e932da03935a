"""The sequence under way in words: "Starting · thread · 12 s / 240 s", "... held (timed
out)", "Stopped (after quick stop)". The Overview's command bar and the header show it."""

from __future__ import annotations

from hmi.runtime.sequences import SequenceState

STATE_TEXT = {
    "stopped": "Stopped",
    "starting": "Starting",
    "running": "Running",
    "stopping": "Stopping",
}
STOP_TEXT = {
    "normal": "normal stop",
    "quick": "quick stop",
    "emergency": "emergency stop",
    "tripped": "stopped by itself",
}


def headline(state: SequenceState) -> str:
    text = STATE_TEXT.get(state.line_state, state.line_state)
    if state.sequence:
        text += f" · {state.step.replace('_', ' ')} · "
        text += f"{state.step_elapsed_s:.0f} s / {state.step_timeout_s:.0f} s"
        if state.held:
            text += " · held (timed out)"
    elif state.line_state == "stopped" and state.last_stop:
        text += f" (after {STOP_TEXT.get(state.last_stop, state.last_stop)})"
    return text
