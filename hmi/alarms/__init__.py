"""Alarm management, ISA-18.2 style: definitions, the state machine, the journal. Qt-free.

`load_definitions()` reads resources/alarms.toml against the tag registry; an `AlarmEngine`
evaluates them in the runtime thread every tick and emits `AlarmEvent`s to the
`AlarmJournal` (bounded queue, own writer thread); the runtime publishes the engine's
`AlarmSummary` in its snapshot.
"""

from hmi.alarms.definitions import (
    DEFAULT_FILE,
    AlarmDefinition,
    Condition,
    DefinitionError,
    Priority,
    definition,
    load_definitions,
)
from hmi.alarms.engine import AlarmEngine
from hmi.alarms.journal import AlarmJournal, JournalRow
from hmi.alarms.model import AlarmEvent, AlarmState, AlarmStatus, AlarmSummary, Event

__all__ = [
    "DEFAULT_FILE",
    "AlarmDefinition",
    "AlarmEngine",
    "AlarmEvent",
    "AlarmJournal",
    "AlarmState",
    "AlarmStatus",
    "AlarmSummary",
    "Condition",
    "DefinitionError",
    "Event",
    "JournalRow",
    "Priority",
    "definition",
    "load_definitions",
]
