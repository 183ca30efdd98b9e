"""Global sensitivity analysis with SALib: Sobol' indices or Morris elementary effects.

    clustersim-sensitivity --method sobol -N 64 \\
        --param market.selection=1:5 --param entry.spinoff_rate=0:0.01 \\
        --output focal_employment --output concentration \\
        --set years=20 --replications 2 --jobs 2 --out results/sensitivity/demo

Each design point runs ``--replications`` replications of the seed and averages each outcome,
so the indices describe the expected response, not one noisy draw. Writes ``design.parquet``
(inputs and outputs of every point), ``indices.csv`` (one row per output, parameter and index,
with its 95% confidence interval from SALib's bootstrap) and ``indices.png``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from clustersim.analysis.outcomes import OUTCOMES, check_outcomes, timeseries_for
from clustersim.conf import ConfigError, iter_params, make_config
from clustersim.experiment.batch import outcomes_of, run_many
from clustersim.observe.recording import check_folder

METHODS = ("sobol", "morris")


@dataclass(frozen=True)
class Factor:
    """A parameter varied over [lo, hi]; integer parameters are rounded."""

    key: str
    lo: float
    hi: float
    integer: bool = False


def _field_types() -> dict[str, tuple[type, dict]]:
    return {key: (type(default), dict(f.metadata)) for key, default, f in iter_params()}


def factor(key: str, lo: float, hi: float) -> Factor:
    """A checked factor: the key must be a numeric parameter and [lo, hi] inside its range."""
    types = _field_types()
    if key not in types:
        raise ConfigError(f"{key}: unknown parameter; see docs/parameters.md for the keys")
    tp, meta = types[key]
    if tp not in (int, float):
        raise ConfigError(f"{key}: a {tp.__name__} parameter cannot be varied; numeric only")
    if not lo < hi:
        raise ConfigError(f"{key}={lo}:{hi}: the range needs lo < hi")
    for v in (lo, hi):
        if (meta["lo"] is not None and v < meta["lo"]) or (
            meta["hi"] is not None and v > meta["hi"]
        ):
            raise ConfigError(
                f"{key}={v:g}: out of range; allowed: {tp.__name__} in "
                f"[{meta['lo']:g}, {meta['hi']:g}]"
            )
    return Factor(key, float(lo), float(hi), tp is int)


def parse_factor(text: str) -> Factor:
    """``"market.selection=1:5"`` -> Factor."""
    try:
        key, rng = text.split("=", 1)
        lo, hi = (float(v) for v in rng.split(":"))
    except ValueError:
        raise ConfigError(
            f"--param {text!r}: expected key=lo:hi, e.g. market.selection=1:5"
        ) from None
    return factor(key.strip(), lo, hi)


def problem(factors: list[Factor]) -> dict:
    return {
        "num_vars": len(factors),
        "names": [f.key for f in factors],
        "bounds": [[f.lo, f.hi] for f in factors],
    }


def sample(method: str, factors: list[Factor], n: int, seed: int = 0) -> np.ndarray:
    """The design matrix: Sobol' (Saltelli scheme, N*(D+2) rows) or Morris (N trajectories)."""
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem(factors), n, calc_second_order=False, seed=seed)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem(factors), n, num_levels=4, seed=seed)
    raise ConfigError(f"method={method!r}: unknown; allowed: {' | '.join(METHODS)}")


def point_config(base: dict, factors: list[Factor], x: np.ndarray, replication: int):
    values = {
        f.key: (int(round(v)) if f.integer else float(v)) for f, v in zip(factors, x, strict=True)
    }
    return make_config(base, replication=replication, **values)


def evaluate(
    X: np.ndarray,
    factors: list[Factor],
    outputs: list[str],
    base: dict | None = None,
    replications: int = 1,
    n_jobs: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """Run every design point ``replications`` times; one row per point, outcomes averaged.
    The runs record only the columns the outcomes read (``output.timeseries``)."""
    base = dict(base or {})
    kept = {"write": False, "figures": False, "timeseries": timeseries_for(outputs)}
    base["output"] = {**kept, **base.get("output", {})}
    configs = [point_config(base, factors, x, r) for x in X for r in range(replications)]
    rows = pd.DataFrame(run_many(configs, outcomes_of(outputs), n_jobs, progress))
    rows["point"] = np.repeat(np.arange(len(X)), replications)
    means = rows.groupby("point")[outputs].mean()
    design = pd.DataFrame(X, columns=[f.key for f in factors])
    return pd.concat([design, means.reset_index(drop=True)], axis=1)


def analyze(
    method: str, factors: list[Factor], X: np.ndarray, Y: pd.DataFrame, seed: int = 0
) -> pd.DataFrame:
    """Indices with 95% intervals, tidy: output, parameter, index, estimate, ci_low, ci_high."""
    from SALib.analyze import morris, sobol

    rows = []
    for out in Y.columns:
        y = Y[out].to_numpy(dtype=float)
        if method == "sobol":
            s = _sobol(sobol, problem(factors), y, seed)
            names = ("S1", "ST")
        else:
            s = morris.analyze(problem(factors), X, y, conf_level=0.95, num_levels=4, seed=seed)
            names = ("mu_star",)
        for i, f in enumerate(factors):
            for idx in names:
                est, half = float(s[idx][i]), float(s[f"{idx}_conf"][i])
                rows.append(
                    {
                        "method": method,
                        "output": out,
                        "parameter": f.key,
                        "index": idx,
                        "estimate": est,
                        "ci_low": est - half,
                        "ci_high": est + half,
                    }
                )
            if method == "morris":
                rows.append(
                    {
                        "method": method,
                        "output": out,
                        "parameter": f.key,
                        "index": "sigma",
                        "estimate": float(s["sigma"][i]),
                        "ci_low": np.nan,
                        "ci_high": np.nan,
                    }
                )
    return pd.DataFrame(rows)


def _sobol(sobol, prob: dict, y: np.ndarray, seed: int) -> dict:
    """SALib's Sobol' analysis with intervals that ``seed`` fixes, 0 included: SALib reads a
    seed of 0 as none and resamples from numpy's global generator, so for 0 that generator is
    seeded with 0 for the call and then put back as it was."""
    analyze = partial(sobol.analyze, prob, y, calc_second_order=False, conf_level=0.95)
    if seed:
        return analyze(seed=seed)
    state = np.random.get_state()
    np.random.seed(0)
    try:
        return analyze(seed=None)
    finally:
        np.random.set_state(state)


def figure(indices: pd.DataFrame, path: Path) -> Path:
    """One panel per output: each parameter's indices as bars with their 95% intervals."""
    from clustersim.analysis.figures import plt, save

    outs = list(dict.fromkeys(indices["output"]))
    kinds = [k for k in ("S1", "ST", "mu_star") if k in set(indices["index"])]
    fig, axes = plt.subplots(1, len(outs), figsize=(4.5 * len(outs), 3.6), squeeze=False)
    for ax, out in zip(axes[0], outs, strict=True):
        d = indices[indices["output"] == out]
        params = list(dict.fromkeys(d["parameter"]))
        width = 0.8 / len(kinds)
        for k, kind in enumerate(kinds):
            dk = d[d["index"] == kind].set_index("parameter").loc[params]
            pos = np.arange(len(params)) + (k - (len(kinds) - 1) / 2) * width
            err = np.vstack([dk["estimate"] - dk["ci_low"], dk["ci_high"] - dk["estimate"]]).clip(
                min=0
            )
            ax.barh(pos, dk["estimate"], height=width, xerr=err, label=kind, capsize=2)
        ax.set_yticks(np.arange(len(params)), params, fontsize=8)
        ax.axvline(0, color="0.5", lw=0.8)
        ax.set_title(out, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    axes[0][0].legend(fontsize=8)
    fig.suptitle("Sensitivity indices with 95% intervals")
    fig.tight_layout()
    return save(fig, path)


def sensitivity(
    method: str,
    factors: list[Factor],
    outputs: list[str],
    n: int,
    base: dict | None = None,
    replications: int = 1,
    n_jobs: int = 1,
    seed: int = 0,
    out: str | Path | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Sample, run, analyse; write the design, the indices and the figure under ``out``."""
    from clustersim.observe.recording import write_json, write_parquet

    outputs = check_outcomes(outputs)
    X = sample(method, factors, n, seed)
    design = evaluate(X, factors, outputs, base, replications, n_jobs, progress)
    indices = analyze(method, factors, X, design[outputs], seed)
    if out is not None:
        out = Path(out)
        write_parquet(design, out / "design.parquet")
        tmp = out / ".indices.csv.tmp"
        indices.to_csv(tmp, index=False)
        tmp.replace(out / "indices.csv")
        write_json(
            {
                "method": method,
                "N": n,
                "points": len(X),
                "replications": replications,
                "seed": seed,
                "factors": [dataclasses.asdict(f) for f in factors],
                "outputs": outputs,
                "base": base or {},
            },
            out / "design.json",
        )
        figure(indices, out / "indices.png")
    return indices


def _parse_set(items: list[str]) -> dict:
    base: dict = {}
    for item in items:
        if "=" not in item:
            raise ConfigError(f"--set {item!r}: expected key=value")
        key, value = item.split("=", 1)
        node = base
        parts = key.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = json.loads(value) if value not in ("", None) else value
    return base


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="clustersim-sensitivity",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--method", choices=METHODS, default="sobol")
    parser.add_argument("--param", action="append", required=True, help="key=lo:hi (repeat)")
    parser.add_argument(
        "--output", action="append", help=f"outcome (repeat); one of: {', '.join(OUTCOMES)}"
    )
    parser.add_argument("-N", type=int, default=64, help="base sample size (Sobol: a power of 2)")
    parser.add_argument("--replications", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], help="fixed key=value (repeat)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="results/sensitivity")
    args = parser.parse_args(argv)
    try:
        factors = [parse_factor(p) for p in args.param]
        base = _parse_set(args.set)
        make_config(base)  # refuse a bad fixed value, or output folder, before any run
        check_folder(args.out, "--out")
        indices = sensitivity(
            args.method,
            factors,
            args.output or ["focal_employment"],
            args.N,
            base,
            args.replications,
            args.jobs,
            args.seed,
            args.out,
            progress=True,
        )
    except (ConfigError, ValueError) as err:
        print(f"clustersim-sensitivity: {err}", file=sys.stderr)
        sys.exit(2)
    with pd.option_context("display.width", 120, "display.max_rows", 200):
        print(indices.round(3).to_string(index=False))
    print(f"wrote {args.out}/indices.csv, indices.png, design.parquet")
