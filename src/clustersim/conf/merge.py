"""Keyword arguments to a validated Config without Hydra: overrides, preset names and Mesa's rng.

``ClusterModel(config, rng=..., **overrides)`` and ``mesa.batch_run`` hand the model plain keyword
values. :func:`configure` turns them into one :class:`~clustersim.conf.Config`:

* overrides in three spellings, applied in the order given: dotted (``**{"market.selection": 3}``),
  double underscore (``market__selection=3``, a valid Python keyword) and nested
  (``world={"n_regions": 6}``, merged into the section key by key); the result is validated as
  :func:`~clustersim.conf.make_config` validates, so a bad key or value raises one
  :class:`~clustersim.conf.ConfigError` naming the key, the value and what is allowed;
* preset names: a string given for a preset group (``policy="broker"``, ``sector="biotech"``,
  ``circumstance=``, ``process=``, ``scenario=``) merges that preset's yaml file. The files are
  read here, from the folder :func:`preset_dir` names, because the model layer must not import
  Hydra or the app (both sit above it). Presets are merged over ``config`` in the order of the
  root ``config.yaml``'s defaults list (scenario, sector, circumstance, process, policy), as Hydra
  merges them, and overrides go on top. Groups not named keep ``config``'s values (the defaults),
  so ``ClusterModel()`` stays ``Config()``. Only the part of Hydra the preset groups use is
  supported: ``# @package _global_`` (or the group's own package) and no defaults lists or
  interpolations; a file needing more (the exercises) raises ConfigError and is composed with
  :func:`clustersim.cli.compose.compose` instead. Numbers are read and typed by the schema as
  Hydra's OmegaConf reads and types them, so a preset named here yields the same parameters,
  and run id, as the CLI's composition;
* ``rng`` (Mesa's convention) chooses the run's ``(seed, replication)``; see :func:`seed_from_rng`.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from clustersim.conf.params import ConfigError
from clustersim.conf.schema import Config
from clustersim.conf.validation import (
    _deep_update,
    _dict_of_sections,
    _is_dataclass_type,
    _resolved_types,
    _set_dotted,
    coerce,
    did_you_mean,
    from_mapping,
    to_dict,
    validate,
)

CONFIG_DIR_ENV = "CLUSTERSIM_CONFIG_DIR"
# Folders of the config directory that are not presets one names: Hydra's own settings, batch
# studies and the teaching exercises (which need Hydra's defaults lists).
NOT_PRESETS = ("hydra", "experiment", "exercise")
MAX_SEED = 2**63 - 1


def preset_dir() -> Path:
    """The config folder: ``$CLUSTERSIM_CONFIG_DIR`` if set, else the presets shipped in the
    package (``clustersim/conf/presets/``, a real folder in a source checkout and in an installed
    wheel alike). The one definition: the CLI, the app, the studies and the model read it."""
    env = os.environ.get(CONFIG_DIR_ENV)
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parent / "presets"


def preset_groups(
    folder: Path | None = None, exclude: tuple[str, ...] = NOT_PRESETS
) -> dict[str, list[str]]:
    """Preset group -> its option names (sorted), for every group folder holding yaml files but
    those in ``exclude`` (the command line names the exercises too)."""
    root = Path(folder or preset_dir())
    if not root.is_dir():
        return {}
    out = {}
    for d in sorted(root.iterdir()):
        options = sorted(p.stem for p in d.glob("*.yaml")) if d.is_dir() else []
        if options and d.name not in exclude:
            out[d.name] = options
    return out


def preset_description(group: str, name: str, folder: Path | None = None) -> str:
    """The first sentence of a preset file's header comment (each preset opens by saying what
    it is and where in the Whitebook it comes from); "" when the file or comment is missing."""
    path = Path(folder or preset_dir()) / group / f"{name}.yaml"
    if not path.is_file():
        return ""
    words = []
    for line in path.read_text().splitlines():
        text = line.strip()
        if not text.startswith("#") or text.startswith("# -"):
            if words:
                break
            continue
        if "@package" not in text:
            words.append(text.lstrip("#").strip())
    head = " ".join(words)
    end = head.find(". ")
    return head if end < 0 else head[: end + 1]


def check_preset(group: str, name: Any, groups: Mapping[str, list[str]]) -> None:
    """Refuse a preset ``name`` that is not one of ``groups[group]``'s files (a path such as
    ``../policy/broker`` included), listing the allowed names and the closest one."""
    if group not in groups:
        raise ConfigError(
            f"{group}={name!r}: unknown preset group; allowed: {' | '.join(groups) or '(none)'}"
            f"{did_you_mean(group, groups)}"
        )
    if name not in groups[group]:
        raise ConfigError(
            f"{group}={name!r}: unknown preset; allowed: {' | '.join(groups[group])}"
            f"{did_you_mean(name, groups[group])}"
        )


def _group_order(folder: Path) -> list[str]:
    """Groups in the order the root config.yaml's defaults list merges them."""
    path = folder / "config.yaml"
    if not path.exists():
        return []
    order = []
    for entry in _read(str(path), path.stat().st_mtime_ns)[1].get("defaults", []):
        if isinstance(entry, dict):
            order += [k for k in entry if " " not in k and "/" not in k]
    return order


def load_preset(group: str, name: str, folder: Path | None = None) -> dict:
    """The nested mapping preset ``group/name`` merges into the root config, typed by the schema."""
    folder = Path(folder or preset_dir())
    check_preset(group, name, preset_groups(folder))
    path = folder / group / f"{name}.yaml"
    text, data = _read(str(path), path.stat().st_mtime_ns)
    if "defaults" in data or "${" in text:
        raise ConfigError(
            f"{group}={name!r}: this preset uses Hydra's defaults list or interpolations; "
            "compose it with clustersim.cli.compose.compose"
        )
    package = group
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if "@package" in line:
            package = line.split("@package", 1)[1].strip()
    if package != "_global_":
        for part in reversed(package.split(".")):
            data = {part: data}
    return _typed(Config, copy.deepcopy(data))


class _Loader(yaml.SafeLoader):
    """Safe YAML as Hydra's OmegaConf reads it, without importing it (only the command line
    imports Hydra): ``1e-3`` is a float too, not only ``1.0e-3`` as in plain YAML 1.1."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


@lru_cache(maxsize=128)
def _read(path: str, mtime_ns: int) -> tuple[str, dict]:
    """A yaml file's text and content, parsed once per version (the key has its mtime)."""
    text = Path(path).read_text()
    return text, yaml.load(text, Loader=_Loader) or {}


def _typed(cls: type, data: dict) -> dict:
    """Integers given for float fields become floats, as OmegaConf's schema merge makes them."""
    types = _resolved_types(cls)
    out = {}
    for key, value in data.items():
        tp = types.get(key)
        if tp is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        elif _is_dataclass_type(tp) and isinstance(value, Mapping):
            value = _typed(tp, value)
        elif tp is not None and _dict_of_sections(tp) and isinstance(value, Mapping):
            value = {
                k: _typed(tp.__args__[1], v) if isinstance(v, Mapping) else v
                for k, v in value.items()
            }
        out[key] = value
    return out


def seed_from_rng(rng: Any, seed: int, replication: int) -> tuple[int, int]:
    """The run's ``(seed, replication)`` for Mesa's ``rng`` argument.

    Every run draws from ``SeedSequence(seed, spawn_key=(replication,))``, so a run stays
    reproducible and identified by those two integers; ``rng`` only chooses them:

    * ``None``: the config's seed and replication (not fresh OS entropy as in plain Mesa: a
      clustersim run is always reproducible);
    * an integer: the seed;
    * a ``SeedSequence`` with integer entropy and a spawn key of length 0 or 1 (``SeedSequence(7)``
      or a child of ``SeedSequence(7).spawn(n)``): seed = entropy, replication = spawn key (the
      config's if empty), so the children are the project's replications of that seed;
    * a ``Generator`` (or bit generator): one integer seed drawn from it, which advances it;
    * any other seed-like value (a ``SeedSequence`` with other entropy, a sequence of ints): one
      integer seed from ``SeedSequence(rng).generate_state``.
    """
    if rng is None:
        return seed, replication
    if isinstance(rng, bool):
        raise ConfigError(f"rng={rng!r}: must be an int, a numpy Generator, a SeedSequence or None")
    if isinstance(rng, (int, np.integer)):
        if not 0 <= int(rng) <= MAX_SEED:
            raise ConfigError(f"rng={rng!r}: out of range; allowed: int in [0, 2**63 - 1]")
        return int(rng), replication
    if isinstance(rng, np.random.BitGenerator):
        rng = np.random.Generator(rng)
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(MAX_SEED, endpoint=True)), replication
    if isinstance(rng, np.random.SeedSequence):
        entropy, key = rng.entropy, tuple(rng.spawn_key)
        if isinstance(entropy, int) and 0 <= entropy <= MAX_SEED and len(key) <= 1:
            return entropy, (int(key[0]) if key else replication)
    try:
        seq = rng if isinstance(rng, np.random.SeedSequence) else np.random.SeedSequence(rng)
    except (TypeError, ValueError) as err:
        raise ConfigError(
            f"rng={rng!r}: must be an int, a numpy Generator, a SeedSequence or None"
        ) from err
    return int(seq.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)), replication


def configure(
    config: Config | Mapping | None = None,
    rng: Any = None,
    overrides: Mapping[str, Any] | None = None,
    folder: Path | None = None,
) -> Config:
    """``config`` with preset names and overrides merged over it and ``rng`` mapped to its seed.

    With neither overrides nor ``rng`` this is ``coerce(config)``: the config itself.
    """
    if not overrides and rng is None:
        return coerce(config if config is not None else Config())
    overrides = dict(overrides or {})
    if rng is not None and "seed" in overrides:
        raise ConfigError(f"seed={overrides['seed']!r} and rng={rng!r}: pass one of them")
    data = _base(config)
    presets = _preset_choices(overrides, folder)
    if presets:
        folder = Path(folder or preset_dir())
        order = _group_order(folder)
        ranked = sorted(presets, key=lambda g: order.index(g) if g in order else len(order))
        for group in ranked:
            _deep_update(data, load_preset(group, presets[group], folder))
    for key, value in overrides.items():
        if key in presets:
            continue
        if "." in key or "__" in key:
            try:
                _set_dotted(data, key, value)
            except (AttributeError, TypeError) as err:
                raise ConfigError(f"{key}={value!r}: {key} does not name a parameter") from err
        else:  # a nested mapping merges into its section key by key
            _deep_update(data, {key: value})
    cfg = from_mapping(Config, data)
    seed, replication = seed_from_rng(rng, cfg.seed, cfg.replication)
    cfg = dataclasses.replace(cfg, seed=seed, replication=replication)
    validate(cfg)
    return cfg


def _base(config: Any) -> dict:
    """A nested plain dict of ``config`` to merge into ({} for the defaults)."""
    if config is None:
        return {}
    if isinstance(config, Config):
        return to_dict(config)
    if hasattr(config, "_metadata") and hasattr(config, "keys"):  # a DictConfig: coerce reads it
        return to_dict(coerce(config))
    if isinstance(config, Mapping):
        return _plain(config)
    raise ConfigError(f"config={type(config).__name__}: must be a Config, a mapping or None")


def _plain(value: Mapping) -> dict:
    out: dict = {}
    _deep_update(out, value)
    return out


def _preset_choices(overrides: dict, folder: Path | None) -> dict[str, str]:
    """The overrides that name presets: a string at a plain (not dotted) key that is no scalar
    parameter of the root (``policy`` is both a section and a group; a string picks the group)."""
    types = _resolved_types(Config)
    scalar = {k for k, tp in types.items() if not _is_dataclass_type(tp)}
    names = {
        k: v
        for k, v in overrides.items()
        if isinstance(v, str) and k not in scalar and "." not in k and "__" not in k
    }
    if not names:
        return {}
    groups = preset_groups(folder)
    for key, value in names.items():
        if key not in groups:
            what = "a config section takes a mapping" if key in types else "unknown key"
            raise ConfigError(
                f"{key}={value!r}: {what}; preset groups: {' | '.join(groups) or '(none)'}; "
                f"config keys: {', '.join(sorted(types))}{did_you_mean(key, [*groups, *types])}"
            )
    return names
