"""Checks shared by the figure tests: valid PDF/PNG files that fit a journal column."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
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
    check_pdf_fonts(folder / f"{name}.pdf")


def pdf_font_types(path: Path) -> list[tuple[str, str, bool]]:
    """``(name, type, embedded)`` of each font in the PDF, as ``pdffonts`` lists them.

    Uses poppler's ``pdffonts`` when installed (``.ci/run`` installs poppler-utils); else
    reads the font dictionaries from the (uncompressed) PDF objects matplotlib writes.
    """
    if shutil.which("pdffonts"):
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                             check=True).stdout.splitlines()
        head = out[0]
        type_at, enc_at, emb_at = head.index("type"), head.index("encoding"), head.index("emb")
        return [(line[:type_at].strip(), line[type_at:enc_at].strip(),
                 line[emb_at:emb_at + 3].strip() == "yes") for line in out[2:] if line.strip()]
    pdf = Path(path).read_bytes()
    fonts = []
    for m in re.finditer(rb"/Subtype\s*/(Type0|TrueType|Type1|Type3|CIDFontType[02])", pdf):
        kind = m.group(1).decode()
        if kind.startswith("CIDFontType"):
            continue  # the descendant of a Type0 font, listed with it
        start = pdf.rfind(b"<<", 0, m.start())
        name = re.search(rb"/BaseFont\s*/([^\s/>]+)", pdf[start:m.end() + 200])
        label = {"Type0": "CID TrueType" if b"/CIDFontType2" in pdf else "CID Type 0C",
                 "Type3": "Type 3"}.get(kind, kind)
        fonts.append((name.group(1).decode() if name else "", label,
                      kind == "Type3" or b"/FontFile2" in pdf))
    return fonts


def check_pdf_fonts(path: Path) -> list[tuple[str, str, bool]]:
    """Every font of the PDF is an embedded TrueType font (Type 42 / CID TrueType), none is
    Type 3 or CFF (Type 1C, CID Type 0C); returns the fonts."""
    fonts = pdf_font_types(path)
    assert fonts, f"{path}: no fonts found"
    for name, kind, embedded in fonts:
        assert kind in ("TrueType", "CID TrueType"), (path.name, name, kind)
        assert embedded, (path.name, name)
    return fonts
