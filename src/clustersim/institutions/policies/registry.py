"""The instruments by name."""

from __future__ import annotations

from clustersim.conf.instruments import INSTRUMENT_PARAMS
from clustersim.institutions.policies.broker import Broker
from clustersim.institutions.policies.demand_side import DemandSide
from clustersim.institutions.policies.fdi import FDI
from clustersim.institutions.policies.framework import Framework
from clustersim.institutions.policies.incubator import Incubator
from clustersim.institutions.policies.rd_subsidy import RDSubsidy
from clustersim.institutions.policies.seed_finance import SeedFinance
from clustersim.institutions.policies.training import Training

INSTRUMENTS = {
    cls.name: cls
    for cls in (Broker, DemandSide, Training, FDI, Framework, Incubator, RDSubsidy, SeedFinance)
}
assert {name: cls.Params for name, cls in INSTRUMENTS.items()} == INSTRUMENT_PARAMS and tuple(
    INSTRUMENTS
) == tuple(INSTRUMENT_PARAMS), "conf.instruments.INSTRUMENT_PARAMS and the registry differ"
