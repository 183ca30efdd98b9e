"""Many runs in parallel worker processes, for designs built in Python (sensitivity, studies).

Hydra multirun is the interface for sweeps from the command line; this is the same fan-out for a
list of configs made in code. Results come back in input order whatever the worker count, and each
run is the same bit for bit as
``clustersim.experiment.run`` in this process (every run draws only from its
own seed and replication). ``reduce`` runs in the worker and keeps only what the caller needs, so
a thousand runs do not ship a thousand full time series back.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from clustersim.analysis.outcomes import check_outcomes, run_outcomes
from clustersim.conf import Config
from clustersim.experiment.sweep import warm_numba_cache


def timeseries(result):
    """The default reduction: the run's whole tidy time series."""
    return result.timeseries


def _outcomes(result, names):
    return {"run_id": result.run_id, **run_outcomes(result.timeseries, names)}


def outcomes_of(names: list[str]) -> Callable:
    """A reduction to one dict of named outcomes (see :mod:`clustersim.analysis.outcomes`)."""
    return partial(_outcomes, names=check_outcomes(names))


def _one(cfg: Config, reduce: Callable, simulate: Callable | None):
    import logging

    from clustersim.experiment.run import run

    logging.getLogger("mesa").setLevel(logging.WARNING)
    return reduce((simulate or run)(cfg))


def run_many(
    configs: list[Config],
    reduce: Callable = timeseries,
    n_jobs: int = 1,
    progress: bool = False,
    simulate: Callable | None = None,
) -> list:
    """``[reduce(run(c)) for c in configs]``, on ``n_jobs`` worker processes; ``simulate``
    replaces :func:`clustersim.experiment.run.run` for runs observed in another way (a
    picklable function of the config)."""
    from joblib import Parallel, delayed

    if not configs:
        return []
    warm_numba_cache(configs[0].engine)
    jobs = [delayed(_one)(c, reduce, simulate) for c in configs]
    if progress:
        from tqdm import tqdm

        jobs = tqdm(jobs, desc="runs", unit="run")
    if n_jobs == 1:
        return [fn(*args, **kw) for fn, args, kw in jobs]
    return list(Parallel(n_jobs=n_jobs)(jobs))
