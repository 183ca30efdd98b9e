"""Public seed finance: a public fund that co-invests with private venture capital, or hands
out grants (L4371-4403, L1440-1448).

It needs the scenario's public seed fund in the target region (``finance.seed_funds >= 1``;
give it ``finance.seed_capital: 0`` so it is idle without the programme). While the programme
runs, the fund gets ``capital`` a quarter from the budget (at most what is left), one ticket
per start-up it funds; each deal is a funded action keyed by (founding step, region, origin,
parent).

* ``co_invest``: public money invested through syndicates with private venture capital
  (L4371-4377): the fund screens with the VCs' skill and is asked after the VCs and banks; by
  bearing part of the risk it accepts ventures down to ``threshold``, below the VCs' own, so it
  funds ventures that private capital turned down;
* ``grant``: outright public money (L1443-1448): entrepreneurs ask it first (the programme
  holds the ``finance.ask_order`` override in ``model.overrides`` until it ends) and it screens
  naively (no skill) against ``threshold``, so more and weaker firms enter, and the VCs lose
  deal flow and shrink (``finance.vc_min_deals``): private finance crowded out, and missing
  when the grants stop.

No random numbers of its own (the screening draws are the model's, one per candidate).
"""

from __future__ import annotations

import numpy as np

from clustersim.conf.instruments import SeedFinanceParams
from clustersim.institutions.policies.base import Instrument
from clustersim.world.state import BANK, SEED_FUND, TIE_FINANCIER, VC


class SeedFinance(Instrument):
    name = "seed_finance"
    Params = SeedFinanceParams

    def __init__(self, *args):
        super().__init__(*args)
        self.fund = -1
        self.saved = None

    def on_start(self, model) -> None:
        fin, fcfg = model.financiers, model.cfg.finance
        self.fund = int(np.flatnonzero((fin.kind == SEED_FUND) & (fin.region == self.region))[0])
        k = self.fund
        self.saved = (fin.threshold[k], fin.skill[k])
        fin.threshold[k] = self.p.threshold
        if self.p.mode == "grant":
            fin.skill[k] = 0.0
            model.overrides.set("finance.ask_order", (SEED_FUND, VC, BANK), self.key)
        else:
            fin.skill[k] = fcfg.vc_skill

    def on_exit(self, model) -> None:
        fin, k = model.financiers, self.fund
        fin.threshold[k], fin.skill[k] = self.saved
        model.overrides.clear(self.key)
        fin.capacity[k] = fin.available[k] = 0.0

    def before_entry(self, model) -> None:
        s = self.strength(model)
        if s <= 0:
            return
        fin, k = model.financiers, self.fund
        cap = min(self.p.capital * s, self.budget_left())
        fin.capacity[k] = fin.available[k] = cap
        self.reserved += cap

    def after_step(self, model) -> None:
        """Pay one ticket per deal the fund made this quarter (its new financier ties)."""
        if self.fund < 0 or not self.open:
            return
        f, t, fin = model.firms, model.ties, model.financiers
        self.reserved = 0.0
        new = (t.view("age") == 0) & (t.view("kind") == TIE_FINANCIER) & (t.view("b") == self.fund)
        ticket = model.cfg.finance.ticket
        for s in t.view("a")[new]:
            self.pay(
                model,
                ticket,
                "seed_deal",
                int(f.region[s]),
                int(f.parent[s]),
                x=float(f.origin[s]),
            )
        fin.capacity[self.fund] = 0.0  # idle until the next quarter's capital arrives
