"""Struct-of-arrays state: firms in stable slots, ties as sparse edge arrays; and numpy's
summation order for kernels whose sums must equal numpy's (:func:`pairwise_sum`).

Each firm owns a *slot* for its whole life. ``alive`` marks live slots; dead slots are reused,
the lowest first, and arrays grow by doubling. Kernels loop over slots and skip dead ones, so
an agent's index never shifts and tie endpoints never go stale. Ties are edge arrays (never an
N x N matrix); a dead firm's ties are dropped in the step it dies.
"""

from __future__ import annotations

from collections.abc import MutableMapping

import numpy as np
from numba import njit

from clustersim.world.streams import pair_identity

# Tie kinds: the second endpoint is a firm slot, a university index or a financier index.
TIE_KINDS = ("firm", "university", "financier")  # what a tie's far end ``b`` is, by code
TIE_FIRM, TIE_UNIVERSITY, TIE_FINANCIER = range(len(TIE_KINDS))
# Financier kinds (L1404-1460, L4316-4403).
BANK, VC, SEED_FUND = 0, 1, 2
FINANCIER_KINDS = ("bank", "vc", "seed")
# How a firm came to be.
ORIGIN_INITIAL, ORIGIN_STARTUP, ORIGIN_SPINOFF, ORIGIN_UNIVERSITY, ORIGIN_MNE = range(5)
ORIGINS = ("initial", "startup", "spinoff", "university_spinoff", "mne")
# Each quarter's demography, counted per region in ``model.step_counts`` and recorded under these
# names. Every firm placed after the set-up is counted once by its origin: ``entries`` are the
# entry mechanism's new firms (= startups + spinoffs + university_spinoffs), ``mne_entries`` the
# foreign affiliates hooks bring in. With ``exits`` and the moves between regions, per region:
# firms(t) - firms(t-1) = entries + mne_entries - exits + relocations_in - relocations_out.
STEP_COUNTS = (
    "entries",
    "exits",
    "insolvencies",  # exits forced by the lender (the rest are owners' closures)
    "unviable",  # would-be firms that expected no profit and stayed out
    "startups",
    "spinoffs",
    "university_spinoffs",
    "refused",
    "mne_entries",
    "relocations_in",
    "relocations_out",
)
# rows of ``model.volume``: knowledge received through each spillover channel, by region
SPILL_TIE, SPILL_PROXIMITY, SPILL_MOBILITY, SPILL_UNIVERSITY = range(4)
SPILL_CHANNELS = ("tie", "proximity", "mobility", "university")
# entries of ``model.tie_counts``: this quarter's joint projects, successes, betrayals, drops
PROJECTS, SUCCESSES, BETRAYALS, DROPPED = range(4)

FIRM_FLOAT = (
    "x",
    "y",
    "emp",
    "cash",
    "prod",
    "rd",
    "skill",
    "kstock",
    "absorb",
    "opportunism",
    "openness",
    "sales",
    "profit",
    "fit",
    "competence",
    "diversity",
    "expected_profit",  # adaptive expectation of quarterly profit after interest (exit decision)
    "loan",  # principal owed to the lender (a bank's start-up loan)
    "stake",  # book value of the VC's equity stake, 0 when none
    "credit_line",  # debt the lender tolerates, set each quarter by finance.settle
    "appeal",  # log demand shifter (customer base, brand), a stationary AR(1): market kernels
)
FIRM_INT = ("region", "age", "origin", "born", "inc", "rad")
# references, -1 for none: the firm's id and its parent's; the financier slots of its lender
# (the bank holding its loan and overdraft), of its investor (the VC holding a stake) and of its
# funder (the financier whose ticket founded it; -1 for initial firms and MNE affiliates)
FIRM_ID = ("uid", "parent", "lender", "investor", "funder")
FIRM_BOOL = ("alive", "is_mne", "member", "vc_backed")


class FirmArrays:
    """Per-slot firm state. ``kpos`` is (capacity, dims): the position in technology space."""

    def __init__(self, capacity: int, dims: int):
        self.dims = dims
        self.capacity = max(8, capacity)
        for name in FIRM_FLOAT:
            setattr(self, name, np.zeros(self.capacity))
        for name in FIRM_INT:
            setattr(self, name, np.zeros(self.capacity, dtype=np.int64))
        for name in FIRM_ID:
            setattr(self, name, np.full(self.capacity, -1, dtype=np.int64))
        for name in FIRM_BOOL:
            setattr(self, name, np.zeros(self.capacity, dtype=np.bool_))
        self.kpos = np.zeros((self.capacity, dims))
        # bumped whenever slots are taken or freed or firms move (model.relocate_firms): the
        # spatial index knows from it whether it is still current
        self.layout = 0
        self._live, self._live_layout = np.zeros(0, np.int64), -1  # ``live`` of that layout

    def _grow(self) -> None:
        old = self.capacity
        self.capacity = old * 2
        for name in FIRM_FLOAT + FIRM_INT + FIRM_ID + FIRM_BOOL:
            arr = getattr(self, name)
            fill = -1 if name in FIRM_ID else 0
            new = np.full(self.capacity, fill, dtype=arr.dtype)
            new[:old] = arr
            setattr(self, name, new)
        kpos = np.zeros((self.capacity, self.dims))
        kpos[:old] = self.kpos
        self.kpos = kpos

    def allocate(self, uid) -> np.ndarray:
        """Free slots for the firms ``uid`` (an id or an array of them), the lowest free slot
        first, so the slots a run uses are deterministic; the arrays double when too few are
        free. Ids are stable identities (``world.streams``): the initial firms are 0, 1, ...;
        newcomers get ids derived from what created them. Returns the slots."""
        uid = np.atleast_1d(np.asarray(uid, dtype=np.int64))
        slots = _lowest_free(self.alive, len(uid))
        while len(slots) < len(uid):
            self._grow()
            slots = _lowest_free(self.alive, len(uid))
        self.alive[slots] = True
        self.uid[slots] = uid
        self.layout += 1
        return slots

    def release(self, slots) -> None:
        """Free one slot or an array of them."""
        slots = np.asarray(slots, dtype=np.int64).reshape(-1)
        self.layout += 1
        _release(slots, self.alive, self.member, self.emp, self.sales, self.profit)

    @property
    def live(self) -> np.ndarray:
        """The live slots, ascending. Found once per ``layout``: a step reads them a dozen
        times, and at 10,000 firms each search of ``alive`` costs several microseconds. Only
        :meth:`allocate` and :meth:`release` change ``alive``; both bump ``layout``."""
        if self._live_layout != self.layout:
            self._live = self.alive.nonzero()[0]  # np.flatnonzero, less its wrapper's cost
            self._live_layout = self.layout
        return self._live


class Tallies(MutableMapping):
    """A quarter's tallies by region in one array (``array``), reset at once: the counts of
    ``STEP_COUNTS`` (rows in that order), then the deals and then the refusals by financier
    kind (``funded``, ``refused``: kinds x regions). ``tallies[name]`` is the view of a count's
    row, made when read, so a copied or unpickled model still counts into one array."""

    def __init__(self, n_regions: int):
        self.array = np.zeros((len(STEP_COUNTS) + 2 * len(FINANCIER_KINDS), n_regions), np.int64)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.array[COUNT_ROW[name]]

    def __setitem__(self, name: str, value) -> None:
        if name not in COUNT_ROW:
            raise KeyError(f"{name!r}: not a count; the counts are {', '.join(STEP_COUNTS)}")
        self.array[COUNT_ROW[name]] = value

    def __delitem__(self, name: str) -> None:
        raise TypeError("the counts are fixed: set a count to 0 instead")

    def __iter__(self):
        return iter(STEP_COUNTS)

    def __len__(self) -> int:
        return len(STEP_COUNTS)

    @property
    def funded(self) -> np.ndarray:
        return self.array[len(STEP_COUNTS) : len(STEP_COUNTS) + len(FINANCIER_KINDS)]

    @property
    def refused(self) -> np.ndarray:
        return self.array[len(STEP_COUNTS) + len(FINANCIER_KINDS) :]

    def recorded(self) -> np.ndarray:
        """The rows as the time series has them: the counts, then each financier kind's deals
        and refusals side by side (a copy)."""
        return self.array[_RECORDED_ROWS]


COUNT_ROW = {name: i for i, name in enumerate(STEP_COUNTS)}  # a count's row of Tallies.array
_RECORDED_ROWS = np.array(
    [*range(len(STEP_COUNTS))]
    + [
        len(STEP_COUNTS) + k + j * len(FINANCIER_KINDS)
        for k in range(len(FINANCIER_KINDS))
        for j in (0, 1)
    ]
)


class TieArrays:
    """Undirected ties as parallel edge arrays: ``a`` is a firm slot, ``b`` depends on ``kind``."""

    def __init__(self, capacity: int = 64):
        self.n = 0
        self.a = np.zeros(capacity, dtype=np.int64)
        self.b = np.zeros(capacity, dtype=np.int64)
        self.kind = np.zeros(capacity, dtype=np.int64)
        self.trust = np.zeros(capacity)
        self.age = np.zeros(capacity, dtype=np.int64)
        self.successes = np.zeros(capacity, dtype=np.int64)

    def add(self, a: np.ndarray, b: np.ndarray, kind, trust) -> None:
        """Append the ties ``a``-``b``; ``kind`` and ``trust``: one per tie, or one for all."""
        k = len(a)
        if k == 0:
            return
        need = self.n + k
        if need > len(self.a):
            cap = max(need, 2 * len(self.a))
            for name in ("a", "b", "kind", "trust", "age", "successes"):
                arr = getattr(self, name)
                new = np.zeros(cap, dtype=arr.dtype)
                new[: self.n] = arr[: self.n]
                setattr(self, name, new)
        sl = slice(self.n, need)
        self.a[sl], self.b[sl], self.kind[sl], self.trust[sl] = a, b, kind, trust
        self.age[sl] = 0
        self.successes[sl] = 0
        self.n = need

    def keep(self, mask: np.ndarray) -> None:
        """Compact the edge list to the ties where ``mask`` is true (order preserved)."""
        mask = np.asarray(mask, dtype=np.bool_)
        if len(mask) < self.n:
            raise ValueError(f"a mask of {len(mask)} ties for {self.n} ties: one entry per tie")
        self.n = _compact(
            mask,
            self.n,
            self.a,
            self.b,
            self.kind,
            self.trust,
            self.age,
            self.successes,
        )

    def keep_between_live(self, alive: np.ndarray) -> None:
        """Drop the ties of dead firms: a tie stays if its firm end(s) are alive."""
        self.n = _compact_live(
            alive, self.n, self.a, self.b, self.kind, self.trust, self.age, self.successes
        )

    def view(self, name: str) -> np.ndarray:
        return getattr(self, name)[: self.n]

    def pair_ids(self, uid: np.ndarray) -> np.ndarray:
        """Each tie's identity (:func:`tie_identity`), the ids its draws are keyed by."""
        return tie_ids(uid, self.view("a"), self.view("b"), self.view("kind"))


@njit(cache=True, inline="always")
def tie_identity(uid, a, b, kind):
    """The identity of the tie of kind ``kind`` from slot ``a`` to ``b``, whichever end formed
    it: its kind and the ids of its ends (firms by uid, universities and financiers by index)."""
    return pair_identity(kind, uid[a], uid[b] if kind == TIE_FIRM else b)


@njit(cache=True)
def tie_ids(uid, a, b, kind):
    """:func:`tie_identity` of every tie, as int64 words."""
    out = np.empty(a.shape[0], np.uint64)
    for e in range(a.shape[0]):
        out[e] = tie_identity(uid, a[e], b[e], kind[e])
    return out.view(np.int64)


class RegionArrays:
    """Per-region environment: labour market, rents, amenities, institutions, social capital."""

    def __init__(self, n: int):
        self.n = n
        self.cx = np.zeros(n)
        self.cy = np.zeros(n)
        self.x0 = np.zeros(n)
        self.x1 = np.zeros(n)
        self.y0 = np.zeros(n)
        self.y1 = np.zeros(n)
        self.pool = np.zeros(n)  # the industry's workers living in the region (world.regions)
        self.base_pool = np.zeros(n)  # the pool at set-up, the size of the place
        self.tight = np.zeros(n)  # employment over the pool of the region's commuting zone
        self.commute = None  # commuting weights between regions (n x n), None without commuting
        self.amenity = np.zeros(n)
        self.enforcement = np.zeros(n)
        self.bonding = np.zeros(n)
        self.bridging = np.zeros(n)
        self.search_radius = np.ones(n, dtype=np.int64)  # chance partner search, in grid cells
        self.skill = np.zeros(n)
        self.base_skill = np.zeros(n)  # skill without graduates, to which it decays back
        self.wage = np.zeros(n)
        self.rent = np.zeros(n)
        self.emp = np.zeros(n)
        self.emp_prev = np.zeros(n)
        # levers that policies move (1 = no policy)
        self.public_demand = np.zeros(n)  # extra demand bought inside the region
        self.search_factor = np.ones(n)  # awareness of cooperation (tie search rate)
        self.tie_cost_factor = np.ones(n)  # cost of forming a tie
        self.mobility_factor = np.ones(n)  # labour mobility between firms
        self.agglo = np.ones(n)
        self.complacency = np.zeros(n)
        self.critical_mass = 1.0  # S-curve mid-point (employees), set by world.regions.build


class UniversityArrays:
    def __init__(self, n: int, dims: int):
        self.n = n
        self.x = np.zeros(n)
        self.y = np.zeros(n)
        self.region = np.zeros(n, dtype=np.int64)
        self.kstock = np.zeros(n)
        self.kpos = np.zeros((n, dims))
        self.openness = np.zeros(n)
        self.home = np.zeros((n, dims))  # the academic agenda it returns to without industry
        self.core = np.zeros(n)  # public core funding per quarter
        self.industry = np.zeros(n)  # contract research from tied firms (smoothed)
        self.programme = np.zeros(n)  # policy programmes it delivers (smoothed)
        self.programme_now = np.zeros(n)  # programme money received this quarter


class FinancierArrays:
    def __init__(self, n: int):
        self.n = n
        self.kind = np.zeros(n, dtype=np.int64)
        self.region = np.zeros(n, dtype=np.int64)
        self.capital = np.zeros(n)  # equity (bank) or uninvested fund (VC, seed fund)
        self.target_capital = np.zeros(n)  # equity kept; income above it is paid out
        self.exposure = np.zeros(n)  # claims on firms: loans and overdrafts (bank), stakes (VC)
        self.losses = np.zeros(n)  # recent write-offs over target capital (smoothed)
        self.capacity = np.zeros(n)  # a seed fund's budget per quarter
        self.available = np.zeros(n)  # what it may still commit this quarter
        self.threshold = np.zeros(n)
        self.skill = np.zeros(n)
        self.deals = np.zeros(n)  # smoothed deals per quarter (deal flow)
        self.deals_now = np.zeros(n)
        self.active = np.ones(n, dtype=np.bool_)


def region_of(x: np.ndarray, y: np.ndarray, n_regions: int, size: float) -> np.ndarray:
    """Regions tile the square landscape as a near-square grid; the last cell takes the rest."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return locate_regions(x.ravel(), y.ravel(), n_regions, size).reshape(x.shape)


@njit(cache=True)
def locate_regions(x, y, n_regions, size):
    """:func:`region_of` of arrays, callable from kernels (entry's candidate generation)."""
    cols = int(np.ceil(np.sqrt(n_regions)))
    rows = int(np.ceil(n_regions / cols))
    out = np.empty(x.shape[0], np.int64)
    for i in range(x.shape[0]):
        c = min(int(x[i] / size * cols), cols - 1)
        r = min(int(y[i] / size * rows), rows - 1)
        out[i] = min(r * cols + c, n_regions - 1)
    return out


def region_bounds(n_regions: int, size: float) -> list[tuple[float, float, float, float]]:
    """(x0, x1, y0, y1) of each region's cell; the last region spans the grid's remainder."""
    cols = int(np.ceil(np.sqrt(n_regions)))
    rows = int(np.ceil(n_regions / cols))
    w, h = size / cols, size / rows
    out = []
    for r in range(n_regions):
        row, col = divmod(r, cols)
        x1 = size if r == n_regions - 1 else (col + 1) * w
        out.append((col * w, x1, row * h, (row + 1) * h))
    return out


@njit(cache=True)
def _release(slots, alive, member, emp, sales, profit):
    """:meth:`FirmArrays.release` in one pass: no longer alive or a member, no employment,
    sales or profit."""
    for s in slots:
        alive[s] = member[s] = False
        emp[s] = sales[s] = profit[s] = 0.0


@njit(cache=True)
def _lowest_free(alive, n):
    """The lowest ``n`` free slots (fewer if there are not as many): a scan that stops there,
    where the free slots a run reuses lie, not a pass over every slot."""
    out = np.empty(n, dtype=np.int64)
    k = 0
    for s in range(alive.shape[0]):
        if k == n:
            break
        if not alive[s]:
            out[k] = s
            k += 1
    return out[:k]


@njit(cache=True)
def _compact(mask, n, a, b, kind, trust, age, successes):
    """Moves the kept edges to the front, in order; returns how many were kept."""
    k = 0
    for e in range(n):
        if mask[e]:
            a[k], b[k], kind[k] = a[e], b[e], kind[e]
            trust[k], age[k], successes[k] = trust[e], age[e], successes[e]
            k += 1
    return k


@njit(cache=True)
def _compact_live(alive, n, a, b, kind, trust, age, successes):
    """:func:`_compact` of the ties whose firm end(s) are alive, in the same pass."""
    k = 0
    for e in range(n):
        if alive[a[e]] and (kind[e] != TIE_FIRM or alive[b[e]]):
            a[k], b[k], kind[k] = a[e], b[e], kind[e]
            trust[k], age[k], successes[k] = trust[e], age[e], successes[e]
            k += 1
    return k


@njit(cache=True)
def region_totals(alive, region, values, n_reg):
    """Each region's sum of ``values`` over its live slots, added in slot order (numpy's
    ``bincount`` of the live slots' regions weighted by their values)."""
    out = np.zeros(n_reg)
    for s in range(alive.shape[0]):
        if alive[s]:
            out[region[s]] += values[s]
    return out


@njit(cache=True)
def live_sum(alive, values):
    """The sum of ``values`` over the live slots as numpy's ``values[alive].sum()`` computes
    it, to the last bit, and how many slots are live."""
    live = np.empty(alive.shape[0])
    n = 0
    for s in range(alive.shape[0]):
        if alive[s]:
            live[n] = values[s]
            n += 1
    return pairwise_sum(live, 0, n), n


@njit(cache=True)
def live_mean(alive, values, empty):
    """The mean of ``values`` over the live slots as numpy's ``values[live].mean()`` computes
    it, to the last bit; ``empty`` without live slots."""
    total, n = live_sum(alive, values)
    return total / n if n > 0 else empty


@njit(cache=True)
def pairwise_sum(a, lo, n):
    """``a[lo : lo + n].sum()`` as numpy computes it, to the last bit: halves (cut at a multiple
    of eight) summed apart down to blocks of at most 128, each block in eight partial sums.
    Numpy recurses; a task stack here, as a cached recursive kernel does not link."""
    task_lo = np.empty(192, np.int64)
    task_n = np.empty(192, np.int64)  # -1: add the two values on top of the value stack
    values = np.empty(64)
    tasks, top = 1, 0
    task_lo[0], task_n[0] = lo, n
    while tasks > 0:
        tasks -= 1
        start, size = task_lo[tasks], task_n[tasks]
        if size < 0:
            top -= 1
            values[top - 1] += values[top]
        elif size <= 128:
            values[top] = _block_sum(a, start, size)
            top += 1
        else:
            half = size // 2
            half -= half % 8
            task_n[tasks] = -1
            task_lo[tasks + 1], task_n[tasks + 1] = start + half, size - half
            task_lo[tasks + 2], task_n[tasks + 2] = start, half
            tasks += 3
    return values[0]


@njit(cache=True)
def _block_sum(a, lo, n):
    """Numpy's sum of at most 128 elements: in order below eight, else eight partial sums
    (eight scalars rather than an array: it compiles several times faster)."""
    if n < 8:
        acc = 0.0
        for i in range(lo, lo + n):
            acc += a[i]
        return acc
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    for i in range(lo + 8, lo + n - n % 8, 8):
        r0, r1, r2, r3 = r0 + a[i], r1 + a[i + 1], r2 + a[i + 2], r3 + a[i + 3]
        r4, r5, r6, r7 = r4 + a[i + 4], r5 + a[i + 5], r6 + a[i + 6], r7 + a[i + 7]
    acc = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for k in range(lo + n - n % 8, lo + n):
        acc += a[k]
    return acc
    r = a[lo : lo + 8].copy()
    i = 8
    while i < n - n % 8:
        for j in range(8):
            r[j] += a[lo + i + j]
        i += 8
    res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    for k in range(i, n):
        res += a[lo + k]
    return res
