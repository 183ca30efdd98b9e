"""Tidy time series, snapshots, metadata and atomic writes.

One row per (step, region) with the columns listed in docs/ODD.md §3.4. Every write goes to a
temporary file in the target folder and is renamed into place, so a killed run leaves no half
file.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable, Mapping, MutableMapping
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from numba import njit

from clustersim.conf import STEPS_PER_YEAR, ConfigError
from clustersim.observe.events import FirmEvents
from clustersim.observe.kernels import region_sums
from clustersim.world.state import (
    FINANCIER_KINDS,
    ORIGINS,
    SPILL_CHANNELS,
    STEP_COUNTS,
    TIE_FINANCIER,
    TIE_FIRM,
    TIE_KINDS,
    TIE_UNIVERSITY,
)

# the rows of ``kernels.region_sums``, of the regions' state and tallies and of ``_network_columns``
_FIRM_SUMS = (
    "firms",
    "employment",
    "output",
    "sales",
    "profit",
    "cash",
    "mean_productivity",
    "knowledge_stock",
    "innovations_incremental",
    "innovations_radical",
    "knowledge_heterogeneity",
    "demand_distance",
)
_NETWORK = (
    "ties",
    "internal_ties",
    "tie_density",
    "clustering",
    "external_tie_share",
    "trust_mean",
    "trust_sd",
    "university_ties",
)
_REGION_STATE = ("skill", "wage", "rent", "labour_pool")
_TALLIES = (
    *STEP_COUNTS,
    *(f"{kind}_{name}" for name in FINANCIER_KINDS for kind in ("funded", "refused")),
)

# a step's columns before the hooks', as docs/ODD.md §3.4 lists them
_SPILLS = tuple(f"spill_{c}" for c in SPILL_CHANNELS)
_COLUMNS = (
    *("step", "year", "region", "is_focal"), *_FIRM_SUMS[:8], *_REGION_STATE, *_FIRM_SUMS[8:],
    *_TALLIES, *_SPILLS, *_NETWORK,
)  # fmt: skip
_STEP_COLUMNS, _OWN = _COLUMNS[:4], frozenset(_COLUMNS)
# the first four follow from the step; the others, all floats, are the rows of ``Block.values``
_ROW = {name: i for i, name in enumerate(_COLUMNS[4:])}
# the columns of each ``output.timeseries``: core leaves out the network statistics
RECORDED = {"full": _COLUMNS, "core": tuple(c for c in _COLUMNS if c not in _NETWORK)}


def _rows(names) -> slice:
    return slice(_ROW[names[0]], _ROW[names[-1]] + 1)


_EARLY_SUMS, _LATE_SUMS = _rows(_FIRM_SUMS[:8]), _rows(_FIRM_SUMS[8:])
_STATE, _TALLY, _SPILL, _NET = (_rows(g) for g in (_REGION_STATE, _TALLIES, _SPILLS, _NETWORK))


@njit(cache=True)
def _network_columns(s, region, n_ties, a, kind):
    """The recorded network columns (rows, ``_NETWORK`` order) from the per-region sums of
    ``network_stats``; trust's mean and sd are 0 without ties, so no NaN reaches the outputs."""
    out = np.zeros((len(_NETWORK), s.shape[0]))
    for r in range(s.shape[0]):
        firms, internal, touching, external, n_t = s[r, 0], s[r, 1], s[r, 2], s[r, 3], s[r, 7]
        pairs = firms * (firms - 1) / 2
        mean = s[r, 5] / max(n_t, 1.0)
        out[0, r] = touching
        out[1, r] = internal
        out[2, r] = internal / max(pairs, 1.0) if pairs > 0 else 0.0
        out[3, r] = s[r, 4] / max(firms, 1.0) if firms > 0 else 0.0
        out[4, r] = external / max(touching, 1.0) if touching > 0 else 0.0
        out[5, r] = mean if n_t > 0 else 0.0
        out[6, r] = math.sqrt(max(s[r, 6] / max(n_t, 1.0) - mean * mean, 0.0)) if n_t > 0 else 0.0
    for e in range(n_ties):
        if kind[e] == TIE_UNIVERSITY:
            out[7, region[a[e]]] += 1.0
    return out


def _column(value, n_reg: int, fresh: bool = False) -> np.ndarray:
    """A hook's column as its own array of one value per region (a scalar is repeated);
    ``fresh``: an array of that shape is the hook's gift (``StepHook.fresh_columns``), kept."""
    if isinstance(value, np.ndarray) and value.shape == (n_reg,):
        return value if fresh else value.copy()
    return np.broadcast_to(np.asarray(value), (n_reg,)).copy()


class Block(Mapping):
    """One step's columns, one value per region, in the order of docs/ODD.md §3.4 and then
    the hooks': the step's own four made from its number when read, the other built-in ones
    the rows of one array (``values``, what a step writes), the hooks' in a dict. ``kind`` is
    the ``output.timeseries`` it was recorded with (:data:`RECORDED`)."""

    __slots__ = ("t", "focal", "values", "hooks", "kind")

    def __init__(
        self, t: int, focal: int, values: np.ndarray, hooks: dict[str, np.ndarray], kind="full"
    ):
        self.t, self.focal, self.values, self.hooks, self.kind = t, focal, values, hooks, kind

    def __getitem__(self, key: str) -> np.ndarray:
        row = _ROW.get(key)
        if row is not None:
            if self.kind == "core" and key in _NETWORK:
                raise KeyError(
                    f"{key!r}: a network statistic, not recorded with output.timeseries=core; "
                    "set output.timeseries=full to record it"
                )
            return self.values[row]
        if key in _STEP_COLUMNS:
            return _step_columns(np.array([self.t]), self.values.shape[1], self.focal)[key]
        return self.hooks[key]

    def __iter__(self):
        yield from RECORDED[self.kind]
        yield from self.hooks

    def __len__(self) -> int:
        return len(RECORDED[self.kind]) + len(self.hooks)


def _step_columns(steps: np.ndarray, n_reg: int, focal: int) -> dict[str, np.ndarray]:
    """The columns ``step``, ``year``, ``region`` and ``is_focal`` of the blocks of ``steps``."""
    region = np.tile(np.arange(n_reg), len(steps))
    return {
        "step": np.repeat(steps, n_reg),
        "year": np.repeat(steps / STEPS_PER_YEAR, n_reg),
        "region": region,
        "is_focal": region == focal,
    }


class Recorder:
    """Collects one :class:`Block` of rows (one per region) each step; ``frame()`` makes the
    table."""

    def __init__(self, model):
        self.kind = model.cfg.output.timeseries  # which columns (RECORDED)
        self.blocks: list[Block] = []
        self.snapshots: dict[int, Tables] = {}  # step -> firms and ties, built when read
        self.snapshot_steps = set(model.cfg.output.snapshot_steps)
        self.events = FirmEvents()  # births, exits, relocations (observe.events)
        self.record(model, initial=True)

    def record(self, model, initial: bool = False) -> None:
        f, reg, n_reg, t = model.firms, model.regions, model.regions.n, model.ties
        values = np.empty((len(_ROW), n_reg))
        sums = region_sums(
            n_reg, f.live, f.region, f.emp, f.prod, f.sales, f.profit, f.cash, f.kstock, f.inc,
            f.rad, f.kpos, model.demand,
        )  # fmt: skip
        values[_EARLY_SUMS], values[_LATE_SUMS] = sums[:8], sums[8:]
        for row, level in enumerate((reg.skill, reg.wage, reg.rent, reg.pool), _STATE.start):
            values[row] = level
        values[_TALLY] = 0.0 if initial else model.step_counts.recorded()
        values[_SPILL] = model.volume
        if self.kind == "full":
            start, nbr = model.engine.adjacency(model)
            values[_NET] = _network_columns(
                model.engine.network_stats(model, start, nbr), f.region, t.n, t.a, t.kind
            )
        else:
            values[_NET] = np.nan  # not measured: never read (Block, frame)
        hooks = {}
        for hook in getattr(model, "hooks", ()):
            fresh = getattr(hook, "fresh_columns", False)
            for key, value in hook.columns(model).items():
                hooks[key] = _column(value, n_reg, fresh)
        clash = _OWN & hooks.keys()
        if clash:
            raise ValueError(f"hook column {min(clash)!r}: the recorder's own; name it otherwise")
        self.blocks.append(Block(model.t, model.focal, values, hooks, self.kind))
        self.events.record(model)
        last = model.cfg.steps
        if model.t in self.snapshot_steps or (-1 in self.snapshot_steps and model.t == last):
            self.snapshots[model.t] = state_tables(model)

    def frame(self, run_columns: dict | None = None) -> pd.DataFrame:
        """The time series: one row per step and region, the columns of the blocks in order
        (a hook's column that appears later, such as the spending of a policy switched on in
        the app, is zero, or empty text, in the steps before it), then ``run_columns`` first."""
        blocks = self.blocks
        values = np.stack([b.values for b in blocks])  # steps x rows x regions
        cols = _step_columns(np.array([b.t for b in blocks]), values.shape[2], blocks[0].focal)
        kept = RECORDED[self.kind][4:]
        cols.update((name, values[:, _ROW[name]].reshape(-1)) for name in kept)
        hooks = {}  # each hook column where it first appears: its type and its place
        for b in blocks:
            if b.hooks.keys() != hooks.keys():
                for key, value in b.hooks.items():
                    hooks.setdefault(key, value)
        for key, first in hooks.items():
            blank = np.zeros_like(first)
            cols[key] = np.concatenate([b.hooks.get(key, blank) for b in blocks])
        # the run's columns first, the last given leftmost (as inserting each at 0 would put
        # them), each value broadcast over the rows by the one constructor
        first = dict(reversed(list((run_columns or {}).items())))
        return pd.DataFrame({**first, **cols})


class Tables(MutableMapping):
    """Named tables built on first access from the arrays a run kept: a pandas frame costs
    milliseconds, a run's several of them a tenth of a small run, and most of a sweep's
    reductions read only the time series. ``builders``: name -> a picklable call with no
    arguments (``functools.partial`` of a module function over arrays), so a result still
    crosses process boundaries; each is called once. A table set by hand replaces its
    builder's."""

    def __init__(self, builders: dict[str, Callable[[], object]]):
        self._builders, self._built = builders, {}

    def __getitem__(self, name: str):
        if name not in self._built:
            self._built[name] = self._builders[name]()
        return self._built[name]

    def __setitem__(self, name: str, table) -> None:
        self._builders.setdefault(name, None)
        self._built[name] = table

    def __delitem__(self, name: str) -> None:
        del self._builders[name]
        self._built.pop(name, None)

    def __iter__(self):
        return iter(self._builders)

    def __len__(self) -> int:
        return len(self._builders)


def state_tables(model) -> Tables:
    """The firms and ties as they are now (:func:`firm_table`, :func:`tie_table`), built when
    read."""
    return Tables(
        {
            "firms": partial(_frame, firm_columns(model), "origin", ORIGINS),
            "ties": partial(_frame, tie_columns(model), "kind", TIE_KINDS),
        }
    )


def _frame(columns: dict[str, np.ndarray], coded: str, names) -> pd.DataFrame:
    """A frame of ``columns``, the codes of column ``coded`` as a categorical of ``names``."""
    df = pd.DataFrame(columns)
    df[coded] = pd.Categorical.from_codes(columns[coded], categories=list(names))
    return df


def firm_table(model) -> pd.DataFrame:
    """One row per live firm: its state, its origin and its parent (spin-off genealogy)."""
    return _frame(firm_columns(model), "origin", ORIGINS)


def firm_columns(model) -> dict[str, np.ndarray]:
    """:func:`firm_table`'s columns, copies of the state (``origin`` as codes of ORIGINS)."""
    f = model.firms
    live = f.live
    cols = {"slot": live.copy(), "uid": f.uid[live], "parent": f.parent[live]}
    for name in (
        "region",
        "born",
        "x",
        "y",
        "emp",
        "cash",
        "sales",
        "profit",
        "prod",
        "kstock",
        "rd",
        "skill",
        "absorb",
        "age",
        "opportunism",
        "openness",
        "competence",
        "appeal",
        "is_mne",
        "member",
        "vc_backed",
    ):
        cols[name] = getattr(f, name)[live]
    for d in range(model.dims):
        cols[f"k{d}"] = f.kpos[live, d]
    cols["origin"] = f.origin[live]
    return cols


def partner_region(model) -> np.ndarray:
    """Per tie: the region of its second endpoint (a firm, a university or a financier)."""
    t = model.ties
    kind, b = t.view("kind"), t.view("b")
    out = np.full(len(b), -1, dtype=np.int64)
    for k, regions in (
        (TIE_FIRM, model.firms.region),
        (TIE_UNIVERSITY, model.universities.region),
        (TIE_FINANCIER, model.financiers.region),
    ):
        mine = kind == k
        out[mine] = regions[b[mine]]
    return out


def tie_table(model) -> pd.DataFrame:
    """Edge list with trust. ``b`` is a firm uid (kind firm), or a university/financier index."""
    return _frame(tie_columns(model), "kind", TIE_KINDS)


def tie_columns(model) -> dict[str, np.ndarray]:
    """:func:`tie_table`'s columns, copies of the state (``kind`` as codes of TIE_KINDS)."""
    t, f = model.ties, model.firms
    kind = t.view("kind")
    b = t.view("b")
    firm_b = kind == TIE_FIRM
    return {
        "a": f.uid[t.view("a")],
        "b": np.where(firm_b, f.uid[np.where(firm_b, b, 0)], b),
        "kind": kind.copy(),
        "trust": t.view("trust").copy(),
        "age": t.view("age").copy(),
        "successes": t.view("successes").copy(),
        "a_region": f.region[t.view("a")],
        "b_region": partner_region(model),
    }


def expected_cash_after(ledger: pd.DataFrame) -> pd.Series:
    """Cash the ledger's flows imply at each step's end: cash before, plus profits, minus
    interest and repayments paid to financiers, minus owners' payouts, minus tie costs, minus
    the cash of exiting firms, minus movers' relocation costs, plus entrants' finance and
    hooks' net transfers (opportunists' gains and victims' losses cancel)."""
    transfers = ledger["policy_transfers"] if "policy_transfers" in ledger else 0.0
    moving = ledger["relocation_costs"] if "relocation_costs" in ledger else 0.0
    payouts = ledger["payouts"] if "payouts" in ledger else 0.0
    return (
        ledger.cash_before
        + ledger.profit
        + ledger.financing
        + payouts
        - ledger.tie_costs
        - ledger.exit_cash
        - moving
        + ledger.entry_cash
        + transfers
    )


# ----------------------------------------------------------------------- atomic writes
def check_folder(path: str | Path, key: str = "folder") -> Path:
    """Refuse, before any work, a folder results cannot be written into: an existing file, a
    path under a file, or a place this process may not write in. Creates nothing."""
    path = Path(path)
    allowed = "allowed: a new folder, or an existing one this process can write in"
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{key}={str(path)!r}: an existing file; {allowed}")
    holder = path  # the nearest existing folder: it will hold the new ones
    while not holder.exists() and holder != holder.parent:
        holder = holder.parent
    if not holder.is_dir():
        raise ConfigError(f"{key}={str(path)!r}: {str(holder)!r} is a file; {allowed}")
    if not os.access(holder, os.W_OK | os.X_OK):
        raise ConfigError(f"{key}={str(path)!r}: {str(holder)!r} is not writable; {allowed}")
    return path


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_parquet(df: pd.DataFrame, path: Path) -> Path:
    return atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False))


def write_json(obj, path: Path) -> Path:
    def _w(tmp: Path) -> None:
        tmp.write_text(json.dumps(obj, indent=2, default=_json_default, sort_keys=True))

    return atomic_write(path, _w)


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)
