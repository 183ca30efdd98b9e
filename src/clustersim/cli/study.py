"""Shared machinery of the studies in ``experiments/``: design files, arguments, verdicts, output.

A study is a folder ``experiments/<name>/`` with ``design.yaml`` (the hypothesis, its Whitebook
lines, the fixed parameters, the cells, the replications, and a reduced ``smoke`` block) and
``run.py`` (one command: ``python experiments/<name>/run.py [--smoke] [--jobs N]``). It writes
``results/<name>/summary.md``, a CSV of every run's outcomes and its figures.
"""

from __future__ import annotations

import argparse
import copy
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from clustersim.analysis.stats import fmt
from clustersim.cli.compose import compose
from clustersim.conf import ConfigError, make_config
from clustersim.observe.recording import check_folder


def _deep_merge(a: dict, b: dict) -> dict:
    out = copy.deepcopy(a)
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


@dataclass
class Study:
    """A study's design (from ``design.yaml``, smoke block applied if asked) and its output."""

    name: str
    design: dict
    out: Path
    jobs: int
    smoke: bool
    overrides: list[str] = field(default_factory=list)  # ``--set`` overrides on top of the base
    started: float = field(default_factory=time.perf_counter)

    @property
    def replications(self) -> int:
        return int(self.design["replications"])

    def config(self, *overrides: dict, replication: int = 0):
        """The base parameters updated by ``overrides`` (nested or dotted keys), validated."""
        data = _deep_merge(self.design.get("base", {}), {"output": {"write": False}})
        flat = {k: yaml.safe_load(v) for k, _, v in (o.partition("=") for o in self.overrides)}
        for o in overrides:
            for k, v in o.items():
                if "." in k:
                    flat[k] = v
                else:
                    data = _deep_merge(data, {k: v})
        # the full time series: the studies read the stages and the network statistics
        return make_config(data, replication=replication, **flat).with_full_timeseries()

    def path(self, name: str) -> Path:
        p = self.out / name
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def write_table(self, df: pd.DataFrame, name: str) -> Path:
        path = self.path(name)
        tmp = path.with_name(f".{path.name}.tmp")
        df.to_csv(tmp, index=False)
        tmp.replace(path)
        return path

    def write_summary(self, sections: list[str]) -> Path:
        """``summary.md``: the sections, then how it was made (command, replications, wall time)."""
        from clustersim.experiment.run import git_revision

        wall = time.perf_counter() - self.started
        mode = (" --smoke" if self.smoke else "") + "".join(f" --set {o}" for o in self.overrides)
        footer = (
            f"\n## Reproduce\n\n`python experiments/{self.name}/run.py{mode} --jobs {self.jobs}` "
            f"({self.replications} replications per cell; wall time {wall:.0f} s on "
            f"{self.jobs} worker(s); model revision {git_revision()}). Design: "
            f"`experiments/{self.name}/design.yaml`.\n"
        )
        if self.smoke:
            footer += (
                "\n**Smoke mode**: a reduced design that checks the pipeline; its numbers are "
                "not results.\n"
            )
        path = self.path("summary.md")
        tmp = path.with_name(".summary.md.tmp")
        tmp.write_text("\n\n".join(s.strip() for s in sections) + "\n" + footer)
        tmp.replace(path)
        return path


def load(name: str, argv: list[str] | None = None, here: Path | None = None) -> Study:
    """Parse the standard arguments and read ``design.yaml`` next to the study's script."""
    parser = argparse.ArgumentParser(prog=f"experiments/{name}/run.py")
    parser.add_argument("--smoke", action="store_true", help="reduced design, for tests")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--replications", type=int, help="override the design's replications")
    parser.add_argument("--out", help=f"output folder (default results/{name})")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Hydra-style override on top of the design's base, in every cell "
        "(repeatable; e.g. --set world.migration.rate=0)",
    )
    args = parser.parse_args(argv)
    folder = here or Path(__file__).resolve().parents[3] / "experiments" / name
    design = yaml.safe_load((folder / "design.yaml").read_text())
    if args.smoke:
        design = _deep_merge(design, design.get("smoke", {}))
    if args.replications:
        design["replications"] = args.replications
    out = Path(args.out or Path("results") / name)
    try:  # before the first run, not after the last
        check_folder(out, "--out")
    except ConfigError as err:
        parser.error(str(err))
    return Study(name, design, out, args.jobs, args.smoke, list(args.set))


def verdict(est: tuple[float, float, float], expected: int) -> str:
    """Whether an estimate with its interval supports an expected sign (+1 or -1); with
    ``expected=0`` (no claim) only its sign."""
    _, lo, hi = est
    if expected == 0:
        if lo > 0 or hi < 0:
            return "positive" if lo > 0 else "negative"
        return "not distinguishable from zero"
    if expected * lo > 0 and expected * hi > 0:
        return "supports the claim (the 95% interval lies on the predicted side of zero)"
    if expected * lo < 0 and expected * hi < 0:
        return "contradicts the claim (the 95% interval lies on the opposite side of zero)"
    return "is inconclusive (the 95% interval includes zero)"


def bootstrap_share_diff(a, b, n: int = 4000, seed: int = 0) -> tuple[float, float, float]:
    """Difference of two shares (mean of boolean ``a`` minus ``b``) with a percentile bootstrap
    interval; ``a`` and ``b`` are paired by replication and resampled together."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(a), size=(n, len(a)))
    diffs = a[idx].mean(axis=1) - b[idx].mean(axis=1)
    return float(a.mean() - b.mean()), *map(float, np.quantile(diffs, [0.025, 0.975]))


def md_table(df: pd.DataFrame) -> str:
    """A markdown table of a small DataFrame (estimates as text already)."""
    head = "| " + " | ".join(map(str, df.columns)) + " |"
    sep = "|" + "|".join("---" for _ in df.columns) + "|"
    rows = ["| " + " | ".join(map(str, r)) + " |" for r in df.itertuples(index=False)]
    return "\n".join([head, sep, *rows])


__all__ = ["Study", "bootstrap_share_diff", "fmt", "load", "md_table", "verdict"]


# ------------------------------------------------------------------ runs built from the presets
FOCAL_COLUMNS = (
    "firms",
    "employment",
    "output",
    "mean_productivity",
    "ties",
    "trust_mean",
    "external_tie_share",
    "tie_density",
    "entries",
    "knowledge_heterogeneity",
)
OPTIONAL_COLUMNS = (
    "policy_spend",
    "stage",
    "phase",
    "members",
    "initiative_public_spend",
    "initiative_fees",
)


def focal_series(result) -> pd.DataFrame:
    """Worker-side reduction: the focal region's main series, plus employment elsewhere."""
    ts = result.timeseries
    f = ts[ts["is_focal"]].sort_values("step").set_index("step")
    cols = [c for c in FOCAL_COLUMNS + OPTIONAL_COLUMNS if c in f.columns]
    out = f[["year", *cols]].copy()
    out["employment_elsewhere"] = ts[~ts["is_focal"]].groupby("step")["employment"].sum()
    if "policy_spend" in out:
        out["cumulative_spend"] = out["policy_spend"].cumsum()
    return out


def cell_runs(st: Study, cells: dict[str, list[str]], reduce=focal_series) -> dict[str, list]:
    """Run every cell (a list of Hydra overrides on top of ``design.base``) for replications
    0..R-1 with the same root seed (common random numbers); ``{cell: [reduce(run) per rep]}``."""
    import dataclasses

    from clustersim.experiment.batch import run_many

    base = [f"{k}={v}" for k, v in st.design.get("base", {}).items()] + st.overrides
    configs, keys = [], []
    for name, overrides in cells.items():
        cfg = compose([*base, *overrides, "output.write=false"]).with_full_timeseries()
        for r in range(st.replications):
            configs.append(dataclasses.replace(cfg, replication=r))
            keys.append(name)
    results = run_many(configs, reduce, st.jobs, progress=True)
    out: dict[str, list] = {name: [] for name in cells}
    for k, res in zip(keys, results, strict=True):
        out[k].append(res)
    return out


def at(series: list[pd.DataFrame], column: str, step: int) -> np.ndarray:
    """``column`` at ``step`` (clipped to the last step) for every replication."""
    return np.array([s[column].iloc[min(step, len(s) - 1)] for s in series], dtype=float)


def effect_row(label: str, est: tuple[float, float, float], expected: int, digits: int = 1):
    return {
        "effect": label,
        "estimate [95% CI]": fmt(est, digits),
        "reading": verdict(est, expected),
    }


# ------------------------------------------------------------------ factorial designs
def factorial_cells(
    preset: str, factors: list[str], short: dict[str, str], budget_per_weight: float | None = None
) -> dict[str, list[str]]:
    """Every subset of a preset's programmes as a cell of Hydra overrides, labelled like
    ``B+T``; the empty subset is ``none`` (no policy). With ``budget_per_weight``, a subset's
    regional budget is that times the weights of its programmes, so each instrument keeps the
    money it has inside the full preset."""
    from itertools import combinations

    programmes = compose([f"policy={preset}"]).policy.programmes
    cells = {"none": ["policy=none"]}
    for k in range(1, len(factors) + 1):
        for subset in combinations(factors, k):
            name = "+".join(short[f] for f in subset)
            over = [f"policy={preset}", f"policy.name={name}"]
            if budget_per_weight is not None:
                weight = sum(programmes[f].weight for f in subset)
                over.append(f"policy.regional.budget={budget_per_weight * weight}")
            over += [f"~policy.programmes.{f}" for f in factors if f not in subset]
            cells[name] = over
    return cells


def factorial_contrast(values: dict[str, np.ndarray], terms: tuple[str, ...]) -> np.ndarray:
    """Per replication, the factorial effect of ``terms`` (one letter: a main effect; several: an
    interaction): mean over cells where the coded product is +1 minus mean where it is -1."""
    total = 0.0
    for cell, v in values.items():
        present = set(cell.split("+")) if cell != "none" else set()
        total = total + np.prod([1 if t in present else -1 for t in terms]) * v
    return total / (len(values) / 2)


def added_table(runs: dict[str, list], twin: str, measures: dict, digits: int = 1) -> pd.DataFrame:
    """One row per arm: each measure's paired difference from the twin, mean [95% CI].

    ``measures`` maps a label to a function of a replication list of focal series -> array."""
    from clustersim.analysis.stats import mean_ci

    rows = []
    for arm, series in runs.items():
        if arm == twin:
            continue
        row = {"arm": arm}
        for label, fn in measures.items():
            row[label] = fmt(mean_ci(fn(series) - fn(runs[twin])), digits)
        rows.append(row)
    return pd.DataFrame(rows)


def effect_figure(runs: dict[str, list], twin: str, column: str, path, title: str, marks=()):
    """Paired difference from the twin over time, one line per arm, with 95% bands."""
    from clustersim.analysis.figures import plt, save

    fig, ax = plt.subplots(figsize=(8, 4.5))
    years = runs[twin][0]["year"].to_numpy()
    for arm, series in runs.items():
        if arm == twin:
            continue
        diff = np.array(
            [
                s[column].to_numpy() - t[column].to_numpy()
                for s, t in zip(series, runs[twin], strict=True)
            ]
        )
        m = diff.mean(axis=0)
        half = 1.96 * diff.std(axis=0, ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else 0 * m
        ax.plot(years, m, label=arm)
        ax.fill_between(years, m - half, m + half, alpha=0.15)
    for x in marks:
        ax.axvline(x, color="k", lw=0.8)
    ax.axhline(0, color="0.5", lw=0.8)
    ax.set(xlabel="year", ylabel=f"{column}: policy - no-policy twin", title=title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save(fig, path)
