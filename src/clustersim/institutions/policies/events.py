"""Natural events with identities, so funded actions can be matched against a no-policy twin.

Deadweight is the share of funded actions that would have happened anyway (L5213-5215). A
simulation can look: the twin runs the same seeds without the policy, and this log records,
keyed by stable firm ids (``uid``), what happened in it: ties formed (by pair), firms born and
dead (a life table with region, origin and parent), innovations (firm and step) and skills at
each year's end. The policy run keeps the same log, which also gives cohort survival.
It reads state only and draws no random numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clustersim.conf import STEPS_PER_YEAR
from clustersim.world.state import TIE_FINANCIER, TIE_FIRM


def pair_key(a, b) -> tuple[int, int]:
    """Unordered pair of firm uids (a university is ``-(index + 1)``)."""
    return (int(a), int(b)) if a <= b else (int(b), int(a))


class EventLog:
    def __init__(self, model):
        f = model.firms
        live = f.live
        self.known = np.sort(f.uid[live])
        self.life = {
            int(f.uid[s]): [int(f.region[s]), int(f.origin[s]), int(f.parent[s]), 0, -1]
            for s in live
        }  # uid -> [region at birth, origin, parent uid, born step, died step]
        self.ties: dict[tuple[int, int], int] = {}  # pair -> first step formed
        self.innovations: list[tuple[np.ndarray, int]] = []
        self.skills: list[tuple[int, np.ndarray, np.ndarray]] = []

    def after_search(self, model) -> None:
        """Ties formed by this step's search (age 0 after the projects aged every old tie)."""
        t, f = model.ties, model.firms
        new = np.flatnonzero((t.view("age") == 0) & (t.view("kind") != TIE_FINANCIER))
        for e in new:
            a = f.uid[t.a[e]]
            b = f.uid[t.b[e]] if t.kind[e] == TIE_FIRM else -(int(t.b[e]) + 1)
            self.ties.setdefault(pair_key(a, b), model.t + 1)  # the quarter's label

    def after_step(self, model) -> None:
        f, step = model.firms, model.t
        live = f.live
        uids = f.uid[live]
        order = np.argsort(uids)
        uids, live = uids[order], live[order]
        born = ~np.isin(uids, self.known, assume_unique=True)
        for s, u in zip(live[born], uids[born], strict=True):
            self.life[int(u)] = [int(f.region[s]), int(f.origin[s]), int(f.parent[s]), step, -1]
        for u in np.setdiff1d(self.known, uids, assume_unique=True):
            self.life[int(u)][4] = step
        self.known = uids
        did = (f.inc[live] > 0) | (f.rad[live] > 0)
        self.innovations.append((uids[did], step))
        if step % STEPS_PER_YEAR == 0:
            self.skills.append((step, uids, f.skill[live].copy()))

    # ------------------------------------------------------------------ tables
    def life_table(self) -> pd.DataFrame:
        rows = [(u, *v) for u, v in self.life.items()]
        return pd.DataFrame(rows, columns=["uid", "region", "origin", "parent", "born", "died"])

    def tie_table(self) -> pd.DataFrame:
        rows = [(a, b, s) for (a, b), s in self.ties.items()]
        return pd.DataFrame(rows, columns=["a", "b", "step"])

    def innovation_table(self) -> pd.DataFrame:
        parts = [pd.DataFrame({"uid": u, "step": s}) for u, s in self.innovations if len(u)]
        return (
            pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"uid": [], "step": []})
        )

    def skill_table(self) -> pd.DataFrame:
        parts = [pd.DataFrame({"uid": u, "step": s, "skill": k}) for s, u, k in self.skills]
        return (
            pd.concat(parts, ignore_index=True)
            if parts
            else pd.DataFrame({"uid": [], "step": [], "skill": []})
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "life": self.life_table(),
            "ties": self.tie_table(),
            "innovations": self.innovation_table(),
            "skills": self.skill_table(),
        }
