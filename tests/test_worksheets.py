"""The teaching worksheets print to PDF (``make worksheets``): the docs site is built, each
worksheet page goes through headless Chromium with the site's print stylesheet, and the PDF
holds the worksheet and not the site's navigation. Needs Chromium: marked browser."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from test_docs import build_site

from clustersim.conf import ConfigError
from clustersim.viz import presets, worksheets

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    build_site(out)
    return out


def pages(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [unicodedata.normalize("NFKC", p.extract_text()) for p in PdfReader(pdf).pages]


def test_every_worksheet_prints_without_the_site_around_it(site, tmp_path):
    try:
        worksheets.chromium()
    except ConfigError:
        pytest.skip("chromium is not installed (`make chromium` installs it)")
    titles = presets.exercises()
    pdfs = worksheets.print_all(site, tmp_path)
    assert [p.stem for p in pdfs] == list(titles)
    for pdf in pdfs:
        text = pages(pdf)
        # the steps, then the questions and the teacher's part each from a new page
        assert len(text) >= 3, (pdf.name, len(text))
        assert text[0].startswith(f"Exercise: {titles[pdf.stem]}"), text[0][:200]
        assert "Steps in the app" in text[0]
        starts = [t.splitlines()[0] for t in text]
        assert "Questions" in starts and "What students should observe" in starts, starts
        whole = "\n".join(text)
        # the theme's navigation, breadcrumbs and footer are not printed
        for chrome in ("API reference", "Ray sweeps", "Built with MkDocs", "Previous"):
            assert chrome not in whole, (pdf.name, chrome)
        # tables wrap instead of running off the paper: every table's last column is printed
        flat = " ".join(whole.split())
        for cell in last_cells(ROOT / "docs" / "teaching" / f"{pdf.stem}.md"):
            assert cell in flat, (pdf.name, cell)


def last_cells(md: Path) -> list[str]:
    """The text of the last cell of each table row of a worksheet (markdown marks dropped)."""
    rows = [r for r in md.read_text().splitlines() if r.startswith("|") and "---" not in r]
    cells = [r.strip().strip("|").split("|")[-1] for r in rows]
    return [" ".join(c.replace("*", "").replace("`", "").split()) for c in cells if c.strip()]


def test_a_missing_site_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match=r"no worksheet page teaching/lock_in/index.html"):
        worksheets.page(tmp_path, "lock_in")
