"""Resumable sweeps: the jobs of a ``clustersim -m`` multirun, skipped on a rerun once finished.

A sweep is ``clustersim -m ... hydra.sweep.dir=<fixed folder>``. Each job writes into
``<sweep>/<job num>/``; every file is written atomically (temporary file, then rename) and the job's
completion marker ``job_done.json`` is written *last*. A job is finished when its marker exists and
names the same config (a hash of every parameter but ``output``). Rerunning the same command
therefore skips finished jobs and redoes the rest; a job killed half-way leaves only whole files
(and perhaps stray ``*.tmp`` files, which the rerun removes), never a marker.

A job holds the lock ``<job>/.lock`` while it runs, so launches into one sweep folder share the
work: a launch that finds a job locked leaves it to the launch running it, and one that finds it
finished skips it. The lock dies with its process, so a killed launch blocks nothing.

Hydra's side of a sweep (cache warm-up, progress bar, aggregation at the end) is
:class:`clustersim.cli.sweep.SweepCallback`.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from clustersim.analysis.aggregate import MARKER
from clustersim.conf import Config, coerce, config_digest, make_config
from clustersim.experiment.run import run
from clustersim.observe.folders import file_lock, lock_holder
from clustersim.observe.recording import write_json

# What a job writes (clustersim.experiment.jobs.simulate); an unfinished job's leftovers go first.
JOB_OUTPUTS = ("replications", "figures", "timeseries.parquet", "config.json", MARKER)
LOCK = ".lock"  # held by the process running the job


def config_hash(cfg: Config) -> str:
    """Identity of a job across reruns: every parameter but the output settings."""
    return config_digest(cfg)[:16]


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
    """Run one sweep job into ``out_dir`` unless it is finished or another process is running
    it; return True if it ran.

    The marker is written after every other file, so its presence means the job is whole. The
    job's lock is taken before looking at the folder, so no two processes clear or write it.
    """
    cfg = coerce(config)
    out = Path(out_dir)
    if not cfg.output.write:
        return _run_job(cfg, out, resume, echo)
    out.mkdir(parents=True, exist_ok=True)
    with file_lock(out / LOCK, wait=False) as held:
        if not held:
            echo(
                f"clustersim: {out} is running in another process "
                f"(pid {lock_holder(out / LOCK)}); skipped"
            )
            return False
        return _run_job(cfg, out, resume, echo)


def _run_job(cfg: Config, out: Path, resume: bool, echo) -> bool:
    from clustersim.experiment.jobs import simulate

    if resume and is_done(out, cfg):
        echo(f"clustersim: {out} is finished (config {config_hash(cfg)}); skipped")
        return False
    if cfg.output.write:  # a job that writes nothing leaves the folder as it is
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


def warm_numba_cache(engine: str = "numba") -> float:
    """Compile (or load) every kernel once in this process, so that workers started afterwards
    find the on-disk cache instead of compiling in parallel. Returns the seconds it took."""
    t0 = time.perf_counter()
    if engine == "numba":
        run(make_config(n_firms=30, years=1, replications=1, **{"output.write": False}))
    return time.perf_counter() - t0
