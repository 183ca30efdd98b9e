"""Runs of one scenario at several industry sizes, for the scale-consistency check
(:mod:`clustersim.analysis.scale`; docs/validation.md, "Scale consistency").

Only ``n_firms`` changes between sizes: demand, labour pools and the critical mass are set per
initial firm, so they follow it. Replication ``r`` of every size uses the same seed and
replication index, so sizes differ by their size (and by the draws the extra firms bring).
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from clustersim.analysis.scale import geography
from clustersim.conf import make_config
from clustersim.experiment.batch import run_many

SIZES = (300, 1000, 3000)


def _geography(result, years):
    return geography(result.timeseries, years)


def scale_configs(
    sizes=SIZES,
    replications: int = 10,
    years: int = 40,
    seed: int = 0,
    overrides=None,
    scaled=(),
    reference: int = 300,
) -> list:
    """One config per (size, replication): the defaults with ``overrides`` (dotted keys),
    ``n_firms`` = size, nothing written, the core time series recorded (an override can ask
    for the full one).

    ``scaled`` names further absolute parameters (dotted keys) to multiply by
    ``size / reference``, for diagnostics: which absolute quantity still changes the geography
    (docs/validation.md, "Scale consistency")."""
    base = {"years": years, "seed": seed, "output.write": False, "output.figures": False}
    base["output.timeseries"] = "core"  # the geography reads the regions' employment alone
    base.update(overrides or {})
    ref = make_config(**base)
    out = []
    for n in sizes:
        extra = {k: _get(ref, k) * n / reference for k in scaled}
        out += [
            make_config(**{**base, **extra, "n_firms": n, "replication": r})
            for r in range(replications)
        ]
    return out


def _get(cfg, key: str):
    for part in key.split("."):
        cfg = getattr(cfg, part)
    return cfg


def measure_scale(
    sizes=SIZES,
    replications: int = 10,
    years: int = 40,
    at_years=None,
    seed: int = 0,
    overrides=None,
    scaled=(),
    n_jobs: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """:func:`clustersim.analysis.scale.geography` rows of every run, with ``n_firms``, at
    ``at_years`` (default: the last year); arguments as :func:`scale_configs`."""
    at_years = tuple(at_years or (years,))
    cfgs = scale_configs(sizes, replications, years, seed, overrides, scaled)
    out = run_many(cfgs, partial(_geography, years=at_years), n_jobs=n_jobs, progress=progress)
    for cfg, df in zip(cfgs, out, strict=True):
        df["n_firms"] = cfg.n_firms
    return pd.concat(out, ignore_index=True)
