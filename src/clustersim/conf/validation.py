"""Building a config from mappings, checking it, and reading it back as flat keys.

:func:`validate` checks a whole config before a run starts and raises one :class:`ConfigError`
naming the key, the value and what is allowed; ranges and choices come from each field's
:func:`~clustersim.conf.params.param`, cross-field rules (including the policy mix's) live here.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import hashlib
import json
import math
import numbers
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from clustersim.conf.instruments import INSTRUMENT_PARAMS, InstrumentParams
from clustersim.conf.params import ConfigError
from clustersim.conf.schema import Config


def _is_dataclass_type(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _dict_of_sections(tp: Any) -> bool:
    """``dict[str, SomeSection]``: named sections such as ``policy.programmes``."""
    return getattr(tp, "__origin__", None) is dict and _is_dataclass_type(tp.__args__[1])


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"; did you mean 'n_firms'?"`` for the closest of ``known`` to a mistyped ``name``."""
    close = difflib.get_close_matches(str(name), [str(k) for k in known], n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def unknown_key(key: str, known: Iterable[str]) -> ConfigError:
    """The refusal of dotted ``key``, whose last part is none of ``known``: what is allowed there
    and the closest match, as the API and the command line say it."""
    known = sorted(set(map(str, known)))
    name = key.rsplit(".", 1)[-1]
    return ConfigError(
        f"{key}: unknown key; allowed keys here: {', '.join(known)}{did_you_mean(name, known)}"
    )


def from_mapping(cls: type, data: Mapping | None, prefix: str = ""):
    """Build dataclass ``cls`` from a nested mapping, refusing unknown keys and a section given
    anything but a mapping by name."""
    if data is not None and not isinstance(data, Mapping):
        raise ConfigError(
            f"{prefix.rstrip('.') or 'config'}={data!r}: must be a mapping of {cls.__name__} keys"
        )
    data = dict(data or {})
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(known), key=str)
    if unknown:
        raise unknown_key(prefix + str(unknown[0]), known)
    kwargs = {}
    types = _resolved_types(cls)
    for name, value in data.items():
        tp = types[name]
        if _is_dataclass_type(tp):
            if isinstance(value, tp):
                kwargs[name] = value
            else:
                kwargs[name] = from_mapping(tp, value, prefix + name + ".")
        elif _dict_of_sections(tp) and isinstance(value, Mapping):
            item = tp.__args__[1]
            kwargs[name] = {
                str(k): v if isinstance(v, item) else from_mapping(item, v, f"{prefix}{name}.{k}.")
                for k, v in value.items()
            }
        elif isinstance(value, Mapping):
            kwargs[name] = dict(value)
        elif isinstance(value, (list, tuple)) or (
            value is not None
            and hasattr(value, "__iter__")
            and not isinstance(value, (str, Mapping))
        ):
            kwargs[name] = list(value)
        else:
            kwargs[name] = value
    return cls(**kwargs)


_TYPE_CACHE: dict[type, dict[str, Any]] = {}


def _resolved_types(cls: type) -> dict[str, Any]:
    if cls not in _TYPE_CACHE:
        _TYPE_CACHE[cls] = typing.get_type_hints(cls)
    return _TYPE_CACHE[cls]


def to_dict(cfg) -> dict:
    """Plain nested dict of a config (for metadata and tables)."""
    return dataclasses.asdict(cfg)


def config_digest(cfg, ignore: tuple[str, ...] = ("output",)) -> str:
    """SHA-1 of every parameter of ``cfg`` but the top-level keys in ``ignore``: the identity
    of a run (``run_id``) and of a sweep job (``config_hash``) across processes and reruns."""
    d = {k: v for k, v in to_dict(cfg).items() if k not in ignore}
    return hashlib.sha1(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()


def flatten(d: Mapping, prefix: str = "") -> dict[str, Any]:
    """``{"world": {"n_regions": 4}}`` -> ``{"world.n_regions": 4}``."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, Mapping):
            out.update(flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _check_value(key: str, value: Any, tp: Any, lo=None, hi=None, choices=None) -> Any:
    """``value`` checked against the type ``tp``, the bounds and the choices of its field and
    returned as the model needs it: integral floats (pandas rows, JSON designs) and numpy
    numbers become Python ints or floats, so that ``6.0`` years runs as 6 and ``6.5`` is
    refused here rather than crashing the model."""
    kind = type(value)
    if kind is tp and (kind is float or kind is int) and choices is None:  # the common case
        if (kind is int or math.isfinite(value)) and not (
            (lo is not None and value < lo) or (hi is not None and value > hi)
        ):
            return value

    def allowed() -> str:
        return _allowed_text(tp, lo, hi, choices)

    flag = isinstance(value, bool | np.bool_)
    if tp is bool:
        if not flag:
            raise ConfigError(f"{key}={value!r}: must be true or false")
        return bool(value)
    if tp is int and not flag:
        if isinstance(value, numbers.Integral) and type(value) is not int:
            value = int(value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
    if tp is int and (flag or type(value) is not int):
        raise ConfigError(f"{key}={value!r}: must be an integer; allowed: {allowed()}")
    if tp is float and (flag or not isinstance(value, numbers.Real)):
        raise ConfigError(f"{key}={value!r}: must be a number; allowed: {allowed()}")
    if tp is float and type(value) not in (int, float):
        value = int(value) if isinstance(value, numbers.Integral) else float(value)
    if tp is str and not isinstance(value, str):
        raise ConfigError(f"{key}={value!r}: must be a string; allowed: {allowed()}")
    if choices is not None and value not in choices:
        raise ConfigError(f"{key}={value!r}: unknown value; allowed: {allowed()}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{key}={value!r}: must be finite; allowed: {allowed()}")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise ConfigError(f"{key}={value!r}: out of range; allowed: {allowed()}")
    return value


def _allowed_text(tp, lo, hi, choices) -> str:
    if choices is not None:
        return " | ".join(map(str, choices))
    name = getattr(tp, "__name__", str(tp))
    if lo is not None and hi is not None:
        return f"{name} in [{lo:g}, {hi:g}]"
    return name


_SECTION, _LIST, _MAPPING, _VALUE = range(4)


@functools.cache
def _plan(cls: type) -> tuple[tuple, ...]:
    """Per field of the section type ``cls``, what :func:`validate` needs, read once: its
    name, what it holds (a section, a list, a mapping or a value), its type, bounds and
    choices."""
    types, plan = _resolved_types(cls), []
    for f in dataclasses.fields(cls):
        tp, meta = types[f.name], f.metadata
        origin = getattr(tp, "__origin__", None)
        held = (
            _SECTION
            if _is_dataclass_type(tp)
            else {list: _LIST, dict: _MAPPING}.get(origin, _VALUE)
        )
        plan.append((f.name, held, tp, meta.get("lo"), meta.get("hi"), meta.get("choices")))
    return tuple(plan)


def validate(cfg, prefix: str = "", cross_fields: bool = True) -> None:
    """Check every field of ``cfg`` (recursively) and, for a whole Config, the rules between
    fields; raise one ConfigError on the first bad value. Numbers are normalised in place (see
    :func:`_check_value`)."""
    for name, held, tp, lo, hi, choices in _plan(type(cfg)):
        key, value = prefix + name, getattr(cfg, name)
        if held == _VALUE:
            checked = _check_value(key, value, tp, lo, hi, choices)
            if checked is not value:
                setattr(cfg, name, checked)
        elif held == _SECTION:
            if not isinstance(value, tp):
                raise ConfigError(f"{key}={value!r}: must be a {tp.__name__} section")
            validate(value, key + ".")
        elif held == _LIST:
            (item_tp,) = tp.__args__
            if not isinstance(value, list):
                allowed = _allowed_text(item_tp, lo, hi, None)
                raise ConfigError(f"{key}={value!r}: must be a list; allowed: a list of {allowed}")
            items = [
                _check_value(f"{key}[{i}]", v, item_tp, lo, hi, choices)
                for i, v in enumerate(value)
            ]
            if any(a is not b for a, b in zip(items, value, strict=True)):
                setattr(cfg, name, items)
        else:
            item = tp.__args__[1].__name__ if _dict_of_sections(tp) else None
            if not isinstance(value, dict):
                of = f"names to {item} sections" if item else "keys to values"
                raise ConfigError(f"{key}={value!r}: must be a mapping; allowed: {of}")
            if _dict_of_sections(tp):
                for k, section in value.items():
                    if not isinstance(section, tp.__args__[1]):
                        raise ConfigError(
                            f"{key}.{k}={section!r}: must be a section; allowed: a mapping of "
                            f"{item} keys"
                        )
                    validate(section, f"{key}.{k}.")
    if cross_fields and isinstance(cfg, Config):
        _check_cross_fields(cfg)


def _check_cross_fields(cfg: Config) -> None:
    if cfg.world.focal_region >= cfg.world.n_regions:
        raise ConfigError(
            f"world.focal_region={cfg.world.focal_region}: must name an existing region; "
            f"allowed: int in [0, {cfg.world.n_regions - 1}] "
            f"(world.n_regions={cfg.world.n_regions})"
        )
    share = cfg.world.focal.initial_firm_share
    if share != -1 and not 0 <= share <= 1:
        raise ConfigError(
            f"world.focal.initial_firm_share={share:g}: allowed: -1 (firms spread evenly over "
            "the landscape) or a share in [0, 1] (that share in the focal region, the rest in "
            "the other regions)"
        )
    for s in cfg.shocks.steps:
        if s >= cfg.steps:
            raise ConfigError(
                f"shocks.steps: step {s} is past the last step; allowed: int in "
                f"[0, {cfg.steps - 1}] for years={cfg.years}"
            )
    ini = cfg.initiative
    if ini.route == "reengineered" and not 0 <= ini.break_step < ini.start_step:
        raise ConfigError(
            f"initiative.break_step={ini.break_step}: the re-engineered route breaks links before "
            f"its corrective action; allowed: int in [0, {ini.start_step - 1}] "
            f"(initiative.start_step={ini.start_step})"
        )
    if cfg.threads > 1 and cfg.engine != "numba":
        raise ConfigError(
            f"threads={cfg.threads}: only the numba engine runs kernels in parallel; allowed: "
            f"threads=1 with engine={cfg.engine}, or engine=numba"
        )
    if cfg.trust.friend_of_friend + cfg.trust.university_search > 1:
        raise ConfigError(
            "trust.friend_of_friend + trust.university_search="
            f"{cfg.trust.friend_of_friend + cfg.trust.university_search:g}: shares must sum to <= 1"
        )
    validate_policy(cfg)


def make_params(instrument: str, mapping: Mapping | None, prefix: str) -> InstrumentParams:
    """The parameters of one ``instrument`` from a programme's ``params``, validated (errors
    name the key under ``prefix``)."""
    params = from_mapping(INSTRUMENT_PARAMS[instrument], mapping, prefix)
    validate(params, prefix)
    return params


def validate_policy(cfg: Config) -> None:
    """Cross-field checks of ``cfg.policy``, so that a bad policy stops a run before it starts."""
    pc = cfg.policy
    n_reg = cfg.world.n_regions
    if pc.region >= n_reg:
        raise ConfigError(
            f"policy.region={pc.region}: must name an existing region or -1 (the focal region); "
            f"allowed: int in [-1, {n_reg - 1}]"
        )
    if pc.contest and pc.region >= 0:
        raise ConfigError(
            f"policy.region={pc.region}: a contest (policy.contest=true) picks the target region; "
            "allowed: -1 with a contest"
        )
    live = {}
    for key, prog in pc.programmes.items():
        prefix = f"policy.programmes.{key}."
        params = make_params(prog.instrument, prog.params, prefix + "params.")
        start, _ = prog.window()
        if start >= cfg.steps:
            raise ConfigError(
                f"{prefix}start_year={prog.start_year:g}: the programme would start after the run "
                f"ends; allowed: start_year < years={cfg.years}"
            )
        if prog.intensity <= 0 or prog.duration_years <= 0:
            continue  # switched off: nothing else to check
        gov = getattr(pc, prog.level)
        if params.costs_budget and gov.budget <= 0:
            raise ConfigError(
                f"{prefix}level={prog.level}: the {prog.level} government has no budget "
                f"(policy.{prog.level}.budget={gov.budget:g}); allowed: a level whose budget is "
                "positive"
            )
        params.check(cfg, prefix)
        live[key] = prog
    keys = list(live)
    for i, k1 in enumerate(keys):
        for k2 in keys[i + 1 :]:
            p1, p2 = live[k1], live[k2]
            if p1.instrument != p2.instrument or not INSTRUMENT_PARAMS[p1.instrument].exclusive:
                continue
            (s1, e1), (s2, e2) = p1.window(), p2.window()
            if s1 < e2 and s2 < e1:
                y1 = f"{p1.start_year:g}-{p1.start_year + p1.duration_years:g}"
                y2 = f"{p2.start_year:g}-{p2.start_year + p2.duration_years:g}"
                raise ConfigError(
                    f"policy.programmes.{k2}: overlaps policy.programmes.{k1} (both "
                    f"'{p1.instrument}', years {y1} and {y2}); "
                    f"'{p1.instrument}' is exclusive in a region: allowed: windows that do not "
                    "overlap"
                )


def make_config(overrides: Mapping | None = None, **kw) -> Config:
    """Defaults updated by a nested mapping and/or dotted keywords, validated.

    ``make_config({"world": {"n_regions": 6}}, n_firms=500, **{"market.selection": 3})``
    """
    data: dict = {}
    _deep_update(data, dict(overrides or {}))
    for key, value in kw.items():
        _set_dotted(data, key, value)
    cfg = from_mapping(Config, data)
    validate(cfg)
    return cfg


def check_value(key: str, value: Any) -> Any:
    """``value`` for dotted ``key`` checked and normalised as :func:`validate` does, the rules
    between fields aside (they need the whole config). The command lines check each override
    with it before Hydra sees it: Hydra would turn ``2`` into true for a bool, refuse ``6.0`` for
    an int and name no allowed values."""
    parts = key.replace("__", ".").split(".")
    data: dict = {}
    _set_dotted(data, key, value)
    node: Any = from_mapping(Config, data)
    validate(node, cross_fields=False)
    for part in parts:
        node = node[part] if isinstance(node, Mapping) else getattr(node, part)
    return node


def _deep_update(dst: dict, src: Mapping) -> None:
    for k, v in src.items():
        if isinstance(v, Mapping) and isinstance(dst.get(k), dict):
            _deep_update(dst[k], v)
        elif isinstance(v, Mapping):
            dst[k] = {}
            _deep_update(dst[k], v)
        else:
            dst[k] = v


def _set_dotted(data: dict, key: str, value: Any) -> None:
    parts = key.replace("__", ".").split(".")
    node = data
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value


def _plain(node: Any) -> Any:
    """Plain nested dicts and lists of an OmegaConf node, read through its Mapping and Sequence
    interfaces (interpolations resolve on access), so conf needs no OmegaConf import."""
    if isinstance(node, Mapping):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, Sequence) and not isinstance(node, str | bytes):
        return [_plain(v) for v in node]
    return node


def coerce(cfg: Any) -> Config:
    """Accept a Config, a mapping or an OmegaConf node; return a validated Config."""
    if isinstance(cfg, Config):
        validate(cfg)
        return cfg
    if hasattr(cfg, "_metadata") and hasattr(cfg, "keys"):  # an OmegaConf DictConfig
        cfg = _plain(cfg)
    if isinstance(cfg, Mapping):
        return make_config(cfg)
    raise ConfigError(f"config={type(cfg).__name__}: must be a Config, a mapping or a DictConfig")


def iter_params(cls: type = Config, prefix: str = ""):
    """Yield (dotted key, default, field) for the parameter table in docs/parameters.md."""
    types = _resolved_types(cls)
    for f in dataclasses.fields(cls):
        tp = types[f.name]
        if _is_dataclass_type(tp):
            yield from iter_params(tp, prefix + f.name + ".")
        else:
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            yield prefix + f.name, default, f
