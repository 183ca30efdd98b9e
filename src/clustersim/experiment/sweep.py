"""Resumable, observable Hydra sweeps.

A sweep is ``clustersim -m ... hydra.sweep.dir=<fixed folder>``. Each job writes into
``<sweep>/<job num>/``; every file is written atomically (temporary file, then rename) and the job's
completion marker ``job_done.json`` is written *last*. A job is finished when its marker exists and
names the same config (a hash of every parameter but ``output``). Rerunning the same command
therefore skips finished jobs and redoes the rest; a job killed half-way leaves only whole files
(and perhaps stray ``*.tmp`` files, which the rerun removes), never a marker.

:class:`SweepCallback` (registered in ``clustersim/conf/presets/config.yaml``) runs in the launching
process: it warms the numba cache once before the launcher fans out, shows a progress bar of
finished jobs out of the total while the sweep runs, and aggregates the finished jobs into one
partitioned Parquet dataset when it ends (:mod:`clustersim.analysis.aggregate`).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import threading
import time
from pathlib import Path

from clustersim.conf import Config, coerce, to_dict
from clustersim.observe.recording import write_json

MARKER = "job_done.json"
# What a job writes (clustersim.experiment.jobs.simulate); an unfinished job's leftovers go first.
JOB_OUTPUTS = ("replications", "figures", "timeseries.parquet", "config.json", MARKER)


def config_hash(cfg: Config) -> str:
    """Identity of a job across reruns: every parameter but the output settings."""
    d = to_dict(cfg)
    d.pop("output", None)
    return hashlib.sha1(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()[:16]


def is_done(job_dir: str | Path, cfg: Config | None = None) -> bool:
    """True if ``job_dir`` holds a completion marker (for ``cfg``'s config, if given)."""
    marker = Path(job_dir) / MARKER
    if not marker.exists():
        return False
    if cfg is None:
        return True
    try:
        return json.loads(marker.read_text())["config_hash"] == config_hash(cfg)
    except (ValueError, KeyError):
        return False


def clear_unfinished(job_dir: Path) -> None:
    """Remove what an unfinished or differently configured attempt left in ``job_dir``."""
    for name in JOB_OUTPUTS:
        p = job_dir / name
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink(missing_ok=True)
    for tmp in job_dir.rglob("*.tmp"):
        tmp.unlink(missing_ok=True)


def run_job(config, out_dir: str | Path, resume: bool = True, echo=print) -> bool:
    """Run one sweep job into ``out_dir`` unless it is already finished; return True if it ran.

    The marker is written after every other file, so its presence means the job is whole.
    """
    from clustersim.experiment.jobs import simulate

    cfg = coerce(config)
    out = Path(out_dir)
    if resume and is_done(out, cfg):
        echo(f"clustersim: {out} is finished (config {config_hash(cfg)}); skipped")
        return False
    clear_unfinished(out)
    t0 = time.perf_counter()
    ts = simulate(cfg, out, echo=echo)
    if cfg.output.write:
        write_json(
            {
                "config_hash": config_hash(cfg),
                "run_ids": sorted(ts["run_id"].unique().tolist()),
                "wall_time_s": round(time.perf_counter() - t0, 3),
                "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
            },
            out / MARKER,
        )
    return True


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


def finished_jobs(sweep_dir: Path) -> int:
    return sum(1 for _ in Path(sweep_dir).glob(f"*/{MARKER}"))


class Progress:
    """A tqdm bar of finished jobs, fed by a thread that counts completion markers.

    Counting files works for every launcher (in-process, joblib workers, Ray workers writing to a
    shared folder) without any message passing from the jobs.
    """

    def __init__(self, sweep_dir: Path, total: int | None, interval: float = 0.5):
        from tqdm import tqdm

        self.sweep_dir, self.interval = Path(sweep_dir), interval
        self.bar = tqdm(total=total, desc="sweep jobs", unit="job", file=sys.stderr)
        self.bar.update(finished_jobs(self.sweep_dir))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _refresh(self) -> None:
        done = finished_jobs(self.sweep_dir)
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


def warm_numba_cache(engine: str = "numba") -> float:
    """Compile (or load) every kernel once in this process, so that workers started afterwards
    find the on-disk cache instead of compiling in parallel. Returns the seconds it took."""
    from clustersim import make_config, run

    t0 = time.perf_counter()
    if engine == "numba":
        run(make_config(n_firms=30, years=1, replications=1, **{"output.write": False}))
    return time.perf_counter() - t0


try:
    from hydra.experimental.callback import Callback
except ImportError:  # pragma: no cover - hydra is a core dependency
    Callback = object


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
        from clustersim.analysis.aggregate import DATASET, aggregate

        sweep_dir = Path(config.hydra.sweep.dir)
        try:
            runs = aggregate(sweep_dir)
        except FileNotFoundError as err:
            print(f"clustersim: nothing to aggregate: {err}", file=sys.stderr)
            return
        print(f"clustersim: {len(runs)} runs aggregated into {sweep_dir / DATASET}/")
