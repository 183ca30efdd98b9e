"""The Hydra callbacks of ``clustersim`` (registered in ``clustersim/conf/presets/config.yaml``).

Both run in the launching process. :class:`CheckCallback` refuses a bad config, and in a
multirun every job's, before Hydra makes a run or sweep folder. :class:`SweepCallback` warms the
numba cache once before the launcher fans out, shows a progress bar of finished jobs out of the
total while the sweep runs, and aggregates the finished jobs into one partitioned Parquet dataset
when it ends (:mod:`clustersim.analysis.aggregate`). The jobs themselves, and how a rerun resumes
them, are :mod:`clustersim.experiment.sweep`.
"""

from __future__ import annotations

import sys
import threading
import typing
from dataclasses import is_dataclass
from pathlib import Path

from hydra.experimental.callback import Callback

from clustersim.analysis.aggregate import DATASET, aggregate, job_dirs
from clustersim.cli.check import hydra_reason
from clustersim.cli.run import refuse
from clustersim.conf import Config, ConfigError, coerce
from clustersim.conf.merge import configure
from clustersim.experiment.sweep import warm_numba_cache
from clustersim.observe.recording import check_folder

BASIC_SWEEPER = "hydra._internal.core_plugins.basic_sweeper.BasicSweeper"


def sweep_points(config, config_loader=None) -> list[list[str]]:
    """The overrides of every job a multirun launches, split as Hydra's basic sweeper splits
    them (``config_loader`` expands globs over a group's files)."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    params = [f"{k}={v}" for k, v in (config.hydra.sweeper.get("params") or {}).items()]
    params += list(config.hydra.overrides.task)
    overrides = OverridesParser.create(config_loader=config_loader).parse_overrides(params)
    return BasicSweeper.split_arguments(overrides, None)[0]


def count_jobs(config) -> int | None:
    """Number of jobs a multirun will launch, from its sweep overrides (None if unknown)."""
    try:
        return len(sweep_points(config))
    except Exception:  # a sweeper or sweep syntax we cannot count: the bar shows no total
        return None


def _task_part(node):
    """The task's config of a composed node: everything but Hydra's own settings."""
    from omegaconf import OmegaConf

    return OmegaConf.masked_copy(node, [k for k in node if k != "hydra"])


def check_jobs(config) -> int:
    """Compose and validate every job of a multirun before any runs; return their number.

    Jobs that differ only in parameter values (``seed=range(0,100)``) share one Hydra
    composition, and their values are merged over it by
    :func:`clustersim.conf.merge.configure`, as Hydra merges them; group choices, Hydra's
    settings, additions, deletions and interpolations are composed by Hydra for each job."""
    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.core.override_parser.types import OverrideType
    from hydra.errors import HydraException
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    if config.hydra.sweeper.get("_target_") != BASIC_SWEEPER:
        return 0  # other sweepers choose their points while they run
    loader = GlobalHydra.instance().config_loader()
    parser = OverridesParser.create()
    scalars = {k for k, tp in typing.get_type_hints(Config).items() if not is_dataclass(tp)}
    try:
        jobs = sweep_points(config, loader)
    except HydraException as err:
        raise ConfigError(hydra_reason(err)) from err
    common = set.intersection(*map(set, jobs)) if jobs else set()
    bases: dict[tuple[str, ...], dict] = {}
    for i, job in enumerate(jobs):
        composed, values = [], {}
        for text, o in zip(job, parser.parse_overrides(job), strict=True):
            value = o.value()
            plain = (
                o.type == OverrideType.CHANGE
                and not o.is_hydra_override()
                and ("." in o.key_or_group or o.key_or_group in scalars)
                and not (isinstance(value, str) and "${" in value)
            )
            if plain:
                values[o.key_or_group] = value
            else:
                composed.append(text)
        try:
            key = tuple(composed)
            if key not in bases:
                node = loader.load_sweep_config(config, composed)
                bases[key] = OmegaConf.to_container(_task_part(node), resolve=True)
            configure(bases[key], overrides=values)
        except (HydraException, OmegaConfBaseException) as err:
            raise ConfigError(_job(i, jobs, job, common) + hydra_reason(err)) from err
        except ConfigError as err:
            raise ConfigError(_job(i, jobs, job, common) + str(err)) from err
    return len(jobs)


def _job(i: int, jobs: list, job: list[str], common: set[str]) -> str:
    varied = " ".join(t for t in job if t not in common)
    return f"job {i} of {len(jobs)}" + (f" ({varied})" if varied else "") + ": "


class CheckCallback(Callback):
    """Refuse a bad config before Hydra makes a folder: a run's in ``on_run_start`` (Hydra then
    creates the run folder), every job's of a multirun in ``on_multirun_start`` (the sweeper then
    writes ``multirun.yaml`` and launches the jobs). Exit code 2 and one message, as for a bad
    override."""

    def on_run_start(self, config, **kwargs) -> None:
        from omegaconf.errors import OmegaConfBaseException

        try:
            coerce(_task_part(config))  # resolves interpolations, which may fail too
            _check_output(config, "run")
        except OmegaConfBaseException as err:
            refuse(ConfigError(hydra_reason(err)))
        except ConfigError as err:
            refuse(err)

    def on_multirun_start(self, config, **kwargs) -> None:
        try:
            check_jobs(config)
            _check_output(config, "sweep")
        except ConfigError as err:
            refuse(err)


def _check_output(config, mode: str) -> None:
    """Refuse ``hydra.<mode>.dir`` if results cannot be written there (a file, a path under a
    file, a folder not writable), before Hydra makes it and the runs start."""
    from hydra.core.hydra_config import HydraConfig

    HydraConfig.instance().set_config(config)  # for ${hydra:...} in the folder's name
    check_folder(str(config.hydra[mode].dir), f"hydra.{mode}.dir")


class Progress:
    """A tqdm bar of finished jobs, fed by a thread that counts completion markers.

    Counting files works for every launcher (in-process, joblib workers, Ray workers writing to a
    shared folder) without any message passing from the jobs.
    """

    def __init__(self, sweep_dir: Path, total: int | None, interval: float = 0.5):
        from tqdm import tqdm

        self.sweep_dir, self.interval = Path(sweep_dir), interval
        self.bar = tqdm(total=total, desc="sweep jobs", unit="job", file=sys.stderr)
        self.bar.update(len(job_dirs(self.sweep_dir)))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _refresh(self) -> None:
        done = len(job_dirs(self.sweep_dir))
        if done > self.bar.n:
            self.bar.update(done - self.bar.n)

    def _poll(self) -> None:
        while not self._stop.wait(self.interval):
            self._refresh()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._refresh()
        self.bar.close()


class SweepCallback(Callback):
    """Hydra callback for multiruns: warm the cache, show progress, aggregate at the end."""

    def __init__(self, aggregate: bool = True, progress: bool = True):
        self.aggregate, self.progress = aggregate, progress
        self._bar: Progress | None = None

    def __getstate__(self) -> dict:
        """Launchers pickle the callbacks to their workers; the bar stays in this process."""
        return {**self.__dict__, "_bar": None}

    def on_multirun_start(self, config, **kwargs) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        secs = warm_numba_cache(str(config.get("engine", "numba")))
        print(f"clustersim: numba cache warm ({secs:.1f} s); sweep dir {sweep_dir}")
        if self.progress:
            self._bar = Progress(sweep_dir, count_jobs(config))

    def on_multirun_end(self, config, **kwargs) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if not self.aggregate:
            return
        sweep_dir = Path(config.hydra.sweep.dir)
        try:
            runs = aggregate(sweep_dir)
        except FileNotFoundError as err:
            print(f"clustersim: nothing to aggregate: {err}", file=sys.stderr)
            return
        print(f"clustersim: {len(runs)} runs aggregated into {sweep_dir / DATASET}/")
        total = count_jobs(config) or 0
        if total > runs["job"].nunique():  # jobs left to another launch, or failed
            print(
                f"clustersim: {total - runs['job'].nunique()} of {total} jobs not finished here; "
                "a launch still running them adds them to the dataset when it ends"
            )
