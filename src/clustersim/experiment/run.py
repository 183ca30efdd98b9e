"""The one pure core call: ``run(config) -> RunResult``. No Hydra inside.

The CLI, sweeps, experiments, the teaching app and the tests all go through it.
"""

from __future__ import annotations

import platform
import subprocess
import time
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

import numpy as np
import pandas as pd

from clustersim.conf import Config, coerce, config_digest, to_dict
from clustersim.observe.events import event_frames
from clustersim.observe.recording import Tables, state_tables, write_json, write_parquet

__version__ = "0.1.0"


def run_id(cfg: Config) -> str:
    """Stable id of a (scenario, seed, replication): a hash of every parameter but the output."""
    return f"{config_digest(cfg, ignore=('output', 'replications'))[:12]}-r{cfg.replication}"


@cache
def git_revision() -> str:
    """The package's git revision, asked once a process (a sweep's runs would each start git)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).parent,
            timeout=5,
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


class _Table:
    """A table of ``RunResult.tables``, read and replaced as an attribute of the result."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, result, owner=None):
        return self if result is None else result.tables[self.name]

    def __set__(self, result, value) -> None:
        result.tables[self.name] = value


@dataclass
class RunResult:
    """A finished run: tidy time series, final state, snapshots, metadata and the event logs
    (``events``: births, exits, relocations, the policy actions paid, the universities;
    :mod:`clustersim.observe.events`).

    ``firms``, ``ties``, ``ledger`` and ``events`` are built when first read from the arrays
    the run kept (``tables``, :class:`~clustersim.observe.recording.Tables`): a sweep whose
    reduction reads the time series alone does not pay for frames it throws away."""

    config: Config
    timeseries: pd.DataFrame
    tables: MutableMapping = field(default_factory=dict, repr=False)
    snapshots: dict[int, Mapping[str, pd.DataFrame]] = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    model: object | None = field(default=None, repr=False)

    firms = _Table()  # one row per firm alive at the end (recording.firm_table)
    ties = _Table()  # the ties at the end (recording.tie_table)
    ledger = _Table()  # per-step cash flows (recording.expected_cash_after checks them)
    events = _Table()  # the event logs by name (event_tables)

    @property
    def run_id(self) -> str:
        return self.metadata["run_id"]

    def write(self, folder: str | Path | None = None) -> Path:
        """Write the time series, snapshots, event logs, config and metadata atomically under
        ``folder``."""
        out = Path(folder or self.config.output.dir)
        write_parquet(self.timeseries, out / "timeseries.parquet")
        for step, tables in self.snapshots.items():
            for name, df in tables.items():
                write_parquet(df, out / "snapshots" / f"{name}_step{step:05d}.parquet")
        for name, df in self.events.items():
            write_parquet(df, out / "events" / f"{name}.parquet")
        write_json(to_dict(self.config), out / "config.json")
        write_json(self.metadata, out / "metadata.json")
        return out


def event_tables(model) -> dict[str, pd.DataFrame]:
    """The run's firm events, the policy actions paid (one row per payment: ``a`` is the firm
    for actions on a firm; see ``institutions.policies.government``) and the universities:
    where they are and, at the end, their openness, budget shares and how far their research
    agenda has moved from its academic home (``mechanisms.universities``)."""
    return _event_frames(*_event_rows(model))


def _event_rows(model) -> tuple:
    """What :func:`event_tables` reads of the model: the firm events' log, the payments and
    copies of the universities' state."""
    mix = getattr(model, "policy", None)
    uni = model.universities
    budget = uni.core + uni.industry + uni.programme
    universities = {
        "university": np.arange(len(uni.region)),
        "region": uni.region.copy(),
        "x": uni.x.copy(),
        "y": uni.y.copy(),
        "openness": uni.openness.copy(),
        "industry_share": uni.industry / budget,
        "programme_share": uni.programme / budget,
        "agenda_moved": np.linalg.norm(uni.kpos - uni.home, axis=1),
    }
    payments = mix.spend_rows() if mix is not None else []
    return model.recorder.events.logged(), payments, universities


def _event_frames(events: dict, payments: list, universities: dict) -> dict[str, pd.DataFrame]:
    from clustersim.institutions.policies.government import RECORD_FIELDS

    return {
        **event_frames(events),
        "policy_actions": pd.DataFrame(payments, columns=list(RECORD_FIELDS)),
        "universities": pd.DataFrame(universities),
    }


def run(config: Config | dict | None = None, *, keep_model: bool = False) -> RunResult:
    """Simulate one replication of a scenario and return its results (nothing is written)."""
    from clustersim.model.model import ClusterModel

    cfg = coerce(config if config is not None else Config())
    t0 = time.perf_counter()
    model = ClusterModel(cfg, collect=False)  # the array recorder is this call's output
    model.run()
    rid = run_id(cfg)
    ts = model.recorder.frame(
        {
            "scenario": cfg.scenario_name,
            "sector": cfg.sector_name,
            "replication": cfg.replication,
            "seed": cfg.seed,
            "run_id": rid,
        }
    )
    wall = time.perf_counter() - t0
    meta = {
        "run_id": rid,
        "seed": cfg.seed,
        "replication": cfg.replication,
        "seed_sequence": {"entropy": cfg.seed, "spawn_key": [cfg.replication]},
        "package_version": __version__,
        "git_revision": git_revision(),
        "python": platform.python_version(),
        "engine": cfg.engine,
        "steps": cfg.steps,
        "wall_time_s": round(wall, 3),
        "firm_steps_per_s": round(float(ts["firms"].to_numpy().sum()) / wall, 1),
    }
    final = state_tables(model)
    tables = Tables(
        {
            "firms": partial(final.__getitem__, "firms"),
            "ties": partial(final.__getitem__, "ties"),
            "ledger": partial(pd.DataFrame, list(model.ledger)),
            "events": partial(_event_frames, *_event_rows(model)),
        }
    )
    return RunResult(
        config=cfg,
        timeseries=ts,
        tables=tables,
        snapshots=model.recorder.snapshots,
        metadata=meta,
        model=model if keep_model else None,
    )
