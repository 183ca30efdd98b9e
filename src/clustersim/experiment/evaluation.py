"""Counterfactual evaluation: every policy scenario against its no-policy twin (brief 7).

Real evaluations cannot observe what would have happened without the policy (L5175-5178,
L7700-7702); a simulation can. ``evaluate(config, replications=R)`` runs each policy scenario
and its twin (the same config with no programme) for replications 0..R-1: the same seeds, so the
same initial world and the same random numbers until the policy first changes something (common
random numbers). The paired differences, over replications, give with 95% confidence intervals:

* additionality (L5213-5215): policy minus twin in the target region for firms, employment,
  output, productivity, innovations (cumulative), survival (of the firms alive when the policy
  started), trust and ties, at the end of the run and at every step;
* cost: total public spend, cost per additional job and per additional firm (ratio of means,
  Fieller interval);
* deadweight: the share of funded actions that also happened in the twin, matched by stable
  firm ids (ties by pair, innovations and skills by firm, entries by region, origin and parent,
  within ``window_years``); only actions on firms that existed in both runs are matchable;
* displacement: the change in the other regions (jobs lost there are displacement);
* dependency: the share of the additional jobs at the policy's end that remains ``years_after``
  years later;
* the life-cycle stage reached (``stage`` column of
  ``clustersim.observe.lifecycle``), policy and twin.

Intermediate indicators (innovations, new firms) and final ones (jobs, output, productivity)
are both reported (L5250-5252). ``clustersim-evaluate`` is the command-line form.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from clustersim.analysis.figures import save as save_figure
from clustersim.conf import STEPS_PER_YEAR, Config, PolicyConfig, coerce
from clustersim.experiment.run import run, run_id
from clustersim.institutions.policies.mix import effective_programmes
from clustersim.observe.recording import atomic_write, write_parquet
from clustersim.world.state import ORIGIN_MNE

LEVELS = (  # (time-series column, metric name); innovations are cumulated
    ("firms", "firms"),
    ("employment", "employment"),
    ("output", "output"),
    ("mean_productivity", "productivity"),
    ("innovations", "innovations"),
    ("trust_mean", "trust"),
    ("ties", "ties"),
)
TIE_ACTIONS = ("introduction", "tie_subsidy")
ENTRY_ACTIONS = ("admission", "seed_deal")
KEYED_ACTIONS = TIE_ACTIONS + ENTRY_ACTIONS + ("rd", "training", "pool_training", "mne_grant")


# ----------------------------------------------------------------------------- running
@dataclass
class Record:
    """What one run contributes to the evaluation (small, so worker processes return it fast)."""

    scenario: str
    replication: int
    twin: bool
    ts: pd.DataFrame
    spend: pd.DataFrame = field(default_factory=pd.DataFrame)
    windows: pd.DataFrame = field(default_factory=pd.DataFrame)
    events: dict = field(default_factory=dict)
    target: int = 0
    uid0: int = 0


def twin_config(cfg: Config) -> Config:
    """The same scenario with no programme (and event recording on)."""
    return dataclasses.replace(cfg, policy=PolicyConfig(name="none", record_events=True))


def _with_events(cfg: Config) -> Config:
    return dataclasses.replace(cfg, policy=dataclasses.replace(cfg.policy, record_events=True))


def _simulate(cfg: Config, scenario: str, twin: bool) -> Record:
    res = run(cfg, keep_model=True)
    mix = res.model.policy
    ts = res.timeseries
    keep = [
        c
        for c in ts.columns
        if c
        in {
            "step",
            "region",
            "firms",
            "employment",
            "output",
            "mean_productivity",
            "innovations_incremental",
            "innovations_radical",
            "trust_mean",
            "ties",
            "skill",
            "stage",
            "policy_spend",
        }
    ]
    return Record(
        scenario=scenario,
        replication=cfg.replication,
        twin=twin,
        ts=ts[keep].copy(),
        spend=mix.spend_table(),
        windows=mix.windows(),
        events=mix.events.tables(),
        target=mix.region,
        uid0=mix.uid0,
    )


def _scenarios(config) -> dict[str, Config]:
    """name -> Config from a Config, a list of configs (named by ``policy.name``) or a mapping
    of names to configs."""
    if isinstance(config, list | tuple):
        configs = [coerce(c) for c in config]
        return {c.policy.name: c for c in configs}
    if (
        isinstance(config, Mapping)
        and all(isinstance(v, Config | Mapping) for v in config.values())
        and not {"policy", "seed", "world"} & set(config)
    ):
        return {str(k): coerce(v) for k, v in config.items()}
    c = coerce(config)
    return {c.policy.name: c}


def evaluate(
    config,
    replications: int = 20,
    *,
    years_after: float = 5.0,
    window_years: float = 1.0,
    jobs: int = 1,
    progress: bool = False,
) -> Evaluation:
    """Run every policy scenario in ``config`` (a Config, a list of them, or a mapping name ->
    Config) paired with its no-policy twin for ``replications`` replications; return the
    :class:`Evaluation`. ``jobs`` > 1 runs in worker processes; results do not depend on it."""
    scenarios = _scenarios(config)
    if replications < 2:
        raise ValueError(f"replications={replications}: confidence intervals need >= 2")
    for name, cfg in scenarios.items():
        if not effective_programmes(cfg.policy):
            raise ValueError(
                f"scenario {name!r}: policy.programmes has no programme with intensity > 0 and "
                "a duration; nothing to evaluate (use a preset such as policy=broker)"
            )
    tasks, twins = [], {}
    for name, cfg in scenarios.items():
        twin = twin_config(cfg)
        twins[name] = run_id(twin).split("-r")[0]
        for r in range(replications):
            tasks.append((dataclasses.replace(_with_events(cfg), replication=r), name, False))
    seen = set()
    for name, cfg in scenarios.items():
        if twins[name] in seen:
            continue
        seen.add(twins[name])
        for r in range(replications):
            tasks.append((dataclasses.replace(twin_config(cfg), replication=r), twins[name], True))
    records = _run_all(tasks, jobs, progress)
    by_twin = {(r.scenario, r.replication): r for r in records if r.twin}
    pairs = {
        name: [
            (p, by_twin[(twins[name], p.replication)])
            for p in sorted(
                (x for x in records if not x.twin and x.scenario == name),
                key=lambda x: x.replication,
            )
        ]
        for name in scenarios
    }
    return _assess(scenarios, pairs, years_after, window_years)


def _run_all(tasks, jobs: int, progress: bool) -> list[Record]:
    from tqdm.auto import tqdm

    bar = tqdm(total=len(tasks), desc="paired runs", unit="run", disable=not progress)
    out = []
    if jobs <= 1:
        for t in tasks:
            out.append(_simulate(*t))
            bar.update()
    else:
        from joblib import Parallel, delayed

        from clustersim.experiment.sweep import warm_numba_cache

        warm_numba_cache()
        par = Parallel(n_jobs=jobs, return_as="generator_unordered")
        for rec in par(delayed(_simulate)(*t) for t in tasks):
            out.append(rec)
            bar.update()
    bar.close()
    return out


# ----------------------------------------------------------------------------- statistics
def mean_ci(x) -> tuple[float, float, float, int]:
    """Mean and 95% t-interval of paired differences over replications (NaNs dropped)."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return np.nan, np.nan, np.nan, 0
    m = float(x.mean())
    if n < 2:
        return m, np.nan, np.nan, n
    h = float(stats.t.ppf(0.975, n - 1) * x.std(ddof=1) / np.sqrt(n))
    return m, m - h, m + h, n


def ratio_ci(num, den) -> tuple[float, float, float, int]:
    """Ratio of means of paired samples with Fieller's 95% interval (Fieller 1954): bounded
    exactly when the denominator's own t-interval excludes zero, else (estimate, nan, nan)."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    ok = np.isfinite(num) & np.isfinite(den)
    num, den = num[ok], den[ok]
    n = len(num)
    if n < 2 or den.mean() == 0:
        return np.nan, np.nan, np.nan, n
    a, b = num.mean(), den.mean()
    cov = np.cov(num, den, ddof=1) / n
    v11, v12, v22 = cov[0, 0], cov[0, 1], cov[1, 1]
    t = stats.t.ppf(0.975, n - 1)
    q = a / b
    g = t**2 * v22 / b**2
    if g >= 1:
        return float(q), np.nan, np.nan, n  # the denominator may be zero: no finite bound
    disc = v11 - 2 * q * v12 + q**2 * v22 - g * (v11 - v12**2 / v22 if v22 > 0 else 0.0)
    half = t / abs(b) * np.sqrt(max(disc, 0.0))
    centre = q - g * v12 / v22 if v22 > 0 else q
    lo, hi = (centre - half) / (1 - g), (centre + half) / (1 - g)
    return float(q), float(lo), float(hi), n


# ----------------------------------------------------------------------------- measures
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


def _deadweight(p: Record, t: Record, window: int) -> tuple[float, int]:
    """Share of matchable keyed funded actions that also happened in the twin."""
    sp = p.spend[p.spend.action.isin(KEYED_ACTIONS)]
    if sp.empty:
        return np.nan, 0
    ev = t.events
    hits, total = 0, 0
    ties = ev["ties"]
    tie_steps = {}
    for a, b, s in ties.itertuples(index=False):
        tie_steps.setdefault((a, b), []).append(s)
    innov = ev["innovations"].groupby("uid")["step"].apply(np.asarray).to_dict()
    skills = ev["skills"].groupby("uid")
    skill_of = {u: (g.step.to_numpy(), g.skill.to_numpy()) for u, g in skills}
    life = ev["life"]
    births = life[life.born > 0]
    used: set[int] = set()
    twin_skill = t.ts.pivot_table(index="step", columns="region", values="skill")
    for row in sp.itertuples(index=False):
        step, a, b, x = row.step, int(row.a), int(row.b), row.x
        if row.action in TIE_ACTIONS:
            if max(a, b) >= p.uid0:
                continue
            total += 1
            hits += any(abs(s - step) <= window for s in tie_steps.get((a, b), ()))
        elif row.action == "rd":
            if a >= p.uid0:
                continue
            total += 1
            steps = innov.get(a)
            hits += steps is not None and bool(np.any(np.abs(steps - step) <= window))
        elif row.action == "training":
            if a >= p.uid0:
                continue
            total += 1
            st, sk = skill_of.get(a, (np.zeros(0), np.zeros(0)))
            near = np.abs(st - step) <= window
            hits += bool(np.any(sk[near] >= x - 1e-12))
        elif row.action == "pool_training":
            total += 1
            s = twin_skill[a]
            near = s[(s.index >= step - window) & (s.index <= step + window)]
            hits += bool((near >= x - 1e-12).any())
        elif row.action in ENTRY_ACTIONS:
            if b >= p.uid0:
                continue
            total += 1
            m = births[
                (births.region == a)
                & (births.parent == b)
                & (births.origin == int(x))
                & ((births.born - step).abs() <= window)
                & ~births.uid.isin(used)
            ]
            if len(m):
                used.add(int(m.uid.iloc[0]))
                hits += 1
        elif row.action == "mne_grant":
            total += 1
            hits += bool(
                (
                    (births.origin == ORIGIN_MNE)
                    & (births.region == p.target)
                    & ((births.born - step).abs() <= window)
                ).any()
            )
    return (hits / total if total else np.nan), total


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
    out["deadweight"], out["keyed_actions"] = _deadweight(p, t, window)
    if "stage" in p.ts.columns:
        for rec, key in ((p, "stage"), (t, "stage_twin")):
            out[key] = rec.ts[(rec.ts.region == r) & (rec.ts.step == last)]["stage"].iloc[0]
    return out, diff


def _assess(scenarios, pairs, years_after: float, window_years: float) -> Evaluation:
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
            add(metric, scope, when, mean_ci([m[(col, when)] for m in meas]))
        add("cost", "all", "run_end", mean_ci([m["cost"] for m in meas]))
        add("deadweight", "target", "run_end", mean_ci([m["deadweight"] for m in meas]))
        add("keyed_actions", "target", "run_end", mean_ci([m["keyed_actions"] for m in meas]))
        cost = [m["cost"] for m in meas]
        for when in ("policy_end", "run_end"):
            add(
                "cost_per_job",
                "target",
                when,
                ratio_ci(cost, [m[("employment", when)] for m in meas]),
            )
            add("cost_per_firm", "target", when, ratio_ci(cost, [m[("firms", when)] for m in meas]))
        kept = ratio_ci(
            [m[("employment", "policy_end+N")] for m in meas],
            [m[("employment", "policy_end")] for m in meas],
        )
        add("retained_share", "target", "policy_end+N", kept)
        over.append(_over_time(name, [d for _, d in results]))
        est = {(r["metric"], r["scope"], r["when"]): r for r in rows if r["scenario"] == name}
        jobs = est[("employment", "target", "policy_end")]
        cpj = est[("cost_per_job", "target", "policy_end")]
        dw = est[("deadweight", "target", "run_end")]
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
                "stage": _mode([m["stage"] for m in meas if "stage" in m]),
                "stage_twin": _mode([m["stage_twin"] for m in meas if "stage_twin" in m]),
                "replications": len(meas),
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


def _mode(s) -> str:
    """The most frequent value and its share, e.g. 'mature 70%'."""
    if s is None or len(s) == 0:
        return "n/a"
    counts = pd.Series(list(s)).value_counts()
    return f"{counts.index[0]} {counts.iloc[0] / counts.sum():.0%}"


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


# ----------------------------------------------------------------------------- results
@dataclass
class Evaluation:
    """Tidy results. ``table``: every measure with its 95% CI, one row per (scenario, metric,
    scope, when), ``when`` being the policy's end, ``years_after`` later, or the run's end;
    ``over_time``: the paired differences at every step; ``summary``: one row per scenario (what
    :meth:`format` prints); ``replicates``: each replication's paired measures; ``baseline``:
    the twins' levels at the end."""

    table: pd.DataFrame
    over_time: pd.DataFrame
    summary: pd.DataFrame
    baseline: pd.DataFrame
    replicates: pd.DataFrame = field(default_factory=pd.DataFrame)
    years_after: float = 5.0

    def write(self, folder: str | Path, figure: bool = True) -> Path:
        out = Path(folder)
        for name in ("table", "over_time", "summary", "replicates"):
            df = getattr(self, name)
            write_parquet(df, out / f"{name}.parquet")
            atomic_write(out / f"{name}.csv", lambda tmp, df=df: df.to_csv(tmp, index=False))
        if figure:
            self.figure(out / "effects.png")
        return out

    def figure(self, path: str | Path) -> Path:
        return effects_figure(self.over_time, self.summary, path)

    def format(self) -> str:
        """The analyst's first table: per policy its cost, the additional jobs in the target
        region when support ends (95% CI), cost per job, deadweight, jobs displaced from the
        other regions, the share of the jobs kept N years later, jobs at the run's end and the
        life-cycle stage reached (twin's in brackets)."""
        b, sm = self.baseline, self.summary
        lines = []
        if len(b):
            lines.append(
                f"no-policy baseline (target region at the run's end, {b.replication.nunique()} "
                f"replications): employment {b.employment.mean():.0f} ± {b.employment.std():.0f}, "
                f"firms {b.firms.mean():.0f} ± {b.firms.std():.0f}, stage {_mode(b.stage)}"
            )
        head = (
            f"{'policy':<13}{'cost':>7} {'add. jobs [95% CI]':>20} {'cost/job [95% CI]':>23} "
            f"{'deadwt':>7} {'displ.':>7} {'kept ' + format(self.years_after, 'g') + 'y':>7} "
            f"{'jobs@end':>9}  {'stage (twin)'}"
        )
        lines += [head, "-" * (len(head) + 12)]
        for _, r in sm.iterrows():
            jobs = f"{r.jobs:+.0f} [{r.jobs_low:+.0f}, {r.jobs_high:+.0f}]"
            if r.cost > 0:
                cpj = f"{_f(r.cost_per_job)} [{_f(r.cost_per_job_low)}, {_f(r.cost_per_job_high)}]"
            else:
                cpj = "no budget cost"
            lines.append(
                f"{r.scenario:<13}{r.cost:>7.0f} {jobs:>20} {cpj:>23} {_pct(r.deadweight):>7} "
                f"{r.displaced_jobs:>+7.0f} {_pct(r.retained_share):>7} {r.jobs_run_end:>+9.0f}  "
                f"{r.stage} ({r.stage_twin})"
            )
        if len(sm):
            lines.append(
                f"add. jobs: policy minus twin in the target region when support ends (year "
                f"{sm.policy_end_year.mean():.3g}); cost/job: total spend per additional job then, "
                "'?' when the jobs' interval spans zero; deadwt: funded actions that happened in "
                "the twin too; displ.: jobs lost in the other regions; kept: share of the "
                "additional jobs left later; jobs@end: additional jobs at the run's end."
            )
        return "\n".join(lines)


def _f(x) -> str:
    if not np.isfinite(x):
        return "?"
    return f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


def _pct(x) -> str:
    return f"{x:.0%}" if np.isfinite(x) else "n/a"


def effects_figure(over_time: pd.DataFrame, summary: pd.DataFrame, path: str | Path) -> Path:
    """Additional jobs in the target region over time with the 95% CI band (and the change in
    the other regions), one panel per policy; the shaded span is the support window."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(summary.scenario)
    cols = min(3, len(names))
    rows = int(np.ceil(len(names) / cols))
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(4.6 * cols, 3.4 * rows),
        squeeze=False,
        sharex=True,
        constrained_layout=True,
    )
    for ax, name in zip(axes.flat, names, strict=False):
        d = over_time[(over_time.scenario == name) & (over_time.metric == "employment")]
        tgt = d[d.scope == "target"].sort_values("step")
        els = d[d.scope == "elsewhere"].sort_values("step")
        year = tgt.step / STEPS_PER_YEAR
        row = summary[summary.scenario == name].iloc[0]
        ax.axvspan(row.policy_start_year, row.policy_end_year, color="0.92", lw=0)
        ax.axhline(0, color="0.5", lw=0.8)
        ax.fill_between(year, tgt.ci_low, tgt.ci_high, color="C0", alpha=0.25, lw=0)
        ax.plot(year, tgt["mean"], color="C0", lw=2, label="target region")
        ax.plot(
            els.step / STEPS_PER_YEAR,
            els["mean"],
            color="C3",
            lw=1.2,
            ls="--",
            label="other regions",
        )
        ax.set_title(f"{name}: cost {row.cost:.0f}", fontsize=10)
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(names) :]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=8, loc="upper left")
    for ax in axes[-1]:
        ax.set_xlabel("year")
    for ax in axes[:, 0]:
        ax.set_ylabel("additional jobs vs twin")
    fig.suptitle("Policy minus no-policy twin: mean and 95% CI over replications; grey: support")
    return save_figure(fig, path)


# ----------------------------------------------------------------------------- command line
DEFAULT_POLICIES = ("broker", "demand_side", "training", "fdi", "framework")


def compose(overrides: list[str]) -> Config:
    """A Config from the project's Hydra configs and command-line style overrides."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from clustersim.cli.run import config_dir, register_configs

    register_configs()
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=config_dir(), version_base="1.3"):
        cfg = hydra_compose(config_name="config", overrides=overrides)
    return coerce(cfg)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="clustersim-evaluate",
        description="Each policy preset against its no-policy twin (same seeds): additionality, "
        "cost per job, deadweight, displacement, dependency and stage, with 95% CIs.",
        epilog="example: clustersim-evaluate n_firms=500 sector=biotech --policies broker fdi "
        "-r 30 -j 2 (overrides first)",
    )
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. n_firms=200 seed=3")
    parser.add_argument(
        "--policies",
        nargs="+",
        default=list(DEFAULT_POLICIES),
        help="presets in clustersim/conf/presets/policy/",
    )
    parser.add_argument("-r", "--replications", type=int, default=20)
    parser.add_argument("-j", "--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--years-after", type=float, default=5.0)
    parser.add_argument("--out", default="results/evaluation")
    parser.add_argument("--no-figure", action="store_true")
    args = parser.parse_args(argv)
    from hydra.errors import HydraException

    from clustersim.conf import ConfigError

    try:
        scenarios = {name: compose([*args.overrides, f"policy={name}"]) for name in args.policies}
        t0 = time.perf_counter()
        ev = evaluate(
            scenarios,
            replications=args.replications,
            years_after=args.years_after,
            jobs=args.jobs,
            progress=True,
        )
    except (ConfigError, ValueError, HydraException) as err:
        print(f"clustersim-evaluate: {err}", file=sys.stderr)
        return 2
    wall = time.perf_counter() - t0
    first = next(iter(scenarios.values()))
    print(
        f"clustersim-evaluate: scenario={first.scenario_name} sector={first.sector_name} "
        f"seed={first.seed} years={first.years} replications={args.replications}, each policy "
        f"against its no-policy twin (same seeds)"
    )
    print(ev.format())
    out = ev.write(args.out, figure=not args.no_figure)
    print(f"wrote {out}/table.parquet|csv, over_time, summary, effects.png in {wall:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
