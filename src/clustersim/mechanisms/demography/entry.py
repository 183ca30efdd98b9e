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
from numba import njit

from clustersim.mechanisms.common import appeal
from clustersim.mechanisms.common.kernel import log_demand_fit
from clustersim.mechanisms.demography import finance
from clustersim.mechanisms.demography.location import location_utility  # shared with movers
from clustersim.world.spatial import region_means
from clustersim.world.state import (
    COUNT_ROW,
    ORIGIN_INITIAL,
    ORIGIN_MNE,
    ORIGIN_SPINOFF,
    ORIGIN_STARTUP,
    ORIGIN_UNIVERSITY,
    ORIGINS,
    TIE_FINANCIER,
    live_mean,
    locate_regions,
)
from clustersim.world.streams import (
    SPINOFFS,
    STARTUPS,
    TRAITS,
    UNIVERSITY_SPINOFFS,
    derived_ids,
    identity_hash,
    normal_at,
    normals,
    poisson_counts,
    uniform_at,
    uniforms,
)

# the tallies of ``model.step_counts`` a firm placed during the run is counted in, by origin
COUNTED_AS = {
    ORIGIN_STARTUP: ("entries", "startups"),
    ORIGIN_SPINOFF: ("entries", "spinoffs"),
    ORIGIN_UNIVERSITY: ("entries", "university_spinoffs"),
    ORIGIN_MNE: ("mne_entries",),
}
# by origin code: the rows of ``model.step_counts.array`` such a firm adds one to (-1: none)
_COUNT_ROWS = np.full((len(ORIGINS), max(map(len, COUNTED_AS.values()))), -1, np.int64)
for _origin, _keys in COUNTED_AS.items():
    _COUNT_ROWS[_origin, : len(_keys)] = [COUNT_ROW[key] for key in _keys]
_NOT_COUNTED = np.zeros((0, _COUNT_ROWS.shape[1]), np.int64)  # the set-up's firms


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
    log_fit: np.ndarray  # fit to this quarter's demand, by the market's rule (log_demand_fit)

    def __len__(self) -> int:
        return len(self.origin)


def candidates(model, utility: np.ndarray | None = None) -> tuple[Candidates, float]:
    """This quarter's would-be firms, start-ups, then spin-offs, then university spin-offs, and
    the industry's mean knowledge they are judged against. Whether they enter is decided by
    :func:`enter`. ``utility``: this quarter's location utility if known.

    * Start-ups: founders come from the labour pools (Reynolds et al. 2005) and choose a region
      by logit location choice, drawn to where the industry is (L1368-1403); most settle next
      to an existing firm of the chosen region, the rest anywhere in it. The logit shares split
      one Poisson arrival rate into independent Poisson counts per region. A founder knows
      0.8 x the chosen region's mean knowledge, lognormally spread.
    * Spin-offs locate near their parent and inherit part of its knowledge (L3752-3759,
      L1532-1550; Klepper 2007). A parent has at most one a quarter: it names the spin-off.
    * Academic spin-offs start next to their university, carrying half its knowledge, at most
      the industry's mean (L4247-4315).

    Every founder knows at least the codified public knowledge and at most the frontier.
    Draws: the spin-off uniform of every live firm, if ``entry.spinoffs`` (the engine picks the
    parents); the rest in one compiled pass (:func:`_candidates`)."""
    cfg, reg, f, idx, t = model.cfg, model.regions, model.firms, model.index, model.t
    uni, e = model.universities, cfg.entry
    rate = model.overrides.get("entry.startup_rate", e.startup_rate)
    u = location_utility(model) if utility is None else utility
    p = np.exp(u - u.max())
    rates = rate * reg.pool.sum() * p / p.sum()
    parents = _NO_PARENTS
    if e.spinoffs:
        parents = model.engine.spinoff_parents(model, model.streams.key(SPINOFFS, t))
    keys = model.streams.model_keys(_CANDIDATE_STREAMS, t)
    spread = cfg.knowledge.initial_spread
    uid, origin, parent, x, y, region, kbase, kq, kpos, log_fit, mean_kstock = _candidates(
        keys, rates, reg.x0, reg.x1, reg.y0, reg.y1, e.near_firm_share,
        idx.region_order, idx.region_start, f.alive, f.uid, f.x, f.y, f.emp, f.kpos, f.kstock,
        model.demand, cfg.market.fit_width, cfg.knowledge.initial_stock, spread, parents,
        e.spinoff_distance, e.spinoff_inherit, cfg.universities.spinoff_rate * uni.openness,
        uni.x, uni.y, uni.kpos, uni.kstock, cfg.world.size,
    )  # fmt: skip
    kstock = (kbase * np.exp(0.3 * kq)).clip(model.public_knowledge, model.frontier)
    return Candidates(uid, origin, parent, x, y, region, kstock, kpos, log_fit), mean_kstock


_NO_PARENTS = np.zeros(0, np.int64)
_CANDIDATE_STREAMS = np.array([STARTUPS, SPINOFFS, UNIVERSITY_SPINOFFS])


@njit(cache=True)
def _candidates(
    keys, rates, x0, x1, y0, y1, near_share, order, start, alive, fuid, fx, fy, femp, fkpos,
    fkstock, demand, fit_width, initial_stock, spread, parents, distance, inherit, uni_rates,
    ux, uy, ukpos, ukstock, size,
):  # fmt: skip
    """:func:`candidates`' draws and sites in one compiled pass, in candidate order. Returns
    their ids, origins, parents (-1: none), sites and regions, knowledge before the start-ups'
    lognormal factor and that factor's normal (0 for the others), positions and log fits to
    demand, and the industry's mean knowledge (numpy's mean, to the last bit)."""
    n_reg = rates.shape[0]
    core, region_kstock = region_means(order, start, femp, fkpos, fkstock, demand, initial_stock)
    mean_kstock = live_mean(alive, fkstock, initial_stock)
    s = _startups(keys[0], rates, x0, x1, y0, y1, near_share, order, start, fx, fy, core, spread,
                  size)  # fmt: skip
    p = _spinoffs(keys[1], parents, fuid, fx, fy, fkpos, fkstock, distance, 0.1 * spread,
                  inherit, size, n_reg)  # fmt: skip
    u = _university_spinoffs(keys[2], uni_rates, ux, uy, ukpos, ukstock, 2.0 * mean_kstock,
                             0.2 * spread, size, n_reg)  # fmt: skip
    n_s, n_p = s[0].shape[0], p[0].shape[0]
    origin = np.full(n_s + n_p + u[0].shape[0], ORIGIN_UNIVERSITY, np.int64)
    origin[:n_s], origin[n_s : n_s + n_p] = ORIGIN_STARTUP, ORIGIN_SPINOFF
    parent = np.full(origin.shape[0], -1, np.int64)
    parent[n_s : n_s + n_p] = parents
    kbase = np.concatenate((0.8 * region_kstock[s[1]], p[5], u[5]))
    kq = np.concatenate((s[5], np.zeros(origin.shape[0] - n_s)))
    kpos = np.concatenate((s[6], p[4], u[4]))
    log_fit = np.empty(origin.shape[0])
    for i in range(origin.shape[0]):
        log_fit[i] = log_demand_fit(kpos, i, demand, fit_width)
    return (
        np.concatenate((s[0], p[0], u[0])), origin, parent, np.concatenate((s[3], p[2], u[2])),
        np.concatenate((s[4], p[3], u[3])), np.concatenate((s[2], p[1], u[1])), kbase, kq,
        kpos, log_fit, mean_kstock,
    )  # fmt: skip


@njit(cache=True)
def _startups(k, rates, x0, x1, y0, y1, near_share, order, start, fx, fy, core, spread, size):
    """Start-ups: per region a Poisson count; per start-up, from its id: uniforms (near a firm?,
    x, y, which firm) and normals (offset from that firm x 2, knowledge, position x dims).
    Returns ids, the regions chosen, the regions of the sites (a site near a firm may fall
    across the border), sites, the knowledge normal and positions."""
    n_reg, dims = rates.shape[0], core.shape[1]
    creator, uid = _created(k, rates)
    n = uid.shape[0]
    u = uniforms(k, uid, 4, np.ones(n, np.bool_))
    z = normals(k, uid, 3 + dims, np.ones(n, np.bool_))
    x, y, kq, kpos = np.empty(n), np.empty(n), np.empty(n), np.empty((n, dims))
    hi = size - 1e-9 * size
    for i in range(n):
        r = creator[i]
        x[i] = x0[r] + u[i, 1] * (x1[r] - x0[r])
        y[i] = y0[r] + u[i, 2] * (y1[r] - y0[r])
        members = start[r + 1] - start[r]
        if u[i, 0] < near_share and members > 0:
            host = order[start[r] + int(u[i, 3] * members)]
            x[i] = min(max(fx[host] + z[i, 0], 0.0), hi)
            y[i] = min(max(fy[host] + z[i, 1], 0.0), hi)
        kq[i] = z[i, 2]
        for j in range(dims):
            kpos[i, j] = core[r, j] + spread * z[i, 3 + j]
    return uid, creator, locate_regions(x, y, n_reg, size), x, y, kq, kpos


@njit(cache=True)
def _spinoffs(k, parents, fuid, fx, fy, fkpos, fkstock, distance, spread, inherit, size, n_reg):
    """Spin-offs: per spin-off, from its id, normals (offset from the parent x 2, position x
    dims)."""
    n, dims = parents.shape[0], fkpos.shape[1]
    uid = derived_ids(k, fuid[parents], np.zeros(n, np.int64))
    z = normals(k, uid, 2 + dims, np.ones(n, np.bool_))
    x, y, kpos, kstock = np.empty(n), np.empty(n), np.empty((n, dims)), np.empty(n)
    hi = size - 1e-9 * size
    for i in range(n):
        p = parents[i]
        x[i] = min(max(fx[p] + z[i, 0] * distance, 0.0), hi)
        y[i] = min(max(fy[p] + z[i, 1] * distance, 0.0), hi)
        for j in range(dims):
            kpos[i, j] = fkpos[p, j] + spread * z[i, 2 + j]
        kstock[i] = inherit * fkstock[p]
    return uid, locate_regions(x, y, n_reg, size), x, y, kpos, kstock


@njit(cache=True)
def _university_spinoffs(k, rates, ux, uy, ukpos, ukstock, most, spread, size, n_reg):
    """University spin-offs: per university a Poisson count; per spin-off, from its id,
    normals (offset x 2, position x dims). Knowledge is half the university's, at most half
    of ``most``."""
    dims = ukpos.shape[1]
    src, uid = _created(k, rates)
    n = uid.shape[0]
    z = normals(k, uid, 2 + dims, np.ones(n, np.bool_))
    x, y, kpos, kstock = np.empty(n), np.empty(n), np.empty((n, dims)), np.empty(n)
    hi = size - 1e-9 * size
    for i in range(n):
        s = src[i]
        x[i] = min(max(ux[s] + z[i, 0], 0.0), hi)
        y[i] = min(max(uy[s] + z[i, 1], 0.0), hi)
        for j in range(dims):
            kpos[i, j] = ukpos[s, j] + spread * z[i, 2 + j]
        kstock[i] = 0.5 * min(ukstock[s], most)
    return uid, locate_regions(x, y, n_reg, size), x, y, kpos, kstock


@njit(cache=True)
def _created(k, rates):
    """Newcomers of creators with Poisson ``rates`` (regions, universities): each creator's
    count from its own uniform, then the creator and the id of every newcomer."""
    n = rates.shape[0]
    counts = poisson_counts(uniforms(k, np.arange(n), 1, np.ones(n, np.bool_))[:, 0], rates)
    creator, rank = _creators(counts)
    return creator, derived_ids(k, creator, rank)


@njit(cache=True)
def _creators(counts):
    """For counts per creator: each newcomer's creator and its rank among the creator's ones."""
    n = 0
    for c in counts:
        n += c
    creator, rank = np.empty(n, np.int64), np.empty(n, np.int64)
    i = 0
    for r in range(counts.shape[0]):
        for j in range(counts[r]):
            creator[i], rank[i] = r, j
            i += 1
    return creator, rank


def quality(model, kstock: np.ndarray, log_fit: np.ndarray, mean_kstock: float) -> np.ndarray:
    """Expected competitiveness of a would-be firm: fit to demand (``log_fit``, in logs) x
    knowledge relative to the industry's ``mean_kstock``."""
    rel = kstock / mean_kstock
    return np.exp(log_fit) * rel**model.cfg.market.knowledge_elasticity


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
    w = model.selection * (log_prod + cands.log_fit) + appeal.expected_log_appeal(m)
    lse = model.market_lse
    sales = model.demand_total * np.exp(w - np.logaddexp(lse[0], w))
    return sales + reg.public_demand[r] * np.exp(w - np.logaddexp(lse[1 + r], w))


def enter(model, utility: np.ndarray | None = None) -> float:
    """Generate, decide, finance and place this quarter's new firms; returns the cash they
    bring in. ``utility``: this quarter's location utility, if relocation computed it and no
    firm moved since.

    A would-be firm enters when it expects a profit: its expected sales, at the workforce they
    pay for, leave a margin that covers the fixed cost (the zero-profit cutoff of Melitz 2003;
    Hopenhayn 1992), so entry dries up as incumbents grow more competitive (Klepper 1996); then
    a financier must fund it. With ``market.closure = expected_profit`` the profit it expects
    is its owner's prior, which experience then revises (``finance.settle``; Jovanovic 1982).
    Entrants differ in knowledge (drawn with the candidate) and in size, lognormal around
    ``entry.initial_size`` (Cabral & Mata 2003).

    Draws: the start-up and university spin-off counts and each candidate's attributes; one
    uniform per firm (does it spawn a spin-off?), if ``entry.spinoffs``; one normal per viable
    candidate (the financiers' screening noise, drawn as they judge it: ``finance.screen``);
    every funded candidate's traits and appeal at birth
    (:mod:`clustersim.mechanisms.common.appeal`), keyed by its id."""
    cfg = model.cfg
    cands, mean_kstock = candidates(model, utility)
    if len(cands) == 0:
        return 0.0
    prior = expected_sales(model, cands) * model.margin - model.fixed_cost
    score = quality(model, cands.kstock, cands.log_fit, mean_kstock)  # what financiers judge
    funder = finance.screen(model, score, cands.region, cands.uid, prior > 0.0)
    c = (funder >= 0).nonzero()[0]  # funded candidates, in candidate order
    if len(c) == 0:
        return 0.0
    uid, k, r = cands.uid[c], funder[c], cands.region[c]
    *traits, size_z, appeal_z = born_traits(model, uid)  # keyed by id: for the funded alone
    size = cfg.entry.initial_size * np.exp(cfg.entry.entry_size_sd * size_z)
    slots = place_firms(
        model,
        uid,
        cands.x[c],
        cands.y[c],
        r,
        cands.kstock[c],
        cands.kpos[c],
        np.maximum(1.0, size),
        cands.origin[c],
        cands.parent[c],
        *traits,
        cash=cfg.finance.ticket,
        appeal=appeal.from_normal(cfg.market, appeal_z, cfg.market.entrant_appeal_gap),
        expected_profit=prior[c] if cfg.market.closure == "expected_profit" else 0.0,
    )
    finance.fund(model, slots, k)
    model.ties.add(slots, k, TIE_FINANCIER, model.regions.bonding[r])
    cash = 0.0  # one ticket after another, as the cash was booked: not ticket x count
    for _ in range(len(c)):
        cash += cfg.finance.ticket
    return cash


def initial_firms(model) -> None:
    """The industry at set-up: firms scattered over the landscape, a share of them in the focal
    region, some foreign MNEs (bigger, more knowledge). Draws blocks of one per firm, in order:
    x, y (uniforms); in the focal region? (uniform, if ``world.focal.initial_firm_share`` >= 0);
    x, y in the focal region (uniforms); position (``dims`` normals); knowledge, size (normals);
    MNE? (uniform); their traits come from their ids 0, 1, ... (:func:`draw_traits`). They start
    with appeal 0 (:mod:`clustersim.mechanisms.common.appeal`): no customer base yet. The best
    of them sets the technology frontier.

    With a share >= 0 that share is what the focal region gets: the other firms go to the other
    regions (:func:`outside_focal`), so a share of 0 leaves the focal region empty. A share of
    -1 scatters every firm uniformly over the whole landscape."""
    cfg, rng, n = model.cfg, model.rng, model.cfg.n_firms
    w = cfg.world
    share = w.focal.initial_firm_share
    x = rng.uniform(0, w.size, n)
    y = rng.uniform(0, w.size, n)
    reg, fr = model.regions, model.focal
    if share >= 0:
        u = rng.random(n)
        in_focal = u < share
        pick = (u - share) / max(1.0 - share, 1e-12)  # uniform on [0, 1) for the firms outside
        x, y = outside_focal(reg, fr, x / w.size, y / w.size, pick)
    else:
        in_focal = np.zeros(n, bool)
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
    place_firms(
        model,
        np.arange(n),
        x,
        y,
        model.region_at(x, y),
        kstock,
        kpos,
        emp,
        np.where(is_mne, ORIGIN_MNE, ORIGIN_INITIAL),
        np.full(n, -1),
        *traits,
        cash=cfg.market.initial_cash * emp,
        is_mne=is_mne,
        counted=False,
        expected_profit=(
            model.margin * cfg.market.demand_per_firm - model.fixed_cost
            if cfg.market.closure == "expected_profit"
            else 0.0
        ),
    )


def outside_focal(reg, focal: int, ux, uy, pick) -> tuple[np.ndarray, np.ndarray]:
    """Places uniform over the regions other than ``focal`` (one with the landscape if it is
    the only region): ``pick`` (uniforms) chooses the region in proportion to its area, ``ux``,
    ``uy`` (uniforms) the place in it. Draws nothing itself."""
    area = (reg.x1 - reg.x0) * (reg.y1 - reg.y0)
    if reg.n > 1:
        area[focal] = 0.0
    cum = np.cumsum(area) / area.sum()
    r = np.minimum(np.searchsorted(cum, pick, side="right"), reg.n - 1)
    return reg.x0[r] + ux * (reg.x1[r] - reg.x0[r]), reg.y0[r] + uy * (reg.y1[r] - reg.y0[r])


def draw_traits(model, uid: np.ndarray):
    """R&D intensity, opportunism and openness of new firms, and a normal for the size of an
    entrant: inborn, so keyed by the firm's id alone (a firm has the same traits in every run
    in which it is born)."""
    return born_traits(model, uid)[:4]


def born_traits(model, uid: np.ndarray):
    """:func:`draw_traits`, then the normal of the appeal the firms are born with
    (:func:`clustersim.mechanisms.common.appeal.at_birth`), in one compiled pass."""
    k, t = model.cfg.knowledge, model.cfg.trust
    key = model.streams.key(TRAITS, 0)
    return _traits(key, np.asarray(uid, np.int64), k.rd_intensity, k.rd_sd, t.opportunism_mean)


@njit(cache=True)
def _traits(key, uid, rd_intensity, rd_sd, opportunism_mean):
    """Each firm's TRAITS draws (normals 0, 1 and ``appeal.TRAIT_INDEX``; uniforms 0, 1) and
    the traits made of them: R&D intensity in [0, 0.5], opportunism in [0, 1], openness in
    [0.2, 1), the size normal and the appeal normal."""
    n = uid.shape[0]
    rd, opportunism, openness = np.empty(n), np.empty(n), np.empty(n)
    size_z, appeal_z = np.empty(n), np.empty(n)
    doubled = opportunism_mean * 2
    for i in range(n):
        h = identity_hash(key, uid[i])
        rd[i] = min(max(rd_intensity + rd_sd * normal_at(h, 0), 0.0), 0.5)
        opportunism[i] = min(max(doubled * uniform_at(h, 0), 0.0), 1.0)
        openness[i] = 0.2 + 0.8 * uniform_at(h, 1)
        size_z[i] = normal_at(h, 1)
        appeal_z[i] = normal_at(h, appeal.TRAIT_INDEX)
    return rd, opportunism, openness, size_z, appeal_z


def place_firm(model, uid, x, y, region, kstock, kpos, emp, origin, parent_slot, *rest, **options):
    """Put one new firm (and its agent) into a free slot; returns the slot. The one way in for
    hooks (an MNE affiliate, say): :func:`place_firms` for a single firm (the same arguments,
    ``rest`` being its traits and cash, ``options`` the keywords)."""
    one = [np.atleast_1d(v) for v in (uid, x, y, region, kstock, emp, origin, parent_slot)]
    slots = place_firms(model, *one[:5], np.reshape(kpos, (1, -1)), *one[5:], *rest, **options)
    return int(slots[0])


def place_firms(
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
    expected_profit=0.0,
) -> np.ndarray:
    """Put new firms (and their agents) into free slots, in order; returns the slots. The one
    way in for the set-up (``counted=False``), entrants and hooks alike, so every newcomer of
    the run is counted in ``model.step_counts`` by region and origin (:data:`COUNTED_AS`) and
    the firm counts reconcile. Arrays have one entry per firm; scalars apply to all. The caller
    books their cash. No random numbers. ``appeal`` is the log demand shifter at birth (0, the
    incumbents' mean, unless drawn: :mod:`clustersim.mechanisms.common.appeal`);
    ``expected_profit`` the owner's prior, what the founder expected to earn (Jovanovic 1982;
    0, break-even, unless given)."""
    origin = np.asarray(origin, dtype=np.int64)
    if counted and len(origin) and not _all_counted(origin, _COUNT_ROWS):
        wrong = [int(o) for o in np.unique(origin) if int(o) not in COUNTED_AS]
        allowed = " | ".join(ORIGINS[o] for o in COUNTED_AS)
        raise ValueError(f"origin {wrong[0]!r}: a firm placed during the run is one of {allowed}")
    f, fin = model.firms, model.financiers
    s = f.allocate(uid)  # the lowest free slots, in order
    _place(
        s, model.t, _col(x), _col(y), _col(region, np.int64), _col(kstock),
        np.asarray(kpos, np.float64).reshape(-1, model.dims), _col(emp), _col(cash), _col(rd),
        _col(opportunism), _col(openness), _col(origin, np.int64), _col(is_mne, np.bool_),
        _col(parent_slot, np.int64), _col(appeal), _col(expected_profit),
        model.regions.skill, fin.kind, fin.region, model.cfg.finance.collateral,
        _COUNT_ROWS if counted else _NOT_COUNTED, model.step_counts.array,
        f.x, f.y, f.region, f.kstock, f.kpos, f.emp, f.cash, f.rd, f.opportunism, f.openness,
        f.skill, f.origin, f.born, f.is_mne, f.parent, f.uid, f.lender, f.credit_line, f.appeal,
        f.expected_profit, f.age, f.inc, f.rad, f.investor, f.funder, f.vc_backed, f.member,
        f.sales, f.profit, f.prod, f.fit, f.competence, f.absorb, f.diversity, f.loan, f.stake,
    )  # fmt: skip
    model.firm_agents.add(s)
    return s


def _col(v, dtype=np.float64) -> np.ndarray:
    """``v`` as a 1-d array of ``dtype`` (a scalar as one entry: :func:`_place` applies it to
    every firm); an array already so is passed as it is."""
    if isinstance(v, np.ndarray) and v.dtype == dtype and v.ndim == 1:
        return v
    return np.asarray(v, dtype).reshape(-1)


@njit(cache=True)
def _all_counted(origin, count_rows):
    """Every code of ``origin`` is one a firm placed during the run is counted as."""
    for o in origin:
        if not (0 <= o < count_rows.shape[0] and count_rows[o, 0] >= 0):
            return False
    return True


@njit(cache=True)
def _place(
    s, t, x, y, region, kstock, kpos, emp, cash, rd, opportunism, openness, origin, is_mne,
    parent_slot, appeal, expected, skill, fin_kind, fin_region, collateral, count_rows, tallies,
    fx, fy, fregion, fkstock, fkpos, femp, fcash, frd, fopportunism, fopenness, fskill, forigin,
    fborn, fis_mne, fparent, fuid, flender, fcredit, fappeal, fexpected,
    age, inc, rad, investor, funder, vc_backed, member, *zeros,
):  # fmt: skip
    """:func:`place_firms`' writes in one compiled pass instead of some thirty fancy
    assignments: firm ``i`` goes to slot ``s[i]`` with entry ``i`` of each input (entry 0 of
    an input with one entry, as numpy broadcasts a scalar). What every newborn starts with,
    whatever the slot held: no age, no innovations, no investor or funder, not a member, its
    region's house bank as lender, and 0.0 in each array of ``zeros``. Each adds one to the
    ``tallies`` rows of its origin in ``count_rows`` (none with no rows: the set-up)."""
    house = finance.house_banks_of(fin_kind, fin_region, skill.shape[0])
    for i in range(s.shape[0]):
        j = s[i]
        r = region[_at(region, i)]
        o = origin[_at(origin, i)]
        if count_rows.shape[0] > 0:
            for row in count_rows[o]:
                if row >= 0:
                    tallies[row, r] += 1
        fx[j], fy[j], fregion[j] = x[_at(x, i)], y[_at(y, i)], r
        fkstock[j] = kstock[_at(kstock, i)]
        k = _at(kpos, i)
        for d in range(kpos.shape[1]):
            fkpos[j, d] = kpos[k, d]
        e = emp[_at(emp, i)]
        femp[j], fcash[j] = e, cash[_at(cash, i)]
        frd[j], fopportunism[j] = rd[_at(rd, i)], opportunism[_at(opportunism, i)]
        fopenness[j], fskill[j] = openness[_at(openness, i)], skill[r]
        forigin[j], fborn[j], fis_mne[j] = o, t, is_mne[_at(is_mne, i)]
        p = parent_slot[_at(parent_slot, i)]
        fparent[j] = fuid[p] if p >= 0 else -1
        age[j] = inc[j] = rad[j] = 0
        investor[j] = funder[j] = -1
        vc_backed[j] = member[j] = False
        flender[j] = house[r]
        fcredit[j] = collateral * e
        fappeal[j], fexpected[j] = appeal[_at(appeal, i)], expected[_at(expected, i)]
    for a in zeros:
        for j in s:
            a[j] = 0.0


@njit(cache=True, inline="always")
def _at(a, i):
    """The entry of input ``a`` for firm ``i``: its own, or the only one."""
    return i if a.shape[0] > 1 else 0
