"""Study 1: engineered, organic and re-engineered clustering, each from its preset.

    python experiments/clustering_processes/run.py [--smoke] [--jobs 2]

Each route (``src/clustersim/conf/presets/process/``) runs with the same seeds; ``none`` has no
initiative. Per run: the year the focal cluster is first classified mature, whether it survives
(employment at the end at least half its peak, and not classified in decline), how far the
initiative gets through its phases and when, and who funds it (the public share of its running cost:
public money over public money plus members' fees).
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from clustersim.analysis.figures import plt, save
from clustersim.analysis.stats import fmt, mean_ci, paired_diff_ci, proportion_ci
from clustersim.cli.study import cell_runs, effect_row, load, md_table

NAME = "clustering_processes"
ORDER = ("latent", "trust", "linkages", "strategy", "action")


def first_year(series: pd.DataFrame, column: str, value: str) -> float:
    hit = series.index[series[column] == value] if column in series else []
    return float(series["year"].loc[hit[0]]) if len(hit) else float("nan")


def per_run(s: pd.DataFrame, survival_share: float) -> dict:
    emp = s["employment"].to_numpy()
    public = s["initiative_public_spend"].sum() if "initiative_public_spend" in s else 0.0
    fees = s["initiative_fees"].sum() if "initiative_fees" in s else 0.0
    phases = [p for p in ORDER if "phase" in s and (s["phase"] == p).any()]
    return {
        "mature_year": first_year(s, "stage", "mature"),
        "survived": bool(
            emp[-1] >= survival_share * emp.max() and s["stage"].iloc[-1] != "decline"
        ),
        "end_stage": s["stage"].iloc[-1],
        "furthest_phase": phases[-1] if phases else "none",
        "action_year": first_year(s, "phase", "action"),
        "public_share": public / (public + fees) if public + fees > 0 else float("nan"),
        "members": float(s["members"].iloc[-1]) if "members" in s else float("nan"),
        "end_employment": emp[-1],
    }


def main(argv: list[str] | None = None) -> None:
    st = load(NAME, argv)
    d = st.design
    runs = cell_runs(st, {r: [f"process={r}"] for r in d["routes"]})
    per = pd.DataFrame(
        [
            {"route": r, "replication": i, **per_run(s, d["survival_share"])}
            for r in d["routes"]
            for i, s in enumerate(runs[r])
        ]
    )
    st.write_table(per, "runs.csv")
    rows = []
    for r, g in per.groupby("route", sort=False):
        mature = g["mature_year"].dropna()
        rows.append(
            {
                "route": r,
                "reached mature": fmt(proportion_ci(len(mature), len(g))),
                "years to maturity (median, IQR)": (
                    f"{mature.median():.1f} "
                    f"({mature.quantile(0.25):.1f}-{mature.quantile(0.75):.1f})"
                    if len(mature)
                    else "never"
                ),
                "years to maturity (mean [95% CI])": fmt(mean_ci(mature), 1)
                if len(mature)
                else "-",
                "survived": fmt(proportion_ci(int(g["survived"].sum()), len(g))),
                "reached action phase": fmt(
                    proportion_ci(int((g["furthest_phase"] == "action").sum()), len(g))
                ),
                "year of action phase (median)": f"{g['action_year'].median():.1f}"
                if g["action_year"].notna().any()
                else "-",
                "public share of initiative funding": fmt(mean_ci(g["public_share"]))
                if g["public_share"].notna().any()
                else "-",
                "members at the end": fmt(mean_ci(g["members"]), 1)
                if g["members"].notna().any() and (g["members"] > 0).any()
                else "-",
                "end stages": ", ".join(
                    f"{k} {v}" for k, v in g["end_stage"].value_counts().items()
                ),
            }
        )
    table = pd.DataFrame(rows)
    st.write_table(table, "routes.csv")
    # engineered and organic start from the same world as `none`: pair them by replication
    base = per[per.route == "none"].set_index("replication")
    eff = []
    for r in ("engineered", "organic"):
        g = per[per.route == r].set_index("replication")
        for col, label, digits in (
            ("mature_year", "years to maturity", 2),
            ("end_employment", "focal jobs at the end", 0),
        ):
            x, y = g[col].to_numpy(dtype=float), base[col].to_numpy(dtype=float)
            ok = np.isfinite(x) & np.isfinite(y)
            eff.append(effect_row(f"{r} - none: {label}", paired_diff_ci(x[ok], y[ok]), 0, digits))
    eff = pd.DataFrame(eff)
    st.write_table(eff, "effects.csv")

    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    for i, r in enumerate(d["routes"]):
        emp = np.array([s["employment"].to_numpy() for s in runs[r]])
        years = runs[r][0]["year"].to_numpy()
        axes[0].plot(years, emp.mean(axis=0), color=f"C{i}", label=r)
        axes[0].fill_between(years, *np.quantile(emp, [0.1, 0.9], axis=0), color=f"C{i}", alpha=0.1)
        mature = per.loc[per.route == r, "mature_year"].dropna()
        axes[1].hist(
            mature, bins=np.arange(0, d["base"]["years"] + 2, 2), alpha=0.5, color=f"C{i}", label=r
        )
    axes[0].set(
        xlabel="year", ylabel="focal employment", title="Focal employment by route (mean, 10-90%)"
    )
    axes[0].legend(fontsize=8)
    axes[1].set(
        xlabel="year first classified mature", ylabel="replications", title="Time to maturity"
    )
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    save(fig, st.path("figures/clustering_processes.png"))

    lead = {r: g["public_share"].mean() for r, g in per.groupby("route")}
    public_led = lead.get("engineered", np.nan) > lead.get("organic", np.nan)
    st.write_summary(
        [
            "# Study 1: engineered, organic and re-engineered clustering",
            f"## Hypothesis\n\n{d['claim']}",
            "## Design\n\n"
            f"Routes {', '.join(d['routes'])} from `src/clustersim/conf/presets/process/` "
            "(the re-engineered preset "
            f"starts from a larger, concentrated cluster that it breaks and then corrects), "
            f"{st.replications} replications each with the same seeds, {d['base']['years']} years. "
            "Maturity: the first year the life-cycle classifier says `mature`. Survival: focal "
            f"employment at the end at least {d['survival_share']:.0%} of its peak and not in "
            "decline. Who leads: the public share of the initiative's running cost.",
            "## Result\n\n" + md_table(table),
            "Engineered and organic initiatives against the same worlds without one (paired by "
            "replication; the re-engineered preset starts from a different, larger cluster and is "
            "not paired):\n\n" + md_table(eff),
            "## Verdict\n\n"
            "Who leads: the engineered initiative is "
            + (
                "more publicly funded than the organic one, as the book describes for top-down "
                "routes"
                if public_led
                else "not more publicly funded than the organic one, unlike the book's top-down "
                "route"
            )
            + " (the share follows the presets' `initiative.public_share`; the runs show it is "
            "what is actually spent). Whether an initiative speeds maturity or changes the "
            "cluster's size is read from the paired rows: "
            + "; ".join(
                f"{r['effect']} {r['estimate [95% CI]']} ({r['reading']})"
                for _, r in eff.iterrows()
            )
            + ".",
            "![processes](figures/clustering_processes.png)",
        ]
    )
    print(md_table(table))


if __name__ == "__main__":
    main(sys.argv[1:])
