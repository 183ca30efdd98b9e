"""Config section of the life-cycle observer (``clustersim.observe.lifecycle``)."""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.conf.params import param


@dataclass
class LifecycleConfig:
    """Focal-cluster indicators and the life-cycle stage classifier (docs/lifecycle.md).

    Stages follow the Whitebook (L1102-1162, failure path L75-76); size plus knowledge
    heterogeneity and growth relative to the industry follow Menzel & Fornahl (2010).
    """

    window: int = param(
        8,
        "Steps over which growth, entry/exit rates and core drift are measured",
        1,
        400,
        source=(
            "calibrated: two years of growth and turnover, long enough to smooth quarterly "
            "noise (Menzel & Fornahl 2010 stages)"
        ),
    )
    dwell: int = param(
        4,
        "Steps a new stage must persist before the classifier switches (hysteresis)",
        1,
        400,
        source=(
            "calibrated: a stage must last a year before the classifier switches; pattern: P1"
            " stage sequence (docs/validation.md)"
        ),
    )
    band: float = param(
        0.25,
        "Hysteresis band: once in a stage, its entry threshold is relaxed by this share",
        0,
        0.95,
        source=(
            "calibrated: a 25 % hysteresis band keeps the classifier from flickering at "
            "thresholds; pattern: P1 stage sequence"
        ),
    )
    core_radius: float = param(
        0.5,
        "Distance from the region's core (technology space) within which a firm is a core actor",
        0.001,
        100,
        source="core activity, L826-866",
    )
    emerging_linked: float = param(
        0.3,
        "Share of core actors tied to another core actor that marks an emerging cluster",
        0,
        1,
        source="L1131-1134",
    )
    developing_growth: float = param(
        0.03,
        "Annual growth of the firm count above the world industry's (new actors) that marks a "
        "developing cluster",
        0,
        5,
        source="L1136-1141; Menzel & Fornahl 2010",
    )
    mature_mass: float = param(
        1.0,
        "Employment over the critical mass (market.critical_mass x n_firms) that a mature "
        "cluster has reached",
        0,
        100,
        source="L1143-1144, L1067-1101",
    )
    mature_external: float = param(
        0.05,
        "Share of core actors' ties that leave the region in a mature cluster",
        0,
        1,
        source=(
            "L1144-1145; a priori: one tie in twenty leaves the region (P1 holds: 60 % of 30 "
            "runs in order, the same sequences as at 2 %; docs/lifecycle.md)"
        ),
    )
    mature_creation: float = param(
        0.02,
        "Annual new firms (start-ups, spin-offs) per firm in a mature cluster",
        0,
        10,
        source="L1145-1146",
    )
    decline_growth: float = param(
        0.03,
        "Annual employment shrinkage relative to the world industry that marks decline",
        0,
        5,
        source="L75-76, L1150-1161; Menzel & Fornahl 2010",
    )
    renewal_drift: float = param(
        0.08,
        "Annual drift of the cluster's core in technology space that marks transformation",
        0,
        100,
        source="L1150-1155; Menzel & Fornahl 2010",
    )
