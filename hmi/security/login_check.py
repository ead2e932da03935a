"""The slow, CPU-only half of a login: the argon2 check (and a rehash to the current
parameters). It reads no database and changes nothing, so the panel runs it on a worker
thread while the GUI thread keeps painting; the service does the rest before and after."""

from __future__ import annotations

import time
from dataclasses import dataclass

from argon2 import PasswordHasher

from hmi.security.passwords import verify_password
from hmi.security.users import User


class LoginFailed(Exception):
    """Login or signature refused; the message is fit to show at the panel."""


class AccountLocked(LoginFailed):
    def __init__(self, name: str, until: float) -> None:
        self.until = until
        stamp = time.strftime("%H:%M:%S", time.localtime(until))
        super().__init__(f"Account {name!r} is locked after failed attempts until {stamp}")


@dataclass(frozen=True, slots=True)
class Verdict:
    right: bool
    new_hash: str | None = None  # the password hashed with today's parameters, if it was due


@dataclass(frozen=True, slots=True)
class PendingLogin:
    """What `SecurityService.begin_login` read: the account (None: unknown user) and the hash
    to check against (a dummy for an unknown user, so no answer comes faster)."""

    name: str
    user: User | None
    stored_hash: str
    password: str
    hasher: PasswordHasher
    rehash: bool

    def check(self) -> Verdict:
        right = verify_password(self.hasher, self.stored_hash, self.password)
        if right and self.rehash and self.user is not None:
            return Verdict(True, self.hasher.hash(self.password))
        return Verdict(right)
