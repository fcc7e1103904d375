"""The sweep folder: manifest, design, Parquet parts and failures, written so nothing is lost.

Layout of ``results/<name>/``::

    manifest.json      kind "sweep", schema_version, experiment as resolved, hash, counts, ...
    design.parquet     the design matrix (one row per point, sampler order)
    runs/part-*.parquet  result rows, one part per finished batch
    failures.jsonl     one JSON object per failed run attempt

Every file is written to a hidden temporary name in the same folder, flushed and then
renamed with :func:`os.replace`, so a reader (or a resumed sweep) sees a part either
complete or not at all, whenever the writer is killed. ``failures.jsonl`` is appended one
line per ``write`` call; a line cut short by a kill is skipped when read.
"""

from __future__ import annotations

import json
import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import UsageError, excerpt
from sim.experiment.lock import LOCK, writer_lock  # noqa: F401 - the folder's writer lock

MANIFEST = "manifest.json"
DESIGN = "design.parquet"
RUNS = "runs"
FAILURES = "failures.jsonl"
SCHEMA_VERSION = 2
"""Version of the sweep folder layout (``manifest.json``'s ``schema_version``)."""
TMP_PREFIX = ".tmp-"
PART_GLOB = "part-*.parquet"


def _fsync_replace(tmp: Path, final: Path) -> None:
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)


def _tmp_name(final: Path) -> Path:
    return final.with_name(f"{TMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}-{final.name}")


@contextmanager
def _temporary(final: Path):
    """A temporary name beside ``final``, removed if writing it fails (e.g. disk full)."""
    tmp = _tmp_name(final)
    try:
        yield tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as indented JSON, atomically."""
    path = Path(path)
    with _temporary(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, default=str) + "\n", encoding="utf-8")
        _fsync_replace(tmp, path)


def write_table(path: Path, table: pa.Table) -> None:
    """Write a Parquet file atomically (temporary name, fsync, rename)."""
    path = Path(path)
    with _temporary(path) as tmp:
        pq.write_table(table, tmp)
        _fsync_replace(tmp, path)


def result_schema(factors: Iterable[dict], outputs: Iterable[str],
                  with_scenario: bool, with_draw: bool = False) -> pa.Schema:
    """The Parquet schema of the result rows of a sweep (``draw``: posterior draw index)."""
    fields = [pa.field(k, pa.int64()) for k in ("run_id", "point", "replicate", "seed", "step")]
    fields.append(pa.field("year", pa.float64()))
    if with_scenario:
        fields.append(pa.field("scenario", pa.string()))
    if with_draw:
        fields.append(pa.field("draw", pa.int64()))
    types = {"float": pa.float64(), "int": pa.int64(), "bool": pa.bool_()}
    fields += [pa.field(f["name"], types[f["dtype"]]) for f in factors]
    fields += [pa.field(o, pa.float64()) for o in outputs]
    return pa.schema(fields)


def write_part(folder: Path, columns: dict[str, np.ndarray], schema: pa.Schema, tag: str) -> Path:
    """Write one batch of result rows as ``runs/part-<tag>.parquet``."""
    table = pa.Table.from_pydict({name: columns[name] for name in schema.names}, schema=schema)
    path = Path(folder) / RUNS / f"part-{tag}.parquet"
    write_table(path, table)
    return path


def part_files(folder: Path) -> list[Path]:
    """The finished result parts (temporary files excluded), sorted by name."""
    runs = Path(folder) / RUNS
    return sorted(runs.glob(PART_GLOB)) if runs.is_dir() else []


COMPACT_ABOVE_PARTS = 100
"""Compact a folder's parts once there are more than this many small files."""
ROWS_PER_COMPACT_FILE = 250_000
"""Rows per compacted part (bounds the memory of reading one part)."""


def compact_parts(folder: Path, schema: pa.Schema) -> int:
    """Rewrite many small parts as few large ones; return the number of parts removed.

    Crash-safe: each large part is complete (atomic rename) before any small one is deleted,
    and a run present twice is read once (:func:`load_results` drops duplicates). Call it
    only while holding the folder's exclusive writer lock.
    """
    parts = part_files(folder)
    if len(parts) <= COMPACT_ABOVE_PARTS:
        return 0
    tag = uuid.uuid4().hex[:8]
    batch: list[pa.Table] = []
    rows = 0
    seq = 0

    def flush() -> None:
        nonlocal batch, rows, seq
        if batch:
            write_table(Path(folder) / RUNS / f"part-c{tag}-{seq:04d}.parquet",
                        pa.concat_tables(batch))
            seq += 1
            batch, rows = [], 0

    for path in parts:
        table = pq.read_table(path, schema=schema)
        batch.append(table)
        rows += table.num_rows
        if rows >= ROWS_PER_COMPACT_FILE:
            flush()
    flush()
    for path in parts:
        path.unlink(missing_ok=True)
    return len(parts)


def finished_run_ids(folder: Path) -> set[int]:
    """Ids of the runs whose rows are on disk."""
    done: set[int] = set()
    for path in part_files(folder):
        col = pq.read_table(path, columns=["run_id"]).column("run_id").to_numpy()
        done.update(np.unique(col).tolist())
    return done


def remove_stale_tmp(folder: Path) -> int:
    """Delete temporary files left by a killed writer; return how many."""
    n = 0
    for d in (Path(folder), Path(folder) / RUNS):
        if d.is_dir():
            for p in d.glob(f"{TMP_PREFIX}*"):
                p.unlink(missing_ok=True)
                n += 1
    return n


def append_failures(folder: Path, records: Iterable[dict]) -> None:
    """Append failure records to ``failures.jsonl`` (one ``write`` per line, then fsync)."""
    lines = [json.dumps(r, default=str) + "\n" for r in records]
    if not lines:
        return
    fd = os.open(Path(folder) / FAILURES, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        for line in lines:
            os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def load_failures(folder: str | Path, unresolved_only: bool = True) -> list[dict]:
    """Failure records of a sweep folder.

    Args:
        folder: the sweep folder.
        unresolved_only: keep only the latest failure of each run that has no rows on disk
            (a run that failed and then succeeded on resume is not reported).

    """
    path = Path(folder) / FAILURES
    if not path.is_file():
        return []
    records = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line cut short by a kill
    if not unresolved_only:
        return records
    done = finished_run_ids(folder)
    latest = {r["run_id"]: r for r in records if r.get("run_id") not in done}
    return [latest[k] for k in sorted(latest)]


def _require_sweep(folder: Path) -> Path:
    folder = Path(folder)
    if not (folder / MANIFEST).is_file():
        raise UsageError(f"{folder}: not a sweep folder (no {MANIFEST})")
    return folder


def load_manifest(folder: str | Path) -> dict[str, Any]:
    """The sweep's ``manifest.json`` as a dict."""
    folder = _require_sweep(Path(folder))
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise UsageError(f"{folder / MANIFEST}: not valid JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict) or data.get("kind") != "sweep":
        kind = data.get("kind") if isinstance(data, dict) else None
        raise UsageError(f"{folder}: manifest kind is {excerpt(kind)}, not 'sweep'")
    return data


def design_matrix(folder: str | Path) -> pd.DataFrame:
    """The design matrix: one row per point (index ``point``), in sampler order."""
    folder = _require_sweep(Path(folder))
    df = pq.read_table(folder / DESIGN).to_pandas()
    df.index.name = "point"
    return df


def load_results(folder: str | Path, columns: Iterable[str] | None = None,
                 final_only: bool = False) -> pd.DataFrame:
    """The result rows of a sweep as a tidy DataFrame, sorted by ``run_id`` then ``step``.

    Args:
        folder: the sweep folder.
        columns: columns to read (``run_id`` is always included); ``None`` reads all.
            Reading a few columns of a large sweep reads only those from disk.
        final_only: keep the last kept step of each run only.

    Returns:
        Columns ``run_id, point, replicate, seed, step, year``, ``scenario`` (scenarios
        design), ``draw`` (posterior draw, with ``[uncertainty]``), one per factor and one
        per output; rows in the same order whatever the
        executor, the number of workers or the order in which runs finished.

    """
    folder = _require_sweep(Path(folder))
    manifest = load_manifest(folder)
    schema = result_schema(manifest["factors"], manifest["outputs"],
                           manifest["design"] == "scenarios",
                           bool((manifest.get("experiment") or {}).get("uncertainty")))
    if columns is None:
        wanted = list(schema.names)
    else:
        columns = [columns] if isinstance(columns, str) else list(columns)
        for c in columns:
            if c not in schema.names:
                raise UsageError(f"column {c!r} is not in the results: columns are "
                                 f"{', '.join(schema.names)}")
        wanted = ["run_id"] + [c for c in columns if c != "run_id"]
    read = list(wanted)
    if "step" not in read:
        read.append("step")
    parts = part_files(folder)
    if parts:
        tables = [pq.read_table(p, columns=read, schema=schema) for p in parts]
        table = pa.concat_tables(tables)
    else:
        table = schema.empty_table().select(read)
    df = table.to_pandas()
    # a run written twice (possible only if two writers raced) has identical rows
    df = df.drop_duplicates(subset=["run_id", "step"]) if len(parts) > 1 else df
    df = df.sort_values(["run_id", "step"], kind="stable").reset_index(drop=True)
    if final_only and len(df):
        last = df["run_id"].to_numpy()
        keep = np.append(last[1:] != last[:-1], True)
        df = df.loc[keep].reset_index(drop=True)
    return df[wanted]


def merge_sweeps(sources: Iterable[str | Path], out: str | Path) -> Path:
    """Combine sweep folders of one experiment into ``out``.

    For shards run on machines without a shared file system, each with its own ``--out``.
    Parts are copied atomically (names already in ``out`` are skipped, so merging again is
    harmless), failure records appended, and the manifest's counts recomputed. The merged
    folder reads like one sweep; rows of a run present in several sources are read once.

    Raises:
        UsageError: a source is not a sweep folder, or the sweeps are of different
            experiments (their hashes differ).

    """
    import shutil
    from datetime import datetime, timezone

    sources = [Path(s) for s in sources]
    if not sources:
        raise UsageError("merge: no sweep folders given")
    out = Path(out)
    manifests = [load_manifest(s) for s in sources]
    target = load_manifest(out) if (out / MANIFEST).is_file() else None
    hashes = {m["hash"] for m in manifests} | ({target["hash"]} if target else set())
    if len(hashes) != 1:
        raise UsageError(f"merge: the folders hold sweeps of different experiments (hashes "
                         f"{', '.join(sorted(hashes))})")
    (out / RUNS).mkdir(parents=True, exist_ok=True)
    if target is None:
        first = sources[0]
        with _temporary(out / DESIGN) as tmp:
            shutil.copyfile(first / DESIGN, tmp)
            _fsync_replace(tmp, out / DESIGN)
        target = dict(manifests[0], invocations=[])
    for src, manifest in zip(sources, manifests, strict=False):
        if src.resolve() == out.resolve():
            continue
        for part in part_files(src):
            dest = out / RUNS / part.name
            if not dest.exists():
                with _temporary(dest) as tmp:
                    shutil.copyfile(part, tmp)
                    _fsync_replace(tmp, dest)
        append_failures(out, load_failures(src, unresolved_only=False))
        target["invocations"] = target.get("invocations", []) + manifest.get("invocations", [])
    done = len(finished_run_ids(out))
    failed = len(load_failures(out))
    n_runs = target["n_runs"]
    target["counts"] = {"runs": n_runs, "done": done, "failed": failed,
                        "pending": n_runs - done}
    target["finished"] = (datetime.now(timezone.utc).isoformat(timespec="seconds")
                          if done == n_runs else None)
    write_json(out / MANIFEST, target)
    return out


SHOWN_MISSING = 8
"""Missing scenarios or points named in a message (the rest are counted)."""


@dataclass(frozen=True)
class Completeness:
    """Which runs of a sweep have rows on disk.

    Attributes:
        n_runs: runs of the whole experiment (design points x replicates).
        done: runs with rows on disk.
        missing_points: design point -> replicates missing there (points with any missing).
        scenarios: scenario name of each design point (scenarios design), else empty.
        replicates: replicates per design point.

    """

    n_runs: int
    done: int
    missing_points: dict[int, int]
    scenarios: tuple[str, ...] = ()
    replicates: int = 1

    @property
    def missing(self) -> int:
        """Runs with no rows on disk (failed or not yet run)."""
        return self.n_runs - self.done

    @property
    def partial(self) -> bool:
        """True when some runs are missing."""
        return self.missing > 0

    def describe(self) -> str:
        """One plain sentence: how many runs are missing and where (empty if complete)."""
        if not self.partial:
            return ""
        where = []
        items = sorted(self.missing_points.items())
        for point, k in items[:SHOWN_MISSING]:
            name = (f"scenario {self.scenarios[point]}" if point < len(self.scenarios)
                    else f"point {point}")
            where.append(f"{name}: {k} of {self.replicates}")
        if len(items) > SHOWN_MISSING:
            where.append(f"and {len(items) - SHOWN_MISSING} more "
                         f"{'scenarios' if self.scenarios else 'points'}")
        by = "scenario" if self.scenarios else "design point"
        text = (f"partial sweep: {self.missing} of {self.n_runs} runs have no results "
                "(failed or not yet run)")
        return text + (f"; missing runs by {by}: {'; '.join(where)}" if where else "")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (for ``analysis.json``)."""
        by = {(self.scenarios[p] if p < len(self.scenarios) else str(p)): k
              for p, k in sorted(self.missing_points.items())}
        key = "missing_by_" + ("scenario" if self.scenarios else "point")
        return {"n_runs": self.n_runs, "done": self.done, "missing": self.missing,
                "replicates": self.replicates, "description": self.describe(), key: by}


def completeness(folder: str | Path) -> Completeness:
    """Count the runs of a sweep folder on disk against its manifest's design.

    Reads only the ``point`` and ``replicate`` columns of the parts, and the scenario names
    from the manifest (scenarios design: one design point per scenario, in order).
    """
    folder = Path(folder)
    manifest = load_manifest(folder)
    n_points = int(manifest.get("n_points") or 0)
    reps = int(manifest.get("replicates") or 1)
    keys = [np.empty(0, dtype=np.int64)]
    for path in part_files(folder):
        t = pq.read_table(path, columns=["point", "replicate"])
        point = t.column("point").to_numpy()
        rep = t.column("replicate").to_numpy()
        ok = (point >= 0) & (point < n_points) & (rep >= 0) & (rep < reps)
        keys.append(np.unique(point[ok].astype(np.int64) * reps + rep[ok]))
    runs = np.unique(np.concatenate(keys))
    have = np.bincount(runs // reps, minlength=n_points)[:n_points]
    missing = {int(p): int(reps - have[p]) for p in range(n_points) if have[p] < reps}
    scenarios = tuple(manifest.get("scenarios") or ()) if manifest.get("design") == \
        "scenarios" else ()
    n_runs = int(manifest.get("n_runs") or n_points * reps)
    return Completeness(n_runs, int(have.sum()), missing, scenarios, reps)
