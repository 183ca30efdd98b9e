"""Demand-side policy: public procurement and lead-user demand for the cluster (L2180-2231).

While it runs, the government buys ``volume`` units a quarter from the target region
(``regions.public_demand``: shared among the region's firms by competitiveness, like private
demand) and pays ``unit_cost`` per unit. A demanding buyer (``sophistication``) makes its
suppliers learn: in proportion to its share of a firm's sales, the firm's knowledge grows and
its position moves toward the buyer's specification (L2221-2222). The specification is world
demand shifted by a fixed error that grows as the government's information quality falls: a
blind buyer chases a "white elephant" and pulls its suppliers away from the market
(L2222-2226).

Risks it can show: over-dependence on public demand (L2219-2220; the ``public_sales_share``
column, and the jobs that go when purchases stop: dependency), failure to phase out (L2228-2229:
a captured government extends the programme), white elephants (low information quality).
Random numbers: the direction of the specification error, ``dims`` normals at the start, only
when information quality is below 1 and the buyer is demanding.
"""

from __future__ import annotations

import numpy as np

from clustersim.conf.instruments import DemandSideParams
from clustersim.institutions.policies.base import Instrument


class DemandSide(Instrument):
    name = "demand_side"
    Params = DemandSideParams

    def __init__(self, *args):
        super().__init__(*args)
        self.offset = None
        self.volume = 0.0
        self.share = 0.0

    def on_start(self, model) -> None:
        p, q = self.p, self.gov.cfg.information_quality
        self.offset = np.zeros(model.dims)
        if q < 1 and p.sophistication > 0 and p.spec_error > 0:
            z = self.rng(model).normal(size=model.dims)
            self.offset = (1 - q) * p.spec_error * z / max(np.linalg.norm(z), 1e-12)

    def before_step(self, model) -> None:
        self.volume = self.share = 0.0
        s = self.strength(model)
        if s <= 0:
            return
        vol = self.p.volume * s
        if self.p.unit_cost > 0:
            vol = min(vol, self.budget_left() / self.p.unit_cost)
        self.volume = vol
        self.reserved += vol * self.p.unit_cost
        model.regions.public_demand[self.region] += vol

    def after_market(self, model) -> None:
        if self.volume <= 0:
            return
        f = model.firms
        members = model.index.region_members(self.region)
        members = members[f.alive[members]]
        if len(members) == 0:
            return  # nobody to buy from: nothing delivered, nothing paid
        # each member's share of the region's public demand, as the market kernel gave it
        weight = np.exp(model.log_weight[members] - model.market_lse[1 + self.region])
        self.reserved = 0.0
        self.pay(model, self.volume * self.p.unit_cost, "procurement", x=self.volume)
        public = self.volume * weight / weight.sum()
        share = public / np.maximum(f.sales[members], 1e-12)
        self.share = self.volume / max(float(f.sales[members].sum()), 1e-12)
        p = self.p
        if p.sophistication > 0:
            spec = model.demand + self.offset
            learned = f.kstock[members] * (1.0 + p.learning * p.sophistication * share)
            f.kstock[members] = np.minimum(learned, np.maximum(f.kstock[members], model.frontier))
            f.kpos[members] += (p.pull * p.sophistication * share)[:, None] * (
                spec - f.kpos[members]
            )

    def columns(self, model) -> dict:
        col = np.zeros(model.regions.n)
        col[self.region] = self.share
        return {"public_sales_share": col}
