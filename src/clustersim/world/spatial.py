"""Spatial index kept current as firms come, go or move: firms by region and by grid cell (a
cell list).

Distance kernels look only at the 3x3 cells around a firm, so chance meetings cost O(N), never
O(N^2). Lists hold live slots in slot order, which keeps both engines' random picks identical.
The index is built by one compiled counting sort when firms came or moved; when firms only
left, their slots are filtered out of the lists (:meth:`SpatialIndex.without`), which leaves
what a rebuild would give.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from clustersim.world.state import pairwise_sum


class SpatialIndex:
    def __init__(self, firms, n_regions: int, size: float, cell_size: float, uni_region):
        self.ncx = self.ncy = max(1, int(np.ceil(size / cell_size)))
        self.cell_size = size / self.ncx
        (
            self.n_live,
            self.cell_of,
            self.cell_order,
            self.cell_start,
            self.region_order,
            self.region_start,
        ) = _index(firms.x, firms.y, firms.alive, firms.region, self.cell_size, self.ncx, n_regions)
        uni_region = np.asarray(uni_region, dtype=np.int64)
        self.uni_order, self.uni_start = _buckets(
            uni_region, np.arange(len(uni_region), dtype=np.int64), n_regions
        )
        self.layout = firms.layout  # the state it indexes (FirmArrays.layout)

    def without(self, firms) -> SpatialIndex:
        """The index once firms were released and nothing else changed since it was built (one
        ``layout`` step): the same lists less the dead slots, a new object (views taken from
        this one stay as they were)."""
        new = SpatialIndex.__new__(SpatialIndex)  # copy.copy, less its generic protocol
        new.__dict__.update(self.__dict__)
        new.cell_of = self.cell_of.copy()
        new.cell_order, new.cell_start = _survivors(
            firms.alive, self.cell_order, self.cell_start, new.cell_of
        )
        new.region_order, new.region_start = _survivors(
            firms.alive, self.region_order, self.region_start, new.cell_of
        )
        new.n_live = len(new.region_order)
        new.layout = firms.layout
        return new

    def region_members(self, r: int) -> np.ndarray:
        return self.region_order[self.region_start[r] : self.region_start[r + 1]]

    def region_means(self, firms, demand, initial_stock) -> tuple[np.ndarray, np.ndarray]:
        """Every region's core and mean knowledge (``model.core_position`` and
        ``model.mean_kstock``) in one compiled pass rather than numpy calls per region, summed
        in numpy's order so the values are the same to the last bit."""
        return region_means(
            self.region_order,
            self.region_start,
            firms.emp,
            firms.kpos,
            firms.kstock,
            demand,
            initial_stock,
        )


@njit(cache=True)
def _buckets(keys, items, n_buckets):
    """Items grouped by key, each group in the items' order (a stable counting sort), and the
    CSR start offsets of the groups."""
    start = np.zeros(n_buckets + 1, dtype=np.int64)
    for k in keys:
        start[k + 1] += 1
    for b in range(n_buckets):
        start[b + 1] += start[b]
    fill = start[:-1].copy()
    order = np.empty(items.shape[0], dtype=np.int64)
    for i in range(items.shape[0]):
        order[fill[keys[i]]] = items[i]
        fill[keys[i]] += 1
    return order, start


@njit(cache=True)
def _survivors(alive, order, start, cell_of):
    """Grouped slots less the dead ones, groups and order kept; marks the dead out of
    ``cell_of`` (-1)."""
    out = np.empty(order.shape[0], dtype=np.int64)
    new_start = np.zeros_like(start)
    k = 0
    for b in range(start.shape[0] - 1):
        for i in range(start[b], start[b + 1]):
            s = order[i]
            if alive[s]:
                out[k] = s
                k += 1
            else:
                cell_of[s] = -1
        new_start[b + 1] = k
    return out[:k].copy(), new_start


@njit(cache=True)
def _index(x, y, alive, region, cell_size, ncx, n_regions):
    """Live slots, each live slot's grid cell (-1 for empty slots), and the live slots grouped
    by cell and by region: both counting sorts share one pass that counts and one that fills."""
    n, n_cells = alive.shape[0], ncx * ncx
    cell_of = np.full(n, -1, dtype=np.int64)
    live = np.empty(n, dtype=np.int64)
    cell_start = np.zeros(n_cells + 1, dtype=np.int64)
    region_start = np.zeros(n_regions + 1, dtype=np.int64)
    n_live = 0
    for s in range(n):
        if alive[s]:
            cx = min(int(x[s] / cell_size), ncx - 1)
            cy = min(int(y[s] / cell_size), ncx - 1)
            cell_of[s] = cy * ncx + cx
            cell_start[cell_of[s] + 1] += 1
            region_start[region[s] + 1] += 1
            live[n_live] = s
            n_live += 1
    for b in range(n_cells):
        cell_start[b + 1] += cell_start[b]
    for b in range(n_regions):
        region_start[b + 1] += region_start[b]
    cell_fill, region_fill = cell_start[:-1].copy(), region_start[:-1].copy()
    cell_order = np.empty(n_live, dtype=np.int64)
    region_order = np.empty(n_live, dtype=np.int64)
    for s in live[:n_live]:  # slot order: each group keeps it
        cell_order[cell_fill[cell_of[s]]] = s
        cell_fill[cell_of[s]] += 1
        region_order[region_fill[region[s]]] = s
        region_fill[region[s]] += 1
    return n_live, cell_of, cell_order, cell_start, region_order, region_start


@njit(cache=True)
def region_means(order, start, emp, kpos, kstock, demand, initial_stock):
    """Per region: the employment-weighted mean position of its firms (``demand`` if it has
    none) and their mean knowledge (``initial_stock`` if none). numpy sums a column of a
    ``(n, dims >= 2)`` array row after row and a vector pairwise: so do these sums."""
    n_reg, dims = start.shape[0] - 1, kpos.shape[1]
    core = np.empty((n_reg, dims))
    mean = np.empty(n_reg)
    buf = np.empty(order.shape[0])
    for r in range(n_reg):
        lo, n = start[r], start[r + 1] - start[r]
        if n == 0:
            for j in range(dims):
                core[r, j] = demand[j]
            mean[r] = initial_stock
            continue
        for i in range(n):
            buf[i] = emp[order[lo + i]]
        w = pairwise_sum(buf, 0, n)
        for j in range(dims):
            acc = 0.0
            for i in range(n):
                s = order[lo + i]
                buf[i] = kpos[s, j] * emp[s]
                acc += buf[i]
            core[r, j] = (pairwise_sum(buf, 0, n) if dims == 1 else acc) / w
        for i in range(n):
            buf[i] = kstock[order[lo + i]]
        mean[r] = pairwise_sum(buf, 0, n) / n
    return core, mean
