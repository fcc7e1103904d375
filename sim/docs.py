"""Generated parts of the documentation: the phase and parameter tables of docs/ODD.md.

``python -m sim.docs`` rewrites the blocks between ``<!-- params:KIND:start -->`` and
``<!-- params:KIND:end -->`` (from :mod:`sim.params`) and between ``<!-- phases:start -->``
and ``<!-- phases:end -->`` (from :data:`sim.model.PHASES`) in docs/ODD.md; a test keeps
them equal to the code.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sim.params import PARAMS

KINDS = ("lever", "behaviour", "economy", "world", "run")
ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def parameter_table(kind: str) -> str:
    """Markdown table of the parameters of one kind (default, bounds, unit, source)."""
    group = kind == "lever"
    head = ["key", "default", "range", "unit", *(["group"] if group else []), "meaning", "source"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for p in PARAMS.values():
        if p.kind != kind:
            continue
        row = [f"`{p.key}`", _cell(p.default), f"[{p.low:g}, {p.high:g}]", _cell(p.unit),
               *([p.group] if group else []), _cell(p.help), _cell(p.source)]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def phase_table() -> str:
    """Markdown table of the phases of a step, in order, read from ``sim.model.PHASES``."""
    from sim.model import PHASES

    lines = ["| # | phase | runs | module | what happens |", "|---|---|---|---|---|"]
    for k, ph in enumerate(PHASES, 1):
        lines.append(f"| {k} | `{ph.name}` | {ph.when} | `{ph.run.__module__}` | "
                     f"{_cell(ph.summary)} |")
    return "\n".join(lines)


def render(text: str) -> str:
    """``text`` with every generated block replaced by the current table."""
    pattern = re.compile(r"(<!-- phases:start -->\n)(?:.*?\n)?(<!-- phases:end -->)", re.S)
    text, n = pattern.subn(lambda m: m.group(1) + phase_table() + "\n" + m.group(2), text)
    if n != 1:
        raise ValueError(f"docs/ODD.md needs exactly one phases block, found {n}")
    for kind in KINDS:
        pattern = re.compile(
            rf"(<!-- params:{kind}:start -->\n)(?:.*?\n)?(<!-- params:{kind}:end -->)", re.S)
        text, n = pattern.subn(
            lambda m, k=kind: m.group(1) + parameter_table(k) + "\n" + m.group(2), text)
        if n != 1:
            raise ValueError(f"docs/ODD.md needs exactly one params:{kind} block, found {n}")
    return text


def main() -> int:
    """Rewrite the generated blocks of docs/ODD.md in place."""
    ODD.write_text(render(ODD.read_text()))
    print(f"updated {ODD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
