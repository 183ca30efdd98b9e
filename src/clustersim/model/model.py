"""ClusterModel: the schedule. It owns the state and runs the set-up and each quarter's
sub-steps in order; the rules live with their mechanisms, and hooks act between sub-steps
through the interface of ``clustersim.world.hooks``.

Random numbers come from counter-based streams (``world.streams``): each draw is a function
of (run seed, decision, step, the identity it concerns), never of the order of draws, so a
policy run and its twin read the same numbers for every agent they share. The set-up alone,
identical in both, draws from the run's ``numpy.random.Generator`` (``model.rng``): regions
(``world.regions.build``), universities (``mechanisms.universities.build``), the initial firms
(``mechanisms.demography.entry.initial_firms``); each function lists its draws.

Step order (one quarter), with the stream each sub-step reads and what its draws are keyed by:

1. demand grows and drifts in technology space; shocks jump it;      (DEMAND, SHOCK: the world)
   the technology frontier moves on
2. regions: migration between the labour pools (last quarter's        (none)
   wages, jobs and amenities); wages, rents (commuting-zone
   tightness), critical-mass agglomeration, complacency
   hooks: ``before_step``
3. market: appeal's AR(1) step, productivity, shares, accounts,       (APPEAL: firm id)
   employment
   hooks: ``after_market``
   finance: interest, repayments, VC exits, expectations, credit lines (none)
4. innovation: incremental and radical                                 (INNOVATION: firm id)
5. ties: joint projects, opportunism, decay, dropping                  (TIES: the pair)
6. spillovers: proximity and labour mobility, then all gains applied   (CONTACTS: firm id)
7. tie search                                                          (SEARCH: firm id)
8. universities: knowledge growth, graduates raise regional skill      (none)
   hooks: ``after_search``
9. exit: insolvency or closure; lenders write off; ties go with them   (none)
   hooks: ``before_entry``
10. relocation: incumbents move to a better region, reading the same   (RELOCATION: firm id)
    location utility as this quarter's start-ups
11. entry: start-ups, spin-offs, university spin-offs, then finance    (see entry.enter)
12. the clock advances; lapsed parameter overrides are dropped         (none)
    hooks: ``after_step`` (hooks draw from streams of their own: ``hook_rng``)
13. recording
"""

from __future__ import annotations

import copy
import math
import time

import mesa
import numpy as np
from mesa.time import Priority, Schedule

from clustersim.conf import STEPS_PER_YEAR, Config
from clustersim.conf.merge import configure
from clustersim.mechanisms import universities
from clustersim.mechanisms.common import LOG_PUBLIC_KNOWLEDGE
from clustersim.mechanisms.demography import entry, finance, relocation
from clustersim.mechanisms.market import demand
from clustersim.mechanisms.ties import fairs
from clustersim.model.engine import make_engine
from clustersim.observe.events import EXIT_REASONS
from clustersim.observe.recording import Recorder
from clustersim.observe.reporters import default_reporters
from clustersim.world import regions
from clustersim.world.agents import FirmAgents
from clustersim.world.hooks import Overrides, StepHook
from clustersim.world.spatial import SpatialIndex
from clustersim.world.state import (
    SPILL_CHANNELS,
    FirmArrays,
    Tallies,
    TieArrays,
    live_sum,
    region_of,
)
from clustersim.world.streams import APPEAL, CONTACTS, INNOVATION, SEARCH, TIES, Streams

EXIT_LOSSES, EXIT_DEBT, EXIT_REMOVED = (
    EXIT_REASONS.index(r) for r in ("losses", "debt", "removed")
)


class ClusterModel(mesa.Model):
    """A cluster on a landscape of regions. ``ClusterModel(config).run()``, step by step, or
    driven by Mesa (``model.run_model()``, ``mesa.batch_run``; docs/guide-academics.md).

    Args:
        config: a :class:`~clustersim.conf.Config`, a nested mapping of its keys, or None (the
            defaults).
        rng: Mesa's seed argument (int, numpy Generator, SeedSequence or None). It only picks
            the run's ``(seed, replication)`` (:func:`clustersim.conf.merge.seed_from_rng`): the
            run always draws from ``SeedSequence(seed, spawn_key=(replication,))``, so it stays
            reproducible and identified by those two numbers; None keeps the config's.
        collect: keep ``self.datacollector``, a ``mesa.DataCollector`` of the model-level
            reporters in :mod:`clustersim.observe.reporters` plus any given here. It collects
            the initial state when the first step begins and then after every step (True) or
            every ``collect``-th step and the last (an int: 4 is yearly, for costly agent
            reporters). False sets it to None (assign a DataCollector to collect again); the
            array recorder (``self.recorder``) records either way, and is what
            ``clustersim.run`` returns.
        model_reporters: added to that DataCollector, as its own argument.
        agent_reporters: likewise.
        agenttype_reporters: likewise (``agenttype_reporters={Firm: {"employees": "emp"}}``).
        **overrides: parameters merged over ``config`` and validated: dotted
            (``**{"market.selection": 3}``), double underscore (``market__selection=3``) or nested
            (``world={"n_regions": 6}``); a string for a preset group (``policy="broker"``,
            ``sector=``, ``circumstance=``, ``process=``, ``scenario=``) merges that preset file
            (:mod:`clustersim.conf.merge`). A bad key or value raises ConfigError.

    ``running`` turns False once ``cfg.steps`` steps are done (Mesa's loops stop there).
    """

    def __init__(
        self,
        config: Config | dict | None = None,
        *,
        rng: int | np.random.Generator | np.random.SeedSequence | None = None,
        collect: bool | int = True,
        model_reporters: dict | None = None,
        agent_reporters: dict | None = None,
        agenttype_reporters: dict | None = None,
        **overrides: object,
    ):
        cfg = copy.deepcopy(configure(config, rng, overrides))
        seed_seq = np.random.SeedSequence(cfg.seed, spawn_key=(cfg.replication,))
        super().__init__(rng=np.random.default_rng(seed_seq))
        self.cfg = cfg
        self._init_mesa(collect, model_reporters, agent_reporters, agenttype_reporters)
        self.dims = cfg.knowledge.dims
        self.t = 0
        self.engine = make_engine(cfg.engine, cfg.threads)
        self.streams = Streams(cfg.seed, cfg.replication, cfg.threads)  # every draw of a step
        self.focal = cfg.world.focal_region
        n_reg = cfg.world.n_regions
        self.demand = np.zeros(self.dims)  # world demand's position in technology space
        self.initial_demand = cfg.market.demand_per_firm * cfg.n_firms
        self.demand_total = self.initial_demand
        self.selection, self.margin = demand.competition(cfg.market, 1.0)  # toughen as it matures
        self.fixed_cost = demand.fixed_cost(cfg.market, 1.0)  # and escalate with the market
        self.log_frontier = 0.0  # log of best-practice knowledge; set by the initial firms
        self.market_lse = np.full(1 + n_reg, -np.inf)  # log-sum-exp of market weights: world,
        self.log_weight = np.zeros(0)  # then each region; and each slot's log weight
        # this quarter's tallies and hand-overs between sub-steps, reset by the step
        self.volume = np.zeros((len(SPILL_CHANNELS), n_reg))  # knowledge gained by channel
        self.tie_counts = np.zeros(4, dtype=np.int64)  # projects, successes, betrayals, drops
        self.tie_upkeep = np.zeros(1)  # pipelines' upkeep paid this quarter (ties projects)
        self.demand_past: list[np.ndarray] = []  # demand at the start of the last 4 steps
        self.dk = np.zeros(0)  # each slot's knowledge gains, applied once all channels ran
        self.dpos = np.zeros((0, self.dims))  # each slot's moves in technology space, likewise
        self.searched = (np.zeros(0, np.int64),) * 3 + (np.zeros(0),)  # (a, b, kind, trust)
        self.step_counts = Tallies(n_reg)  # by region; deals and refusals by financier kind
        self.transfers = 0.0  # net cash hooks move into live firms this step (fees < 0)
        self.aid = np.zeros(0)  # aid policies pay firms this quarter, by slot (add_aid)
        self.timings: dict[str, float] | None = None  # a dict: CPU seconds by sub-step (_lap)
        self.clock = time.process_time  # what timings reads (perf_counter: wall, for threads)
        self._lap_start = 0.0
        self.regions = regions.build(cfg, self.rng, self.focal)
        self.universities = universities.build(self)
        self.financiers = finance.build(self)
        self.firms = FirmArrays(2 * cfg.n_firms, self.dims)
        self.ties = TieArrays(4 * cfg.n_firms)
        self.firm_agents = FirmAgents(self)  # the firms' Mesa agents, made when read
        entry.initial_firms(self)
        finance.refresh(self)
        self._reindex()  # creates self.index: live firms by region and grid cell
        regions.update(self.regions, self.firms, cfg)
        self.regions.emp_prev[:] = self.regions.emp
        self.overrides = Overrides()  # parameter overrides set by hooks (world.hooks)
        self.hooks: list[StepHook] = []
        self.ledger: list[dict] = []  # per-step cash flows, for the accounting checks
        self._install_hooks()
        self.recorder = Recorder(self)

    def _install_hooks(self) -> None:
        """The life-cycle observer, the cluster initiative and the policies, in this order.

        With ``output.timeseries = core`` the observer's columns are not recorded, and it does
        not run at all (``lifecycle`` is None) unless the initiative reads the stages."""
        from clustersim.institutions.initiative import install as install_initiative
        from clustersim.institutions.policies import install as install_policies
        from clustersim.observe.lifecycle import LifecycleObserver

        full = self.cfg.output.timeseries == "full"
        self.lifecycle = None
        if full or self.cfg.initiative.route != "none":
            self.lifecycle = LifecycleObserver(self)
        if full:
            self.add_hook(self.lifecycle)
        install_initiative(self)
        install_policies(self)

    def add_hook(self, hook: StepHook) -> None:
        """Register a policy or initiative hook (see ``clustersim.world.hooks``)."""
        self.hooks.append(hook)

    def _call(self, phase: str) -> None:
        """Every hook's ``phase``, in order; then the spatial index is brought up to date, so
        the kernels that read it next never meet a firm a hook placed or moved out of it."""
        for hook in self.hooks:
            getattr(hook, phase)(self)
        self._reindex()

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

    @property
    def frontier(self) -> float:
        """Best-practice knowledge: no firm's knowledge passes it (Nelson & Winter 1982)."""
        return float(np.exp(self.log_frontier))

    @property
    def funded(self) -> np.ndarray:
        """This quarter's deals by financier kind and region (rows of ``step_counts``' array)."""
        return self.step_counts.funded

    @property
    def refused(self) -> np.ndarray:
        """This quarter's refusals by financier kind and region, likewise."""
        return self.step_counts.refused

    @property
    def public_knowledge(self) -> float:
        """The least knowledge any firm or founder has: the codified share of best practice."""
        return math.exp(self.log_frontier + LOG_PUBLIC_KNOWLEDGE)

    def mean_kstock(self, r: int) -> float:
        """Mean knowledge stock of region ``r`` (all live firms for r = -1)."""
        m = self.firms.live if r < 0 else self.index.region_members(r)
        return float(self.firms.kstock[m].mean()) if len(m) else self.cfg.knowledge.initial_stock

    def _reindex(self) -> None:
        """Bring the spatial index up to date: rebuilt if firms came, left or moved since it was
        built (``FirmArrays.layout``; leavers alone are filtered out by ``_remove_firms``)."""
        index = getattr(self, "index", None)
        if index is not None and index.layout == self.firms.layout:
            return
        k = self.cfg.knowledge
        self.index = SpatialIndex(
            self.firms,
            self.regions.n,
            self.cfg.world.size,
            2.0 * k.proximity_range,
            self.universities.region,
        )

    def add_aid(self, slots, amounts) -> None:
        """Book aid a policy paid firms this quarter; their owners count on it while it lasts
        (``finance.settle``)."""
        np.add.at(self.aid_paid(), np.asarray(slots, dtype=np.int64), amounts)

    def aid_paid(self) -> np.ndarray:
        """This quarter's aid by slot, over every slot (firms placed since the step began, in
        slots the arrays grew for, have had none)."""
        if len(self.aid) < self.firms.capacity:
            self.aid = np.concatenate([self.aid, np.zeros(self.firms.capacity - len(self.aid))])
        return self.aid

    def _tie_costs(self) -> float:
        """This quarter's tie costs before regional subsidies (which policies book as
        transfers): formation of the new ties, the pipeline premium of the new extra-regional
        ones and the upkeep of the existing ones."""
        tc, (a, b, kind, _) = self.cfg.trust, self.searched
        cost = len(a) * tc.tie_cost
        if tc.pipeline_rate > 0.0:
            far = fairs.extra_regional(a, b, kind, self.firms.region)
            premium = fairs.pipeline_premium(self) * tc.tie_cost
            cost += far * premium + float(self.tie_upkeep[0])
        return cost

    def _lap(self, name: str) -> None:
        """Adds the CPU time (``clock``) since the last lap to ``timings[name]`` when timing is
        on (set ``model.timings = {}``; ``benchmarks/bench_engines.py``); off, it costs one
        test."""
        if self.timings is not None:
            now = self.clock()
            self.timings[name] = self.timings.get(name, 0.0) + now - self._lap_start
            self._lap_start = now

    # ----------------------------------------------------------------- the step
    def step(self) -> None:
        cfg, f = self.cfg, self.firms
        if self.timings is not None:
            self._lap_start = self.clock()
        self.volume[:] = 0.0
        self.tie_counts[:] = 0
        ledger = {"step": self.t + 1, "cash_before": live_sum(f.alive, f.cash)[0]}
        self.transfers = 0.0
        self.aid = np.zeros(f.capacity)
        self.step_counts.array[:] = 0  # first: hooks of every phase may add, remove or move firms
        self.demand_past = [*self.demand_past, self.demand.copy()][-STEPS_PER_YEAR:]
        demand.update(self)
        self.log_frontier += cfg.knowledge.frontier_growth
        self.regions.emp_prev[:] = self.regions.emp
        if cfg.world.migration.rate > 0:
            regions.migrate(self.regions, cfg)
        regions.update(self.regions, f, cfg)
        self._lap("world")
        self._call("before_step")
        self._lap("hooks")
        draw, t = self.streams, self.t  # each sub-step draws from its stream's key
        self.engine.market(self, draw.key(APPEAL, t))
        ledger["profit"] = live_sum(f.alive, f.profit)[0]
        ledger["cash_after_market"] = live_sum(f.alive, f.cash)[0]
        self._lap("market")
        self._call("after_market")
        self._lap("hooks")
        to_financiers, to_owners = finance.settle(self)
        ledger["financing"], ledger["payouts"] = -to_financiers, -to_owners
        self._lap("finance")
        self.engine.innovate(self, draw.key(INNOVATION, t))
        self._lap("innovate")
        self.dk = np.zeros(f.capacity)
        self.dpos = np.zeros((f.capacity, self.dims))
        keep = np.ones(self.ties.n, dtype=np.bool_)
        self.tie_upkeep[0] = 0.0
        self.engine.projects(self, keep, draw.key(TIES, t))
        self._lap("projects")
        self.engine.spillovers(self, draw.key(CONTACTS, t))
        self.engine.apply_knowledge(self)
        self.ties.keep(keep)
        self._lap("spillovers")
        start, nbr = self.engine.adjacency(self)
        self.searched = self.engine.search(self, start, nbr, draw.key(SEARCH, t))
        self.ties.add(*self.searched)
        ledger["tie_costs"] = self._tie_costs()
        self._lap("search")
        universities.update(self)
        self._lap("universities")
        self._call("after_search")
        self._lap("hooks")
        dead, insolvent = self.engine.exits(self)
        np.add.at(self.step_counts["insolvencies"], f.region[dead[insolvent]], 1)
        ledger["exit_cash"] = float(f.cash[dead].sum())
        self._remove_firms(dead, np.where(insolvent, EXIT_DEBT, EXIT_LOSSES))  # index filtered
        self._lap("exits")
        self._call("before_entry")
        self._lap("hooks")
        moved = self.step_counts["relocations_in"].sum()
        # reads the index, moves firms; the location utility comes back if no firm moved
        ledger["relocation_costs"], utility = relocation.relocate(self)
        if self.step_counts["relocations_in"].sum() > moved:
            self._reindex()  # movers are indexed in their new region before entry reads it
        self._lap("relocation")
        ledger["entry_cash"] = entry.enter(self, utility)
        finance.end_quarter(self)
        self._reindex()
        self._lap("entry")
        self.t += 1
        self.overrides.expire(self.t)
        self._call("after_step")
        ledger["policy_transfers"] = self.transfers
        ledger["cash_after"] = live_sum(f.alive, f.cash)[0]
        self.ledger.append(ledger)
        self._lap("hooks")
        if self.lifecycle is not None:  # every step: the stages follow the history
            self.lifecycle.current(self)  # what the recorder reads; computed once per step
        self._lap("lifecycle")
        self.recorder.record(self)
        self._lap("recording")

    def remove_firms(self, slots) -> None:
        """Take firms out of the industry from a hook (an experiment's removal): they are
        counted as exits of their regions, their cash leaves through ``transfers``, their
        agents and ties go at once and the spatial index is brought up to date."""
        slots = np.asarray(slots, dtype=np.int64)
        self.transfers -= float(self.firms.cash[slots].sum())
        self._remove_firms(slots, np.full(len(slots), EXIT_REMOVED))
        self._reindex()

    def relocate_firm(self, slot: int, x: float, y: float, region: int) -> None:
        """Move a live firm to ``(x, y)`` in ``region`` from a hook (a footloose MNE): counted as
        a relocation out of its old region and into the new one, so each region's firm count
        still reconciles. Its ties stay; the spatial index is rebuilt once the phase's hooks are
        done."""
        self.relocate_firms(np.array([slot]), np.array([x]), np.array([y]), np.array([region]))

    def relocate_firms(self, slots, x, y, region) -> None:
        """:meth:`relocate_firm` for distinct ``slots`` at once (arrays)."""
        f = self.firms
        self.recorder.events.moved(self, slots, region)
        np.add.at(self.step_counts["relocations_out"], f.region[slots], 1)
        np.add.at(self.step_counts["relocations_in"], region, 1)
        f.x[slots], f.y[slots], f.region[slots] = x, y, region
        f.layout += 1

    def _remove_firms(self, slots: np.ndarray, reasons: np.ndarray) -> None:
        """The one way out: every firm that leaves is counted as an exit of its region and
        logged with its reason (a code of ``observe.events.EXIT_REASONS``)."""
        if len(slots) == 0:
            return
        f = self.firms
        self.recorder.events.exited(self, slots, reasons)
        np.add.at(self.step_counts["exits"], f.region[slots], 1)
        finance.write_off(self, slots)
        self.firm_agents.remove(slots)
        current = self.index.layout == f.layout
        f.release(slots)
        self.ties.keep_between_live(f.alive)
        if current:  # only these firms left since it was built: filter, no rebuild
            self.index = self.index.without(f)

    def hook_rng(self, name: str) -> np.random.Generator:
        """The random numbers of hook ``name`` (a policy programme, a government, the
        initiative) in this step: its own counter-based stream, so a hook that is switched on
        changes no other draw of the run (``world.streams``)."""
        return self.streams.hook(name, self.t)

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

    # ----------------------------------------------------------------- Mesa
    def _init_mesa(self, collect, model_reporters, agent_reporters, agenttype_reporters) -> None:
        """Mesa's side: the DataCollector (by default, the reporters of what
        ``output.timeseries`` records) and one low-priority event after every step (and at time
        0) that collects and stops ``running`` at the horizon; with nothing to collect, a single
        event at the horizon, since each of Mesa's events costs about 5 µs a step. An event
        rather than code in ``step()`` keeps the step free of Mesa bookkeeping; it draws no
        random numbers."""
        if not isinstance(collect, (bool, int, np.integer)) or collect < 0:
            raise ValueError(f"collect={collect!r}: must be True, False or a period in steps")
        self.collect_every = max(int(collect), 1)
        self.datacollector = None
        if collect:
            self.datacollector = mesa.DataCollector(
                model_reporters={
                    **default_reporters(self.cfg.output.timeseries),
                    **(model_reporters or {}),
                },
                agent_reporters=agent_reporters,
                agenttype_reporters=agenttype_reporters,
            )
        elif model_reporters or agent_reporters or agenttype_reporters:
            raise ValueError("reporters need collect=True")
        if self.datacollector is None:  # nothing to collect: one event at the horizon
            self.schedule_event(self._after_step, at=float(self.cfg.steps), priority=Priority.LOW)
            return
        self.schedule_recurring(
            self._after_step, Schedule(interval=1.0, start=0.0), priority=Priority.LOW
        )

    # Mesa's views of the agents: the firms' agents are made first (``FirmAgents``)
    @property
    def agents(self):
        self.firm_agents.make()
        return super().agents

    @property
    def agents_by_type(self):
        self.firm_agents.make()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        self.firm_agents.make()
        return super().agent_types

    @property
    def agent_of(self) -> dict:
        """Slot -> the Mesa agent of the firm in it."""
        self.firm_agents.make()
        return self.firm_agents.of

    def remove_all_agents(self) -> None:
        self.firm_agents.make()
        super().remove_all_agents()

    def _after_step(self) -> None:
        due = self.t % self.collect_every == 0 or self.t == self.cfg.steps
        if self.datacollector is not None and due:
            self.datacollector.collect(self)
        if self.t >= self.cfg.steps:
            self.running = False
