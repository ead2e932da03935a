"""Loading TOML files into pydantic models with errors a person can act on: the file, the
field and what is wrong with it, one line each. Used by hardware profiles and scenarios."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)
Locate = Callable[[Sequence[Any], dict[str, Any]], str]


def dotted(loc: Sequence[Any], raw: dict[str, Any] | None = None) -> str:
    return ".".join(str(p) for p in loc) or "(file)"


def read_text(path: Path, what: str, error: type[Exception]) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror}") from None


def parse_model(
    text: str,
    path: Path,
    model: type[Model],
    error: type[Exception],
    what: str,
    locate: Locate = dotted,
) -> Model:
    """Parse `text` as TOML and validate it; raise `error` naming the file and each field."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{path}: invalid {what}"]
        lines += [f"  {locate(item['loc'], raw)}: {item['msg']}" for item in exc.errors()]
        raise error("\n".join(lines)) from None
