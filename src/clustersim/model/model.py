"""ClusterModel: owns the state, the Mesa agents, the step order and the recording.

Step order (one quarter), with the random draws each sub-step takes from the run's single
``numpy.random.Generator``, in this order:

1. demand grows and drifts in technology space; shocks jump it      (dims normals [+ dims])
2. regions: wages, rents, critical-mass agglomeration, complacency    (none)
3. market: productivity, shares, accounts, employment                  (none)
4. innovation: incremental and radical                                 (2 uniforms + 2 dims + 1
                                                                        normal per slot)
5. ties: joint projects, opportunism, decay, dropping                  (4 uniforms per tie)
6. spillovers: proximity and labour mobility, then all gains applied   (2 x contacts + 1 per slot)
7. tie search                                                          (4 uniforms per slot)
8. universities: knowledge growth, graduates raise regional skill      (none)
9. exit on sustained losses; the dead firms' ties go the same step     (none)
10. entry: start-ups, spin-offs, university spin-offs, then finance    (see mechanisms.demography)
11. recording
"""

from __future__ import annotations

import copy

import mesa
import numpy as np

from clustersim.conf import STEPS_PER_YEAR, Config, coerce
from clustersim.mechanisms.demography import entry, finance
from clustersim.model.engine import make_engine
from clustersim.observe.recording import Recorder
from clustersim.world.agents import Financier, Firm, University
from clustersim.world.hooks import StepHook
from clustersim.world.spatial import SpatialIndex
from clustersim.world.state import (
    BANK,
    ORIGIN_INITIAL,
    ORIGIN_MNE,
    SEED_FUND,
    TIE_FINANCIER,
    VC,
    FinancierArrays,
    FirmArrays,
    RegionArrays,
    TieArrays,
    UniversityArrays,
    region_bounds,
    region_of,
)


class ClusterModel(mesa.Model):
    """A cluster on a landscape of regions. ``ClusterModel(config).run()`` or step by step."""

    def __init__(self, config: Config | dict | None = None):
        cfg = copy.deepcopy(coerce(config if config is not None else Config()))
        seed_seq = np.random.SeedSequence(cfg.seed, spawn_key=(cfg.replication,))
        super().__init__(rng=np.random.default_rng(seed_seq))
        self.cfg = cfg
        self.dims = cfg.knowledge.dims
        self.t = 0
        self.engine = make_engine(cfg.engine)
        self.focal = cfg.world.focal_region
        self.demand = np.zeros(self.dims)
        self.demand_total = cfg.market.demand_per_firm * cfg.n_firms
        self.step_counts: dict[str, np.ndarray] = {}
        self.tie_counts = np.zeros(4, dtype=np.int64)
        self.volume = np.zeros((4, cfg.world.n_regions))
        self.spend = {}
        self._init_regions()
        self._init_universities()
        self._init_financiers()
        self.firms = FirmArrays(2 * cfg.n_firms, self.dims)
        self.ties = TieArrays(4 * cfg.n_firms)
        self.agent_of: dict[int, Firm] = {}
        self._init_firms()
        self._reindex()
        self._update_regions()
        self.regions.emp_prev[:] = self.regions.emp
        self.hooks: list[StepHook] = []
        self.ledger: list[dict] = []  # per-step cash flows, for the accounting checks
        self._install_hooks()
        self.recorder = Recorder(self)

    def _install_hooks(self) -> None:
        """The life-cycle observer, the cluster initiative and the policies, in this order."""
        from clustersim.institutions.initiative import install as install_initiative
        from clustersim.institutions.policies import install as install_policies
        from clustersim.observe.lifecycle import LifecycleObserver

        self.lifecycle = LifecycleObserver(self)
        self.add_hook(self.lifecycle)
        install_initiative(self)
        install_policies(self)

    def add_hook(self, hook: StepHook) -> None:
        """Register a policy or initiative hook (see ``clustersim.world.hooks``)."""
        self.hooks.append(hook)

    def _call(self, phase: str) -> None:
        for hook in self.hooks:
            getattr(hook, phase)(self)

    # ----------------------------------------------------------------- set-up
    def _init_regions(self) -> None:
        w, rng = self.cfg.world, self.rng
        reg = self.regions = RegionArrays(w.n_regions)
        for r, (x0, x1, y0, y1) in enumerate(region_bounds(w.n_regions, w.size)):
            reg.x0[r], reg.x1[r], reg.y0[r], reg.y1[r] = x0, x1, y0, y1
        reg.cx, reg.cy = (reg.x0 + reg.x1) / 2, (reg.y0 + reg.y1) / 2
        reg.pool[:] = w.labour_pool_per_firm * self.cfg.n_firms / w.n_regions
        reg.amenity[:] = w.amenity_sd * rng.normal(size=w.n_regions)
        reg.enforcement[:] = w.contract_enforcement
        reg.bonding[:] = w.bonding_trust
        reg.bridging[:] = w.bridging_trust
        reg.skill[:] = w.initial_skill
        f, fr = w.focal, self.focal
        reg.pool[fr] *= f.labour_pool
        reg.amenity[fr] += f.amenity
        reg.enforcement[fr] = min(1.0, reg.enforcement[fr] * f.contract_enforcement)
        reg.bonding[fr] = min(1.0, reg.bonding[fr] * f.bonding)
        reg.bridging[fr] = min(1.0, reg.bridging[fr] * f.bridging)
        reg.skill[fr] = min(1.0, reg.skill[fr] * f.skill)
        if self.cfg.trust.closed_community:
            reg.bonding[:] = self.cfg.trust.closed_in_group
            reg.bridging[:] = self.cfg.trust.closed_out_group
        reg.base_skill = reg.skill.copy()

    def _init_universities(self) -> None:
        ucfg, rng, reg = self.cfg.universities, self.rng, self.regions
        uni = self.universities = UniversityArrays(ucfg.count, self.dims)
        others = [r for r in range(reg.n) if r != self.focal]
        for u in range(ucfg.count):
            uni.region[u] = self.focal if u == 0 or not others else others[(u - 1) % len(others)]
        jitter = rng.normal(size=(ucfg.count, 2)) * 3.0
        uni.x, uni.y = self.clip_xy(
            reg.cx[uni.region] + jitter[:, 0], reg.cy[uni.region] + jitter[:, 1]
        )
        uni.kstock[:] = ucfg.knowledge
        uni.kpos[:] = self.cfg.knowledge.initial_spread * rng.normal(size=(ucfg.count, self.dims))
        uni.openness[:] = ucfg.openness
        for u in range(uni.n):
            University(self, u)

    def _init_financiers(self) -> None:
        fcfg, n_reg = self.cfg.finance, self.regions.n
        others = [r for r in range(n_reg) if r != self.focal]
        rows = [(BANK, r) for r in range(n_reg) for _ in range(fcfg.banks_per_region)]
        rows += [
            (VC, self.focal if v == 0 or not others else others[(v - 1) % len(others)])
            for v in range(fcfg.vcs)
        ]
        rows += [(SEED_FUND, self.focal) for _ in range(fcfg.seed_funds)]
        fin = self.financiers = FinancierArrays(len(rows))
        spec = {
            BANK: (fcfg.bank_capital, fcfg.bank_threshold, 0.0),
            VC: (fcfg.vc_capital, fcfg.vc_threshold, fcfg.vc_skill),
            SEED_FUND: (fcfg.seed_capital, fcfg.seed_threshold, 0.0),
        }
        for k, (kind, r) in enumerate(rows):
            fin.kind[k], fin.region[k] = kind, r
            fin.capacity[k], fin.threshold[k], fin.skill[k] = spec[kind]
        fin.base_capacity[:] = fin.capacity
        fin.available[:] = fin.capacity
        for k in range(fin.n):
            Financier(self, k)

    def _init_firms(self) -> None:
        cfg, rng, n = self.cfg, self.rng, self.cfg.n_firms
        w = cfg.world
        share = w.focal.initial_firm_share
        x = rng.uniform(0, w.size, n)
        y = rng.uniform(0, w.size, n)
        in_focal = rng.random(n) < share if share >= 0 else np.zeros(n, bool)
        reg = self.regions
        fr = self.focal
        x = np.where(in_focal, rng.uniform(reg.x0[fr], reg.x1[fr], n), x)
        y = np.where(in_focal, rng.uniform(reg.y0[fr], reg.y1[fr], n), y)
        kpos = cfg.knowledge.initial_spread * rng.normal(size=(n, self.dims))
        kstock = cfg.knowledge.initial_stock * np.exp(0.3 * rng.normal(size=n))
        emp = np.exp(np.log(8.0) + 0.6 * rng.normal(size=n))
        is_mne = rng.random(n) < cfg.initial_mne_share
        emp = np.where(is_mne, 10 * emp, emp)
        kstock = np.where(is_mne, 2 * kstock, kstock)
        traits = self._draw_traits(n)
        region = self.region_at(x, y)
        for i in range(n):
            self._place_firm(
                x[i],
                y[i],
                region[i],
                kstock[i],
                kpos[i],
                emp[i],
                ORIGIN_MNE if is_mne[i] else ORIGIN_INITIAL,
                -1,
                *(t[i] for t in traits),
                cash=cfg.market.initial_cash * emp[i],
                is_mne=bool(is_mne[i]),
            )

    def _draw_traits(self, n: int):
        """R&D intensity, opportunism and openness of ``n`` new firms (three draws each)."""
        k, t = self.cfg.knowledge, self.cfg.trust
        rd = np.clip(k.rd_intensity + k.rd_sd * self.rng.normal(size=n), 0.0, 0.5)
        opportunism = np.clip(t.opportunism_mean * 2 * self.rng.random(n), 0.0, 1.0)
        openness = 0.2 + 0.8 * self.rng.random(n)
        return rd, opportunism, openness

    def _place_firm(
        self,
        x,
        y,
        region,
        kstock,
        kpos,
        emp,
        origin,
        parent_slot,
        rd,
        opportunism,
        openness,
        cash,
        is_mne=False,
    ) -> int:
        f = self.firms
        s = f.allocate()
        f.x[s], f.y[s], f.region[s] = x, y, region
        f.kstock[s], f.kpos[s], f.emp[s], f.cash[s] = kstock, kpos, emp, cash
        f.rd[s], f.opportunism[s], f.openness[s] = rd, opportunism, openness
        f.skill[s] = self.regions.skill[region]
        f.origin[s], f.born[s], f.is_mne[s] = origin, self.t, is_mne
        f.parent[s] = f.uid[parent_slot] if parent_slot >= 0 else -1
        for name in ("age", "loss_streak", "inc", "rad"):
            getattr(f, name)[s] = 0
        for name in ("sales", "profit", "prod", "fit", "competence", "absorb", "diversity"):
            getattr(f, name)[s] = 0.0
        f.vc_backed[s] = f.member[s] = False
        self.agent_of[s] = Firm(self, s)
        return s

    # ----------------------------------------------------------------- helpers
    def clip_xy(self, x, y):
        size = self.cfg.world.size
        eps = 1e-9 * size
        return np.clip(x, 0.0, size - eps), np.clip(y, 0.0, size - eps)

    def region_at(self, x, y) -> np.ndarray:
        return region_of(x, y, self.regions.n, self.cfg.world.size)

    def core_position(self, r: int) -> np.ndarray:
        """Employment-weighted mean technology position of region ``r`` (its core activity)."""
        m = self.index.region_members(r)
        if len(m) == 0:
            return self.demand.copy()
        w = self.firms.emp[m]
        return (self.firms.kpos[m] * w[:, None]).sum(0) / w.sum()

    def mean_kstock(self, r: int) -> float:
        """Mean knowledge stock of region ``r`` (all live firms for r = -1)."""
        m = self.firms.live if r < 0 else self.index.region_members(r)
        return float(self.firms.kstock[m].mean()) if len(m) else self.cfg.knowledge.initial_stock

    def quality(self, kstock: np.ndarray, kpos: np.ndarray) -> np.ndarray:
        """Expected competitiveness of a would-be firm: fit to demand x relative knowledge."""
        d2 = ((kpos - self.demand) ** 2).sum(axis=1)
        fit = np.exp(-d2 / (2 * self.cfg.market.fit_width**2))
        rel = kstock / self.mean_kstock(-1)
        return fit * rel**self.cfg.market.knowledge_elasticity

    def _reindex(self) -> None:
        k = self.cfg.knowledge
        self.index = SpatialIndex(
            self.firms,
            self.regions.n,
            self.cfg.world.size,
            2.0 * k.proximity_range,
            self.universities.region,
        )

    def _update_regions(self) -> None:
        """Wages and rents rise with local employment (congestion, L1711-1718); productivity
        gains from critical mass follow an S-curve in regional employment (L1067-1101)."""
        w, m, reg, f = self.cfg.world, self.cfg.market, self.regions, self.firms
        live = f.live
        reg.emp = np.bincount(f.region[live], f.emp[live], minlength=reg.n).astype(float)
        tight = reg.emp / reg.pool
        reg.wage = w.base_wage * (1.0 + w.wage_tightness * tight)
        reg.rent = w.base_rent * (1.0 + w.rent_density * tight)
        s = 1.0 / (
            1.0 + np.exp(-(reg.emp - m.critical_mass) / (m.critical_mass_width * m.critical_mass))
        )
        reg.agglo = 1.0 + m.agglomeration * s
        reg.complacency = m.complacency * s

    # ----------------------------------------------------------------- the step
    def step(self) -> None:
        cfg, rng, f = self.cfg, self.rng, self.firms
        self.volume[:] = 0.0
        self.tie_counts[:] = 0
        cash_before = float(f.cash[f.alive].sum())
        ledger = {"step": self.t + 1, "cash_before": cash_before}
        self.transfers = 0.0  # net cash hooks move into live firms this step (fees < 0)
        self._update_demand()
        self.regions.emp_prev[:] = self.regions.emp
        self._update_regions()
        self._call("before_step")
        self.engine.market(self)
        ledger["profit"] = float(f.profit[f.alive].sum())
        ledger["cash_after_market"] = float(f.cash[f.alive].sum())
        self._call("after_market")
        n, dims = f.capacity, self.dims
        self.engine.innovate(
            self,
            rng.random(n),
            rng.random(n),
            rng.normal(size=(n, dims)),
            rng.normal(size=(n, dims)),
            rng.normal(size=n),
        )
        ne = self.ties.n
        self.dk = np.zeros(n)
        self.dpos = np.zeros((n, dims))
        keep = np.ones(ne, dtype=np.bool_)
        self.engine.projects(
            self, keep, rng.random(ne), rng.random(ne), rng.random(ne), rng.random(ne)
        )
        m = cfg.knowledge.proximity_contacts
        self.engine.spillovers(self, rng.random((n, m)), rng.random((n, m)), rng.random(n))
        self.engine.apply_knowledge(self)
        self.ties.keep(keep)
        start, nbr = self.engine.adjacency(self)
        new = self.engine.search(
            self, start, nbr, rng.random(n), rng.random(n), rng.random(n), rng.random(n)
        )
        self.ties.add(*new)
        self.searched = new  # (a, b, kind, trust) of the ties this search formed, for hooks
        ledger["tie_costs"] = len(new[0]) * cfg.trust.tie_cost
        self._update_universities()
        self._call("after_search")
        counts = self.step_counts = {
            k: np.zeros(self.regions.n, dtype=np.int64)
            for k in ("exits", "entries", "startups", "spinoffs", "university_spinoffs", "refused")
        }
        self.funded = np.zeros((3, self.regions.n), dtype=np.int64)
        self.refused = np.zeros((3, self.regions.n), dtype=np.int64)
        dead = self.engine.exits(self)
        np.add.at(counts["exits"], f.region[dead], 1)
        ledger["exit_cash"] = float(f.cash[dead].sum())
        self._remove_firms(dead)
        self._reindex()
        self._call("before_entry")
        ledger["entry_cash"] = self._enter()
        finance.end_quarter(self)
        self._reindex()
        self.t += 1
        self._call("after_step")
        ledger["policy_transfers"] = self.transfers
        ledger["cash_after"] = float(f.cash[f.alive].sum())
        self.ledger.append(ledger)
        self.recorder.record(self)

    def _update_demand(self) -> None:
        mk, sh = self.cfg.market, self.cfg.shocks
        self.demand_total *= 1.0 + mk.demand_growth
        self.demand = self.demand + mk.demand_drift * self.rng.normal(size=self.dims)
        if self.t in sh.steps:
            z = self.rng.normal(size=self.dims)
            self.demand = self.demand + sh.size * z / np.linalg.norm(z)

    def _update_universities(self) -> None:
        """Universities grow their knowledge and their graduates raise regional skill (L941-951)."""
        uni, ucfg, reg = self.universities, self.cfg.universities, self.regions
        uni.kstock *= 1.0 + ucfg.growth
        grads = np.bincount(uni.region, ucfg.graduates * uni.openness, minlength=reg.n)
        reg.skill += grads * (1.0 - reg.skill) - self.cfg.world.skill_decay * (
            reg.skill - reg.base_skill
        )

    def _enter(self) -> float:
        """Generate, finance and place new firms; returns the cash they bring in."""
        cfg, rng = self.cfg, self.rng
        parts = [entry.startups(self, rng)]
        if cfg.entry.spinoffs:
            parents = self.engine.spinoff_parents(self, rng.random(self.firms.capacity))
            parts.append(entry.spinoffs(self, parents, rng))
        parts.append(entry.university_spinoffs(self, rng))
        cands = entry.Candidates.concat(parts)
        quality = self.quality(cands.kstock, cands.kpos)
        funder = finance.screen(self, quality, cands.region, rng.normal(size=len(cands)))
        traits = self._draw_traits(len(cands))
        fin, fcfg = self.financiers, cfg.finance
        brought = 0.0
        for c in range(len(cands)):
            r = cands.region[c]
            if funder[c] < 0:
                self.step_counts["refused"][r] += 1
                continue
            k = funder[c]
            self.funded[fin.kind[k], r] += 1
            s = self._place_firm(
                cands.x[c],
                cands.y[c],
                r,
                cands.kstock[c],
                cands.kpos[c],
                cfg.entry.initial_size,
                int(cands.origin[c]),
                int(cands.parent[c]),
                *(t[c] for t in traits),
                cash=fcfg.ticket,
            )
            if fin.kind[k] == VC:
                self.firms.vc_backed[s] = True
                self.firms.competence[s] = fcfg.vc_competence
            self.ties.add(
                np.array([s]),
                np.array([k]),
                np.array([TIE_FINANCIER]),
                np.array([self.regions.bonding[r]]),
            )
            self.step_counts["entries"][r] += 1
            key = {1: "startups", 2: "spinoffs", 3: "university_spinoffs"}[int(cands.origin[c])]
            self.step_counts[key][r] += 1
            brought += fcfg.ticket
        return brought

    def remove_firms(self, slots) -> None:
        """Take firms out of the industry from a hook (experiments, footloose exits): their
        agents and ties go at once and the spatial index is rebuilt. The caller books their
        cash in ``transfers`` and counts them where it wants them counted."""
        self._remove_firms(np.asarray(slots, dtype=np.int64))
        self._reindex()

    def _remove_firms(self, slots: np.ndarray) -> None:
        if len(slots) == 0:
            return
        f = self.firms
        for s in slots:
            self.agent_of.pop(int(s)).remove()
            f.release(int(s))
        t = self.ties
        firm_b = t.view("kind") == 0
        ok = f.alive[t.view("a")] & (~firm_b | f.alive[np.where(firm_b, t.view("b"), 0)])
        t.keep(ok)

    # ----------------------------------------------------------------- running
    def run(self, steps: int | None = None) -> None:
        for _ in range(self.cfg.steps if steps is None else steps):
            self.step()

    @property
    def time_step(self) -> int:
        return self.t

    @property
    def year(self) -> float:
        return self.t / STEPS_PER_YEAR
