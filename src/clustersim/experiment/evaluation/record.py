"""What one run contributes to the evaluation: the interface between running and measuring."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Record:
    """One run's series, spend, programme windows and events (small, so worker processes
    return it fast)."""

    scenario: str
    replication: int
    twin: bool
    ts: pd.DataFrame
    spend: pd.DataFrame = field(default_factory=pd.DataFrame)
    windows: pd.DataFrame = field(default_factory=pd.DataFrame)
    events: dict = field(default_factory=dict)
    target: int = 0
