"""Engineering units of the tag registry as UNECE Recommendation 20 common codes, the way
OPC UA's EUInformation carries them (Part 8, 5.6.3: UnitId = the code's characters packed into
an Int32, NamespaceUri http://www.opcfoundation.org/UA/units/un/cefact)."""

from __future__ import annotations

# unit as the registry spells it -> (common code, description)
CODES: dict[str, tuple[str, str]] = {
    "µm": ("4H", "micrometre"),
    "mm": ("MMT", "millimetre"),
    "m": ("MTR", "metre"),
    "m/min": ("2X", "metre per minute"),
    "mg/cm²": ("H63", "milligram per square centimetre"),
    "kg": ("KGM", "kilogram"),
    "kg/h": ("E93", "kilogram per hour"),
    "kN": ("B47", "kilonewton"),
    "°C": ("CEL", "degree Celsius"),
    "kW": ("KWT", "kilowatt"),
    "rad": ("C81", "radian"),
    "s": ("SEC", "second"),
    "%": ("P1", "percent"),
    "m²": ("MTK", "square metre"),
    "kWh": ("KWH", "kilowatt hour"),
}
# Not in the table (no Rec. 20 code we could confirm): "Wh/m²", "kN/mm". Their variables carry
# EURange and a Description naming the unit, but no EngineeringUnits property.


def unit_id(code: str) -> int:
    value = 0
    for char in code:
        value = (value << 8) | ord(char)
    return value


def unit_of(unit: str) -> tuple[int, str, str] | None:
    """(UnitId, display symbol, description) of a registry unit, or None if it has no code."""
    found = CODES.get(unit)
    return None if found is None else (unit_id(found[0]), unit, found[1])
