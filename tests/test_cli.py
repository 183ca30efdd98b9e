"""The Hydra CLI through a subprocess: a run, a bad value, a parallel multirun."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd

CLI = [sys.executable, "-m", "clustersim"]


def _run(args, cwd):
    return subprocess.run(CLI + args, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_cli_run_writes_results_and_prints_summary(tmp_path):
    out = tmp_path / "run"
    proc = _run(
        ["years=3", "n_firms=60", "replications=2", "seed=7", f"hydra.run.dir={out}"], tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert "firms start" in proc.stdout and "seed=7" in proc.stdout
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert sorted(ts["replication"].unique()) == [0, 1]
    assert (ts["seed"] == 7).all() and ts["step"].max() == 12
    for rep in ("rep_000", "rep_001"):
        folder = out / "replications" / rep
        meta = json.loads((folder / "metadata.json").read_text())
        assert meta["seed"] == 7 and meta["package_version"]
        assert json.loads((folder / "config.json").read_text())["n_firms"] == 60
        assert (folder / "snapshots" / "firms_step00012.parquet").exists()
        assert (folder / "snapshots" / "ties_step00012.parquet").exists()
    assert (out / "figures" / "regions.png").stat().st_size > 10_000
    assert not list(out.rglob("*.tmp")), "temporary files left behind"


def test_cli_bad_value_fails_before_writing(tmp_path):
    out = tmp_path / "bad"
    proc = _run(["n_firms=-5", f"hydra.run.dir={out}"], tmp_path)
    assert proc.returncode != 0
    assert "n_firms=-5" in proc.stderr and "allowed" in proc.stderr
    assert not out.exists() or not any(out.rglob("*"))


def test_cli_unknown_engine_is_refused(tmp_path):
    proc = _run(["engine=turbo", f"hydra.run.dir={tmp_path / 'x'}"], tmp_path)
    assert proc.returncode != 0 and "engine='turbo'" in proc.stderr


def test_multirun_joblib_in_parallel_and_aggregated(tmp_path):
    sweep = tmp_path / "sweep"
    proc = _run(
        [
            "-m",
            "seed=0,1",
            "years=2",
            "n_firms=40",
            "replications=1",
            "hydra/launcher=joblib",
            "hydra.launcher.n_jobs=2",
            f"hydra.sweep.dir={sweep}",
        ],
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    from clustersim.analysis.aggregate import load

    table = load(sweep)
    assert sorted(table["param.seed"].unique()) == [0, 1]
    assert table["run_id"].nunique() == 2
    assert {"param.n_firms", "param.market.selection", "job"} <= set(table.columns)
    # each job's rows equal the same run done in-process
    from clustersim import make_config, run

    direct = run(make_config(seed=1, years=2, n_firms=40, replications=1)).timeseries
    job = table[table["param.seed"] == 1][direct.columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(job, direct, check_dtype=False)
