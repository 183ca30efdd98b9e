"""Study 6: what lasts after the money stops? Temporary (abrupt or tapered exit) vs permanent.

    python experiments/exit_vs_permanent/run.py [--smoke] [--jobs 2]

For each instrument (broker, demand-side procurement): a temporary programme (years 5-15,
abrupt exit), the same with a tapered exit, and a permanent one (year 5 to the run's end), each
paired with the no-policy twin. Outcomes: additional focal jobs at the temporary programmes' end
and at the run's end, public spend, and jobs per 100 units spent.
"""

from __future__ import annotations

import sys

import pandas as pd

from clustersim.analysis.stats import diff_of_ratios, fmt, mean_ci, ratio_ci
from clustersim.cli.study import at, cell_runs, effect_figure, effect_row, load, md_table

NAME = "exit_vs_permanent"


def arms_of(d: dict) -> dict[str, list[str]]:
    years, start = d["base"]["years"], d["start_year"]
    arms = {"none": ["policy=none"]}
    for inst in d["instruments"]:
        p = f"policy.programmes.{inst}"
        common = [f"policy={inst}", f"{p}.start_year={start}"]
        arms[f"{inst} temporary"] = [*common, f"{p}.duration_years={d['end_year'] - start}"]
        arms[f"{inst} tapered"] = [
            *common,
            f"{p}.duration_years={d['end_year'] - start}",
            f"{p}.exit=taper",
            f"{p}.taper_years={d['taper_years']}",
        ]
        arms[f"{inst} permanent"] = [*common, f"{p}.duration_years={years - start}"]
    return arms


def main(argv: list[str] | None = None) -> None:
    st = load(NAME, argv)
    d = st.design
    runs = cell_runs(st, arms_of(d))
    end, last = 4 * d["end_year"], 4 * d["base"]["years"]
    twin_end, twin_last = at(runs["none"], "employment", end), at(runs["none"], "employment", last)
    rows, eff = [], []
    for arm, series in runs.items():
        if arm == "none":
            continue
        add_end = at(series, "employment", end) - twin_end
        add_last = at(series, "employment", last) - twin_last
        spend = at(series, "cumulative_spend", last)
        rows.append(
            {
                "arm": arm,
                "spend": fmt(mean_ci(spend), 0),
                f"add. jobs, year {d['end_year']}": fmt(mean_ci(add_end)),
                f"add. jobs, year {d['base']['years']}": fmt(mean_ci(add_last)),
                f"kept (run end / year {d['end_year']})": fmt(ratio_ci(add_last, add_end), 2),
                "jobs per 100 spent, run end": fmt(ratio_ci(100 * add_last, spend), 2),
            }
        )
    for inst in d["instruments"]:
        for kind in ("temporary", "tapered"):
            s = runs[f"{inst} {kind}"]
            eff.append(
                effect_row(
                    f"{inst} {kind}: additional jobs {d['base']['years'] - d['end_year']} years "
                    "after the exit",
                    mean_ci(at(s, "employment", last) - twin_last),
                    +1,
                )
            )
        temp, perm = runs[f"{inst} temporary"], runs[f"{inst} permanent"]
        jt = at(temp, "employment", last) - twin_last
        jp = at(perm, "employment", last) - twin_last
        st_, sp = at(temp, "cumulative_spend", last), at(perm, "cumulative_spend", last)
        eff.append(
            effect_row(
                f"{inst}: jobs per 100 spent, temporary - permanent",
                diff_of_ratios(100 * jt, st_, 100 * jp, sp),
                +1,
                2,
            )
        )
    table, eff = pd.DataFrame(rows), pd.DataFrame(eff)
    st.write_table(table, "arms.csv")
    st.write_table(eff, "effects.csv")
    effect_figure(
        runs,
        "none",
        "employment",
        st.path("figures/exit_vs_permanent.png"),
        "Additional focal jobs: temporary, tapered and permanent support",
        marks=(d["start_year"], d["end_year"]),
    )
    st.write_summary(
        [
            "# Study 6: temporary support with an exit vs permanent support",
            f"## Hypothesis\n\n{d['claim']}",
            "## Design\n\n"
            f"Instruments {', '.join(d['instruments'])} (their presets in "
            "`src/clustersim/conf/presets/policy/`), "
            f"each as a temporary programme (years {d['start_year']}-{d['end_year']}, abrupt "
            f"exit), tapered (the same window, support phased out over the last "
            f"{d['taper_years']} years) and permanent (year {d['start_year']} to the run's end, "
            f"year {d['base']['years']}). Every arm and the no-policy twin run "
            f"{st.replications} replications with the same seeds. 'Kept' is the ratio of "
            "mean additional jobs at the run's end to those at the temporary programmes' end; "
            "ratios carry paired bootstrap intervals.",
            "## Result\n\n" + md_table(table),
            md_table(eff),
            "## Verdict\n\n"
            + "\n".join(
                f"- {r['effect']}: {r['estimate [95% CI]']}; the model {r['reading']}."
                for _, r in eff.iterrows()
            ),
            "![exit vs permanent](figures/exit_vs_permanent.png)",
        ]
    )
    print(md_table(table))
    print(md_table(eff))


if __name__ == "__main__":
    main(sys.argv[1:])
