"""Where firms come from and where they locate: the initial population, then each quarter's
start-ups, spin-offs and university spin-offs, screened by finance (L1368-1460, L3752-3759).

Candidate generation is region- and candidate-level work, O(candidates) per step, so both engines
share this module; the per-firm draws (which firms spawn spin-offs) run in the engines.

Every newcomer has an identity derived from its cause: the region and its rank among the
region's start-ups of the quarter, the parent firm, or the university and its rank. Its draws
(location, knowledge, screening noise, traits) are keyed by that identity (``world.streams``),
so a start-up that a policy did not cause is the same firm in the policy run and in its twin.
Counts are Poisson by inversion: a region whose rate a policy raised gets the twin's newcomers
and more, not other ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustersim.mechanisms.common import appeal
from clustersim.mechanisms.demography import finance
from clustersim.mechanisms.demography.location import location_utility  # shared with movers
from clustersim.world.agents import Firm
from clustersim.world.state import (
    ORIGIN_INITIAL,
    ORIGIN_MNE,
    ORIGIN_SPINOFF,
    ORIGIN_STARTUP,
    ORIGIN_UNIVERSITY,
    ORIGINS,
    TIE_FINANCIER,
)
from clustersim.world.streams import (
    FINANCE,
    SPINOFFS,
    STARTUPS,
    TRAITS,
    UNIVERSITY_SPINOFFS,
)

# the tallies of ``model.step_counts`` a firm placed during the run is counted in, by origin
COUNTED_AS = {
    ORIGIN_STARTUP: ("entries", "startups"),
    ORIGIN_SPINOFF: ("entries", "spinoffs"),
    ORIGIN_UNIVERSITY: ("entries", "university_spinoffs"),
    ORIGIN_MNE: ("mne_entries",),
}


@dataclass
class Candidates:
    """Would-be firms of one step, before finance decides which of them enter."""

    uid: np.ndarray  # the identity each would have as a firm
    origin: np.ndarray
    parent: np.ndarray  # parent firm slot, -1 if none
    x: np.ndarray
    y: np.ndarray
    region: np.ndarray
    kstock: np.ndarray
    kpos: np.ndarray

    def __len__(self) -> int:
        return len(self.origin)

    @staticmethod
    def concat(parts: list[Candidates]) -> Candidates:
        return Candidates(
            *[
                np.concatenate([getattr(p, f) for p in parts])
                for f in ("uid", "origin", "parent", "x", "y", "region", "kstock", "kpos")
            ]
        )


def startups(model) -> Candidates:
    """Would-be start-ups: founders come from the labour pools (Reynolds et al. 2005) and choose
    a region by logit location choice, drawn to where the industry is (L1368-1403); most settle
    next to an existing firm of the chosen region, the rest anywhere in it. The logit shares
    split one Poisson arrival rate into independent Poisson counts per region. Whether they
    enter is decided by :func:`enter`."""
    cfg, reg, f, idx, t = model.cfg.entry, model.regions, model.firms, model.index, model.t
    rate = model.overrides.get("entry.startup_rate", cfg.startup_rate)
    u = location_utility(model)
    p = np.exp(u - u.max())
    rates = rate * reg.pool.sum() * p / p.sum()
    region, rank = _ranks(model.streams.counts(STARTUPS, t, np.arange(reg.n), rates))
    uid = model.streams.ids(STARTUPS, t, region, rank)
    n = len(uid)
    u = model.streams.uniforms(STARTUPS, t, uid, 4)
    z = model.streams.normals(STARTUPS, t, uid, 3 + model.dims)
    near = u[:, 0] < cfg.near_firm_share
    x = reg.x0[region] + u[:, 1] * (reg.x1[region] - reg.x0[region])
    y = reg.y0[region] + u[:, 2] * (reg.y1[region] - reg.y0[region])
    pick, jitter, kq, kz = u[:, 3], z[:, :2], z[:, 2], z[:, 3:]
    kpos = np.empty((n, model.dims))
    kstock = np.empty(n)
    host = np.full(n, -1)
    regional = {}  # core and mean knowledge once per region: O(N) a step, not O(N x start-ups)
    for c in range(n):
        r = region[c]
        members = idx.region_members(r)
        if len(members) and near[c]:
            host[c] = members[int(pick[c] * len(members))]
        if r not in regional:
            regional[r] = (model.core_position(r), model.mean_kstock(r))
        core, mean_kstock = regional[r]
        kpos[c] = core + model.cfg.knowledge.initial_spread * kz[c]
        kstock[c] = 0.8 * mean_kstock * np.exp(0.3 * kq[c])
    nearby = host >= 0
    x[nearby], y[nearby] = model.clip_xy(
        f.x[host[nearby]] + jitter[nearby, 0], f.y[host[nearby]] + jitter[nearby, 1]
    )
    return Candidates(
        uid, np.full(n, ORIGIN_STARTUP), np.full(n, -1), x, y, model.region_at(x, y), kstock, kpos
    )


def spinoffs(model, parents: np.ndarray) -> Candidates:
    """Spin-offs locate near their parent and inherit part of its knowledge (L3752-3759,
    L1532-1550; Klepper 2007). A parent has at most one a quarter: it names the spin-off."""
    cfg, f = model.cfg.entry, model.firms
    n = len(parents)
    uid = model.streams.ids(SPINOFFS, model.t, f.uid[parents], np.zeros(n, np.int64))
    z = model.streams.normals(SPINOFFS, model.t, uid, 2 + model.dims)
    off, kz = z[:, :2] * cfg.spinoff_distance, z[:, 2:]
    x, y = model.clip_xy(f.x[parents] + off[:, 0], f.y[parents] + off[:, 1])
    kpos = f.kpos[parents] + 0.1 * model.cfg.knowledge.initial_spread * kz
    kstock = cfg.spinoff_inherit * f.kstock[parents]
    return Candidates(
        uid,
        np.full(n, ORIGIN_SPINOFF),
        parents.astype(np.int64),
        x,
        y,
        model.region_at(x, y),
        kstock,
        kpos,
    )


def university_spinoffs(model) -> Candidates:
    """Academic spin-offs next to their university, carrying its knowledge (L4247-4315)."""
    uni, ucfg, t = model.universities, model.cfg.universities, model.t
    rates = ucfg.spinoff_rate * uni.openness
    src, rank = _ranks(model.streams.counts(UNIVERSITY_SPINOFFS, t, np.arange(uni.n), rates))
    uid = model.streams.ids(UNIVERSITY_SPINOFFS, t, src, rank)
    n = len(uid)
    z = model.streams.normals(UNIVERSITY_SPINOFFS, t, uid, 2 + model.dims)
    off, kz = z[:, :2], z[:, 2:]
    x, y = model.clip_xy(uni.x[src] + off[:, 0], uni.y[src] + off[:, 1])
    kpos = uni.kpos[src] + 0.2 * model.cfg.knowledge.initial_spread * kz
    kstock = 0.5 * np.minimum(uni.kstock[src], 2.0 * model.mean_kstock(-1))
    return Candidates(
        uid,
        np.full(n, ORIGIN_UNIVERSITY),
        np.full(n, -1),
        x,
        y,
        model.region_at(x, y),
        kstock,
        kpos,
    )


def _ranks(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For counts per creator: each newcomer's creator and its rank among the creator's ones."""
    creator = np.repeat(np.arange(len(counts)), counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    return creator, np.arange(len(creator)) - first


def quality(model, kstock: np.ndarray, kpos: np.ndarray) -> np.ndarray:
    """Expected competitiveness of a would-be firm: fit to demand x relative knowledge."""
    d2 = ((kpos - model.demand) ** 2).sum(axis=1)
    fit = np.exp(-d2 / (2 * model.cfg.market.fit_width**2))
    rel = kstock / model.mean_kstock(-1)
    return fit * rel**model.cfg.market.knowledge_elasticity


def expected_sales(model, cands: Candidates) -> np.ndarray:
    """The sales each would-be firm can expect against this quarter's incumbents: its share of
    world demand (and of its region's public demand) by the market's own rule, its log weight
    added to the incumbents' log-sum-exp (``model.market_lse``). A would-be firm does not know
    its appeal before it enters: it counts on the entrants' mean of exp(appeal)
    (:func:`clustersim.mechanisms.common.appeal.expected_log_appeal`)."""
    m, reg, r = model.cfg.market, model.regions, cands.region
    log_prod = (
        m.knowledge_elasticity * np.log(cands.kstock)
        + np.log1p(m.skill_effect * reg.skill[r])
        + np.log(reg.agglo[r])
    )
    log_fit = -((cands.kpos - model.demand) ** 2).sum(axis=1) / (2 * m.fit_width**2)
    w = m.selection * (log_prod + log_fit) + appeal.expected_log_appeal(m)
    lse = model.market_lse
    sales = model.demand_total * np.exp(w - np.logaddexp(lse[0], w))
    return sales + reg.public_demand[r] * np.exp(w - np.logaddexp(lse[1 + r], w))


def enter(model) -> float:
    """Generate, decide, finance and place this quarter's new firms; returns the cash they
    bring in.

    A would-be firm enters when it expects a profit: its expected sales, at the workforce they
    pay for, leave a margin that covers the fixed cost (the zero-profit cutoff of Melitz 2003;
    Hopenhayn 1992), so entry dries up as incumbents grow more competitive (Klepper 1996); then
    a financier must fund it. Entrants differ in knowledge (drawn with the candidate) and in
    size, lognormal around ``entry.initial_size`` (Cabral & Mata 2003).

    Draws: the start-up and university spin-off counts and each candidate's attributes; one
    uniform per firm (does it spawn a spin-off?), if ``entry.spinoffs``; one normal per
    candidate (the financiers' screening noise); every candidate's traits and appeal at birth
    (:mod:`clustersim.mechanisms.common.appeal`)."""
    cfg, t = model.cfg, model.t
    parts = [startups(model)]
    if cfg.entry.spinoffs:
        f = model.firms
        u_spin = model.streams.uniforms(SPINOFFS, t, f.uid, 1, where=f.alive)[:, 0]
        parents = model.engine.spinoff_parents(model, u_spin)
        parts.append(spinoffs(model, parents))
    parts.append(university_spinoffs(model))
    cands = Candidates.concat(parts)
    cands.kstock = np.minimum(cands.kstock, model.frontier)
    viable = expected_sales(model, cands) * cfg.market.target_margin > cfg.market.fixed_cost
    score = quality(model, cands.kstock, cands.kpos)
    noise = model.streams.normals(FINANCE, t, cands.uid, 1)[:, 0]
    funder = np.full(len(cands), -1, dtype=np.int64)
    funder[viable] = finance.screen(model, score[viable], cands.region[viable], noise[viable])
    *traits, size_z = draw_traits(model, cands.uid)
    size = cfg.entry.initial_size * np.exp(cfg.entry.entry_size_sd * size_z)
    born_appeal = appeal.at_birth(model, cands.uid, cfg.market.entrant_appeal_gap)
    fin, fcfg, counts = model.financiers, cfg.finance, model.step_counts
    np.add.at(counts["unviable"], cands.region[~viable], 1)
    brought = 0.0
    for c in np.flatnonzero(viable):
        r = cands.region[c]
        if funder[c] < 0:
            counts["refused"][r] += 1
            continue
        k = funder[c]
        model.funded[fin.kind[k], r] += 1
        s = place_firm(
            model,
            int(cands.uid[c]),
            cands.x[c],
            cands.y[c],
            r,
            cands.kstock[c],
            cands.kpos[c],
            max(1.0, size[c]),
            int(cands.origin[c]),
            int(cands.parent[c]),
            *(t[c] for t in traits),
            cash=fcfg.ticket,
            appeal=born_appeal[c],
        )
        finance.fund(model, s, k)
        model.ties.add(
            np.array([s]),
            np.array([k]),
            np.array([TIE_FINANCIER]),
            np.array([model.regions.bonding[r]]),
        )
        brought += fcfg.ticket
    return brought


def initial_firms(model) -> None:
    """The industry at set-up: firms scattered over the landscape, a share of them in the focal
    region, some foreign MNEs (bigger, more knowledge). Draws blocks of one per firm, in order:
    x, y (uniforms); in the focal region? (uniform, if ``world.focal.initial_firm_share`` >= 0);
    x, y in the focal region (uniforms); position (``dims`` normals); knowledge, size (normals);
    MNE? (uniform); their traits come from their ids 0, 1, ... (:func:`draw_traits`). They start
    with appeal 0 (:mod:`clustersim.mechanisms.common.appeal`): no customer base yet. The best
    of them sets the technology frontier."""
    cfg, rng, n = model.cfg, model.rng, model.cfg.n_firms
    w = cfg.world
    share = w.focal.initial_firm_share
    x = rng.uniform(0, w.size, n)
    y = rng.uniform(0, w.size, n)
    in_focal = rng.random(n) < share if share >= 0 else np.zeros(n, bool)
    reg, fr = model.regions, model.focal
    x = np.where(in_focal, rng.uniform(reg.x0[fr], reg.x1[fr], n), x)
    y = np.where(in_focal, rng.uniform(reg.y0[fr], reg.y1[fr], n), y)
    kpos = cfg.knowledge.initial_spread * rng.normal(size=(n, model.dims))
    kstock = cfg.knowledge.initial_stock * np.exp(0.3 * rng.normal(size=n))
    emp = np.exp(np.log(8.0) + 0.6 * rng.normal(size=n))
    is_mne = rng.random(n) < cfg.initial_mne_share
    emp = np.where(is_mne, 10 * emp, emp)
    kstock = np.where(is_mne, 2 * kstock, kstock)
    traits = draw_traits(model, np.arange(n))[:3]
    model.log_frontier = float(np.log(kstock.max()))  # best practice at set-up
    region = model.region_at(x, y)
    for i in range(n):
        place_firm(
            model,
            i,
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
            counted=False,
        )


def draw_traits(model, uid: np.ndarray):
    """R&D intensity, opportunism and openness of new firms, and a normal for the size of an
    entrant: inborn, so keyed by the firm's id alone (a firm has the same traits in every run
    in which it is born)."""
    k, t = model.cfg.knowledge, model.cfg.trust
    z = model.streams.normals(TRAITS, 0, uid, 2)
    u = model.streams.uniforms(TRAITS, 0, uid, 2)
    rd = np.clip(k.rd_intensity + k.rd_sd * z[:, 0], 0.0, 0.5)
    opportunism = np.clip(t.opportunism_mean * 2 * u[:, 0], 0.0, 1.0)
    openness = 0.2 + 0.8 * u[:, 1]
    return rd, opportunism, openness, z[:, 1]


def place_firm(
    model,
    uid,
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
    counted=True,
    appeal=0.0,
) -> int:
    """Put a new firm (and its agent) into a free slot; returns the slot. The one way in for
    the set-up (``counted=False``), entrants and hooks alike (an MNE affiliate, say), so every
    newcomer of the run is counted in ``model.step_counts`` by region and origin
    (:data:`COUNTED_AS`) and the firm counts reconcile. The caller books its cash. No random
    numbers. ``appeal`` is its log demand shifter at birth (0, the incumbents' mean, unless
    drawn: :mod:`clustersim.mechanisms.common.appeal`)."""
    if counted and origin not in COUNTED_AS:
        allowed = " | ".join(ORIGINS[o] for o in COUNTED_AS)
        raise ValueError(f"origin {origin!r}: a firm placed during the run is one of {allowed}")
    f = model.firms
    s = f.allocate(uid)
    f.x[s], f.y[s], f.region[s] = x, y, region
    f.kstock[s], f.kpos[s], f.emp[s], f.cash[s] = kstock, kpos, emp, cash
    f.rd[s], f.opportunism[s], f.openness[s] = rd, opportunism, openness
    f.skill[s] = model.regions.skill[region]
    f.origin[s], f.born[s], f.is_mne[s] = origin, model.t, is_mne
    f.parent[s] = f.uid[parent_slot] if parent_slot >= 0 else -1
    for name in ("age", "inc", "rad"):
        getattr(f, name)[s] = 0
    for name in (
        "sales",
        "profit",
        "prod",
        "fit",
        "competence",
        "absorb",
        "diversity",
        "expected_profit",
        "loan",
        "stake",
    ):
        getattr(f, name)[s] = 0.0
    f.lender[s], f.investor[s], f.funder[s] = finance.house_bank(model, region), -1, -1
    f.credit_line[s] = model.cfg.finance.collateral * emp
    f.appeal[s] = appeal
    f.vc_backed[s] = f.member[s] = False
    model.agent_of[s] = Firm(model, s)
    if counted:
        for key in COUNTED_AS[origin]:
            model.step_counts[key][region] += 1
    return s
