"""Broker policy: platforms, facilitators and introductions for cooperation (L2098-2179).

What it changes in the target region while it runs:

* a facilitator (running cost per quarter) raises awareness of cooperation benefits: the
  tie-search rate rises (the information failure of L1892-1894), discounted by the government's
  credibility;
* tie formation gets cheaper: the programme pays ``tie_subsidy`` of the cost of every tie a
  firm of the region forms (``regions.tie_cost_factor``); each subsidised tie is a funded action
  keyed by its pair;
* the broker introduces pairs of firms (``introductions`` per quarter, ``unit_cost`` each). The
  targeting rule decides which: ``missing_links`` bridges structural holes, linking a peripheral
  firm (outside the largest component, or with at most one partner) to a complementary core
  firm it shares no partner with, which builds the core/periphery, disassortative structure
  that Crespo, Suire & Vicente (2014) find in resilient clusters; ``uniform`` raises density
  evenly with random pairs; ``insiders`` links the incumbents with most lobbying weight (the
  capture the Whitebook warns of, L1744-1745). Capture and blind spots (government information
  quality) divert shares of any rule to ``insiders`` and ``uniform``;
* if a cluster initiative exists in the region
  (``clustersim.institutions.initiative``), the programme pays
  the public share of its running cost above the scenario's baseline share
  (``initiative.public_share``) up to ``initiative_share``; at the exit the baseline returns.

Risks it can show: capture (``insiders``), dependency (introduced ties decay without joint work,
the initiative loses funding at the exit, L2386-2388), deadweight (pairs that link anyway in the
twin). Random numbers: drawn from ``self.rng(model)`` only while the programme runs, in
``after_search``: for each introduction, one uniform per firm picked plus ``candidates`` for a
missing link.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from clustersim.conf.instruments import BrokerParams
from clustersim.institutions.policies.base import Instrument
from clustersim.institutions.policies.events import pair_key
from clustersim.institutions.policies.targeting import lobby_order, split_counts
from clustersim.mechanisms.common.kernel import cognitive_learning
from clustersim.world.state import TIE_FIRM

TRIES = 10  # attempts to find a valid pair before an introduction is given up


class Broker(Instrument):
    name = "broker"
    Params = BrokerParams

    def __init__(self, *args):
        super().__init__(*args)
        self.carry = 0.0
        self.subsidy = self.funding = 0.0
        self.introduced = 0

    # ------------------------------------------------------------------ phases
    def before_step(self, model) -> None:
        self.subsidy = self.funding = 0.0
        self.introduced = 0
        s = self.strength(model)
        if s <= 0:
            return
        p, reg, r = self.p, model.regions, self.region
        want = p.facilitator_cost * s
        self.funding = self.pay(model, want, "facilitator") / want if want > 0 else 1.0
        if self.funding <= 0:
            return
        eff = s * self.funding
        self._fund_initiatives(model)
        reg.search_factor[r] *= 1.0 + p.awareness * eff * self.credibility(model)
        n = len(model.index.region_members(r))
        cost = model.cfg.trust.tie_cost
        sub = min(p.tie_subsidy * eff, 1.0)
        if n and cost > 0 and sub > 0:
            sub = min(sub, self.budget_left() / (n * cost))  # the worst case is covered
            self.subsidy = sub
            self.reserved += n * cost * sub
            reg.tie_cost_factor[r] *= 1.0 - sub

    def after_search(self, model) -> None:
        if self.subsidy > 0:
            self._pay_subsidies(model)
        s = self.strength(model)
        if s <= 0 or self.funding <= 0:
            return
        self.carry += self.p.introductions * s * self.funding
        n = int(self.carry)
        self.carry -= n
        if self.p.unit_cost > 0:
            affordable = self.budget_left() // self.p.unit_cost  # inf for a tiny unit cost
            n = min(n, int(affordable)) if affordable < n else n
        if n > 0:
            self._introduce(model, n)

    def after_step(self, model) -> None:
        """Charge the initiative's public money above its baseline share (paid in its
        after_step, which runs before the policies')."""
        base = model.cfg.initiative.public_share
        for ini in self._initiatives(model):
            pays_fees = ini.formalised or ini.route == "organic"
            extra = ini.public_spend - base * ini.cfg.cost
            if pays_fees and extra > 0:
                self.pay(model, extra, "initiative", x=ini.public_share)

    def on_exit(self, model) -> None:
        for ini in self._initiatives(model):
            ini.set_public_share(model.cfg.initiative.public_share)

    def columns(self, model) -> dict:
        col = np.zeros(model.regions.n)
        col[self.region] = self.introduced
        return {"broker_introductions": col}

    # ------------------------------------------------------------------ helpers
    def _initiatives(self, model) -> list:
        return [i for i in getattr(model, "initiatives", ()) if i.region == self.region]

    def _fund_initiatives(self, model) -> None:
        base = model.cfg.initiative.public_share
        for ini in self._initiatives(model):
            if not ini.exists or ini.cfg.cost <= 0:
                continue
            money = min(max(0.0, self.p.initiative_share - base) * ini.cfg.cost, self.budget_left())
            self.reserved += money
            ini.set_public_share(min(1.0, base + money / ini.cfg.cost))

    def _pay_subsidies(self, model) -> None:
        """Pay the subsidised part of every tie the region's firms formed in this search."""
        f = model.firms
        a, b, kind, _ = model.searched
        cost = model.cfg.trust.tie_cost * self.subsidy
        mine = np.flatnonzero(f.region[a] == self.region)
        self.reserved = max(0.0, self.reserved - len(mine) * cost)
        for i in mine:
            other = f.uid[b[i]] if kind[i] == TIE_FIRM else -(int(b[i]) + 1)
            self.pay(model, cost, "tie_subsidy", *pair_key(f.uid[a[i]], other))
        model.transfers += len(mine) * cost  # firms paid less than the ledger's full cost

    def _introduce(self, model, n: int) -> None:
        f, t, rng = model.firms, model.ties, self.rng(model)
        members = model.index.region_members(self.region)
        members = members[f.alive[members]]
        if len(members) < 2:
            return
        start, nbr = model.engine.adjacency(model)
        deg = np.diff(start)
        ok = members[deg[members] < model.cfg.trust.max_degree]
        if len(ok) < 2:
            return
        captured, ruled, blind = split_counts(
            n, self.gov.cfg.capture, self.gov.cfg.information_quality
        )
        if self.p.targeting == "uniform":
            ruled, blind = 0, blind + ruled
        elif self.p.targeting == "insiders":
            ruled, captured = 0, captured + ruled
        chosen: set[tuple[int, int]] = set()

        def linked(i: int, j: int) -> bool:
            return (min(i, j), max(i, j)) in chosen or j in nbr[start[i] : start[i + 1]]

        def pick_pair(pool_a: np.ndarray, pool_b: np.ndarray) -> tuple[int, int] | None:
            for _ in range(TRIES):
                i = pool_a[int(rng.random() * len(pool_a))]
                j = pool_b[int(rng.random() * len(pool_b))]
                if i != j and not linked(i, j):
                    return i, j
            return None

        insiders = lobby_order(f, ok)[: max(2, len(ok) // 10)]
        periphery, core = self._core_periphery(model, ok, start, nbr)
        pairs = []
        for rule, count in (("insiders", captured), ("missing", ruled), ("uniform", blind)):
            for _ in range(count):
                if rule == "insiders":
                    pair = pick_pair(insiders, insiders)
                elif rule == "missing":
                    pair = self._missing_link(model, periphery, core, start, nbr, linked)
                else:
                    pair = pick_pair(ok, ok)
                if pair is not None:
                    chosen.add((min(pair), max(pair)))
                    pairs.append(pair)
        if not pairs:
            return
        a = np.array([p[0] for p in pairs], dtype=np.int64)
        b = np.array([p[1] for p in pairs], dtype=np.int64)
        trust0 = min(1.0, model.regions.bonding[self.region] + self.p.endorsement)
        t.add(a, b, np.full(len(a), TIE_FIRM), np.full(len(a), trust0))
        for i, j in pairs:
            self.pay(model, self.p.unit_cost, "introduction", *pair_key(f.uid[i], f.uid[j]))
        self.introduced = len(pairs)

    @staticmethod
    def _core_periphery(model, ok: np.ndarray, start, nbr) -> tuple[np.ndarray, np.ndarray]:
        """Core: the largest connected component of the region's firm network (firms with two
        or more partners); periphery: everyone else. O(firms + ties)."""
        f, t = model.firms, model.ties
        idx = np.full(f.capacity, -1, dtype=np.int64)
        idx[ok] = np.arange(len(ok))
        a, b, kind = t.view("a"), t.view("b"), t.view("kind")
        firm = kind == TIE_FIRM
        bb = np.where(firm, b, 0)
        inside = firm & (idx[a] >= 0) & (idx[bb] >= 0)
        m = len(ok)
        graph = coo_matrix((np.ones(inside.sum()), (idx[a[inside]], idx[bb[inside]])), (m, m))
        _, labels = connected_components(graph, directed=False)
        firm_deg = np.bincount(idx[a[inside]], minlength=m) + np.bincount(
            idx[bb[inside]], minlength=m
        )
        in_core = (labels == np.argmax(np.bincount(labels))) & (firm_deg >= 2)
        if in_core.sum() < 1 or in_core.all():
            order = np.argsort(-firm_deg, kind="stable")  # no clear core: split by degree
            in_core = np.zeros(m, dtype=bool)
            in_core[order[: max(1, m // 2)]] = True
        return ok[~in_core], ok[in_core]

    def _missing_link(self, model, periphery, core, start, nbr, linked):
        """A peripheral firm and the most complementary of ``candidates`` core firms that it
        is not linked to and shares no partner with (a bridge across a structural hole)."""
        f, rng = model.firms, self.rng(model)
        optimal = model.cfg.knowledge.optimal_distance
        if len(periphery) == 0 or len(core) == 0:
            return None
        i = periphery[int(rng.random() * len(periphery))]
        partners = nbr[start[i] : start[i + 1]]
        mine = set(partners[partners >= 0].tolist())
        best, best_fit = None, -1.0
        for _ in range(self.p.candidates):
            j = core[int(rng.random() * len(core))]
            if j == i or linked(i, j) or mine.intersection(nbr[start[j] : start[j + 1]].tolist()):
                continue
            fit = cognitive_learning(float(np.linalg.norm(f.kpos[i] - f.kpos[j])), optimal)
            if fit > best_fit:
                best, best_fit = j, fit
        return None if best is None else (int(i), int(best))
