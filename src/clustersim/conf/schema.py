"""The root of the config tree: one run, its sections and its output."""

from __future__ import annotations

from dataclasses import dataclass, field

from clustersim.conf.demography import EntryConfig, FinanceConfig
from clustersim.conf.initiative import InitiativeConfig
from clustersim.conf.knowledge import KnowledgeConfig
from clustersim.conf.lifecycle import LifecycleConfig
from clustersim.conf.location import LocationConfig, RelocationConfig
from clustersim.conf.market import MarketConfig
from clustersim.conf.params import STEPS_PER_YEAR, param
from clustersim.conf.policy import PolicyConfig
from clustersim.conf.ties import TrustConfig
from clustersim.conf.universities import UniversityConfig
from clustersim.conf.world import ShockConfig, WorldConfig


@dataclass
class OutputConfig:
    """Where and what a run writes."""

    dir: str = param("results/run", "Folder the run writes into")
    snapshot_steps: list[int] = param(
        None, "Steps with firm and tie snapshots (-1 = last)", -1, 100000, factory=lambda: [-1]
    )
    figures: bool = param(True, "Draw the run's figures")
    write: bool = param(True, "Write files; off keeps results in memory only")


@dataclass
class Config:
    """One clustersim run: a scenario, a seed and a replication index."""

    seed: int = param(0, "Root seed; replications draw children of it", 0, 2**63 - 1)
    replication: int = param(0, "Replication index (child of the root seed)", 0, 10**6)
    replications: int = param(4, "Replications the CLI runs per job", 1, 10**5)
    years: int = param(40, "Simulated years (4 steps each)", 1, 1000)
    n_firms: int = param(300, "Initial firms", 1, 10**7)
    engine: str = param("numba", "Step engine", choices=("numba", "reference"))
    scenario_name: str = param("default", "Label of the scenario preset")
    sector_name: str = param("generic", "Label of the sector preset")
    circumstance_name: str = param("none", "Label of the specific-circumstance preset")
    process_name: str = param("none", "Label of the clustering-process (entry route) preset")
    initial_mne_share: float = param(0.0, "Share of initial firms that are foreign MNEs", 0, 1)
    world: WorldConfig = field(default_factory=WorldConfig)
    market: MarketConfig = field(default_factory=MarketConfig)
    knowledge: KnowledgeConfig = field(default_factory=KnowledgeConfig)
    trust: TrustConfig = field(default_factory=TrustConfig)
    entry: EntryConfig = field(default_factory=EntryConfig)
    finance: FinanceConfig = field(default_factory=FinanceConfig)
    location: LocationConfig = field(default_factory=LocationConfig)
    relocation: RelocationConfig = field(default_factory=RelocationConfig)
    universities: UniversityConfig = field(default_factory=UniversityConfig)
    shocks: ShockConfig = field(default_factory=ShockConfig)
    lifecycle: LifecycleConfig = field(default_factory=LifecycleConfig)
    initiative: InitiativeConfig = field(default_factory=InitiativeConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    output: OutputConfig = field(default_factory=OutputConfig)

    @property
    def steps(self) -> int:
        return self.years * STEPS_PER_YEAR
