"""How much noise the paired twin removes: variance reduction of common random numbers.

For each policy family, ``R`` replications of the policy scenario and of its no-policy twin.
The effect on an outcome is measured twice: against the twin with the same replication
(paired) and against the twin of the next replication (unpaired, what a design without common
random numbers would see). The variance reduction is var(unpaired) / var(paired); the
replications a paired design needs for the CI width of an unpaired one shrink by that factor.

    python benchmarks/bench_crn.py [-r 24] [--jobs 2] [--out results/bench]

Writes ``crn.csv`` (one row per policy, outcome and time), ``crn_divergence.csv`` (the sd of
the paired and unpaired differences in focal employment, year by year) and ``crn.png``: the 95%
interval's half-width against replications, paired and unpaired, for the broker, and the
divergence of the twins over time for every policy. ``--figure`` copies the figure to the docs.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np
import pandas as pd

from clustersim.conf import STEPS_PER_YEAR, PolicyConfig
from clustersim.experiment.batch import run_many
from clustersim.viz.presets import compose

POLICIES = ("broker", "training", "fdi", "demand_side", "framework")
SUPPORT_END_YEAR = 15  # every preset supports years 5-15


def focal_outcomes(result) -> pd.DataFrame:
    """Focal-region employment, firms and cumulative innovations at every step."""
    ts = result.timeseries
    focal = ts[ts["region"] == result.config.world.focal_region].set_index("step")
    innov = (focal["innovations_incremental"] + focal["innovations_radical"]).cumsum()
    return pd.DataFrame(
        {"employment": focal["employment"], "firms": focal["firms"], "innovations": innov}
    )


def measure(replications: int, jobs: int, years: int) -> pd.DataFrame:
    base = {"years": years, "replications": 1, "output.write": False, "output.figures": False}
    configs, keys = [], []
    for name in POLICIES:
        cfg = compose({"policy": name}, overrides=base).config
        for r in range(replications):
            configs.append(dataclasses.replace(cfg, replication=r))
            keys.append((name, r))
    twin = dataclasses.replace(cfg, policy=PolicyConfig(name="none"))
    for r in range(replications):
        configs.append(dataclasses.replace(twin, replication=r))
        keys.append(("none", r))
    results = run_many(configs, focal_outcomes, n_jobs=jobs, progress=True)
    runs = dict(zip(keys, results, strict=True))
    years_axis = np.arange(0, years + 1)
    div = []
    for name in POLICIES:
        for year in years_axis:
            step = year * STEPS_PER_YEAR
            p = np.array([runs[(name, r)].at[step, "employment"] for r in range(replications)])
            t = np.array([runs[("none", r)].at[step, "employment"] for r in range(replications)])
            div.append(
                {
                    "policy": name,
                    "year": year,
                    "sd_paired": (p - t).std(ddof=1),
                    "sd_unpaired": (p - np.roll(t, -1)).std(ddof=1),
                }
            )
    rows = []
    when = {"support end": SUPPORT_END_YEAR * STEPS_PER_YEAR, "run end": years * STEPS_PER_YEAR}
    for name in POLICIES:
        for outcome in ("employment", "firms", "innovations"):
            for label, step in when.items():
                p = np.array([runs[(name, r)].at[step, outcome] for r in range(replications)])
                t = np.array([runs[("none", r)].at[step, outcome] for r in range(replications)])
                paired = p - t
                unpaired = p - np.roll(t, -1)
                rows.append(
                    {
                        "policy": name,
                        "outcome": outcome,
                        "at": label,
                        "effect": paired.mean(),
                        "sd_paired": paired.std(ddof=1),
                        "sd_unpaired": unpaired.std(ddof=1),
                        "variance_reduction": unpaired.var(ddof=1) / max(paired.var(ddof=1), 1e-12),
                    }
                )
    return pd.DataFrame(rows), pd.DataFrame(div)


def figure(table: pd.DataFrame, div: pd.DataFrame, path: Path) -> None:
    """Interval half-width against replications (broker), and twin divergence over time."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from scipy import stats

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4), constrained_layout=True)
    pick = (table.policy == "broker") & (table.outcome == "employment")
    row = table[pick & (table["at"] == "support end")].iloc[0]
    reps = np.arange(3, 101)
    t = stats.t.ppf(0.975, reps - 1)
    for label, sd, style in (
        ("paired with its twin", row.sd_paired, "-"),
        ("independent runs", row.sd_unpaired, "--"),
    ):
        a.plot(reps, t * sd / np.sqrt(reps), style, label=label)
    a.set_xlabel("replications")
    a.set_ylabel("95% CI half-width, additional jobs")
    a.set_title("Broker, focal jobs when support ends (year 15)", loc="left", fontsize=10)
    a.set_yscale("log")
    a.grid(alpha=0.3)
    a.legend()
    for name, g in div.groupby("policy", sort=False):
        b.plot(g.year, g.sd_paired, label=name)
    b.axvspan(5, 15, color="grey", alpha=0.15, lw=0)
    b.set_xlabel("year (support in grey)")
    b.set_ylabel("sd of policy minus twin, focal jobs")
    b.set_title("How far the twins drift apart", loc="left", fontsize=10)
    b.grid(alpha=0.3)
    b.legend(fontsize=8)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-r", "--replications", type=int, default=24)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--years", type=int, default=40)
    ap.add_argument("--out", default="results/bench")
    ap.add_argument("--figure", action="store_true", help="also write docs/figures/crn.png")
    a = ap.parse_args()
    t0 = time.perf_counter()
    df, div = measure(a.replications, a.jobs, a.years)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    df.to_csv(out / "crn.csv", index=False)
    div.to_csv(out / "crn_divergence.csv", index=False)
    figure(df, div, out / "crn.png")
    if a.figure:
        docs = Path(__file__).resolve().parents[1] / "docs" / "figures"
        docs.mkdir(exist_ok=True)
        figure(df, div, docs / "crn.png")
    pd.set_option("display.width", 140)
    print(df.round(2).to_string(index=False))
    print(f"{a.replications} replications, {time.perf_counter() - t0:.0f} s; wrote {out}/crn.csv")


if __name__ == "__main__":
    main()
