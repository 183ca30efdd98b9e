"""The teaching app: a Solara page over the cluster model, with Mesa's model inside.

Run it with ``clustersim-app`` (or ``make app``), which sets up the offline assets and starts
``solara run`` on this module. ``CLUSTERSIM_EXERCISE`` picks the exercise preset it opens on.

Layout, made for a projector at 1280x720: the sidebar holds the *Time* card (play, pause, step,
run to a year, speed; a run pauses by itself at the exercise's checkpoints and stops at the
horizon), the *Set-up* card (seed, size, presets; they take effect on Reset), and the
*Intervene* card (technology shock, policy instruments). Two tabs: *Watch the cluster* (the map
with its controls and the status card side by side, the charts below) and *Compare with the
no-policy twin*. The page is Solara's own rather than Mesa's SolaraViz shell: SolaraViz's play
loop steps past the horizon, cannot pause at a checkpoint, counts time in steps and names its
tabs "Page 0" and "Page 1" (issue 17).
"""

from __future__ import annotations

import math
import os
import threading
import time

import solara

from clustersim.conf import STEPS_PER_YEAR, ConfigError
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
# Seconds per quarter at each speed; "class" is the default: a year in about two seconds, so a
# 25-year run takes about a minute and a class can follow (and pause at the right year).
SPEEDS = {"slow (a year in 4 s)": 1.0, "class (a year in 2 s)": 0.5, "fast": 0.05}
DEFAULT_SPEED = "class (a year in 2 s)"
REDRAW_EVERY = 2  # quarters between redraws while playing (every quarter at a pause)

colour_by = solara.reactive(next(iter(charts.COLOUR_BY)))
show_ties = solara.reactive(False)
comparison_seeds = solara.reactive(3)
speed = solara.reactive(DEFAULT_SPEED)
message = solara.reactive((0, ""))  # (id of the model it is about, text)


def figure(spec: dict) -> None:
    """Show a Vega-Lite spec (from :mod:`clustersim.viz.charts`)."""
    solara.widgets.VegaLite.element(spec=spec)


def years_text(step: int) -> str:
    """A model step as a student reads it: a year, with quarters as a decimal."""
    return f"year {step / STEPS_PER_YEAR:g}"


def model_params(exercise: str | None = EXERCISE) -> dict:
    """The set-up inputs, built from the config groups on disk (so new presets appear without
    code changes): name -> {type, label, unit, value, ...}. They take effect on Reset."""
    composed = presets.compose({}, exercise)
    cfg = composed.config
    params: dict = {
        "exercise": exercise,
        "seed": {
            "type": "SliderInt",
            "label": "Seed",
            "unit": "(the run's random numbers)",
            "value": int(cfg.seed),
            "min": 0,
            "max": 99,
            "step": 1,
        },
        "n_firms": {
            "type": "SliderInt",
            "label": "Initial firms",
            "unit": "firms",
            "value": int(cfg.n_firms),
            "min": 50,
            "max": 1000,
            "step": 50,
        },
    }
    share = share_label(cfg.world.focal.initial_firm_share)
    params["focal_share"] = {
        "type": "Select",
        "label": "Share of initial firms in the focal region",
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


def _fmt(x: float, digits: int = 2) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


@solara.component
def ValueSlider(label: str, unit: str, value, on_value, min, max, step, css: str, fmt="{:g}"):
    """A slider whose value and unit are always printed beside its label (a projector shows no
    focus tooltips)."""
    with solara.Div(classes=["cs-slider", css]):
        solara.Text(f"{label}: ", style={"font-weight": "bold"})
        solara.Text(f"{fmt.format(value)} {unit}".strip(), classes=["cs-slider-value"])
        kind = solara.SliderInt if isinstance(step, int) else solara.SliderFloat
        kind(label, value=value, on_value=on_value, min=min, max=max, step=step)


@solara.component
def Readouts(model: AppModel, tick: int):
    """The numbers a student reads (and the browser test asserts): plain text, not canvas."""
    with model.lock:
        r = readout(model)
    items = [
        ("cs-year", f"Year {r.year:.2f}"),
        ("cs-firms", f"Firms {r.firms}"),
        ("cs-employment", f"Employment {r.employment:,.0f} jobs"),
        ("cs-affiliates", f"Affiliates (foreign MNEs) {r.affiliates}"),
        ("cs-trust", f"Mean trust {_fmt(r.trust)}"),
        ("cs-density", f"Tie density {_fmt(r.tie_density, 3)}"),
        ("cs-innovations", f"Innovations (last year) {r.innovations_year}"),
        ("cs-heterogeneity", f"Knowledge heterogeneity {_fmt(r.heterogeneity, 3)}"),
        ("cs-external", f"External-tie share {_fmt(r.external_share, 3)}"),
    ]
    if r.policy_spend_year is not None:
        items.append(
            ("cs-spend", f"Policy spend (last year) {r.policy_spend_year:,.1f} cash units")
        )
    items.append(("cs-interventions", f"Interventions so far: {len(model.interventions)}"))
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
def Explanation(model: AppModel, tick: int):
    """What the stage means and which rules drive what the student sees now."""
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
        with solara.Div(classes=["cs-note"], style={"margin-top": "4px", "font-size": "0.9em"}):
            solara.Text(f"{heading}: ", style={"font-weight": "bold"})
            solara.Text(f"{note.title}. {note.text} ", classes=["cs-note-text"])
            solara.Text(f"({note.source})", style={"color": "#666", "font-size": "0.85em"})


# ----------------------------------------------------------------- watch the cluster
CELL = {"width": "100%"}


@solara.component
def StatusCard(model: AppModel, tick: int):
    with solara.Card("The focal cluster now", classes=["cs-status"], style=CELL):
        if model.setup.exercise:
            title = presets.exercises().get(model.setup.exercise, model.setup.exercise)
            solara.Text(
                f"Exercise: {title} (worksheet docs/teaching/{model.setup.exercise}.md)",
                classes=["cs-exercise"],
                style={"font-style": "italic", "display": "block", "font-size": "0.85em"},
            )
        Readouts(model, tick)
        Explanation(model, tick)


@solara.component
def MapControls():
    with solara.Div(classes=["cs-map-controls"]):
        solara.Select("colour firms by", value=colour_by, values=list(charts.COLOUR_BY), dense=True)
        solara.Checkbox(label="show ties (opacity = trust)", value=show_ties)


@solara.component
def WatchTab(model: AppModel, tick: int):
    with model.lock:
        map_spec = charts.map_chart(model, colour_by.value, show_ties.value)
        ts = model.frame()
    with solara.Row(style={"align-items": "flex-start", "flex-wrap": "nowrap", "gap": "8px"}):
        with solara.Column(style={"flex": "0 0 430px", "width": "430px"}, classes=["cs-map"]):
            MapControls()
            figure(map_spec)
        with solara.Column(style={"flex": "1 1 0", "min-width": "0"}):
            StatusCard(model, tick)
    with solara.Row(style={"flex-wrap": "wrap", "gap": "8px"}):
        figure(charts.size_chart(ts, model.focal))
        figure(charts.network_chart(ts, model.focal))
        figure(charts.innovation_chart(ts, model.focal))


# ----------------------------------------------------------------- compare
@solara.lab.task
def run_comparison(model: AppModel, seeds: int):
    return comparison.compare(model, seeds=seeds)


def _table_html(df) -> str:
    return df.to_html(index=False, classes="cs-seed-table", border=0)


@solara.component
def CompareTab(model: AppModel, tick: int):
    """The same seed with and without the chosen policy, at the comparison's years; a plain
    message instead when no policy is set (the twin would be the same run)."""
    if not comparison.has_policy(model):
        solara.Info(
            "There is no policy to compare: this set-up has no policy instrument, so the run "
            "and its no-policy twin are the same and every difference would be zero. Switch an "
            "instrument on under Intervene (or choose a policy preset and press Reset), then "
            "come back here.",
            classes=["cs-no-policy"],
        )
        return
    result = run_comparison.value if run_comparison.finished else None
    years = ", ".join(f"{y:g}" for y in comparison.report_years(model.cfg.years))
    solara.Text(
        f"Runs the current presets and your interventions with the policy instruments as you "
        f"set them and without any (the counterfactual twin, same seed), and reports both at "
        f"years {years}. More seeds show how much of the difference is luck. Whitebook 4.5, "
        "L5213-5215; L7700-7702.",
        style={"display": "block"},
    )
    with solara.Row(style={"align-items": "center"}):
        with solara.Div(style={"width": "260px"}):
            ValueSlider(
                "Seeds",
                "(from the model's seed on)",
                comparison_seeds.value,
                comparison_seeds.set,
                1,
                8,
                1,
                "cs-slider-seeds",
            )
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
    if result is None:
        return
    if result.key != comparison.key(model):
        solara.Warning("The model changed since this comparison; run it again.")
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Column(style={"flex": "1 1 480px"}):
            for cls, text in comparison.summary_lines(result):
                bold = {"font-weight": "bold", "margin-top": "6px"} if "cs-cmp-year" in cls else {}
                solara.Text(text, classes=cls.split(), style={"display": "block", **bold})
        figure(charts.comparison_chart(result.policy, result.twin, result.focal))
    for year in result.years:
        solara.Text(
            f"Per seed at year {year:g} (policy run, twin, difference; local knowledge as the "
            "mean knowledge stock of the non-MNE firms; spend in cash units)",
            style={"font-weight": "bold", "display": "block", "margin-top": "8px"},
        )
        solara.HTML(tag="div", unsafe_innerHTML=_table_html(comparison.seed_table(result, year)))


# ----------------------------------------------------------------- sidebar
class Player:
    """Plays one model in a background thread, a quarter at a time, and stops at a checkpoint,
    at a chosen year or at the horizon. A pause takes effect after the quarter in progress."""

    def __init__(self):
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    @property
    def playing(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self, model: AppModel, until: int | None, redraw, done) -> None:
        self.pause()
        self.stop.clear()
        self.thread = threading.Thread(
            target=self._loop, args=(model, until, redraw, done), daemon=True
        )
        self.thread.start()

    def pause(self) -> None:
        self.stop.set()
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(timeout=30)

    def _loop(self, model, until, redraw, done) -> None:
        pauses = [round(y * STEPS_PER_YEAR) for y in presets.checkpoints(model.setup.exercise)]
        start = model.t
        why = ""
        while not self.stop.is_set():
            if model.finished:
                why = f"Finished: the run has reached its horizon, year {model.cfg.years}."
                break
            time.sleep(SPEEDS.get(speed.value, SPEEDS[DEFAULT_SPEED]))
            if self.stop.is_set():
                break
            model.step()
            if until is not None and model.t >= until:
                why = f"Paused at {years_text(model.t)}, as asked."
                break
            if model.t in pauses and model.t > start:
                why = (
                    f"Paused at {years_text(model.t)}: a checkpoint of the worksheet. Note the "
                    "numbers, then press Play to go on."
                )
                break
            if model.t % REDRAW_EVERY == 0:
                redraw()
        done(model, why)


def time_line(model: AppModel, playing: bool) -> str:
    state = "finished" if model.finished else ("playing" if playing else "paused")
    return f"Year {model.t / STEPS_PER_YEAR:.2f} of {model.cfg.years} ({state})"


@solara.component
def TimeCard(model: AppModel, tick: int, redraw, reset, player: Player):
    playing, set_playing = solara.use_state(False)
    target, set_target = solara.use_state(min(model.cfg.years, 5))

    def done(m, why):
        set_playing(False)
        if why:
            message.set((id(m), why))
        redraw()

    def play(until=None):
        if model.finished:
            message.set((id(model), f"Finished: year {model.cfg.years} is the horizon."))
            return
        set_playing(True)
        player.start(model, until, redraw, done)

    def pause():
        player.pause()
        set_playing(False)
        redraw()

    def step(quarters: int):
        player.pause()
        for _ in range(quarters):
            model.step()
        if model.finished:
            message.set(
                (id(model), f"Finished: the run has reached its horizon, year {model.cfg.years}.")
            )
        redraw()

    with solara.Card("Time", classes=["cs-time-card"]):
        solara.Text(
            time_line(model, playing),
            classes=["cs-time"],
            style={"font-weight": "bold", "display": "block"},
        )
        owner, text = message.value
        if text and owner == id(model):  # messages about an older model are dropped
            solara.Text(
                text, classes=["cs-message"], style={"color": "#b35900", "display": "block"}
            )
        pauses = presets.checkpoints(model.setup.exercise)
        if pauses:
            solara.Text(
                "Pauses by itself at years " + ", ".join(f"{y:g}" for y in pauses),
                classes=["cs-checkpoints"],
                style={"display": "block", "font-size": "0.85em", "color": "#555"},
            )
        with solara.Row(style={"gap": "4px", "flex-wrap": "wrap"}):
            if playing:
                solara.Button("❚❚ Pause", color="primary", on_click=pause, classes=["cs-pause"])
            else:
                solara.Button(
                    "▶ Play",
                    color="primary",
                    on_click=lambda: play(),
                    disabled=model.finished,
                    classes=["cs-play"],
                )
            solara.Button(
                "+1 quarter",
                on_click=lambda: step(1),
                disabled=playing or model.finished,
                classes=["cs-step"],
            )
            solara.Button(
                "+1 year",
                on_click=lambda: step(STEPS_PER_YEAR),
                disabled=playing or model.finished,
                classes=["cs-step-year"],
            )
            solara.Button("Reset", on_click=reset, classes=["cs-reset"])
        # a run only goes forward: the slider starts at the next whole year
        first = min(int(model.cfg.years), model.t // STEPS_PER_YEAR + 1)
        shown = max(target, first)
        ValueSlider(
            "Run to",
            "",
            shown,
            set_target,
            first,
            int(model.cfg.years),
            1,
            "cs-slider-target",
            fmt="year {}",
        )
        solara.Button(
            f"Run to year {shown}",
            color="primary",
            on_click=lambda: play(round(shown * STEPS_PER_YEAR)),
            disabled=playing or model.finished or model.t >= shown * STEPS_PER_YEAR,
            classes=["cs-run-to"],
        )
        solara.Select("Speed", value=speed, values=list(SPEEDS), dense=True)


@solara.component
def SetupCard(params: dict, values: dict, set_value):
    with solara.Card("Set-up (applies on Reset)"):
        for name, p in params.items():
            if not isinstance(p, dict):
                continue
            v = values[name]
            if p["type"] == "SliderInt":
                ValueSlider(
                    p["label"],
                    p["unit"],
                    v,
                    lambda x, n=name: set_value(n, x),
                    p["min"],
                    p["max"],
                    p["step"],
                    f"cs-slider-{name}",
                )
            else:
                solara.Select(
                    p["label"],
                    values=p["values"],
                    value=v,
                    on_value=lambda x, n=name: set_value(n, x),
                    dense=True,
                )
        if values.get("focal_share") == EVEN:
            solara.Text(
                "even: firms spread uniformly over the whole landscape",
                style={"font-size": "0.85em", "color": "#555"},
            )


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
def InterveneCard(m: AppModel, tick: int, redraw):
    """A technology shock, and each policy instrument switched and tuned; changes apply from
    the next quarter."""

    def act(request, text):
        try:
            request()
            message.set((id(m), text))
        except ConfigError as err:
            message.set((id(m), str(err)))
        redraw()

    nxt = years_text(m.t)  # a change applies before the quarter that starts now runs
    with solara.Card("Intervene (from the next quarter)"):
        solara.Button(
            "Technology shock",
            color="warning",
            block=True,
            on_click=lambda: act(
                m.request_shock, f"Technology shock: it hits the market at {nxt}."
            ),
        )
        solara.Text(
            "Policy instruments (each starts with the next budget year):",
            style={"font-weight": "bold", "display": "block"},
        )
        for name, label in INSTRUMENT_LABELS.items():
            on = m.instrument_on(name)
            with solara.Div(classes=[f"cs-policy-{name}"]):
                solara.Checkbox(
                    label=label,
                    value=on,
                    on_value=lambda v, n=name, lab=label: act(
                        lambda: m.request_switch(n, v),
                        f"{lab}: {'switched on' if v else 'switched off'} at {nxt}.",
                    ),
                )
            if on:
                ValueSlider(
                    "intensity",
                    "× the preset's dose",
                    m.instrument_intensity(name),
                    lambda v, n=name, lab=label: act(
                        lambda: m.request_intensity(n, v), f"{lab}: intensity {v:.1f} from {nxt}."
                    ),
                    0.0,
                    3.0,
                    0.1,
                    f"cs-slider-intensity-{name}",
                    fmt="{:.1f}",
                )


CSS = """
.cs-slider .v-input__slot { margin-bottom: 0; }
.cs-slider .v-messages { display: none; }
.cs-seed-table { border-collapse: collapse; font-size: 0.85em; }
.cs-seed-table th, .cs-seed-table td {
  padding: 2px 6px; border-bottom: 1px solid #ddd; text-align: right;
}
.cs-status .v-card__text, .cs-status { overflow: visible !important; height: auto !important; }
"""


@solara.component
def Page():
    params = solara.use_memo(model_params, [])
    values, set_values = solara.use_state(initial_kwargs(params))
    first = solara.use_memo(lambda: AppModel(**initial_kwargs(params)), [])
    model, set_model = solara.use_state(first)
    tick, set_tick = solara.use_state(0)
    player = solara.use_memo(Player, [])

    def redraw():
        set_tick(lambda t: t + 1)

    def set_value(name, value):
        set_values(lambda old: {**old, name: value})

    def reset():
        player.pause()
        try:
            set_model(AppModel(**values))
            message.set((0, ""))
        except ConfigError as err:
            message.set((id(model), str(err)))
        redraw()

    solara.Style(CSS)
    solara.Title("clustersim: a cluster's life cycle")
    with solara.AppBar():
        solara.AppBarTitle("clustersim: watch a cluster live")
    with solara.Sidebar():
        TimeCard(model, tick, redraw, reset, player)
        InterveneCard(model, tick, redraw)
        SetupCard(params, values, set_value)
    with solara.lab.Tabs():
        with solara.lab.Tab("Watch the cluster"):
            WatchTab(model, tick)
        with solara.lab.Tab("Compare with the no-policy twin"):
            CompareTab(model, tick)
