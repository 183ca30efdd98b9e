"""A yearly firm panel from one run, and the industrial-dynamics regularities of many runs
(:mod:`clustersim.analysis.industry`; docs/validation.md, "Industrial dynamics")."""

from __future__ import annotations

import dataclasses
from functools import partial

import numpy as np
import pandas as pd

from clustersim.analysis.industry import regularities
from clustersim.conf import STEPS_PER_YEAR, Config, make_config
from clustersim.conf.merge import load_preset, preset_groups
from clustersim.experiment.batch import run_many

PANEL_COLUMNS = ("uid", "region", "emp", "prod", "kstock", "sales", "age", "is_mne", "origin")


def firm_panel(cfg: Config) -> pd.DataFrame:
    """Run ``cfg`` and snapshot every live firm at each year's end: one row per firm and year
    with ``year``, ``born`` (quarter of birth), :data:`PANEL_COLUMNS` and ``wage``, its
    region's wage."""
    from clustersim.model.model import ClusterModel
    from clustersim.observe.recording import firm_table

    model = ClusterModel(cfg, collect=False)
    rows = []
    for year in range(1, cfg.years + 1):
        model.run(STEPS_PER_YEAR)
        t = firm_table(model)[list(PANEL_COLUMNS)]
        t.insert(0, "year", year)
        t.insert(1, "born", model.t - t["age"])
        t["wage"] = model.regions.wage[t["region"].to_numpy()]
        rows.append(t)
    return pd.concat(rows, ignore_index=True)


def _after(panel: pd.DataFrame, burn_in: int) -> dict:
    return regularities(panel[panel["year"] > burn_in])


def _replications(replications: int, years: int, seed: int, preset=None, **overrides) -> list:
    base = make_config(
        preset,
        years=years,
        seed=seed,
        **{"output.write": False, "output.figures": False},
        **overrides,
    )
    return [dataclasses.replace(base, replication=r) for r in range(replications)]


def _measure(cfgs: list, burn_in: int, n_jobs: int, progress: bool) -> pd.DataFrame:
    reduce = partial(_after, burn_in=burn_in)
    out = run_many(cfgs, reduce, n_jobs=n_jobs, progress=progress, simulate=firm_panel)
    return pd.DataFrame(out)


def measure_industry(
    replications: int = 10,
    years: int = 60,
    burn_in: int = 20,
    seed: int = 0,
    overrides: dict | None = None,
    n_jobs: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """One row of :func:`clustersim.analysis.industry.regularities` per replication of the
    default scenario (with ``overrides``), measured on the years after ``burn_in`` (the
    scattered start is not an industry in equilibrium)."""
    cfgs = _replications(replications, years, seed, **(overrides or {}))
    return _measure(cfgs, burn_in, n_jobs, progress)


def measure_sectors(
    replications: int = 6,
    years: int = 60,
    burn_in: int = 20,
    seed: int = 0,
    n_jobs: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """:func:`measure_industry` for each sector preset, the model's industries (``sector=*``:
    generic, automotive, biotech, creative, traditional), in one batch: one row per sector and
    replication, the sector in column ``industry``. The same seeds in every sector."""
    sectors = preset_groups()["sector"]
    cfgs = [
        c
        for s in sectors
        for c in _replications(replications, years, seed, load_preset("sector", s))
    ]
    out = _measure(cfgs, burn_in, n_jobs, progress)
    out.insert(0, "industry", np.repeat(sectors, replications))
    return out


def long_run(cfg: Config, every: int = 10) -> pd.DataFrame:
    """Run ``cfg`` and report the industry every ``every`` years: firms, employment, output,
    the largest regional mean knowledge stock and productivity, the technology frontier,
    employment-weighted mean productivity, and how many firm values are not finite."""
    from clustersim.model.model import ClusterModel

    model = ClusterModel(cfg, collect=False)
    rows = []
    for year in range(every, cfg.years + 1, every):
        model.run(every * STEPS_PER_YEAR)
        f = model.firms
        live = f.live
        region = f.region[live]
        count = np.maximum(np.bincount(region, minlength=model.regions.n), 1)
        fields = (f.emp, f.cash, f.sales, f.prod, f.kstock, f.kpos)
        rows.append(
            {
                "year": year,
                "firms": len(live),
                "employment": float(f.emp[live].sum()),
                "output": float(f.sales[live].sum()),
                "max_region_knowledge": float(
                    (np.bincount(region, f.kstock[live], len(count)) / count).max()
                ),
                "max_region_productivity": float(
                    (np.bincount(region, f.prod[live], len(count)) / count).max()
                ),
                "productivity": float(np.average(f.prod[live], weights=f.emp[live])),
                "frontier": float(model.frontier),
                "not_finite": int(sum((~np.isfinite(v[live])).sum() for v in fields)),
            }
        )
    return pd.DataFrame(rows)


def growth_rate(table: pd.DataFrame, column: str, start: int, end: int) -> float:
    """Compound yearly growth of ``column`` between years ``start`` and ``end``."""
    t = table.set_index("year")[column]
    return float((t.loc[end] / t.loc[start]) ** (1.0 / (end - start)) - 1.0)
