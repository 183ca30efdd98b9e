"""Sweeps: launchers agree, a killed sweep resumes to the same result, the dataset's shape."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from clustersim import make_config, run
from clustersim.analysis.aggregate import DATASET, MARKER, RUNS, aggregate, load
from clustersim.cli.sweep import count_jobs
from clustersim.experiment.sweep import config_hash, is_done, run_job

CLI = [sys.executable, "-m", "clustersim"]
TINY = ["years=2", "n_firms=40", "replications=2", "output.figures=false"]


def _sweep(args, sweep_dir, cwd, **kw):
    return subprocess.run(
        CLI + ["-m", *args, f"hydra.sweep.dir={sweep_dir}"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        **kw,
    )


def test_basic_and_joblib_launchers_give_identical_datasets(tmp_path):
    grid = ["seed=0,1", "market.selection=2.0,4.0", *TINY]
    basic = _sweep(grid, tmp_path / "basic", tmp_path)
    assert basic.returncode == 0, basic.stderr
    par = _sweep(
        [*grid, "hydra/launcher=joblib", "hydra.launcher.n_jobs=2"], tmp_path / "par", tmp_path
    )
    assert par.returncode == 0, par.stderr
    a, b = load(tmp_path / "basic"), load(tmp_path / "par")
    assert len(a) == 4 * 2 * 9 * 4  # jobs x replications x steps x regions
    assert a["run_id"].nunique() == 8
    pd.testing.assert_frame_equal(a, b)
    # every parameter is a column, the varied ones take their swept values
    assert set(a["param.market.selection"]) == {2.0, 4.0}
    assert {"param.world.n_regions", "param.entry.spinoffs", "job"} <= set(a.columns)
    # the progress bar counted every job
    assert "4/4" in basic.stderr
    # rows equal the same run made in-process
    cfg = make_config(seed=1, years=2, n_firms=40, replication=1, **{"market.selection": 4.0})
    direct = run(cfg).timeseries
    rows = a[a["run_id"] == direct["run_id"].iloc[0]][direct.columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(rows, direct, check_dtype=False)
    runs = pd.read_parquet(tmp_path / "basic" / RUNS)
    assert len(runs) == 8 and set(runs["replication"]) == {0, 1}


def test_killed_sweep_resumes_to_the_uninterrupted_result(tmp_path):
    grid = ["seed=range(0,6)", "years=8", "n_firms=100", "replications=1"]
    sweep = tmp_path / "killed"
    proc = subprocess.Popen(
        CLI + ["-m", *grid, f"hydra.sweep.dir={sweep}"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 240
    while len(list(sweep.glob(f"*/{MARKER}"))) < 2 and time.time() < deadline:
        assert proc.poll() is None, "the sweep ended before it could be killed"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = sorted(p.parent.name for p in sweep.glob(f"*/{MARKER}"))
    assert 2 <= len(done) < 6, done
    # whatever the kill interrupted, every Parquet file present is whole
    for f in sweep.rglob("*.parquet"):
        pd.read_parquet(f)
    assert not (sweep / DATASET).exists()  # aggregation never started

    resumed = _sweep(grid, sweep, tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    skipped = sorted(
        line.split(str(sweep) + "/")[1].split(" ")[0]
        for line in resumed.stdout.splitlines()
        if line.endswith("skipped")
    )
    assert skipped == done
    assert not list(sweep.rglob("*.tmp"))

    # the reference: the same sweep, uninterrupted (figures off: they are not in the dataset)
    whole = _sweep([*grid, "output.figures=false"], tmp_path / "w", tmp_path)
    assert whole.returncode == 0, whole.stderr
    pd.testing.assert_frame_equal(load(sweep), load(tmp_path / "w"))
    for job in range(6):
        a = pd.read_parquet(sweep / str(job) / "timeseries.parquet")
        b = pd.read_parquet(tmp_path / "w" / str(job) / "timeseries.parquet")
        pd.testing.assert_frame_equal(a, b)


def test_run_job_skips_finished_and_redoes_changed_or_unfinished(tmp_path):
    cfg = make_config(n_firms=30, years=1, replications=1, **{"output.figures": False})
    assert run_job(cfg, tmp_path) is True
    marker = json.loads((tmp_path / MARKER).read_text())
    assert marker["config_hash"] == config_hash(cfg) and len(marker["run_ids"]) == 1
    assert run_job(cfg, tmp_path) is False  # finished: skipped
    other = make_config(n_firms=30, years=1, replications=1, seed=5, **{"output.figures": False})
    assert not is_done(tmp_path, other)
    assert run_job(other, tmp_path) is True  # same folder, another config: redone
    # an unfinished attempt: no marker, a stray temporary file and an extra replication folder
    (tmp_path / MARKER).unlink()
    (tmp_path / ".timeseries.parquet.x.tmp").write_text("half")
    (tmp_path / "replications" / "rep_009").mkdir()
    assert run_job(other, tmp_path) is True
    assert not list(tmp_path.rglob("*.tmp"))
    assert sorted(p.name for p in (tmp_path / "replications").iterdir()) == ["rep_000"]


def test_aggregate_is_incremental_and_drops_runs_gone_from_the_sweep(tmp_path):
    for job, seed in (("0", 0), ("1", 1)):
        cfg = make_config(
            n_firms=30, years=1, replications=2, seed=seed, **{"output.figures": False}
        )
        run_job(cfg, tmp_path / job)
    runs = aggregate(tmp_path)
    assert len(runs) == 4 and list(runs["job"]) == ["0", "0", "1", "1"]
    part = next((tmp_path / DATASET).glob("run_id=*/part-0.parquet"))
    mtime = part.stat().st_mtime_ns
    aggregate(tmp_path)
    assert part.stat().st_mtime_ns == mtime  # existing partitions are not rewritten
    (tmp_path / "1" / MARKER).unlink()  # job 1 no longer counts as finished
    runs = aggregate(tmp_path)
    assert len(runs) == 2 and load(tmp_path)["run_id"].nunique() == 2
    seeds = load(tmp_path, columns=["param.seed"], filters=[("param.seed", "==", 0)])
    assert set(seeds["param.seed"]) == {0} and seeds["run_id"].nunique() == 2


def test_aggregate_refuses_an_empty_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no finished jobs"):
        aggregate(tmp_path)


def test_job_count_follows_the_sweep_overrides():
    from omegaconf import OmegaConf

    cfg = OmegaConf.create(
        {
            "hydra": {
                "sweeper": {"params": {"market.selection": "1,2,3"}},
                "overrides": {"task": ["seed=range(0,4)", "years=2"]},
            }
        }
    )
    assert count_jobs(cfg) == 12


def test_dataset_keeps_parameters_that_only_some_runs_have(tmp_path):
    # job 0 has no policy; job 1 runs the broker, whose programme parameters job 0 lacks
    from clustersim.cli.study import compose

    common = ["years=6", "n_firms=30", "replications=1", "output.figures=false"]
    run_job(compose(["policy=none", *common]), tmp_path / "0")
    run_job(compose(["policy=broker", *common]), tmp_path / "1")
    aggregate(tmp_path)
    table = load(tmp_path)
    col = "param.policy.programmes.broker.params.targeting"
    assert col in table.columns
    by_job = table.groupby("job")[col].first()
    assert pd.isna(by_job["0"]) and by_job["1"] == "missing_links"
    only = load(tmp_path, columns=[col], filters=[("param.policy.name", "==", "broker")])
    assert set(only[col]) == {"missing_links"}
