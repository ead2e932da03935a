"""Loading TOML files into pydantic models with errors a person can act on: the file, the
field and what is wrong with it. Used by hardware profiles and scenarios (and recipes).

Every way a file can be wrong ends as the caller's error type naming the file: not a regular
file (a FIFO would hang, /dev/zero would fill memory), too large, not UTF-8 (a UTF-8 BOM is
accepted), not TOML, nested too deeply, or a model that refuses it."""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)
Locate = Callable[[Sequence[Any], dict[str, Any]], str]

MAX_FILE_BYTES = 1 << 20  # a profile or scenario is a few kB; 1 MiB is plenty


def dotted(loc: Sequence[Any], raw: dict[str, Any] | None = None) -> str:
    return ".".join(str(p) for p in loc) or "(file)"


def read_text(path: Path, what: str, error: type[Exception]) -> str:
    """The text of a regular file of at most MAX_FILE_BYTES, decoded as UTF-8 (BOM or not)."""
    try:
        # non-blocking, so that opening a FIFO returns at once instead of waiting for a writer
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb", buffering=0) as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise error(f"{path}: cannot read {what}: not a regular file")
            if info.st_size > MAX_FILE_BYTES:
                raise error(
                    f"{path}: cannot read {what}: {info.st_size} bytes, more than the "
                    f"{MAX_FILE_BYTES} a {what} may have"
                )
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise error(f"{path}: cannot read {what}: more than {MAX_FILE_BYTES} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: cannot read {what}: not UTF-8 text (byte {exc.start})") from None


def parse_model(
    text: str,
    path: Path,
    model: type[Model],
    error: type[Exception],
    what: str,
    locate: Locate = dotted,
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Model:
    """Parse `text` as TOML, `prepare` the data if given, and validate it; raise `error`
    naming the file and each field (one line: the problems joined by "; ")."""
    try:
        raw = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise error(f"{path}: not valid TOML: nested too deeply") from None
    if prepare is not None:  # e.g. a scenario's recipe named by file, read in before validating
        try:
            raw = prepare(raw)
        except ValueError as exc:
            raise error(f"{path}: invalid {what}: {exc}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = [
            f"{_where(locate, item['loc'], raw)}: {_message(item)}" for item in exc.errors()
        ]
        raise error(f"{path}: invalid {what}: " + "; ".join(problems)) from None
    except RecursionError:
        raise error(f"{path}: invalid {what}: nested too deeply") from None


def _where(locate: Locate, loc: Sequence[Any], raw: dict[str, Any]) -> str:
    try:
        return locate(loc, raw)
    except Exception:  # a locator must never hide the error it is naming
        return dotted(loc)


def _message(item: Any) -> str:
    """pydantic's message without its 'Value error, ' prefix for our own checks."""
    return str(item["msg"]).removeprefix("Value error, ")
