"""Incubator / science park: support for new firms and links to the university (L2159-2195,
Miniforum 8 L6360-6420).

Each quarter the incubator admits new firms founded in the target region that quarter, while it
has ``places`` free (academic spin-offs first with ``academic`` targeting; start-ups and
spin-offs in founding order otherwise). A tenant costs ``unit_cost`` a quarter in services and
the incubator covers its losses up to ``cover`` a quarter, so tenants fail less; after
``years`` (or when the programme ends) it graduates and stands on its own. Only ``interaction``
of the tenants actually link to the region's university: a park does not guarantee interaction
(L6369-6371). Capture fills that share of the places with the spin-offs of the incumbents with
most lobbying weight, if any apply.

Funded actions are admissions keyed by (founding step, region, origin, parent), so the twin can
tell whether the firm would have been founded anyway. Risks it can show: tenants that fail once
support ends (dependency), interaction that does not happen. Random numbers: one uniform per
admitted tenant, while the programme runs.
"""

from __future__ import annotations

import numpy as np

from clustersim.conf import STEPS_PER_YEAR
from clustersim.conf.instruments import IncubatorParams
from clustersim.institutions.policies.base import Instrument
from clustersim.institutions.policies.targeting import lobby_weight
from clustersim.world.state import ORIGIN_MNE, ORIGIN_UNIVERSITY, TIE_UNIVERSITY


class Incubator(Instrument):
    name = "incubator"
    Params = IncubatorParams

    def __init__(self, *args):
        super().__init__(*args)
        self.tenants: dict[int, int] = {}  # uid -> step admitted

    def _tenant_slots(self, model) -> np.ndarray:
        f = model.firms
        live = f.live
        stay = round(self.p.years * STEPS_PER_YEAR)
        self.tenants = {u: s for u, s in self.tenants.items() if model.t - s < stay}
        ids = np.fromiter(self.tenants, np.int64, len(self.tenants))
        return live[np.isin(f.uid[live], ids)]

    def after_market(self, model) -> None:
        """Services and loss cover for the tenants, while the programme runs."""
        if self.strength(model) <= 0 or not self.tenants:
            return
        f, p = model.firms, self.p
        for s in self._tenant_slots(model):
            if self.pay(model, p.unit_cost, "tenancy", int(f.uid[s])) < p.unit_cost:
                break
            loss = -float(f.profit[s])
            if loss > 0 and p.cover > 0:
                self.grant(model, np.array([s]), np.array([min(loss, p.cover)]), "cover")

    def after_step(self, model) -> None:
        """Admit this quarter's new firms of the region while places are free."""
        s = self.strength(model)
        if s <= 0:
            return
        f, rng = model.firms, self.rng(model)
        free = int(round(self.p.places * s)) - len(self._tenant_slots(model))
        members = model.index.region_members(self.region)
        new = members[(f.born[members] == model.t - 1) & (f.origin[members] != ORIGIN_MNE)]
        if free <= 0 or len(new) == 0:
            return
        if self.p.targeting == "academic":
            new = new[np.argsort(f.origin[new] != ORIGIN_UNIVERSITY, kind="stable")]
        n_cap = int(round(self.gov.cfg.capture * free))
        if n_cap:  # captured places: spin-offs of the heaviest lobbies first
            parent_w = np.zeros(len(new))
            parents = f.parent[new]
            alive_uid = {int(f.uid[x]): x for x in f.live}
            for i, u in enumerate(parents):
                if int(u) in alive_uid:
                    parent_w[i] = lobby_weight(f, np.array([alive_uid[int(u)]]))[0]
            new = new[np.argsort(-parent_w, kind="stable")]
        uni = np.flatnonzero(model.universities.region == self.region)
        trust0 = model.regions.bonding[self.region]
        for slot in new[:free]:
            if self.budget_left() < self.p.unit_cost:
                break
            self.tenants[int(f.uid[slot])] = model.t
            self.pay(
                model,
                self.p.unit_cost,
                "admission",
                int(f.region[slot]),
                int(f.parent[slot]),
                x=float(f.origin[slot]),
            )
            if len(uni) and rng.random() < self.p.interaction:
                model.ties.add(
                    np.array([slot]),
                    np.array([uni[0]]),
                    np.array([TIE_UNIVERSITY]),
                    np.array([trust0]),
                )
