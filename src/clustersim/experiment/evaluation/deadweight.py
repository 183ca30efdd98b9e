"""Deadweight: the share of funded actions that also happened in the no-policy twin.

Funded actions are matched by stable firm ids (ties by pair, innovations and skills by firm,
entries by region, origin and parent) within a window of steps. Every action is matchable:
firm ids derive from what created the firm (``world.streams``), so a firm born after the
policy started is the same firm in the twin if its cause is there too; an action on a firm
that exists only in the policy run cannot have happened without the policy, so it counts as
additional.
"""

from __future__ import annotations

import numpy as np

from clustersim.experiment.evaluation.record import Record
from clustersim.world.state import ORIGIN_MNE

TIE_ACTIONS = ("introduction", "tie_subsidy")
ENTRY_ACTIONS = ("admission", "seed_deal")
KEYED_ACTIONS = TIE_ACTIONS + ENTRY_ACTIONS + ("rd", "training", "pool_training", "mne_grant")


def deadweight(p: Record, t: Record, window: int) -> tuple[float, int]:
    """Share of matchable keyed funded actions that also happened in the twin."""
    sp = p.spend[p.spend.action.isin(KEYED_ACTIONS)]
    if sp.empty:
        return np.nan, 0
    ev = t.events
    hits, total = 0, 0
    ties = ev["ties"]
    tie_steps = {}
    for a, b, s in ties.itertuples(index=False):
        tie_steps.setdefault((a, b), []).append(s)
    innov = ev["innovations"].groupby("uid")["step"].apply(np.asarray).to_dict()
    skills = ev["skills"].groupby("uid")
    skill_of = {u: (g.step.to_numpy(), g.skill.to_numpy()) for u, g in skills}
    life = ev["life"]
    births = life[life.born > 0]
    used: set[int] = set()
    twin_skill = t.ts.pivot_table(index="step", columns="region", values="skill")
    for row in sp.itertuples(index=False):
        step, a, b, x = row.step, int(row.a), int(row.b), row.x
        if row.action in TIE_ACTIONS:
            total += 1
            hits += any(abs(s - step) <= window for s in tie_steps.get((a, b), ()))
        elif row.action == "rd":
            total += 1
            steps = innov.get(a)
            hits += steps is not None and bool(np.any(np.abs(steps - step) <= window))
        elif row.action == "training":
            total += 1
            st, sk = skill_of.get(a, (np.zeros(0), np.zeros(0)))
            near = np.abs(st - step) <= window
            hits += bool(np.any(sk[near] >= x - 1e-12))
        elif row.action == "pool_training":
            total += 1
            s = twin_skill[a]
            near = s[(s.index >= step - window) & (s.index <= step + window)]
            hits += bool((near >= x - 1e-12).any())
        elif row.action in ENTRY_ACTIONS:
            total += 1
            m = births[
                (births.region == a)
                & (births.parent == b)
                & (births.origin == int(x))
                & ((births.born - step).abs() <= window)
                & ~births.uid.isin(used)
            ]
            if len(m):
                used.add(int(m.uid.iloc[0]))
                hits += 1
        elif row.action == "mne_grant":
            total += 1
            hits += bool(
                (
                    (births.origin == ORIGIN_MNE)
                    & (births.region == p.target)
                    & ((births.born - step).abs() <= window)
                ).any()
            )
    return (hits / total if total else np.nan), total
