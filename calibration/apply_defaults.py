"""Write a search point into the declared defaults of ``sim/params.py`` (a reviewed step).

``calibration/search.py`` writes ``points.csv``; this script takes one row (``--point``, by
default the best: most patterns met, then the smallest distance), checks each searched
factor lies in its declared range, and rewrites the default in the parameter's declaration.
Nothing else in the file changes. Values are written as the search evaluated them (six
significant digits: exactly as in ``points.csv``): any change of a behavioural parameter
changes which random draws decide what, so a rounded point is a different replicate of the
statistics of seeds 0-9 (``--digits 3`` rounds; re-evaluate with
``calibration/status_quo_table.py``).

With ``--posterior DIR`` (a folder ``ieisim calibrate`` wrote, e.g. the shipped
``posteriors/status_quo``) the defaults become the posterior's point estimate instead: each
calibrated parameter's weighted posterior median, to ``--digits`` significant digits
(default 3 there: a point estimate of an ABC posterior carries no more).

Usage::

    PYTHONPATH=. python calibration/apply_defaults.py results/calibration/points.csv [--point N]
    PYTHONPATH=. python calibration/apply_defaults.py --posterior posteriors/status_quo
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from pathlib import Path

import pandas as pd

from sim.calibration.posterior import POINT_DIGITS, point_estimate, significant
from sim.params import BY_NAME

PARAMS_FILE = Path(__file__).resolve().parent.parent / "sim" / "params.py"
_SPEC = importlib.util.spec_from_file_location(
    "calibration_search", Path(__file__).resolve().parent / "search.py")
search = importlib.util.module_from_spec(_SPEC)
sys.modules.setdefault("calibration_search", search)
_SPEC.loader.exec_module(search)


def rounded(name: str, value: float, digits: int = 17) -> float | int:
    """``value`` to ``digits`` significant digits (a whole number for an integer parameter)."""
    return significant(value, digits, BY_NAME[name].dtype is int)


def rewrite(text: str, name: str, value: float | int) -> str:
    """``text`` of params.py with the default of parameter ``name`` set to ``value``."""
    pattern = re.compile(rf'(_p\("\w+", "{name}", )([^,]+)(,)')
    new, n = pattern.subn(lambda m: f"{m.group(1)}{value!r}{m.group(3)}", text)
    if n != 1:
        raise ValueError(f"parameter {name!r}: expected one declaration, found {n}")
    return new


def main(argv: list[str] | None = None) -> int:
    """Command line: rewrite the defaults from one row of a search's points.csv."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("points", type=Path, nargs="?")
    ap.add_argument("--point", type=int, default=None)
    ap.add_argument("--posterior", type=Path, default=None,
                    help="a calibration folder: write its weighted posterior medians")
    ap.add_argument("--digits", type=int, default=None,
                    help="significant digits (default 17 for a search point: exactly as "
                         "evaluated; 3 for a posterior)")
    args = ap.parse_args(argv)
    if args.posterior is not None:
        return apply_posterior(args.posterior,
                              POINT_DIGITS if args.digits is None else args.digits)
    if args.digits is None:
        args.digits = 17
    if args.points is None or not args.points.is_file():
        print(f"error: {args.points} is not a file", file=sys.stderr)
        return 2
    df = pd.read_csv(args.points)
    if args.point is None:
        row = df.sort_values(["patterns_met", "distance"], ascending=[False, True]).iloc[0]
    else:
        match = df[df["point"] == args.point]
        if match.empty:
            print(f"error: --point {args.point} is not in {args.points}", file=sys.stderr)
            return 2
        row = match.iloc[0]
    write_defaults({name: float(row[name]) for name in search.FACTORS}, args.digits)
    print(f"wrote {PARAMS_FILE} (point {int(row['point'])}: {int(row['patterns_met'])} "
          f"patterns met)")
    return 0


def write_defaults(values: dict[str, float], digits: int) -> None:
    """Set each parameter's declared default in params.py to its value, rounded and checked."""
    text = PARAMS_FILE.read_text()
    for name, value in values.items():
        value = rounded(name, value, digits)
        BY_NAME[name].check(value)
        text = rewrite(text, name, value)
        print(f"{name} = {value!r}")
    PARAMS_FILE.write_text(text)


def apply_posterior(folder: Path, digits: int) -> int:
    """Rewrite the defaults of the parameters calibrated in ``folder`` to its point estimate."""
    if not (folder / "posterior.parquet").is_file():
        print(f"error: --posterior {folder}: no posterior.parquet there", file=sys.stderr)
        return 2
    write_defaults(point_estimate(folder, digits), digits)
    print(f"wrote {PARAMS_FILE} (posterior medians of {folder})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
