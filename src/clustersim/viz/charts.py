"""Vega-Lite charts of the app: the map of the landscape and the focal cluster's time series.

Each chart is declared once with Altair over *named* data sets, converted to a Vega-Lite spec
(validated once, then cached), and refilled with the model's current data at every redraw.
Building and validating Altair objects costs far more than drawing, so this keeps the app
responsive while the chart code stays declarative. Pure functions of a model or of time-series
frames, tested without a browser. Charts draw on a canvas in the browser; numbers meant to be
read or asserted are printed by the app's text readouts instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import altair as alt
import numpy as np
import pandas as pd

from clustersim.institutions.initiative import PHASE_COLOURS, PHASES
from clustersim.observe.lifecycle import STAGE_COLOURS, STAGES
from clustersim.world.state import BANK, ORIGINS, SEED_FUND, TIE_FIRM, TIE_UNIVERSITY

MAP_SIZE = 300
WIDE = 400


def records(df: pd.DataFrame, digits: int = 4) -> list[dict]:
    """JSON-ready rows: floats rounded, NaN as null (Vega-Lite skips nulls in lines)."""
    columns = []
    for c in df.columns:
        v = df[c].to_numpy()
        if v.dtype.kind == "f":
            columns.append([None if x != x else x for x in np.round(v, digits).tolist()])
        else:
            columns.append(v.tolist())
    names = [str(c) for c in df.columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def spec(template: dict, digits: int = 4, **datasets: pd.DataFrame) -> dict:
    """A cached chart template filled with the current data (floats to ``digits`` decimals)."""
    return {**template, "datasets": {name: records(df, digits) for name, df in datasets.items()}}


# ----------------------------------------------------------------- colour-by options of the map
@dataclass(frozen=True)
class Colouring:
    values: Callable  # (model, live slots) -> array
    vtype: str  # "quantitative" or "nominal"
    scale: dict  # Vega-Lite scale


def _tech_distance(model, live):
    return np.sqrt(((model.firms.kpos[live] - model.demand) ** 2).sum(axis=1))


def _tech_direction(model, live):
    rel = model.firms.kpos[live] - model.demand
    return np.degrees(np.arctan2(rel[:, 1], rel[:, 0])) if model.dims > 1 else rel[:, 0]


def _member(model, live):
    return np.where(model.firms.member[live], "member", "not a member")


def _region_stage(model, live):
    stages = region_stages(model)
    return np.array([stages.get(int(r), "not classified") for r in model.firms.region[live]])


def region_name(region: int, focal: int) -> str:
    """A region as the map and the charts name it."""
    return "focal region" if region == focal else f"region {region}"


def _region(model, live):
    return np.array([region_name(int(r), model.focal) for r in model.firms.region[live]])


REGION_COLOURS = (
    "#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b",
    "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac",
)  # fmt: skip


def region_scale(n_regions: int, focal: int) -> dict:
    """One colour per region, fixed by its number: a region keeps its colour on the map and in
    the charts when another region empties."""
    return {
        "domain": [region_name(r, focal) for r in range(n_regions)],
        "range": [REGION_COLOURS[r % len(REGION_COLOURS)] for r in range(n_regions)],
    }


NO_SHOCK, BEFORE_SHOCK, AFTER_SHOCK = (
    "no shock yet",
    "founded before the shock",
    "founded after the shock",
)


def _founded(model, live):
    """Firms founded after the latest technology shock so far, against the older ones."""
    shocks = [s for s in model.cfg.shocks.steps if s < model.t]
    if not shocks:
        return np.full(len(live), NO_SHOCK)
    return np.where(model.firms.born[live] >= max(shocks), AFTER_SHOCK, BEFORE_SHOCK)


# The life-cycle and initiative figures' colours, so the app and the report figures agree.
STAGE_SCALE = {"domain": list(STAGES), "range": [STAGE_COLOURS[s] for s in STAGES]}
PHASE_SCALE = {"domain": list(PHASES), "range": [PHASE_COLOURS[p] for p in PHASES]}
# Distance from demand in technology space: a fixed scale, so colours keep their meaning through
# a lesson (before a shock firms sit at 0.1-0.9, after a radical one at 0.6-1.7).
DISTANCE_DOMAIN = [0.0, 2.0]
REGION = "region"  # the colour-by option whose scale depends on the landscape

COLOUR_BY: dict[str, Colouring] = {
    "technology: distance from demand": Colouring(
        _tech_distance,
        "quantitative",
        {"scheme": "viridis", "reverse": True, "domain": DISTANCE_DOMAIN, "clamp": True},
    ),
    "technology: direction in technology space": Colouring(
        _tech_direction, "quantitative", {"scheme": "sinebow", "domain": [-180, 180]}
    ),
    REGION: Colouring(_region, "nominal", {}),
    "stage of the firm's region": Colouring(_region_stage, "nominal", STAGE_SCALE),
    "initiative membership": Colouring(
        _member, "nominal", {"domain": ["member", "not a member"], "range": ["#d62728", "#bbb"]}
    ),
    "origin (start-up, spin-off, affiliate ...)": Colouring(
        lambda m, live: np.array(ORIGINS)[m.firms.origin[live]],
        "nominal",
        {
            "domain": list(ORIGINS),
            "range": ["#9ecae1", "#31a354", "#fd8d3c", "#756bb1", "#d62728"],
        },
    ),
    "founded after the shock?": Colouring(
        _founded,
        "nominal",
        {
            "domain": [NO_SHOCK, BEFORE_SHOCK, AFTER_SHOCK],
            "range": ["#bbb", "#6baed6", "#e6550d"],
        },
    ),
}


def region_stages(model) -> dict[int, str]:
    """Stage per region at the last recorded step, where the time series carries one."""
    df = model.frame()
    if "stage" not in df.columns:
        return {}
    last = df[df["step"] == df["step"].max()]
    return {int(r): str(s) for r, s in zip(last["region"], last["stage"], strict=True)}


# ----------------------------------------------------------------- the map
INSTITUTION_SHAPES = {
    "university": "triangle-up",
    "bank": "square",
    "venture capital": "diamond",
    "public seed fund": "cross",
}


@lru_cache(maxsize=64)
def map_template(colour_by: str, show_ties: bool, size: float, regions: int, focal: int) -> dict:
    """Regions, ties (optional, opacity by trust), firms (coloured by ``colour_by``, sized by
    employment), universities and financiers, over data sets named after each layer."""
    rule = COLOUR_BY[colour_by]
    scale = region_scale(regions, focal) if colour_by == REGION else rule.scale
    xs = alt.Scale(domain=[0, size], nice=False)
    x = alt.X("x:Q", scale=xs, axis=None)
    y = alt.Y("y:Q", scale=xs, axis=None)
    layers = [
        alt.Chart(alt.NamedData("regions"))
        .mark_rect(stroke="#555", strokeWidth=1)
        .encode(x=x, x2="x2:Q", y=y, y2="y2:Q", fill=alt.Fill("fill:N", scale=None)),
        alt.Chart(alt.NamedData("regions"))
        .mark_text(align="left", baseline="top", fontSize=11, color="#444", dx=4, dy=4)
        .encode(x=x, y=alt.Y("y2:Q", scale=xs, axis=None), text="label:N"),
    ]
    if show_ties:
        layers.append(
            alt.Chart(alt.NamedData("ties"))
            .mark_rule(color="#2c7fb8", strokeWidth=0.8)
            .encode(
                x=x,
                y=y,
                x2="x2:Q",
                y2="y2:Q",
                opacity=alt.Opacity(
                    "trust:Q", scale=alt.Scale(domain=[0, 1], range=[0, 0.8]), legend=None
                ),
            )
        )
    layers += [
        alt.Chart(alt.NamedData("firms"))
        .mark_circle(opacity=0.8, stroke="#333", strokeWidth=0.3)
        .encode(
            x=x,
            y=y,
            size=alt.Size(
                "employment:Q",
                scale=alt.Scale(type="sqrt", domain=[0, 200], range=[4, 260], clamp=True),
                legend=None,
            ),
            color=alt.Color(
                "colour",
                type=rule.vtype,
                scale=alt.Scale(**scale),
                legend=alt.Legend(title=colour_by.split(":")[0], orient="right", labelLimit=0),
            ),
            tooltip=[alt.Tooltip("employment:Q"), alt.Tooltip("colour", type=rule.vtype)],
        ),
        alt.Chart(alt.NamedData("institutions"))
        .mark_point(size=140, filled=True, color="#111", stroke="white", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            shape=alt.Shape(
                "kind:N",
                scale=alt.Scale(
                    domain=list(INSTITUTION_SHAPES), range=list(INSTITUTION_SHAPES.values())
                ),
                legend=alt.Legend(title="institutions", orient="right"),
            ),
            tooltip=["kind:N", "state:N"],
        ),
    ]
    chart = alt.layer(*layers).properties(
        width=MAP_SIZE, height=MAP_SIZE, title="The landscape (firm size = employment)"
    )
    return chart.to_dict()


def map_data(model, colour_by: str, show_ties: bool) -> dict[str, pd.DataFrame]:
    """The map's data sets at the model's current state."""
    if colour_by not in COLOUR_BY:
        raise ValueError(f"colour_by={colour_by!r}: allowed: {' | '.join(COLOUR_BY)}")
    reg, f = model.regions, model.firms
    live = f.live
    data = {
        "regions": pd.DataFrame(
            {
                "x": reg.x0,
                "x2": reg.x1,
                "y": reg.y0,
                "y2": reg.y1,
                "label": [
                    f"region {r}" + (" (focal)" if r == model.focal else "") for r in range(reg.n)
                ],
                "fill": np.where(np.arange(reg.n) == model.focal, "#fff7e0", "#f4f4f4"),
            }
        ),
        "firms": pd.DataFrame(
            {
                "x": f.x[live],
                "y": f.y[live],
                "employment": f.emp[live],
                "colour": COLOUR_BY[colour_by].values(model, live),
            }
        ),
        "institutions": institution_table(model),
    }
    if show_ties:
        data["ties"] = tie_segments(model)
    return data


def map_chart(model, colour_by: str, show_ties: bool) -> dict:
    """The map's Vega-Lite spec."""
    data = map_data(model, colour_by, show_ties)
    # positions in km to 10 m: a third less to send each redraw than at 4 decimals
    size = float(model.cfg.world.size)
    return spec(map_template(colour_by, show_ties, size, model.regions.n, model.focal), 2, **data)


def tie_segments(model) -> pd.DataFrame:
    """Firm-firm and firm-university ties as segments with their trust."""
    t, f, uni = model.ties, model.firms, model.universities
    kind, a, b, trust = t.view("kind"), t.view("a"), t.view("b"), t.view("trust")
    ff, fu = kind == TIE_FIRM, kind == TIE_UNIVERSITY
    return pd.DataFrame(
        {
            "x": np.concatenate([f.x[a[ff]], f.x[a[fu]]]),
            "y": np.concatenate([f.y[a[ff]], f.y[a[fu]]]),
            "x2": np.concatenate([f.x[b[ff]], uni.x[b[fu]]]),
            "y2": np.concatenate([f.y[b[ff]], uni.y[b[fu]]]),
            "trust": np.concatenate([trust[ff], trust[fu]]),
        }
    )


def institution_table(model) -> pd.DataFrame:
    """Universities at their places; financiers (which have a region, not a place) in a row
    along their region's lower edge."""
    uni, fin, reg = model.universities, model.financiers, model.regions
    rows = [{"x": uni.x[u], "y": uni.y[u], "kind": "university", "state": ""} for u in range(uni.n)]
    per_region: dict[int, int] = {}
    for k in range(fin.n):
        r = int(fin.region[k])
        i = per_region.get(r, 0)
        per_region[r] = i + 1
        kind = {BANK: "bank", SEED_FUND: "public seed fund"}.get(
            int(fin.kind[k]), "venture capital"
        )
        rows.append(
            {
                "x": reg.x0[r] + 4 + 5 * i,
                "y": reg.y0[r] + 4,
                "kind": kind,
                "state": "active" if fin.active[k] else "inactive",
            }
        )
    return pd.DataFrame(rows, columns=["x", "y", "kind", "state"])


# ----------------------------------------------------------------- time series
def _band(name: str, column: str, scale: dict, title: str) -> alt.Chart:
    """A coloured band: one rectangle per quarter, coloured by ``column`` (stage or phase)."""
    return (
        alt.Chart(alt.NamedData(name))
        .mark_rect()
        .encode(
            x=alt.X("year:Q", title="year"),
            x2="year2:Q",
            color=alt.Color(
                f"{column}:N",
                scale=alt.Scale(**scale),
                legend=alt.Legend(
                    title=title, orient="bottom", direction="horizontal", columns=3, labelLimit=0
                ),
            ),
            tooltip=[alt.Tooltip("year:Q"), alt.Tooltip(f"{column}:N", title=title)],
        )
        .properties(width=WIDE, height=16)
    )


def _panel(name: str, column: str, title: str, height: int, **encode) -> alt.Chart:
    return (
        alt.Chart(alt.NamedData(name))
        .mark_line()
        .encode(
            x=alt.X("year:Q", title=None, axis=alt.Axis(labels=False)),
            y=alt.Y(f"{column}:Q", title=title),
            **encode,
        )
        .properties(width=WIDE, height=height)
    )


def _stack(parts: list[alt.Chart], title: str) -> dict:
    return (
        alt.vconcat(*parts, spacing=4)
        .resolve_scale(x="shared", color="independent")
        .properties(title=title)
        .to_dict()
    )


def _band_data(f: pd.DataFrame, column: str) -> pd.DataFrame:
    return pd.DataFrame(
        {"year": f["year"], "year2": f["year"] + 0.25, column: f[column].astype(str)}
    )


@lru_cache(maxsize=16)
def size_template(with_stage: bool, regions: int, focal: int) -> dict:
    colour = alt.Scale(**region_scale(regions, focal))
    style = dict(
        color=alt.Color("who:N", scale=colour, legend=alt.Legend(title=None, orient="top")),
        strokeWidth=alt.condition(alt.datum.who == "focal region", alt.value(2.5), alt.value(1)),
        detail="region:N",
    )
    parts = [
        _panel("regions", "employment", "employment", 100, **style),
        _panel("regions", "firms", "firms", 80, **style).encode(
            color=alt.Color("who:N", scale=colour, legend=None)
        ),
    ]
    if with_stage:
        parts.append(_band("stage", "stage", STAGE_SCALE, "stage (focal region)"))
    return _stack(parts, "Firms and employment")


def size_chart(ts: pd.DataFrame, focal: int) -> dict:
    """Firms and employment over time, focal region bold, with the life-cycle stage as a
    coloured band under the curves (when the time series carries a stage)."""
    with_stage = "stage" in ts.columns
    data = {
        "regions": ts[["year", "region", "employment", "firms"]].assign(
            who=[region_name(int(r), focal) for r in ts["region"]]
        )
    }
    if with_stage:
        data["stage"] = _band_data(ts[ts["region"] == focal], "stage")
    regions = int(ts["region"].max()) + 1
    return spec(size_template(with_stage, regions, focal), **data)


@lru_cache(maxsize=4)
def network_template(with_phase: bool) -> dict:
    parts = [
        _panel("focal", "trust_mean", "mean trust", 80, color=alt.value("#1f77b4")),
        _panel("focal", "tie_density", "tie density", 80, color=alt.value("#ff7f0e")),
    ]
    if with_phase:
        parts.append(_band("phase", "phase", PHASE_SCALE, "initiative phase"))
    return _stack(parts, "Trust, ties and the cluster initiative (focal region)")


def network_chart(ts: pd.DataFrame, focal: int) -> dict:
    """Mean trust and tie density of the focal region, and the initiative's phase band."""
    f = ts[ts["region"] == focal]
    with_phase = "phase" in ts.columns
    data = {"focal": f[["year", "trust_mean", "tie_density"]]}
    if with_phase:
        data["phase"] = _band_data(f, "phase")
    return spec(network_template(with_phase), **data)


@lru_cache(maxsize=1)
def innovation_template() -> dict:
    return (
        alt.Chart(alt.NamedData("yearly"))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="year", axis=alt.Axis(labelOverlap=True)),
            y=alt.Y("innovations:Q", title="per year"),
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=["incremental", "radical"], range=["#9ecae1", "#e6550d"]),
                legend=alt.Legend(title=None, orient="top"),
            ),
        )
        .properties(width=WIDE, height=110, title="Innovations (focal region)")
        .to_dict()
    )


def yearly_innovations(ts: pd.DataFrame, focal: int) -> pd.DataFrame:
    """Incremental and radical innovations per simulated year in the focal region (long)."""
    f = ts[(ts["region"] == focal) & (ts["step"] > 0)]
    return (
        f.assign(year=((f["step"] - 1) // 4).astype(int))
        .groupby("year")[["innovations_incremental", "innovations_radical"]]
        .sum()
        .rename(
            columns={"innovations_incremental": "incremental", "innovations_radical": "radical"}
        )
        .reset_index()
        .melt(id_vars=["year"], var_name="kind", value_name="innovations")
    )


def innovation_chart(ts: pd.DataFrame, focal: int) -> dict:
    return spec(innovation_template(), yearly=yearly_innovations(ts, focal))


RUNS = ["with the policy", "without (twin)"]


@lru_cache(maxsize=1)
def comparison_template() -> dict:
    """Employment above firms; in each, the run with the policy beside its twin on one scale."""

    def row(variable: str, legend) -> alt.FacetChart:
        return (
            alt.Chart(alt.NamedData("both"))
            .transform_filter(alt.datum.variable == variable)
            .mark_line(strokeWidth=2)
            .encode(
                x=alt.X("year:Q"),
                y=alt.Y("value:Q", title=variable),
                color=alt.Color(
                    "run:N", scale=alt.Scale(domain=RUNS, range=["#d62728", "#555"]), legend=legend
                ),
            )
            .properties(width=200, height=90)
            .facet(column=alt.Column("run:N", title=None, sort=RUNS))
        )

    return (
        alt.vconcat(row("employment", alt.Legend(title=None, orient="top")), row("firms", None))
        .resolve_scale(y="independent")
        .to_dict()
    )


def comparison_chart(policy: pd.DataFrame, twin: pd.DataFrame, focal: int) -> dict:
    """Employment and firms of the focal region with and without the policy, side by side."""
    both = pd.concat(
        [
            policy.loc[policy["region"] == focal, ["year", "employment", "firms"]].assign(
                run=RUNS[0]
            ),
            twin.loc[twin["region"] == focal, ["year", "employment", "firms"]].assign(run=RUNS[1]),
        ]
    )
    long = both.melt(id_vars=["year", "run"], value_vars=["employment", "firms"])
    return spec(comparison_template(), both=long)
