"""Processes sharing a results folder: no run overwrites another, nothing finished is lost."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from clustersim import make_config
from clustersim.analysis import aggregate as agg
from clustersim.analysis.aggregate import DATASET, MARKER, RUNS, aggregate, load
from clustersim.experiment.sweep import LOCK, run_job
from clustersim.observe.folders import claim_dir

CLI = [sys.executable, "-m", "clustersim"]
SMALL = ["n_firms=30", "years=2", "replications=1"]
TIMEOUT = 300


def _together(commands, cwd):
    """Start every command at once, wait for all; their (returncode, stdout, stderr)."""
    procs = [
        subprocess.Popen(c, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in commands
    ]
    out = []
    for p in procs:
        try:
            stdout, stderr = p.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            for q in procs:
                q.kill()
            raise
        out.append((p.returncode, stdout, stderr))
    return out


def test_claim_dir_gives_each_caller_a_new_folder(tmp_path):
    got = [claim_dir(tmp_path / "run") for _ in range(3)]
    assert [p.name for p in got] == ["run", "run-1", "run-2"]
    assert all(p.is_dir() and p.parent == tmp_path for p in got)


def test_two_runs_started_together_write_two_whole_folders(tmp_path):
    # the same folder name for both, as two runs started in the same second get
    same = tmp_path / "results" / "runs" / "same"
    results = _together(
        [CLI + [*SMALL, f"seed={s}", f"hydra.run.dir={same}"] for s in (1, 2)], tmp_path
    )
    folders = {}
    for seed, (code, stdout, stderr) in zip((1, 2), results, strict=True):
        assert code == 0, stderr
        wrote = re.search(r"^wrote (\S+)/timeseries\.parquet", stdout, re.M)
        folders[seed] = Path(wrote.group(1))
    assert sorted(p.name for p in same.parent.iterdir()) == ["same", "same-1"]
    assert len(set(folders.values())) == 2
    for seed, folder in folders.items():  # each printed folder holds that run's whole output
        assert folder.parent == same.parent
        ts = pd.read_parquet(folder / "timeseries.parquet")
        assert set(ts["seed"]) == {seed} and ts["step"].max() == 8
        assert json.loads((folder / "config.json").read_text())["seed"] == seed
        marker = json.loads((folder / MARKER).read_text())
        assert marker["run_ids"] == sorted(ts["run_id"].unique())
        assert (folder / "replications" / "rep_000" / "metadata.json").exists()
        assert (folder / "figures" / "regions.png").stat().st_size > 10_000


def test_two_launches_into_one_sweep_run_each_job_once(tmp_path):
    sweep = tmp_path / "sweep"
    launch = CLI + ["-m", "seed=0,1,2,3", *SMALL, f"hydra.sweep.dir={sweep}"]
    results = _together([launch, launch], tmp_path)
    for code, _, stderr in results:
        assert code == 0, stderr
    stdout = "".join(r[1] for r in results)
    for job in range(4):
        # run by exactly one launch, finished, its time series whole and its own
        assert stdout.count(f"wrote {sweep / str(job)}/timeseries.parquet") == 1, stdout
        marker = json.loads((sweep / str(job) / MARKER).read_text())
        ts = pd.read_parquet(sweep / str(job) / "timeseries.parquet")
        assert set(ts["seed"]) == {job} and len(ts) == 9 * 4  # steps x regions
        assert marker["run_ids"] == sorted(ts["run_id"].unique())
    assert not list(sweep.rglob("*.tmp"))
    # the launch that aggregated last saw every job
    assert load(sweep)["param.seed"].nunique() == 4
    assert len(pd.read_parquet(sweep / RUNS)) == 4


def test_a_locked_job_is_skipped_and_a_dead_holder_blocks_nothing(tmp_path):
    cfg = make_config(n_firms=30, years=1, replications=1, **{"output.figures": False})
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from clustersim.observe.folders import file_lock\n"
            f"with file_lock({str(tmp_path / LOCK)!r}):\n"
            "    print('held', flush=True); time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        said = []
        assert run_job(cfg, tmp_path, echo=said.append) is False
        assert f"pid {holder.pid}" in said[0] and said[0].endswith("skipped")
        assert not (tmp_path / MARKER).exists()
    finally:
        holder.kill()
        holder.wait(timeout=30)
        holder.stdout.close()
    # the holder was killed holding the lock: its lock file stays, and blocks nothing
    assert (tmp_path / LOCK).exists()
    assert run_job(cfg, tmp_path, echo=lambda *a: None) is True
    assert (tmp_path / MARKER).exists()


@pytest.fixture
def two_jobs(tmp_path):
    for job, seed in (("0", 0), ("1", 1)):
        cfg = make_config(
            n_firms=30, years=1, replications=2, seed=seed, **{"output.figures": False}
        )
        run_job(cfg, tmp_path / job, echo=lambda *a: None)
    return tmp_path


def test_aggregation_removes_what_a_killed_one_left(two_jobs):
    sweep = two_jobs
    aggregate(sweep)
    part = next((sweep / DATASET).glob("run_id=*/part-0.parquet"))
    stale = [
        part.parent / ".part-0.parquet.abc123.tmp",
        sweep / DATASET / f".{agg.COMMON}.x.tmp",
        sweep / f".{RUNS}.x.tmp",
    ]
    for tmp in stale:
        tmp.write_text("half")
    (sweep / agg.NEW / "run_id=x").mkdir(parents=True)  # a half-built dataset
    assert len(aggregate(sweep)) == 4
    assert not list(sweep.rglob("*.tmp")) and not (sweep / agg.NEW).exists()
    # killed between the two renames of the swap: the old dataset comes back
    (sweep / DATASET).rename(sweep / agg.OLD)
    assert len(aggregate(sweep)) == 4
    assert not (sweep / agg.OLD).exists() and load(sweep)["run_id"].nunique() == 4


def test_a_failed_aggregation_leaves_the_old_dataset_whole(two_jobs, monkeypatch):
    sweep = two_jobs
    (sweep / "1" / MARKER).rename(sweep / "1" / "held_back")
    aggregate(sweep)
    before = load(sweep)
    assert before["run_id"].nunique() == 2
    (sweep / "1" / "held_back").rename(sweep / "1" / MARKER)
    real, calls = agg.write_parquet, []

    def fail_on_second(df, path):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt  # as a kill would, half-way through the new partitions
        return real(df, path)

    monkeypatch.setattr(agg, "write_parquet", fail_on_second)
    with pytest.raises(KeyboardInterrupt):
        aggregate(sweep)
    pd.testing.assert_frame_equal(load(sweep), before)  # no half of the new dataset shows
    monkeypatch.undo()
    assert load(sweep)["run_id"].nunique() == 2
    assert len(aggregate(sweep)) == 4 and load(sweep)["run_id"].nunique() == 4
