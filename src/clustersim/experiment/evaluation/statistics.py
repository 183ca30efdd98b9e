"""The paired measures of an evaluation and their 95% intervals over replications.

Each replication's policy run minus its twin gives the differences at every step and at three
moments (the policy's end, ``years_after`` later, the run's end); :func:`assess` gathers them
over replications into the tables of :class:`~clustersim.experiment.evaluation.report.Evaluation`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from clustersim.analysis.stats import fieller_ratio_ci, mean_ci_n
from clustersim.conf import STEPS_PER_YEAR
from clustersim.experiment.evaluation.deadweight import KEYED_ACTIONS, deadweight
from clustersim.experiment.evaluation.record import Record
from clustersim.experiment.evaluation.report import Evaluation, mode

LEVELS = (  # (time-series column, metric name); innovations are cumulated
    ("firms", "firms"),
    ("employment", "employment"),
    ("output", "output"),
    ("mean_productivity", "productivity"),
    ("innovations", "innovations"),
    ("trust_mean", "trust"),
    ("ties", "ties"),
)


def _levels(ts: pd.DataFrame, region: int) -> pd.DataFrame:
    """Per step: the target region's levels (innovations cumulated) and the other regions'
    firms and employment."""
    g = ts[ts.region == region].set_index("step").sort_index()
    out = pd.DataFrame(index=g.index)
    for col, name in LEVELS:
        if col == "innovations":
            out[name] = (g["innovations_incremental"] + g["innovations_radical"]).cumsum()
        else:
            out[name] = g[col]
    other = ts[ts.region != region].groupby("step")
    out["firms_elsewhere"] = other["firms"].sum()
    out["employment_elsewhere"] = other["employment"].sum()
    return out


def _survival(life: pd.DataFrame, region: int, start: int, at: int) -> float:
    """Share of the region's firms alive at ``start`` that are still alive at ``at``."""
    alive = (life.born <= start) & ((life.died < 0) | (life.died > start))
    cohort = life[(life.region == region) & alive]
    if cohort.empty:
        return np.nan
    return float(((cohort.died < 0) | (cohort.died > at)).mean())


def _window(p: Record) -> tuple[int, int]:
    """First start and last realised end of the programmes that ran."""
    w = p.windows[p.windows.started]
    if w.empty:
        return -1, -1
    return int(w.start.min()), int(w.end.max())


def _pair(p: Record, t: Record, years_after: float, window: int):
    """One replication's paired differences: per step (a frame) and the scalar measures."""
    r = p.target
    diff = _levels(p.ts, r) - _levels(t.ts, r)
    last = int(diff.index.max())
    start, end = _window(p)
    end = min(end, last)
    after = min(end + round(years_after * STEPS_PER_YEAR), last)
    out = {"start": start, "end": end, "after": after, "last": last}
    for when, step in (("policy_end", end), ("policy_end+N", after), ("run_end", last)):
        for name in diff.columns:
            out[(name, when)] = float(diff.at[step, name])
        out[("employment_total", when)] = (
            out[("employment", when)] + out[("employment_elsewhere", when)]
        )
        out[("survival", when)] = _survival(p.events["life"], r, start, step) - _survival(
            t.events["life"], r, start, step
        )
    out["cost"] = float(p.spend.amount.sum()) if len(p.spend) else 0.0
    out["deadweight"], out["keyed_actions"] = deadweight(p, t, window)
    # spend on what has no firm or tie to match in the twin (a facilitator, procurement, ...)
    unkeyed = float(p.spend.amount[~p.spend.action.isin(KEYED_ACTIONS)].sum()) if out["cost"] else 0
    out["unmatchable_spend_share"] = unkeyed / out["cost"] if out["cost"] > 0 else np.nan
    if "stage" in p.ts.columns:
        for rec, key in ((p, "stage"), (t, "stage_twin")):
            out[key] = rec.ts[(rec.ts.region == r) & (rec.ts.step == last)]["stage"].iloc[0]
    return out, diff


def pairing_gain(pairs, meas) -> float:
    """Variance reduction of the paired design for additional jobs when support ends:
    var(policy run minus the twin of the next replication) / var(policy run minus its own twin).
    The first is what independent runs would see; an unpaired design needs this many times the
    replications for the same interval width. NaN with fewer than three replications."""
    if len(pairs) < 3:
        return float("nan")
    end = [m["end"] for m in meas]
    pol = np.array(
        [_levels(p.ts, p.target).at[e, "employment"] for (p, _), e in zip(pairs, end, strict=True)]
    )
    twin = np.array(
        [_levels(t.ts, p.target).at[e, "employment"] for (p, t), e in zip(pairs, end, strict=True)]
    )
    paired = np.var(pol - twin, ddof=1)
    unpaired = np.var(pol - np.roll(twin, -1), ddof=1)
    return float(unpaired / paired) if paired > 0 else float("inf")


def assess(scenarios, pairs, years_after: float, window_years: float) -> Evaluation:
    """The evaluation's tables from ``scenarios`` (name -> Config) and ``pairs`` (name -> the
    (policy, twin) records of each replication)."""
    window = round(window_years * STEPS_PER_YEAR)
    rows, over, summary, replicates = [], [], [], []
    for name, cfg in scenarios.items():
        results = [_pair(p, t, years_after, window) for p, t in pairs[name]]
        meas = [m for m, _ in results]
        instruments = "+".join(sorted({x.instrument for x in cfg.policy.programmes.values()}))
        for (p, _), m in zip(pairs[name], meas, strict=True):
            flat = {k if isinstance(k, str) else f"{k[0]}.{k[1]}": v for k, v in m.items()}
            replicates.append({"scenario": name, "replication": p.replication, **flat})

        def add(metric, scope, when, est, _name=name, _inst=instruments):
            m, lo, hi, n = est
            rows.append(
                dict(
                    scenario=_name,
                    instruments=_inst,
                    metric=metric,
                    scope=scope,
                    when=when,
                    mean=m,
                    ci_low=lo,
                    ci_high=hi,
                    n=n,
                )
            )

        keys = [k for k in meas[0] if isinstance(k, tuple)]
        for col, when in keys:
            scope = (
                "elsewhere"
                if col.endswith("_elsewhere")
                else ("all" if col.endswith("_total") else "target")
            )
            metric = col.replace("_elsewhere", "").replace("_total", "")
            add(metric, scope, when, mean_ci_n([m[(col, when)] for m in meas]))
        add("cost", "all", "run_end", mean_ci_n([m["cost"] for m in meas]))
        add("deadweight", "target", "run_end", mean_ci_n([m["deadweight"] for m in meas]))
        add("keyed_actions", "target", "run_end", mean_ci_n([m["keyed_actions"] for m in meas]))
        cost = [m["cost"] for m in meas]
        for when in ("policy_end", "run_end"):
            add(
                "cost_per_job",
                "target",
                when,
                fieller_ratio_ci(cost, [m[("employment", when)] for m in meas]),
            )
            add(
                "cost_per_firm",
                "target",
                when,
                fieller_ratio_ci(cost, [m[("firms", when)] for m in meas]),
            )
        kept = fieller_ratio_ci(
            [m[("employment", "policy_end+N")] for m in meas],
            [m[("employment", "policy_end")] for m in meas],
        )
        add("retained_share", "target", "policy_end+N", kept)
        over.append(_over_time(name, [d for _, d in results]))
        est = {(r["metric"], r["scope"], r["when"]): r for r in rows if r["scenario"] == name}
        jobs = est[("employment", "target", "policy_end")]
        cpj = est[("cost_per_job", "target", "policy_end")]
        dw = est[("deadweight", "target", "run_end")]
        gain = pairing_gain(pairs[name], meas)
        summary.append(
            {
                "scenario": name,
                "instruments": instruments,
                "cost": est[("cost", "all", "run_end")]["mean"],
                "jobs": jobs["mean"],
                "jobs_low": jobs["ci_low"],
                "jobs_high": jobs["ci_high"],
                "firms": est[("firms", "target", "policy_end")]["mean"],
                "cost_per_job": cpj["mean"],
                "cost_per_job_low": cpj["ci_low"],
                "cost_per_job_high": cpj["ci_high"],
                "deadweight": dw["mean"],
                "deadweight_low": dw["ci_low"],
                "deadweight_high": dw["ci_high"],
                "displaced_jobs": -est[("employment", "elsewhere", "policy_end")]["mean"],
                "retained_share": kept[0],
                "retained_low": kept[1],
                "retained_high": kept[2],
                "jobs_run_end": est[("employment", "target", "run_end")]["mean"],
                "policy_start_year": float(np.mean([m["start"] for m in meas])) / STEPS_PER_YEAR,
                "policy_end_year": float(np.mean([m["end"] for m in meas])) / STEPS_PER_YEAR,
                "years_after": float(np.mean([m["after"] - m["end"] for m in meas]))
                / STEPS_PER_YEAR,
                "stage": mode([m["stage"] for m in meas if "stage" in m]),
                "stage_twin": mode([m["stage_twin"] for m in meas if "stage_twin" in m]),
                "unmatchable_spend_share": _nanmean([m["unmatchable_spend_share"] for m in meas]),
                "replications": len(meas),
                "variance_reduction": gain,
                "unpaired_replications": len(meas) * gain,
            }
        )
    return Evaluation(
        table=pd.DataFrame(rows),
        over_time=pd.concat(over, ignore_index=True),
        summary=pd.DataFrame(summary),
        baseline=_baseline(pairs),
        replicates=pd.DataFrame(replicates),
        years_after=years_after,
    )


def _nanmean(x) -> float:
    x = np.asarray(x, dtype=float)
    return float(np.mean(x[np.isfinite(x)])) if np.isfinite(x).any() else np.nan


def _over_time(name: str, diffs: list[pd.DataFrame]) -> pd.DataFrame:
    """Mean and 95% CI of every paired difference at every step (long format)."""
    steps = diffs[0].index.to_numpy()
    cube = np.stack([d.reindex(steps).to_numpy(dtype=float) for d in diffs])  # rep x step x k
    n = np.isfinite(cube).sum(axis=0)
    with warnings.catch_warnings():  # a step where no replication has a value (trust) is NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(cube, axis=0)
        sd = np.nanstd(cube, axis=0, ddof=1)
    half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * sd / np.sqrt(np.maximum(n, 1))
    parts = []
    for k, col in enumerate(diffs[0].columns):
        parts.append(
            pd.DataFrame(
                {
                    "scenario": name,
                    "metric": col.replace("_elsewhere", ""),
                    "scope": "elsewhere" if col.endswith("_elsewhere") else "target",
                    "step": steps,
                    "year": steps / STEPS_PER_YEAR,
                    "mean": mean[:, k],
                    "ci_low": mean[:, k] - half[:, k],
                    "ci_high": mean[:, k] + half[:, k],
                    "n": n[:, k],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _baseline(pairs) -> pd.DataFrame:
    """Levels of the no-policy twins at the end, in each scenario's target region."""
    rows = []
    seen = set()
    for plist in pairs.values():
        for p, t in plist:
            key = (t.scenario, t.replication, p.target)
            if key in seen:
                continue
            seen.add(key)
            last = t.ts[(t.ts.region == p.target) & (t.ts.step == t.ts.step.max())].iloc[0]
            rows.append(
                {
                    "twin": t.scenario,
                    "replication": t.replication,
                    "region": p.target,
                    "firms": last.firms,
                    "employment": last.employment,
                    "stage": last.get("stage", "n/a"),
                }
            )
    return pd.DataFrame(rows)
