"""Many runs in parallel worker processes, for designs built in Python (sensitivity, studies).

Hydra multirun is the interface for sweeps from the command line; this is the same fan-out for a
list of configs made in code. Results come back in input order whatever the worker count, and each
run is the same bit for bit as ``clustersim.run`` in this process (every run draws only from its
own seed and replication).
"""

from __future__ import annotations

import pandas as pd

from clustersim.analysis.outcomes import check_outcomes, run_outcomes
from clustersim.config import Config
from clustersim.sweep import warm_numba_cache


def _one(cfg: Config, outcomes: list[str] | None, keep_timeseries: bool):
    import logging

    from clustersim.run import run

    logging.getLogger("mesa").setLevel(logging.WARNING)
    res = run(cfg)
    row = {"run_id": res.run_id, **run_outcomes(res.timeseries, outcomes)} if outcomes else None
    return row, (res.timeseries if keep_timeseries else None)


def run_many(
    configs: list[Config],
    outcomes: list[str] | None = None,
    n_jobs: int = 1,
    keep_timeseries: bool = False,
    progress: bool = False,
) -> tuple[pd.DataFrame, list[pd.DataFrame] | None]:
    """Run every config; return (outcomes table, one row per config; time series or None)."""
    from joblib import Parallel, delayed

    if outcomes is not None:
        outcomes = check_outcomes(outcomes)
    warm_numba_cache(configs[0].engine if configs else "numba")
    jobs = (delayed(_one)(c, outcomes, keep_timeseries) for c in configs)
    if progress:
        from tqdm import tqdm

        jobs = tqdm(jobs, total=len(configs), desc="runs", unit="run")
    if n_jobs == 1:
        results = [fn(*args, **kw) for fn, args, kw in jobs]
    else:
        results = Parallel(n_jobs=n_jobs, batch_size="auto")(jobs)
    rows = pd.DataFrame([r[0] for r in results]) if outcomes else pd.DataFrame()
    return rows, ([r[1] for r in results] if keep_timeseries else None)
