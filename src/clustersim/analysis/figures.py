"""Figure helpers shared by the sensitivity analysis, the studies and the run figures."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def save(fig, path: str | Path, dpi: int = 110) -> Path:
    """Save ``fig`` atomically (temporary file, then rename) and close it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    fig.savefig(tmp, dpi=dpi)
    plt.close(fig)
    tmp.replace(path)
    return path


def data_uri(fig, dpi: int = 110) -> str:
    """``fig`` as a PNG ``data:`` URI (and closed): a figure embedded in a self-contained HTML
    file needs no file beside it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def small_multiples(n: int, max_cols: int, width: float, height: float):
    """A figure of ``n`` panels (each ``width`` x ``height`` inches), at most ``max_cols`` to a
    row, sharing the x axis; returns (figure, 2-D array of axes)."""
    cols = min(max_cols, n)
    rows = int(np.ceil(n / cols))
    return plt.subplots(
        rows,
        cols,
        figsize=(width * cols, height * rows),
        squeeze=False,
        sharex=True,
        constrained_layout=True,
    )


__all__ = ["plt", "save", "small_multiples"]
