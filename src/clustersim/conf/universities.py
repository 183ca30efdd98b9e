"""Config section of the universities and research institutes."""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.conf.params import param


@dataclass
class UniversityConfig:
    """Universities and research institutes (L941-951, L4247-4315)."""

    count: int = param(
        1,
        "Universities, placed in the focal region first, then round-robin",
        0,
        50,
        source=(
            "calibrated: one university in the focal region (L941-951; knowledge-based "
            "clusters, L1164-1275)"
        ),
    )
    knowledge: float = param(
        3.0,
        "Initial knowledge stock of a university",
        0,
        1e6,
        source=(
            "calibrated: a university starts at three times a median firm's knowledge (L941-951)"
        ),
    )
    growth: float = param(
        0.005,
        "Quarterly growth of a university's knowledge",
        0,
        1,
        source=(
            "calibrated: university knowledge grows 2 % a year, half the frontier's pace "
            "(knowledge.frontier_growth), so firms can outgrow it"
        ),
    )
    openness: float = param(
        0.5, "Openness to industry ('third mission')", 0, 1, source="L4247-4315"
    )
    graduates: float = param(
        0.02,
        "Skill gain of the regional labour pool per quarter at full openness",
        0,
        1,
        source="L941-951",
    )
    spinoff_rate: float = param(
        0.1, "University spin-off candidates per quarter", 0, 100, source="L4247-4315"
    )
