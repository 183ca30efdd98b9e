"""Print the teaching worksheets to PDF, one per exercise, for a class on paper.

Each worksheet (``docs/teaching/<exercise>.md``) is a page of the built documentation site;
headless Chromium prints it with the site's print stylesheet (``docs/css/print.css``: no
navigation, the questions and the teacher's part on pages of their own).

    python -m clustersim.viz.worksheets [--site site] [--out results/worksheets]

``make worksheets`` builds the site first and writes ``results/worksheets/<exercise>.pdf``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

from clustersim.conf import ConfigError
from clustersim.viz import presets

# Headless Chromium as the project's browser notes launch it (Debian's chromium, no sandbox);
# the browser tests launch it with the same flags.
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
]


def chromium() -> str:
    """The Chromium executable; a clear error where there is none."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        raise ConfigError(
            "chromium: not found on PATH; install it (`make browser-deps` does, with apt)"
        )
    return exe


def page(site: Path, exercise: str) -> Path:
    """The built page of ``exercise``'s worksheet in ``site``."""
    html = site / "teaching" / exercise / "index.html"
    if not html.is_file():
        raise ConfigError(
            f"site={site}: no worksheet page teaching/{exercise}/index.html; build the site "
            "first (`make docs`)"
        )
    return html


def print_pdf(html: Path, pdf: Path, exe: str | None = None, timeout: float = 120) -> Path:
    """Print ``html`` to ``pdf`` (A4, no browser header or footer) with headless Chromium."""
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.unlink(missing_ok=True)  # a stale file must not pass for a fresh print
    cmd = [exe or chromium(), *CHROMIUM_FLAGS, "--no-pdf-header-footer"]
    cmd += [f"--print-to-pdf={pdf.resolve()}", html.resolve().as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        raise RuntimeError(f"chromium did not print {html} to {pdf}: {proc.stderr[-2000:]}")
    return pdf


def print_all(site: Path, out: Path, exercises=None) -> list[Path]:
    """Every exercise's worksheet (or those of ``exercises``) as ``out/<exercise>.pdf``."""
    names = list(presets.exercises()) if exercises is None else list(exercises)
    exe = chromium()
    return [print_pdf(page(site, name), out / f"{name}.pdf", exe) for name in names]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m clustersim.viz.worksheets")
    p.add_argument("--site", type=Path, default=Path("site"), help="the built docs site")
    p.add_argument("--out", type=Path, default=Path("results") / "worksheets")
    p.add_argument("exercise", nargs="*", help="only these exercises (default: all)")
    args = p.parse_args(argv)
    try:
        pdfs = print_all(args.site, args.out, args.exercise or None)
    except ConfigError as err:
        p.exit(2, f"worksheets: {err}\n")
    for pdf in pdfs:
        print(f"wrote {pdf}")


if __name__ == "__main__":
    main()
