"""Resumable sweeps: the jobs of a ``clustersim -m`` multirun, skipped on a rerun once finished.

A sweep is ``clustersim -m ... hydra.sweep.dir=<fixed folder>``. Each job writes into
``<sweep>/<job num>/``; every file is written atomically (temporary file, then rename) and the job's
completion marker ``job_done.json`` is written *last*. A job is finished when its marker exists and
names the same config (a hash of every parameter but ``output``). Rerunning the same command
therefore skips finished jobs and redoes the rest; a job killed half-way leaves only whole files
(and perhaps stray ``*.tmp`` files, which the rerun removes), never a marker.

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
from clustersim.observe.recording import write_json

# What a job writes (clustersim.experiment.jobs.simulate); an unfinished job's leftovers go first.
JOB_OUTPUTS = ("replications", "figures", "timeseries.parquet", "config.json", MARKER)


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


def warm_numba_cache(engine: str = "numba") -> float:
    """Compile (or load) every kernel once in this process, so that workers started afterwards
    find the on-disk cache instead of compiling in parallel. Returns the seconds it took."""
    t0 = time.perf_counter()
    if engine == "numba":
        run(make_config(n_firms=30, years=1, replications=1, **{"output.write": False}))
    return time.perf_counter() - t0
