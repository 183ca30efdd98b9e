"""The teaching app: a Mesa SolaraViz page over the cluster model.

Run it with ``clustersim-app`` (or ``make app``), which sets up the offline assets and starts
``solara run`` on this module. ``CLUSTERSIM_EXERCISE`` picks the exercise preset it opens on.

Layout: Mesa's sidebar (run controls, presets, seed, size) plus an *Intervene* card (technology
shock, policy instruments); page 0 shows the map, the charts and a status card with the
explanations; page 1 the comparison with the no-policy twin.
"""

from __future__ import annotations

import math
import os

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update, update_counter

from clustersim.conf import ConfigError
from clustersim.viz import charts, comparison, explain, presets
from clustersim.viz.live import (
    EVEN,
    PRESET_PREFIX,
    AppModel,
    focal_series,
    readout,
    share_label,
)

EXERCISE = os.environ.get("CLUSTERSIM_EXERCISE") or None
FOCAL_SHARES = (EVEN, "0", "0.05", "0.1", "0.2", "0.4", "0.6")

colour_by = solara.reactive(next(iter(charts.COLOUR_BY)))
show_ties = solara.reactive(False)
comparison_seeds = solara.reactive(3)
policy_state = solara.reactive(())  # (model, running instruments, interventions): sidebar redraw
message = solara.reactive((0, ""))  # (id of the model it is about, text)


def figure(spec: dict) -> None:
    """Show a Vega-Lite spec (from :mod:`clustersim.viz.charts`)."""
    solara.widgets.VegaLite.element(spec=spec)


def model_params(exercise: str | None = EXERCISE) -> dict:
    """Sidebar inputs for SolaraViz, built from the config groups on disk (so new presets appear
    without code changes). They take effect on Reset."""
    composed = presets.compose({}, exercise)
    cfg = composed.config
    params: dict = {
        "exercise": exercise,
        "seed": {
            "type": "SliderInt",
            "label": "Seed",
            "value": int(cfg.seed),
            "min": 0,
            "max": 999,
            "step": 1,
        },
        "n_firms": {
            "type": "SliderInt",
            "label": "Initial firms",
            "value": int(cfg.n_firms),
            "min": 50,
            "max": 1000,
            "step": 50,
        },
    }
    share = share_label(cfg.world.focal.initial_firm_share)
    params["focal_share"] = {
        "type": "Select",
        "label": "Firms starting in the focal region (share)",
        "value": share,
        "values": list(dict.fromkeys([share, *FOCAL_SHARES])),
    }
    for group, options in presets.preset_groups().items():
        chosen = composed.choices.get(group)
        params[PRESET_PREFIX + group] = {
            "type": "Select",
            "label": f"{group} preset",
            "value": chosen or presets.UNSET,
            "values": options if chosen else [presets.UNSET, *options],
        }
    return params


def initial_kwargs(params: dict) -> dict:
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()}


# ----------------------------------------------------------------- page 0
def _fmt(x: float, digits: int = 2) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


CELL = {"width": "100%", "height": "100%", "overflow-y": "auto"}  # fill a grid cell, scroll


@solara.component
def Readouts(model: AppModel):
    """The numbers a student reads (and the browser test asserts): plain text, not canvas."""
    update_counter.get()
    with model.lock:
        r = readout(model)
        running = model.running_instruments()
    items = [
        ("cs-year", f"Year {r.year:.2f}"),
        ("cs-firms", f"Firms {r.firms}"),
        ("cs-employment", f"Employment {r.employment:,.0f}"),
        ("cs-trust", f"Mean trust {_fmt(r.trust)}"),
        ("cs-density", f"Tie density {_fmt(r.tie_density, 3)}"),
        ("cs-innovations", f"Innovations (last year) {r.innovations_year}"),
        ("cs-heterogeneity", f"Knowledge heterogeneity {_fmt(r.heterogeneity, 3)}"),
        ("cs-external", f"External-tie share {_fmt(r.external_share)}"),
    ]
    if r.policy_spend_year is not None:
        items.append(("cs-spend", f"Policy spend (last year) {r.policy_spend_year:,.1f}"))
    items.append(("cs-interventions", f"Interventions so far: {len(model.interventions)}"))
    state = (id(model), tuple(running), len(model.interventions))
    solara.use_effect(lambda: policy_state.set(state), [state])
    with solara.Row(style={"flex-wrap": "wrap", "gap": "4px 16px"}):
        for cls, text in items:
            solara.Text(text, classes=[cls])
    stage = explain.stage_note(r.stage)
    phase = explain.phase_note(r.phase)
    with solara.Row(style={"flex-wrap": "wrap", "gap": "4px 16px", "font-weight": "bold"}):
        solara.Text(
            f"Stage: {stage.title if stage else r.stage or 'not classified'}", classes=["cs-stage"]
        )
        if r.phase is not None:
            solara.Text(f"Initiative: {phase.title if phase else r.phase}", classes=["cs-phase"])


@solara.component
def Explanation(model: AppModel):
    """What the stage means and which rules drive what the student sees now."""
    update_counter.get()
    with model.lock:
        r = readout(model)
        ts = focal_series(model)
        running = model.running_instruments()
    notes = []
    stage = explain.stage_note(r.stage)
    if stage:
        notes.append(("What this stage means", stage))
    phase = explain.phase_note(r.phase)
    if phase:
        notes.append(("The initiative", phase))
    rules = explain.rules_in_play(ts, model.cfg.shocks.steps, model.regions.critical_mass, running)
    notes += [("Rule at work", rule) for rule in rules]
    for heading, note in notes:
        with solara.Div(classes=["cs-note"], style={"margin-top": "6px"}):
            solara.Text(f"{heading}: ", style={"font-weight": "bold"})
            solara.Text(f"{note.title}. {note.text} ", classes=["cs-note-text"])
            solara.Text(f"({note.source})", style={"color": "#666", "font-size": "0.85em"})


def StatusCard(model: AppModel):
    with solara.Card("The focal cluster now", style=CELL) as card:
        if model.setup.exercise:
            title = presets.exercises().get(model.setup.exercise, model.setup.exercise)
            solara.Text(
                f"Exercise: {title} (worksheet docs/teaching/{model.setup.exercise}.md)",
                classes=["cs-exercise"],
                style={"font-style": "italic"},
            )
        Readouts(model)
        Explanation(model)
        owner, text = message.value
        if text and owner == id(model):  # messages about an older model are dropped
            solara.Text(text, classes=["cs-message"], style={"color": "#b35900"})
        solara.Text(
            "Page 1 (tab above) compares this run with its no-policy twin.",
            style={"color": "#666", "font-size": "0.85em", "display": "block"},
        )
    return card


def MapView(model: AppModel):
    with solara.Column(style=CELL) as col:
        with model.lock:
            spec = charts.map_chart(model, colour_by.value, show_ties.value)
        figure(spec)
    return col


def SizeCharts(model: AppModel):
    with solara.Column(style=CELL) as col:
        figure(charts.size_chart(model.frame(), model.focal))
    return col


def NetworkCharts(model: AppModel):
    with solara.Column(style=CELL) as col:
        figure(charts.network_chart(model.frame(), model.focal))
    return col


def InnovationChart(model: AppModel):
    with solara.Column(style=CELL) as col:
        figure(charts.innovation_chart(model.frame(), model.focal))
    return col


# ----------------------------------------------------------------- page 1
@solara.lab.task
def run_comparison(model: AppModel, seeds: int):
    return comparison.compare(model, seeds=seeds)


def ComparisonView(model: AppModel):
    """The same seed with and without the chosen policy, side by side."""
    result = run_comparison.value if run_comparison.finished else None
    with solara.Column(style=CELL) as col:
        solara.Text(
            "Runs the current presets to the horizon twice: with the policy instruments as you "
            "set them, and without any (the counterfactual twin, same seed). More seeds show how "
            "much of the difference is luck. Whitebook 4.5, L5213-5215; L7700-7702."
        )
        with solara.Row(style={"align-items": "center"}):
            solara.SliderInt("seeds", value=comparison_seeds, min=1, max=8)
            solara.Button(
                "Run the comparison",
                color="primary",
                on_click=lambda: run_comparison(model, comparison_seeds.value),
                disabled=run_comparison.pending,
            )
        if run_comparison.pending:
            solara.ProgressLinear(True)
        if run_comparison.error:
            solara.Error(f"The comparison failed: {run_comparison.exception}")
        if result is not None:
            if result.key != comparison.key(model):
                solara.Warning("The model changed since this comparison; run it again.")
            for cls, text in comparison.summary_lines(result):
                solara.Text(text, classes=[cls], style={"display": "block"})
    return col


def ComparisonChart(model: AppModel):
    """The comparison's curves, with and without the policy side by side (its own grid cell)."""
    result = run_comparison.value if run_comparison.finished else None
    with solara.Column(style=CELL) as col:
        if result is None:
            solara.Text("Run the comparison to see the two runs side by side.")
        else:
            figure(charts.comparison_chart(result.policy, result.twin, result.focal))
    return col


# ----------------------------------------------------------------- sidebar: intervene
@solara.component
def SidebarExtras(model: solara.Reactive[AppModel]):
    """Cards appended to SolaraViz's sidebar. Called one component level below the page, so
    Solara's sidebar portal puts them after Mesa's cards."""
    policy_state.get()  # redrawn when the instruments' state changes, not at every step
    m = model.value

    def shock():
        m.request_shock()
        message.set((id(m), f"Technology shock queued for step {m.t + 1}."))
        force_update()

    with solara.Sidebar():
        with solara.Card("Intervene"):
            solara.Button("Technology shock", color="warning", on_click=shock, block=True)
            PolicyControls(m)
        with solara.Card("Map"):
            solara.Select("colour firms by", value=colour_by, values=list(charts.COLOUR_BY))
            solara.Checkbox(label="show ties (opacity = trust)", value=show_ties)


@solara.component
def Extras(model: solara.Reactive[AppModel]):
    SidebarExtras(model)


INSTRUMENT_LABELS = {
    "broker": "Broker (platform, introductions)",
    "demand_side": "Demand side (procurement)",
    "training": "Training",
    "fdi": "FDI (anchor firms)",
    "framework": "Framework conditions",
    "incubator": "Incubator / science park",
    "rd_subsidy": "R&D subsidy",
    "seed_finance": "Public seed finance",
}


@solara.component
def PolicyControls(m: AppModel):
    """Switch and tune each policy instrument; changes apply from the next step."""

    def act(request, text):
        try:
            request()
            message.set((id(m), text))
        except ConfigError as err:
            message.set((id(m), str(err)))
        force_update()

    solara.Text("Policy instruments (from the next budget year):", style={"font-weight": "bold"})
    for name, label in INSTRUMENT_LABELS.items():
        on = m.instrument_on(name)
        with solara.Row(
            style={"align-items": "center", "gap": "4px"}, classes=[f"cs-policy-{name}"]
        ):
            solara.Checkbox(
                label=label,
                value=on,
                on_value=lambda v, n=name: act(
                    lambda: m.request_switch(n, v),
                    f"{n} {'on' if v else 'off'} from step {m.t + 1}.",
                ),
            )
        solara.SliderFloat(
            f"{name} intensity",
            value=m.instrument_intensity(name),
            min=0.0,
            max=3.0,
            step=0.1,
            on_value=lambda v, n=name: act(
                lambda: m.request_intensity(n, v), f"{n} intensity {v:.1f} from step {m.t + 1}."
            ),
        )


# ----------------------------------------------------------------- the page
@solara.component
def Page():
    params = solara.use_memo(model_params, [])
    first = solara.use_memo(lambda: AppModel(**initial_kwargs(params)), [])
    model = solara.use_reactive(first)
    solara.Title("clustersim: a cluster's life cycle")
    SolaraViz(
        model,
        components=[
            (MapView, 0),
            (SizeCharts, 0),
            (StatusCard, 0),
            (NetworkCharts, 0),
            (InnovationChart, 0),
            (ComparisonView, 1),
            (ComparisonChart, 1),
        ],
        model_params=params,
        name="clustersim: watch a cluster live",
        play_interval=50,
        # Redraw every third quarter while playing (and Step by three): a browser on a busy
        # machine that redraws the charts every quarter falls behind the model, and then misses
        # the pause click. Render Interval 1 in the sidebar steps quarter by quarter.
        render_interval=3,
    )
    Extras(model)
