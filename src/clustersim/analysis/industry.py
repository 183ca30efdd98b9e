"""Industrial-dynamics regularities measured on a yearly firm panel.

The measures compare the model with stylised facts of firm demography and growth that it was
not built to produce (they are not in ``docs/validation.md``'s pattern list by design; the
mechanisms come from their own sources):

* entry and exit are common, and industries with more entry have more exit (Geroski 1995;
  Dunne, Roberts & Samuelson 1988: a correlation across industries, :func:`across_industries`);
  over the years within one industry, entry is procyclical and exit about acyclical (Lee &
  Mukoyama 2015), so that correlation is weak;
* the hazard of exit falls with age: most entrants that fail, fail young (Evans 1987;
  Bartelsman, Scarpetta & Schivardi 2005: 20-40 % of entrants gone within two years, 40-50 %
  surviving beyond seven);
* the firm size distribution is right-skewed with a heavy upper tail (Axtell 2001: Zipf,
  tail exponent near 1 for US firms);
* annual growth rates are tent-shaped (Laplace, excess kurtosis about 3; Stanley et al. 1996;
  Bottazzi & Secchi 2006) and their dispersion falls with size (Stanley et al. 1996: slope
  about -0.15 to -0.2 of log sd on log size);
* small firms grow faster than large ones, against Gibrat's law, among survivors (Evans 1987);
* spin-offs outlive de novo start-ups (Klepper 2002; Agarwal, Echambadi, Franco & Sarkar 2004);
* productivity differs persistently among firms of one industry (Syverson 2011: the 90/10
  ratio of total factor productivity within US manufacturing industries is about 2);
* denser places are more productive and pay more: the elasticity of productivity with respect
  to employment density is a few per cent (Ciccone & Hall 1996: 0.05; Rosenthal & Strange
  2004: doubling size raises productivity 3-8 %; Melo, Graham & Noland 2009: mean 0.058), that
  of wages about 0.03 once workers' sorting is controlled for (Combes, Duranton & Gobillon
  2008; Combes & Gobillon 2015);
* innovation is more concentrated in space than production (Audretsch & Feldman 1996), read
  on the recorded time series by :func:`innovation_concentration`.

Input: ``panel``, one row per live firm and year with columns ``year``, ``uid``, ``emp``,
``prod`` and ``born`` (quarter of birth), for :func:`agglomeration` ``region`` and ``wage``
(its region's wage), for :func:`spinoff_advantage` ``origin``; for example from
:func:`clustersim.experiment.industry.firm_panel`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from clustersim.observe.indicators import concentration


def demography(panel: pd.DataFrame) -> dict:
    """Yearly entry and exit rates (firms entering or leaving between two snapshots over the
    firms at the first) and their correlation across years, within the industry."""
    years = np.sort(panel["year"].unique())
    by_year = {y: set(g) for y, g in panel.groupby("year")["uid"]}
    entry, exit_ = [], []
    for a, b in zip(years[:-1], years[1:], strict=True):
        before, after = by_year[a], by_year[b]
        entry.append(len(after - before) / max(len(before), 1))
        exit_.append(len(before - after) / max(len(before), 1))
    entry, exit_ = np.array(entry), np.array(exit_)
    corr = float(np.corrcoef(entry, exit_)[0, 1]) if len(entry) > 2 else float("nan")
    return {"entry_rate": float(entry.mean()), "exit_rate": float(exit_.mean()), "corr": corr}


def _entrants(panel: pd.DataFrame) -> pd.DataFrame:
    """Firms born after the first snapshot: birth year, last year seen (and origin, if the
    panel has it)."""
    extra = {"origin": ("origin", "first")} if "origin" in panel else {}
    seen = panel.groupby("uid").agg(born=("born", "first"), last_year=("year", "max"), **extra)
    seen["born_year"] = seen["born"] / 4.0
    return seen[seen["born_year"] > panel["year"].min()]


def _survive(entrants: pd.DataFrame, age: int, last: int) -> float:
    """Share of the entrants observed for at least ``age`` years that lived that long."""
    cohort = entrants[entrants["born_year"] + age <= last]
    alive = cohort["last_year"] >= cohort["born_year"] + age
    return float(alive.mean()) if len(cohort) else np.nan


def survival(panel: pd.DataFrame, ages=(2, 5, 7)) -> dict:
    """Share of entrants still alive ``a`` years after birth, over the cohorts born after the
    first snapshot and observed for at least ``a`` years; and the yearly exit hazard of firms
    up to 5 years old against older ones."""
    last = panel["year"].max()
    entrants = _entrants(panel)
    out = {f"survive_{a}y": _survive(entrants, a, last) for a in ages}
    nxt = panel[["year", "uid"]].assign(year=panel["year"] - 1, alive_next=True)
    p = panel[panel["year"] < last].merge(nxt, on=["year", "uid"], how="left")
    p["exits"] = p["alive_next"].isna()
    young = p["year"] - p["born"] / 4.0 <= 5
    out["hazard_young"] = float(p.loc[young, "exits"].mean())
    out["hazard_old"] = float(p.loc[~young, "exits"].mean())
    return out


def spinoff_advantage(panel: pd.DataFrame, age: int = 5) -> dict:
    """``age``-year survival of spin-offs and of de novo start-ups (``origin`` column): spin-offs
    inherit their parent's know-how and outlive other entrants (Klepper 2002; Agarwal,
    Echambadi, Franco & Sarkar 2004; Klepper & Sleeper 2005)."""
    entrants, last = _entrants(panel), panel["year"].max()
    return {
        f"survive_{o}_{age}y": _survive(entrants[entrants["origin"] == o], age, last)
        for o in ("spinoff", "startup")
    }


def size_distribution(panel: pd.DataFrame, year: int | None = None, tail: float = 0.1) -> dict:
    """Skewness of log size, and the Pareto tail exponent of employment by the Hill estimator
    on the largest ``tail`` share of firms in ``year`` (default: the last)."""
    year = panel["year"].max() if year is None else year
    emp = np.sort(panel.loc[panel["year"] == year, "emp"].to_numpy())[::-1]
    k = max(int(tail * len(emp)), 2)
    hill = 1.0 / np.mean(np.log(emp[:k] / emp[k]))
    return {
        "firms": len(emp),
        "mean_over_median": float(emp.mean() / np.median(emp)),
        "skew_log_size": float(stats.skew(np.log(emp))),
        "tail_exponent": float(hill),
    }


def growth(panel: pd.DataFrame) -> dict:
    """Annual log growth of employment among survivors: its excess kurtosis (Laplace: 3,
    normal: 0), the slope of log(sd of growth) on log size over size deciles, and the slope
    of growth on log size (Gibrat: 0)."""
    nxt = panel[["year", "uid", "emp"]].assign(year=panel["year"] - 1)
    p = panel.merge(nxt, on=["year", "uid"], suffixes=("", "_next"))
    g = np.log(p["emp_next"] / p["emp"]).to_numpy()
    size = np.log(p["emp"]).to_numpy()
    g = g - pd.Series(g).groupby(p["year"].to_numpy()).transform("mean").to_numpy()
    bins = pd.qcut(size, 10, labels=False, duplicates="drop")
    per_bin = pd.DataFrame({"size": size, "g": g, "bin": bins}).groupby("bin")
    sd = per_bin["g"].std().to_numpy()
    mid = per_bin["size"].mean().to_numpy()
    keep = sd > 0
    return {
        "excess_kurtosis": float(stats.kurtosis(g)),
        "sd_size_slope": float(np.polyfit(mid[keep], np.log(sd[keep]), 1)[0]),
        "gibrat_slope": float(np.polyfit(size, g, 1)[0]),
    }


def productivity_dispersion(panel: pd.DataFrame, year: int | None = None) -> dict:
    """The 90/10 ratio of firm productivity in ``year`` (default: the last), and its
    persistence: the rank correlation of a firm's productivity five years apart."""
    year = panel["year"].max() if year is None else year
    now = panel[panel["year"] == year].set_index("uid")["prod"]
    q90, q10 = np.quantile(now, [0.9, 0.1])
    before = panel[panel["year"] == year - 5].set_index("uid")["prod"]
    both = now.index.intersection(before.index)
    rho = stats.spearmanr(now[both], before[both])[0] if len(both) > 2 else np.nan
    return {"ratio_90_10": float(q90 / q10), "persistence_5y": float(rho)}


def agglomeration(panel: pd.DataFrame) -> dict:
    """Elasticities of a region's employment-weighted mean productivity and of its wage with
    respect to its employment, within years (each year's regions against each other, so the
    industry's growth over time does not count). Regions of equal area (the default tiling)
    make employment and employment density the same regressor."""
    p = panel.assign(weighted=panel["prod"] * panel["emp"])
    regions = p.groupby(["year", "region"]).agg(
        emp=("emp", "sum"), weighted=("weighted", "sum"), wage=("wage", "first")
    )
    regions = regions.assign(prod=regions["weighted"] / regions["emp"])
    logs = np.log(regions[["emp", "prod", "wage"]])
    within = logs - logs.groupby(level="year").transform("mean")
    x = within["emp"].to_numpy()
    xx = float(x @ x)
    out = {}
    for y in ("prod", "wage"):
        out[f"{y}_density_elasticity"] = float(x @ within[y].to_numpy() / xx) if xx else np.nan
    return out


def regularities(panel: pd.DataFrame) -> dict:
    """Every measure above, in one flat dictionary."""
    return {
        **demography(panel),
        **survival(panel),
        **size_distribution(panel),
        **growth(panel),
        **productivity_dispersion(panel),
        **agglomeration(panel),
        **spinoff_advantage(panel),
    }


def across_industries(rates: pd.DataFrame, by: str = "industry", level: float = 0.95) -> dict:
    """Do industries with more entry have more exit (Geroski 1995; Dunne, Roberts & Samuelson
    1988)? ``rates`` has one row per industry and replication with ``entry_rate`` and
    ``exit_rate`` (as :func:`demography` gives them) and the industry in column ``by``.
    Returns the number of industries, the correlation of their mean rates with its Fisher-z
    interval (``corr_lo``, ``corr_hi``; NaN with fewer than 4 industries) and the correlation
    over every industry and replication (``corr_pooled``)."""
    means = rates.groupby(by)[["entry_rate", "exit_rate"]].mean()
    n = len(means)
    r = float(np.corrcoef(means["entry_rate"], means["exit_rate"])[0, 1]) if n > 2 else np.nan
    lo = hi = np.nan
    if n > 3 and abs(r) < 1.0:
        half = stats.norm.ppf(0.5 + level / 2) / np.sqrt(n - 3)
        lo, hi = (float(np.tanh(np.arctanh(r) + d)) for d in (-half, half))
    pooled = float(np.corrcoef(rates["entry_rate"], rates["exit_rate"])[0, 1])
    return {"industries": n, "corr": r, "corr_lo": lo, "corr_hi": hi, "corr_pooled": pooled}


def innovation_concentration(ts: pd.DataFrame, from_year: int = 0) -> dict:
    """Normalised Herfindahl index over regions of the year's innovations (incremental and
    radical, counted as events, as Audretsch & Feldman 1996 count them) and of its output
    (value added), averaged over the years from ``from_year``; ``ts`` is a recorded time
    series (one row per step and region)."""
    ts = ts[ts["step"] >= from_year * 4].assign(
        year=lambda d: d["step"] // 4,
        innovations=lambda d: d["innovations_incremental"] + d["innovations_radical"],
    )
    per_year = ts.groupby(["year", "region"])[["innovations", "output"]].sum().groupby("year")
    hhi = per_year.agg(lambda x: concentration(x.to_numpy()))
    return {
        "innovation_hhi": float(hhi["innovations"].mean()),
        "output_hhi": float(hhi["output"].mean()),
    }
