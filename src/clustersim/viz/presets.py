"""Presets for the app, discovered from the Hydra config groups on disk.

Every top-level folder of the config directory that holds ``*.yaml`` files is a preset group
(``sector/``, ``circumstance/``, ``process/``, ``policy/``, ...), so a new preset file, or a new
group, appears in the app without code changes. ``exercise/`` holds the teaching exercises: each
is a ``# @package _global_`` config that picks presets in its defaults list and sets parameters,
and starts with a ``# Exercise: <title>`` comment line that the app shows.

Configs are composed by :func:`clustersim.cli.compose.compose_with_choices`, exactly as the
``clustersim`` command would compose them, then validated into a :class:`clustersim.conf.Config`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from clustersim.cli.compose import compose_with_choices
from clustersim.cli.run import config_dir as cli_config_dir
from clustersim.conf import Config, ConfigError
from clustersim.conf.merge import check_preset
from clustersim.conf.merge import preset_groups as conf_preset_groups

EXERCISE_GROUP = "exercise"  # not a preset group (clustersim.conf.merge.NOT_PRESETS)
UNSET = "(none)"  # Select value for an optional group left out


def config_dir() -> Path:
    return Path(cli_config_dir())


def _options(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.yaml"))


def preset_groups(cdir: Path | None = None) -> dict[str, list[str]]:
    """Preset group name -> its option names, for every group folder on disk (sorted)."""
    return conf_preset_groups(Path(cdir or config_dir()))


def _header(name: str, key: str, cdir: Path | None) -> str | None:
    """The text of an exercise's ``# <key>: <text>`` comment line, if it has one."""
    path = Path(cdir or config_dir()) / EXERCISE_GROUP / f"{name}.yaml"
    for line in path.read_text().splitlines() if path.exists() else []:
        if line.startswith(f"# {key}:"):
            return line.split(":", 1)[1].strip()
    return None


def exercises(cdir: Path | None = None) -> dict[str, str]:
    """Exercise name -> title (from its ``# Exercise: <title>`` line)."""
    folder = Path(cdir or config_dir()) / EXERCISE_GROUP
    names = _options(folder) if folder.is_dir() else []
    return {n: _header(n, "Exercise", cdir) or n.replace("_", " ") for n in names}


def checkpoints(exercise: str | None, cdir: Path | None = None) -> tuple[float, ...]:
    """The years at which the app pauses a run of ``exercise``: its ``# Pause at years: 5, 15``
    line (the worksheet's steps say what to note there)."""
    text = _header(exercise, "Pause at years", cdir) if exercise else None
    if not text:
        return ()
    try:
        return tuple(sorted(float(y) for y in text.split(",")))
    except ValueError:
        raise ConfigError(
            f"exercise {exercise!r}: '# Pause at years: {text}': allowed: years separated by "
            "commas, e.g. '# Pause at years: 5, 15'"
        ) from None


@dataclass(frozen=True)
class Composed:
    """A composed preset: the validated config and the option each group resolved to."""

    config: Config
    choices: dict[str, str | None]


def compose(
    choices: dict[str, str | None] | None = None,
    exercise: str | None = None,
    overrides: dict | None = None,
    cdir: Path | None = None,
) -> Composed:
    """Compose ``config.yaml`` with the given group choices, exercise and dotted overrides.

    ``choices`` maps a group to an option (``None`` or :data:`UNSET` leaves the group at its
    default, or out if it has none). Group choices given here win over an exercise's, as on the
    command line. Unknown groups, options and exercises raise :class:`ConfigError` naming what
    is allowed.
    """
    cdir = Path(cdir or config_dir())
    groups = preset_groups(cdir)
    args = []
    if exercise:
        known = exercises(cdir)
        if exercise not in known:
            raise ConfigError(
                f"exercise={exercise!r}: unknown exercise; allowed: {' | '.join(known) or '(none)'}"
            )
        args.append(f"+{EXERCISE_GROUP}={exercise}")
    base = _base_choices(str(cdir), exercise)
    for group, option in (choices or {}).items():
        if group not in groups:
            raise ConfigError(
                f"{group}: unknown preset group; allowed: {' | '.join(groups) or '(none)'}"
            )
        if option in (None, UNSET):
            continue
        check_preset(group, option, groups)
        args.append(f"{group}={option}" if group in base else f"+{group}={option}")
    for key, value in (overrides or {}).items():
        args.append(f"++{key}={value}")
    cfg, resolved = _compose(str(cdir), tuple(args))
    return Composed(config=cfg, choices={g: resolved.get(g) for g in groups})


@lru_cache(maxsize=64)
def _base_choices(cdir: str, exercise: str | None) -> dict[str, str]:
    """Group -> option chosen by config.yaml's defaults list (and the exercise's, if any)."""
    args = (f"+{EXERCISE_GROUP}={exercise}",) if exercise else ()
    return _compose(cdir, args)[1]


@lru_cache(maxsize=256)
def _compose(cdir: str, args: tuple[str, ...]) -> tuple[Config, dict[str, str]]:
    """Cached: the app composes the same presets again on every reset."""
    return compose_with_choices(args, cdir)
