"""Industrial dynamics: 300 years of the default industry, and the stylised facts of firm
demography and growth on a yearly firm panel.

    python experiments/industry/run.py [--smoke] [--jobs 2]

Writes ``results/industry/long_run.csv`` (every replication every 10 years),
``regularities.csv`` (one row per replication), ``summary.md`` and ``figures/industry.png``.
"""

from __future__ import annotations

import dataclasses
import sys
from functools import partial

import numpy as np
import pandas as pd

from clustersim.cli.study import load, md_table
from clustersim.experiment.batch import run_many
from clustersim.experiment.industry import firm_panel, growth_rate, long_run, measure_industry

NAME = "industry"

# measure -> (the empirical value or range, its source); None: no range, reported only
FACTS = {
    "entry_rate": (
        "about 0.05-0.10 a year",
        "Dunne, Roberts & Samuelson 1988; Bartelsman et al. 2005",
    ),
    "exit_rate": (
        "about 0.05-0.10 a year",
        "Dunne, Roberts & Samuelson 1988; Bartelsman et al. 2005",
    ),
    "corr": ("positive", "Geroski 1995"),
    "survive_2y": ("0.6-0.8", "Bartelsman, Scarpetta & Schivardi 2005"),
    "survive_7y": ("0.4-0.5", "Bartelsman, Scarpetta & Schivardi 2005"),
    "hazard_young": ("above hazard_old", "Evans 1987"),
    "hazard_old": ("below hazard_young", "Evans 1987"),
    "tail_exponent": ("about 1 (Zipf)", "Axtell 2001"),
    "mean_over_median": ("well above 1 (right skew)", "Axtell 2001"),
    "excess_kurtosis": ("about 3 (Laplace)", "Stanley et al. 1996; Bottazzi & Secchi 2006"),
    "sd_size_slope": ("about -0.15 to -0.2", "Stanley et al. 1996"),
    "gibrat_slope": ("negative", "Evans 1987"),
    "ratio_90_10": ("about 1.9 (TFP)", "Syverson 2004, 2011"),
    "persistence_5y": ("positive, high", "Syverson 2011"),
}


def _figure(runs: pd.DataFrame, panel: pd.DataFrame, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 4, figsize=(15, 3.5))
    for rep, t in runs.groupby("replication"):
        ax[0].plot(t["year"], t["firms"], label=f"rep {rep}")
        ax[1].semilogy(t["year"], t["productivity"], label=f"rep {rep}")
    ax[1].semilogy(t["year"], t["frontier"] ** 0.35, "k--", label="frontier^0.35")
    ax[0].set(title="firms", xlabel="year")
    ax[1].set(title="productivity (employment-weighted)", xlabel="year")
    ax[1].legend(fontsize=7)
    last = panel[panel["year"] == panel["year"].max()]["emp"].sort_values(ascending=False)
    ax[2].loglog(np.arange(1, len(last) + 1), last.to_numpy(), ".", ms=3)
    ax[2].set(title="rank-size, last year", xlabel="rank", ylabel="employees")
    nxt = panel[["year", "uid", "emp"]].assign(year=panel["year"] - 1)
    p = panel.merge(nxt, on=["year", "uid"], suffixes=("", "_next"))
    g = np.log(p["emp_next"] / p["emp"])
    ax[3].hist(g, bins=80, log=True)
    ax[3].set(title="yearly log growth of employment", xlabel="log growth")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    st = load(NAME, argv)
    d, lr, pn = st.design, st.design["long_run"], st.design["panel"]
    base = st.config({"years": lr["years"]})
    cfgs = [dataclasses.replace(base, replication=r) for r in range(lr["replications"])]
    tables = run_many(
        cfgs, lambda t: t, n_jobs=st.jobs, simulate=partial(long_run, every=lr["every"])
    )
    runs = pd.concat([t.assign(replication=i) for i, t in enumerate(tables)], ignore_index=True)
    st.write_table(runs, "long_run.csv")
    start, end = lr["growth_from"], lr["years"]
    growth = pd.DataFrame(
        [
            {
                "replication": i,
                "productivity": growth_rate(t, "productivity", start, end),
                "frontier^0.35": growth_rate(t.assign(f=t["frontier"] ** 0.35), "f", start, end),
                "output": growth_rate(t, "output", start, end),
                "firms": growth_rate(t, "firms", start, end),
                "not_finite": int(t["not_finite"].sum()),
            }
            for i, t in enumerate(tables)
        ]
    )
    reg = measure_industry(
        replications=st.replications, years=pn["years"], burn_in=pn["burn_in"], n_jobs=st.jobs
    )
    st.write_table(reg, "regularities.csv")
    facts = pd.DataFrame(
        [
            {
                "measure": m,
                "model (mean ± sd)": f"{reg[m].mean():.3f} ± {reg[m].std(ddof=1):.3f}",
                "empirical": FACTS[m][0],
                "source": FACTS[m][1],
            }
            for m in FACTS
        ]
    )
    panel = firm_panel(dataclasses.replace(st.config({"years": pn["years"]})))
    _figure(runs, panel, st.path("figures/industry.png"))
    first = runs[runs["replication"] == 0].drop(columns="replication")
    st.write_summary(
        [
            "# Industrial dynamics",
            f"## Hypothesis\n\n{d['claim']}",
            "## Design\n\n"
            f"Long run: the default scenario for {lr['years']} years, {lr['replications']} "
            f"replications; growth compounded per year from year {start} to {end}. Panel: "
            f"{st.replications} replications of {pn['years']} years, firms observed at each "
            f"year's end, measured after year {pn['burn_in']} (`clustersim.analysis.industry`).",
            "## Result\n\nReplication 0 of the long run:\n\n" + md_table(first.round(3)),
            f"Yearly growth rates (from year {start}):\n\n" + md_table(growth.round(4)),
            "Regularities against the stylised facts:\n\n" + md_table(facts),
            "![industry](figures/industry.png)",
        ]
    )
    print(md_table(first.round(3)))
    print(md_table(growth.round(4)))
    print(md_table(facts))


if __name__ == "__main__":
    main(sys.argv[1:])
