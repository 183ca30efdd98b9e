"""The root of the config tree: one run, its sections and its output."""

from __future__ import annotations

import dataclasses
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

    dir: str = param(
        "results/run", "Folder the run writes into", source="run control: where files go"
    )
    snapshot_steps: list[int] = param(
        None,
        "Steps with firm and tie snapshots (-1 = last)",
        -1,
        100000,
        factory=lambda: [-1],
        source="run control: which steps are written as snapshots",
    )
    figures: bool = param(
        True, "Draw the run's figures", source="run control: whether figures are drawn"
    )
    write: bool = param(
        True,
        "Write files; off keeps results in memory only",
        source="run control: whether files are written",
    )
    timeseries: str = param(
        "full",
        "Columns each step records: full, all of them; core, all but the network statistics "
        "and the life-cycle observer's (a sweep whose outcomes read neither runs faster)",
        choices=("full", "core"),
        source="run control: what is measured, as NetLogo BehaviorSpace's reporters; the "
        "trajectory is the same",
    )


@dataclass
class Config:
    """One clustersim run: a scenario, a seed and a replication index."""

    seed: int = param(
        0,
        "Root seed; replications draw children of it",
        0,
        2**63 - 1,
        source=(
            "run control: the root of every random stream (world.streams); results are "
            "reported over replications, not one seed"
        ),
    )
    replication: int = param(
        0,
        "Replication index (child of the root seed)",
        0,
        10**6,
        source="run control: which child stream of the seed a run draws",
    )
    replications: int = param(
        4,
        "Replications the CLI runs per job",
        1,
        10**5,
        source="run control: how many replications the CLI runs per job",
    )
    years: int = param(
        40,
        "Simulated years (4 steps each)",
        1,
        1000,
        source=(
            "calibrated: 40 years spans a cluster's life cycle from emergence to maturity "
            "(L1102-1162; Styria's automotive cluster grew over decades, L7731-7733); "
            "pattern: P1 stage sequence in docs/validation.md"
        ),
    )
    n_firms: int = param(
        300,
        "Initial firms",
        1,
        10**7,
        source=(
            "calibrated: a regional industry of a few hundred firms, as in the cases (Styria "
            "~200 firms, L7731-7733; Tucson optics ~200, L6740-6746); pattern: scale "
            "consistency across 300 / 1,000 / 3,000 firms (docs/validation.md)"
        ),
    )
    engine: str = param(
        "numba",
        "Step engine",
        choices=("numba", "reference"),
        source=(
            "run control: two engines of the same rules that agree bit for bit "
            "(tests/test_engines.py)"
        ),
    )
    threads: int = param(
        1,
        "Threads of the numba kernels that work firm by firm (innovation, spillovers, the "
        "market's per-firm passes, the partner search's choices, the random draws, applying "
        "knowledge gains; numba prange), at most the machine's cores; any count gives the same "
        "results. The parallel kernels are about half of a step at 100,000 firms, so two "
        "threads gain about 1.2-1.4x (make bench)",
        1,
        256,
        source=(
            "run control: the parallel kernels keep each firm's arithmetic and every sum's "
            "order (tests/test_threads.py)"
        ),
    )
    scenario_name: str = param(
        "default",
        "Label of the scenario preset",
        source="run control: a label the scenario preset sets",
    )
    sector_name: str = param(
        "generic",
        "Label of the sector preset",
        source="run control: a label the sector preset sets",
    )
    circumstance_name: str = param(
        "none",
        "Label of the specific-circumstance preset",
        source="run control: a label the circumstance preset sets",
    )
    process_name: str = param(
        "none",
        "Label of the clustering-process (entry route) preset",
        source="run control: a label the process preset sets",
    )
    initial_mne_share: float = param(
        0.0,
        "Share of initial firms that are foreign MNEs",
        0,
        1,
        source=(
            "calibrated: 0, a domestic industry; presets raise it where the book describes "
            "foreign-led clusters (Chihuahua, L8262-8445; Catalonia, L7500-7553)"
        ),
    )
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

    def with_full_timeseries(self) -> Config:
        """This config recording every column: for readers of the stages or network statistics."""
        return dataclasses.replace(self, output=dataclasses.replace(self.output, timeseries="full"))
