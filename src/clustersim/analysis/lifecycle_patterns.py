"""Measures of the life-cycle validation patterns (docs/validation.md) on finished runs.

P1 stage order, P2 shake-out, P7 critical mass and hysteresis, P8 lock-in, W2 renewal near the
old core, and the time each preset takes to mature. The tests and ``experiments/lifecycle``
share these functions; each works on recorded time series (the runs of P7's dose-response come
from :func:`clustersim.experiment.perturb.removal_dose_response`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clustersim.conf import STEPS_PER_YEAR
from clustersim.observe.lifecycle import passes_in_order, stage_sequence, time_to


def focal(ts: pd.DataFrame) -> pd.DataFrame:
    """The focal region's rows of one run, indexed by step."""
    return ts[ts["is_focal"]].set_index("step").sort_index()


def _position(row: pd.Series, prefix: str) -> np.ndarray:
    return row[sorted(c for c in row.index if c.startswith(prefix))].to_numpy(dtype=float)


# ----------------------------------------------------------------------------- P1
def stage_order(runs: list[pd.DataFrame]) -> pd.DataFrame:
    """Per run: whether the focal cluster passed emerging -> developing -> mature in order, and
    the years it first reached each stage."""
    rows = []
    for ts in runs:
        f = focal(ts)
        row = {
            "passes": passes_in_order(f["stage"]),
            "sequence": " > ".join(stage_sequence(f["stage"])),
        }
        for stage in ("emerging", "developing", "mature"):
            row[f"year_{stage}"] = time_to(f["stage"], stage, f["year"])
        rows.append(row)
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- P2
def shakeout(ts: pd.DataFrame, smooth_years: int = 2) -> dict:
    """The industry's firm count (all regions, smoothed over ``smooth_years``): its rise from
    the start to its peak, the drop from the peak to the end, and output growth from the peak
    to the end (Gort & Klepper 1982: firms rise, peak and fall by half or more while output
    keeps growing). A count that only falls from the start (the founding cohort thinning out)
    has no rise: its peak is the start, not a shake-out."""
    world = ts.groupby("step")[["firms", "output"]].sum()
    firms = world["firms"].rolling(smooth_years * STEPS_PER_YEAR, min_periods=1).mean()
    peak = int(firms.to_numpy().argmax())
    out = world["output"].to_numpy()
    return {
        "peak_year": peak / STEPS_PER_YEAR,
        "peak_firms": float(firms.iloc[peak]),
        "rise": float(firms.iloc[peak] / firms.iloc[0] - 1.0),
        "end_firms": float(firms.iloc[-1]),
        "drop": float(1.0 - firms.iloc[-1] / firms.iloc[peak]),
        "output_growth_after_peak": float(out[-1] / max(out[max(peak, 1)], 1e-12)),
    }


SHAKEOUT_RISE, SHAKEOUT_DROP = 1 / 3, 0.3  # P2's bars: a rise of a third, a fall of 30 %


def is_shakeout(measures: pd.DataFrame) -> pd.Series:
    """Per run (rows of :func:`shakeout`): the count rose by a third or more, then fell by 30 %
    or more from its peak while output grew (P2)."""
    return (
        (measures["rise"] >= SHAKEOUT_RISE)
        & (measures["drop"] >= SHAKEOUT_DROP)
        & (measures["output_growth_after_peak"] > 1.0)
    )


def industry_path(ts: pd.DataFrame) -> pd.DataFrame:
    """One run's industry (all regions) by year: firms at the year's end, entries and exits over
    the year, output in its last quarter."""
    world = ts.groupby("step")[["firms", "entries", "exits", "output"]].sum()
    year = world.index.to_series() // STEPS_PER_YEAR
    path = world.groupby(year).agg(
        {"firms": "last", "entries": "sum", "exits": "sum", "output": "last"}
    )
    path.index.name = "year"
    return path


# ----------------------------------------------------------------------------- P7
def threshold(df: pd.DataFrame) -> dict:
    """Long-run loss by dose; the largest step between neighbouring doses against the median
    step (a threshold shows as one step far above the rest); the share of the removal that is
    not recovered 25 years on (hysteresis) below and above the threshold."""
    loss = df.groupby("share")["loss"].mean()
    steps = loss.diff().iloc[1:]
    jump_at = float(steps.idxmax())
    unrecovered = (loss / loss.index.to_series()).iloc[1:]
    below = unrecovered[unrecovered.index < jump_at]
    return {
        "loss": loss.round(3).to_dict(),
        "lead_kept": df.groupby("share")["leads"].mean().round(2).to_dict(),
        "jump_at": jump_at,
        "jump": float(steps.max()),
        "median_step": float(steps.median()),
        "jump_ratio": float(steps.max() / max(steps.median(), 1e-9)),
        "unrecovered_below": float(below.mean()) if len(below) else float("nan"),
        "unrecovered_at_max": float(unrecovered.iloc[-1]),
    }


# ----------------------------------------------------------------------------- P8
# One definition of openness, of the shock range and of the outcome for P8, the life-cycle
# study and study 5 (experiments/openness_lockin), so their verdicts can be compared.
CLOSED_COMMUNITY = {  # the focal region as a closed community (L2966-2977): in-group trust 0.8,
    # outsiders 0.1, and chance partners met in a firm's own grid cell only (Granovetter 1973)
    "world.focal.bonding": 0.8 / 0.55,  # of the default bonding trust 0.55
    "world.focal.bridging": 0.1 / 0.35,  # of the default bridging trust 0.35
    "world.focal.search_radius": 0,  # of the default 1, the 3x3 cells around it
}
SHOCK_SIZES = (1.0, 2.0, 3.0, 4.0)  # demand jumps, in widths of the demand niche (L1675-1686)
SHOCK_YEAR = 25  # the default cluster is mature by then in most runs (P1)
DECLINE_BELOW = 0.5  # declined: focal employment at the end below half its pre-shock level


def after_shock(ts: pd.DataFrame, shock_step: int) -> dict:
    """The focal cluster after a shock: *retention*, its employment at the end over that just
    before the shock; *declined*, retention below :data:`DECLINE_BELOW`; and its structure over
    the two years before the shock. Pair it with the same seed's run without the shock through
    :func:`shock_loss`."""
    f = focal(ts)
    pre = f.loc[shock_step - 2 * STEPS_PER_YEAR : shock_step - 1]
    retention = float(f["employment"].iloc[-1] / pre["employment"].iloc[-1])
    return {
        "retention": retention,
        "declined": retention < DECLINE_BELOW,
        "pre_external_share": float(pre["core_external_share"].mean()),
        "pre_heterogeneity": float(pre["knowledge_heterogeneity"].mean()),
        "pre_tie_density": float(pre["core_tie_density"].mean()),
    }


def shock_loss(shocked: dict, calm: dict) -> float:
    """The share of focal employment the shock itself cost: 1 - retention with the shock over
    retention of the same seed without it (common random numbers make the two comparable)."""
    return 1.0 - shocked["retention"] / calm["retention"]


# ----------------------------------------------------------------------------- W2
def renewal(ts: pd.DataFrame, shock_step: int, fit_width: float, draws: int = 4000) -> dict | None:
    """For a run whose focal cluster declined after the shock and then renewed (entered
    developing, mature or transformation again): the distance of its final core from its
    pre-shock core, against the mean distance to positions drawn uniformly from the new demand
    niche (a disc of radius ``fit_width`` around the final demand), i.e. where a new core would
    sit if it owed nothing to the old one. Returns None for runs that did not decline and renew.
    """
    f = focal(ts)
    seq = stage_sequence(f.loc[shock_step + 1 :, "stage"])
    if "decline" not in seq:
        return None
    after = seq[seq.index("decline") + 1 :]
    if not any(s in ("developing", "mature", "transformation") for s in after):
        return None
    old = _position(f.loc[shock_step], "core_k")
    end = f.iloc[-1]
    new, demand = _position(end, "core_k"), _position(end, "demand_k")
    rng = np.random.default_rng(0)  # a fixed reference sample, not the model's stream
    r = fit_width * np.sqrt(rng.random(draws))
    u = rng.normal(size=(draws, len(demand)))
    niche = demand + r[:, None] * u / np.linalg.norm(u, axis=1, keepdims=True)
    return {
        "observed": float(np.linalg.norm(new - old)),
        "chance": float(np.linalg.norm(niche - old, axis=1).mean()),
        "demand": float(np.linalg.norm(demand - old)),
    }


# ----------------------------------------------------------------------------- presets
def maturity_years(runs: list[pd.DataFrame]) -> np.ndarray:
    """Years until the focal cluster first counts as mature, per run (NaN if never)."""
    return np.array([time_to(focal(ts)["stage"], "mature", focal(ts)["year"]) for ts in runs])
