"""Measures of the validation patterns on a run's outputs (see docs/validation.md)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from scipy import stats


def _firm_ties(firms: pd.DataFrame, ties: pd.DataFrame, flows_only: bool) -> pd.DataFrame:
    t = ties[ties["kind"] == "firm"]
    if flows_only:
        t = t[t["successes"] > 0]  # ties that have carried knowledge (a successful project)
    ids = set(firms["uid"])
    return t[t["a"].isin(ids) & t["b"].isin(ids)]


def _geo(firms: pd.DataFrame, a, b) -> np.ndarray:
    f = firms.set_index("uid")
    return np.hypot(
        f.loc[a, "x"].to_numpy() - f.loc[b, "x"].to_numpy(),
        f.loc[a, "y"].to_numpy() - f.loc[b, "y"].to_numpy(),
    )


def flow_locality(
    firms: pd.DataFrame,
    ties: pd.DataFrame,
    bins=(0, 5, 10, 20, 40, 80, 150),
    n_random: int = 50_000,
    seed: int = 0,
) -> pd.DataFrame:
    """P4: how much likelier a knowledge flow is between firms at a given distance than between
    random pairs of the same firms (Jaffe, Trajtenberg & Henderson 1993).

    Flows are ties that carried at least one successful joint project. Returns one row per
    distance bin with the share of flows, the share of random pairs and their ratio.
    """
    t = _firm_ties(firms, ties, flows_only=True)
    d_flow = _geo(firms, t["a"], t["b"])
    rng = np.random.default_rng(seed)
    n = len(firms)
    ia, ib = rng.integers(0, n, n_random), rng.integers(0, n, n_random)
    keep = ia != ib
    xs, ys = firms["x"].to_numpy(), firms["y"].to_numpy()
    d_rand = np.hypot(xs[ia[keep]] - xs[ib[keep]], ys[ia[keep]] - ys[ib[keep]])
    edges = np.asarray(bins, dtype=float)
    flow_share = np.histogram(d_flow, edges)[0] / max(len(d_flow), 1)
    rand_share = np.histogram(d_rand, edges)[0] / max(len(d_rand), 1)
    return pd.DataFrame(
        {
            "lo": edges[:-1],
            "hi": edges[1:],
            "flow_share": flow_share,
            "random_share": rand_share,
            "ratio": flow_share / np.where(rand_share > 0, rand_share, np.nan),
        }
    )


def small_world(firms: pd.DataFrame, ties: pd.DataFrame) -> dict:
    """P5: average clustering of the firm tie network against a random graph of equal size and
    density (whose expected clustering is the density), and path lengths of both on the largest
    component (Kogut & Belinky 2008)."""
    t = _firm_ties(firms, ties, flows_only=False)
    g = nx.Graph()
    g.add_nodes_from(firms["uid"])
    g.add_edges_from(zip(t["a"], t["b"], strict=True))
    n, m = g.number_of_nodes(), g.number_of_edges()
    density = 2 * m / (n * (n - 1)) if n > 1 else 0.0
    clustering = nx.average_clustering(g)
    rand = nx.gnm_random_graph(n, m, seed=0)
    giant = g.subgraph(max(nx.connected_components(g), key=len))
    rgiant = rand.subgraph(max(nx.connected_components(rand), key=len))
    return {
        "nodes": n,
        "ties": m,
        "density": density,
        "clustering": clustering,
        "clustering_random": nx.average_clustering(rand),
        "ratio": clustering / density if density > 0 else np.nan,
        "path_length": _mean_path(giant),
        "path_length_random": _mean_path(rgiant),
    }


def _mean_path(g: nx.Graph, sources: int = 60) -> float:
    nodes = sorted(g.nodes)
    if len(nodes) < 2:
        return float("nan")
    rng = np.random.default_rng(0)
    picks = rng.choice(len(nodes), size=min(sources, len(nodes)), replace=False)
    lengths = []
    for p in picks:
        d = nx.single_source_shortest_path_length(g, nodes[p])
        lengths.extend(v for k, v in d.items() if k != nodes[p])
    return float(np.mean(lengths))


def shock_response(
    before: pd.DataFrame,
    after: pd.DataFrame,
    later: pd.DataFrame,
    ties_before: pd.DataFrame,
    demand: np.ndarray,
) -> dict:
    """After a demand shock: does distance to the new demand cut sales, and do firms whose
    partners are more diverse in technology space recover their market share faster?

    ``before``/``after``/``later`` are firm snapshots just before the shock, just after it and
    some years on; ``demand`` is the new demand position. Returns Spearman correlations.
    """
    b, a, l = (df.set_index("uid") for df in (before, after, later))
    kcols = [c for c in a.columns if c.startswith("k") and c[1:].isdigit()]
    common = b.index.intersection(a.index)
    dist = np.sqrt(((a.loc[common, kcols].to_numpy() - demand) ** 2).sum(axis=1))
    sales_change = np.log(a.loc[common, "sales"] / b.loc[common, "sales"])
    t = _firm_ties(before, ties_before, flows_only=False)
    both = pd.concat([t[["a", "b"]], t[["b", "a"]].set_axis(["a", "b"], axis=1)])
    pos = b[kcols]
    cog = np.sqrt(
        ((pos.loc[both["a"]].to_numpy() - pos.loc[both["b"]].to_numpy()) ** 2).sum(axis=1)
    )
    diversity = pd.Series(cog, index=both["a"].to_numpy()).groupby(level=0).sum()
    survivors = common.intersection(l.index)
    div = diversity.reindex(survivors).fillna(0.0)
    share_a = a.loc[survivors, "sales"] / a["sales"].sum()
    share_l = l.loc[survivors, "sales"] / l["sales"].sum()
    recovery = np.log(share_l / share_a)
    return {
        "rho_distance_sales": stats.spearmanr(dist, sales_change)[0],
        "rho_diversity_recovery": stats.spearmanr(div, recovery)[0],
        "firms": len(survivors),
    }
