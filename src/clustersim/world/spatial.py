"""Spatial index rebuilt when firms come, go or move: firms by region and by grid cell (a cell
list).

Distance kernels look only at the 3x3 cells around a firm, so chance meetings cost O(N), never
O(N^2). Lists hold live slots in slot order, which keeps both engines' random picks identical.
The index is built by one compiled counting sort, as a step rebuilds it up to three times.
"""

from __future__ import annotations

import numpy as np
from numba import njit


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

    def region_members(self, r: int) -> np.ndarray:
        return self.region_order[self.region_start[r] : self.region_start[r + 1]]


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
def _index(x, y, alive, region, cell_size, ncx, n_regions):
    """Live slots, each live slot's grid cell (-1 for empty slots), and the live slots grouped
    by cell and by region."""
    n = alive.shape[0]
    cell_of = np.empty(n, dtype=np.int64)
    slots = np.empty(n, dtype=np.int64)
    n_live = 0
    for s in range(n):  # branch-free: dead slots are scattered, a branch would mispredict
        cx = min(int(x[s] / cell_size), ncx - 1)
        cy = min(int(y[s] / cell_size), ncx - 1)
        cell_of[s] = cy * ncx + cx if alive[s] else -1
        slots[n_live] = s
        n_live += alive[s]
    live = slots[:n_live]
    cell_order, cell_start = _buckets(cell_of[live], live, ncx * ncx)
    region_order, region_start = _buckets(region[live], live, n_regions)
    return n_live, cell_of, cell_order, cell_start, region_order, region_start
