"""Short explanations the app shows: what the current stage means, and which rule drives what
the student sees right now. Each cites the Whitebook section (line numbers of the seed text).

Kept to one sentence each on purpose: the app is for watching, the worksheets in
``docs/teaching/`` are for reading.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Note:
    title: str
    text: str
    source: str


STAGES = {
    "agglomeration": Note(
        "Agglomeration",
        "Firms share a place but hardly work together yet.",
        "Whitebook 2.3 vi, L1127",
    ),
    "emerging": Note(
        "Emerging cluster",
        "Some firms start to cooperate around a core activity; ties and trust begin to grow.",
        "Whitebook 2.3 vi, L1131-1133",
    ),
    "developing": Note(
        "Developing cluster",
        "New firms in related activities arrive or are founded, and links spread among them.",
        "Whitebook 2.3 vi, L1136-1139",
    ),
    "mature": Note(
        "Mature cluster",
        "Critical mass is reached, with ties outside the region and steady start-ups and "
        "spin-offs.",
        "Whitebook 2.3 vi, L1143-1146",
    ),
    "transformation": Note(
        "Transformation",
        "Markets or technologies moved; the cluster survives only by moving its core activity.",
        "Whitebook 2.3 vi, L1150-1154",
    ),
    "decline": Note(
        "Stagnation and decline",
        "Firms exit faster than new ones come: success bred complacency, or a shock hit a "
        "locked-in cluster.",
        "Whitebook L75-76, 2.5 risks L1675-1719",
    ),
}

PHASES = {
    "latent": Note(
        "No initiative yet", "Firms cluster, but no one organises joint action.", "L2961-3050"
    ),
    "trust": Note(
        "Phase 1: building trust",
        "The initiative makes firms aware of mutual benefits and builds social capital.",
        "Whitebook 4.2.1, L3056-3103",
    ),
    "linkages": Note(
        "Phase 2: strategic linkages",
        "A competence audit maps who can do what; the initiative is formalised.",
        "Whitebook 4.2.2, L3104-3125",
    ),
    "strategy": Note(
        "Phase 3: strategy and vision",
        "Members agree on goals and record a baseline for evaluation.",
        "Whitebook 4.2.3, L3126-3136",
    ),
    "action": Note(
        "Phase 4: action",
        "Joint projects run; members stay only while the risk-return suits them.",
        "Whitebook 4.2.4, L3188-3200, L3348-3355",
    ),
    "stagnation": Note(
        "Stagnating initiative",
        "Members drift away; the strategy must be redefined, or the initiative splits or ends.",
        "Whitebook L3181-3187",
    ),
    "dissolved": Note(
        "Initiative dissolved",
        "Collaboration no longer paid, so the initiative decomposed.",
        "Whitebook L3183-3188",
    ),
}


def stage_note(stage: str | None) -> Note | None:
    return STAGES.get(str(stage).lower()) if stage is not None else None


def phase_note(phase: str | None) -> Note | None:
    """The note of an initiative phase (``initiative.PHASES``; none for "none")."""
    return PHASES.get(str(phase)) if phase is not None else None


RULES = {
    "shock": Note(
        "Technology shock",
        "Demand jumped in technology space; firms far from it lose sales and must move.",
        "Whitebook 2.5, L1675-1686; L1150-1154",
    ),
    "lock_in": Note(
        "Lock-in",
        "Firms that learned mostly from each other sit close together in technology space, "
        "with few outside ties, so few are near the new demand; renewal waits for newcomers.",
        "Whitebook 2.5, L1683-1686, L1703-1708; Menzel & Fornahl 2010",
    ),
    "exit": Note(
        "Exit after sustained losses",
        "Firms that lose money quarter after quarter close; their workers carry knowledge on.",
        "Whitebook L1585-1589",
    ),
    "spinoff": Note(
        "Spin-offs near their parents",
        "Spin-offs inherit part of their parent's knowledge and locate next to it.",
        "Whitebook L3752-3759 (Klepper 2007)",
    ),
    "critical_mass": Note(
        "Critical mass",
        "Past a threshold of regional employment, productivity gains from agglomeration rise "
        "steeply.",
        "Whitebook 2.3 v, L1067-1101",
    ),
    "complacency": Note(
        "Complacency and lock-in",
        "Success raises wages and rents and cuts radical exploration.",
        "Whitebook L1159-1160, L1675-1719",
    ),
    "trust": Note(
        "Trust through joint projects",
        "Successful projects raise trust on a tie; opportunism cuts it sharply.",
        "Whitebook L999-1002, L1895-1899",
    ),
    "entry": Note(
        "Start-ups follow the cluster",
        "New firms choose places with many firms (increasing returns) but avoid high costs.",
        "Whitebook L537-539, L1711-1718",
    ),
}


POLICIES = {
    "broker": Note(
        "Broker",
        "A facilitator raises awareness of cooperation, pays part of new ties and introduces "
        "firms across gaps in the network.",
        "Whitebook 3.4, L2098-2179",
    ),
    "demand_side": Note(
        "Demand-side policy",
        "Public buyers add demanding orders for the cluster's output.",
        "Whitebook 3.4, L2180-2231",
    ),
    "training": Note(
        "Training",
        "Courses raise workforce skill and, with it, what firms can learn from others.",
        "Whitebook 3.4, L2240-2290",
    ),
    "fdi": Note(
        "FDI attraction",
        "Incentives bring multinational anchors; local firms learn from them only if they can "
        "absorb it.",
        "Whitebook 3.4, L2300-2364; L7116-7194",
    ),
    "framework": Note(
        "Framework conditions",
        "Contract enforcement, competition and mobility rules improve; this costs no budget.",
        "Whitebook 3.4, L2365-2409",
    ),
    "incubator": Note(
        "Incubator",
        "Tenants fail less often and meet the university more, if they interact.",
        "Whitebook L2159-2195, L6369-6371",
    ),
    "rd_subsidy": Note(
        "R&D subsidy", "R&D becomes cheaper for the firms that qualify.", "Whitebook L1876-1881"
    ),
    "seed_finance": Note(
        "Public seed finance",
        "A public fund co-invests, so more start-ups get funded.",
        "Whitebook L4371-4403",
    ),
}

# External-tie share under which a shocked cluster counts as inward-looking (the traditional
# sector preset sits near 0.01, open sectors at 0.02-0.08 before a shock).
LOCK_IN_EXTERNAL_SHARE = 0.02


def rules_in_play(
    ts: pd.DataFrame, shock_steps, critical_mass: float, policies=(), k: int = 2
) -> list[Note]:
    """The ``k`` rules that most shape the focal region's last two years (``ts``: its rows).

    Each candidate gets a salience score from the recent indicators; a shock in the last two
    years always comes first, followed by lock-in when the cluster has few outside ties, then
    the first running policy instrument of ``policies``.
    """
    if len(ts) < 2:
        return [RULES["entry"]]
    now = int(ts["step"].iloc[-1])
    recent = ts.tail(8)
    firms = max(float(recent["firms"].mean()), 1.0)
    emp = float(ts["employment"].iloc[-1])
    shocked = any(now - 8 < s + 1 <= now for s in shock_steps)
    closed = float(recent["external_tie_share"].mean()) < LOCK_IN_EXTERNAL_SHARE
    scores = {
        "shock": 10.0 if shocked else 0.0,
        "lock_in": 9.0 if shocked and closed else 0.0,
        "exit": recent["exits"].sum() / firms * 4,
        "spinoff": recent["spinoffs"].sum() / firms * 12,
        "entry": recent["startups"].sum() / firms * 3,
        "critical_mass": 1.2 * np.exp(-(((emp - critical_mass) / (0.5 * critical_mass)) ** 2)),
        "complacency": 1.0 if emp > 1.5 * critical_mass else 0.0,
        "trust": float(np.nan_to_num(recent["trust_mean"].diff().abs().sum())) * 20,
    }
    notes = dict(RULES)
    for name in policies[:1]:
        scores[name], notes[name] = 8.0, POLICIES[name]
    ranked = sorted(scores, key=lambda key: -scores[key])
    return [notes[key] for key in ranked[:k] if scores[key] > 0] or [RULES["entry"]]
