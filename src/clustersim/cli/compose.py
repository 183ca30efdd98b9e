"""Configs from the project's Hydra config groups, composed as the ``clustersim`` command would.

One composition serves the evaluation command, the studies in ``experiments/`` and the app's
presets (:mod:`clustersim.viz.presets`): group choices (``policy=broker``), dotted overrides and
``~key`` deletions, validated into a :class:`clustersim.conf.Config`; the overrides are checked
before Hydra reads them (:func:`clustersim.cli.check.check_overrides`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from clustersim.cli.check import check_overrides, hydra_reason
from clustersim.cli.run import config_dir, register_configs
from clustersim.conf import Config, ConfigError, coerce

_LOCK = threading.Lock()  # Hydra's compose API keeps global state; the app composes from threads


def compose_with_choices(
    overrides: Sequence[str] = (), cdir: str | Path | None = None
) -> tuple[Config, dict[str, str]]:
    """The validated Config for ``overrides`` on ``config.yaml`` in ``cdir`` (default
    :func:`clustersim.cli.run.config_dir`) and the option each config group resolved to.
    Unknown groups, options or keys raise :class:`ConfigError`."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    args = check_overrides(overrides, cdir)
    register_configs()
    with _LOCK:
        GlobalHydra.instance().clear()
        with initialize_config_dir(config_dir=str(cdir or config_dir()), version_base="1.3"):
            try:
                node = hydra_compose("config", overrides=args, return_hydra_config=True)
                choices = {
                    k: v
                    for k, v in OmegaConf.to_container(node.hydra.runtime.choices).items()
                    if not k.startswith("hydra/") and v is not None
                }
                data = OmegaConf.masked_copy(node, [k for k in node if k != "hydra"])
                return coerce(data), choices  # resolves interpolations, which may fail too
            except (HydraException, OmegaConfBaseException) as err:
                raise ConfigError(
                    f"presets {' '.join(args) or '(defaults)'}: {hydra_reason(err)}"
                ) from err


def compose(overrides: Sequence[str] = (), cdir: str | Path | None = None) -> Config:
    """The validated Config for ``overrides``, e.g. ``compose(["policy=broker", "seed=3"])``."""
    return compose_with_choices(overrides, cdir)[0]
