"""Firm-level event logs: every birth, exit and relocation of a run, one row per event.

A study of firm demography (entry by origin, survival, hazard by age or size, where spin-offs
land, who moves where) needs these rows, not quarterly snapshots. Events are stamped with the
time-series row that counts them (``step``), so per step and region they add up to the
``entries + mne_entries``, ``exits``, ``insolvencies`` and ``relocations_in/out`` columns.

* births: every firm the first time it is recorded (the initial firms at step 0): its origin,
  parent, region, size (``emp``, employees) and funding source (the kind of financier whose ticket
  founded it; ``own`` for initial firms and MNE affiliates, which bring their own capital);
* exits, with the reason the model decided it (``clustersim.mechanisms.demography``): ``debt``
  when the lender called in a debt beyond the credit line (insolvency), ``losses`` when the
  owner closed a firm worth less than leaving, ``removed`` when a hook took it out (an
  experiment's removal); a VC selling its stake is not an exit;
* relocations: the firm, its old and new region and its size (``emp``).

The log reads state only and draws no random numbers, so it changes no other output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numba import njit

from clustersim.world.state import FINANCIER_KINDS, ORIGINS

EXIT_REASONS = ("losses", "debt", "removed")
FUNDING = (*FINANCIER_KINDS, "own")
EVENT_TABLES = ("births", "exits", "relocations")


@njit(cache=True)
def _newcomers(live, uid, slot_uid):
    """The live slots whose firm was not there at the last record, ascending; each slot's
    ``slot_uid`` becomes the id it holds now. Ids are never reused, slots are."""
    new = np.empty(live.shape[0], np.int64)
    n = 0
    for s in live:
        if slot_uid[s] != uid[s]:
            slot_uid[s] = uid[s]
            new[n] = s
            n += 1
    return new[:n]


@njit(cache=True)
def _funding(funder, fin_kind, own):
    """The kind of financier whose ticket founded each firm, ``own`` for those without."""
    out = np.empty(funder.shape[0], np.int64)
    for i in range(funder.shape[0]):
        out[i] = fin_kind[funder[i]] if funder[i] >= 0 else own
    return out


def _stamp(n: int, step: int) -> np.ndarray:
    """``n`` rows of ``step`` (``np.full``'s result, without its wrapper's microseconds)."""
    out = np.empty(n, np.int64)
    out.fill(step)
    return out


def _categorical(codes, names) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=list(names))


class FirmEvents:
    """Collects the run's events; the model reports exits and moves as they happen, births are
    found at each record (a uid not seen before)."""

    def __init__(self):
        self.slot_uid = np.zeros(0, dtype=np.int64)  # the uid each slot held when last recorded
        self.rows: dict[str, list[dict[str, np.ndarray]]] = {k: [] for k in EVENT_TABLES}
        self.pending: dict[str, list[dict[str, np.ndarray]]] = {"exits": [], "relocations": []}

    def exited(self, model, slots: np.ndarray, reasons: np.ndarray) -> None:
        """Firms in ``slots`` leave for ``reasons`` (codes of :data:`EXIT_REASONS`); called
        before their slots are released."""
        f = model.firms
        self.pending["exits"].append(
            {  # indexing by slots takes copies
                "uid": f.uid[slots],
                "region": f.region[slots],
                "age": f.age[slots],
                "emp": f.emp[slots],
                "reason": np.asarray(reasons, dtype=np.int64),
            }
        )

    def moved(self, model, slots: np.ndarray, region: np.ndarray) -> None:
        """Log firms in ``slots`` moving to ``region`` (before their region changes)."""
        f = model.firms
        self.pending["relocations"].append(
            {
                "uid": f.uid[slots],
                "from_region": f.region[slots],
                "to_region": np.asarray(region),
                "emp": f.emp[slots],
            }
        )

    def record(self, model) -> None:
        """Stamp the pending exits and moves with this row's step; log the new firms."""
        step = model.t
        for name, parts in self.pending.items():
            for p in parts:
                self.rows[name].append({"step": _stamp(len(p["uid"]), step), **p})
            parts.clear()
        f = model.firms
        if len(self.slot_uid) < f.capacity:  # the arrays grew: new slots are unseen
            grown = np.full(f.capacity, -1, dtype=np.int64)
            grown[: len(self.slot_uid)] = self.slot_uid
            self.slot_uid = grown
        new = _newcomers(f.live, f.uid, self.slot_uid)
        if len(new):
            # not funded (initial firms, affiliates): their own capital
            kind = _funding(f.funder[new], model.financiers.kind, len(FUNDING) - 1)
            self.rows["births"].append(
                {  # an index array takes copies
                    "step": _stamp(len(new), step),
                    "uid": f.uid[new],
                    "born": f.born[new],
                    "origin": f.origin[new],
                    "parent": f.parent[new],
                    "region": f.region[new],
                    "emp": f.emp[new],
                    "funding": kind,
                }
            )

    def tables(self) -> dict[str, pd.DataFrame]:
        """births, exits and relocations as tidy frames (empty ones keep their columns)."""
        return event_frames(self.rows)

    def logged(self) -> dict[str, list[dict[str, np.ndarray]]]:
        """The rows logged so far, as they stand: later steps add to the log, not to these."""
        return {name: list(parts) for name, parts in self.rows.items()}


def event_frames(rows: dict[str, list[dict[str, np.ndarray]]]) -> dict[str, pd.DataFrame]:
    """:meth:`FirmEvents.tables` of the logged ``rows``."""
    columns = {
        "births": ("step", "uid", "born", "origin", "parent", "region", "emp", "funding"),
        "exits": ("step", "uid", "region", "age", "emp", "reason"),
        "relocations": ("step", "uid", "from_region", "to_region", "emp"),
    }
    out = {}
    for name, cols in columns.items():
        parts = rows[name]
        df = pd.DataFrame({c: np.concatenate([p[c] for p in parts]) if parts else [] for c in cols})
        for c in cols:
            if c != "emp":
                df[c] = df[c].astype(np.int64)
        out[name] = df
    out["births"]["origin"] = _categorical(out["births"].origin, ORIGINS)
    out["births"]["funding"] = _categorical(out["births"].funding, FUNDING)
    out["exits"]["reason"] = _categorical(out["exits"].reason, EXIT_REASONS)
    return out
