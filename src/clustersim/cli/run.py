"""The ``clustersim`` command: a Hydra app over the structured config.

    clustersim                                   # default scenario, its replications
    clustersim n_firms=2000 seed=7 years=60      # overrides, as Hydra users expect
    clustersim sector=biotech                    # a preset from conf/presets/sector/
    clustersim -m seed='range(0,8)' hydra/launcher=joblib   # parallel multirun
    clustersim -m seed='range(0,8)' hydra.sweep.dir=results/multirun/s8   # rerun = resume

A bad value stops the run before it starts with one message naming the key, the value and what
is allowed, and leaves no result files behind.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from clustersim.conf import Config, ConfigError, coerce
from clustersim.conf.merge import CONFIG_DIR_ENV, preset_dir

__all__ = ["CONFIG_DIR_ENV", "config_dir", "main", "register_configs"]

SCHEMA = "clustersim_schema"


def config_dir() -> str:
    """The Hydra config folder (:func:`clustersim.conf.merge.preset_dir`, the one definition:
    ``$CLUSTERSIM_CONFIG_DIR`` if set, else the presets shipped in the package)."""
    return str(preset_dir())


def register_configs() -> None:
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name=SCHEMA, node=Config)


def _remove_if_empty(folder: Path) -> None:
    """Drop the run folder Hydra made if nothing was written into it."""
    try:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    except OSError:
        pass


def _task(cfg) -> None:
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    from clustersim.experiment.sweep import run_job

    logging.getLogger("MESA").setLevel(logging.WARNING)  # no per-step chatter
    out = Path(HydraConfig.get().runtime.output_dir)
    try:
        config = coerce(cfg)
    except ConfigError as err:
        _remove_if_empty(out)
        print(f"clustersim: invalid config: {err}", file=sys.stderr)
        sys.exit(2)
    # in a multirun, a job whose completion marker names this config is skipped (resume)
    run_job(config, out, resume=HydraConfig.get().mode == RunMode.MULTIRUN)


def main() -> None:
    import hydra

    register_configs()
    app = hydra.main(version_base="1.3", config_path=config_dir(), config_name="config")(_task)
    app()


if __name__ == "__main__":
    main()
