"""Spatial index rebuilt once a step: firms by region and by grid cell (a cell list).

Distance kernels look only at the 3x3 cells around a firm, so chance meetings cost O(N), never
O(N^2). Lists hold live slots in slot order, which keeps both engines'
random picks identical.
"""

from __future__ import annotations

import numpy as np

INT16_MAX = np.iinfo(np.int16).max


class SpatialIndex:
    def __init__(self, firms, n_regions: int, size: float, cell_size: float, uni_region):
        live = firms.live
        self.n_live = len(live)
        self.ncx = self.ncy = max(1, int(np.ceil(size / cell_size)))
        self.cell_size = size / self.ncx
        cx = np.minimum((firms.x / self.cell_size).astype(np.int64), self.ncx - 1)
        cy = np.minimum((firms.y / self.cell_size).astype(np.int64), self.ncy - 1)
        self.cell_of = np.where(firms.alive, cy * self.ncx + cx, -1)
        self.cell_order, self.cell_start = _buckets(self.cell_of[live], live, self.ncx * self.ncy)
        self.region_order, self.region_start = _buckets(firms.region[live], live, n_regions)
        uni_idx = np.arange(len(uni_region))
        self.uni_order, self.uni_start = _buckets(np.asarray(uni_region), uni_idx, n_regions)

    def region_members(self, r: int) -> np.ndarray:
        return self.region_order[self.region_start[r] : self.region_start[r + 1]]


def _buckets(keys: np.ndarray, items: np.ndarray, n_buckets: int):
    """Items grouped by key (stable, so slot order is kept) and CSR start offsets."""
    if n_buckets <= INT16_MAX:
        keys = keys.astype(np.int16)  # the same stable order, by a much faster radix sort
    order = np.argsort(keys, kind="stable")
    start = np.zeros(n_buckets + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=n_buckets), out=start[1:])
    return items[order].astype(np.int64), start
