"""Register <-> engineering value conversion for a tag map entry (16-bit words, big-endian
bytes in each word as Modbus sends them; word order of 32-bit values per entry)."""

from __future__ import annotations

import math
import struct

from hmi.hardware.tagmap import RAW_LIMITS, TagEntry

_FORMAT = {"int16": ">h", "uint16": ">H", "int32": ">i", "uint32": ">I", "float32": ">f"}


def decode(entry: TagEntry, words: list[int] | list[bool]) -> tuple[float, float]:
    """(raw, engineering value) of the entry's words (or its one bit)."""
    if entry.type == "bool":
        raw = float(bool(words[0]))
        return raw, raw
    ordered = list(words[: entry.words])
    if entry.word_order == "little":
        ordered.reverse()
    data = b"".join(int(w & 0xFFFF).to_bytes(2, "big") for w in ordered)
    (raw,) = struct.unpack(_FORMAT[entry.type], data)
    return float(raw), float(raw) * entry.scale + entry.offset


def encode(entry: TagEntry, value: float) -> list[int]:
    """Words (or one 0/1 bit) that carry `value`; clamped to what the type can hold, so an
    out-of-range command saturates instead of wrapping around."""
    if entry.type == "bool":
        return [1 if value >= 0.5 else 0]
    if not math.isfinite(value):
        raise ValueError(f"cannot encode {value!r}")
    raw = (value - entry.offset) / entry.scale
    low, high = RAW_LIMITS[entry.type]
    raw = min(max(raw, low), high)
    if entry.type != "float32":
        raw = int(round(raw))
    data = struct.pack(_FORMAT[entry.type], raw)
    words = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]
    if entry.word_order == "little":
        words.reverse()
    return words
