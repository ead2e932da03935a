"""The runtime's command dispatch (mixed into Runtime; runs in the control thread and uses its
state): each queued command is applied at the start of a tick, and every outcome, refusals
included, becomes a runtime message."""

from __future__ import annotations

import queue

from hmi.core.tags import TagKind, TagRangeError, tag
from hmi.runtime.alarming import apply_alarm_command
from hmi.runtime.commands import (
    AcknowledgeAlarms,
    Command,
    InjectFault,
    LoadRecipe,
    ResolveCondition,
    SetAlarmInService,
    SetManualFeed,
    SetManualGap,
    SetMode,
    ShelveAlarm,
    StartLine,
    StopLine,
    UnshelveAlarm,
    WriteSetpoint,
)
from hmi.runtime.manual import manual_command
from hmi.runtime.recipe_load import check_recipe


class CommandDispatch:
    # The Runtime's attributes this part uses (set in Runtime.__init__).
    _commands: queue.Queue

    def _drain_commands(self) -> None:
        commands = self._commands
        # most ticks bring no command: ask first rather than raise and catch Empty every tick
        while not commands.empty():
            try:
                command = commands.get_nowait()
            except queue.Empty:  # another reader took it (there is none today)
                return
            self._apply(command)

    def _load(self, command: LoadRecipe) -> str:
        """All of a recipe's setpoints in this tick, or none of them if one is refused."""
        checked, text = check_recipe(command, self.controller)
        if checked is not None:
            self._setpoints.update(checked)
            self._recipe_setpoints = checked
            self.recipe_name, self.recipe_version = command.name, command.version
            if command.formulation:  # priming splits the feed as the recipe does
                self._formulation = dict(command.formulation)
                self.sequencer.fractions.update(self._formulation)
            self._dirty = True
        return text

    def _apply(self, command: Command) -> None:
        match command:
            case StartLine(user=user):
                self._note(f"{self.sequencer.start()} (by {user})")
            case StopLine(user=user, kind=kind):
                self._note(f"{self.sequencer.stop(kind)} (by {user})")
            case SetMode(mode=mode, user=user) if mode in ("auto", "manual"):
                self._mode = mode
                self._dirty = True
                self.manual.enter() if mode == "manual" else self.manual.leave()
                self._note(f"mode {mode} by {user}")
            case SetManualGap() | SetManualFeed():
                text = manual_command(self.manual, self._mode, command, self._formulation)
                self._dirty = self._dirty or not text.startswith("rejected")
                self._note(text)
            case WriteSetpoint(tag=name, value=value, user=user):
                try:
                    definition = tag(name)
                    if definition.kind is not TagKind.SETPOINT:
                        raise ValueError(f"{name}: not a setpoint")
                    self._setpoints[name] = definition.check(value)
                    self._dirty = True
                    self._note(f"{name} = {value:g} {definition.unit} by {user}")
                except (KeyError, ValueError, TagRangeError) as exc:
                    self._note(f"rejected: {exc}")
            case LoadRecipe():
                self._note(self._load(command))
            case InjectFault(kind=kind, params=params, user=user):
                try:
                    self.profile.inject(kind, dict(params))
                    self._note(f"fault {kind} injected by {user}")
                except (ValueError, TypeError, NotImplementedError) as exc:
                    self._note(f"rejected: {kind}: {exc}")
            case ResolveCondition(condition=condition, user=user):
                resolve = getattr(self.controller, "resolve", None)
                if resolve is not None and resolve(condition):
                    self._note(f"{condition} resolved by {user}")
                else:
                    self._note(f"rejected: {condition} is not latched")
            case AcknowledgeAlarms() | ShelveAlarm() | UnshelveAlarm() | SetAlarmInService():
                self._note(apply_alarm_command(self.alarms, command))
            case _:
                self._note(f"rejected: unknown command {command!r}")
