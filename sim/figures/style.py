"""The one style of every ieisim figure: sizes, fonts, colours, and the Chinese font look-up.

Sizes fit a journal's single column (3.5 in) and double column (7.2 in); fonts are 8 pt
(7 pt for ticks and legends), which stays readable when printed at that width. Colours come
from colour-blind-safe palettes (Paul Tol's high-contrast scheme for the four rungs, Okabe
and Ito's for other series) and the rungs also differ in lightness, hatching and marker so
that a greyscale print still separates them. PDFs embed TrueType fonts (``pdf.fonttype``
42: journals reject Type 3 fonts) and carry no creation date, so the same data gives the
same file.

With ``lang="zh"`` the labels are Chinese: :func:`find_cjk_font` looks for an installed
font that has the Chinese glyphs *and TrueType (``glyf``) outlines* (e.g. Debian's
``fonts-wqy-microhei``), so that the PDF embeds it as a Type 42 (CID TrueType) font that
journal preflight accepts; fonts with CFF outlines (Noto Sans CJK, Source Han Sans) are
skipped, because matplotlib embeds them with a font-type mismatch that ``pdffonts`` and
preflight tools flag. When no such font is installed, :func:`rc_params` raises
:class:`~sim.errors.UsageError` saying how to install one instead of drawing boxes in place
of the characters.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Iterator

import matplotlib

matplotlib.use("Agg")  # no display needed; must precede pyplot

from matplotlib import font_manager  # noqa: E402

from sim.errors import UsageError  # noqa: E402
from sim.ladder import RUNGS  # noqa: E402

LANGS = ("en", "zh")
"""Label languages: English (default) and simplified Chinese."""

SINGLE_COLUMN_IN = 3.5
"""Width of a single-column figure, inches."""
DOUBLE_COLUMN_IN = 7.2
"""Width of a double-column figure, inches."""
PANEL_HEIGHT_IN = 2.2
"""Height of one row of panels, inches."""
PNG_DPI = 300
"""Resolution of the PNG copies, dots per inch."""

FONT_SIZE_PT = 8.0
"""Axis labels and titles, points."""
SMALL_FONT_SIZE_PT = 7.0
"""Tick labels, legends and annotations, points."""
LINE_WIDTH_PT = 1.2
"""Data lines, points."""
AXES_LINE_WIDTH_PT = 0.6
"""Axis spines and ticks, points."""
BAND_ALPHA = 0.25
"""Opacity of uncertainty bands (0-1)."""

LATIN_FONT = "DejaVu Sans"
"""Font for Latin text; ships with matplotlib, so it is always there."""
CJK_FONT_CANDIDATES = (
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "Noto Sans SC",
    "Heiti SC", "Hiragino Sans GB", "PingFang SC",
)
"""Sans-serif fonts with simplified Chinese glyphs, best first (only those whose file has
TrueType outlines are used; see :func:`has_truetype_outlines`)."""
CJK_GLYPH_PROBE = "校企合作年份比例"
"""Characters a font must have to count as a Chinese font."""
CJK_INSTALL_HINT = ("install a Chinese TrueType font, e.g. 'sudo apt-get install "
                    "fonts-wqy-microhei' on Debian/Ubuntu (WenQuanYi Micro Hei; CFF fonts such "
                    "as Noto Sans CJK are not embedded cleanly), then rerun")
"""How to get a Chinese font, shown when none is installed."""


@dataclass(frozen=True)
class SeriesStyle:
    """How one series is drawn: colour plus greyscale-safe cues."""

    color: str
    hatch: str
    marker: str
    linestyle: str | tuple


# Paul Tol's high-contrast scheme (designed to survive colour blindness and greyscale) plus
# black: grey lightness falls from 0.66 (internship) to 0 (joint R&D) as the rung climbs.
_RUNG_COLORS = ("#DDAA33", "#BB5566", "#004488", "#000000")
_RUNG_HATCHES = ("", "////", "....", "xxxx")
_RUNG_MARKERS = ("o", "s", "^", "D")
_RUNG_LINESTYLES = ("-", "--", "-.", ":")

RUNG_STYLE: dict[str, SeriesStyle] = {
    rung: SeriesStyle(c, h, m, ls)
    for rung, c, h, m, ls in zip(RUNGS, _RUNG_COLORS, _RUNG_HATCHES, _RUNG_MARKERS,
                                 _RUNG_LINESTYLES, strict=True)
}
"""Fixed style of each rung of the cooperation ladder (same in every figure)."""

NO_TIE_COLOR = "#E6E6E6"
"""Enterprises without a tie: lighter in grey (0.90) than any rung (internship 0.66)."""

# Okabe & Ito (2008), ordered so that neighbours differ in lightness too.
SERIES_COLORS = ("#000000", "#E69F00", "#0072B2", "#009E73", "#CC79A7", "#56B4E9",
                 "#D55E00", "#F0E442")
"""Colours of other series (scenarios, runs, outcomes), in order of use."""
SERIES_LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1)),
                     (0, (8, 2)), (0, (3, 1, 1, 1)))
"""Line styles paired with :data:`SERIES_COLORS` (greyscale-safe)."""
SERIES_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
"""Markers paired with :data:`SERIES_COLORS`."""

HIGHLIGHT_COLOR = "#D55E00"
"""Emphasis (non-dominated policies, targets)."""
MUTED_COLOR = "#BBBBBB"
"""De-emphasised points and reference ranges."""
REFERENCE_COLOR = "#444444"
"""Zero lines, full lever ranges."""
SEQUENTIAL_CMAP = "cividis"
"""Colour map for heatmaps: colour-blind safe, lightness rises monotonically."""


def series_style(i: int) -> SeriesStyle:
    """Style of the ``i``-th series of a figure (cycles after eight)."""
    k = i % len(SERIES_COLORS)
    return SeriesStyle(SERIES_COLORS[k], _RUNG_HATCHES[k % len(_RUNG_HATCHES)],
                       SERIES_MARKERS[k], SERIES_LINESTYLES[k])


def _has_glyphs(path: str, text: str) -> bool:
    try:
        charmap = matplotlib.ft2font.FT2Font(path).get_charmap()
    except (OSError, RuntimeError):
        return False
    return all(ord(ch) in charmap for ch in text)


def has_truetype_outlines(path: str) -> bool:
    """Whether the font file ``path`` (first face of a collection) has ``glyf`` outlines.

    Only such fonts embed as Type 42 (CID TrueType) in a PDF; CFF-outline OpenType fonts
    draw a font-type mismatch warning in ``pdffonts`` and preflight checks.
    """
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(path, fontNumber=0, lazy=True)
    except Exception:  # noqa: BLE001 - unreadable or unsupported file: not usable
        return False
    try:
        return "glyf" in font
    finally:
        font.close()


def find_cjk_font() -> str | None:
    """Family name of an installed TrueType font with simplified Chinese glyphs, or None.

    Looks through matplotlib's font list (and fonts installed after its cache was built)
    for the candidates in :data:`CJK_FONT_CANDIDATES`, then for any family with "CJK",
    "Hei" or "Han Sans" in its name, and keeps the first whose file really has the glyphs
    of :data:`CJK_GLYPH_PROBE` and TrueType outlines (:func:`has_truetype_outlines`).
    """
    manager = font_manager.fontManager
    known = {f.fname for f in manager.ttflist}
    for path in sorted(font_manager.findSystemFonts()):
        if path not in known and any(k in path.lower() for k in ("cjk", "han", "hei", "wqy")):
            with contextlib.suppress(Exception):
                manager.addfont(path)
    by_name: dict[str, list[str]] = {}
    for entry in sorted(manager.ttflist, key=lambda f: (f.name, f.fname)):
        by_name.setdefault(entry.name, []).append(entry.fname)
    loose = sorted(n for n in by_name
                   if any(k in n for k in ("CJK SC", "CJK", "Hei", "Han Sans")))
    for name in (*CJK_FONT_CANDIDATES, *loose):
        if any(_has_glyphs(path, CJK_GLYPH_PROBE) and has_truetype_outlines(path)
               for path in by_name.get(name, ())):
            return name
    return None


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported label language, else raise UsageError."""
    if lang not in LANGS:
        raise UsageError(f"--lang {lang!r}: expected one of {', '.join(LANGS)}")
    return lang


def rc_params(lang: str = "en") -> dict:
    """Matplotlib settings of the ieisim style for labels in ``lang``.

    Raises:
        UsageError: ``lang`` is unknown, or ``"zh"`` and no Chinese font is installed.

    """
    check_lang(lang)
    families = [LATIN_FONT]
    if lang == "zh":
        cjk = find_cjk_font()
        if cjk is None:
            raise UsageError(f"--lang zh needs a Chinese font and none is installed: "
                             f"{CJK_INSTALL_HINT}")
        families = [cjk, LATIN_FONT]
    return {
        "font.family": "sans-serif",
        "font.sans-serif": families,
        "font.size": FONT_SIZE_PT,
        "axes.titlesize": FONT_SIZE_PT,
        "axes.labelsize": FONT_SIZE_PT,
        "xtick.labelsize": SMALL_FONT_SIZE_PT,
        "ytick.labelsize": SMALL_FONT_SIZE_PT,
        "legend.fontsize": SMALL_FONT_SIZE_PT,
        "legend.title_fontsize": SMALL_FONT_SIZE_PT,
        "figure.titlesize": FONT_SIZE_PT,
        "legend.frameon": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.linewidth": AXES_LINE_WIDTH_PT,
        "axes.grid": False,
        "axes.unicode_minus": lang == "en",
        "xtick.major.width": AXES_LINE_WIDTH_PT,
        "ytick.major.width": AXES_LINE_WIDTH_PT,
        "xtick.major.size": 3.0,
        "ytick.major.size": 3.0,
        "lines.linewidth": LINE_WIDTH_PT,
        "lines.markersize": 4.0,
        "hatch.linewidth": 0.6,
        "image.cmap": SEQUENTIAL_CMAP,
        "figure.dpi": 100,
        "savefig.dpi": PNG_DPI,
        "savefig.bbox": "tight",
        "savefig.pad_inches": 0.03,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "none",
        "svg.hashsalt": "ieisim",
        "path.simplify": False,
    }


@contextlib.contextmanager
def styled(lang: str = "en") -> Iterator[None]:
    """Context in which figures are drawn in the ieisim style."""
    with matplotlib.rc_context(rc_params(lang)):
        yield
