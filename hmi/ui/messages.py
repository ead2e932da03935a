"""Runtime event texts as an operator reads them: registry tag names become their labels,
other identifiers (fault kinds, condition names) become words. The runtime's own texts stay
exact for the logs and the journal; only what the panel shows is translated."""

from __future__ import annotations

import re

from hmi.core.tags import TAGS

IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def readable(message: str) -> str:
    """'line_speed_sp_m_min = 42.5 m/min by op' -> 'Line speed setpoint = 42.5 m/min by op'."""

    def word(match: re.Match[str]) -> str:
        name = match.group(0)
        if name in TAGS:
            return TAGS[name].description
        return name.replace("_", " ")

    text = IDENTIFIER.sub(word, message)
    return text[:1].upper() + text[1:]
