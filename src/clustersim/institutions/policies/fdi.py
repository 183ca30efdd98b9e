"""FDI attraction: foreign MNE anchors, their local suppliers, and what happens when incentives
end (L2300-2364; Miniforum 13, L7116-7194; Chihuahua L8262-8445; Catalonia L7500-7553).

While the programme runs, MNE affiliates arrive in the target region (``arrivals`` a year,
discounted by the government's credibility: investors weigh how long incentives will last). Each
arrival gets a one-off grant (``unit_cost``) and an incentive every quarter while support lasts,
and is placed with ``entry.place_firm`` as a foreign MNE (counted in ``mne_entries``): ``size``
employees and ``knowledge`` times the industry's mean knowledge stock, positioned either next to
the cluster's core at the optimal cognitive distance (``complementary``) or at the world market's
frontier (``frontier``). It links to ``suppliers`` local firms; these ties carry knowledge both
ways through the ordinary tie channel, weighted by each side's absorptive capacity, so local
upgrading happens only where local firms can absorb (L2338-2340) and the MNE also learns from
its suppliers (reverse spillovers, footnote 50 at L2361-2363). Its parent buys ``local_content``
of the affiliate's sales inside the region (demand for local suppliers). The affiliate is one
plant in the parent's value chain (the maquiladora model, L8273-8278), so these purchases are
inputs on the group's account, not a cost on top of the plant's own wages, rent and fixed cost:
the plant stays while its own account is viable (``demography.exits``).

When incentives end, MNEs are footloose (L1850-1852, L8383-8385): each quarter an MNE relocates,
with probability ``footloose``, to the region with the best productivity-adjusted cost
(agglomeration over wage plus rent) if that beats its own by ``margin`` (``model.relocate_firm``,
counted in ``relocations_in`` and ``relocations_out``); its ties stay, now reaching across
regions. Risks it can show: weak upgrading with low absorptive capacity, exit when incentives
end, knowledge leaving with the MNE. Random numbers, only while it acts: per
arrival 2 uniforms (location), ``dims`` normals (position), the trait draws of
``entry.draw_traits`` and one uniform per supplier picked; after the exit one uniform per
MNE and quarter when a better region exists, plus 2 for a move.
"""

from __future__ import annotations

import numpy as np

from clustersim.conf import STEPS_PER_YEAR
from clustersim.conf.instruments import FDIParams
from clustersim.institutions.policies.base import Instrument
from clustersim.mechanisms.demography import entry
from clustersim.world.state import ORIGIN_MNE, TIE_FIRM
from clustersim.world.streams import stream_code


class FDI(Instrument):
    name = "fdi"
    Params = FDIParams

    def __init__(self, *args):
        super().__init__(*args)
        self.carry = 0.0
        self.mnes: dict[int, float] = {}  # uid -> knowledge stock on arrival
        self.suppliers: dict[int, list[int]] = {}  # MNE uid -> supplier uids
        self.relocated = 0
        self.knowledge_out = 0.0  # knowledge the relocated affiliates took with them

    # ------------------------------------------------------------------ helpers
    def _slots(self, model) -> np.ndarray:
        """Live slots of the affiliates this programme brought."""
        f = model.firms
        live = f.live
        return live[np.isin(f.uid[live], np.fromiter(self.mnes, np.int64, len(self.mnes)))]

    # ------------------------------------------------------------------ phases
    def before_step(self, model) -> None:
        """The parents buy ``local_content`` of last quarter's sales in their affiliates'
        regions (shared among the region's firms like any demand)."""
        if not self.mnes or self.p.local_content <= 0:
            return
        f = model.firms
        slots = self._slots(model)
        purchases = self.p.local_content * np.maximum(f.sales[slots], 0.0)
        np.add.at(model.regions.public_demand, f.region[slots], purchases)

    def after_market(self, model) -> None:
        f = model.firms
        s = self.strength(model)
        if s > 0 and self.mnes:
            slots = self._slots(model)
            slots = slots[f.region[slots] == self.region]
            self.grant(model, slots, np.full(len(slots), self.p.incentive * s), "incentive")

    def after_search(self, model) -> None:
        s = self.strength(model)
        if s > 0:
            self.carry += self.p.arrivals * s * self.credibility(model) / STEPS_PER_YEAR
            while self.carry >= 1.0:
                self.carry -= 1.0
                if self.budget_left() < self.p.unit_cost + self.p.incentive:
                    break
                self._arrive(model)
        elif self.ended and self.mnes:
            self._footloose(model)

    def columns(self, model) -> dict:
        n = model.regions.n
        f = model.firms
        slots = self._slots(model)
        count = np.bincount(f.region[slots], minlength=n).astype(float)
        moved = np.zeros(n)
        moved[self.region] = self.relocated
        return {"policy_mnes": count, "mne_relocations": moved}

    # ------------------------------------------------------------------ arrival and exit
    def _arrive(self, model) -> None:
        f, reg, rng, r, p = model.firms, model.regions, self.rng(model), self.region, self.p
        x = reg.x0[r] + rng.random() * (reg.x1[r] - reg.x0[r])
        y = reg.y0[r] + rng.random() * (reg.y1[r] - reg.y0[r])
        z = rng.normal(size=model.dims)
        if p.targeting == "complementary":
            unit = z / max(np.linalg.norm(z), 1e-12)
            kpos = model.core_position(r) + model.cfg.knowledge.optimal_distance * unit
        else:
            kpos = model.demand + 0.1 * model.cfg.knowledge.initial_spread * z
        code = stream_code(f"policy:{self.key}")  # the n-th affiliate it attracted:
        uid = int(model.streams.ids(code, model.t, [r], [len(self.mnes)])[0])
        rd, opp, openness, _ = entry.draw_traits(model, np.array([uid]))
        cash = model.cfg.market.initial_cash * p.size
        members = model.index.region_members(r)
        members = members[f.alive[members] & ~f.is_mne[members]]
        slot = entry.place_firm(
            model,
            uid,
            float(x),
            float(y),
            r,
            min(p.knowledge * model.mean_kstock(-1), model.frontier),
            kpos,
            p.size,
            ORIGIN_MNE,
            -1,
            rd[0],
            opp[0],
            openness[0],
            cash=cash,
            is_mne=True,
        )
        model.transfers += cash  # the parent's capital enters the region
        self.mnes[uid] = float(f.kstock[slot])
        self.grant(model, np.array([slot]), np.array([p.unit_cost]), "mne_grant")
        picks = []
        if len(members) and p.suppliers > 0:
            for _ in range(min(p.suppliers, len(members))):
                s = int(members[int(rng.random() * len(members))])
                if s not in picks:
                    picks.append(s)
        if picks:
            trust0 = reg.bonding[r]
            model.ties.add(
                np.full(len(picks), slot),
                np.array(picks, dtype=np.int64),
                np.full(len(picks), TIE_FIRM),
                np.full(len(picks), trust0),
            )
        self.suppliers[uid] = [int(f.uid[s]) for s in picks]

    def _footloose(self, model) -> None:
        """After the incentives: move to a region whose productivity-adjusted cost is lower."""
        f, reg, rng = model.firms, model.regions, self.rng(model)
        value = reg.agglo / (reg.wage + reg.rent)
        best = int(np.argmax(value))
        for s in self._slots(model):
            here = f.region[s]
            if best == here or value[best] <= value[here] * (1 + self.p.margin):
                continue
            if rng.random() >= self.p.footloose:
                continue
            x = reg.x0[best] + rng.random() * (reg.x1[best] - reg.x0[best])
            y = reg.y0[best] + rng.random() * (reg.y1[best] - reg.y0[best])
            model.relocate_firm(s, x, y, best)
            self.relocated += 1
            self.knowledge_out += max(0.0, float(f.kstock[s]) - self.mnes[int(f.uid[s])])
