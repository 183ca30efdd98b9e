"""Altair charts of the app: the map of the landscape and the focal cluster's time series.

Pure functions of a model (or of time-series frames), so they are tested without a browser.
Charts draw on a canvas in the browser; numbers meant to be read or asserted are printed by the
app's text readouts instead.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd

from clustersim.state import BANK, ORIGINS, SEED_FUND, TIE_FIRM, TIE_UNIVERSITY

MAP_SIZE = 300
WIDE = 400

# Colour-by options of the map: label -> function(model, live slots) -> (values, vega type, scale)
ColourFn = Callable[[object, np.ndarray], tuple[np.ndarray, str, alt.Scale]]


def _tech_distance(model, live):
    d = np.sqrt(((model.firms.kpos[live] - model.demand) ** 2).sum(axis=1))
    return d, "quantitative", alt.Scale(scheme="viridis", reverse=True)


def _tech_direction(model, live):
    rel = model.firms.kpos[live] - model.demand
    angle = np.degrees(np.arctan2(rel[:, 1], rel[:, 0])) if model.dims > 1 else rel[:, 0]
    return angle, "quantitative", alt.Scale(scheme="sinebow", domain=[-180, 180])


def _region(model, live):
    return model.firms.region[live].astype(str), "nominal", alt.Scale(scheme="tableau10")


def _origin(model, live):
    return (
        np.array(ORIGINS)[model.firms.origin[live]],
        "nominal",
        alt.Scale(domain=list(ORIGINS), scheme="set2"),
    )


def _member(model, live):
    values = np.where(model.firms.member[live], "member", "not a member")
    return (
        values,
        "nominal",
        alt.Scale(domain=["member", "not a member"], range=["#d62728", "#bbb"]),
    )


def _region_stage(model, live):
    stages = region_stages(model)
    values = np.array([stages.get(int(r), "unknown") for r in model.firms.region[live]])
    return values, "nominal", stage_scale()


COLOUR_BY: dict[str, ColourFn] = {
    "technology: distance from demand": _tech_distance,
    "technology: direction in technology space": _tech_direction,
    "region": _region,
    "stage of the firm's region": _region_stage,
    "initiative membership": _member,
    "origin (start-up, spin-off, ...)": _origin,
}

# Stage colours: growth in greens and blues, maturity in purple, decline in red.
STAGE_COLOURS = {
    "agglomeration": "#c7c7c7",
    "emerging": "#9ecae1",
    "developing": "#41ab5d",
    "mature": "#6a51a3",
    "transformation": "#fd8d3c",
    "decline": "#d62728",
}


def stage_scale() -> alt.Scale:
    return alt.Scale(domain=list(STAGE_COLOURS), range=list(STAGE_COLOURS.values()))


def region_stages(model) -> dict[int, str]:
    """Stage per region at the last recorded step, where the time series carries one."""
    df = model.frame()
    if "stage" not in df.columns:
        return {}
    last = df[df["step"] == df["step"].max()]
    return {int(r): str(s) for r, s in zip(last["region"], last["stage"], strict=True)}


def map_chart(model, colour_by: str, show_ties: bool) -> alt.LayerChart:
    """Regions, firms (coloured by ``colour_by``, sized by employment), universities,
    financiers and, optionally, ties with opacity by trust."""
    if colour_by not in COLOUR_BY:
        raise ValueError(f"colour_by={colour_by!r}: allowed: {' | '.join(COLOUR_BY)}")
    size = model.cfg.world.size
    xs = alt.Scale(domain=[0, size], nice=False)
    ys = alt.Scale(domain=[0, size], nice=False)
    x = alt.X("x:Q", scale=xs, axis=None)
    y = alt.Y("y:Q", scale=ys, axis=None)
    reg = model.regions
    regions = pd.DataFrame(
        {
            "x": reg.x0,
            "x2": reg.x1,
            "y": reg.y0,
            "y2": reg.y1,
            "label": [
                f"region {r}" + (" (focal)" if r == model.focal else "") for r in range(reg.n)
            ],
            "focal": np.arange(reg.n) == model.focal,
        }
    )
    layers = [
        alt.Chart(regions)
        .mark_rect(stroke="#555", strokeWidth=1)
        .encode(
            x=x,
            x2="x2:Q",
            y=y,
            y2="y2:Q",
            color=alt.Color(
                "focal:N",
                scale=alt.Scale(domain=[True, False], range=["#fff7e0", "#f4f4f4"]),
                legend=None,
            ),
        ),
        alt.Chart(regions.assign(tx=regions.x + 1.5, ty=regions.y2 - 1.5))
        .mark_text(align="left", baseline="top", fontSize=11, color="#444")
        .encode(
            x=alt.X("tx:Q", scale=xs, axis=None),
            y=alt.Y("ty:Q", scale=ys, axis=None),
            text="label:N",
        ),
    ]
    f = model.firms
    live = f.live
    if show_ties:
        layers.append(_ties_layer(model, xs, ys))
    values, vtype, scale = COLOUR_BY[colour_by](model, live)
    firms = pd.DataFrame(
        {"x": f.x[live], "y": f.y[live], "employment": f.emp[live].round(1), "colour": values}
    )
    legend = alt.Legend(title=colour_by.split(":")[0], orient="right", labelLimit=110)
    layers.append(
        alt.Chart(firms)
        .mark_circle(opacity=0.75, stroke="#333", strokeWidth=0.3)
        .encode(
            x=x,
            y=y,
            size=alt.Size(
                "employment:Q",
                scale=alt.Scale(type="sqrt", domain=[0, 200], range=[4, 260], clamp=True),
                legend=None,
            ),
            color=alt.Color(f"colour:{vtype[0].upper()}", scale=scale, legend=legend),
        )
    )
    layers.append(_institutions_layer(model, xs, ys))
    return alt.layer(*layers).properties(width=MAP_SIZE, height=MAP_SIZE, title="The landscape")


def _ties_layer(model, xs, ys) -> alt.Chart:
    """Firm-firm and firm-university ties as segments, opacity by trust."""
    t, f, uni = model.ties, model.firms, model.universities
    kind, a, b = t.view("kind"), t.view("a"), t.view("b")
    ff = kind == TIE_FIRM
    fu = kind == TIE_UNIVERSITY
    ties = pd.DataFrame(
        {
            "x": np.concatenate([f.x[a[ff]], f.x[a[fu]]]),
            "y": np.concatenate([f.y[a[ff]], f.y[a[fu]]]),
            "x2": np.concatenate([f.x[b[ff]], uni.x[b[fu]]]),
            "y2": np.concatenate([f.y[b[ff]], uni.y[b[fu]]]),
            "trust": np.concatenate([t.view("trust")[ff], t.view("trust")[fu]]),
        }
    )
    return (
        alt.Chart(ties)
        .mark_rule(color="#2c7fb8", strokeWidth=0.8)
        .encode(
            x=alt.X("x:Q", scale=xs, axis=None),
            y=alt.Y("y:Q", scale=ys, axis=None),
            x2="x2:Q",
            y2="y2:Q",
            opacity=alt.Opacity(
                "trust:Q", scale=alt.Scale(domain=[0, 1], range=[0, 0.8]), legend=None
            ),
        )
    )


def institution_table(model) -> pd.DataFrame:
    """Universities at their places; financiers (which have a region, not a place) in a row
    near their region's lower edge."""
    uni, fin, reg = model.universities, model.financiers, model.regions
    rows = [{"x": uni.x[u], "y": uni.y[u], "kind": "university"} for u in range(uni.n)]
    per_region: dict[int, int] = {}
    for k in range(fin.n):
        r = int(fin.region[k])
        i = per_region.get(r, 0)
        per_region[r] = i + 1
        name = {BANK: "bank", SEED_FUND: "public seed fund"}.get(
            int(fin.kind[k]), "venture capital"
        )
        rows.append(
            {
                "x": reg.x0[r] + 4 + 5 * i,
                "y": reg.y0[r] + 4,
                "kind": name if fin.active[k] else f"{name} (inactive)",
            }
        )
    return pd.DataFrame(rows, columns=["x", "y", "kind"])


INSTITUTION_SHAPES = {
    "university": "triangle-up",
    "bank": "square",
    "venture capital": "diamond",
    "public seed fund": "cross",
}


def _institutions_layer(model, xs, ys) -> alt.Chart:
    df = institution_table(model)
    df["base"] = df["kind"].str.replace(" (inactive)", "", regex=False)
    return (
        alt.Chart(df)
        .mark_point(size=140, filled=True, color="#111", stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("x:Q", scale=xs, axis=None),
            y=alt.Y("y:Q", scale=ys, axis=None),
            shape=alt.Shape(
                "base:N",
                scale=alt.Scale(
                    domain=list(INSTITUTION_SHAPES), range=list(INSTITUTION_SHAPES.values())
                ),
                legend=alt.Legend(title="institutions", orient="right"),
            ),
            tooltip=["kind:N"],
        )
    )


# ----------------------------------------------------------------- time series
def _years(ts: pd.DataFrame) -> alt.Scale:
    """One x scale for every panel of a figure: year 0 to the end of the last quarter."""
    return alt.Scale(domain=[0, float(ts["year"].max()) + 0.25], nice=False)


def _band(df: pd.DataFrame, column: str, scale: alt.Scale | None, title: str, xs) -> alt.Chart:
    """A coloured band: one rectangle per quarter, coloured by ``column`` (stage or phase)."""
    band = pd.DataFrame(
        {"year": df["year"], "year2": df["year"] + 0.25, column: df[column].astype(str)}
    )
    return (
        alt.Chart(band)
        .mark_rect()
        .encode(
            x=alt.X("year:Q", title="year", scale=xs),
            x2="year2:Q",
            color=alt.Color(
                f"{column}:N",
                scale=scale or alt.Undefined,
                legend=alt.Legend(title=title, orient="right", labelLimit=110),
            ),
            tooltip=[alt.Tooltip("year:Q"), alt.Tooltip(f"{column}:N", title=title)],
        )
        .properties(width=WIDE, height=16)
    )


def _panel(df: pd.DataFrame, column: str, title: str, xs, height: int, **encode) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_line()
        .encode(
            x=alt.X("year:Q", title=None, scale=xs, axis=alt.Axis(labels=False)),
            y=alt.Y(f"{column}:Q", title=title),
            **encode,
        )
        .properties(width=WIDE, height=height)
    )


def size_chart(ts: pd.DataFrame, focal: int) -> alt.VConcatChart:
    """Firms and employment over time, focal region bold, with the life-cycle stage as a
    coloured band under the curves (when the time series carries a stage)."""
    xs = _years(ts)
    df = ts[["year", "region", "employment", "firms"]].assign(
        who=np.where(ts["region"] == focal, "focal region", "region " + ts["region"].astype(str))
    )
    style = dict(
        color=alt.Color("who:N", legend=alt.Legend(title=None, orient="top")),
        strokeWidth=alt.condition(alt.datum.who == "focal region", alt.value(2.5), alt.value(1)),
        detail="region:N",
    )
    parts = [
        _panel(df, "employment", "employment", xs, 100, **style),
        _panel(df, "firms", "firms", xs, 80, **style),
    ]
    if "stage" in ts.columns:
        focal_ts = ts[ts["region"] == focal]
        parts.append(_band(focal_ts, "stage", stage_scale(), "stage (focal region)", xs))
    return (
        alt.vconcat(*parts, spacing=4)
        .resolve_scale(color="independent")
        .properties(title="Firms and employment")
    )


def network_chart(ts: pd.DataFrame, focal: int) -> alt.VConcatChart:
    """Mean trust and tie density of the focal region, and the initiative's phase band."""
    xs = _years(ts)
    f = ts.loc[ts["region"] == focal, ["year", "trust_mean", "tie_density"]]
    parts = [
        _panel(f, "trust_mean", "mean trust", xs, 80, color=alt.value("#1f77b4")),
        _panel(f, "tie_density", "tie density", xs, 80, color=alt.value("#ff7f0e")),
    ]
    if "phase" in ts.columns:
        parts.append(_band(ts[ts["region"] == focal], "phase", None, "initiative phase", xs))
    return (
        alt.vconcat(*parts, spacing=4)
        .resolve_scale(color="independent")
        .properties(title="Trust, ties and the cluster initiative (focal region)")
    )


def innovation_chart(ts: pd.DataFrame, focal: int) -> alt.Chart:
    """Incremental and radical innovations per year in the focal region."""
    f = ts[(ts["region"] == focal) & (ts["step"] > 0)]
    yearly = (
        f.assign(y=np.floor(f["year"] - 0.25))
        .groupby("y")[["innovations_incremental", "innovations_radical"]]
        .sum()
        .reset_index()
        .rename(
            columns={
                "y": "year",
                "innovations_incremental": "incremental",
                "innovations_radical": "radical",
            }
        )
        .melt(id_vars=["year"], var_name="kind", value_name="innovations")
    )
    return (
        alt.Chart(yearly)
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
    )


def comparison_chart(policy: pd.DataFrame, twin: pd.DataFrame, focal: int) -> alt.Chart:
    """Employment and firms of the focal region with and without the policy, side by side."""
    both = pd.concat(
        [
            policy[policy["region"] == focal].assign(run="with the policy"),
            twin[twin["region"] == focal].assign(run="without (twin)"),
        ]
    )
    long = both.melt(id_vars=["year", "run"], value_vars=["employment", "firms"])
    return (
        alt.Chart(long)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("year:Q"),
            y=alt.Y("value:Q", title=None),
            color=alt.Color(
                "run:N",
                scale=alt.Scale(
                    domain=["with the policy", "without (twin)"], range=["#d62728", "#555"]
                ),
                legend=alt.Legend(title=None, orient="top"),
            ),
            column=alt.Column("run:N", title=None, sort=["with the policy", "without (twin)"]),
            row=alt.Row("variable:N", title=None, sort=["employment", "firms"]),
        )
        .properties(width=200, height=90)
        .resolve_scale(y="shared")
    )
