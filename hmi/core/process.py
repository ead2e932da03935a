"""Process images and controller outputs: what crosses the hardware boundary each tick."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from enum import IntEnum
from typing import Any, NamedTuple


class Quality(IntEnum):
    """Per-value quality, as OPC UA and most PLCs report it (ordered: higher is worse)."""

    GOOD = 0
    UNCERTAIN = 1  # e.g. held value during a short dropout
    BAD = 2  # timeout, NaN, out of range, stale, lost link


_GOOD = Quality.GOOD  # bound once: is_good runs dozens of times a tick
_isfinite = math.isfinite


class _NoValues(Mapping[str, Any]):
    """The shared default of an image's maps: empty, read-only and, unlike a mappingproxy,
    picklable (an image must cross to another process as the frozen dataclass did)."""

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


_NONE: Mapping = _NoValues()


# The records that cross the hardware boundary every tick are named tuples: immutable and
# picklable like a frozen dataclass, built at C speed (a frozen dataclass's __init__ sets each
# field through object.__setattr__, ~0.35 µs more per record, five records a tick).
class ProcessImage(NamedTuple):
    """One consistent read of the line: values by tag name, each with a quality.

    `t_s` is the runtime clock time of the read in seconds. `age_s`: how old each value was
    when read (fieldbus drivers fill it; an in-process plant's values are fresh). The maps are
    read-only once the image is built: the runtime and the screens share them.
    """

    t_s: float
    values: Mapping[str, float]
    quality: Mapping[str, Quality] = _NONE
    age_s: Mapping[str, float] = _NONE

    def get(self, tag: str) -> float:
        return self.values[tag]

    def is_good(self, tag: str) -> bool:
        """True when the value is present, finite and of good quality."""
        value = self.values.get(tag)
        if value is None or not _isfinite(value):
            return False
        return self.quality.get(tag, _GOOD) == _GOOD


class Outputs(NamedTuple):
    """What the controllers ask the hardware to do this tick, by output tag name."""

    values: Mapping[str, float]
