"""Government agents: budgets, the split among programmes, every spend, and government failure.

One ``Government`` per governing level in use (regional, national, donor; L3793-4246). Each
budget year it splits its budget among the programmes open that year (``policy.split``) and the
money left at the year's end lapses, so spend in a year never exceeds the budget. Every payment
is one record: step, programme, instrument, action and its target.

Government failure, as configurable behaviour (L1744-1745, L1911-1921, L2849-2850):

* **capture** (L1911-1921): instruments steer that share of their discretionary allocations to
  incumbents by lobbying weight, and at a programme's scheduled end the beneficiaries win an
  extension with that probability (failure to phase out, L2228-2229);
* **reversal hazard** (L2849-2850): at each year start the government ends all its programmes
  with that probability; firms discount its promises by the expected horizon
  (:meth:`credibility`);
* **defensive aid** (L2081-2089, L3897-3903): while the target region declines, that share of
  the yearly budget covers the losses of incumbents, largest lobby first, keeping them alive;
* **information quality** is read by the instruments (blind targeting, gameable contests).

Random numbers (the government's own stream, ``ClusterModel.hook_rng``): one uniform per
government per year start while it has an open programme and a positive reversal hazard; one
per programme reaching its scheduled end while capture is positive. Nothing else.
"""

from __future__ import annotations

import mesa
import numpy as np

from clustersim.conf import STEPS_PER_YEAR
from clustersim.institutions.policies.base import credibility
from clustersim.institutions.policies.targeting import lobby_order

RECORD_FIELDS = (
    "step",
    "government",
    "programme",
    "instrument",
    "action",
    "amount",
    "a",
    "b",
    "x",
)


class Spending:
    """The quarter being booked and its spend by instrument. The policy mix owns it and starts
    each quarter; its governments book every payment here; the mix reports it per step."""

    def __init__(self, step: int):
        self.step = step  # the quarter's label in the time series and the spend records
        self.now: dict[str, float] = {}  # spend by instrument this quarter

    def start(self, step: int) -> None:
        self.step, self.now = step, {}

    def book(self, instrument: str, amount: float) -> None:
        self.now[instrument] = self.now.get(instrument, 0.0) + amount


class Government(mesa.Agent):
    """One governing level: budget per year, its programmes, its failures, its spend records.
    Payments are booked in ``spending``, which the policy mix that owns the government passes."""

    def __init__(self, model, level: str, cfg, split: str, spending: Spending):
        super().__init__(model)
        self.level, self.cfg, self.split, self.spending = level, cfg, split, spending
        self.programmes: list = []
        self.envelope: dict[str, float] = {}
        self.pot = 0.0  # split=priority: one pot, first come first served
        self.aid_left = 0.0
        self.year = -1
        self.engaged = False  # has started a programme (defensive aid may follow)
        self.reversed_at: int | None = None
        self.records: list[tuple] = []
        self.spent_by_year: dict[int, float] = {}

    # ------------------------------------------------------------------ budget year

    def rng(self, model) -> np.random.Generator:
        """This government's own random numbers in this step."""
        return model.hook_rng(f"government:{self.level}")

    def new_year(self, model, declining: bool) -> None:
        """Reversal draw, then this year's envelopes (called at every year start)."""
        self.year = model.t // STEPS_PER_YEAR
        if self.cfg.reversal_hazard > 0 and any(p.open for p in self.programmes):
            if self.rng(model).random() < self.cfg.reversal_hazard:
                self.reverse(model)
        budget = self.cfg.budget
        self.aid_left = budget * self.cfg.defensive_aid if (declining and self.engaged) else 0.0
        rest = budget - self.aid_left
        t0, t1 = model.t, model.t + STEPS_PER_YEAR
        paying = [
            p
            for p in self.programmes
            if p.costs_budget and not p.ended and p.start < t1 and p.end > t0
        ]
        self.envelope = {}
        self.pot = rest if self.split == "priority" else 0.0
        if self.split == "priority" or not paying:
            return
        weights = np.array(
            [p.prog.weight if self.split == "weighted" else 1.0 for p in paying], dtype=float
        )
        if weights.sum() <= 0:
            weights[:] = 1.0
        for p, w in zip(paying, weights / weights.sum(), strict=True):
            self.envelope[p.key] = rest * w

    def available(self, prog) -> float:
        if self.split == "priority":
            return self.pot
        return self.envelope.get(prog.key, 0.0)

    def pay(self, model, prog, amount: float, action: str, a: int, b: int, x) -> float:
        """Grant up to ``amount`` from the programme's envelope and record it."""
        if amount <= 0.0 or not prog.costs_budget:
            return 0.0
        got = min(float(amount), self.available(prog))
        if got <= 0.0:
            return 0.0
        if self.split == "priority":
            self.pot -= got
        else:
            self.envelope[prog.key] -= got
        self._record(prog.key, prog.name, action, got, a, b, x)
        prog.spent += got
        return got

    def _record(self, programme, instrument, action, amount, a, b, x) -> None:
        """One payment. ``step`` labels the quarter as the time series does (1 = the first)."""
        step = self.spending.step
        self.records.append(
            (step, self.level, programme, instrument, action, amount, a, b, float(x))
        )
        year = (step - 1) // STEPS_PER_YEAR
        self.spent_by_year[year] = self.spent_by_year.get(year, 0.0) + amount
        self.spending.book(instrument, amount)

    # ------------------------------------------------------------------ failure
    def credibility(self, years: float) -> float:
        return credibility(self.cfg.reversal_hazard, years)

    def reverse(self, model) -> None:
        """Abrupt policy reversal: every programme of this government stops now."""
        self.reversed_at = model.t
        for p in self.programmes:
            if p.open:
                p.end = model.t
                p.ended = True
                p.on_exit(model)
            elif not p.started:
                p.ended = True  # never starts

    def extend(self, model, prog, steps: int) -> bool:
        """At a scheduled end, a captured government extends the programme (one draw)."""
        if self.cfg.capture > 0 and self.rng(model).random() < self.cfg.capture:
            prog.end += steps
            return True
        return False

    def defend(self, model, region: int) -> None:
        """Defensive aid: cover incumbents' losses, largest lobby first, while money lasts."""
        if self.aid_left <= 0.0:
            return
        f = model.firms
        members = model.index.region_members(region)
        losing = members[f.alive[members] & (f.profit[members] < 0.0)]
        given = 0.0
        for s in lobby_order(f, losing):
            amount = min(-float(f.profit[s]), self.aid_left)
            if amount <= 0.0:
                break
            self.aid_left -= amount
            f.cash[s] += amount
            f.profit[s] += amount
            model.add_aid([s], [amount])  # the firm's expectation counts the aid
            given += amount
            self._record("defensive_aid", "defensive_aid", "aid", amount, f.uid[s], -1, 0.0)
        model.transfers += given
