"""Tidy time series, snapshots, metadata and atomic writes.

One row per (step, region) with the columns listed in docs/ODD.md §3.4. Every write goes to a
temporary file in the target folder and is renamed into place, so a killed run leaves no half
file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from numba import njit

from clustersim.conf import ConfigError
from clustersim.observe.events import FirmEvents
from clustersim.observe.kernels import spread
from clustersim.world.state import (
    FINANCIER_KINDS,
    ORIGINS,
    SPILL_CHANNELS,
    STEP_COUNTS,
    TIE_FINANCIER,
    TIE_FIRM,
    TIE_UNIVERSITY,
)


@njit(cache=True)
def _region_sums(n_reg, live, region, emp, prod, sales, profit, cash, kstock, inc, rad):
    """Per region (rows) the sums the recorder writes, in one pass over the live slots in slot
    order, so every sum adds up as ``np.bincount`` does: firms, employment, output, sales,
    profit, cash, knowledge stock, incremental and radical innovations (columns 0..8)."""
    out = np.zeros((n_reg, 9))
    for s in live:
        r = region[s]
        out[r, 0] += 1.0
        out[r, 1] += emp[s]
        out[r, 2] += emp[s] * prod[s]
        out[r, 3] += sales[s]
        out[r, 4] += profit[s]
        out[r, 5] += cash[s]
        out[r, 6] += kstock[s]
        out[r, 7] += float(inc[s])
        out[r, 8] += float(rad[s])
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
        self.snapshots: dict[int, dict[str, pd.DataFrame]] = {}
        self.snapshot_steps = set(model.cfg.output.snapshot_steps)
        self.events = FirmEvents()  # births, exits, relocations (observe.events)
        self.record(model, initial=True)

    def record(self, model, initial: bool = False) -> None:
        f, reg, n_reg = model.firms, model.regions, model.regions.n
        live = f.live
        sums = _region_sums(
            n_reg, live, f.region, f.emp, f.prod, f.sales, f.profit, f.cash, f.kstock, f.inc, f.rad
        )
        firms, emp, output = sums[:, 0], sums[:, 1], sums[:, 2]  # views of a fresh array
        denom = np.maximum(emp, 1e-12)
        hetero, demand_dist = spread(n_reg, live, f.region, f.emp, f.kpos, model.demand)
        row: dict[str, np.ndarray] = {
            "step": np.full(n_reg, model.t),
            "year": np.full(n_reg, model.t / 4.0),
            "region": np.arange(n_reg),
            "is_focal": np.arange(n_reg) == model.focal,
            "firms": firms,
            "employment": emp,
            "output": output,
            "sales": sums[:, 3],
            "profit": sums[:, 4],
            "cash": sums[:, 5],
            "mean_productivity": output / denom,
            "knowledge_stock": sums[:, 6] / np.maximum(firms, 1),
            "skill": reg.skill.copy(),
            "wage": reg.wage.copy(),
            "rent": reg.rent.copy(),
            "labour_pool": reg.pool.copy(),
            "innovations_incremental": sums[:, 7],
            "innovations_radical": sums[:, 8],
            "knowledge_heterogeneity": hetero,
            "demand_distance": demand_dist,
        }
        for key in STEP_COUNTS:
            row[key] = (np.zeros(n_reg) if initial else model.step_counts[key]).astype(float)
        for k, name in enumerate(FINANCIER_KINDS):
            row[f"funded_{name}"] = (np.zeros(n_reg) if initial else model.funded[k]).astype(float)
            row[f"refused_{name}"] = (np.zeros(n_reg) if initial else model.refused[k]).astype(
                float
            )
        for c, name in enumerate(SPILL_CHANNELS):
            row[f"spill_{name}"] = model.volume[c].copy()
        row.update(self._network(model))
        for hook in getattr(model, "hooks", ()):
            for key, value in hook.columns(model).items():
                row[key] = _column(value, n_reg)
        self.blocks.append(row)
        self.events.record(model)
        last = model.cfg.steps
        if model.t in self.snapshot_steps or (-1 in self.snapshot_steps and model.t == last):
            self.snapshots[model.t] = {"firms": firm_table(model), "ties": tie_table(model)}

    @staticmethod
    def _network(model) -> dict[str, np.ndarray]:
        start, nbr = model.engine.adjacency(model)
        s = model.engine.network_stats(model, start, nbr)
        firms, internal, touching, external = s[:, 0], s[:, 1], s[:, 2], s[:, 3]
        pairs = firms * (firms - 1) / 2
        n_t = np.maximum(s[:, 7], 1)
        mean = s[:, 5] / n_t
        var = np.maximum(s[:, 6] / n_t - mean**2, 0.0)
        t = model.ties
        kinds = t.view("kind")
        return {
            "ties": touching,
            "internal_ties": internal,
            "tie_density": np.where(pairs > 0, internal / np.maximum(pairs, 1), 0.0),
            "clustering": np.where(firms > 0, s[:, 4] / np.maximum(firms, 1), 0.0),
            "external_tie_share": np.where(touching > 0, external / np.maximum(touching, 1), 0.0),
            "trust_mean": np.where(s[:, 7] > 0, mean, 0.0),  # 0 without ties: no NaN in outputs
            "trust_sd": np.where(s[:, 7] > 0, np.sqrt(var), 0.0),
            "university_ties": np.bincount(
                model.firms.region[t.view("a")[kinds == 1]], minlength=model.regions.n
            ).astype(float),
        }

    def frame(self, run_columns: dict | None = None) -> pd.DataFrame:
        df = pd.DataFrame({k: np.concatenate([b[k] for b in self.blocks]) for k in self.blocks[0]})
        for key, value in (run_columns or {}).items():
            df.insert(0, key, value)
        return df


def firm_table(model) -> pd.DataFrame:
    """One row per live firm: its state, its origin and its parent (spin-off genealogy)."""
    f = model.firms
    live = f.live
    cols = {"slot": live, "uid": f.uid[live], "parent": f.parent[live]}
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
    cols["origin"] = pd.Categorical([ORIGINS[o] for o in f.origin[live]], categories=ORIGINS)
    return pd.DataFrame(cols)


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
    t, f = model.ties, model.firms
    kind = t.view("kind")
    b = t.view("b")
    firm_b = kind == TIE_FIRM
    b_id = np.where(firm_b, f.uid[np.where(firm_b, b, 0)], b)
    return pd.DataFrame(
        {
            "a": f.uid[t.view("a")],
            "b": b_id,
            "kind": pd.Categorical(
                np.array(["firm", "university", "financier"])[kind],
                categories=["firm", "university", "financier"],
            ),
            "trust": t.view("trust").copy(),
            "age": t.view("age").copy(),
            "successes": t.view("successes").copy(),
            "a_region": f.region[t.view("a")],
            "b_region": partner_region(model),
        }
    )


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
