"""Industrial dynamics: 300 years of the default industry, and the stylised facts of firm
demography and growth on a yearly firm panel.

    python experiments/industry/run.py [--smoke] [--jobs 2]

Writes ``results/industry/long_run.csv`` (every replication every 10 years),
``regularities.csv`` (one row per replication), ``sectors.csv`` (entry and exit rates of each
sector preset, the model's industries), ``summary.md`` and ``figures/industry.png``.
"""

from __future__ import annotations

import dataclasses
import sys
from functools import partial

import numpy as np
import pandas as pd

from clustersim.analysis.industry import across_industries, innovation_concentration
from clustersim.analysis.stats import mean_ci_n, paired_diff_ci
from clustersim.cli.study import load, md_table
from clustersim.experiment.batch import run_many
from clustersim.experiment.industry import (
    firm_panel,
    growth_rate,
    long_run,
    measure_industry,
    measure_sectors,
)

NAME = "industry"

DRS = "Dunne, Roberts & Samuelson 1988; Bartelsman, Scarpetta & Schivardi 2005"
BSS = "Bartelsman, Scarpetta & Schivardi 2005"
AGARWAL = "Klepper 2002; Agarwal, Echambadi, Franco & Sarkar 2004"
# pairs read against each other, not against a range: each key above its value, the paired
# difference over replications with its interval above zero
ABOVE = {"hazard_young": "hazard_old", "survive_spinoff_5y": "survive_startup_5y"}
# measure -> (the empirical value, its source, the range the model's mean must fall in)
FACTS = {
    "entry_rate": ("about 0.05-0.10 a year", DRS, (0.05, 0.10)),
    "exit_rate": ("about 0.05-0.10 a year", DRS, (0.05, 0.10)),
    "corr": (
        "positive (over years; Geroski's fact is across industries, below)",
        "Geroski 1995",
        (0.0, 1.0),
    ),
    "survive_2y": ("0.6-0.8", BSS, (0.6, 0.8)),
    "survive_7y": ("0.4-0.5", BSS, (0.4, 0.5)),
    "hazard_young": ("above the old firms' hazard", "Evans 1987", None),
    "hazard_old": ("below the young firms' hazard", "Evans 1987", None),
    "survive_spinoff_5y": ("above the start-ups' survival", AGARWAL, None),
    "survive_startup_5y": ("below the spin-offs' survival", AGARWAL, None),
    "tail_exponent": ("about 1 (Zipf)", "Axtell 2001", (0.8, 1.5)),
    "mean_over_median": ("well above 1 (right skew)", "Axtell 2001", (2.0, np.inf)),
    "excess_kurtosis": (
        "about 3 (Laplace)",
        "Stanley et al. 1996; Bottazzi & Secchi 2006",
        (1.5, 6.0),
    ),
    "sd_size_slope": ("about -0.15 to -0.2", "Stanley et al. 1996", (-0.3, -0.1)),
    "gibrat_slope": ("negative", "Evans 1987", (-np.inf, 0.0)),
    "ratio_90_10": ("about 1.9 (TFP)", "Syverson 2004, 2011", (1.5, 3.0)),
    "persistence_5y": ("positive, high", "Syverson 2011", (0.3, 1.0)),
    "prod_density_elasticity": (
        "0.02-0.11 (doubling density: +3-8 %)",
        "Ciccone & Hall 1996; Rosenthal & Strange 2004; Melo, Graham & Noland 2009",
        (0.02, 0.11),
    ),
    "wage_density_elasticity": (
        "about 0.03 (0.02-0.08, with and without sorting)",
        "Combes, Duranton & Gobillon 2008; Combes & Gobillon 2015",
        (0.02, 0.08),
    ),
}


def facts_table(reg: pd.DataFrame) -> pd.DataFrame:
    """Each regularity: the model's mean [95% CI] over replications, the empirical value and
    whether the mean falls in the range that value allows."""
    rows = []
    for m, (fact, source, bounds) in FACTS.items():
        est, lo, hi, _ = mean_ci_n(reg[m])
        if bounds is None:  # a pair: the first above the second, paired over replications
            high = m if m in ABOVE else next(h for h, low in ABOVE.items() if low == m)
            ok = bool(paired_diff_ci(reg[high], reg[ABOVE[high]])[1] > 0)
        else:
            ok = bool(bounds[0] <= est <= bounds[1])
        rows.append(
            {
                "measure": m,
                "model": f"{est:.3f} [{lo:.3f}, {hi:.3f}]",
                "empirical": fact,
                "source": source,
                "reproduced": "yes" if ok else "no",
            }
        )
    return pd.DataFrame(rows)


def _figure(runs: pd.DataFrame, panel: pd.DataFrame, theta: float, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 4, figsize=(15, 3.5))
    for rep, t in runs.groupby("replication"):
        ax[0].plot(t["year"], t["firms"], label=f"rep {rep}")
        ax[1].semilogy(t["year"], t["productivity"], label=f"rep {rep}")
    ax[1].semilogy(t["year"], t["frontier"] ** theta, "k--", label="best practice (frontier^θ)")
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
    theta = base.market.knowledge_elasticity  # productivity = knowledge ** theta x ...
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
                "best practice": growth_rate(t.assign(f=t["frontier"] ** theta), "f", start, end),
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
    facts = facts_table(reg)
    panel_cfg = st.config({"years": pn["years"]})
    series = run_many(
        [dataclasses.replace(panel_cfg, replication=r) for r in range(st.replications)],
        n_jobs=st.jobs,
    )
    geo = pd.DataFrame([innovation_concentration(ts, pn["burn_in"]) for ts in series])
    geo_diff = paired_diff_ci(geo["innovation_hhi"], geo["output_hhi"])
    sec = measure_sectors(d["sectors"]["replications"], pn["years"], pn["burn_in"], n_jobs=st.jobs)
    st.write_table(sec, "sectors.csv")
    across = across_industries(sec)
    rates = sec.groupby("industry")[["entry_rate", "exit_rate"]].mean().reset_index()
    positive = across["corr_lo"] > 0
    finite = int(growth["not_finite"].sum()) == 0
    panel = firm_panel(panel_cfg)
    _figure(runs, panel, theta, st.path("figures/industry.png"))
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
            "Regularities against the stylised facts (mean [95% CI] over replications):\n\n"
            + md_table(facts),
            f"Across industries (the sector presets, {d['sectors']['replications']} "
            "replications each, the same years): mean yearly entry and exit rates\n\n"
            + md_table(rates.round(4))
            + f"\n\nCorrelation of the industries' entry and exit rates: {across['corr']:.2f} "
            f"[{across['corr_lo']:.2f}, {across['corr_hi']:.2f}] over {across['industries']} "
            f"industries; {across['corr_pooled']:.2f} over every industry and replication. "
            "Empirical: positive across industries (Dunne, Roberts & Samuelson 1988; Geroski "
            "1995).",
            "## Verdict\n\n"
            + f"- Every firm value finite over {lr['years']} years: {'yes' if finite else 'no'}.\n"
            + f"- Stylised facts reproduced: {(facts['reproduced'] == 'yes').sum()} of "
            + f"{len(facts)} ("
            + ", ".join(facts.loc[facts["reproduced"] == "yes", "measure"])
            + ").\n"
            + "- Industries with more entry have more exit (interval above zero): "
            + ("yes" if positive else "no")
            + ".\n"
            + "- Innovation more concentrated over regions than output (Audretsch & Feldman "
            + f"1996): normalised Herfindahl {geo['innovation_hhi'].mean():.3f} against "
            + f"{geo['output_hhi'].mean():.3f}, paired difference {geo_diff[0]:.3f} "
            + f"[{geo_diff[1]:.3f}, {geo_diff[2]:.3f}]: "
            + ("yes" if geo_diff[1] > 0 else "no")
            + ".",
            "![industry](figures/industry.png)",
        ]
    )
    print(md_table(first.round(3)))
    print(md_table(growth.round(4)))
    print(md_table(facts))
    print(md_table(rates.round(4)), across)


if __name__ == "__main__":
    main(sys.argv[1:])
