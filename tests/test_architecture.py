"""The package's shape: imports flow one way, with no cycles (contracts in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    """Layers, independent mechanisms, and Hydra only in the command line (import-linter)."""
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "3 kept, 0 broken" in out.stdout


def test_no_module_imports_itself_back():
    """No import cycle between modules, function-level imports included; the root package is
    the public face and nothing inside imports it."""
    graph = grimp.build_graph("clustersim")
    edges = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            edges.add_edge(module, imported)
    inside = [m for m in edges.predecessors("clustersim") if m != "clustersim.__main__"]
    assert inside == [], f"modules importing the root package: {inside}"
    cycles = sorted(nx.simple_cycles(edges), key=len)
    assert cycles == [], f"{len(cycles)} import cycles, e.g. {' -> '.join(cycles[0])}"
