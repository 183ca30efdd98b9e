"""Study 7: a neutral broker vs a captured one, each against the same no-policy twin.

    python experiments/capture/run.py [--smoke] [--jobs 2]

Arms: the broker preset as designed (missing-link targeting, no capture); the same with a
captured government (capture 0.6: discretionary allocations steered to incumbents); and a fully
captured broker that also targets insiders. Outcomes, paired with the no-policy twin: focal
jobs, firms, entries during support, ties and the external-tie share.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from clustersim.analysis.stats import diff_of_ratios, paired_diff_ci
from clustersim.cli.study import (
    added_table,
    at,
    cell_runs,
    effect_figure,
    effect_row,
    load,
    md_table,
)

NAME = "capture"


def main(argv: list[str] | None = None) -> None:
    st = load(NAME, argv)
    d = st.design
    runs = cell_runs(st, {"none": ["policy=none"], **d["arms"]})
    end, last = 4 * d["end_year"], 4 * d["base"]["years"]

    def entries(series):
        return np.array([s["entries"].iloc[20 : end + 1].sum() for s in series], dtype=float)

    measures = {
        "jobs at support end": lambda s: at(s, "employment", end),
        "jobs at run end": lambda s: at(s, "employment", last),
        "firms at run end": lambda s: at(s, "firms", last),
        "entries during support": entries,
        "ties at support end": lambda s: at(s, "ties", end),
        "external tie share at support end": lambda s: at(s, "external_tie_share", end),
        "spend": lambda s: at(s, "cumulative_spend", last) if "cumulative_spend" in s[0] else 0.0,
    }
    table = added_table(runs, "none", measures)
    st.write_table(table, "arms.csv")
    eff = []
    for other in ("captured", "insiders"):
        for label, when in (("jobs at run end", last), ("jobs at support end", end)):
            x = at(runs["neutral"], "employment", when)
            y = at(runs[other], "employment", when)
            eff.append(effect_row(f"{label}: neutral - {other}", paired_diff_ci(x, y), +1))
        x, y = entries(runs["neutral"]), entries(runs[other])
        eff.append(
            effect_row(f"entries during support: neutral - {other}", paired_diff_ci(x, y), +1)
        )
        for label, col, when in (
            ("firms at run end", "firms", last),
            ("ties at support end", "ties", end),
        ):
            x, y = at(runs["neutral"], col, when), at(runs[other], col, when)
            eff.append(effect_row(f"{label}: neutral - {other}", paired_diff_ci(x, y), +1))
        twin = at(runs["none"], "employment", last)
        eff.append(
            effect_row(
                f"additional jobs at run end per 100 spent: neutral - {other}",
                diff_of_ratios(
                    100 * (at(runs["neutral"], "employment", last) - twin),
                    at(runs["neutral"], "cumulative_spend", last),
                    100 * (at(runs[other], "employment", last) - twin),
                    at(runs[other], "cumulative_spend", last),
                ),
                +1,
                2,
            )
        )
    eff = pd.DataFrame(eff)
    st.write_table(eff, "effects.csv")
    effect_figure(
        runs,
        "none",
        "employment",
        st.path("figures/capture.png"),
        "Additional focal jobs: neutral vs captured broker",
        marks=(5, d["end_year"]),
    )
    st.write_summary(
        [
            "# Study 7: capture and neutrality of the broker",
            f"## Hypothesis\n\n{d['claim']}",
            "## Design\n\n"
            "Arms (Hydra overrides on `src/clustersim/conf/presets/policy/broker.yaml`): "
            + "; ".join(f"**{k}**: `{' '.join(v)}`" for k, v in d["arms"].items())
            + f". Each arm and the no-policy twin run {st.replications} replications with the same "
            f"seeds; support from year 5 to {d['end_year']}, {d['base']['years']} years in all.",
            "## Result\n\nEach arm against the no-policy twin (mean [95% CI]):\n\n"
            + md_table(table),
            "Neutral against captured (paired):\n\n" + md_table(eff),
            "## Verdict\n\n"
            + "\n".join(
                f"- {r['effect']}: {r['estimate [95% CI]']}; the model {r['reading']}."
                for _, r in eff.iterrows()
            ),
            "![capture](figures/capture.png)",
        ]
    )
    print(md_table(table))
    print(md_table(eff))


if __name__ == "__main__":
    main(sys.argv[1:])
