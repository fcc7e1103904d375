"""Checks shared by the figure tests: valid PDF/PNG files that fit a journal column."""

from __future__ import annotations

import struct
from pathlib import Path

from sim.figures.style import DOUBLE_COLUMN_IN, PNG_DPI

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PDF_MAGIC = b"%PDF-"
# bbox "tight" trims or pads a little around the drawn area
COLUMN_SLACK = 1.05


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) in pixels from the PNG's IHDR chunk."""
    head = Path(path).read_bytes()[:24]
    assert head[:8] == PNG_MAGIC, f"{path} is not a PNG"
    assert head[12:16] == b"IHDR"
    return struct.unpack(">II", head[16:24])


def check_figure_files(folder: Path, name: str) -> None:
    """``name``.pdf/.png/.csv exist; PDF and PNG are valid; PNG fits a double column at 300
    dpi and is not a sliver; the PDF embeds TrueType fonts and no Type 3 font."""
    pdf = (folder / f"{name}.pdf").read_bytes()
    assert pdf.startswith(PDF_MAGIC) and pdf.rstrip().endswith(b"%%EOF"), name
    assert b"/Subtype /Type3" not in pdf, f"{name}.pdf has a Type 3 font"
    assert b"/FontFile2" in pdf, f"{name}.pdf embeds no TrueType font"
    width, height = png_size(folder / f"{name}.png")
    assert width <= DOUBLE_COLUMN_IN * PNG_DPI * COLUMN_SLACK, (name, width)
    assert width >= 2 * PNG_DPI and height >= PNG_DPI, (name, width, height)
    assert (folder / f"{name}.csv").stat().st_size > 0
