"""Scale consistency: the default scenario at 300, 1,000 and 3,000 initial firms.

    python experiments/scale/run.py [--smoke] [--jobs 2]

Two arms: the default scenario as configured, and a diagnostic arm in which the quantities that
are still absolute per quarter (financier capital, size-independent start-up candidates,
university spin-offs; docs/ODD.md, Scale) are also scaled per initial firm. Writes
``results/scale/geography.csv`` (one row per run and year), ``table.csv`` (means with 95%
intervals by size) and ``compare.csv`` (each size against the smallest, Welch).
"""

from __future__ import annotations

import sys

import pandas as pd

from clustersim.analysis.scale import compare_sizes, scale_table
from clustersim.cli.study import load, md_table
from clustersim.experiment.scale import measure_scale

NAME = "scale"


def _fmt(table: pd.DataFrame) -> pd.DataFrame:
    out = table[["arm", "n_firms", "year", "replications"]].copy()
    for m in ("concentration", "largest_share"):
        out[m] = [
            f"{r[m]:.3f} [{r[f'{m}_lo']:.3f}, {r[f'{m}_hi']:.3f}]" for _, r in table.iterrows()
        ]
    return out


def _verdict(cmp: pd.DataFrame) -> list[str]:
    """Per arm: same geography within sampling error when no Welch p falls under 0.05 / k
    (Bonferroni over the arm's k comparisons)."""
    lines = []
    for arm, c in cmp.groupby("arm", sort=False):
        bad = c[c["p"] < 0.05 / len(c)]
        if bad.empty:
            lines.append(f"- {arm}: the same geography at every size within sampling error.")
        else:
            worst = bad.sort_values("z").iloc[-1]
            lines.append(
                f"- {arm}: the geography differs by size in {len(bad)} of {len(c)} comparisons "
                f"(largest: {worst['measure']} at {int(worst['n_firms'])} firms, year "
                f"{worst['year']}, {worst['diff']:+.3f}, z = {worst['z']:.1f})."
            )
    return lines


def _figure(table: pd.DataFrame, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
    for ax, m in zip(axes, ("concentration", "largest_share"), strict=True):
        for (arm, year), t in table.groupby(["arm", "year"], sort=False):
            ax.errorbar(
                t["n_firms"],
                t[m],
                yerr=[t[m] - t[f"{m}_lo"], t[f"{m}_hi"] - t[m]],
                marker="o",
                capsize=3,
                label=f"{arm}, year {year}",
            )
        ax.set_xscale("log")
        ax.set_xlabel("initial firms")
        ax.set_title(m.replace("_", " "))
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    st = load(NAME, argv)
    d = st.design
    arms = {"default": (), "absolute entry scaled": tuple(d["absolute_entry"])}
    geo, tables, cmps = [], [], []
    for arm, scaled in arms.items():
        g = measure_scale(
            tuple(d["sizes"]),
            replications=st.replications,
            years=d["base"]["years"],
            at_years=tuple(d["at_years"]),
            scaled=scaled,
            n_jobs=st.jobs,
        )
        geo.append(g.assign(arm=arm))
        tables.append(scale_table(g).assign(arm=arm))
        cmps.append(compare_sizes(g).assign(arm=arm))
    geo, table, cmp = (pd.concat(x, ignore_index=True) for x in (geo, tables, cmps))
    st.write_table(geo, "geography.csv")
    st.write_table(table, "table.csv")
    st.write_table(cmp, "compare.csv")
    _figure(table, st.path("figures/scale.png"))
    shown = cmp[["arm", "year", "n_firms", "reference", "measure", "diff", "se", "z", "p"]]
    st.write_summary(
        [
            "# Scale consistency",
            f"## Hypothesis\n\n{d['claim']}",
            "## Design\n\n"
            f"Sizes {d['sizes']} initial firms, {st.replications} replications each (same seeds "
            f"at every size), {d['base']['years']} years, read at years {d['at_years']}. Arm "
            "*absolute entry scaled* also multiplies "
            + ", ".join(f"`{k}`" for k in d["absolute_entry"])
            + f" by size / {d['sizes'][0]}.",
            "## Result\n\nMean [95% CI]:\n\n" + md_table(_fmt(table)),
            "Each size against the smallest (Welch; z = |diff| / SE):\n\n"
            + md_table(shown.round(3)),
            "## Verdict\n\n" + "\n".join(_verdict(cmp)),
            "![scale](figures/scale.png)",
        ]
    )
    print(md_table(_fmt(table)))
    print(md_table(shown.round(3)))


if __name__ == "__main__":
    main(sys.argv[1:])
