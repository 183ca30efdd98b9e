"""Life-cycle study: the patterns P1, P2, P7, P8 and W2, and how long each preset takes to mature.

    python experiments/lifecycle/run.py [--smoke] [--jobs 2] [--parts p1,p2,p7,p8,presets]
                                        [--out results/lifecycle]

Writes results/lifecycle/{<part>.md, summary.md, presets.csv, removal.csv, figures/}; a part can
be re-run alone and summary.md gathers the latest of each. The measures are in
clustersim.analysis.lifecycle_patterns; tests/test_validation_lifecycle.py asserts the same
patterns with fewer replications. Every arm of a comparison uses the same seeds.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from clustersim.analysis import lifecycle_patterns as lp
from clustersim.analysis.figures import plt, save
from clustersim.analysis.plots_lifecycle import preset_multiples
from clustersim.analysis.stats import fmt, mean_ci, paired_diff_ci, proportion_ci
from clustersim.cli.compose import compose
from clustersim.cli.study import md_table
from clustersim.conf import make_config
from clustersim.conf.merge import configure
from clustersim.experiment.batch import run_many
from clustersim.experiment.perturb import removal_dose_response, shock_response

OUT = Path("results/lifecycle")
SECTORS = ["generic", "biotech", "automotive", "creative", "traditional"]
CIRCUMSTANCES = [
    "small_open",
    "large_economy",
    "centralised",
    "decentralised",
    "large_firm",
    "sme",
    "rural",
    "developing",
    "transition",
]
GOVERNMENT = ("centralised", "decentralised")  # they act through the initiative: run with one
PRESETS = {
    "sector": [[f"sector={s}"] for s in SECTORS],
    "circumstance": [
        [f"circumstance={c}"] + (["process=engineered"] if c in GOVERNMENT else [])
        for c in CIRCUMSTANCES
    ],
    "process": [[f"process={p}"] for p in ("none", "engineered", "organic", "reengineered")],
}
PARTS = ("p1", "p2", "p7", "p8", "presets")
SHOCK_STEP = 4 * lp.SHOCK_YEAR


def reps(cfg, n):
    return [dataclasses.replace(cfg, replication=r) for r in range(n)]


def preset_config(overrides: list[str], years: int):
    return compose([*overrides, f"years={years}"])


class Setup:
    """Sizes for a full or a smoke run, and the worker count."""

    def __init__(self, smoke: bool, jobs: int):
        self.smoke, self.jobs = smoke, jobs
        self.years = 10 if smoke else 40
        self.shock_step = min(SHOCK_STEP, 4 * self.years - 8)

    def n(self, full: int) -> int:
        return min(3, full) if self.smoke else full

    def many(self, configs):
        return run_many(configs, n_jobs=self.jobs)


def part_p1(st: Setup) -> list[str]:
    order = lp.stage_order(st.many(reps(make_config(seed=100, years=st.years), st.n(50))))
    share = proportion_ci(int(order["passes"].sum()), len(order))
    return [
        "## P1 stage order (default scenario)",
        f"- passes emerging -> developing -> mature in order: {fmt(share)} of {len(order)} runs",
        f"- years to maturity: {fmt(mean_ci(order['year_mature']), 1)}; "
        f"reached in {order['year_mature'].notna().mean():.0%}",
        "- sequences: "
        + "; ".join(f"{k} ({v})" for k, v in order["sequence"].value_counts().items()),
    ]


# the new industry's two life-cycle mechanisms, one at a time (docs/validation.md, P2)
SMOOTH = {"market.dominant_design_year": 0.0}  # the life cycle follows the market's diffusion
P2_VARIANTS = {
    "neither": {"market.standardisation": 0.0, "market.sunk_cost_escalation": 0.0},
    "standardisation 2, smooth": {"market.sunk_cost_escalation": 0.0, **SMOOTH},
    "escalation 1, smooth": {"market.standardisation": 0.0, **SMOOTH},
    "both, smooth": SMOOTH,
    "both, dominant design in year 15 (scenario=new_industry)": {},
}


def part_p2(st: Setup) -> list[str]:
    lines = [
        "## P2 shake-out (scenario=new_industry: 30 pioneers in a full economy, demand +8 %/yr)",
        "",
        "| variant | runs | P2 passes | median rise | median drop | median peak year "
        "| output x after peak |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, kw in P2_VARIANTS.items():
        runs, m = _new_industry(st, kw, 10 if kw else 30)
        passes = proportion_ci(int(lp.is_shakeout(m).sum()), len(m))
        lines.append(
            f"| {name} | {len(m)} | {fmt(passes)} | {m['rise'].median():.2f} | "
            f"{m['drop'].median():.2f} | {m['peak_year'].median():.1f} | "
            f"{m['output_growth_after_peak'].median():.3g} |"
        )
    paths = pd.concat({r: lp.industry_path(ts) for r, ts in enumerate(runs)}, names=["run"])
    paths.to_csv(_out("p2_paths.csv"))
    _shakeout_figure(paths, lp.is_shakeout(m))
    return lines + ["", *_p2_sensitivity(st)]


def _new_industry(st: Setup, kw: dict, n: int) -> tuple[list, pd.DataFrame]:
    """``n`` runs of ``scenario=new_industry`` (seed 7) with the overrides ``kw``, and their
    shake-out measures."""
    overrides = {"scenario": "new_industry", "seed": 7, "years": st.years, **kw}
    runs = st.many(reps(configure(None, overrides=overrides), st.n(n)))
    return runs, pd.DataFrame([lp.shakeout(ts) for ts in runs])


def _p2_cell(st: Setup, kw: dict) -> str:
    """P2 passes of 30 runs of the new industry with ``kw``, and the median rise, drop and
    peak year."""
    m = _new_industry(st, kw, 30)[1]
    return (
        f"{int(lp.is_shakeout(m).sum())} of {len(m)} ({m['rise'].median():.2f}, "
        f"{m['drop'].median():.2f}, {m['peak_year'].median():.0f})"
    )


def _p2_grid(st: Setup, rows: tuple, cols: tuple, fixed: dict) -> list[str]:
    """A table of :func:`_p2_cell` over two parameters, ``rows`` and ``cols`` each a key and
    its values."""
    (rkey, rvals), (ckey, cvals) = rows, cols
    lines = [f"| {rkey} (rows), {ckey} (columns) | " + " | ".join(map(str, cvals)) + " |"]
    lines.append("|---" * (len(cvals) + 1) + "|")
    for rv in rvals:
        cells = [_p2_cell(st, {**fixed, rkey: rv, ckey: cv}) for cv in cvals]
        lines.append(f"| {rv} | " + " | ".join(cells) + " |")
    return lines


def _p2_sensitivity(st: Setup) -> list[str]:
    """P2 passes around the scenario's values: a sensitivity check, not a search
    (docs/validation.md, P2)."""
    design = _p2_grid(
        st,
        ("market.dominant_design_year", (10.0, 15.0, 20.0)),
        ("market.design_ramp", (0.0, 5.0, 10.0)),
        {},
    )
    smooth = _p2_grid(
        st,
        ("market.sunk_cost_escalation", (0.5, 0.75, 1.0)),
        ("market.standardisation", (1.0, 2.0, 3.0)),
        SMOOTH,
    )
    klepper = [  # the size premium of process innovation, Klepper's (1996) own channel
        f"{se}: {_p2_cell(st, {'market.scale_economies': se})}" for se in (0.0, 0.25, 0.4, 0.6)
    ]
    return [
        "P2 passes (median rise, median drop, median peak year), around the dominant design:",
        "",
        *design,
        "",
        "and with the smooth life cycle (no dominant design), around its a-priori values:",
        "",
        *smooth,
        "",
        "P2 passes by market.scale_economies (Klepper 1996): " + "; ".join(klepper),
    ]


def _shakeout_figure(paths: pd.DataFrame, passes: pd.Series) -> None:
    """The new industry's firms, entries and exits, and output by year: the median and the
    10-90 % band over runs, and each run's firm count (dark if it passes P2)."""
    by_year = paths.groupby("year")
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), constrained_layout=True)
    for run, path in paths.groupby("run"):
        shade = "black" if passes.iloc[run] else "silver"
        axes[0].plot(path.index.get_level_values("year"), path["firms"], color=shade, lw=0.6)
    axes[0].plot(by_year["firms"].median(), color="tab:red", lw=2, label="median")
    axes[0].set(xlabel="year", ylabel="firms", title="firms (dark: the run passes P2)")
    axes[0].legend(fontsize=8)
    for col, colour in (("entries", "tab:blue"), ("exits", "tab:orange")):
        axes[1].plot(by_year[col].mean(), color=colour, label=f"{col} a year (mean)")
    axes[1].set(xlabel="year", ylabel="firms a year", title="entry and exit")
    axes[1].legend(fontsize=8)
    out = by_year["output"]
    axes[2].fill_between(out.quantile(0.1).index, out.quantile(0.1), out.quantile(0.9), alpha=0.3)
    axes[2].plot(out.median(), color="black")
    axes[2].set(xlabel="year", ylabel="output", title="output (median, 10-90 %)")
    save(fig, _out("figures/p2_shakeout.png"))


def part_p7(st: Setup) -> list[str]:
    shares = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    cfg = make_config(seed=11, years=st.years)
    removal = removal_dose_response(cfg, shares, st.shock_step - 20, st.n(8))
    removal.to_csv(_out("removal.csv"), index=False)
    th = lp.threshold(removal)
    fig, ax = plt.subplots(figsize=(5, 3.5), constrained_layout=True)
    g = removal.groupby("share")["loss"]
    ax.plot(g.mean().index, g.mean(), "o-", color="black", label="long-run loss")
    ax.fill_between(g.mean().index, g.quantile(0.1), g.quantile(0.9), color="grey", alpha=0.3)
    ax.plot([0, 0.9], [0, 0.9], ":", color="grey", label="no recovery")
    ax.set_xlabel("share of focal firms removed at year 15")
    ax.set_ylabel("loss of focal employment at year 40")
    ax.legend(fontsize=8)
    save(fig, _out("figures/p7_removal.png"))
    return [
        "## P7 critical mass (remove a share of focal firms at year 15, read year 40)",
        "- long-run loss by share: "
        + ", ".join(f"{k:.1f}: {v:.2f}" for k, v in th["loss"].items()),
        f"- largest step {th['jump']:.2f} at share {th['jump_at']:.1f} vs median step "
        f"{th['median_step']:.3f} (ratio {th['jump_ratio']:.1f})",
        f"- share of the removal not recovered: {th['unrecovered_below']:.2f} below the jump, "
        f"{th['unrecovered_at_max']:.2f} at 90 %",
        "- focal still leads: "
        + ", ".join(f"{k:.1f}: {v:.2f}" for k, v in th["lead_kept"].items()),
    ]


def part_p8(st: Setup) -> list[str]:
    """P8 lock-in over the shared shock range (open vs closed, each against its no-shock twin),
    and W2 renewal among the runs that declined."""
    k = st.n(32)
    arms = {"open": {}, "closed": lp.CLOSED_COMMUNITY}
    base = make_config(seed=21, years=st.years)
    df = shock_response(base, arms, lp.SHOCK_SIZES, st.shock_step, k, st.jobs, progress=True)
    df.to_csv(_out("shock_response.csv"), index=False)
    lines = [
        f"## P8 lock-in and W2 renewal (shock at year {st.shock_step // 4}, {k} seeds per arm)",
        "",
        "| shock size | loss open | loss closed | closed - open (paired) "
        "| declined open | declined closed |",
        "|---|---|---|---|---|---|",
    ]
    for size, g in df.groupby("size"):
        o, c = (g[g["arm"] == a].sort_values("replication") for a in ("open", "closed"))
        lines.append(
            f"| {size} | {fmt(mean_ci(o['loss']))} | {fmt(mean_ci(c['loss']))} | "
            f"{fmt(paired_diff_ci(c['loss'].to_numpy(), o['loss'].to_numpy()), 3)} | "
            f"{fmt(proportion_ci(int(o['declined'].sum()), k))} | "
            f"{fmt(proportion_ci(int(c['declined'].sum()), k))} |"
        )
    structure = df.groupby("arm")[["pre_external_share", "pre_heterogeneity"]].mean()
    lines += ["", "Structure before the shock:", "", md_table(structure.round(3).reset_index())]
    width = make_config().market.fit_width
    shocked = {"shocks.steps": [st.shock_step], "shocks.size": max(lp.SHOCK_SIZES)}
    declined = df[(df["size"] == max(lp.SHOCK_SIZES)) & df["declined"]]
    runs = st.many(
        [
            configure(dataclasses.replace(base, replication=int(r)), overrides=arms[a] | shocked)
            for a, r in zip(declined["arm"], declined["replication"], strict=True)
        ]
    )
    found = [r for ts in runs if (r := lp.renewal(ts, st.shock_step, width)) is not None]
    if found:
        w2 = pd.DataFrame(found)
        lines += [
            "",
            f"- W2: {len(w2)} runs declined and renewed; new core vs old core "
            f"{fmt(mean_ci(w2['observed']))}, chance (uniform in the new niche) "
            f"{fmt(mean_ci(w2['chance']))}; ratio {fmt(mean_ci(w2['observed'] / w2['chance']))}; "
            f"nearer than chance in {(w2['observed'] < w2['chance']).mean():.0%}",
        ]
    return lines


def part_presets(st: Setup) -> list[str]:
    rows, multiples = [], {}
    k = st.n(10)
    for group, variants in PRESETS.items():
        for overrides in variants:
            name = " ".join(overrides)
            runs = st.many(reps(preset_config(overrides, st.years), k))
            got = lp.maturity_years(runs)
            got = got[np.isfinite(got)]
            stat = {
                q: np.percentile(got, p) if len(got) else np.nan
                for q, p in (("p25", 25), ("median_years", 50), ("p75", 75))
            }
            rows.append(
                {
                    "preset": name,
                    "runs": k,
                    "mature_share": len(got) / k,
                    **stat,
                    "min": got.min() if len(got) else np.nan,
                    "max": got.max() if len(got) else np.nan,
                    "in_order": lp.stage_order(runs)["passes"].mean(),
                }
            )
            label = name.replace(f"{group}=", "").replace(" process=", " + ")
            multiples.setdefault(group, {})[label] = pd.concat(runs, ignore_index=True)
    table = pd.DataFrame(rows)[
        ["preset", "runs", "mature_share", "median_years", "p25", "p75", "min", "max", "in_order"]
    ]
    table.to_csv(_out("presets.csv"), index=False)
    for group, runs in multiples.items():
        preset_multiples(runs, _out(f"figures/presets_{group}.png"), title=f"{group} presets")
    return ["## Years to maturity by preset", "", md_table(table.round(2))]


def main(argv: list[str]) -> None:
    global OUT
    if "--out" in argv:
        OUT = Path(argv[argv.index("--out") + 1])
    jobs = int(argv[argv.index("--jobs") + 1]) if "--jobs" in argv else 1
    parts = argv[argv.index("--parts") + 1].split(",") if "--parts" in argv else PARTS
    st = Setup("--smoke" in argv, jobs)
    for part in parts:
        t0 = time.perf_counter()
        lines = globals()[f"part_{part}"](st)
        lines.append(f"\n({time.perf_counter() - t0:.0f} s, {jobs} job(s))")
        _out(f"{part}.md").write_text("\n".join(lines) + "\n")
        print("\n".join(lines), flush=True)
    done = [OUT / f"{p}.md" for p in PARTS if (OUT / f"{p}.md").exists()]
    summary = "# Life-cycle study\n\n" + "\n".join(p.read_text() for p in done)
    _out("summary.md").write_text(summary)


def _out(name: str) -> Path:
    path = OUT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


if __name__ == "__main__":
    main(sys.argv[1:])
