"""Overrides checked before Hydra reads them, with the API's own messages.

Hydra alone names no allowed values ("Key 'n_firm' not in 'Config'", "Error merging override
n_firms=abc"), reads ``2`` as true for a bool, refuses ``6.0`` for an int that the API runs as 6,
and loads a preset path such as ``sector=../policy/broker``. ``clustersim`` checks its overrides
here before Hydra parses them, and :func:`clustersim.cli.compose.compose` (so
``clustersim-evaluate``) before it composes; the values are checked by
:func:`clustersim.conf.check_value`, the one validation the API uses too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from clustersim.conf import Config, ConfigError, check_value
from clustersim.conf.merge import check_preset, preset_dir, preset_groups
from clustersim.conf.validation import unknown_key


def hydra_reason(err: BaseException) -> str:
    """Hydra's whole reason for a refusal: its message and those of the errors that caused it
    (alone, Hydra says only "Error merging override n_firms=abc")."""
    lines: list[str] = []
    while err is not None:
        text = str(err).strip()
        if text and text not in lines:
            lines.append(text)
        err = err.__cause__
    return "\n".join(lines)


def check_overrides(
    overrides: Sequence[str], cdir: str | Path | None = None, sweep: bool = False
) -> list[str]:
    """Refuse the first bad override by key, value and what is allowed, as the API would; return
    the overrides with integral floats of int fields written as ints (``years=6.0`` -> ``years=6``,
    which Hydra then accepts). ``sweep``: comma lists and ranges are allowed (``clustersim -m``)
    and each of their values is checked. Group choices are checked against the yaml files of
    ``cdir``; Hydra's own keys, deletions and interpolations are left to Hydra and to the check
    of the composed config."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    parser = OverridesParser.create()
    try:
        parsed = parser.parse_overrides(list(overrides))
    except HydraException as err:
        text = getattr(err, "override", "") or " ".join(overrides)
        raise ConfigError(f"{text}: not an override Hydra can read: {hydra_reason(err)}") from err
    groups = preset_groups(Path(cdir or preset_dir()), exclude=("hydra",))
    out = []
    for text, o in zip(overrides, parsed, strict=True):
        key = o.key_or_group
        if o.is_hydra_override() or o.is_delete() or o.package is not None or "/" in key:
            out.append(text)
            continue
        prefix = o.get_key_element()
        if not o.is_sweep_override():
            value = o.value()
            new = _int_text(value, _check(key, value, groups))
            out.append(text if new is None else f"{prefix}={new}")
            continue
        if not sweep:
            raise ConfigError(
                f"{text}: several values; allowed: one value, or a sweep with clustersim -m"
            )
        if not o.is_discrete_sweep() or o.value_type.name == "GLOB_CHOICE_SWEEP":
            out.append(text)  # an interval or a glob over the group's own files
            continue
        items, changed = [], False
        for item in o.sweep_string_iterator():
            value = parser.parse_override(f"{key}={item}").value()
            new = _int_text(value, _check(key, value, groups))
            changed |= new is not None
            items.append(item if new is None else new)
        out.append(f"{prefix}={','.join(items)}" if changed else text)
    return out


def _check(key: str, value: Any, groups: dict[str, list[str]]) -> Any:
    """One override's value checked: a preset name of its group, or a parameter's value."""
    if isinstance(value, str) and "${" in value:
        return value  # an interpolation: checked once composed
    if key in groups and (isinstance(value, str) or value is None):
        if value is not None:
            check_preset(key, value, groups)
        return value
    roots = {f.name for f in dataclasses.fields(Config)}
    if key.split(".")[0] not in roots:
        raise unknown_key(key.split(".")[0], [*roots, *groups])
    return check_value(key, value)


def _int_text(before: Any, after: Any) -> str | None:
    """Hydra's text for ``after`` where validation made ints of integral floats, else None."""
    if type(before) is float and type(after) is int:
        return str(after)
    if (
        isinstance(before, list)
        and isinstance(after, list)
        and any(type(x) is float for x in before)
        and all(type(x) is int for x in after)
    ):
        return "[" + ",".join(map(str, after)) + "]"
    return None
