"""The field helper every config section is built with, the config error, and the time unit."""

from __future__ import annotations

from dataclasses import field
from typing import Any

STEPS_PER_YEAR = 4  # one step is a quarter


class ConfigError(ValueError):
    """A config value is outside what the model allows."""


def param(
    default: Any,
    doc: str,
    lo: float | None = None,
    hi: float | None = None,
    choices: tuple | None = None,
    source: str = "",
    factory=None,
):
    """A config field with its docstring, valid range and source."""
    meta = {"doc": doc, "lo": lo, "hi": hi, "choices": choices, "source": source}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)
