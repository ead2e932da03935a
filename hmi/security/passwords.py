"""Passwords: argon2id hashes (argon2-cffi) and the password policy. No plain text is kept."""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from hmi.core.roles import Role

NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,31}")
MAX_PASSWORD = 256
# A few passwords a shared panel invites; the length and class rules catch most others.
COMMON = frozenset(
    {"password1", "passw0rd", "12345678a", "qwerty123", "letmein1", "admin123", "operator1"}
)


class PolicyError(ValueError):
    """A user name or password does not meet the policy; the message says what is missing."""


def lanes_for(cpus: int | None) -> int:
    """argon2 lanes (threads) for a machine with `cpus` cores: all but one, at least one.

    RFC 9106's profile asks for 4 lanes; on a 2-core panel those take both cores for the
    length of a login and the control loop misses deadlines. One core is left for it."""
    return max(1, (cpus or 1) - 1)


def make_hasher(cheap: bool = False, cpus: int | None = None) -> PasswordHasher:
    """argon2id with RFC 9106's low-memory profile (64 MiB, 3 passes), its lanes sized to the
    machine (`lanes_for`; `cpus` defaults to this one's); `cheap` is for tests. A stored
    hash made with other parameters still verifies and is re-hashed at its next login."""
    if cheap:
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    low = profiles.RFC_9106_LOW_MEMORY
    lanes = lanes_for(os.cpu_count() if cpus is None else cpus)
    return PasswordHasher.from_parameters(dataclasses.replace(low, parallelism=lanes))


def verify_password(hasher: PasswordHasher, stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    min_length: int = 8

    def describe(self) -> str:
        return (
            f"At least {self.min_length} characters with a letter and a digit, "
            "not containing the user name"
        )

    def check(self, name: str, password: str) -> None:
        problems = []
        if len(password) < self.min_length:
            problems.append(f"at least {self.min_length} characters")
        if len(password) > MAX_PASSWORD:
            problems.append(f"at most {MAX_PASSWORD} characters")
        if not any(c.isalpha() for c in password):
            problems.append("a letter")
        if not any(c.isdigit() for c in password):
            problems.append("a digit")
        if name and name.lower() in password.lower():
            problems.append("not the user name in it")
        if password.lower() in COMMON or len(set(password)) < 3:
            problems.append("not a common or repetitive password")
        if problems:
            raise PolicyError("password needs " + ", ".join(problems))


# Names the panel and the trail use for nobody: an account of that name would read as them.
RESERVED_NAMES = frozenset({"viewer", "unknown", "nobody"})


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise PolicyError(
            f"user name {name!r}: 1-32 characters, a letter first, then letters, digits, . _ -"
        )
    if name.lower() in RESERVED_NAMES:
        raise PolicyError(f"user name {name!r} is reserved (it reads as nobody logged in)")
    return name


def parse_role(text: str) -> Role:
    """'operator', 'Operator' or 'OPERATOR' -> Role.OPERATOR."""
    try:
        return Role[text.strip().upper()]
    except KeyError:
        choices = ", ".join(r.label.lower() for r in Role)
        raise PolicyError(f"role {text!r} is not one of {choices}") from None
