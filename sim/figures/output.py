"""Writing a figure: vector PDF, 300-dpi PNG and the plotted data as CSV, plus the index.

Output is deterministic: the PDF carries no creation date, the PNG no time stamp, and the
CSV is written with a fixed line ending and pandas' round-trip float format, so the same
data gives byte-identical files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from sim.figures.layout import fit_panel_titles
from sim.figures.style import PNG_DPI
from sim.outputs import FIGURES_RECORD

FORMATS = ("pdf", "png", "csv")
"""Files written for each figure, by extension."""
_PDF_METADATA = {"CreationDate": None, "Creator": "ieisim", "Producer": None}
_PNG_METADATA = {"Software": None}


@dataclass(frozen=True)
class FigureRecord:
    """One written figure, for the index.

    Attributes:
        name: file stem (``<name>.pdf|.png|.csv``).
        title: one line saying what the figure shows.
        source: which runs (or analysis files) its data comes from.

    """

    name: str
    title: str
    source: str

    def files(self) -> list[str]:
        """The file names written for this figure."""
        return [f"{self.name}.{ext}" for ext in FORMATS]


def save_figure(fig: Figure, data: pd.DataFrame, out_dir: Path, name: str, title: str,
                source: str) -> FigureRecord:
    """Write ``fig`` as ``name.pdf`` and ``name.png`` and ``data`` as ``name.csv``."""
    out_dir = Path(out_dir)
    fit_panel_titles(fig)
    fig.savefig(out_dir / f"{name}.pdf", metadata=_PDF_METADATA)
    fig.savefig(out_dir / f"{name}.png", dpi=PNG_DPI, metadata=_PNG_METADATA)
    data.to_csv(out_dir / f"{name}.csv", index=False, lineterminator="\n")
    return FigureRecord(name, title, source)


def write_index(records: list[FigureRecord], out_dir: Path, heading: str, about: str,
                command: str, where: str = "") -> Path:
    """Write ``README.md`` in ``out_dir`` listing each figure, what it shows and its data.

    ``command`` is the command line that regenerates the figures, ``where`` (e.g. " in the
    folder that holds `demo/`") says where to run it when that is not the usual place.
    """
    lines = [f"# {heading}", "", about, "",
             "Each figure is a vector PDF and a 300-dpi PNG; the CSV beside it holds exactly "
             f"the numbers plotted. Regenerate them with `{command}`{where}.", "",
             "| Figure | Shows | Data from |", "|---|---|---|"]
    for r in records:
        files = ", ".join(f"[{f.rsplit('.', 1)[1]}]({f})" for f in r.files())
        lines.append(f"| `{r.name}` ({files}) | {r.title} | {r.source} |")
    # what 'ieisim figures' may replace: every file it wrote here (figures, data, tables)
    listed = [f for r in records for f in r.files()]
    others = sorted(p.name for p in Path(out_dir).iterdir()
                    if p.name not in listed and p.name != "README.md")
    written = " ".join(listed + others)
    lines += ["", f"<!-- {FIGURES_RECORD} {written} -->"]
    path = Path(out_dir) / "README.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
