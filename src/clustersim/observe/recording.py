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
from collections.abc import Callable, MutableMapping
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from numba import njit

from clustersim.conf import ConfigError
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
_COLUMNS = (
    *("step", "year", "region", "is_focal"), *_FIRM_SUMS[:8], *_REGION_STATE, *_FIRM_SUMS[8:],
    *_TALLIES, *(f"spill_{c}" for c in SPILL_CHANNELS), *_NETWORK,
)  # fmt: skip


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


def _column(value, n_reg: int) -> np.ndarray:
    """A hook's column as its own array of one value per region (a scalar is repeated)."""
    if isinstance(value, np.ndarray) and value.shape == (n_reg,):
        return value.copy()
    return np.broadcast_to(np.asarray(value), (n_reg,)).copy()


class Recorder:
    """Collects one block of rows (one per region) each step; ``frame()`` makes the table."""

    def __init__(self, model):
        self.blocks: list[dict[str, np.ndarray]] = []
        self.snapshots: dict[int, Tables] = {}  # step -> firms and ties, built when read
        self.snapshot_steps = set(model.cfg.output.snapshot_steps)
        self.events = FirmEvents()  # births, exits, relocations (observe.events)
        self.record(model, initial=True)

    def record(self, model, initial: bool = False) -> None:
        f, reg, n_reg, t = model.firms, model.regions, model.regions.n, model.ties
        sums = region_sums(
            n_reg, f.live, f.region, f.emp, f.prod, f.sales, f.profit, f.cash, f.kstock, f.inc,
            f.rad, f.kpos, model.demand,
        )  # fmt: skip
        state = np.array([reg.skill, reg.wage, reg.rent, reg.pool, *model.volume])  # copies
        tallies = [model.step_counts[k] for k in STEP_COUNTS]
        tallies += [x for deals in zip(model.funded, model.refused, strict=True) for x in deals]
        tallies = np.zeros((len(tallies), n_reg)) if initial else np.array(tallies, float)
        start, nbr = model.engine.adjacency(model)
        net = _network_columns(
            model.engine.network_stats(model, start, nbr), f.region, t.n, t.a, t.kind
        )
        region = np.arange(n_reg)
        step = (
            np.full(n_reg, model.t),
            np.full(n_reg, model.t / 4.0),
            region,
            region == model.focal,
        )
        # one dict in the column order of docs/ODD.md §3.4, then the hooks' columns
        row = dict(
            zip(
                _COLUMNS,
                (*step, *sums[:8], *state[:4], *sums[8:], *tallies, *state[4:], *net),
                strict=True,
            )
        )
        for hook in getattr(model, "hooks", ()):
            for key, value in hook.columns(model).items():
                row[key] = _column(value, n_reg)
        self.blocks.append(row)
        self.events.record(model)
        last = model.cfg.steps
        if model.t in self.snapshot_steps or (-1 in self.snapshot_steps and model.t == last):
            self.snapshots[model.t] = state_tables(model)

    def frame(self, run_columns: dict | None = None) -> pd.DataFrame:
        df = pd.DataFrame({k: np.concatenate([b[k] for b in self.blocks]) for k in self.blocks[0]})
        for key, value in (run_columns or {}).items():
            df.insert(0, key, value)
        return df


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
