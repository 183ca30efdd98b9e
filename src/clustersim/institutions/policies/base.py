"""The shared interface of every policy instrument: one programme = one ``Instrument`` hook.

A programme is an instrument run by one government over a window (start, duration), at an
intensity, with a targeting rule and a cost per unit drawn from its government's budget, and an
exit after which what it built must stand on its own (exit strategy, L3940-3943).
The policy mix (``clustersim.institutions.policies.mix``)
calls the step phases of every programme that has
started, also after its exit, so an instrument can model what happens when support stops
(footloose MNEs, graduating tenants). ``strength`` is zero outside the window.
"""

from __future__ import annotations

import math

import numpy as np

from clustersim.conf import STEPS_PER_YEAR
from clustersim.conf.instruments import InstrumentParams
from clustersim.world.hooks import StepHook


class Instrument(StepHook):
    """Base class. Subclasses set ``name`` and ``Params`` (their parameters in
    :mod:`clustersim.conf.instruments`, which also say whether two programmes may overlap and
    whether one costs budget), and override the phases they use plus ``on_start``/``on_exit``."""

    name = "instrument"
    Params: type[InstrumentParams] = InstrumentParams

    def __init__(self, key: str, prog, params, mix, government):
        self.key, self.prog, self.p, self.mix, self.gov = key, prog, params, mix, government
        self.start, self.end = prog.window()
        self.started = self.ended = False
        self.reserved = 0.0  # money set aside this step for spends that follow later in the step
        self.spent = 0.0

    def rng(self, model) -> np.random.Generator:
        """This programme's own random numbers in this step (``ClusterModel.hook_rng``)."""
        return model.hook_rng(f"policy:{self.key}")

    @property
    def costs_budget(self) -> bool:
        return self.p.costs_budget

    # ------------------------------------------------------------------ window
    @property
    def region(self) -> int:
        return self.mix.region

    @property
    def open(self) -> bool:
        """Support is running (started, not yet ended)."""
        return self.started and not self.ended

    def strength(self, model) -> float:
        """Intensity now: 0 outside the window, tapered linearly before a tapered exit."""
        if not self.open:
            return 0.0
        s = self.prog.intensity
        tail = round(self.prog.taper_years * STEPS_PER_YEAR)
        if self.prog.exit == "taper" and tail > 0:
            s *= min(1.0, (self.end - model.t) / tail)
        return s

    def credibility(self, model) -> float:
        """Share of the promised support firms expect to get (reversal hazard, L2849-2850)."""
        return self.gov.credibility(max(self.end - model.t, 1) / STEPS_PER_YEAR)

    def on_start(self, model) -> None:
        """Called once when the window opens."""

    def on_exit(self, model) -> None:
        """Called once when support stops (scheduled end, or a reversal)."""

    # ------------------------------------------------------------------ money
    def budget_left(self) -> float:
        """Money this programme may still spend this year, net of this step's reservations."""
        return max(0.0, self.gov.available(self) - self.reserved)

    def pay(self, model, amount: float, action: str, a: int = -1, b: int = -1, x=np.nan) -> float:
        """Spend up to ``amount`` from the budget; record it as ``action`` on target (a, b, x).

        Returns what was granted (never more than the budget left)."""
        return self.gov.pay(model, self, amount, action, a, b, x)

    def grant(self, model, slots: np.ndarray, amounts: np.ndarray, action: str) -> np.ndarray:
        """Pay cash to firms in slot order until the budget runs out; books the transfer in the
        ledger (``model.transfers``), each firm's profit and the aid its owner counts on
        (``model.aid``). Returns the amounts granted."""
        f = model.firms
        out = np.zeros(len(slots))
        for i, s in enumerate(slots):
            got = self.pay(model, float(amounts[i]), action, int(f.uid[s]))
            if got <= 0.0:
                break
            out[i] = got
        f.cash[slots] += out
        f.profit[slots] += out
        model.add_aid(slots, out)
        model.transfers += float(out.sum())
        return out

    def columns(self, model) -> dict:
        return {}


def credibility(hazard: float, years: float) -> float:
    """Expected share of ``years`` of promised support that a government with a yearly
    reversal ``hazard`` delivers: (1 - exp(-l D)) / (l D) with l = -ln(1 - hazard)."""
    if hazard <= 0.0:
        return 1.0
    if hazard >= 1.0:
        return 0.0
    lam = -math.log1p(-hazard) * years
    return -math.expm1(-lam) / lam
