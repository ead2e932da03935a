"""The tag map of a register-based fieldbus profile: registry tag -> table, address, data type,
scaling, poll group. Checked against the tag registry (hmi/core/tags.py) when the profile loads.

Pure data and validation: no protocol library here. Modbus is the first user; the model is
Modbus-shaped (four tables of 16-bit registers and bits), the checks are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hmi.core.tags import FEEDERS, SIDES, TAGS, TagKind

Table = Literal["coil", "discrete_input", "input_register", "holding_register"]
DataType = Literal["bool", "int16", "uint16", "int32", "uint32", "float32"]

READ_ONLY_TABLES = ("discrete_input", "input_register")
BIT_TABLES = ("coil", "discrete_input")
WORDS = {"bool": 1, "int16": 1, "uint16": 1, "int32": 2, "uint32": 2, "float32": 2}
RAW_LIMITS = {
    "bool": (0, 1),
    "int16": (-(2**15), 2**15 - 1),
    "uint16": (0, 2**16 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "uint32": (0, 2**32 - 1),
    "float32": (-3.4e38, 3.4e38),
}
MAX_BLOCK = {"coil": 2000, "discrete_input": 2000, "input_register": 125, "holding_register": 123}

# What the controllers read from the line and what they must be able to command: a profile
# that leaves one unmapped would close no loop, so it is refused at load time.
CONTROL_INPUTS = (
    "areal_mass_mg_cm2",
    "line_speed_m_min",
    "bank_mass_kg",
    *(f"gap_{s}_um" for s in SIDES),
    *(f"roll_force_{s}_kn" for s in SIDES),
    *(f"feeder_{f}_flow_kg_h" for f in FEEDERS),
)
LINE_OUTPUTS = (
    "line_run_cmd",
    "line_speed_out_m_min",
    *(f"gap_{s}_sp_um" for s in SIDES),
    *(f"feeder_{f}_sp_kg_h" for f in FEEDERS),
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Register(_Strict):
    """One location: a heartbeat counter, or the address part of a tag's entry."""

    table: Table
    address: int = Field(ge=0, le=65535)


class TagEntry(_Strict):
    """Where one registry tag lives on the line's controller and how to convert it.

    Engineering value = raw × scale + offset (raw is the register value as `type`)."""

    table: Table
    address: int = Field(ge=0, le=65535)
    type: DataType = "float32"
    word_order: Literal["big", "little"] = "big"  # of 32-bit values: high word first = big
    scale: float = 1.0
    offset: float = 0.0
    direction: Literal["read", "write"] | None = None  # default: from the tag's kind
    group: str = "fast"  # poll group (reads)
    deadband: float = Field(default=0.0, ge=0.0)  # engineering units (writes)
    stale_after_s: float | None = Field(default=None, gt=0.0, le=3600.0)

    @property
    def words(self) -> int:
        return WORDS[self.type]

    def span(self) -> range:
        return range(self.address, self.address + self.words)


class PollGroup(_Strict):
    period_s: float = Field(gt=0.0, le=60.0)


def default_direction(name: str) -> Literal["read", "write"]:
    kind = TAGS[name].kind
    return "read" if kind in (TagKind.MEASURED, TagKind.STATUS) else "write"


def check_tag_map(
    tags: dict[str, TagEntry],
    groups: dict[str, PollGroup],
    heartbeat: dict[str, Register],
    safe_state: dict[str, float],
) -> None:
    """Refuse a map the line could not run with. Raises ValueError naming the field."""
    for name, entry in tags.items():
        _check_entry(name, entry, groups)
    _check_overlaps(tags, heartbeat)
    mapped_reads = {n for n, e in tags.items() if direction(n, e) == "read"}
    mapped_writes = {n for n, e in tags.items() if direction(n, e) == "write"}
    check_coverage(mapped_reads, mapped_writes, safe_state)


def check_coverage(mapped_reads: set[str], mapped_writes: set[str], safe_state: dict[str, float]):
    """Any protocol's map: the controllers' inputs read, the line's outputs written, a safe
    state only of mapped outputs and within their ranges."""
    missing = [n for n in CONTROL_INPUTS if n not in mapped_reads]
    if missing:
        raise ValueError(
            f"tags: the controllers need {', '.join(missing)} read from the line; map them"
        )
    missing = [n for n in LINE_OUTPUTS if n not in mapped_writes]
    if missing:
        raise ValueError(f"tags: the controllers command {', '.join(missing)}; map them")
    for name, value in safe_state.items():
        if name not in mapped_writes:
            raise ValueError(f"safe_state.{name}: not a mapped output of this profile")
        tag = TAGS[name]
        if not tag.low <= value <= tag.high:
            raise ValueError(
                f"safe_state.{name}: {value:g} is outside {tag.low:g} to {tag.high:g} {tag.unit}"
            )


def direction(name: str, entry: TagEntry) -> Literal["read", "write"]:
    return entry.direction or default_direction(name)


def _check_entry(name: str, entry: TagEntry, groups: dict[str, PollGroup]) -> None:
    where = f"tags.{name}"
    if name not in TAGS:
        raise ValueError(f"{where}: {name!r} is not a tag of the registry (hmi/core/tags.py)")
    tag = TAGS[name]
    way = direction(name, entry)
    if way == "write" and tag.kind in (TagKind.MEASURED, TagKind.STATUS):
        raise ValueError(f"{where}.direction: {tag.description} is measured; it is only read")
    if way == "read" and tag.kind in (TagKind.OUTPUT, TagKind.SETPOINT):
        raise ValueError(f"{where}.direction: {tag.description} is sent to the line ('write')")
    if way == "write" and entry.table in READ_ONLY_TABLES:
        wanted = "coil" if entry.type == "bool" else "holding_register"
        raise ValueError(
            f"{where}.table: {tag.description} is written, but {entry.table} is read-only; "
            f"use {wanted}"
        )
    if (entry.type == "bool") != (entry.table in BIT_TABLES):
        raise ValueError(
            f"{where}.type: {entry.type} does not fit table {entry.table} "
            "(bool lives in coil / discrete_input, numbers in registers)"
        )
    if entry.address + entry.words - 1 > 65535:
        raise ValueError(f"{where}.address: {entry.address} + {entry.words} words passes 65535")
    if way == "read" and entry.group not in groups:
        raise ValueError(
            f"{where}.group: no poll group {entry.group!r}; defined: {', '.join(sorted(groups))}"
        )
    if entry.scale == 0:
        raise ValueError(f"{where}.scale: must not be 0")
    low, high = RAW_LIMITS[entry.type]
    raws = sorted(((tag.low - entry.offset) / entry.scale, (tag.high - entry.offset) / entry.scale))
    if entry.type != "bool" and (raws[0] < low - 0.5 or raws[1] > high + 0.5):
        raise ValueError(
            f"{where}.scale: {tag.low:g} to {tag.high:g} {tag.unit} needs raw {raws[0]:g} to "
            f"{raws[1]:g}, beyond {entry.type} ({low} to {high}); change scale, offset or type"
        )


def _check_overlaps(tags: dict[str, TagEntry], heartbeat: dict[str, Register]) -> None:
    owner: dict[tuple[str, int], str] = {}
    spans = [(f"tags.{n}", e.table, e.span()) for n, e in tags.items()]
    spans += [
        (f"heartbeat.{n}", r.table, range(r.address, r.address + 1)) for n, r in heartbeat.items()
    ]
    for where, table, span in spans:
        for address in span:
            other = owner.setdefault((table, address), where)
            if other != where:
                raise ValueError(f"{where}.address: {table} {address} is already used by {other}")


@dataclass(frozen=True, slots=True)
class Block:
    """Contiguous locations read (or written) in one request."""

    table: str
    start: int
    count: int
    tags: tuple[str, ...]


def plan_blocks(tags: dict[str, TagEntry], names: list[str], max_gap: int = 0) -> list[Block]:
    """Group `names` into as few requests as the tables allow: contiguous addresses (gaps of
    at most `max_gap` locations are read through) up to the table's request limit."""
    blocks: list[Block] = []
    by_table: dict[str, list[str]] = {}
    for name in names:
        by_table.setdefault(tags[name].table, []).append(name)
    for table, members in sorted(by_table.items()):
        members.sort(key=lambda n: tags[n].address)
        start, end, current = -1, -1, []
        for name in members:
            entry = tags[name]
            stop = entry.address + entry.words
            if current and entry.address <= end + max_gap and stop - start <= MAX_BLOCK[table]:
                current.append(name)
                end = max(end, stop)
                continue
            if current:
                blocks.append(Block(table, start, end - start, tuple(current)))
            start, end, current = entry.address, stop, [name]
        if current:
            blocks.append(Block(table, start, end - start, tuple(current)))
    return blocks
