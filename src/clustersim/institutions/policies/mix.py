"""The policy mix: one step hook that runs every programme, its governments and the event log.

Installed by :func:`install` only when the config has an effective programme (intensity > 0 and
a duration) or asks for event recording, so a run without policy is untouched. Order within a
step, each phase calling the programmes in the order they are listed:

* ``before_step``: scheduled ends (a captured government may extend a programme), then at a year
  start each government's reversal draw and budget split, then starts (the first start runs the
  region contest if ``policy.contest``); the region levers are saved and the programmes set them;
* ``after_market``: programmes pay grants; defensive aid; ``public_demand`` is restored;
* ``after_search``: the event log reads this step's new ties, programmes act (introductions,
  MNE arrivals and moves), then the tie, trust and mobility levers are restored;
* ``before_entry`` / ``after_step``: programmes act; ``amenity`` is restored; the log records
  births, deaths, innovations and skills.

Levers are restored to the values saved at the step's start, so every programme's effect on
them lasts one step and a programme that stops leaves nothing behind in them. Parameters change
only through ``model.overrides`` (``clustersim.world.hooks``), each held by its programme. The
mix owns its governments and hands them the quarter's ``Spending`` to book payments in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clustersim.conf import STEPS_PER_YEAR, make_params
from clustersim.institutions.policies.events import EventLog
from clustersim.institutions.policies.government import RECORD_FIELDS, Government, Spending
from clustersim.institutions.policies.registry import INSTRUMENTS
from clustersim.institutions.policies.targeting import contest
from clustersim.world.hooks import StepHook

LEVERS = {
    "after_market": ("public_demand",),
    "after_search": (
        "search_factor",
        "tie_cost_factor",
        "mobility_factor",
        "enforcement",
        "bridging",
    ),
    "after_step": ("amenity",),
}


def effective_programmes(pc) -> dict:
    """Programmes that can do anything: positive intensity and duration."""
    return {k: p for k, p in pc.programmes.items() if p.intensity > 0 and p.duration_years > 0}


def install(model) -> None:
    """Add the policy mix when there is something to run or to record (else no hook at all)."""
    pc = model.cfg.policy
    programmes = effective_programmes(pc)
    if programmes or pc.record_events:
        model.policy = PolicyMix(model, programmes)
        model.add_hook(model.policy)


class PolicyMix(StepHook):
    name = "policy"

    def __init__(self, model, programmes: dict):
        pc = self.cfg = model.cfg.policy
        self.region = model.focal if pc.region < 0 else pc.region
        self.events = EventLog(model) if pc.record_events else None
        self.spending = Spending(model.t)  # what the governments pay this quarter
        self.governments: dict[str, Government] = {}
        self.programmes = []
        for key, prog in programmes.items():
            self.add_programme(model, key, prog)
        self.any_started = False
        self.peak = 0.0
        self.contest_scores: np.ndarray | None = None
        self._saved: dict[str, np.ndarray] = {}

    def add_programme(self, model, key: str, prog):
        """Run programme ``key`` (a ``ProgrammeConfig``) in this mix; its government is created
        on first use. The teaching app also adds programmes mid-run this way: a government
        funds a new programme from the next budget year on (``Government.new_year``)."""
        pc = self.cfg
        if prog.level not in self.governments:
            gcfg = getattr(pc, prog.level)
            self.governments[prog.level] = Government(
                model, prog.level, gcfg, pc.split, self.spending
            )
        gov = self.governments[prog.level]
        params = make_params(prog.instrument, prog.params, f"policy.programmes.{key}.params.")
        inst = INSTRUMENTS[prog.instrument](key, prog, params, self, gov)
        gov.programmes.append(inst)
        self.programmes.append(inst)
        return inst

    # ------------------------------------------------------------------ phases
    def before_step(self, model) -> None:
        self.spending.start(model.t + 1)  # labelled as in the time series (1 = the first)
        for p in self.programmes:
            p.reserved = 0.0
        t = model.t
        ext = round(self.cfg.extension_years * STEPS_PER_YEAR)
        for p in self.programmes:
            if p.open and t >= p.end and not p.gov.extend(model, p, ext):
                p.ended = True
                p.on_exit(model)
        if self.any_started:
            self.peak = max(self.peak, float(model.regions.emp[self.region]))
        if t % STEPS_PER_YEAR == 0:
            emp = float(model.regions.emp[self.region])
            declining = self.any_started and emp < (1.0 - self.cfg.decline) * self.peak
            for gov in self.governments.values():
                gov.new_year(model, declining)
        for p in self.programmes:
            if not p.started and not p.ended and t >= p.start:
                if not self.any_started:
                    self._first_start(model)
                p.started = p.gov.engaged = True
                p.on_start(model)
        reg = model.regions
        self._saved = {
            name: getattr(reg, name).copy() for names in LEVERS.values() for name in names
        }
        self._call(model, "before_step")

    def after_market(self, model) -> None:
        self._call(model, "after_market")
        for gov in self.governments.values():
            gov.defend(model, self.region)
        self._restore(model, "after_market")

    def after_search(self, model) -> None:
        if self.events is not None:
            self.events.after_search(model)
        self._call(model, "after_search")
        self._restore(model, "after_search")

    def before_entry(self, model) -> None:
        self._call(model, "before_entry")

    def after_step(self, model) -> None:
        self._call(model, "after_step")
        self._restore(model, "after_step")
        if self.events is not None:
            self.events.after_step(model)

    def _call(self, model, phase: str) -> None:
        for p in self.programmes:
            if p.started:
                getattr(p, phase)(model)

    def _restore(self, model, phase: str) -> None:
        for name in LEVERS[phase]:
            getattr(model.regions, name)[:] = self._saved[name]

    def _first_start(self, model) -> None:
        """The policy's target region is fixed when the first programme starts."""
        self.any_started = True
        if self.cfg.contest:
            levels = [p.gov.level for p in self.programmes]
            judge = self.governments["national" if "national" in levels else levels[0]]
            self.region, self.contest_scores = contest(model, judge.cfg.information_quality)
        self.peak = float(model.regions.emp[self.region])

    # ------------------------------------------------------------------ outputs
    def columns(self, model) -> dict:
        n, r = model.regions.n, self.region
        cols = {"policy_target": np.arange(n) == r}
        names = sorted({p.name for p in self.programmes})
        if any(g.cfg.defensive_aid > 0 for g in self.governments.values()):
            names.append("defensive_aid")
        total = np.zeros(n)
        for name in names:
            col = np.zeros(n)
            col[r] = self.spending.now.get(name, 0.0)
            cols[f"spend_{name}"] = col
            total += col
        cols["policy_spend"] = total
        for p in self.programmes:
            for key, value in p.columns(model).items():
                cols[key] = cols[key] + value if key in cols else value
        return cols

    def spend_table(self) -> pd.DataFrame:
        """Every payment of every government, one row each."""
        return pd.DataFrame(self.spend_rows(), columns=list(RECORD_FIELDS))

    def spend_rows(self) -> list[dict]:
        """:meth:`spend_table`'s rows."""
        return [rec for gov in self.governments.values() for rec in gov.records]

    def windows(self) -> pd.DataFrame:
        """Each programme's realised window (after extensions and reversals)."""
        return pd.DataFrame(
            [
                {
                    "programme": p.key,
                    "instrument": p.name,
                    "government": p.gov.level,
                    "start": p.start,
                    "end": p.end if p.started else p.start,
                    "started": p.started,
                    "reversed": p.gov.reversed_at is not None,
                    "spent": p.spent,
                }
                for p in self.programmes
            ]
        )
