"""The ``clustersim`` command: a Hydra app over the structured config.

    clustersim                                   # default scenario, its replications
    clustersim n_firms=2000 seed=7 years=60      # overrides, as Hydra users expect
    clustersim sector=biotech                    # a preset from conf/presets/sector/
    clustersim -m seed='range(0,8)' hydra/launcher=joblib   # parallel multirun
    clustersim -m seed='range(0,8)' hydra.sweep.dir=results/multirun/s8   # rerun = resume

A bad value stops the run before it starts with one message naming the key, the value and what
is allowed (exit code 2), and leaves no folder behind: :func:`main` checks the overrides before
Hydra reads them (:func:`clustersim.cli.check.check_overrides`), and
:class:`clustersim.cli.sweep.CheckCallback` checks the composed config, every job of a multirun,
before Hydra makes a run or sweep folder.
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


def refuse(err: Exception, prog: str = "clustersim") -> None:
    """Stop with the refusal's message and exit code 2 (a usage error), no traceback."""
    print(f"{prog}: invalid config: {err}", file=sys.stderr)
    sys.exit(2)


def _checked_argv(argv: list[str]) -> list[str]:
    """``argv`` with its overrides checked (and integral floats of int fields written as ints)
    before Hydra parses them; left as is when Hydra only prints (``--help``, ``--cfg``...) or
    reads configs from elsewhere (``--config-path``, ``--config-name``, ``--config-dir``; the
    check of the composed config still runs)."""
    from hydra._internal.utils import get_args_parser

    from clustersim.cli.check import check_overrides

    args = get_args_parser().parse_args(argv)
    informative = (args.help, args.hydra_help, args.cfg, args.info, args.shell_completion)
    elsewhere = (args.config_path, args.config_name, args.config_dir, args.experimental_rerun)
    if any(informative) or any(elsewhere):
        return argv
    sweep = args.multirun or "hydra.mode=MULTIRUN" in args.overrides
    try:
        checked = check_overrides(args.overrides, sweep=sweep)
    except ConfigError as err:
        refuse(err)
    rewritten = dict(zip(args.overrides, checked, strict=True))
    return [rewritten.get(arg, arg) for arg in argv]


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
    try:  # CheckCallback refused a bad config already, unless a config dropped the callback
        config = coerce(cfg)
    except ConfigError as err:
        _remove_if_empty(out)
        refuse(err)
    # in a multirun, a job whose completion marker names this config is skipped (resume)
    run_job(config, out, resume=HydraConfig.get().mode == RunMode.MULTIRUN)


def main() -> None:
    import hydra

    sys.argv[1:] = _checked_argv(sys.argv[1:])  # first: a refusal needs no schema in Hydra
    register_configs()
    app = hydra.main(version_base="1.3", config_path=config_dir(), config_name="config")(_task)
    app()


if __name__ == "__main__":
    main()
