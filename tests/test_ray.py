"""Sweeps through Hydra's Ray launcher: on a local Ray runtime, and across two Ray nodes one of
which is killed mid-sweep (both on the loopback address).

Needs the optional ``ray`` extra, kept in its own environment because the Ray launcher pins
``cloudpickle<3`` (see docs/guide-ray.md): ``make test-ray`` builds ``.venv-ray`` and runs this.
In the default environment the test is deselected (marker ``ray``) and skips if run by hand.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.ray
pytest.importorskip("ray", reason="the optional extra is absent: pip install -e '.[ray]'")
pytest.importorskip("hydra_plugins.hydra_ray_launcher", reason="hydra-ray-launcher is absent")

from clustersim.analysis.aggregate import MARKER  # noqa: E402  (after the skips)

RAY = [
    "hydra/launcher=ray",
    "+hydra.launcher.ray.init.num_cpus=2",
    "+hydra.launcher.ray.init.include_dashboard=false",
    "+hydra.launcher.ray.init._node_ip_address=127.0.0.1",
]


def _sweep(args, sweep_dir, cwd):
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_DEDUP_LOGS": "0"}
    return subprocess.run(
        [sys.executable, "-m", "clustersim", "-m", *args, f"hydra.sweep.dir={sweep_dir}"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )


def test_ray_sweep_equals_in_process_runs_and_resumes(tmp_path):
    from clustersim import make_config, run
    from clustersim.analysis.aggregate import load

    grid = ["seed=0,1,2", "years=3", "n_firms=50", "replications=1", "output.figures=false"]
    proc = _sweep([*grid, *RAY], tmp_path / "ray", tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "3/3" in proc.stderr  # the progress bar saw every job finish
    table = load(tmp_path / "ray")
    assert table["run_id"].nunique() == 3
    for seed in range(3):
        direct = run(make_config(seed=seed, years=3, n_firms=50)).timeseries
        rows = table[table["param.seed"] == seed][direct.columns].reset_index(drop=True)
        pd.testing.assert_frame_equal(rows, direct, check_dtype=False)
    finished = sorted((tmp_path / "ray").glob("*/timeseries.parquet"))
    assert len(finished) == 3
    stamps = [p.stat().st_mtime_ns for p in finished]
    again = _sweep([*grid, *RAY], tmp_path / "ray", tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    # resumed: every job was finished, so none was run or rewritten (Ray may merge the
    # workers' repeated "skipped" lines, so the files, not the log, are the evidence)
    assert [p.stat().st_mtime_ns for p in finished] == stamps


# ------------------------------------------------------------------ two nodes, one killed
def _free_ports(n: int) -> list[int]:
    """``n`` distinct free ports chosen by the kernel, all in its ephemeral range."""
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


WORKER_PORTS = 60  # per node: one CPU needs a handful of workers; Ray wants a range


def _worker_blocks(n: int) -> list[int]:
    """First ports of ``n`` disjoint blocks of WORKER_PORTS consecutive free ports, below the
    kernel's ephemeral range: the nodes' single ports (from _free_ports) and the ports Ray picks
    for itself come from that range, so they cannot fall inside a worker range."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        low = int(f.read().split()[0])
    starts, start = [], 20000
    while len(starts) < n and start + WORKER_PORTS <= low:
        block = range(start, start + WORKER_PORTS)
        if all(_port_is_free(p) for p in block):
            starts.append(start)
        start += WORKER_PORTS + secrets.randbelow(WORKER_PORTS)  # runs in parallel rarely meet
    assert len(starts) == n, f"no {n} free blocks of {WORKER_PORTS} ports below {low}"
    return starts


def _port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _node_args(ports: list[int], worker_low: int) -> list[str]:
    """Ports of one node's own services, so that two nodes share a machine."""
    names = ["node-manager", "object-manager", "metrics-export", "runtime-env-agent"]
    names += ["dashboard-agent-listen", "dashboard-agent-grpc"]
    return [f"--{n}-port={p}" for n, p in zip(names, ports, strict=True)] + [
        f"--min-worker-port={worker_low}",
        f"--max-worker-port={worker_low + WORKER_PORTS - 1}",
    ]


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process (Linux /proc)."""
    out = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
                cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            out[int(d.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), cmd)
    return out


def _node_pids(temp_dir: str) -> set[int]:
    """The processes of the Ray node started with ``temp_dir``: those naming it (raylet, agents)
    and their descendants (the workers, renamed ray::...)."""
    procs = _processes()
    pids = {p for p, (_, cmd) in procs.items() if temp_dir in cmd}
    while True:
        more = {p for p, (pp, _) in procs.items() if pp in pids} - pids
        if not more:
            return pids
        pids |= more


def _kill(pids) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture
def two_nodes():
    """A Ray head and a second node, each started by its own ``ray start`` with its own temp
    directory and ports and one CPU, on the loopback address; token authentication as on a real
    cluster. Yields (head address, environment, the second node's temp directory)."""
    if not Path("/proc").is_dir():
        pytest.skip("needs /proc to find the nodes' processes")
    ray = str(Path(sys.executable).with_name("ray"))
    env = {
        **os.environ,
        "RAY_USAGE_STATS_ENABLED": "0",
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": secrets.token_hex(32),
    }
    # short temp dirs: Ray's unix sockets live there, and socket paths are limited to ~107 bytes
    dirs = [tempfile.mkdtemp(prefix="rh"), tempfile.mkdtemp(prefix="rn")]
    port, client, *ports = _free_ports(14)
    head_workers, node_workers = _worker_blocks(2)
    common = ["--num-cpus=1", "--node-ip-address=127.0.0.1", "--object-store-memory=80000000"]
    common += ["--disable-usage-stats"]
    head = [ray, "start", "--head", f"--port={port}", f"--ray-client-server-port={client}"]
    head += [
        "--include-dashboard=false",
        f"--temp-dir={dirs[0]}",
        *common,
        *_node_args(ports[:6], head_workers),
    ]
    node = [ray, "start", f"--address=127.0.0.1:{port}", f"--temp-dir={dirs[1]}", *common]
    node += _node_args(ports[6:], node_workers)
    try:
        for cmd in (head, node):
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
            assert proc.returncode == 0, proc.stderr[-3000:]
        yield f"127.0.0.1:{port}", env, dirs[1]
    finally:
        for d in dirs:
            _kill(_node_pids(d))
            shutil.rmtree(d, ignore_errors=True)


def _running_on(sweep: Path, pids: set[int]) -> list[str]:
    """Jobs of ``sweep`` unfinished and locked by a process among ``pids``."""
    return [
        lock.parent.name
        for lock in sweep.glob("*/.lock")
        if not (lock.parent / MARKER).exists()
        and lock.read_text().strip().isdigit()
        and int(lock.read_text()) in pids
    ]


def test_a_sweep_across_two_nodes_survives_killing_one(two_nodes, tmp_path):
    """The second node is killed (its raylet, agents and workers) while it runs a job: Ray
    retries the lost task on the head, the job's folder is cleared and rerun (its lock died with
    its process), and every job's results are in the dataset exactly once, equal to the same
    run made in-process."""
    from clustersim import make_config, run
    from clustersim.analysis.aggregate import load

    address, env, node_dir = two_nodes
    sweep = tmp_path / "sweep"
    grid = ["seed=range(0,6)", "years=40", "n_firms=300", "replications=1"]
    grid += ["output.figures=false", "hydra/launcher=ray"]
    grid += [f"+hydra.launcher.ray.init.address={address}"]
    # the launcher sets object_store_memory, which ray.init refuses when joining a cluster
    grid += ["+hydra.launcher.ray.init.object_store_memory=null"]
    launch = subprocess.Popen(
        [sys.executable, "-m", "clustersim", "-m", *grid, f"hydra.sweep.dir={sweep}"],
        cwd=tmp_path,
        env={**env, "RAY_DEDUP_LOGS": "0"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, killed = time.monotonic() + 300, []
        while not killed and time.monotonic() < deadline and launch.poll() is None:
            pids = _node_pids(node_dir)
            killed = _running_on(sweep, pids)
            if killed:
                _kill(pids)
                dead = pids
            time.sleep(0.2)
        out, _ = launch.communicate(timeout=600)
    finally:
        if launch.poll() is None:
            launch.kill()
    assert killed, f"no job ran on the second node before the sweep ended:\n{out[-3000:]}"
    assert launch.returncode == 0, out[-3000:]
    assert not _node_pids(node_dir)  # the second node is gone for good
    assert sorted(p.parent.name for p in sweep.glob(f"*/{MARKER}")) == [str(j) for j in range(6)]
    table = load(sweep)
    assert sorted(table.groupby("run_id")["param.seed"].first()) == list(range(6))
    # the killed job was rerun elsewhere: its last lock holder is no process of the dead node
    assert int((sweep / killed[0] / ".lock").read_text()) not in dead
    for seed in (int(killed[0]), 0):  # the job on the killed node, and one other
        direct = run(make_config(seed=seed, years=40, n_firms=300)).timeseries
        rows = table[table["param.seed"] == seed][direct.columns].reset_index(drop=True)
        pd.testing.assert_frame_equal(rows, direct, check_dtype=False)
    assert len(table) == 6 * len(direct)  # no job's rows twice
