"""The cluster initiative (IFC, glue organisation): a Mesa agent driven by a StepHook.

Phases follow the Whitebook's clustering process (L2961-3364): ``latent`` -> ``trust``
(building social capital and trust, 4.2.1) -> ``linkages`` (competence audit and formal
organisation, 4.2.2) -> ``strategy`` (vision, goals and an evaluation baseline, 4.2.3) ->
``action`` (4.2.4). Reviews in the action phase either iterate the strategy or find the
initiative stagnating; a stagnating initiative redefines its strategy, splits into smaller
units or dissolves (L3180-3187). The three entry routes (L2998-3050) enter at different phases:

* ``engineered``: top-down, started at ``initiative.start_step`` by a crisis, an investment or a
  leader (L2988-2993, L3007-3017); it must build trust first;
* ``organic``: emerges once the core actors are densely linked and share an identity
  (L3022-3031); informal links formalise, so it enters at the linkages phase with a short audit
  (L3122-3125);
* ``reengineered``: a cluster whose key links broke and whose actors grew rigid at
  ``initiative.break_step`` (L3040-3047) gets corrective action at ``start_step``: rigidities
  are dismantled and it re-enters at the linkages phase.

Services, each limited by the facilitator's capacity and funding: introductions that add ties
(L4412-4414; after the audit they are chosen for complementarity, L3116-3120; a non-neutral
facilitator favours the largest members, L4582-4586, L1911-1921; in the action phase some link
members to firms elsewhere, L4422-4426), trust nurtured on ties between members (L3066-3069) and
statistics that tell firms what members gain. Members stay only while their experienced
risk-return is acceptable (L3344-3355): the value of joint projects with other members and of
introductions, against the fee and the expected loss to opportunistic (and, for small firms,
larger) partners (L3097-3100).

Funding: before it is formalised an engineered or re-engineered initiative is paid by its
initiator (public, or a private sponsor for the ``investment`` trigger). Afterwards the public
pays ``public_share`` of the running cost and members share the rest as fees. The policy code
drives the public share through :meth:`ClusterInitiative.set_public_share` and reads what was
spent from ``public_spend`` (this step) and ``public_spent`` (cumulative). Fees move cash out of
member firms and are booked in ``model.transfers``.

Random numbers come from the initiatives' own streams (``ClusterModel.hook_rng``), so an
initiative changes no other draw of the run: at the re-engineered break, one uniform per
candidate tie; each step and initiative, in after_search, ``2 + CANDIDATES`` uniforms per
introduction; in after_step one uniform per non-member core actor (recruitment).
"""

from __future__ import annotations

import mesa
import numpy as np

from clustersim.conf import STEPS_PER_YEAR, InitiativeConfig
from clustersim.mechanisms.common.kernel import cognitive_learning
from clustersim.observe.lifecycle import core_actors
from clustersim.world.hooks import StepHook
from clustersim.world.state import TIE_FIRM, TIE_UNIVERSITY

PHASES = ("none", "latent", "trust", "linkages", "strategy", "action", "stagnation", "dissolved")
ACTIVE = ("trust", "linkages", "strategy", "action", "stagnation")
PHASE_COLOURS = {
    "none": "#ffffff",
    "latent": "#e0e0e0",
    "trust": "#c6dbef",
    "linkages": "#6baed6",
    "strategy": "#9e9ac8",
    "action": "#31a354",
    "stagnation": "#fdae6b",
    "dissolved": "#969696",
}
CANDIDATES = 8  # partners a facilitator weighs for one introduction
EWMA = 0.25  # weight of the latest quarter in a member's experienced return


class ClusterInitiative(mesa.Agent):
    """One cluster initiative in one region; see the module docstring for its rules."""

    def __init__(self, model, cfg: InitiativeConfig, region: int, phase: str = "latent"):
        super().__init__(model)
        self.cfg, self.region, self.route = cfg, region, cfg.route
        self.phase, self.since = phase, model.t
        self.events: list[tuple[int, str]] = [(model.t, phase)]
        self.public_share = cfg.public_share
        self.formalised = self.audited = False
        self.iterations = 0
        self.baseline: dict = {}
        self.goals: dict = {}
        self.statistics: list[dict] = []
        self.funding_ratio = 1.0
        self.carry = 0.0
        self.public_spend = self.sponsor_spend = self.fees = 0.0
        self.public_spent = 0.0
        self.introductions = 0
        self.member_uid = np.zeros(0, np.int64)
        self.ret = np.zeros(0)
        self.gross = np.zeros(0)
        self.bad = np.zeros(0, np.int64)
        self.gain = np.zeros(0)
        self.risk = np.zeros(0)
        self._fit(model)
        self._prev_keys = np.zeros(0, np.int64)
        self._prev_succ = np.zeros(0, np.int64)

    # ------------------------------------------------------------------ public interface
    def rng(self, model) -> np.random.Generator:
        """Own random numbers in this step."""
        return model.hook_rng(f"initiative:{self.region}")

    @property
    def exists(self) -> bool:
        return self.phase in ACTIVE

    def set_public_share(self, share: float) -> None:
        """Set the public share of the running cost (the policy lever), in [0, 1]."""
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"initiative public_share={share!r}: allowed: float in [0, 1]")
        self.public_share = float(share)

    def members(self, model) -> np.ndarray:
        """Slots of the current members (a dead firm's slot stops counting at once)."""
        f = model.firms
        self._fit(model)
        return np.flatnonzero(f.alive & (self.member_uid == f.uid))

    # ------------------------------------------------------------------ bookkeeping
    def _fit(self, model) -> None:
        """Grow the per-slot arrays with the firm arrays."""
        cap, old = model.firms.capacity, len(self.member_uid)
        if cap == old:
            return
        self.member_uid = np.r_[self.member_uid, np.full(cap - old, -1, np.int64)]
        for name in ("ret", "gross", "gain", "risk"):
            setattr(self, name, np.r_[getattr(self, name), np.zeros(cap - old)])
        self.bad = np.r_[self.bad, np.zeros(cap - old, np.int64)]

    def _enter(self, model, phase: str) -> None:
        self.phase, self.since = phase, model.t
        self.events.append((model.t, phase))
        if phase == "dissolved":
            self._leave(model, self.members(model))

    def _join(self, model, slots: np.ndarray) -> None:
        self._fit(model)  # firms born since the last look may join
        self.member_uid[slots] = model.firms.uid[slots]
        self.ret[slots] = self.gross[slots] = 0.0
        self.bad[slots] = 0
        model.firms.member[slots] = True

    def _leave(self, model, slots: np.ndarray) -> None:
        self.member_uid[slots] = -1
        model.firms.member[slots] = False

    # ------------------------------------------------------------------ services
    def serve(self, model) -> None:
        """After tie search: introductions, trust nurture, and what members gained this quarter."""
        self.introductions = 0
        if not self.exists:
            return
        members = self.members(model)
        self._introduce(model, members)
        self._nurture_and_count(model, members)

    def _capacity(self) -> float:
        c = self.cfg
        boost = 2.0 if (c.trigger == "leader" and self.route == "engineered") else 1.0
        early = self.phase in ("trust", "linkages")
        weight = {"trust": 0.5, "stagnation": 0.5}.get(self.phase, 1.0)
        return c.capacity * weight * (boost if early else 1.0) * self.funding_ratio

    def _introduce(self, model, members: np.ndarray) -> None:
        f, t, c = model.firms, model.ties, self.cfg
        self.carry += self._capacity()
        n = int(self.carry)
        self.carry -= n
        if n == 0 or len(members) < 2:
            return
        u = self.rng(model).random((n, 2 + CANDIDATES))
        kind = t.view("kind")
        a, b = t.view("a"), t.view("b")
        firm = kind == TIE_FIRM
        linked = set(_pair_keys(a[firm], b[firm], f.capacity).tolist())
        deg = np.bincount(a[firm | (kind == TIE_UNIVERSITY)], minlength=f.capacity)
        deg += np.bincount(b[firm], minlength=f.capacity)
        outside = f.live[f.region[f.live] != self.region]
        largest = members[np.argmax(f.emp[members])]
        max_deg = model.cfg.trust.max_degree
        opt = model.cfg.knowledge.optimal_distance
        new_a, new_b, new_trust = [], [], []
        for k in range(n):
            i = members[int(u[k, 0] * len(members))] if u[k, 0] < c.neutrality else largest
            external = self.phase == "action" and u[k, 1] < c.external_share and len(outside)
            pool = outside if external else members
            cands = pool[(u[k, 2:] * len(pool)).astype(np.int64)]
            if self.audited:  # the competence map finds the most complementary partner
                score = [
                    cognitive_learning(float(np.linalg.norm(f.kpos[i] - f.kpos[j])), opt)
                    for j in cands
                ]
                j = cands[int(np.argmax(score))]
            else:
                j = cands[0]
            key = _pair_keys(np.array([i]), np.array([j]), f.capacity)[0]
            if j == i or key in linked or max(deg[i], deg[j]) >= max_deg:
                continue
            reg = model.regions
            ri, rj = f.region[i], f.region[j]
            base = reg.bonding[ri] if ri == rj else min(reg.bridging[ri], reg.bridging[rj])
            new_a.append(i)
            new_b.append(j)
            new_trust.append(min(1.0, base + c.intro_trust))
            linked.add(key)
            deg[i] += 1
            deg[j] += 1
            self.gain[i] += c.intro_value
            if self.member_uid[j] == f.uid[j]:
                self.gain[j] += c.intro_value
        if new_a:
            m = len(new_a)
            t.add(np.array(new_a), np.array(new_b), np.full(m, TIE_FIRM), np.array(new_trust))
        self.introductions = len(new_a)

    def _nurture_and_count(self, model, members: np.ndarray) -> None:
        """Raise trust on ties between members (L3066-3069); credit each member with the value
        of this quarter's successful projects with other members and charge it the expected
        loss to opportunistic partners, more from larger ones (L3097-3100, L3344-3355)."""
        f, t, c = model.firms, model.ties, self.cfg
        is_member = np.zeros(f.capacity, dtype=bool)
        is_member[members] = True
        a, b, kind = t.view("a"), t.view("b"), t.view("kind")
        both = np.flatnonzero(
            (kind == TIE_FIRM) & is_member[a] & is_member[np.where(kind == TIE_FIRM, b, 0)]
        )
        t.trust[both] += c.trust_nurture * (1.0 - t.trust[both])
        ea, eb = a[both], b[both]
        keys = _pair_keys(f.uid[ea], f.uid[eb], None)
        succ = t.successes[both]
        order = np.argsort(keys)
        keys, succ, ea, eb = keys[order], succ[order], ea[order], eb[order]
        delta = np.zeros(len(keys))
        if len(self._prev_keys) and len(keys):
            pos = np.minimum(np.searchsorted(self._prev_keys, keys), len(self._prev_keys) - 1)
            seen = self._prev_keys[pos] == keys
            delta = np.where(seen, succ - self._prev_succ[pos], 0).astype(float)
        self._prev_keys, self._prev_succ = keys, succ.copy()
        cap = f.capacity
        self.gain += c.project_value * (
            np.bincount(ea, delta, minlength=cap) + np.bincount(eb, delta, minlength=cap)
        )
        tc = model.cfg.trust
        exposure = (
            tc.project_rate * tc.betrayal_cost * (1.0 - model.regions.enforcement[self.region])
        )
        fear_a = np.maximum(1.0, f.emp[eb] / f.emp[ea]) ** c.size_fear
        fear_b = np.maximum(1.0, f.emp[ea] / f.emp[eb]) ** c.size_fear
        self.risk = exposure * (
            np.bincount(ea, f.opportunism[eb] * fear_a, minlength=cap)
            + np.bincount(eb, f.opportunism[ea] * fear_b, minlength=cap)
        )

    # ------------------------------------------------------------------ the quarter's end
    def advance(self, model, lifecycle) -> ClusterInitiative | None:
        """Funding, membership and phase changes at the end of a step. Returns a new
        initiative if this one split."""
        self.public_spend = self.sponsor_spend = self.fees = 0.0
        if self.phase == "latent":
            self._maybe_start(model, lifecycle)
            return None
        if not self.exists:
            return None
        members = self.members(model)
        fee = self._fund(model, members)
        self._members_decide(model, members, fee)
        self._recruit(model, lifecycle, fee)
        self.gain[:] = 0.0
        return self._next_phase(model, lifecycle)

    def _maybe_start(self, model, lifecycle) -> None:
        c, t = self.cfg, model.t
        if self.route == "engineered" and t >= c.start_step:
            self._enter(model, "trust")
        elif self.route == "organic":
            x = lifecycle.current(model)
            r = self.region
            if x["core_degree"][r] >= c.organic_degree and x["identity"][r] >= c.organic_identity:
                self._enter(model, "linkages")
                self._join(model, self._nucleus(model))
        elif self.route == "reengineered" and t >= c.start_step:
            self._enter(model, "linkages")
            self._join(model, self._nucleus(model))

    def _nucleus(self, model) -> np.ndarray:
        """Founding members: core actors tied to at least two other core actors."""
        f, t = model.firms, model.ties
        _, is_core = core_actors(model, model.cfg.lifecycle)
        is_core &= f.region == self.region
        a, b, kind = t.view("a"), t.view("b"), t.view("kind")
        bb = np.where(kind == TIE_FIRM, b, 0)
        inside = (kind == TIE_FIRM) & is_core[a] & is_core[bb]
        deg = np.bincount(a[inside], minlength=f.capacity) + np.bincount(
            bb[inside], minlength=f.capacity
        )
        return np.flatnonzero(is_core & (deg >= 2))

    def _fund(self, model, members: np.ndarray) -> float:
        """Pay this quarter's running cost; return the fee each member paid."""
        c, f = self.cfg, model.firms
        pays_fees = self.formalised or self.route == "organic"
        public_share = self.public_share if pays_fees else 1.0
        fee = (1.0 - public_share) * c.cost / max(len(members), c.min_members) if pays_fees else 0.0
        f.cash[members] -= fee
        model.transfers -= fee * len(members)
        sponsored = self.route == "engineered" and c.trigger == "investment" and not pays_fees
        public = public_share * c.cost
        self.sponsor_spend, self.public_spend = (public, 0.0) if sponsored else (0.0, public)
        self.public_spent += self.public_spend
        self.fees = fee * len(members)
        funds = public + self.fees
        self.funding_ratio = funds / c.cost if c.cost > 0 else 1.0
        return fee

    def _members_decide(self, model, members: np.ndarray, fee: float) -> None:
        """Experienced risk-return of each member; those below zero for ``patience`` quarters
        leave (L3344-3355)."""
        c = self.cfg
        net = self.gain[members] - fee - c.risk_aversion * self.risk[members]
        self.ret[members] = (1.0 - EWMA) * self.ret[members] + EWMA * net
        self.gross[members] = (1.0 - EWMA) * self.gross[members] + EWMA * self.gain[members]
        self.bad[members] = np.where(self.ret[members] < 0.0, self.bad[members] + 1, 0)
        self._leave(model, members[self.bad[members] >= c.patience])

    def _published_gain(self, model, members: np.ndarray) -> float:
        """What the initiative's statistics tell firms a member gains per quarter. Before it
        has members this is its promise; a non-neutral facilitator reports its largest
        members' experience (L4582-4586)."""
        c = self.cfg
        if len(members) == 0:
            return c.intro_value * self._capacity() / c.min_members
        top = members[np.argsort(model.firms.emp[members])[-max(1, len(members) // 4) :]]
        everyone, insiders = float(self.gross[members].mean()), float(self.gross[top].mean())
        return c.neutrality * everyone + (1 - c.neutrality) * insiders

    def _recruit(self, model, lifecycle, fee: float) -> None:
        """Non-member core actors are approached; each joins if the published gain beats the
        fee and its expected loss to opportunistic members it is tied to."""
        c, f = self.cfg, model.firms
        members = self.members(model)
        _, is_core = core_actors(model, model.cfg.lifecycle)
        cands = np.flatnonzero(is_core & (f.region == self.region) & (self.member_uid != f.uid))
        if len(cands) == 0:
            return
        u = self.rng(model).random(len(cands))
        rate = c.recruit_rate * (2.0 if c.trigger == "crisis" and self.phase == "trust" else 1.0)
        approached = cands[u < rate]
        if len(approached) == 0:
            return
        expected = self._published_gain(model, members) - fee
        risk = self._candidate_risk(model, approached, members)
        self._join(model, approached[expected - c.risk_aversion * risk > 0.0])

    def _candidate_risk(self, model, cands: np.ndarray, members: np.ndarray) -> np.ndarray:
        f, t, c, tc = model.firms, model.ties, self.cfg, model.cfg.trust
        is_member = np.zeros(f.capacity, dtype=bool)
        is_member[members] = True
        a, b, kind = t.view("a"), t.view("b"), t.view("kind")
        firm = kind == TIE_FIRM
        bb = np.where(firm, b, 0)
        exposure = (
            tc.project_rate * tc.betrayal_cost * (1.0 - model.regions.enforcement[self.region])
        )
        risk = np.zeros(f.capacity)
        for x, y in ((a, bb), (bb, a)):
            m = firm & is_member[y]
            fear = np.maximum(1.0, f.emp[y[m]] / f.emp[x[m]]) ** c.size_fear
            risk += np.bincount(x[m], f.opportunism[y[m]] * fear, minlength=f.capacity)
        return exposure * risk[cands]

    def _next_phase(self, model, lifecycle) -> ClusterInitiative | None:
        c, p = self.cfg, self.phase
        members = self.members(model)
        n, age = len(members), model.t - self.since
        if p == "trust":
            if n >= c.min_members and self._member_trust(model, members) >= c.trust_level:
                self._enter(model, "linkages")
            elif age >= 2 * c.review_steps:
                self._enter(model, "dissolved")  # trust could not be built (L3089-3097)
            return None
        if n < c.min_members:
            self._enter(model, "dissolved" if p == "stagnation" else "stagnation")
            return None
        audit = max(1, c.audit_steps // 2) if self.route == "organic" else c.audit_steps
        if p == "linkages" and age >= audit:
            self.audited = self.formalised = True
            self._enter(model, "strategy")
        elif p == "strategy" and age >= c.strategy_steps:
            self._set_baseline(model, lifecycle, members)
            self._enter(model, "action")
        elif p == "action":
            if age % STEPS_PER_YEAR == 0:
                self.statistics.append(self._stats(model, lifecycle, members))
            if age >= c.review_steps:
                self._review(model, lifecycle, members)
        elif p == "stagnation" and age >= c.strategy_steps:
            return self._resolve_stagnation(model, lifecycle, members)
        return None

    def _member_trust(self, model, members: np.ndarray) -> float:
        t, f = model.ties, model.firms
        is_member = np.zeros(f.capacity, dtype=bool)
        is_member[members] = True
        a, b, kind = t.view("a"), t.view("b"), t.view("kind")
        both = (kind == TIE_FIRM) & is_member[a] & is_member[np.where(kind == TIE_FIRM, b, 0)]
        return float(t.view("trust")[both].mean()) if both.any() else 0.0

    def _stats(self, model, lifecycle, members: np.ndarray) -> dict:
        x = lifecycle.current(model)
        r = self.region
        return {
            "step": model.t,
            "members": len(members),
            "member_employment": float(model.firms.emp[members].sum()),
            "employment": float(x["mass"][r] * model.regions.critical_mass),
            "member_trust": self._member_trust(model, members),
            "mean_return": float(self.ret[members].mean()) if len(members) else 0.0,
            "stage": str(x["stage"][r]),
        }

    def _set_baseline(self, model, lifecycle, members: np.ndarray) -> None:
        """Goals and the evaluation baseline are recorded at the end of the strategy phase
        (L3131-3134)."""
        self.baseline = self._stats(model, lifecycle, members)
        years = self.cfg.review_steps / STEPS_PER_YEAR
        self.goals = {
            "employment": self.baseline["employment"] * (1 + self.cfg.goal_growth) ** years,
            "members": self.baseline["members"],
        }

    def _review(self, model, lifecycle, members: np.ndarray) -> None:
        """Iterate the strategy when the goals are met or membership holds; stagnate when
        members drift away and the cluster misses its goal (L3179-3185)."""
        now = self._stats(model, lifecycle, members)
        self.statistics.append(now)
        held = now["members"] >= 0.75 * self.goals["members"]
        met = now["employment"] >= self.goals["employment"]
        if met or held:
            self.iterations += 1
            self._enter(model, "strategy")
        else:
            self._enter(model, "stagnation")

    def _resolve_stagnation(self, model, lifecycle, members: np.ndarray):
        c = self.cfg
        groups = _two_groups(model.firms.kpos[members])
        if groups is not None:
            g1, g2, dist = groups
            if dist >= c.split_distance and min(len(g1), len(g2)) >= c.min_members:
                return self._split(model, members[g2])
        if len(members) >= 0.75 * self.goals.get("members", 0):
            self.iterations += 1
            self._enter(model, "strategy")  # redirect the joint focus (L3183-3185)
        elif model.t - self.since >= 2 * c.review_steps:
            self._enter(model, "dissolved")
        return None

    def _split(self, model, part: np.ndarray) -> ClusterInitiative:
        """The far group forms its own initiative; both redefine their strategy (L3185-3187)."""
        self._leave(model, part)
        other = ClusterInitiative(model, self.cfg, self.region, "split")
        other.public_share = self.public_share
        other.formalised = other.audited = True
        other._join(model, part)
        self.events.append((model.t, "split"))
        self._enter(model, "strategy")
        other._enter(model, "strategy")
        return other


def _pair_keys(a: np.ndarray, b: np.ndarray, base: int | None) -> np.ndarray:
    """Order-free key of each (a, b) pair."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return lo * (base if base is not None else (1 << 31)) + hi


def _two_groups(pos: np.ndarray, iters: int = 10):
    """Two-means split of member positions, started from the two most distant members along
    the main axis. Returns (group 1, group 2, distance of their centres) or None."""
    if len(pos) < 4:
        return None
    centred = pos - pos.mean(axis=0)
    axis = np.linalg.svd(centred, full_matrices=False)[2][0]
    proj = centred @ axis
    c = np.stack([pos[np.argmin(proj)], pos[np.argmax(proj)]])
    for _ in range(iters):
        near = ((pos[:, None, :] - c[None]) ** 2).sum(axis=2).argmin(axis=1)
        if near.min() == near.max():
            return None
        c = np.stack([pos[near == k].mean(axis=0) for k in (0, 1)])
    return np.flatnonzero(near == 0), np.flatnonzero(near == 1), float(np.linalg.norm(c[0] - c[1]))


class InitiativeHook(StepHook):
    """Drives the cluster initiative(s) of the focal region; ``model.initiatives`` lists them."""

    name = "initiative"

    def __init__(self, model):
        self.cfg = model.cfg.initiative
        model.initiatives = self.initiatives = [ClusterInitiative(model, self.cfg, model.focal)]
        self.rigid: dict[int, float] = {}  # uid -> openness before the break

    def rng(self, model) -> np.random.Generator:
        """Own random numbers in this step."""
        return model.hook_rng("initiative")

    def before_step(self, model) -> None:
        c = self.cfg
        if c.route != "reengineered":
            return
        if model.t == c.break_step:
            self._break(model)
        if self.rigid and model.t >= c.start_step:
            self._dismantle(model)
        if self.rigid:  # lock-in: exploration damped (L1159-1160, L1675-1719)
            r = model.focal
            model.regions.complacency[r] = 1 - (1 - model.regions.complacency[r]) * (1 - c.rigidity)

    def _break(self, model) -> None:
        """Key links break (the core actors' external ties and the hubs' ties) and the
        incumbents turn inward (L3040-3047)."""
        f, t, c, r = model.firms, model.ties, self.cfg, model.focal
        _, is_core = core_actors(model, model.cfg.lifecycle)
        a, b, kind = t.view("a"), t.view("b"), t.view("kind")
        firm = kind == TIE_FIRM
        bb = np.where(firm, b, 0)
        deg = np.bincount(a[firm], minlength=f.capacity) + np.bincount(
            bb[firm], minlength=f.capacity
        )
        focal = f.alive & (f.region == r)
        hubs = focal & (deg >= np.quantile(deg[focal], 0.9)) & (deg > 0) if focal.any() else focal
        key = firm & (
            (is_core[a] & (f.region[a] == r) & (f.region[bb] != r))
            | (is_core[bb] & (f.region[bb] == r) & (f.region[a] != r))
            | hubs[a]
            | hubs[bb]
        )
        cand = np.flatnonzero(key)
        cut = cand[self.rng(model).random(len(cand)) < c.break_share]
        keep = np.ones(t.n, dtype=bool)
        keep[cut] = False
        t.keep(keep)
        slots = np.flatnonzero(focal)
        self.rigid = {int(f.uid[s]): float(f.openness[s]) for s in slots}
        f.openness[slots] *= 1.0 - c.rigidity

    def _dismantle(self, model) -> None:
        """Corrective action: the rigid incumbents still alive regain their openness."""
        f = model.firms
        for s in f.live:
            before = self.rigid.get(int(f.uid[s]))
            if before is not None:
                f.openness[s] = before
        self.rigid = {}

    def after_search(self, model) -> None:
        for ini in self.initiatives:
            ini.serve(model)

    def after_step(self, model) -> None:
        born = [ini.advance(model, model.lifecycle) for ini in list(self.initiatives)]
        self.initiatives.extend(x for x in born if x is not None)

    def columns(self, model) -> dict:
        n_reg, r = model.regions.n, model.focal
        main = self.initiatives[0]
        phase = np.full(n_reg, "none", dtype=object)
        phase[r] = main.phase
        cols = {"phase": phase}
        stats = {
            "initiatives": sum(i.exists for i in self.initiatives),
            "members": sum(len(i.members(model)) for i in self.initiatives if i.exists),
            "introductions": sum(i.introductions for i in self.initiatives if i.exists),
            "initiative_public_spend": sum(i.public_spend for i in self.initiatives),
            "initiative_fees": sum(i.fees for i in self.initiatives),
        }
        for key, value in stats.items():
            col = np.zeros(n_reg)
            col[r] = value
            cols[key] = col
        return cols


def install(model) -> None:
    """Add the initiative hook when a route is configured (no hook, no draws otherwise)."""
    if model.cfg.initiative.route != "none":
        model.add_hook(InitiativeHook(model))
