"""R&D subsidy: cheaper R&D for all firms, or only for collaborative projects (L1876-1881,
L4064-4065).

While it runs, funded firms of the target region get back ``rate`` of their R&D spending (the
cost per unit of R&D to the budget; paid pro rata when the budget is short) and respond by
raising their R&D intensity by ``response`` x rate, discounted by the government's credibility.
``collaborative`` funds only firms in multi-firm projects (a firm tie that has produced a
successful joint project, L4064-4065); ``all`` funds every firm.

Government failure: with information quality q, each non-collaborative firm passes as
collaborative with probability 1 - q (relabelling to become eligible, L1940-1944); capture adds
the incumbents with most lobbying weight (that share of the eligible count) whatever they do.
Risks it can show: deadweight (funded firm-quarters in which the same firm innovates in the
twin anyway, or innovates no more than there), relabelling, and the weak response of small
firms, whose innovations are worth less (scale economies of R&D; "commonly failed" for SMEs,
L1939-1941). Random numbers: one uniform per non-collaborative firm per quarter, only for
collaborative targeting with q < 1.
"""

from __future__ import annotations

import numpy as np

from clustersim.conf.instruments import RDSubsidyParams
from clustersim.institutions.policies.base import Instrument
from clustersim.institutions.policies.targeting import lobby_order
from clustersim.world.state import TIE_FIRM

MAX_RD = 0.5  # the kernels' cap on R&D intensity


class RDSubsidy(Instrument):
    name = "rd_subsidy"
    Params = RDSubsidyParams

    def __init__(self, *args):
        super().__init__(*args)
        self.funded = np.zeros(0, dtype=np.int64)
        self.rd_before = np.zeros(0)
        self.uids = np.zeros(0, dtype=np.int64)
        self.relabelled = 0

    def before_step(self, model) -> None:
        self.funded = np.zeros(0, dtype=np.int64)
        s = self.strength(model)
        if s <= 0:
            return
        f = model.firms
        members = model.index.region_members(self.region)
        members = members[f.alive[members]]
        if self.p.targeting == "collaborative":
            members = self._eligible(model, members)
        capture = self.gov.cfg.capture
        if capture > 0 and len(members):
            region = model.index.region_members(self.region)
            extra = lobby_order(f, region[f.alive[region]])[: int(round(capture * len(members)))]
            members = np.union1d(members, extra)
        self.funded = members
        self.uids = f.uid[members].copy()
        self.rd_before = f.rd[members].copy()
        boost = 1.0 + self.p.response * self.p.rate * s * self.credibility(model)
        f.rd[members] = np.minimum(f.rd[members] * boost, MAX_RD)

    def _eligible(self, model, members: np.ndarray) -> np.ndarray:
        """Firms with a productive firm tie; blind spots let others relabel themselves."""
        f, t = model.firms, model.ties
        kind, succ = t.view("kind"), t.view("successes")
        ok = (kind == TIE_FIRM) & (succ > 0)
        collab = np.zeros(f.capacity, dtype=bool)
        collab[t.view("a")[ok]] = True
        collab[t.view("b")[ok]] = True
        real = members[collab[members]]
        q = self.gov.cfg.information_quality
        others = members[~collab[members]]
        if q >= 1 or len(others) == 0:
            self.relabelled = 0
            return real
        fake = others[self.rng(model).random(len(others)) < 1.0 - q]
        self.relabelled = len(fake)
        return np.union1d(real, fake)

    def after_market(self, model) -> None:
        """Reimburse ``rate`` of this quarter's R&D spending (pro rata if money is short)."""
        if len(self.funded) == 0:
            return
        f = model.firms
        rate = min(1.0, self.p.rate * self.strength(model))
        due = rate * f.rd[self.funded] * np.maximum(f.sales[self.funded], 0.0)
        total = float(due.sum())
        if total <= 0:
            return
        due *= min(1.0, self.budget_left() / total)
        self.grant(model, self.funded, due, "rd")

    def after_search(self, model) -> None:
        """Innovation has used the boosted intensity: put it back."""
        if len(self.funded) == 0:
            return
        f = model.firms
        same = f.alive[self.funded] & (f.uid[self.funded] == self.uids)
        f.rd[self.funded[same]] = self.rd_before[same]
