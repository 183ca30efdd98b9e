"""Worked scenario discovery: when does the broker add more than X jobs? (EMA Workbench, PRIM)

    python experiments/broker_discovery/run.py [--smoke] [--jobs 2]

clustersim is exposed as an EMA Workbench model (``clustersim.experiment.ema``) whose uncertainties
are the conditions in design.yaml and whose outcome ``added_focal_employment`` is the broker run
minus its twin with the broker's intensity set to zero (same seed and replication; intensity zero
is bit-identical to no policy). A Latin hypercube of scenarios is run, then PRIM finds the box of
conditions in which the broker adds more than the threshold.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from clustersim.analysis.figures import plt, save
from clustersim.analysis.stats import proportion_ci
from clustersim.cli.compose import compose
from clustersim.cli.study import load, md_table
from clustersim.conf import to_dict
from clustersim.experiment.ema import clustersim_model, discover

NAME = "broker_discovery"


def main(argv: list[str] | None = None) -> None:
    from ema_workbench import MultiprocessingEvaluator, SequentialEvaluator

    st = load(NAME, argv)
    d = st.design
    policy = to_dict(compose([f"policy={d['preset']}"]).policy)
    off = {"policy": {"programmes": {k: {"intensity": 0.0} for k in policy["programmes"]}}}
    model = clustersim_model(
        uncertainties={k: tuple(v) for k, v in d["uncertainties"].items()},
        outcomes=["focal_employment"],
        base={**d["base"], "policy": policy},
        replications=st.replications,
        twin=off,
        name="clustersim_broker",
    )
    t0 = time.perf_counter()
    evaluator = (
        MultiprocessingEvaluator(model, n_processes=st.jobs)
        if st.jobs > 1
        else SequentialEvaluator(model)
    )
    with evaluator as ev:
        experiments, outcomes = ev.perform_experiments(
            scenarios=d["scenarios"], uncertainty_sampling_kwargs={"rng": d["sampling_seed"]}
        )
    wall = time.perf_counter() - t0
    added = np.asarray(outcomes["added_focal_employment"], dtype=float)
    x = experiments[[c for c in experiments.columns if c not in ("scenario", "policy", "model")]]
    table = x.assign(added_focal_employment=added)
    st.write_table(table, "experiments.csv")
    hit = added > d["threshold"]
    share = proportion_ci(int(hit.sum()), len(hit))

    if 0 < hit.sum() < len(hit):
        box, stats, limits = discover(x, hit, density=d["density"])
        limits = limits.reset_index(names="condition")
        limits["condition"] = limits["condition"].str.replace("__", ".")
        if len(limits):  # PRIM may restrict nothing: the whole space already meets the density
            st.write_table(limits, "prim_box.csv")
        box_text = (
            f"PRIM box: coverage {stats['coverage']:.2f} (share of all scenarios above the "
            f"threshold that fall in the box), density {stats['density']:.2f} (share of the "
            f"box's scenarios above the threshold), mass {stats['mass']:.2f}, "
            f"{int(stats['res_dim'])} restricted conditions:\n\n"
            + md_table(limits.round(3).astype(str))
        )
        lo0, hi0 = x.min(), x.max()
        said = []
        for _, r in limits.iterrows():
            key = r["condition"].replace(".", "__")
            if float(r["min"]) > lo0[key]:
                said.append(f"`{r['condition']}` >= {float(r['min']):.3g} (qp {r['qp_low']:.3f})")
            if float(r["max"]) < hi0[key]:
                said.append(f"`{r['condition']}` <= {float(r['max']):.3g} (qp {r['qp_high']:.3f})")
        conditions = (
            f"The broker adds more than {d['threshold']} jobs in {stats['density']:.0%} of the "
            f"scenarios with {' and '.join(said)}, against {hit.mean():.0%} over all scenarios; "
            f"the box holds {stats['coverage']:.0%} of all such scenarios."
            if said
            else f"The broker adds more than {d['threshold']} jobs in {hit.mean():.0%} of all "
            f"scenarios, at least the density asked of a box ({d['density']:.0%}): PRIM "
            "restricts no condition."
        )
        inside = np.ones(len(x), dtype=bool)
        for _, r in limits.iterrows():
            col = x[r["condition"].replace(".", "__")]
            inside &= (col >= float(r["min"])) & (col <= float(r["max"]))
    else:
        box_text = "PRIM needs scenarios on both sides of the threshold; there were none."
        conditions = box_text
        limits, inside = pd.DataFrame(), np.zeros(len(x), dtype=bool)

    dims = list(limits["condition"][:2]) if len(limits) >= 2 else list(d["uncertainties"])[:2]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    axes[0].hist(added, bins=30, color="0.6")
    axes[0].axvline(d["threshold"], color="C3", label=f"threshold {d['threshold']}")
    axes[0].set(
        xlabel="additional focal jobs at the run's end",
        ylabel="scenarios",
        title="What the broker adds across scenarios",
    )
    axes[0].legend()
    a, b = (x[k.replace(".", "__")] for k in dims)
    axes[1].scatter(a, b, c=np.where(hit, "C2", "0.7"), s=18)
    axes[1].scatter(
        a[inside],
        b[inside],
        facecolors="none",
        edgecolors="k",
        s=40,
        lw=0.6,
        label="in the PRIM box",
    )
    axes[1].set(
        xlabel=dims[0],
        ylabel=dims[1],
        title=f"Green: adds > {d['threshold']} jobs; circled: in the box",
    )
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    save(fig, st.path("figures/broker_discovery.png"))

    st.write_summary(
        [
            "# Scenario discovery: when does the broker add jobs?",
            f"## Question\n\n{d['question']} (X = {d['threshold']}.) Broker: Whitebook L2098-2179; "
            "neutrality L1743-1745.",
            "## Hypothesis\n\nNone fixed in advance: PRIM (the Workbench's patient rule induction) "
            "searches the conditions for a box where the broker reliably adds jobs.",
            "## Design\n\n"
            f"{d['scenarios']} scenarios, a Latin hypercube (seed {d['sampling_seed']}) over: "
            + ", ".join(f"`{k}` in [{v[0]}, {v[1]}]" for k, v in d["uncertainties"].items())
            + f"; {st.replications} replication(s) per scenario, each paired with its twin (same "
            f"seed, broker intensity 0). Years {d['base']['years']}; the broker runs years 5-15. "
            f"Wall time of the experiments: {wall:.0f} s on {st.jobs} process(es).",
            "## Result\n\n"
            f"Share of scenarios where the broker adds more than {d['threshold']} jobs: "
            f"{share[0]:.2f} [{share[1]:.2f}, {share[2]:.2f}] (Wilson 95%). Mean addition "
            f"{added.mean():.1f} jobs (range {added.min():.0f} to {added.max():.0f}).\n\n"
            + box_text,
            f"## Verdict\n\n{conditions} Quasi-p-values (qp) below 0.05 mark restrictions "
            "that are unlikely to be chance.",
            "![discovery](figures/broker_discovery.png)",
        ]
    )
    print(box_text)


if __name__ == "__main__":
    main(sys.argv[1:])
