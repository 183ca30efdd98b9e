"""The Hydra callback of ``clustersim -m`` sweeps (registered in
``clustersim/conf/presets/config.yaml``).

It runs in the launching process: it warms the numba cache once before the launcher fans out,
shows a progress bar of finished jobs out of the total while the sweep runs, and aggregates the
finished jobs into one partitioned Parquet dataset when it ends
(:mod:`clustersim.analysis.aggregate`). The jobs themselves, and how a rerun resumes them, are
:mod:`clustersim.experiment.sweep`.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from hydra.experimental.callback import Callback

from clustersim.analysis.aggregate import DATASET, aggregate, job_dirs
from clustersim.experiment.sweep import warm_numba_cache


def count_jobs(config) -> int | None:
    """Number of jobs a multirun will launch, from its sweep overrides (None if unknown)."""
    try:
        from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
        from hydra.core.override_parser.overrides_parser import OverridesParser

        params = [f"{k}={v}" for k, v in (config.hydra.sweeper.get("params") or {}).items()]
        params += list(config.hydra.overrides.task)
        overrides = OverridesParser.create().parse_overrides(params)
        return len(BasicSweeper.split_arguments(overrides, None)[0])
    except Exception:  # a sweeper or sweep syntax we cannot count: the bar shows no total
        return None


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
