"""Typed, documented, validated configuration.

Every parameter is a dataclass field made with :func:`param`, which records its docstring, its
valid range (or allowed choices) and, where one exists, its source (a Whitebook line ``Lnnn`` or a
paper). One module per section (``world``, ``market``, ``knowledge``, ``ties``, ``demography``,
``location``, ``universities``, ``lifecycle``, ``initiative``, ``policy``, ``instruments``), the
root :class:`Config` in ``schema`` and the checks in ``validation``: :func:`validate` checks a whole
config before a run starts and raises one :class:`ConfigError` naming the key, the value and what
is allowed. The package imports nothing else of clustersim and no Hydra (the dataclasses are
registered in Hydra's ConfigStore by :mod:`clustersim.cli.run`), so that
``clustersim.experiment.run`` stays a pure call.
"""

from clustersim.conf.demography import EntryConfig, FinanceConfig
from clustersim.conf.initiative import InitiativeConfig
from clustersim.conf.instruments import POLICY_INSTRUMENTS
from clustersim.conf.knowledge import KnowledgeConfig
from clustersim.conf.lifecycle import LifecycleConfig
from clustersim.conf.location import LocationConfig, RelocationConfig
from clustersim.conf.market import MarketConfig
from clustersim.conf.params import STEPS_PER_YEAR, ConfigError, param
from clustersim.conf.policy import GovernmentConfig, PolicyConfig, ProgrammeConfig
from clustersim.conf.schema import Config, OutputConfig
from clustersim.conf.ties import TrustConfig
from clustersim.conf.universities import UniversityConfig
from clustersim.conf.validation import (
    check_value,
    coerce,
    config_digest,
    flatten,
    iter_params,
    make_config,
    make_params,
    to_dict,
    validate,
)
from clustersim.conf.world import FocalRegionConfig, MigrationConfig, ShockConfig, WorldConfig

__all__ = [
    "POLICY_INSTRUMENTS",
    "STEPS_PER_YEAR",
    "Config",
    "ConfigError",
    "EntryConfig",
    "FinanceConfig",
    "FocalRegionConfig",
    "GovernmentConfig",
    "InitiativeConfig",
    "KnowledgeConfig",
    "LifecycleConfig",
    "LocationConfig",
    "MarketConfig",
    "MigrationConfig",
    "OutputConfig",
    "PolicyConfig",
    "ProgrammeConfig",
    "RelocationConfig",
    "ShockConfig",
    "TrustConfig",
    "UniversityConfig",
    "WorldConfig",
    "check_value",
    "coerce",
    "flatten",
    "iter_params",
    "make_config",
    "make_params",
    "param",
    "config_digest",
    "to_dict",
    "validate",
]
