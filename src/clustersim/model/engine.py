"""The two step engines, assembled from the mechanisms.

Every sub-step of a quarter is implemented twice by the mechanism that owns it: as numba
kernels in ``<mechanism>/kernel.py`` (the default engine, ``engine=numba``) and as plain Python
over the Mesa agents in ``<mechanism>/reference.py`` (``engine=reference``, the oracle that
``tests/test_engines.py`` holds the kernels to). The model passes each sub-step its stream's key
for the quarter: the kernels draw each number where they use it, for the firms and ties that
need it, the reference rules draw whole blocks, and counter-based streams make them the same
numbers (``world.streams``), so with the same seed both follow the same trajectory.
"""

from __future__ import annotations

from types import ModuleType

from clustersim.mechanisms.demography import kernel as demography_kernel
from clustersim.mechanisms.demography import reference as demography_reference
from clustersim.mechanisms.innovation import kernel as innovation_kernel
from clustersim.mechanisms.innovation import reference as innovation_reference
from clustersim.mechanisms.market import kernel as market_kernel
from clustersim.mechanisms.market import reference as market_reference
from clustersim.mechanisms.spillovers import kernel as spillovers_kernel
from clustersim.mechanisms.spillovers import reference as spillovers_reference
from clustersim.mechanisms.ties import kernel as ties_kernel
from clustersim.mechanisms.ties import reference as ties_reference
from clustersim.observe.network import kernel as network_kernel
from clustersim.observe.network import reference as network_reference

# sub-step -> (numba module, reference module); each defines ``step_<sub-step>``. Step order.
SUBSTEPS: dict[str, tuple[ModuleType, ModuleType]] = {
    "market": (market_kernel, market_reference),
    "innovate": (innovation_kernel, innovation_reference),
    "projects": (ties_kernel, ties_reference),
    "spillovers": (spillovers_kernel, spillovers_reference),
    "apply_knowledge": (spillovers_kernel, spillovers_reference),
    "adjacency": (ties_kernel, ties_reference),
    "search": (ties_kernel, ties_reference),
    "spinoff_parents": (demography_kernel, demography_reference),
    "exits": (demography_kernel, demography_reference),
    "network_stats": (network_kernel, network_reference),
}
ENGINE_METHODS = tuple(SUBSTEPS)


class Engine:
    """One implementation of every sub-step: ``engine.market(model)``, ``engine.search(...)``."""

    name = ""
    side = 0  # 0: the numba kernels, 1: the reference rules

    def __init__(self) -> None:
        for method, modules in SUBSTEPS.items():
            setattr(self, method, getattr(modules[self.side], f"step_{method}"))


class NumbaEngine(Engine):
    name, side = "numba", 0


class ReferenceEngine(Engine):
    name, side = "reference", 1


ENGINES = {cls.name: cls for cls in (NumbaEngine, ReferenceEngine)}


def make_engine(name: str, threads: int = 1) -> Engine:
    """The engine ``name``; with ``threads`` > 1 the numba kernels that work firm by firm run
    in parallel on that many threads, at most numba's (the machine's cores)."""
    if threads > 1:
        import numba

        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    return ENGINES[name]()
