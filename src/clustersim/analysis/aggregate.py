"""Gather a sweep's finished jobs into one partitioned Parquet dataset keyed by run id.

The shape NetLogo BehaviorSpace users expect: one row per (run, step, region) with every parameter
as a ``param.<dotted key>`` column beside the outputs. On disk::

    <sweep>/dataset/run_id=<run id>/part-0.parquet   one partition per run (Hive layout)
    <sweep>/runs.parquet                             one row per run: job, replication, params

Any Parquet reader takes the folder (``pandas.read_parquet``, ``pyarrow.dataset``, DuckDB,
Polars, Spark). Aggregation is incremental: a run whose partition exists is not rewritten, so
re-aggregating a resumed sweep only adds the new runs; partitions of runs no longer in the sweep
are removed. A changed dataset is built beside the old one (``.dataset.new``, existing partitions
hard-linked) and swapped in by renaming, so a reader never sees half of one, and a killed
aggregation leaves the old dataset whole; the next one removes its leftovers first. One
aggregation at a time per sweep (the lock ``.aggregate.lock``).

Used by ``clustersim-aggregate <sweep dir>`` and, at the end of every multirun, by
:class:`clustersim.cli.sweep.SweepCallback`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

import pandas as pd

from clustersim.conf import flatten
from clustersim.observe.folders import file_lock
from clustersim.observe.recording import atomic_write, write_parquet

MARKER = "job_done.json"  # a sweep job's completion marker, written last (experiment/sweep.py)
DATASET = "dataset"
RUNS = "runs.parquet"
COMMON = "_common_metadata"  # the dataset's unified schema (readers skip "_" files)
NEW, OLD = ".dataset.new", ".dataset.old"  # a dataset being built, one being replaced
LOCK = ".aggregate.lock"


def job_dirs(sweep_dir: str | Path) -> list[Path]:
    """Finished job folders of a sweep (those holding a completion marker), in job order."""
    dirs = [p.parent for p in Path(sweep_dir).glob(f"*/{MARKER}")]
    return sorted(
        dirs, key=lambda p: (not p.name.isdigit(), int(p.name) if p.name.isdigit() else 0, p.name)
    )


def job_params(job: Path) -> dict:
    """``param.<key>`` -> value for every parameter of a job (lists as JSON text)."""
    params = flatten(json.loads((job / "config.json").read_text()))
    return {
        f"param.{k}": (json.dumps(v) if isinstance(v, list) else v)
        for k, v in params.items()
        if not k.startswith("output.") and k != "replication"
    }


def partition(sweep_dir: Path, run_id: str, dataset: str = DATASET) -> Path:
    return Path(sweep_dir) / dataset / f"run_id={run_id}" / "part-0.parquet"


def _schema(sweep_dir: Path, frames: list[pd.DataFrame], kept: list[Path]):
    """The union of the dataset's columns so far and those of ``frames``.

    Runs of different configs have different parameters (a broker's programme parameters exist
    only where the broker runs); readers that take the first file's schema would drop the
    others, so :func:`load` reads this union (``dataset/_common_metadata``) instead. Unified
    permissively: a column that is all null in one run and typed in another takes the type; int
    and float columns become float."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(sweep_dir) / DATASET / COMMON
    schemas = [pa.Schema.from_pandas(f, preserve_index=False).remove_metadata() for f in frames]
    if path.exists():
        schemas.insert(0, pq.read_schema(path))
    else:  # a dataset written before the union was kept
        schemas += [pq.read_schema(p).remove_metadata() for p in kept]
    return pa.unify_schemas(schemas, promote_options="permissive") if schemas else None


def _clean(sweep_dir: Path) -> None:
    """Remove what a killed aggregation left: temporary files, a half-built dataset, and put
    back the old dataset if it was killed between the two renames of the swap."""
    for tmp in [*sweep_dir.glob(f".{RUNS}.*.tmp"), *(sweep_dir / DATASET).rglob("*.tmp")]:
        tmp.unlink(missing_ok=True)
    shutil.rmtree(sweep_dir / NEW, ignore_errors=True)
    if (sweep_dir / OLD).exists():
        if (sweep_dir / DATASET).exists():
            shutil.rmtree(sweep_dir / OLD)
        else:
            os.rename(sweep_dir / OLD, sweep_dir / DATASET)


def _link(src: Path, dst: Path) -> None:
    """Put an existing partition into the new dataset without rewriting it."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:  # a file system without hard links
        shutil.copy2(src, dst)


def aggregate(sweep_dir: str | Path) -> pd.DataFrame:
    """Write the dataset and the runs table of ``sweep_dir``; return the runs table."""
    sweep_dir = Path(sweep_dir)
    if not job_dirs(sweep_dir):
        raise FileNotFoundError(f"{sweep_dir}: no finished jobs (no */{MARKER})")
    with file_lock(sweep_dir / LOCK):
        _clean(sweep_dir)
        return _aggregate(sweep_dir, job_dirs(sweep_dir))


def _aggregate(sweep_dir: Path, jobs: list[Path]) -> pd.DataFrame:
    import pyarrow.parquet as pq

    rows, written, keep = [], [], []
    for job in jobs:
        params = job_params(job)
        run_ids = json.loads((job / MARKER).read_text())["run_ids"]
        pending = [r for r in run_ids if not partition(sweep_dir, r).exists()]
        ts = pd.read_parquet(job / "timeseries.parquet") if pending else None
        for rid in run_ids:
            if rid in pending:
                part = ts[ts["run_id"] == rid].drop(columns="run_id").reset_index(drop=True)
                cols = pd.DataFrame({k: [v] * len(part) for k, v in params.items()})
                part = pd.concat([part, cols], axis=1).assign(job=job.name)
                write_parquet(part, partition(sweep_dir, rid, NEW))
                written.append(part.head(1))
            else:
                keep.append(rid)
            replication = int(rid.rsplit("-r", 1)[1])
            rows.append({"run_id": rid, "job": job.name, "replication": replication, **params})
    runs = pd.DataFrame(rows)
    dataset = sweep_dir / DATASET
    names = {f"run_id={r}" for r in runs["run_id"]}
    stale = [p for p in dataset.glob("run_id=*") if p.name not in names]
    if written or stale or not (dataset / COMMON).exists():
        for rid in keep:
            _link(partition(sweep_dir, rid), partition(sweep_dir, rid, NEW))
        schema = _schema(sweep_dir, written, [partition(sweep_dir, r) for r in keep])
        atomic_write(sweep_dir / NEW / COMMON, lambda tmp: pq.write_metadata(schema, tmp))
        if dataset.exists():
            os.rename(dataset, sweep_dir / OLD)
        os.rename(sweep_dir / NEW, dataset)
        shutil.rmtree(sweep_dir / OLD, ignore_errors=True)
    write_parquet(runs, sweep_dir / RUNS)
    return runs


def load(sweep_dir: str | Path, columns: list[str] | None = None, filters=None) -> pd.DataFrame:
    """The sweep's dataset as one DataFrame (``run_id`` as text), sorted by run, step, region.

    ``columns`` and pyarrow ``filters`` (e.g. ``[("param.seed", "==", 3)]``) read only part of
    it. Every column of every run is there (the union kept in ``_common_metadata``); a
    parameter a run does not have is null in its rows."""
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    folder = Path(sweep_dir) / DATASET
    common = folder / COMMON
    schema = None
    if common.exists():
        schema = pq.read_schema(common).append(pa.field("run_id", pa.string()))
    dataset = ds.dataset(folder, format="parquet", partitioning="hive", schema=schema)
    if columns is not None and "run_id" not in columns:
        columns = [*columns, "run_id"]
    expr = pq.filters_to_expression(filters) if filters else None
    table = dataset.to_table(columns=columns, filter=expr).to_pandas()
    table["run_id"] = table["run_id"].astype(str)
    keys = [k for k in ("run_id", "step", "region") if k in table.columns]
    return table.sort_values(keys).reset_index(drop=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="clustersim-aggregate", description=__doc__)
    parser.add_argument("sweep_dir", help="a multirun folder, e.g. results/multirun/<name>")
    args = parser.parse_args(argv)
    try:
        runs = aggregate(args.sweep_dir)
    except FileNotFoundError as err:
        print(f"clustersim-aggregate: {err}", file=sys.stderr)
        sys.exit(2)
    print(
        f"{len(runs)} runs from {runs['job'].nunique()} jobs -> "
        f"{Path(args.sweep_dir) / DATASET}/ and {Path(args.sweep_dir) / RUNS}"
    )
