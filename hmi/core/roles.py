"""Operator roles, ordered by what they may do (a higher role may do all a lower one may)."""

from __future__ import annotations

from enum import IntEnum


class Role(IntEnum):
    VIEWER = 0  # nobody logged in: can look, can do nothing
    OPERATOR = 1
    ENGINEER = 2
    SUPERVISOR = 3
    ADMINISTRATOR = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()
